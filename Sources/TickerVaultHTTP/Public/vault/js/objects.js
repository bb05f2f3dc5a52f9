// Envelopes, items, manifests, identities and shares (docs/vault-protocol.md). Every AAD is built
// from what this device expects (owner, vault, item, version), never from what the server says.
import { VaultError, Reader, Writer, base32, concat, equal, hex, randomBytes, utf8 } from "./bytes.js";
import { aesGcmOpen, aesGcmSeal, ed25519, hkdf, hmac, hpke, label, sha256, x25519 } from "./primitives.js";

export const Purpose = { itemContent: 0x01, itemKey: 0x02, userKeyPassword: 0x03, userKeyRecovery: 0x04, identityKeys: 0x05 };
export const ContentType = { plan: "application/vnd.ticker.plan+json", contacts: "application/vnd.ticker.contacts+json" };
const FORMAT = 0x01, AES_GCM = 0x01, HEADER = 6;

/** `"TKA1" ‖ u8(purpose) ‖ lp(owner) ‖ lp(vault) ‖ lp(object_id) ‖ u64(version) ‖ lp(extra)`. */
export function context({ purpose, owner, vault = "", objectID, version, extra = "" }) {
  return new Writer("TKA1").u8(purpose).lp(owner).lp(vault).lp(objectID).u64(version).lp(extra).bytes;
}

export const contexts = {
  userKey: (owner, epoch, purpose) => ({ purpose, owner, objectID: "user-key", version: epoch }),
  identity: (owner, epoch) => ({ purpose: Purpose.identityKeys, owner, objectID: "identity", version: epoch }),
  itemKey: (owner, vault, itemID, generation) => ({ purpose: Purpose.itemKey, owner, vault, objectID: itemID, version: generation }),
  content: (owner, vault, itemID, version, contentType) =>
    ({ purpose: Purpose.itemContent, owner, vault, objectID: itemID, version, extra: contentType }),
};

export function envelopeKid(envelope) {
  if (envelope.length < HEADER + 12 + 16) throw new VaultError("malformed", "an envelope is at least 34 bytes");
  if (envelope[0] !== FORMAT || envelope[1] !== AES_GCM) throw new VaultError("unsupported", "unknown envelope format or algorithm");
  return ((envelope[2] << 24) | (envelope[3] << 16) | (envelope[4] << 8) | envelope[5]) >>> 0;
}

export async function seal(plaintext, key, kid, ctx, nonce = randomBytes(12)) {
  const header = new Writer().u8(FORMAT).u8(AES_GCM).u32(kid).bytes;
  return concat(header, nonce, await aesGcmSeal(key, nonce, plaintext, concat(header, context(ctx))));
}

export async function open(envelope, key, ctx) {
  envelopeKid(envelope);
  const aad = concat(envelope.slice(0, HEADER), context(ctx));
  const plaintext = await aesGcmOpen(key, envelope.slice(HEADER, HEADER + 12), envelope.slice(HEADER + 12), aad);
  if (!plaintext) throw new VaultError("integrity", `${describe(ctx)} does not decrypt: it was altered, swapped or replayed, or the key is wrong`);
  return plaintext;
}

function describe(ctx) {
  switch (ctx.purpose) {
    case Purpose.itemContent: return `item ${ctx.objectID} version ${ctx.version}`;
    case Purpose.itemKey: return `the key of item ${ctx.objectID}`;
    case Purpose.identityKeys: return "the identity keys";
    default: return "the User Key";
  }
}

/** Seals a JSON document as `version` of an item, padded with spaces to a multiple of 256 bytes. */
export async function sealItem(account, itemID, version, contentType, json, itemKey = { key: randomBytes(32), generation: 1 }) {
  const padded = concat(json, new Uint8Array((256 - (json.length % 256)) % 256).fill(0x20));
  return {
    item_id: itemID, vault_id: account.vaultID, version, content_type: contentType,
    item_key: await seal(itemKey.key, account.userKey, account.userKeyEpoch, contexts.itemKey(account.userID, account.vaultID, itemID, itemKey.generation)),
    content: await seal(padded, itemKey.key, itemKey.generation, contexts.content(account.userID, account.vaultID, itemID, version, contentType)),
  };
}

/** Opens `version` of `itemID` of this account's vault (what the manifest says, whatever the record claims). */
export async function openItem(account, record, itemID, version) {
  const generation = envelopeKid(record.content);
  const key = await open(record.item_key, account.userKey, contexts.itemKey(account.userID, account.vaultID, itemID, generation));
  const json = await open(record.content, key, contexts.content(account.userID, account.vaultID, itemID, version, record.content_type));
  return { json: unpad(json), itemKey: { key, generation } };
}

export function unpad(json) {
  let end = json.length;
  while (end > 0 && json[end - 1] === 0x20) end--;
  return json.slice(0, end);
}

/** `SHA256("TKD1" ‖ lp(item_key) ‖ u32(len(content)) ‖ content)`. */
export async function itemDigest(itemKey, content) {
  return sha256(new Writer("TKD1").lp(itemKey).u32(content.length).raw(content).bytes);
}

const byItemID = (a, b) => {
  const x = utf8(a.itemID), y = utf8(b.itemID);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};

export const manifest = {
  encode(owner, vaultID, counter, entries) {
    const w = new Writer("TKM1").lp(owner).lp(vaultID).u64(counter).u32(entries.length);
    for (const e of [...entries].sort(byItemID)) {
      if (e.digest.length !== 32) throw new VaultError("malformed", "a manifest digest is 32 bytes");
      w.lp(e.itemID).u64(e.version).raw(e.digest);
    }
    return w.bytes;
  },
  async macKey(userKey, vaultID) { return hkdf(userKey, new Uint8Array(0), label("ticker/v1/manifest-mac", utf8(vaultID))); },
  async mac(userKey, owner, vaultID, counter, entries) { return hmac(await this.macKey(userKey, vaultID), this.encode(owner, vaultID, counter, entries)); },
};

export const identity = {
  statement(b) { return new Writer("TKID1").lp(b.userID).u32(b.epoch).lp(b.signPK).lp(b.encPK).bytes; },
  async fingerprint(b) { return (await sha256(new Writer("TKFPR1").lp(b.userID).lp(b.signPK).lp(b.encPK).bytes)).slice(0, 20); },
  fingerprintText(bytes) { return base32.grouped(base32.encode(bytes), [4]); },
  async verify(b) {
    if (!(await ed25519.verify(b.signPK, b.selfSig, this.statement(b)))) {
      throw new VaultError("integrity", `the identity of ${b.userID} is not signed by its own key`);
    }
  },
  /** The public bundle of private keys `{signSeed, encSecret}`, self-signed. */
  async bundle(keys, userID, epoch) {
    const b = { userID, epoch, signPK: await ed25519.publicKey(keys.signSeed), encPK: await x25519.publicKey(keys.encSecret) };
    b.selfSig = await ed25519.sign(keys.signSeed, this.statement(b));
    return b;
  },
  privateBundle: (keys) => concat(Uint8Array.of(0x01), keys.signSeed, keys.encSecret),
  fromPrivateBundle(bytes) {
    if (bytes.length !== 65 || bytes[0] !== 0x01) throw new VaultError("malformed", "identity private keys are 0x01 and 64 bytes");
    return { signSeed: bytes.slice(1, 33), encSecret: bytes.slice(33) };
  },
};

export const shareHeader = {
  encode(h) {
    const w = new Writer("TKSH1");
    for (const f of [h.shareID, h.senderID, h.recipientID, h.ownerID, h.vaultID, h.itemID]) w.lp(f);
    return w.lp(h.senderFingerprint).lp(h.recipientFingerprint).u64(h.createdAt).bytes;
  },
  decode(bytes) {
    const r = new Reader(bytes);
    r.expect("TKSH1");
    const h = {
      shareID: r.lpText(), senderID: r.lpText(), recipientID: r.lpText(), ownerID: r.lpText(), vaultID: r.lpText(), itemID: r.lpText(),
      senderFingerprint: r.lp(), recipientFingerprint: r.lp(), createdAt: r.u64(),
    };
    if (!r.atEnd || h.senderFingerprint.length !== 20 || h.recipientFingerprint.length !== 20) {
      throw new VaultError("malformed", "a share header has extra or short fields");
    }
    return h;
  },
};

const signedShare = (s) => concat(new Writer("TKSIG1").lp(s.header).bytes, s.enc, s.ct);

export const share = {
  /** Seals `itemKey` to the recipient's key and signs the result with the sender's. */
  async make(header, itemKey, recipientPK, senderSignSeed) {
    const encoded = shareHeader.encode(header);
    const { enc, ct } = await hpke.seal(recipientPK, label("ticker/v1/share", encoded), new Uint8Array(0), concat(Uint8Array.of(0x01), itemKey));
    const s = { header: encoded, enc, ct };
    s.sig = await ed25519.sign(senderSignSeed, signedShare(s));
    return s;
  },
  /** Checks the share against what the recipient knows, then opens it: `{header, itemKey}`. */
  async open(s, recipientEncSecret, recipientFingerprint, senderSignPK, senderFingerprint) {
    const header = shareHeader.decode(s.header);
    if (!equal(header.recipientFingerprint, recipientFingerprint)) throw new VaultError("integrity", "the share was made for another key");
    if (!equal(header.senderFingerprint, senderFingerprint)) throw new VaultError("integrity", "the share's sender is not the contact you verified");
    if (!(await ed25519.verify(senderSignPK, s.sig, signedShare(s)))) throw new VaultError("integrity", "the share's signature does not verify");
    const plaintext = await hpke.open(recipientEncSecret, s.enc, label("ticker/v1/share", s.header), new Uint8Array(0), s.ct);
    if (plaintext.length !== 33 || plaintext[0] !== 0x01) throw new VaultError("malformed", "a shared key is 0x01 and 32 bytes");
    return { header, itemKey: plaintext.slice(1) };
  },
};

export { hex };
