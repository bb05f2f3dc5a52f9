// Keys from the password, the Secret Key and the Recovery Key (docs/vault-protocol.md, "Password-
// derived keys"). The parameters are checked (range, floor, pin, MAC) before any password work.
import { VaultError, Writer, base32, canonicalEmail, equal, randomBytes, utf8 } from "./bytes.js";
import { hkdf, hmac, label, pbkdf2, sha256 } from "./primitives.js";

export const PBKDF2 = 1;
export const DEFAULT_ITERATIONS = 600000;

export function freshParameters() {
  return { kdf: PBKDF2, iterations: DEFAULT_ITERATIONS, memory_kib: 0, parallelism: 0, seed: randomBytes(32) };
}

/** `"TKP1" ‖ u8(kdf) ‖ u32(iterations) ‖ u32(memory_kib) ‖ u8(parallelism) ‖ lp(seed)`. */
export function canonicalParameters(p) {
  const inRange = (v, max) => Number.isInteger(v) && v >= 0 && v <= max;
  if (!inRange(p.kdf, 255) || !inRange(p.parallelism, 255) || !inRange(p.iterations, 0xffffffff) || !inRange(p.memory_kib, 0xffffffff)) {
    throw new VaultError("malformed", "key-derivation parameters out of range");
  }
  if (p.seed.length !== 32) throw new VaultError("unsafe-parameters", `the key-derivation seed is ${p.seed.length} bytes, not 32`);
  return new Writer("TKP1").u8(p.kdf).u32(p.iterations).u32(p.memory_kib).u8(p.parallelism).lp(p.seed).bytes;
}

/** The protocol's floor and ceiling; Argon2id (kdf 2) is reserved in v1. */
export function checkSafe(p) {
  canonicalParameters(p);
  if (p.kdf === 2) throw new VaultError("unsupported", "Argon2id (kdf 2) is reserved in protocol v1");
  if (p.kdf !== PBKDF2) throw new VaultError("unsafe-parameters", `unknown key-derivation function ${p.kdf}`);
  if (p.iterations < 600000) throw new VaultError("unsafe-parameters", `${p.iterations} PBKDF2 iterations is below the floor of 600,000`);
  if (p.iterations > 10000000) throw new VaultError("unsafe-parameters", `${p.iterations} PBKDF2 iterations is above the ceiling of 10,000,000`);
  if (p.memory_kib !== 0 || p.parallelism !== 0) throw new VaultError("unsafe-parameters", "PBKDF2 takes no memory or parallelism parameters");
}

/** Whether `p` is at least as strong as the pinned parameters (rule 11.11). */
export function atLeastAsStrong(p, pinned) {
  if (pinned.kdf === 1 && p.kdf === 1) return p.iterations >= pinned.iterations;
  if (pinned.kdf === 1 && p.kdf === 2) return true;
  if (pinned.kdf === 2 && p.kdf === 2) return p.iterations >= pinned.iterations && p.memory_kib >= pinned.memory_kib && p.parallelism >= pinned.parallelism;
  return false;
}

export async function salt(email, seed) { return sha256(new Writer("TKSALT1").lp(canonicalEmail(email)).lp(seed).bytes); }

export async function secretKeyKey(secretKey, saltBytes) { return hkdf(secretKey, saltBytes, utf8("ticker/v1/secret-key")); }

/** auth_key (proves the password) and wrap_key (wraps the User Key), after checkSafe. */
export async function passwordKeys(password, email, secretKey, params) {
  checkSafe(params);
  const canonical = canonicalParameters(params);
  const s = await salt(email, params.seed);
  const stretched = await pbkdf2(utf8(password.normalize("NFKC")), s, params.iterations);
  const skKey = await secretKeyKey(secretKey, s);
  return {
    salt: s,
    authKey: await hkdf(stretched, skKey, label("ticker/v1/auth", canonical)),
    wrapKey: await hkdf(stretched, skKey, label("ticker/v1/wrap", canonical)),
  };
}

export async function parametersMacKey(secretKey, email, params) {
  return hkdf(secretKey, await salt(email, params.seed), label("ticker/v1/params-mac", canonicalParameters(params)));
}

export async function parametersMac(secretKey, email, userID, params) {
  return hmac(await parametersMacKey(secretKey, email, params), new Writer("TKPMAC1").lp(userID).raw(canonicalParameters(params)).bytes);
}

/** Refuses, before any password work, parameters that are unsafe, weaker than the pin or not MACed. */
export async function checkParameters(mac, secretKey, email, userID, params, pin) {
  checkSafe(params);
  if (pin) {
    if (pin.userID !== userID) throw new VaultError("integrity", "the server answered for another account than the one this device knows");
    if (!atLeastAsStrong(params, pin.parameters)) {
      throw new VaultError("unsafe-parameters", "the server offered weaker key-derivation parameters than this device has seen");
    }
  }
  if (!equal(await parametersMac(secretKey, email, userID, params), mac)) {
    throw new VaultError("unsafe-parameters", "the server presented unauthenticated key-derivation parameters (or the Secret Key is wrong)");
  }
}

export async function recoveryKeys(recoveryKey, userID) {
  const s = await sha256(new Writer("TKRSALT1").lp(userID).bytes);
  return {
    wrapKey: await hkdf(recoveryKey, s, utf8("ticker/v1/recovery-wrap")),
    authKey: await hkdf(recoveryKey, s, utf8("ticker/v1/recovery-auth")),
  };
}

export const secretKeyText = {
  encode: (bytes) => "TK1-" + base32.grouped(base32.encode(bytes), [6, 5]),
  decode(text) {
    const body = text.trim().toUpperCase();
    if (!body.startsWith("TK1-")) throw new VaultError("malformed", "a Secret Key starts with TK1-");
    return base32.decode(body.slice(4), 16, "the Secret Key");
  },
};

export const recoveryKeyText = {
  encode: (bytes) => "TKR1-" + base32.grouped(base32.encode(bytes), [4]),
  decode(text) {
    const body = text.trim().toUpperCase();
    if (!body.startsWith("TKR1-")) throw new VaultError("malformed", "a Recovery Key starts with TKR1-");
    return base32.decode(body.slice(5), 32, "the Recovery Key");
  },
};
