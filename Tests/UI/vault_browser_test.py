#!/usr/bin/env python3
"""The browser vault client in a real headless Chromium: every known-answer vector of
Tests/Fixtures/vault/vectors.json through the ES modules the server ships under /vault/js/.

Usage: Tests/UI/vault_browser_test.py TICKER_BIN
"""
import json, os, shutil, sys, tempfile
from harness import chromium, start_server

ticker = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
vectors = json.load(open(os.path.join(here, "..", "Fixtures", "vault", "vectors.json")))
checks_js = open(os.path.join(here, "vault_vectors.js")).read()
work = tempfile.mkdtemp()
env = dict(os.environ, TICKER_DATA_DIR=f"{work}/data", TICKER_DAGS=f"{work}/dags")
os.makedirs(f"{work}/dags")
server, base, log = start_server(ticker, work, env)
driver = None
try:
    driver = chromium()
    driver.set_script_timeout(120)
    driver.get(base + "/vault/")
    result = driver.execute_async_script(checks_js, vectors)
    assert result["checks"] >= 70 and not result["failures"], json.dumps(result, indent=2)
    # The page loaded its modules under the server's CSP, without errors.
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]
    assert not errors, errors
    print(f"browser vault client: {result['checks']} vector checks passed in Chromium")
finally:
    if driver:
        driver.quit()
    server.kill()
    server.wait()
    log.close()
    shutil.rmtree(work, ignore_errors=True)
