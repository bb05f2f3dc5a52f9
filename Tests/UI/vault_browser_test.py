#!/usr/bin/env python3
"""The browser vault client in a real headless Chromium: every known-answer vector of
Tests/Fixtures/vault/vectors.json through the ES modules the server ships under /vault/js/.

Usage: Tests/UI/vault_browser_test.py TICKER_BIN
"""
import json, os, re, shutil, subprocess, sys, tempfile, time
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ticker = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
vectors = json.load(open(os.path.join(here, "..", "Fixtures", "vault", "vectors.json")))
checks_js = open(os.path.join(here, "vault_vectors.js")).read()
work = tempfile.mkdtemp()
env = dict(os.environ, TICKER_DATA_DIR=f"{work}/data", TICKER_DAGS=f"{work}/dags")
os.makedirs(f"{work}/dags")
log = open(f"{work}/serve.log", "w")
server = subprocess.Popen([ticker, "serve", "--port", "0"], env=env, cwd=work, stdout=log, stderr=log)
driver = None
try:
    base = None
    for _ in range(100):
        match = re.search(r"address=(http://[0-9.]+:[0-9]+)", open(f"{work}/serve.log").read())
        if match:
            base = match.group(1)
            break
        time.sleep(0.1)
    assert base, open(f"{work}/serve.log").read()
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage"]:
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
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
