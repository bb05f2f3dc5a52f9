// The browser's vault session: the same protocol steps as the Swift client (VaultSession), over
// fetch. Keys stay in memory; what the device remembers between visits (the Secret Key and the
// pins) is the caller's to keep (the page keeps it in IndexedDB).
import { VaultError, base64url as b64, canonicalEmail, equal, randomBytes, utf8, uuid } from "./bytes.js";
import { sha256, x25519 } from "./primitives.js";
import * as K from "./keys.js";
import { ContentType, Purpose, contexts, identity, manifest, open, openItem, seal, sealItem, itemDigest, share as shareObject, unpad } from "./objects.js";

export class ServerError extends Error {
  constructor(status, body) {
    super(`${body.message ?? "the server refused"} (${body.error ?? "http_" + status}, HTTP ${status})`);
    this.status = status;
    this.code = body.error;
    this.body = body;
  }
}

/** One call of the /v1 API; a refusal throws ServerError. */
export async function call(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ServerError(response.status, json ?? {});
  return json;
}

const params = (p) => ({ kdf: p.kdf, iterations: p.iterations, memory_kib: p.memory_kib, parallelism: p.parallelism, seed: b64.encode(p.seed) });
const paramsFrom = (p) => ({ ...p, seed: b64.decode(p.seed, "kdf.seed") });

/** Creates an account; returns its secrets (to show once) and a signed-in session. */
export async function register(email, password) {
  email = canonicalEmail(email);
  const userID = uuid(), vaultID = uuid();
  const secretKey = randomBytes(16), recoveryKey = randomBytes(32), userKey = randomBytes(32);
  const identityKeys = { signSeed: randomBytes(32), encSecret: (await x25519.generate()).secret };
  const parameters = K.freshParameters();
  const keys = await K.passwordKeys(password, email, secretKey, parameters);
  const recovery = await K.recoveryKeys(recoveryKey, userID);
  const bundle = await identity.bundle(identityKeys, userID, 1);
  await call("POST", "/accounts", {
    user_id: userID, email, vault_id: vaultID, kdf: params(parameters),
    kdf_mac: b64.encode(await K.parametersMac(secretKey, email, userID, parameters)),
    auth_key: b64.encode(keys.authKey),
    wrapped_user_key: b64.encode(await seal(userKey, keys.wrapKey, 0, contexts.userKey(userID, 1, Purpose.userKeyPassword))),
    user_key_epoch: 1,
    recovery: {
      wrapped_user_key: b64.encode(await seal(userKey, recovery.wrapKey, 0, contexts.userKey(userID, 1, Purpose.userKeyRecovery))),
      auth_key: b64.encode(recovery.authKey),
    },
    identity: {
      epoch: 1, sign_pk: b64.encode(bundle.signPK), enc_pk: b64.encode(bundle.encPK), self_sig: b64.encode(bundle.selfSig),
      wrapped_private: b64.encode(await seal(identity.privateBundle(identityKeys), userKey, 1, contexts.identity(userID, 1))),
    },
  });
  const pins = { parameters: { userID, parameters, userKeyEpoch: 1 }, manifest: null };
  const session = await logIn(email, password, secretKey, pins);
  return { secretKey: K.secretKeyText.encode(secretKey), recoveryKey: K.recoveryKeyText.encode(recoveryKey), session };
}

/** Checks the server's parameters (range, pin, MAC) before any password work, then signs in. */
export async function logIn(email, password, secretKey, pins = { parameters: null, manifest: null }) {
  email = canonicalEmail(email);
  const prelogin = await call("POST", "/prelogin", { email });
  const parameters = paramsFrom(prelogin.kdf);
  await K.checkParameters(b64.decode(prelogin.kdf_mac), secretKey, email, prelogin.user_id, parameters, pins.parameters);
  const keys = await K.passwordKeys(password, email, secretKey, parameters);
  const answer = await call("POST", "/sessions", { email, auth_key: b64.encode(keys.authKey) });
  if (answer.user_id !== prelogin.user_id) throw new VaultError("integrity", "the session belongs to another account");
  const pinnedEpoch = pins.parameters?.userKeyEpoch ?? 0;
  if (answer.user_key_epoch < pinnedEpoch) throw new VaultError("integrity", `the server returned an older User Key (epoch ${answer.user_key_epoch} < ${pinnedEpoch})`);
  const userKey = await open(b64.decode(answer.wrapped_user_key), keys.wrapKey, contexts.userKey(answer.user_id, answer.user_key_epoch, Purpose.userKeyPassword));
  const bundle = {
    userID: answer.user_id, epoch: answer.identity.epoch, signPK: b64.decode(answer.identity.sign_pk), encPK: b64.decode(answer.identity.enc_pk),
    selfSig: b64.decode(answer.identity.self_sig),
  };
  await identity.verify(bundle);
  const identityKeys = identity.fromPrivateBundle(await open(b64.decode(answer.identity.wrapped_private), userKey, contexts.identity(answer.user_id, bundle.epoch)));
  const account = { userID: answer.user_id, email, vaultID: answer.vault_id, userKey, userKeyEpoch: answer.user_key_epoch, identityKeys, bundle };
  const newPins = { parameters: { userID: answer.user_id, parameters, userKeyEpoch: Math.max(answer.user_key_epoch, pinnedEpoch) }, manifest: pins.manifest };
  return new Session(answer.token, account, newPins, keys);
}

export class Session {
  constructor(token, account, pins, passwordKeys) {
    this.token = token;
    this.account = account;
    this.pins = pins;
    this.passwordKeys = passwordKeys;
  }

  /** Every item, decrypted, after checking the vault against its manifest and this device's pin. */
  async items() {
    const { records } = await this.checkedVault();
    const items = {};
    for (const [itemID, record] of Object.entries(records)) {
      const { json } = await openItem(this.account, record, itemID, record.version);
      items[itemID] = { itemID, version: record.version, contentType: record.content_type, json };
    }
    return items;
  }

  /** Writes `json` (bytes) as the next version of `itemID` (a new item when null). */
  async put(itemID, contentType, json) {
    itemID = itemID ?? uuid();
    for (let attempt = 0; ; attempt++) {
      const { records, counter } = await this.checkedVault();
      const old = records[itemID];
      const itemKey = old ? (await openItem(this.account, old, itemID, old.version)).itemKey : undefined;
      const version = (old?.version ?? 0) + 1;
      const record = await sealItem(this.account, itemID, version, contentType, json, itemKey);
      try {
        await this.commit({ ...records, [itemID]: record }, counter, [record], []);
        return { itemID, version };
      } catch (e) {
        if (attempt > 0 || !(e instanceof ServerError) || e.status !== 409) throw e;
      }
    }
  }

  async delete(itemID) {
    const { records, counter } = await this.checkedVault();
    const old = records[itemID];
    if (!old) throw new VaultError("malformed", `the vault has no item ${itemID}`);
    const next = { ...records };
    delete next[itemID];
    await this.commit(next, counter, [], [{ item_id: itemID, version: old.version }]);
  }

  async logOut() { await call("DELETE", "/sessions/current", undefined, this.token); }

  async checkedVault() {
    const vault = await call("GET", `/vaults/${this.account.vaultID}`, undefined, this.token);
    const { userKey, userID, vaultID } = this.account;
    const records = {};
    if (vault.manifest === null) {
      if (this.pins.manifest) throw new VaultError("integrity", "the server returned no manifest for a vault this device has seen written");
      if (vault.items.length) throw new VaultError("integrity", "the server returned items without a manifest");
      return { records, counter: null };
    }
    const m = vault.manifest;
    const entries = m.entries.map((e) => ({ itemID: e.item_id, version: e.version, digest: b64.decode(e.digest) }));
    const bytes = manifest.encode(userID, vaultID, m.counter, entries);
    if (!equal(await manifest.mac(userKey, userID, vaultID, m.counter, entries), b64.decode(m.mac))) {
      throw new VaultError("integrity", "the vault's manifest does not verify: the server altered the list of items");
    }
    const digest = await sha256(bytes);
    const pin = this.pins.manifest;
    if (pin && m.counter < pin.counter) throw new VaultError("integrity", `the server returned an older manifest (counter ${m.counter} < ${pin.counter}): a rollback`);
    if (pin && m.counter === pin.counter && b64.encode(digest) !== pin.digest) {
      throw new VaultError("integrity", `the server returned a different manifest under counter ${m.counter}`);
    }
    const expected = new Map(entries.map((e) => [e.itemID, e]));
    if (expected.size !== entries.length) throw new VaultError("integrity", "the manifest lists an item twice");
    for (const raw of vault.items) {
      const entry = expected.get(raw.item_id);
      if (!entry) throw new VaultError("integrity", `the server returned item ${raw.item_id}, which the manifest does not list (deleted or injected)`);
      expected.delete(raw.item_id);
      const record = { ...raw, item_key: b64.decode(raw.item_key), content: b64.decode(raw.content) };
      if (record.vault_id !== vaultID || record.version !== entry.version || !equal(await itemDigest(record.item_key, record.content), entry.digest)) {
        throw new VaultError("integrity", `item ${raw.item_id} is not the version the manifest names (an old or altered copy)`);
      }
      records[raw.item_id] = record;
    }
    const missing = [...expected.keys()].sort()[0];
    if (missing) throw new VaultError("integrity", `the server withheld item ${missing}, which the manifest lists`);
    this.pins.manifest = { counter: m.counter, digest: b64.encode(digest) };
    return { records, counter: m.counter };
  }

  async commit(records, counter, puts, deletes) {
    const base = counter ?? 0;
    const entries = [];
    for (const record of Object.values(records)) {
      entries.push({ itemID: record.item_id, version: record.version, digest: await itemDigest(record.item_key, record.content) });
    }
    const { userKey, userID, vaultID } = this.account;
    const next = base + 1;
    const body = {
      base_counter: base,
      puts: puts.map((r) => ({ item_id: r.item_id, version: r.version, content_type: r.content_type, item_key: b64.encode(r.item_key), content: b64.encode(r.content) })),
      deletes,
      manifest: {
        counter: next,
        entries: entries.map((e) => ({ item_id: e.itemID, version: e.version, digest: b64.encode(e.digest) })),
        mac: b64.encode(await manifest.mac(userKey, userID, vaultID, next, entries)),
      },
    };
    await call("POST", `/vaults/${vaultID}/commit`, body, this.token);
    this.pins.manifest = { counter: next, digest: b64.encode(await sha256(manifest.encode(userID, vaultID, next, entries))) };
  }
}

export { ContentType, utf8 };

// Sharing, contacts, password change and recovery: the same steps as the Swift client.

const bundleFrom = (j) => ({ userID: j.user_id, epoch: j.epoch, signPK: b64.decode(j.sign_pk), encPK: b64.decode(j.enc_pk), selfSig: b64.decode(j.self_sig) });

Object.assign(Session.prototype, {
  /** A user's public identity with its self-signature checked, and its fingerprint. */
  async lookUp(email) {
    const bundle = bundleFrom(await call("GET", `/users/lookup?email=${encodeURIComponent(canonicalEmail(email))}`, undefined, this.token));
    await identity.verify(bundle);
    return { bundle, fingerprint: await identity.fingerprint(bundle) };
  },

  /** Shares an item with the account of `email`, whose fingerprint the user verified. */
  async share(itemID, email, verifiedFingerprint) {
    const { bundle, fingerprint } = await this.lookUp(email);
    if (!equal(fingerprint, verifiedFingerprint)) throw new VaultError("integrity", `the server presents another key for ${email} than the one you verified; nothing was shared`);
    const { records } = await this.checkedVault();
    const record = records[itemID];
    if (!record) throw new VaultError("malformed", `the vault has no item ${itemID}`);
    const { itemKey } = await openItem(this.account, record, itemID, record.version);
    const { account } = this;
    const header = {
      shareID: uuid(), senderID: account.userID, recipientID: bundle.userID, ownerID: account.userID, vaultID: account.vaultID, itemID,
      senderFingerprint: await identity.fingerprint(account.bundle), recipientFingerprint: fingerprint, createdAt: Math.floor(Date.now() / 1000),
    };
    const s = await shareObject.make(header, itemKey.key, bundle.encPK, account.identityKeys.signSeed);
    await call("POST", "/shares", {
      share_id: header.shareID, recipient_id: bundle.userID, vault_id: account.vaultID, item_id: itemID,
      header: b64.encode(s.header), enc: b64.encode(s.enc), ct: b64.encode(s.ct), sig: b64.encode(s.sig),
    }, this.token);
    return header.shareID;
  },

  /** Items shared with this account by senders in `contacts` (user id → verified fingerprint bytes). */
  async received(contacts) {
    const own = await identity.fingerprint(this.account.bundle);
    const out = [];
    for (const incoming of await call("GET", "/shares/incoming", undefined, this.token)) {
      const pinned = contacts[incoming.sender_id];
      if (!pinned) continue;
      const sender = bundleFrom(await call("GET", `/users/${incoming.sender_id}/identity`, undefined, this.token));
      await identity.verify(sender);
      if (!equal(await identity.fingerprint(sender), pinned)) throw new VaultError("integrity", `the server presented another key for contact ${incoming.sender_id}`);
      const s = { header: b64.decode(incoming.header), enc: b64.decode(incoming.enc), ct: b64.decode(incoming.ct), sig: b64.decode(incoming.sig) };
      const { header, itemKey } = await shareObject.open(s, this.account.identityKeys.encSecret, own, sender.signPK, pinned);
      const raw = await call("GET", `/vaults/${header.vaultID}/items/${header.itemID}`, undefined, this.token);
      // Without the owner's manifest the recipient takes the version from the record (rule 11.14).
      const json = await open(b64.decode(raw.content), itemKey,
        contexts.content(header.ownerID, header.vaultID, header.itemID, raw.version, raw.content_type));
      out.push({ shareID: incoming.share_id, senderID: incoming.sender_id, itemID: header.itemID, version: raw.version, json: unpad(json) });
    }
    return out;
  },

  /**
   * Whether the current ISIN list knows `isin`, asked without telling the server which ISIN:
   * only the first 4 hex digits of its SHA-256 go out. Null when no list was published yet.
   */
  async isinKnown(isin) {
    const hash = Array.from(await sha256(utf8(isin)), (b) => b.toString(16).padStart(2, "0")).join("");
    try {
      const bucket = await call("GET", `/isins/buckets/${hash.slice(0, 4)}`, undefined, this.token);
      return bucket.entries.some((entry) => entry.sha256 === hash);
    } catch (error) {
      if (error instanceof ServerError && error.status === 404) return null;
      throw error;
    }
  },

  async revokeShare(shareID) { await call("DELETE", `/shares/${shareID}`, undefined, this.token); },

  /** The contacts item (rule 11.20) and its id, or an empty list. */
  async contacts() {
    const items = Object.values(await this.items()).filter((i) => i.contentType === ContentType.contacts).sort((a, b) => (a.itemID < b.itemID ? -1 : 1));
    if (!items.length) return { itemID: null, document: { type: "contacts", contacts: [] } };
    return { itemID: items[0].itemID, document: JSON.parse(new TextDecoder().decode(items[0].json)) };
  },

  /** Adds a contact after the user compared the fingerprint with them; refuses a mismatch. */
  async verifyContact(email, fingerprintText) {
    const { bundle, fingerprint } = await this.lookUp(email);
    const actual = identity.fingerprintText(fingerprint);
    if (!fingerprintText) throw new VaultError("integrity", `${email}'s fingerprint is ${actual}: compare it with them, then enter it`);
    if (fingerprintText.trim().toUpperCase() !== actual) throw new VaultError("integrity", `${email}'s key has fingerprint ${actual}, not ${fingerprintText}: do not share until you know why`);
    const { itemID, document } = await this.contacts();
    document.contacts = document.contacts.filter((c) => c.user_id !== bundle.userID);
    document.contacts.push({
      user_id: bundle.userID, email: canonicalEmail(email), epoch: bundle.epoch, sign_pk: b64.encode(bundle.signPK), enc_pk: b64.encode(bundle.encPK),
      fingerprint: actual, verified_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    });
    await this.put(itemID, ContentType.contacts, utf8(JSON.stringify(document)));
    return actual;
  },

  /** New password (the Secret Key stays); other sessions end. */
  async changePassword(newPassword, secretKey) {
    const body = await newCredentials(this.account, newPassword, secretKey, this.pins.parameters.parameters);
    await call("POST", "/accounts/password", { auth_key: b64.encode(this.passwordKeys.authKey), new: body.wire }, this.token);
    this.pins.parameters = { ...this.pins.parameters, parameters: body.parameters };
  },
});

/** Password material for a User Key: fresh seed, never weaker than `current` (rule 11.11). */
async function newCredentials(account, password, secretKey, current) {
  const parameters = { ...current, seed: randomBytes(32), iterations: Math.max(current.iterations, K.DEFAULT_ITERATIONS) };
  const keys = await K.passwordKeys(password, account.email, secretKey, parameters);
  return {
    parameters,
    wire: {
      kdf: params(parameters), kdf_mac: b64.encode(await K.parametersMac(secretKey, account.email, account.userID, parameters)),
      auth_key: b64.encode(keys.authKey),
      wrapped_user_key: b64.encode(await seal(account.userKey, keys.wrapKey, 0, contexts.userKey(account.userID, account.userKeyEpoch, Purpose.userKeyPassword))),
    },
  };
}

/** Regains an account with its Recovery Key: new password, Secret Key and Recovery Key (shown once). */
export async function recover(email, recoveryKeyText, newPassword) {
  email = canonicalEmail(email);
  const prelogin = await call("POST", "/prelogin", { email });
  const recovery = await K.recoveryKeys(K.recoveryKeyText.decode(recoveryKeyText), prelogin.user_id);
  const started = await call("POST", "/recovery/start", { email, recovery_auth_key: b64.encode(recovery.authKey) });
  if (started.user_id !== prelogin.user_id) throw new VaultError("integrity", "the recovery answer belongs to another account");
  const userKey = await open(b64.decode(started.wrapped_user_key), recovery.wrapKey, contexts.userKey(started.user_id, started.user_key_epoch, Purpose.userKeyRecovery));
  const bundle = bundleFrom({ ...started.identity, user_id: started.user_id });
  await identity.verify(bundle);
  const account = { userID: started.user_id, email, vaultID: started.vault_id, userKey, userKeyEpoch: started.user_key_epoch };
  const floor = K.freshParameters();
  try { K.checkSafe(paramsFrom(prelogin.kdf)); floor.iterations = Math.max(floor.iterations, prelogin.kdf.iterations); } catch { /* the defaults */ }
  const secretKey = randomBytes(16), recoveryKey = randomBytes(32);
  const credentials = await newCredentials(account, newPassword, secretKey, floor);
  const newRecovery = await K.recoveryKeys(recoveryKey, account.userID);
  await call("POST", "/recovery/complete", {
    recovery_token: started.recovery_token, new: credentials.wire,
    new_recovery: {
      wrapped_user_key: b64.encode(await seal(userKey, newRecovery.wrapKey, 0, contexts.userKey(account.userID, account.userKeyEpoch, Purpose.userKeyRecovery))),
      auth_key: b64.encode(newRecovery.authKey),
    },
  });
  return { secretKey: K.secretKeyText.encode(secretKey), recoveryKey: K.recoveryKeyText.encode(recoveryKey) };
}
