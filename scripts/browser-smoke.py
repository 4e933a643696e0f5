#!/usr/bin/env python3
"""Headless browser smoke test for Focal.

Usage: python3 scripts/browser-smoke.py BASE_URL OUTDIR

Loads the public pages in English and Chinese, then signs in, using
Playwright (pip install playwright) driving the system Chromium. Do not run
`playwright install`; the browser comes from $CHROMIUM (default
/usr/bin/chromium).

Each page fails on: console errors, uncaught page errors, failed requests,
responses with status >= 400 (document, CSS, images, ...), a wrong
<html lang>, or no visible <h1>. A full-page screenshot of each page is saved
to OUTDIR (e.g. network-zh.png, signed-in.png).

Environment:
  CHROMIUM               browser executable (default /usr/bin/chromium)
  FOCAL_SMOKE_EMAIL      sign-in email    (default admin@demo.focal.example)
  FOCAL_SMOKE_PASSWORD   sign-in password (default focal-demo-admin)
  FOCAL_SMOKE_TIMEOUT    per-step timeout in seconds (default 15)

Prints one line per check ("ok  ..." / "FAIL ...: reason"), then
"N passed, M failed"; exits 1 if anything failed.
"""

import os
import re
import sys
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import sync_playwright

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
EMAIL = os.environ.get("FOCAL_SMOKE_EMAIL", "admin@demo.focal.example")
PASSWORD = os.environ.get("FOCAL_SMOKE_PASSWORD", "focal-demo-admin")
TIMEOUT_MS = int(float(os.environ.get("FOCAL_SMOKE_TIMEOUT", "15")) * 1000)


class Watcher:
    """Collects console errors, page errors, failed requests and bad responses."""

    def __init__(self, page):
        self.problems = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, msg):
        if msg.type == "error":
            where = msg.location.get("url") if msg.location else ""
            if urlsplit(where).path == "/favicon.ico":
                # Chromium's own implicit favicon fetch (once per browser, on
                # whichever page comes first); not something the page asked for.
                return
            suffix = f" ({where})" if where else ""
            self.problems.append(f"console error: {msg.text}{suffix}")

    def _on_request_failed(self, request):
        self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _on_response(self, response):
        if response.status >= 400:
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )


def settle(page):
    """Wait for the page to finish loading; late network activity is best effort."""
    page.wait_for_load_state("load")
    try:
        page.wait_for_load_state("networkidle", timeout=5000)
    except Exception:
        pass


def check_lang_and_h1(page, accepted_langs):
    problems = []
    lang = page.get_attribute("html", "lang")
    if lang not in accepted_langs:
        want = " or ".join(sorted(accepted_langs))
        problems.append(f"<html lang> is {lang!r}, expected {want}")
    if page.locator("h1:visible").count() == 0:
        problems.append("no visible <h1>")
    return problems


def check_page(browser, base, path, lang, shot):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        watcher = Watcher(page)
        page.goto(urljoin(base, f"{path}?lang={lang}"), wait_until="load")
        settle(page)
        problems = check_lang_and_h1(page, LANGS[lang])
        page.screenshot(path=shot, full_page=True)
        return watcher.problems + problems
    finally:
        context.close()


def check_sign_in(browser, base, shot):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        watcher = Watcher(page)
        page.goto(urljoin(base, "/login?lang=en"), wait_until="load")
        settle(page)
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation(wait_until="load"):
            page.click("button[type=submit]")
        settle(page)
        problems = []
        sign_out = re.compile(r"^\s*Sign out\s*$")
        found = (
            page.get_by_role("link", name=sign_out).count()
            + page.get_by_role("button", name=sign_out).count()
        )
        if found == 0:
            problems.append(f'no "Sign out" link or button on {page.url}')
        page.screenshot(path=shot, full_page=True)
        return watcher.problems + problems
    finally:
        context.close()


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

    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as exc:
            report(f"launch {CHROMIUM}", [str(exc).splitlines()[0]])
            print(f"{passed} passed, {failed} failed")
            return 1
        try:
            for path, name in PAGES:
                for lang in LANGS:
                    label = f"{path}?lang={lang}"
                    shot = os.path.join(outdir, f"{name}-{lang}.png")
                    try:
                        report(label, check_page(browser, base, path, lang, shot))
                    except Exception as exc:
                        report(label, [str(exc).splitlines()[0]])
            label = "sign-in /login?lang=en"
            try:
                report(label, check_sign_in(browser, base, os.path.join(outdir, "signed-in.png")))
            except Exception as exc:
                report(label, [str(exc).splitlines()[0]])
        finally:
            browser.close()

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
