// The audited primitives of WebCrypto, in the shapes the protocol uses. Nothing here is a new
// construction: HKDF is RFC 5869 over WebCrypto's HMAC (the protocol needs extract and expand
// apart for HPKE), HPKE is RFC 9180 base mode over WebCrypto's X25519, HMAC and AES-GCM.
import { VaultError, concat, utf8, Writer } from "./bytes.js";

const subtle = crypto.subtle;

export async function sha256(bytes) { return new Uint8Array(await subtle.digest("SHA-256", bytes)); }

export async function hmac(key, data) {
  // An empty HMAC key is the same as 32 zero bytes (RFC 2104 pads keys); WebCrypto refuses empty keys.
  const k = await subtle.importKey("raw", key.length ? key : new Uint8Array(32), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", k, data));
}

export async function hmacVerify(key, data, mac) {
  const k = await subtle.importKey("raw", key.length ? key : new Uint8Array(32), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  return subtle.verify("HMAC", k, mac, data);
}

export async function hkdfExtract(salt, ikm) { return hmac(salt.length ? salt : new Uint8Array(32), ikm); }

export async function hkdfExpand(prk, info, length) {
  const blocks = [];
  let previous = new Uint8Array(0);
  for (let i = 1; blocks.length * 32 < length; i++) {
    previous = await hmac(prk, concat(previous, info, Uint8Array.of(i)));
    blocks.push(previous);
  }
  return concat(...blocks).slice(0, length);
}

/** HKDF-SHA256, extract then expand (32 bytes unless told). */
export async function hkdf(ikm, salt, info, length = 32) { return hkdfExpand(await hkdfExtract(salt, ikm), info, length); }

export async function pbkdf2(password, salt, iterations) {
  const key = await subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256));
}

/** `label ‖ 0x00 ‖ suffix`. */
export function label(text, suffix) { return concat(utf8(text), Uint8Array.of(0), suffix); }

export async function aesGcmSeal(key, nonce, plaintext, aad) {
  const k = await subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
  return new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: aad }, k, plaintext));
}

/** Ciphertext with its tag; null when it does not authenticate. */
export async function aesGcmOpen(key, nonce, sealed, aad) {
  const k = await subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
  try {
    return new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv: nonce, additionalData: aad }, k, sealed));
  } catch {
    return null;
  }
}

// PKCS #8 headers for raw 32-byte Ed25519 seeds and X25519 private keys (RFC 8410).
const ed25519Pkcs8 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
const x25519Pkcs8 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20);

export const ed25519 = {
  async publicKey(seed) {
    const key = await subtle.importKey("pkcs8", concat(ed25519Pkcs8, seed), "Ed25519", true, ["sign"]);
    const jwk = await subtle.exportKey("jwk", key);
    return base64urlBytes(jwk.x);
  },
  async sign(seed, message) {
    const key = await subtle.importKey("pkcs8", concat(ed25519Pkcs8, seed), "Ed25519", false, ["sign"]);
    return new Uint8Array(await subtle.sign("Ed25519", key, message));
  },
  async verify(publicKey, signature, message) {
    try {
      const key = await subtle.importKey("raw", publicKey, "Ed25519", false, ["verify"]);
      return await subtle.verify("Ed25519", key, signature, message);
    } catch {
      return false;
    }
  },
};

export const x25519 = {
  async publicKey(secret) {
    const key = await subtle.importKey("pkcs8", concat(x25519Pkcs8, secret), "X25519", true, ["deriveBits"]);
    return base64urlBytes((await subtle.exportKey("jwk", key)).x);
  },
  async generate() {
    const pair = await subtle.generateKey("X25519", true, ["deriveBits"]);
    const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", pair.privateKey));
    return { secret: pkcs8.slice(pkcs8.length - 32), publicKey: new Uint8Array(await subtle.exportKey("raw", pair.publicKey)) };
  },
  async dh(secret, publicKey) {
    const mine = await subtle.importKey("pkcs8", concat(x25519Pkcs8, secret), "X25519", false, ["deriveBits"]);
    const theirs = await subtle.importKey("raw", publicKey, "X25519", false, []);
    return new Uint8Array(await subtle.deriveBits({ name: "X25519", public: theirs }, mine, 256));
  },
};

function base64urlBytes(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM: one message each way. */
export const hpke = {
  kemSuite: concat(utf8("KEM"), Uint8Array.of(0x00, 0x20)),
  suite: concat(utf8("HPKE"), Uint8Array.of(0x00, 0x20, 0x00, 0x01, 0x00, 0x02)),

  async labeledExtract(suite, salt, name, ikm) { return hkdfExtract(salt, concat(utf8("HPKE-v1"), suite, utf8(name), ikm)); },
  async labeledExpand(suite, prk, name, info, length) {
    return hkdfExpand(prk, concat(new Writer().u16(length).bytes, utf8("HPKE-v1"), suite, utf8(name), info), length);
  },

  async sharedSecret(dh, enc, recipientPublic) {
    const prk = await this.labeledExtract(this.kemSuite, new Uint8Array(0), "eae_prk", dh);
    return this.labeledExpand(this.kemSuite, prk, "shared_secret", concat(enc, recipientPublic), 32);
  },

  async keySchedule(shared, info) {
    const none = new Uint8Array(0);
    const context = concat(
      Uint8Array.of(0x00), await this.labeledExtract(this.suite, none, "psk_id_hash", none),
      await this.labeledExtract(this.suite, none, "info_hash", info));
    const secret = await this.labeledExtract(this.suite, shared, "secret", none);
    return {
      key: await this.labeledExpand(this.suite, secret, "key", context, 32),
      nonce: await this.labeledExpand(this.suite, secret, "base_nonce", context, 12),
    };
  },

  async seal(recipientPublic, info, aad, plaintext) {
    const ephemeral = await x25519.generate();
    const shared = await this.sharedSecret(await x25519.dh(ephemeral.secret, recipientPublic), ephemeral.publicKey, recipientPublic);
    const { key, nonce } = await this.keySchedule(shared, info);
    return { enc: ephemeral.publicKey, ct: await aesGcmSeal(key, nonce, plaintext, aad) };
  },

  async open(recipientSecret, enc, info, aad, ct) {
    const recipientPublic = await x25519.publicKey(recipientSecret);
    let shared;
    try {
      shared = await this.sharedSecret(await x25519.dh(recipientSecret, enc), enc, recipientPublic);
    } catch {
      throw new VaultError("integrity", "the share does not decrypt");
    }
    const { key, nonce } = await this.keySchedule(shared, info);
    const plaintext = await aesGcmOpen(key, nonce, ct, aad);
    if (!plaintext) throw new VaultError("integrity", "the share does not decrypt");
    return plaintext;
  },
};
