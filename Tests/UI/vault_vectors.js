// Runs every known-answer vector of Tests/Fixtures/vault/vectors.json through the browser client's
// modules, in the page's context. Called by vault_browser_test.py with the vectors as the first
// argument and WebDriver's callback as the last; reports {failures: [...], checks: n}.
const vectors = arguments[0];
const done = arguments[arguments.length - 1];
(async () => {
  const { hex, base64url, Writer, canonicalEmail, utf8 } = await import("/vault/js/bytes.js");
  const P = await import("/vault/js/primitives.js");
  const K = await import("/vault/js/keys.js");
  const O = await import("/vault/js/objects.js");
  const failures = [];
  let checks = 0;
  const get = (path) => path.split(".").reduce((o, k) => o[k], vectors);
  const h = (path) => hex.decode(get(path));
  const b = (path) => base64url.decode(get(path));
  const expect = (name, ok) => { checks++; if (!ok) failures.push(name); };
  const same = (name, bytes, expectedHex) => expect(`${name}: ${hex.encode(bytes)} != ${expectedHex}`, hex.encode(bytes) === expectedHex);
  const fails = async (name, body) => {
    try { await body(); expect(`${name} should fail`, false); } catch (e) { expect(`${name} failed for the wrong reason: ${e}`, e.name !== "TypeError"); }
  };
  const ctx = (c) => ({ purpose: c.purpose, owner: c.owner, vault: c.vault, objectID: c.object_id, version: c.version, extra: c.extra_utf8 });
  const params = (p) => ({ ...p, seed: base64url.decode(p.seed) });
  const secretKey = h("encoding.secret_key_hex");
  const userKey = h("user_key.user_key_hex");

  // Encodings.
  same("lp", new Writer().lp("ab").bytes, get("encoding.lp_example_hex"));
  expect("secret key text", K.secretKeyText.encode(secretKey) === get("encoding.secret_key_text"));
  same("secret key parse", K.secretKeyText.decode(get("encoding.secret_key_text")), get("encoding.secret_key_hex"));
  expect("recovery key text", K.recoveryKeyText.encode(h("encoding.recovery_key_hex")) === get("encoding.recovery_key_text"));
  same("recovery key parse, lower case", K.recoveryKeyText.decode(get("encoding.recovery_key_text").toLowerCase()), get("encoding.recovery_key_hex"));
  await fails("base64url with padding", () => base64url.decode("AA=="));
  await fails("base64url with trailing bits", () => base64url.decode("AB"));

  // Primitives.
  const pb = get("primitives.pbkdf2_sha256");
  same("pbkdf2", await P.pbkdf2(hex.decode(pb.password_hex), hex.decode(pb.salt_hex), pb.iterations), pb.out_hex);
  const hk = get("primitives.hkdf_sha256");
  same("hkdf", await P.hkdf(hex.decode(hk.ikm_hex), hex.decode(hk.salt_hex), hex.decode(hk.info_hex), hk.length), hk.okm_hex);

  // Password-derived keys, the parameters' MAC, the User Key.
  const p = get("kdf_pbkdf2");
  expect("canonical e-mail", canonicalEmail(p.email_input) === p.email_canonical);
  same("password NFKC", utf8(p.password.normalize("NFKC")), p.password_nfkc_hex);
  const parameters = params(p.params);
  same("parameters", K.canonicalParameters(parameters), p.params_canonical_hex);
  const keys = await K.passwordKeys(p.password, p.email_input, secretKey, parameters);
  same("salt", keys.salt, p.salt_hex);
  same("secret key key", await K.secretKeyKey(secretKey, keys.salt), p.sk_key_hex);
  same("auth key", keys.authKey, p.auth_key_hex);
  same("wrap key", keys.wrapKey, p.wrap_key_hex);
  same("parameters MAC key", await K.parametersMacKey(secretKey, p.email_input, parameters), p.params_mac_key_hex);
  same("parameters MAC", await K.parametersMac(secretKey, p.email_input, p.user_id, parameters), p.params_mac_hex);
  await K.checkParameters(hex.decode(p.params_mac_hex), secretKey, p.email_input, p.user_id, parameters, null);
  const userKeyContext = ctx(get("user_key.ctx"));
  same("user key context", O.context(userKeyContext), get("user_key.ctx.encoded_hex"));
  same("user key, unwrapped", await O.open(b("user_key.wrapped_b64u"), keys.wrapKey, userKeyContext), get("user_key.user_key_hex"));
  expect("user key, rewrapped", base64url.encode(await O.seal(userKey, keys.wrapKey, 0, userKeyContext, h("user_key.nonce_hex"))) === get("user_key.wrapped_b64u"));

  // Downgrades are refused before any derivation.
  const weak = params(get("kdf_downgrade.weak_params"));
  await fails("weak parameters", () => K.checkSafe(weak));
  await fails("weak parameters' MAC", () => K.checkParameters(h("kdf_downgrade.weak_params_mac_hex"), secretKey, p.email_input, p.user_id, weak, null));
  await fails("weaker than the pin", () =>
    K.checkParameters(hex.decode(p.params_mac_hex), secretKey, p.email_input, p.user_id, { ...parameters }, { userID: p.user_id, parameters: { ...parameters, iterations: 700000 } }));
  expect("the stored MAC does not depend on the password", get("kdf_downgrade.stored_params_mac_hex") === get("kdf_downgrade.params_mac_with_other_password_hex"));
  expect("strength order", !K.atLeastAsStrong(weak, parameters) && K.atLeastAsStrong(parameters, weak));
  await fails("Argon2id is reserved", () => K.checkSafe(params(get("kdf_argon2id_reserved.params"))));

  // Recovery.
  const recovery = await K.recoveryKeys(h("encoding.recovery_key_hex"), p.user_id);
  same("recovery auth key", recovery.authKey, get("user_key.recovery.recovery_auth_key_hex"));
  same("recovery wrap key", recovery.wrapKey, get("user_key.recovery.recovery_wrap_key_hex"));
  same("user key under the recovery key", await O.open(b("user_key.recovery.wrapped_b64u"), recovery.wrapKey, ctx(get("user_key.recovery.ctx"))), get("user_key.user_key_hex"));

  // An item and the manifest.
  const itemKeyContext = ctx(get("item.item_key_ctx"));
  const itemKey = await O.open(b("item.wrapped_item_key_b64u"), userKey, itemKeyContext);
  same("item key", itemKey, get("item.item_key_hex"));
  expect("item key kid", O.envelopeKid(b("item.wrapped_item_key_b64u")) === get("item.item_key_kid"));
  expect("item key, rewrapped", base64url.encode(await O.seal(itemKey, userKey, get("item.item_key_kid"), itemKeyContext, h("item.item_key_nonce_hex"))) === get("item.wrapped_item_key_b64u"));
  const content = b("item.envelope_b64u");
  same("content envelope", content, get("item.envelope_hex"));
  const plaintext = await O.open(content, itemKey, ctx(get("item.ctx")));
  expect("item plaintext", new TextDecoder().decode(plaintext) === get("item.plaintext_utf8"));
  same("item, resealed", await O.seal(plaintext, itemKey, get("item.kid"), ctx(get("item.ctx")), h("item.nonce_hex")), get("item.envelope_hex"));
  same("item digest", await O.itemDigest(b("item.wrapped_item_key_b64u"), content), get("item.digest_hex"));
  const entries = get("manifest.entries").map((e) => ({ itemID: e.item_id, version: e.version, digest: hex.decode(e.digest_hex) })).reverse();
  same("manifest bytes", O.manifest.encode(get("item.owner"), get("item.vault_id"), get("manifest.counter"), entries), get("manifest.bytes_hex"));
  same("manifest MAC key", await O.manifest.macKey(userKey, get("item.vault_id")), get("manifest.mac_key_hex"));
  same("manifest MAC", await O.manifest.mac(userKey, get("item.owner"), get("item.vault_id"), get("manifest.counter"), entries), get("manifest.mac_hex"));

  // Identities.
  const identities = {};
  for (const name of ["alice", "bob"]) {
    const v = get(`identity.${name}`);
    const keysOf = { signSeed: hex.decode(v.sign_seed_hex), encSecret: hex.decode(v.enc_sk_hex) };
    const bundle = await O.identity.bundle(keysOf, v.user_id, 1);
    same(`${name} signing key`, bundle.signPK, v.sign_pk_hex);
    same(`${name} agreement key`, bundle.encPK, v.enc_pk_hex);
    const fingerprint = await O.identity.fingerprint(bundle);
    same(`${name} fingerprint`, fingerprint, v.fingerprint_hex);
    expect(`${name} fingerprint text`, O.identity.fingerprintText(fingerprint) === v.fingerprint_text);
    if (v.self_sig_hex) same(`${name} self-signature (Ed25519 is deterministic)`, bundle.selfSig, v.self_sig_hex);
    await O.identity.verify(bundle);
    identities[name] = { keys: keysOf, bundle, fingerprint };
  }
  same("alice statement", O.identity.statement(identities.alice.bundle), get("identity.alice.statement_hex"));
  await fails("a changed epoch breaks the self-signature", () => O.identity.verify({ ...identities.alice.bundle, epoch: 2 }));
  const identityContext = O.contexts.identity(get("identity.alice.user_id"), 1);
  const privateBundle = await O.open(b("identity.alice.wrapped_private_b64u"), userKey, identityContext);
  same("alice private keys", O.identity.fromPrivateBundle(privateBundle).signSeed, get("identity.alice.sign_seed_hex"));
  expect("alice private keys, rewrapped",
    base64url.encode(await O.seal(privateBundle, userKey, 1, identityContext, h("identity.alice.wrapped_private_nonce_hex"))) === get("identity.alice.wrapped_private_b64u"));

  // Shares: the vector opens; a tampered header does not; our own share round-trips.
  const { alice, bob } = identities;
  const toShare = (s) => ({ header: base64url.decode(s.header), enc: base64url.decode(s.enc), ct: base64url.decode(s.ct), sig: base64url.decode(s.sig) });
  const vector = toShare(get("share.share"));
  same("share header", vector.header, get("share.header_hex"));
  same("share info", P.label("ticker/v1/share", vector.header), get("share.info_hex"));
  const opened = await O.share.open(vector, bob.keys.encSecret, bob.fingerprint, alice.bundle.signPK, alice.fingerprint);
  same("shared item key", opened.itemKey, get("share.item_key_hex"));
  same("share header, re-encoded", O.shareHeader.encode(opened.header), get("share.header_hex"));
  await fails("tampered share header", () => O.share.open(toShare(get("share.tampered_header_share")), bob.keys.encSecret, bob.fingerprint, alice.bundle.signPK, alice.fingerprint));
  const mine = await O.share.make(opened.header, opened.itemKey, bob.bundle.encPK, alice.keys.signSeed);
  same("own share opens", (await O.share.open(mine, bob.keys.encSecret, bob.fingerprint, alice.bundle.signPK, alice.fingerprint)).itemKey, get("share.item_key_hex"));
  await fails("own share, wrong recipient", () => O.share.open(mine, alice.keys.encSecret, alice.fingerprint, alice.bundle.signPK, alice.fingerprint));
  await fails("own share, forged sender", () => O.share.open(mine, bob.keys.encSecret, bob.fingerprint, bob.bundle.signPK, alice.fingerprint));

  // Negative vectors must all fail.
  expect("eight negative vectors", get("negative").length === 8);
  for (const negative of get("negative")) {
    await fails(`negative vector ${negative.name}`, () => O.open(base64url.decode(negative.envelope_b64u), hex.decode(get("item.item_key_hex")), ctx(negative.ctx)));
  }
  // Plans (docs/plan-format.md): problems name their fields; ISIN check digits.
  const Plan = await import("/vault/js/plan.js");
  expect("Apple's ISIN", Plan.isinProblem("US0378331005") === null);
  expect("a wrong check digit", Plan.isinProblem("US0378331006") === "the check digit should be 5");
  expect("SAP's ISIN", Plan.isinProblem("DE0007164600") === null);
  expect("a valid plan", Plan.planProblems(Plan.newPlan("Mine")).length === 0);
  const bad = { type: "plan", name: "", currency: "eur", accounts: [{ id: "a", name: "A", kind: "bank" }],
    holdings: [{ account: "b", isin: "US0378331005", quantity: -1, cost: 1, currency: "USD" }], goals: [{ name: "G", target: 0, date: "2031-02-30" }] };
  const problems = Plan.planProblems(bad);
  for (const field of ["name:", "currency:", "holdings[0].account:", "holdings[0].quantity:", "goals[0].target:", "goals[0].date:"]) {
    expect(`plan problem ${field}`, problems.some((p) => p.startsWith(field)));
  }
  expect("no other problems", problems.length === 6);

  done({ failures, checks });
})().catch((e) => done({ failures: [`threw: ${e && e.stack ? e.stack : e}`], checks: 0 }));
