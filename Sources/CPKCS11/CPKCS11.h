// The PKCS#11 (Cryptoki) types and constants, from p11-kit's header (Debian: libp11-kit-dev,
// found through pkg-config p11-kit-1). Ticker does not link p11-kit: it loads the token's own
// module (SoftHSM2, a vendor's HSM library, a cloud KMS's PKCS#11 library) with dlopen.
#include <p11-kit/pkcs11.h>
#include <dlfcn.h>
