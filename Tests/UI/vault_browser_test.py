#!/usr/bin/env python3
"""The browser vault client in a real headless Chromium: every known-answer vector of
Tests/Fixtures/vault/vectors.json through the ES modules the server ships under /vault/js/.

Usage: Tests/UI/vault_browser_test.py TICKER_BIN
"""
import json, os, subprocess, sys, tempfile, time
from selenium.webdriver.common.by import By
from harness import chromium, start_server, tear_down

ticker = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
vectors = json.load(open(os.path.join(here, "..", "Fixtures", "vault", "vectors.json")))
checks_js = open(os.path.join(here, "vault_vectors.js")).read()
work = tempfile.mkdtemp()
env = dict(os.environ, TICKER_DATA_DIR=f"{work}/data", TICKER_DAGS=f"{work}/dags")
os.makedirs(f"{work}/dags")
# An ISIN list, so that the plan editor's k-anonymous check has something to find.
with open(f"{work}/list.csv", "w") as f:
    f.write("ISIN,Name\nUS0378331005,Apple Inc.\nUS5949181045,Microsoft Corporation\n")
subprocess.run([ticker, "isin", "import", f"{work}/list.csv", "--column", "name=Name"], env=env, cwd=work, check=True, capture_output=True)
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

    # The page: register, save the kit, write a plan (a bad ISIN is named), sign out, sign in again
    # with the password only (the browser kept the Secret Key).
    def wait_for(what, condition, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if condition():
                    return
            except Exception:
                pass
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; page: {driver.page_source[:2000]}")

    driver.get(base + "/vault/")
    wait_for("the register form", lambda: driver.find_element(By.ID, "newEmail"))
    driver.find_element(By.ID, "newEmail").send_keys("page@example.org")
    driver.find_element(By.ID, "newPassword").send_keys("page password 1")
    driver.find_element(By.CSS_SELECTOR, "#register button").click()
    wait_for("the Emergency Kit", lambda: driver.find_element(By.ID, "secret-key").text.startswith("TK1-"))
    assert driver.find_element(By.ID, "recovery-key").text.startswith("TKR1-")
    driver.find_element(By.ID, "saved").click()
    wait_for("the plan list", lambda: driver.find_element(By.ID, "new-plan"))
    driver.find_element(By.ID, "new-plan").click()
    wait_for("the plan form", lambda: driver.find_element(By.ID, "add-accounts"))

    def fill(name, index, value):
        field = driver.find_elements(By.NAME, name)[index]
        field.clear()
        field.send_keys(value)

    fill("name", 0, "Browser plan")
    driver.find_element(By.ID, "add-accounts").click()
    fill("accounts.id", 0, "a1")
    fill("accounts.name", 0, "Broker")
    driver.find_element(By.ID, "add-holdings").click()
    for key, value in [("account", "a1"), ("isin", "US0378331006"), ("quantity", "10"), ("cost", "1500"), ("currency", "USD")]:
        fill(f"holdings.{key}", 0, value)
    driver.find_element(By.ID, "add-goals").click()
    fill("goals.name", 0, "House")
    fill("goals.target", 0, "350000")
    driver.find_element(By.NAME, "goals.date").send_keys("06302032")
    driver.find_element(By.CSS_SELECTOR, "#editor button[type=submit]").click()
    wait_for("the ISIN problem", lambda: "holdings[0].isin: the check digit should be 5" in driver.find_element(By.CSS_SELECTOR, "#editor .error").text)
    # A valid ISIN the list does not know is flagged once, then kept; a listed one passes.
    fill("holdings.isin", 0, "US0378331005")
    driver.find_element(By.ID, "add-holdings").click()
    for key, value in [("account", "a1"), ("isin", "DE0007164600"), ("quantity", "5"), ("cost", "600"), ("currency", "EUR")]:
        fill(f"holdings.{key}", 1, value)
    driver.find_element(By.CSS_SELECTOR, "#editor button[type=submit]").click()
    wait_for("the unlisted ISIN", lambda: "holdings[1].isin: DE0007164600 is not in the current ISIN list" in driver.find_element(By.CSS_SELECTOR, "#editor .error").text)
    assert "US0378331005" not in driver.find_element(By.CSS_SELECTOR, "#editor .error").text
    driver.find_element(By.CSS_SELECTOR, "#editor button[type=submit]").click()
    wait_for("the saved plan", lambda: "Browser plan" in driver.find_element(By.ID, "plans").text)
    driver.find_element(By.ID, "signout").click()
    wait_for("the password form", lambda: "page@example.org" in driver.page_source and driver.find_element(By.ID, "password"))
    driver.find_element(By.ID, "password").send_keys("page password 1")
    driver.find_element(By.CSS_SELECTOR, "#signin button").click()
    wait_for("the plan after signing in again", lambda: "Browser plan" in driver.find_element(By.ID, "plans").text)

    # Contacts show the own fingerprint; a password change works for the next sign-in.
    driver.find_element(By.ID, "contacts").click()
    wait_for("the contacts page", lambda: len(driver.find_element(By.ID, "own-fingerprint").text) == 39)
    driver.find_element(By.ID, "contactEmail").send_keys("page@example.org")
    driver.find_element(By.CSS_SELECTOR, "#verify button").click()
    wait_for("the fingerprint the server presents", lambda: "compare it with them" in driver.find_element(By.CSS_SELECTOR, "#verify .error").text)
    driver.find_element(By.XPATH, "//button[text()='Back']").click()
    wait_for("the plan list", lambda: driver.find_element(By.ID, "change-password"))
    driver.find_element(By.ID, "change-password").click()
    wait_for("the password form", lambda: driver.find_element(By.ID, "changed"))
    driver.find_element(By.ID, "changed").send_keys("page password 2")
    driver.find_element(By.ID, "again").send_keys("page password 2")
    driver.find_element(By.CSS_SELECTOR, "#password-change button").click()
    wait_for("the plan list again", lambda: "Browser plan" in driver.find_element(By.ID, "plans").text)
    driver.find_element(By.ID, "signout").click()
    wait_for("the password form", lambda: driver.find_element(By.ID, "password"))
    driver.find_element(By.ID, "password").send_keys("page password 2")
    driver.find_element(By.CSS_SELECTOR, "#signin button").click()
    wait_for("the plan with the new password", lambda: "Browser plan" in driver.find_element(By.ID, "plans").text)
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "favicon.ico" not in e["message"] and "/v1/" not in e["message"]]
    assert not errors, errors
    # The saved plan opens in the form again, every field in place.
    driver.find_element(By.CSS_SELECTOR, "button[aria-label='edit Browser plan']").click()
    wait_for("the form with the plan", lambda: driver.find_elements(By.NAME, "holdings.isin")[1].get_attribute("value") == "DE0007164600")
    assert driver.find_element(By.NAME, "goals.date").get_attribute("value") == "2032-06-30"
    print("vault page: register, Emergency Kit, plan form with field errors and the ISIN check, contacts, password change, sign-in with the kept Secret Key")
finally:
    tear_down(driver, server, log, work)
