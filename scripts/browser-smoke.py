#!/usr/bin/python3
"""Headless browser smoke test for Focal.

Usage: /usr/bin/python3 scripts/browser-smoke.py BASE_URL OUTDIR

Loads the public pages in English and Chinese, then signs in, driving the
system Chromium through WebDriver with Debian's packages only: python3-selenium,
chromium-driver (chromedriver) and chromium. Nothing comes from pip and no
browser is downloaded. Run it with Debian's /usr/bin/python3, which is the
interpreter python3-selenium installs into.

Each page fails on: console errors and uncaught page errors (the browser log at
SEVERE level), failed requests, responses with status >= 400 (document, CSS,
images, ...; read from the performance log), a wrong <html lang>, or no visible
<h1>. A full-page screenshot of each page is saved to OUTDIR (e.g.
network-zh.png, signed-in.png).

Environment:
  CHROMIUM               browser executable (default /usr/bin/chromium)
  CHROMEDRIVER           chromedriver executable (default /usr/bin/chromedriver)
  FOCAL_SMOKE_EMAIL      sign-in email    (default admin@demo.focal.example)
  FOCAL_SMOKE_PASSWORD   sign-in password (default focal-demo-admin)
  FOCAL_SMOKE_TIMEOUT    per-step timeout in seconds (default 15)
  FOCAL_SMOKE_IGNORE_CERTIFICATE_ERRORS  1 to accept a self-signed certificate (CI's nginx)

Prints one line per check ("ok  ..." / "FAIL ...: reason"), then
"N passed, M failed"; exits 1 if anything failed.
"""

import base64
import json
import math
import os
import signal
import sys
import time
from urllib.parse import urljoin, urlsplit

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

PAGES = [  # (path, screenshot name)
    ("/", "home"),
    ("/network", "network"),
    ("/contact", "contact"),
]
LANGS = {  # ?lang= value -> accepted <html lang> values
    "en": {"en"},
    "zh": {"zh-Hans", "zh"},
}

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
EMAIL = os.environ.get("FOCAL_SMOKE_EMAIL", "admin@demo.focal.example")
PASSWORD = os.environ.get("FOCAL_SMOKE_PASSWORD", "focal-demo-admin")
TIMEOUT = float(os.environ.get("FOCAL_SMOKE_TIMEOUT", "15"))
VIEWPORT = (1280, 720)
IDLE_SECONDS = 0.5  # "network idle": no request in flight for this long
IDLE_LIMIT = 5.0  # waiting for network idle is best effort, at most this long


def reason(exc):
    """A one-line reason for an exception (Selenium's carry a stack trace after the message)."""
    if isinstance(exc, WebDriverException):
        # The message itself can span lines ("session not created\nfrom unknown error: ...").
        lines = [line.strip() for line in (exc.msg or "").splitlines()]
        text = " ".join(line for line in lines if line and not line.startswith("(Session info"))
        return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class Watcher:
    """Collects console errors, page errors, failed requests and bad responses.

    Reads Chromium's logs through chromedriver: the "browser" log (console messages, uncaught
    exceptions and the browser's own "Failed to load resource" errors) and the "performance" log
    (DevTools Network events). Reading a log empties it, so each check first discards what is
    left from the one before.
    """

    def __init__(self, driver):
        self.driver = driver
        self.problems = []
        self.favicon_problems = []  # (url, problem): kept only if the page links that icon
        self.requests = {}  # requestId -> (method, url)
        self.in_flight = set()
        self.last_activity = time.monotonic()
        driver.get_log("browser")
        driver.get_log("performance")

    def poll(self):
        for entry in self.driver.get_log("browser"):
            self._on_console(entry)
        for entry in self.driver.get_log("performance"):
            try:
                message = json.loads(entry["message"])["message"]
            except (KeyError, TypeError, ValueError):
                continue
            self._on_network(message.get("method", ""), message.get("params", {}))

    def _on_console(self, entry):
        if entry.get("level") != "SEVERE":
            return
        text = entry.get("message", "")
        # A failed load's message starts with its URL: "http://... - Failed to load resource: ...".
        where = text.split(" ", 1)[0]
        if urlsplit(where).path == "/favicon.ico":
            # Chromium's own implicit favicon fetch; not something the page asked for.
            return
        self.problems.append(f"console error: {text}")

    def _add(self, url, problem):
        if urlsplit(url).path == "/favicon.ico":
            # Chromium fetches /favicon.ico by itself (once per browser, on whichever page comes
            # first); that only counts when the page links that icon (see result()).
            self.favicon_problems.append((url, problem))
        else:
            self.problems.append(problem)

    def result(self):
        """The problems seen, with /favicon.ico ones only if the page's <link rel=icon> names it."""
        self.poll()
        icons = set(
            self.driver.execute_script(
                "return Array.from(document.querySelectorAll('link[rel~=icon]'), l => l.href)"
            )
        )
        return self.problems + [problem for url, problem in self.favicon_problems if url in icons]

    def _on_network(self, method, params):
        if not method.startswith("Network."):
            return
        request_id = params.get("requestId")
        if method == "Network.requestWillBeSent":
            request = params.get("request", {})
            self.requests[request_id] = (request.get("method", "GET"), request.get("url", "?"))
            self.in_flight.add(request_id)
        elif method == "Network.responseReceived":
            response = params.get("response", {})
            status = int(response.get("status") or 0)
            if status >= 400:
                verb = self.requests.get(request_id, ("GET", ""))[0]
                url = response.get("url", "?")
                self._add(url, f"HTTP {status}: {verb} {url}")
        elif method == "Network.loadingFailed":
            self.in_flight.discard(request_id)
            verb, url = self.requests.get(request_id, ("?", "?"))
            failure = params.get("errorText") or params.get("blockedReason") or "failed"
            self._add(url, f"request failed: {verb} {url} ({failure})")
        elif method == "Network.loadingFinished":
            self.in_flight.discard(request_id)
        else:
            return
        self.last_activity = time.monotonic()

    def settle(self):
        """Waits for the page to finish loading; late network activity is best effort."""
        WebDriverWait(self.driver, TIMEOUT).until(
            lambda d: d.execute_script("return document.readyState") == "complete",
            "the page did not finish loading",
        )
        deadline = time.monotonic() + IDLE_LIMIT
        while time.monotonic() < deadline:
            self.poll()
            if not self.in_flight and time.monotonic() - self.last_activity >= IDLE_SECONDS:
                break
            time.sleep(0.1)
        self.poll()


def launch():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",  # Chromium runs as root in CI
        "--disable-dev-shm-usage",
        f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
    ):
        options.add_argument(arg)
    if os.environ.get("FOCAL_SMOKE_IGNORE_CERTIFICATE_ERRORS") == "1":
        # CI's nginx in front of Focal has a throwaway self-signed certificate.
        options.add_argument("--ignore-certificate-errors")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(TIMEOUT)
        driver.set_script_timeout(TIMEOUT)
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": VIEWPORT[0], "height": VIEWPORT[1], "deviceScaleFactor": 1, "mobile": False},
        )
    except BaseException:
        driver.quit()
        raise
    return driver


def fresh_start(driver, base):
    """Forgets cookies, cache and storage, as a new browser context would."""
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})


def screenshot(driver, path):
    """A full-page PNG: the whole document, beyond the viewport."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    clip = {
        "x": 0,
        "y": 0,
        "width": max(VIEWPORT[0], math.ceil(size["width"])),
        "height": max(VIEWPORT[1], math.ceil(size["height"])),
        "scale": 1,
    }
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True, "clip": clip},
    )
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))


def check_lang_and_h1(driver, accepted_langs):
    problems = []
    lang = driver.execute_script("return document.documentElement.getAttribute('lang')")
    if lang not in accepted_langs:
        want = " or ".join(sorted(accepted_langs))
        problems.append(f"<html lang> is {lang!r}, expected {want}")
    if not any(h1.is_displayed() for h1 in driver.find_elements(By.TAG_NAME, "h1")):
        problems.append("no visible <h1>")
    return problems


def check_page(driver, base, path, lang, shot):
    fresh_start(driver, base)
    watcher = Watcher(driver)
    driver.get(urljoin(base, f"{path}?lang={lang}"))
    watcher.settle()
    problems = check_lang_and_h1(driver, LANGS[lang])
    screenshot(driver, shot)
    return watcher.result() + problems


# Links and buttons (by role) whose name is exactly "Sign out".
FIND_SIGN_OUT = """
const wanted = /^\\s*Sign out\\s*$/;
const candidates = document.querySelectorAll(
  'a[href], button, input[type=submit], input[type=button], [role=link], [role=button]');
return Array.from(candidates).filter(el =>
  [el.innerText, el.value, el.getAttribute('aria-label')].some(t => t && wanted.test(t)));
"""


def check_sign_in(driver, base, shot):
    fresh_start(driver, base)
    watcher = Watcher(driver)
    wait = WebDriverWait(driver, TIMEOUT)
    driver.get(urljoin(base, "/login?lang=en"))
    watcher.settle()
    for name, value in (("email", EMAIL), ("password", PASSWORD)):
        selector = (By.CSS_SELECTOR, f"input[name={name}]")
        field = wait.until(
            EC.visibility_of_element_located(selector), f"no visible input[name={name}]"
        )
        field.clear()
        field.send_keys(value)
    old_page = driver.find_element(By.TAG_NAME, "html")
    # The sign-in form's own button: the header's search form comes first on the page.
    submit = (By.CSS_SELECTOR, "main form[action='/login'] button[type=submit]")
    wait.until(EC.element_to_be_clickable(submit), "no clickable sign-in button").click()
    wait.until(EC.staleness_of(old_page), "submitting the sign-in form loaded no new page")
    watcher.settle()
    problems = []
    found = [el for el in driver.execute_script(FIND_SIGN_OUT) if el.is_displayed()]
    if not found:
        problems.append(f'no "Sign out" link or button on {driver.current_url}')
    screenshot(driver, shot)
    return watcher.result() + problems


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    base = sys.argv[1].rstrip("/") + "/"
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)

    passed = failed = 0

    def report(label, problems):
        nonlocal passed, failed
        if problems:
            failed += 1
            print(f"FAIL {label}: " + "; ".join(problems), flush=True)
        else:
            passed += 1
            print(f"ok  {label}", flush=True)

    # On SIGTERM (a CI timeout, kill), unwind so that the driver below is still quit.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    try:
        driver = launch()
    except Exception as exc:
        report(f"launch {CHROMIUM}", [reason(exc)])
        print(f"{passed} passed, {failed} failed")
        return 1
    try:
        for path, name in PAGES:
            for lang in LANGS:
                label = f"{path}?lang={lang}"
                shot = os.path.join(outdir, f"{name}-{lang}.png")
                try:
                    report(label, check_page(driver, base, path, lang, shot))
                except Exception as exc:
                    report(label, [reason(exc)])
        label = "sign-in /login?lang=en"
        try:
            report(label, check_sign_in(driver, base, os.path.join(outdir, "signed-in.png")))
        except Exception as exc:
            report(label, [reason(exc)])
    finally:
        driver.quit()

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
