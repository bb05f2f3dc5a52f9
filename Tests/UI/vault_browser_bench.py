#!/usr/bin/env python3
"""B1-B2 in headless Chromium (a benchmark, not a test; figures go to docs/benchmarks.md):
B1 a log-in in the browser client (prelogin, PBKDF2 with 600,000 iterations in WebCrypto,
session, unwrapping), median of 5; B2 opening a vault of --items plans (fetch, check every item
against the MACed manifest, decrypt all), median of 3. Prints JSON.

Usage: Tests/UI/vault_browser_bench.py TICKER_BIN [--items 1000]
"""
import json, os, subprocess, sys, tempfile
from harness import chromium, start_server, tear_down

ticker = sys.argv[1]
items = int(sys.argv[sys.argv.index("--items") + 1]) if "--items" in sys.argv else 1000
work = tempfile.mkdtemp()
os.makedirs(f"{work}/dags")
env = dict(os.environ, TICKER_DATA_DIR=f"{work}/data", TICKER_DAGS=f"{work}/dags", TICKER_VAULT_HOME=f"{work}/home")
password = "bench password 1"


def cli(*args, secrets=(password,)):
    run = subprocess.run([ticker, "vault", *args], env=env, cwd=work, input="".join(s + "\n" for s in secrets), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


server, base, log = start_server(ticker, work, env)
driver = None
try:
    cli("register", "--server", base, "--email", "bench@example.org", "--kit", "kit.txt", "--password-fd", "0")
    secret_key = next(l.split()[-1] for l in open(f"{work}/kit.txt") if l.startswith("Secret Key:"))
    plans = [{"content_type": "application/vnd.ticker.plan+json",
              "document": {"type": "plan", "name": f"Plan {i}", "goals": [{"name": "House", "target": 350000, "date": "2035-01-01"}]}}
             for i in range(items)]
    json.dump({"format": "ticker-vault-export/1", "exported_at": "2026-12-04T00:00:00Z", "items": plans}, open(f"{work}/plans.json", "w"))
    cli("import", "plans.json", "--password-fd", "0")
    driver = chromium()
    driver.set_script_timeout(600)
    driver.get(base + "/vault/")
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          const S = await import('/vault/js/session.js'); const K = await import('/vault/js/keys.js');
          const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
          const logIns = []; let session;
          for (let i = 0; i < 5; i++) {
            const start = performance.now();
            session = await S.logIn("bench@example.org", arguments[0], K.secretKeyText.decode(arguments[1]));
            logIns.push(performance.now() - start);
          }
          const opens = []; let count = 0;
          for (let i = 0; i < 3; i++) {
            const start = performance.now();
            count = Object.keys(await session.items()).length;
            opens.push(performance.now() - start);
          }
          return { logInMs: median(logIns), logIns, openMs: median(opens), opens, items: count };
        })().then(done, (e) => done({ error: String(e.stack || e) }));
    """, password, secret_key)
    assert "error" not in result, result
    print(json.dumps(result, indent=2))
finally:
    tear_down(driver, server, log, work)
