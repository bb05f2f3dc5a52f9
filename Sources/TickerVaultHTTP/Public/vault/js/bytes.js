// Byte strings of the vault protocol (docs/vault-protocol.md): big-endian integers,
// length-prefixed fields, strict base64url, Crockford base32, canonical e-mail addresses.

export class VaultError extends Error {
  constructor(kind, message) {
    super(`${kind}: ${message}`);
    this.kind = kind; // "malformed", "integrity", "unsafe-parameters", "unsupported"
  }
}

export const utf8 = (text) => new TextEncoder().encode(text);

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) { out.set(part, offset); offset += part.length; }
  return out;
}

export function equal(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export const hex = {
  encode: (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""),
  decode: (text) => Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16)),
};

/** Builds a byte string field by field, as ByteWriter does in the Swift client. */
export class Writer {
  constructor(prefix = "") { this.parts = [utf8(prefix)]; }
  u8(v) { this.parts.push(Uint8Array.of(v)); return this; }
  u16(v) { this.parts.push(Uint8Array.of(v >>> 8, v & 0xff)); return this; }
  u32(v) { this.parts.push(Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)); return this; }
  u64(v) {
    let n = BigInt(v);
    const out = new Uint8Array(8);
    for (let i = 7; i >= 0; i--) { out[i] = Number(n & 0xffn); n >>= 8n; }
    this.parts.push(out);
    return this;
  }
  raw(bytes) { this.parts.push(typeof bytes === "string" ? utf8(bytes) : bytes); return this; }
  lp(value) {
    const bytes = typeof value === "string" ? utf8(value) : value;
    if (bytes.length > 65535) throw new VaultError("malformed", `a field of ${bytes.length} bytes is longer than 65,535`);
    return this.u16(bytes.length).raw(bytes);
  }
  get bytes() { return concat(...this.parts); }
}

/** Reads what Writer wrote; every read checks the length left. */
export class Reader {
  constructor(bytes) { this.bytes = bytes; this.offset = 0; }
  get atEnd() { return this.offset === this.bytes.length; }
  raw(count) {
    if (this.bytes.length - this.offset < count) throw new VaultError("malformed", "truncated data");
    const out = this.bytes.slice(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }
  expect(prefix) { if (!equal(this.raw(utf8(prefix).length), utf8(prefix))) throw new VaultError("malformed", `expected ${prefix}`); }
  u64() { return this.raw(8).reduce((n, b) => (n << 8n) | BigInt(b), 0n); }
  lp() { const l = this.raw(2); return this.raw((l[0] << 8) | l[1]); }
  lpText() { return new TextDecoder("utf-8", { fatal: true }).decode(this.lp()); }
}

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Unpadded base64url; decoding refuses padding, other characters and non-zero trailing bits (rule 11.19). */
export const base64url = {
  encode(bytes) {
    let out = "";
    for (let i = 0; i < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
      const chars = [b64[n >>> 18], b64[(n >>> 12) & 63], b64[(n >>> 6) & 63], b64[n & 63]];
      out += chars.slice(0, Math.min(4, bytes.length - i + 1)).join("");
    }
    return out;
  },
  decode(text, field = "value") {
    if (text.length % 4 === 1) throw new VaultError("malformed", `${field} is not base64url: impossible length`);
    const out = [];
    let buffer = 0, bits = 0;
    for (const char of text) {
      const value = b64.indexOf(char);
      if (value < 0) throw new VaultError("malformed", `${field} is not unpadded base64url`);
      buffer = (buffer << 6) | value;
      bits += 6;
      if (bits >= 8) { bits -= 8; out.push((buffer >>> bits) & 0xff); }
      buffer &= (1 << bits) - 1;
    }
    if (buffer !== 0) throw new VaultError("malformed", `${field} has non-zero trailing bits`);
    return Uint8Array.from(out);
  },
};

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Crockford base32, grouped for people: Secret Key, Recovery Key and fingerprints. */
export const base32 = {
  encode(bytes) {
    let out = "", buffer = 0, bits = 0;
    for (const byte of bytes) {
      buffer = (buffer << 8) | byte;
      bits += 8;
      while (bits >= 5) { bits -= 5; out += crockford[(buffer >>> bits) & 31]; }
      buffer &= (1 << bits) - 1;
    }
    if (bits > 0) out += crockford[(buffer << (5 - bits)) & 31];
    return out;
  },
  decode(text, byteCount, what) {
    const out = [];
    let buffer = 0, bits = 0, count = 0;
    for (const char of text.toUpperCase()) {
      if (char === "-" || char === " ") continue;
      const value = char === "O" ? 0 : char === "I" || char === "L" ? 1 : crockford.indexOf(char);
      if (value < 0) throw new VaultError("malformed", `${what} contains '${char}', which is not in its alphabet`);
      count++;
      buffer = (buffer << 5) | value;
      bits += 5;
      if (bits >= 8) { bits -= 8; out.push((buffer >>> bits) & 0xff); }
      buffer &= (1 << bits) - 1;
    }
    const needed = Math.floor((byteCount * 8 + 4) / 5);
    if (count !== needed || out.length !== byteCount) throw new VaultError("malformed", `${what} has ${count} characters; it needs ${needed}`);
    if (buffer !== 0) throw new VaultError("malformed", `${what} is mistyped (its last character does not fit)`);
    return Uint8Array.from(out);
  },
  grouped(text, sizes) {
    const groups = [];
    for (let i = 0, at = 0; at < text.length; i++) {
      const size = sizes[Math.min(i, sizes.length - 1)];
      groups.push(text.slice(at, at + size));
      at += size;
    }
    return groups.join("-");
  },
};

const whiteSpace = /^[\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+|[\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/gu;

/** canon(e) = trimWS(NFKC(lowerASCII(NFKC(e)))) (rule 11.17). */
export function canonicalEmail(email) {
  const lowered = email.normalize("NFKC").replace(/[A-Z]/g, (c) => c.toLowerCase());
  return lowered.normalize("NFKC").replace(whiteSpace, "");
}

export function randomBytes(count) { return crypto.getRandomValues(new Uint8Array(count)); }

export function uuid() { return crypto.randomUUID().toLowerCase(); }
