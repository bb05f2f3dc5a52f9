"""What the browser tests share: a `ticker serve` on a free port, and headless Chromium."""
import re, shutil, subprocess, time
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def start_server(ticker, work, env):
    """Starts `ticker serve --port 0` in `work`; returns (process, base URL, log file)."""
    log = open(f"{work}/serve.log", "w")
    server = subprocess.Popen([ticker, "serve", "--port", "0"], env=env, cwd=work, stdout=log, stderr=log)
    for _ in range(100):
        match = re.search(r"address=(http://[0-9.]+:[0-9]+)", open(f"{work}/serve.log").read())
        if match:
            return server, match.group(1), log
        time.sleep(0.1)
    server.kill()
    raise AssertionError(open(f"{work}/serve.log").read())


def chromium(*extra):
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", *extra]:
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def tear_down(driver, server, log, work):
    """Quits Chromium if it started, stops the server and removes the work folder."""
    if driver:
        driver.quit()
    server.kill()
    server.wait()
    log.close()
    shutil.rmtree(work, ignore_errors=True)
