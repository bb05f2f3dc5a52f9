#!/usr/bin/env python3
"""The Swift CLI and the browser client on one server: what one writes the other reads and edits,
and a password changed on one device works on the other.

Usage: Tests/UI/vault_interop_test.py TICKER_BIN
"""
import json, os, subprocess, sys, tempfile
from harness import chromium, start_server, tear_down

ticker = sys.argv[1]
work = tempfile.mkdtemp()
os.makedirs(f"{work}/dags")
env = dict(os.environ, TICKER_DATA_DIR=f"{work}/data", TICKER_DAGS=f"{work}/dags", TICKER_VAULT_HOME=f"{work}/cli-home")


def cli(*args, secrets=()):
    run = subprocess.run([ticker, "vault", *args], env=env, cwd=work, input="".join(s + "\n" for s in secrets),
                         capture_output=True, text=True)
    assert run.returncode == 0, f"ticker vault {' '.join(args)}: {run.stderr}"
    return run.stdout


def browser(body, *arguments):
    """Runs an async JS function body in the page with the session module as `S`."""
    script = ("const done = arguments[arguments.length - 1]; const args = Array.from(arguments).slice(0, -1);"
              "(async () => { const S = await import('/vault/js/session.js'); const K = await import('/vault/js/keys.js');"
              f"{body} }})().then((r) => done({{ok: r}}), (e) => done({{error: String(e && e.stack || e)}}));")
    result = driver.execute_async_script(script, *arguments)
    assert "error" not in result, result["error"]
    return result["ok"]


server, base, log = start_server(ticker, work, env)
driver = None
try:
    password = "interop password 1"
    cli("register", "--server", base, "--email", "ida@example.org", "--kit", "kit.txt", "--password-fd", "0", secrets=[password])
    secret_key = next(l.split()[-1] for l in open(f"{work}/kit.txt") if l.startswith("Secret Key:"))
    plan = f"{work}/plan.json"
    open(plan, "w").write('{"type":"plan","name":"From the CLI","goal":100}')
    item = cli("put", "--file", plan, "--password-fd", "0", secrets=[password]).split()[0]

    driver = chromium()
    driver.set_script_timeout(120)
    driver.get(base + "/vault/")
    # The browser reads the CLI's item, writes a new version of it and an item of its own.
    seen = browser("""
        const s = await S.logIn("ida@example.org", args[0], K.secretKeyText.decode(args[1]));
        const items = await s.items();
        const text = new TextDecoder().decode(items[args[2]].json);
        const edited = JSON.parse(text); edited.name = "Edited in the browser";
        await s.put(args[2], S.ContentType.plan, S.utf8(JSON.stringify(edited)));
        const mine = await s.put(null, S.ContentType.plan, S.utf8('{"type":"plan","name":"Made in the browser"}'));
        return { text, mine: mine.itemID };
    """, password, secret_key, item)
    assert json.loads(seen["text"])["name"] == "From the CLI", seen
    listing = cli("list", "--password-fd", "0", secrets=[password])
    assert "Edited in the browser" in listing and "Made in the browser" in listing, listing
    assert json.loads(cli("get", item, "--password-fd", "0", secrets=[password]))["name"] == "Edited in the browser"

    # A password changed with the CLI signs in the browser; the old one is refused there.
    cli("change-password", "--password-fd", "0", "--new-password-fd", "0", secrets=[password, "interop password 2"])
    names = browser("""
        let refused = false;
        try { await S.logIn("ida@example.org", args[0], K.secretKeyText.decode(args[2])); } catch (e) { refused = e.code === "bad_credentials"; }
        await new Promise((r) => setTimeout(r, 1100));  // the account's wait after a failed log-in
        const s = await S.logIn("ida@example.org", args[1], K.secretKeyText.decode(args[2]));
        const items = Object.values(await s.items()).map((i) => JSON.parse(new TextDecoder().decode(i.json)).name).sort();
        return { refused, items };
    """, password, "interop password 2", secret_key)
    assert names["refused"] and names["items"] == ["Edited in the browser", "Made in the browser"], names

    # An account registered in the browser works from the CLI.
    made = browser("""
        const O = await import('/vault/js/objects.js');
        const r = await S.register("joy@example.org", args[0]);
        const mine = await r.session.put(null, S.ContentType.plan, S.utf8('{"type":"plan","name":"Joy in the browser"}'));
        const fingerprint = O.identity.fingerprintText(await O.identity.fingerprint(r.session.account.bundle));
        return { secretKey: r.secretKey, recoveryKey: r.recoveryKey, fingerprint, item: mine.itemID };
    """, "joy password 1")
    joy_env_home = f"{work}/cli-home-joy"
    ida_home = env["TICKER_VAULT_HOME"]
    env["TICKER_VAULT_HOME"] = joy_env_home
    cli("login", "--server", base, "--email", "joy@example.org", "--secret-key-fd", "0", "--password-fd", "0",
        secrets=[made["secretKey"], "joy password 1"])
    assert "Joy in the browser" in cli("list", "--password-fd", "0", secrets=["joy password 1"])

    # Sharing both ways between the CLI (Ida) and the browser (Joy), each after verifying the other.
    env["TICKER_VAULT_HOME"] = ida_home
    ida_fingerprint = next(l.split()[-1] for l in cli("whoami").splitlines() if l.startswith("fingerprint:"))
    cli("contacts", "verify", "joy@example.org", "--fingerprint", made["fingerprint"], "--password-fd", "0", secrets=["interop password 2"])
    cli("share", "--to", "joy@example.org", item, "--password-fd", "0", secrets=["interop password 2"])
    got = browser("""
        const s = await S.logIn("joy@example.org", args[0], K.secretKeyText.decode(args[1]));
        await s.verifyContact("ida@example.org", args[2]);
        const { document } = await s.contacts();
        const O = await import('/vault/js/objects.js');
        const { base32 } = await import('/vault/js/bytes.js');
        const pinned = Object.fromEntries(document.contacts.map((c) => [c.user_id, base32.decode(c.fingerprint, 20, "fingerprint")]));
        const received = (await s.received(pinned)).map((r) => JSON.parse(new TextDecoder().decode(r.json)).name);
        const { bundle } = await s.lookUp("ida@example.org");
        const idaPinned = pinned[bundle.userID];
        await s.share(args[3], "ida@example.org", idaPinned);
        return received;
    """, "joy password 1", made["secretKey"], ida_fingerprint, made["item"])
    assert got == ["Edited in the browser"], got
    cli("contacts", "verify", "joy@example.org", "--fingerprint", made["fingerprint"], "--password-fd", "0", secrets=["interop password 2"])
    shared = cli("shared", "--json", "--password-fd", "0", secrets=["interop password 2"])
    assert "Joy in the browser" in shared, shared

    # Recovery in the browser; the new Secret Key signs in with the CLI.
    recovered = browser("""
        return await S.recover("joy@example.org", args[0], "joy password 2");
    """, made["recoveryKey"])
    env["TICKER_VAULT_HOME"] = f"{work}/cli-home-joy-2"
    cli("login", "--server", base, "--email", "joy@example.org", "--secret-key-fd", "0", "--password-fd", "0",
        secrets=[recovered["secretKey"], "joy password 2"])
    assert "Joy in the browser" in cli("list", "--password-fd", "0", secrets=["joy password 2"])
    print("vault interop: CLI and browser read and edit each other's items, share both ways; password change, registration and recovery carry over")
finally:
    tear_down(driver, server, log, work)
