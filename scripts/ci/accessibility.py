# venv requirements: scripts/ci/requirements-journeys.txt (run by the python of scripts/ci/python-venv)
"""Accessibility audit of a running Focal: axe-core on the main pages, no sideways scrolling on a phone,
and a full-page screenshot of each page.

Usage: PYTHON scripts/ci/accessibility.py BASE_URL OUTDIR [--chromium PATH] [--only REGEX] [--jobs N]
                                          [--widths 1280,390,320]

PYTHON is a venv holding playwright and axe-playwright-python (python=$(scripts/ci/python-venv));
axe-core is the copy axe-playwright-python carries. Playwright drives the system Chromium
(--chromium, else $FOCAL_CHROMIUM, else `chromium` on PATH); it never downloads a browser.

The pages, each in English and in Chinese (?lang=en, ?lang=zh) and at 1280, 390 and 320 CSS pixels wide:
  anonymous    home, network, a country, meetings, a meeting, documents, a document, newsletters, an
               issue, an article, the action plan, an area, an activity, the dashboards, contact,
               subscribe, sign-in, the error page
  admin        admin home, every list the admin menu links to, a record's edit form, a new-record
               form, a meeting's workflow page and its attendance page, a newsletter issue's page, the
               article editor, a campaign's page, progress reports, a report, a new report, own
               profile, and the check pages before an action: publishing an issue (one not yet
               published if the list has one; else the refusal an issue already out gets), taking an
               issue back to draft, sending a campaign, cancelling it, locking a year of an activity,
               the consultations, a round, its comment matrix, a document's consultation and its
               draft editor
  editor       admin home
  focal point  own home (/account, where sign-in leads), own profile, progress reports, a report, a
               new report, meetings and a meeting as seen signed in, the consultations and a round
Record pages are found by following links from the lists (the first link of the right shape), never
by database ids. The demo sign-ins are those of README.md. Each page is loaded once at the widest
width and checked again after the window is narrowed; --jobs pages (default 2) are checked at once.
Check pages are only loaded (GET), never confirmed, so the audit changes nothing.

At 1280 and 390 px (those of --widths) each page is also saved as a full-page PNG,
OUTDIR/screens/ROLE/PAGE-LANGUAGE-WIDTH.png (e.g. screens/admin/send-check-zh-390.png), for a person
to look at the layout; how many were saved is printed at the end.

A page fails on any axe violation of impact serious or critical, on a status other than the one
expected (200; 404 for the error page) or a page that does not load, and at 390 px or less when the
document is wider than the window (document.documentElement.scrollWidth > innerWidth): the elements
where the overflow starts are named. Every violation of every impact goes to OUTDIR/axe-report.json,
with counts by rule and impact and each screenshot's path. Prints one line per page (role, language,
path; all widths), then the counts, a summary and the number of screenshots. Exits 0 when nothing
fails, 1 when something does, 2 when it cannot run (no browser, a sign-in failed, a list or a
required link not found).
"""

import argparse
import asyncio
import collections
import json
import os
import re
import shutil
import sys
import time
import urllib.parse

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

LANGUAGES = ("en", "zh")
WIDTHS = (1280, 390, 320)
PHONE = 390
SCREENSHOT_WIDTHS = (1280, 390)
FAILING_IMPACTS = ("serious", "critical")
ACCOUNTS = {
    "admin": ("admin@demo.focal.example", "focal-demo-admin"),
    "editor": ("editor@demo.focal.example", "focal-demo-editor"),
    "focal_point": ("focalpoint.mm@demo.focal.example", "focal-demo-focalpoint"),
}


def page(name, path, status=200):
    """A page at a fixed path."""
    return {"name": name, "path": path, "status": status}


def found(name, on, shape, optional=False):
    """The first link on page `on` (a name given earlier) whose path and query match `shape`."""
    return {"name": name, "on": on, "shape": re.compile(shape), "optional": optional}


def every(name, on, selector):
    """Every link matched by the CSS `selector` on page `on`, one page each."""
    return {"name": name, "on": on, "selector": selector}


def through(name, on, via, shape=None, otherwise=None, optional=False):
    """The first link matching `shape` on one of the pages that page `on` links to by `via` (tried in
    order); failing that, the first of those pages' path followed by `otherwise`."""
    return {"name": name, "on": on, "via": re.compile(via), "shape": shape and re.compile(shape),
            "otherwise": otherwise, "optional": optional}


# Pages a `through` looks into before it gives up: a long list must not make the audit crawl it all.
THROUGH_LIMIT = 10


ID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
PAGES = {
    "anonymous": [
        page("home", "/"),
        page("network", "/network"),
        found("country", "network", r"^/network/countries/[^/?]+$"),
        page("meetings", "/meetings"),
        found("meeting", "meetings", r"^/meetings/[^/?]+$"),
        page("documents", "/documents"),
        found("document", "documents", r"^/documents/[^/?]+$", optional=True),
        page("newsletters", "/newsletters"),
        found("issue", "newsletters", r"^/newsletters/\d+/\d+$"),
        found("article", "issue", r"^/articles/[^/?]+$"),
        page("action plan", "/action-plan"),
        found("area", "action plan", r"^/action-plan/areas/[^/?]+$"),
        found("activity", "area", r"^/action-plan/activities/[^/?]+$"),
        page("dashboards", "/action-plan/dashboards"),
        page("contact", "/contact"),
        page("subscribe", "/subscribe"),
        page("sign-in", "/login"),
        page("error", "/accessibility/no-such-page", status=404),
    ],
    "admin": [
        page("admin home", "/admin"),
        every("admin list", "admin home", "nav.admin-nav a[href]"),
        found("edit form", "/admin/countries", rf"^/admin/countries/{ID}/edit$"),
        found("new form", "/admin/people", r"^/admin/people/new$"),
        found("meeting workflow", "/admin/meetings", rf"^/admin/meetings/{ID}$"),
        found("attendance", "meeting workflow", rf"^/admin/meetings/{ID}/attendance$", optional=True),
        found("newsletter issue", "/admin/newsletter-issues", rf"^/admin/newsletter-issues/{ID}$"),
        found("article editor", "newsletter issue", rf"^/admin/articles/{ID}/edit$"),
        # An issue's page links to its publish check only while the issue is not out; the check of one
        # already published still answers, with the refusal.
        through("publish check", "/admin/newsletter-issues", rf"^/admin/newsletter-issues/{ID}$",
                rf"^/admin/newsletter-issues/{ID}/publish$", otherwise="/publish"),
        found("back-to-draft check", "newsletter issue", rf"^/admin/newsletter-issues/{ID}/draft$", optional=True),
        found("campaign", "/admin/campaigns", rf"^/admin/campaigns/{ID}$"),
        through("send check", "/admin/campaigns", rf"^/admin/campaigns/{ID}$", rf"^/admin/campaigns/{ID}/start$"),
        through("cancel check", "/admin/campaigns", rf"^/admin/campaigns/{ID}$", rf"^/admin/campaigns/{ID}/cancel$",
                optional=True),
        # Locking is a GET form on the activity's page (the year picked in a list), not a link.
        through("lock-year check", "/action-plan", r"^/action-plan/activities/[^/?]+$", otherwise="/lock?year=2021"),
        page("reports", "/action-plan/reports"),
        found("report", "reports", rf"^/action-plan/reports/{ID}$", optional=True),
        page("new report", "/action-plan/reports/new"),
        page("profile", "/account/profile"),
        page("consultations", "/consultations"),
        found("consultation round", "consultations", rf"^/consultations/rounds/{ID}$"),
        found("comment matrix", "consultation round", rf"^/consultations/rounds/{ID}/matrix$"),
        found("consultation document", "consultation round", rf"^/consultations/documents/{ID}$"),
        found("draft editor", "consultation document", rf"^/consultations/documents/{ID}/draft$"),
    ],
    "editor": [
        page("admin home", "/admin"),
    ],
    "focal_point": [
        page("home", "/account"),
        page("profile", "/account/profile"),
        page("reports", "/action-plan/reports"),
        found("report", "reports", rf"^/action-plan/reports/{ID}$", optional=True),
        page("new report", "/action-plan/reports/new"),
        page("meetings", "/meetings"),
        found("meeting", "meetings", r"^/meetings/[^/?]+$"),
        page("consultations", "/consultations"),
        found("consultation round", "consultations", rf"^/consultations/rounds/{ID}$"),
    ],
}

# The outermost elements that stick out of the window: where a horizontal overflow starts.
OVERFLOW_SCRIPT = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) continue;
    const parent = element.parentElement.getBoundingClientRect();
    if (parent.right > width + 0.5) continue;
    let name = element.tagName.toLowerCase();
    if (element.id) name += '#' + element.id;
    if (typeof element.className === 'string' && element.className.trim())
      name += '.' + element.className.trim().split(/\\s+/).join('.');
    out.push(name + ' (' + Math.round(box.right) + ' px)');
    if (out.length === 5) break;
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits: out};
}"""


NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => done()))"


class CannotRun(Exception):
    pass


def with_language(path, language):
    plain = without_language(path)
    return plain + ("&" if "?" in plain else "?") + "lang=" + language


def without_language(path):
    parts = urllib.parse.urlsplit(path)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, safe="/")))


def local_path(href, base):
    """The path and query of a same-site link, or None."""
    parts = urllib.parse.urlsplit(urllib.parse.urljoin(base + "/", href))
    if (parts.scheme, parts.netloc) != urllib.parse.urlsplit(base)[:2]:
        return None
    return parts.path + (("?" + parts.query) if parts.query else "")


async def sign_in(browser_page, base, email, password):
    await browser_page.goto(base + "/login?lang=en")
    await browser_page.fill("#email", email)
    await browser_page.fill("#password", password)
    async with browser_page.expect_navigation():
        await browser_page.click("main form[action='/login'] button[type=submit]")
    if urllib.parse.urlsplit(browser_page.url).path == "/login":
        raise CannotRun(f"could not sign in as {email}")


class Links:
    """The links of pages, fetched once per role."""

    def __init__(self, browser_page, base):
        self.page, self.base, self.cache = browser_page, base, {}

    async def of(self, path, selector="main a[href], nav a[href]"):
        key = (path, selector)
        if key not in self.cache:
            response = await self.page.goto(self.base + with_language(path, "en"))
            if response is None or response.status != 200:
                raise CannotRun(f"{path} answered {response.status if response else 'nothing'}")
            hrefs = await self.page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
            # ?lang= is the audit's to add: a link that only switches language is not another page.
            paths = [without_language(p) for p in (local_path(h, self.base) for h in hrefs) if p]
            self.cache[key] = list(dict.fromkeys(paths))
        return self.cache[key]


async def resolve(role, links):
    """[(name, path, expected status)] of a role, following links to find the record pages."""
    resolved, by_name, missing = [], {}, []

    def add(name, path, status=200):
        # A page reached twice (a list the menu links to and the same list named) is audited once.
        if path not in {p for _, p, _ in resolved}:
            resolved.append((name, path, status))

    for spec in PAGES[role]:
        if "path" in spec:
            by_name[spec["name"]] = spec["path"]
            add(spec["name"], spec["path"], spec["status"])
            continue
        on = by_name.get(spec["on"], spec["on"])
        if "selector" in spec:
            for path in await links.of(on, spec["selector"]):
                add(f"{spec['name']} {path}", path)
            continue
        if "via" in spec:
            match = await look_through(links, on, spec)
        else:
            match = next((p for p in await links.of(on) if spec["shape"].search(p)), None)
        if match is None:
            if spec["optional"]:
                missing.append(f"{role}: no link to a {spec['name']} on {on}")
                continue
            raise CannotRun(f"{role}: no link to a {spec['name']} on {on}")
        by_name[spec["name"]] = match
        add(spec["name"], match)
    return resolved, missing


async def look_through(links, on, spec):
    """The page a `through` spec names, or None."""
    pages = [p for p in await links.of(on) if spec["via"].search(p)]
    if spec["shape"]:
        for path in pages[:THROUGH_LIMIT]:
            match = next((p for p in await links.of(path) if spec["shape"].search(p)), None)
            if match:
                return match
    if spec["otherwise"] and pages:
        return pages[0] + spec["otherwise"]
    return None


def screenshot_path(outdir, role, name, language, width):
    """OUTDIR/screens/ROLE/PAGE-LANGUAGE-WIDTH.png, the page's name made fit for a file name."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return os.path.join(outdir, "screens", role.replace("_", "-"), f"{stem}-{language}-{width}.png")


async def audit(browser_page, axe, url, expected_status, screenshot=None):
    """One page, loaded once and checked at each width: axe violations, status, overflow on a phone;
    saved at the widths of SCREENSHOT_WIDTHS to screenshot(width), a path, when given."""
    results = []
    await browser_page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    response = await browser_page.goto(url, wait_until="load")
    status = response.status if response else 0
    for width in WIDTHS:
        if width != WIDTHS[0]:
            # Media queries and layout follow the new size; the next frame has it laid out.
            await browser_page.set_viewport_size({"width": width, "height": 844 if width <= PHONE else 900})
            await browser_page.evaluate(NEXT_FRAME)
        result = {"width": width, "status": status, "status_ok": status == expected_status, "violations": [],
                  "overflow": None}
        found_violations = (await axe.run(browser_page, options={"resultTypes": ["violations"]})).response
        for violation in found_violations.get("violations", []):
            result["violations"].append({
                "id": violation["id"],
                "impact": violation.get("impact"),
                "help": violation.get("help"),
                "helpUrl": violation.get("helpUrl"),
                "tags": violation.get("tags", []),
                "nodes": [{"target": node.get("target"), "html": node.get("html", "")[:300],
                           "impact": node.get("impact"), "summary": node.get("failureSummary", "")}
                          for node in violation.get("nodes", [])],
            })
        if width <= PHONE:
            measure = await browser_page.evaluate(OVERFLOW_SCRIPT)
            if measure["scrollWidth"] > measure["innerWidth"]:
                result["overflow"] = measure
        if screenshot and width in SCREENSHOT_WIDTHS:
            result["screenshot"] = await save_screenshot(browser_page, screenshot(width))
        results.append(result)
    return results


async def save_screenshot(browser_page, path):
    """A full-page PNG of the page as it is laid out now, saved to `path`."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    window = browser_page.viewport_size
    height = await browser_page.evaluate(
        "() => document.querySelector('iframe') && document.documentElement.scrollHeight")
    if height and height > window["height"]:
        # Chromium paints no iframe below the window in a full-page shot (the mail previews of a send
        # check came out blank), so such a page is shot through a window as tall as the page.
        await browser_page.set_viewport_size({"width": window["width"], "height": height})
        await browser_page.evaluate(NEXT_FRAME)
    await browser_page.screenshot(path=path, full_page=True)
    if height and height > window["height"]:
        await browser_page.set_viewport_size(window)
    return path


def failures(result):
    """What makes one page at one width fail, in words."""
    reasons = []
    if result.get("error"):
        reasons.append(result["error"])
    elif not result["status_ok"]:
        reasons.append(f"HTTP {result['status']}")
    serious = collections.Counter(v["id"] for v in result["violations"] if v["impact"] in FAILING_IMPACTS
                                  for _ in v["nodes"])
    reasons += [f"{rule}×{count}" for rule, count in sorted(serious.items())]
    if result["overflow"]:
        o = result["overflow"]
        reasons.append(f"scrolls sideways ({o['scrollWidth']} > {o['innerWidth']}: {', '.join(o['culprits'][:3])})")
    return reasons


async def audit_role(browser, role, base, options, axe, report_pages, notes):
    """Signs in as the role, finds its pages and audits them with --jobs tabs at once; the number failing."""
    context = await browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    context.set_default_timeout(60000)
    try:
        first = await context.new_page()
        if role in ACCOUNTS:
            await sign_in(first, base, *ACCOUNTS[role])
        pages, missing = await resolve(role, Links(first, base))
        notes += missing
        only = re.compile(options.only) if options.only else None
        queue = collections.deque(
            (name, path, expected, language) for name, path, expected in pages for language in LANGUAGES
            if not only or only.search(role) or only.search(name) or only.search(path))
        tabs = [first] + [await context.new_page() for _ in range(max(1, options.jobs) - 1)]
        failed = 0

        async def work(tab):
            nonlocal failed
            while queue:
                name, path, expected, language = queue.popleft()
                url = base + with_language(path, language)
                try:
                    results = await audit(tab, axe, url, expected,
                                          lambda width: screenshot_path(options.outdir, role, name, language, width))
                except PlaywrightError as error:
                    # A page that times out or crashes the tab fails; the others are still checked.
                    message = str(error).splitlines()[0]
                    results = [{"width": width, "status": 0, "status_ok": False, "error": message, "violations": [],
                                "overflow": None} for width in WIDTHS]
                reasons = [f"{r['width']}: {'; '.join(failures(r))}" for r in results if failures(r)]
                failed += bool(reasons)
                others = sum(len(v["nodes"]) for r in results for v in r["violations"]
                             if v["impact"] not in FAILING_IMPACTS)
                line = f"{'FAIL' if reasons else 'ok  '} {role:<11} {language} {path}"
                if reasons:
                    line += "  " + " | ".join(reasons)
                if others:
                    line += f"  ({others} minor/moderate)"
                print(line, flush=True)
                report_pages.append({"role": role, "name": name, "language": language, "path": path,
                                     "url": url, "failed": bool(reasons), "widths": results})

        await asyncio.gather(*(work(tab) for tab in tabs))
        return failed
    finally:
        await context.close()


async def run(options, base):
    axe = Axe()
    report_pages, notes = [], []
    failed = 0
    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch(executable_path=options.chromium, headless=True,
                                                       args=["--no-sandbox"])
        except PlaywrightError as error:
            raise CannotRun(f"cannot start {options.chromium}: {error}")
        try:
            for role in PAGES:
                try:
                    failed += await audit_role(browser, role, base, options, axe, report_pages, notes)
                except PlaywrightError as error:
                    # Signing in or finding the pages failed: nothing of this role can be checked.
                    raise CannotRun(f"{role}: {str(error).splitlines()[0]}")
        finally:
            await browser.close()
    return failed, report_pages, notes


def main():
    global WIDTHS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", help="the running Focal, e.g. http://127.0.0.1:8090")
    parser.add_argument("outdir", help="where axe-report.json and the screens/ directory are written")
    parser.add_argument("--chromium", default=os.environ.get("FOCAL_CHROMIUM") or shutil.which("chromium"),
                        help="the browser (default $FOCAL_CHROMIUM, else chromium on PATH)")
    parser.add_argument("--only", help="audit only pages whose role, name or path matches this regular expression")
    parser.add_argument("--jobs", type=int, default=2, help="pages audited at once (default 2)")
    parser.add_argument("--widths", default=",".join(map(str, WIDTHS)),
                        help=f"window widths in CSS pixels, widest first (default {','.join(map(str, WIDTHS))}); "
                             f"those up to {PHONE} must not scroll sideways")
    options = parser.parse_args()
    try:
        WIDTHS = tuple(int(w) for w in options.widths.split(","))
    except ValueError:
        parser.error("--widths takes numbers separated by commas")
    base = options.base.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        parser.error("BASE_URL must be an http(s) URL")
    if not options.chromium:
        print("accessibility: no Chromium (give --chromium or set FOCAL_CHROMIUM)", file=sys.stderr)
        return 2
    os.makedirs(options.outdir, exist_ok=True)

    started = time.monotonic()
    try:
        failed, report_pages, notes = asyncio.run(run(options, base))
    except CannotRun as error:
        print(f"accessibility: {error}", file=sys.stderr)
        return 2
    elapsed = time.monotonic() - started

    order = {role: index for index, role in enumerate(PAGES)}
    report_pages.sort(key=lambda p: (order[p["role"]], p["path"], p["language"]))
    by_rule = collections.Counter()
    for entry in report_pages:
        for result in entry["widths"]:
            for violation in result["violations"]:
                by_rule[(violation["id"], violation["impact"])] += len(violation["nodes"])
    screenshots = sum(1 for entry in report_pages for result in entry["widths"] if result.get("screenshot"))
    report = {
        "base": base,
        "seconds": round(elapsed, 1),
        "widths": list(WIDTHS),
        "pages_audited": len(report_pages),
        "pages_failed": failed,
        "screenshots": screenshots,
        "notes": notes,
        "violations_by_rule": [{"rule": rule, "impact": impact, "nodes": count}
                               for (rule, impact), count in sorted(by_rule.items(), key=lambda i: -i[1])],
        "pages": report_pages,
    }
    path = os.path.join(options.outdir, "axe-report.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    for note in notes:
        print(f"note: {note}")
    for (rule, impact), count in sorted(by_rule.items(), key=lambda i: -i[1]):
        print(f"  {count:5d} × {rule} ({impact})")
    print(f"{failed} of {len(report_pages)} pages fail (role × language, each at {' and '.join(map(str, WIDTHS))} px); "
          f"{elapsed:.0f} s; report {path}")
    print(f"{screenshots} screenshots in {os.path.join(options.outdir, 'screens')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
