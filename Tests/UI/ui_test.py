#!/usr/bin/env python3
"""The UI in a real headless Chromium: sign in, pause a DAG, trigger a run, follow it to success,
read its log, search an ISIN. Screenshots of each step go to the artefacts folder.

Usage: Tests/UI/ui_test.py TICKER_BIN ARTIFACTS_DIR
"""
import os, subprocess, sys, tempfile, time
from selenium.webdriver.common.by import By
from harness import chromium, start_server, tear_down

ticker, artifacts = sys.argv[1], sys.argv[2]
os.makedirs(artifacts, exist_ok=True)
# Screenshots of an earlier run would sit beside this run's under other numbers.
for old in os.listdir(artifacts):
    if old.endswith(".png"):
        os.remove(os.path.join(artifacts, old))
work = tempfile.mkdtemp()
os.makedirs(f"{work}/dags")
with open(f"{work}/dags/greet.yaml", "w") as f:
    f.write('dag: greet\ndescription: Says hello twice.\ntasks:\n'
            '  first: {operator: shell, with: {command: "echo hello from the browser test"}}\n'
            '  second: {operator: shell, with: {command: "echo second step"}, depends_on: first}\n')
with open(f"{work}/list.csv", "w") as f:
    f.write("ISIN,Name\nUS0378331005,Apple Inc.\nUS5949181045,Microsoft Corporation\n")
env = dict(os.environ, TICKER_DATA_DIR=f"{work}/data", TICKER_DAGS=f"{work}/dags")

def cli(*args):
    return subprocess.run([ticker, *args], env=env, cwd=work, check=True, capture_output=True, text=True).stdout.strip()

cli("isin", "import", f"{work}/list.csv", "--column", "name=Name")
token = cli("admin", "create-token", "--role", "operator", "--name", "browser")
server, base, log = start_server(ticker, work, env)
driver = None
step = 0

def shot(name):
    global step
    step += 1
    driver.save_screenshot(f"{artifacts}/{step:02d}-{name}.png")

def wait_for(what, condition, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.3)
    shot("timeout")
    raise AssertionError(f"timed out waiting for {what}; page: {driver.page_source[:2000]}")

try:
    driver = chromium("--window-size=1280,900")
    driver.set_page_load_timeout(30)

    driver.get(base + "/ui/")
    assert driver.current_url.endswith("/ui/login"), driver.current_url
    driver.find_element(By.ID, "token").send_keys("tkr_wrong" + "A" * 38)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # The click returns before the answer arrives, so wait for the refusal rather than read at once.
    wait_for("the refused sign-in", lambda: "unknown token" in driver.page_source)
    shot("login-refused")
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for("the DAG list", lambda: "greet" in driver.page_source and driver.current_url.endswith("/ui/"))
    cookie = driver.get_cookie("ticker_session")
    assert cookie and cookie["httpOnly"] and cookie["secure"] and cookie.get("sameSite") == "Strict", cookie
    shot("dags")

    driver.find_element(By.CSS_SELECTOR, "button[aria-label='pause greet']").click()
    wait_for("greet paused", lambda: "DAG greet" in driver.page_source and "paused" in driver.find_element(By.TAG_NAME, "h1").text)
    shot("paused")
    driver.find_element(By.CSS_SELECTOR, "button[aria-label='trigger greet']").click()
    wait_for("the run page", lambda: "/ui/runs/" in driver.current_url)
    wait_for("the run to succeed (the page refreshes itself)",
             lambda: "succeeded" in driver.find_element(By.TAG_NAME, "h1").text)
    assert driver.find_element(By.CSS_SELECTOR, "svg.timeline") and driver.find_element(By.CSS_SELECTOR, "svg.graph")
    shot("run-succeeded")
    driver.find_element(By.LINK_TEXT, "log of first #1").click()
    wait_for("the log", lambda: "hello from the browser test" in driver.find_element(By.CSS_SELECTOR, "pre.log").text)
    shot("log")

    driver.get(base + "/ui/isins")
    driver.find_element(By.ID, "q").send_keys("apple")
    driver.find_element(By.CSS_SELECTOR, "form[role=search] button").click()
    # The page before the search lists the latest changes, Apple's among them: wait for the
    # results page itself (its URL carries the query), then for its chart.
    wait_for("the search result", lambda: "q=apple" in driver.current_url and "US0378331005" in driver.page_source)
    wait_for("the snapshot chart", lambda: driver.find_elements(By.CSS_SELECTOR, "svg.chart"))
    shot("isin-search")

    driver.get(base + "/ui/nodes")
    wait_for("the node table", lambda: "alive" in driver.page_source)
    assert "scheduler, worker" in driver.page_source
    shot("nodes")

    # No script runs on any page, and the CSP would block any inline one.
    assert driver.execute_script("return document.scripts.length") == 0
    # No CSP violation or script error on any page (network 4xx, such as the refused sign-in, are expected).
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and e["source"] != "network"]
    assert not errors, errors

    # A form post with a forged CSRF token is refused, and the DAG stays paused.
    driver.get(base + "/ui/dags/greet")
    driver.execute_script("document.querySelectorAll('input[name=csrf]').forEach(i => i.value = 'forged')")
    driver.find_element(By.CSS_SELECTOR, "button[aria-label='unpause greet']").click()
    wait_for("the refusal", lambda: "expired or came from another site" in driver.page_source)
    shot("csrf-refused")
    driver.get(base + "/ui/dags/greet")
    assert "paused" in driver.find_element(By.TAG_NAME, "h1").text
    print(f"UI test passed; {step} screenshots in {artifacts}")
finally:
    tear_down(driver, server, log, work)
