# venv requirements: scripts/ci/requirements-journeys.txt (run by the python of scripts/ci/python-venv)
"""Browser journeys through Focal: what a visitor, the secretariat and a focal point do, end to end.

Usage: PYTHON scripts/browser-journeys.py BASE_URL OUTDIR [--mail-dir DIR] [--only JOURNEY,...]

PYTHON is the venv that scripts/ci/python-venv makes (Playwright, pinned with hashes in
scripts/ci/requirements-journeys.txt), not Debian's /usr/bin/python3:
    python=$(scripts/ci/python-venv) && "$python" scripts/browser-journeys.py http://127.0.0.1:8090 out --mail-dir mail
Playwright drives Debian's Chromium (CHROMIUM, default /usr/bin/chromium), headless; it never
downloads a browser of its own.

Mail: the server under test sends its mail (`focal serve` sends by default) to the recording SMTP
server Tests/Fixtures/smtp_recorder.py, and --mail-dir is that recorder's OUTDIR, where it writes
each message as <n>.eml. The caller starts the recorder first and the server with
FOCAL_SMTP_URL='smtp://127.0.0.1:PORT?starttls=never'; the journeys only read the directory, so
one recorder serves the server for its whole life. The links followed from mail (RSVP,
confirmation, unsubscribe) are used as the server wrote them, so FOCAL_BASE_URL must be BASE_URL
(its default for `serve --hostname H --port P`). Without --mail-dir the journeys that need mail fail.

Journeys, in this order (a later one may use what an earlier one made):
  public-site      the pages linked from the home page's navigation, a meeting, an issue, an
                   article and the action plan's area, activity and dashboards, in English and
                   Chinese (<html lang>, a visible <h1>), 1280, 390 and 320 px wide, failing on
                   horizontal scrolling
  meeting          staff create a meeting, invite two member states, send the invitations; an
                   invitee answers from the link in the mail; staff record attendance and see the
                   attendance chart on the meeting's page
  article          staff mark that meeting held, draft the article from it into a new issue,
                   edit it, submit the issue for review and publish it; a visitor reads it and
                   gets the issue's PDF
  subscription     a visitor subscribes on the public form and confirms from the mail; staff send
                   a campaign to that list; it arrives; the reader unsubscribes from its
                   List-Unsubscribe link and staff see them unsubscribed
  progress-report  the focal point of Myanmar reports an activity's indicator for a year that has
                   no actual yet, staff validate it, and the public action-plan dashboard changes
                   (the demo has six such years: a database that served more runs needs renewing)
  consultation     staff create an outcome document, write its draft and circulate it to the
                   member states as a silence procedure ending two to three minutes later (UTC);
                   the invitation reaches Myanmar's focal point, whose link opens the text without
                   signing in; the focal point sees the text and may break silence but keeps it.
                   Meanwhile, in the demo's open comments round, the focal point comments on ¶3
                   with proposed wording and submits; staff respond in the comment matrix and get
                   its PDF. Then the server's consultation clock adopts the text at the deadline:
                   the round says so and the document is adopted (some three minutes in all)

Each step saves a full-page screenshot, OUTDIR/<journey>/NN-<step>.png, and fails on what the
browser shows on any page of the journey meanwhile: console errors, uncaught page errors, failed
requests and HTTP responses >= 400 (but those a step expects). A failed step ends its journey
(the next steps build on it), except in public-site, whose pages stand alone, and in
consultation, whose comments round does not stop the wait for the silence procedure's outcome.
Names and addresses carry a timestamp, so reruns against the same database work.

Environment:
  CHROMIUM                browser executable (default /usr/bin/chromium)
  FOCAL_JOURNEY_TIMEOUT   seconds any one wait of a step may take: an element, a page, a message
                          at the recorder, a campaign to finish (default 20)
  FOCAL_JOURNEY_ADOPTION_WAIT
                          seconds the consultation journey waits for the silence procedure's
                          adoption (default 240: the deadline is at most three minutes after
                          circulating and the server's consultation clock runs every 20 s)

Prints "ok  <journey>: <step>" or "FAIL <journey>: <step>: <reason>" per step, then
"N passed, M failed"; exits 1 if anything failed.
"""

import argparse
import datetime
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import quote_plus, urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PDFTOTEXT = "/usr/bin/pdftotext"  # optional: when present, the text of a PDF is checked
TIMEOUT = float(os.environ.get("FOCAL_JOURNEY_TIMEOUT", "20"))
ADOPTION_WAIT = float(os.environ.get("FOCAL_JOURNEY_ADOPTION_WAIT", "240"))
STAMP = time.strftime("%Y%m%d-%H%M%S")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 640}  # the narrowest width that must not scroll sideways
LANGS = {"en": {"en"}, "zh": {"zh-Hans", "zh"}}  # ?lang= -> accepted <html lang>
ACCOUNTS = {
    "staff": ("editor@demo.focal.example", "focal-demo-editor"),
    # Another editor approves what "staff" submitted for review (review means review).
    "reviewer": ("admin@demo.focal.example", "focal-demo-admin"),
    "focal point": ("focalpoint.mm@demo.focal.example", "focal-demo-focalpoint"),
}


class StepFailed(Exception):
    """A step could not do what it says; the message is why."""


class JourneyStopped(Exception):
    """A step of the journey failed: the steps after it build on it."""


# ---------------------------------------------------------------------------------------------
# What the browser shows


class Watcher:
    """Collects the problems one browser context shows: console and page errors, failed requests,
    HTTP responses >= 400 other than those the current step expects."""

    def __init__(self, context):
        self.problems = []
        self.expected = ()  # (status, path prefix) pairs the current step allows
        context.on("console", self.on_console)
        context.on("weberror", lambda web_error: self.problems.append(f"page error: {web_error.error}"))
        context.on("requestfailed", self.on_request_failed)
        context.on("response", self.on_response)

    def on_console(self, message):
        # A resource that failed to load is also a response or requestfailed event, reported
        # there with its URL and judged against what the step expects.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            where = message.page.url if message.page else "?"
            self.problems.append(f"console error on {where}: {message.text}")

    def on_request_failed(self, request):
        # ERR_ABORTED is a request the browser dropped itself, e.g. a poll cut off by leaving the page.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def on_response(self, response):
        path = urlsplit(response.url).path
        if response.status >= 400 and not any(
            response.status == status and path.startswith(prefix) for status, prefix in self.expected
        ):
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def take(self):
        problems, self.problems = self.problems, []
        return problems


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def report(self, journey, step, problems):
        if problems:
            self.failed += 1
            print(f"FAIL {journey}: {step}: " + "; ".join(problems), flush=True)
        else:
            self.passed += 1
            print(f"ok  {journey}: {step}", flush=True)


class Journey:
    """One journey: its browser contexts (one per person), its steps and their screenshots."""

    def __init__(self, name, browser, base, outdir, mailbox, results):
        self.name = name
        self.browser = browser
        self.base = base
        self.outdir = os.path.join(outdir, name)
        self.mailbox = mailbox
        self.results = results
        self.contexts = []
        self.watchers = []
        self.shots = 0
        os.makedirs(self.outdir, exist_ok=True)

    def open(self, viewport=DESKTOP):
        """A page in a browser context of its own: a person with their own cookies."""
        context = self.browser.new_context(base_url=self.base, viewport=viewport, locale="en-GB")
        context.set_default_timeout(TIMEOUT * 1000)
        self.contexts.append(context)
        self.watchers.append(Watcher(context))
        return context.new_page()

    def close(self):
        for context in self.contexts:
            context.close()

    @contextmanager
    def step(self, title, page, expect=(), stops=True):
        """Runs the body as one step: reports it, screenshots `page`, and stops the journey if it
        failed and `stops`. `expect` lists the (status, path prefix) answers >= 400 it allows."""
        for watcher in self.watchers:
            watcher.take()
            watcher.expected = expect
        problems = []
        try:
            yield
        except (StepFailed, PlaywrightError) as exc:
            problems.append(one_line(exc))
        except Exception as exc:  # a bug of this script: reported as the step's failure, not a crash
            problems.append(f"{type(exc).__name__}: {one_line(exc)}")
        problems += self.screenshot(page, title)
        for watcher in self.watchers:
            problems += watcher.take()
            watcher.expected = ()
        self.results.report(self.name, title, problems)
        if problems and stops:
            raise JourneyStopped()

    def screenshot(self, page, title):
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        path = os.path.join(self.outdir, f"{self.shots:02d}-{slug}.png")
        try:
            page.screenshot(path=path, full_page=True)
            return []
        except PlaywrightError as exc:
            return [f"no screenshot: {one_line(exc)}"]


def one_line(exc):
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " ".join(lines[:3])[:400] if lines else type(exc).__name__


# ---------------------------------------------------------------------------------------------
# Pages and forms


def visit(page, path):
    response = page.goto(path)
    if response is None:
        raise StepFailed(f"no response for {path}")
    return response


def submit(page, form):
    """Submits `form` with its submit button and waits for the page that answers it; a refusal shown
    there fails the step with its words."""
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").first.click()
    refused = [text.strip() for text in page.locator(".form-error, .field-error, .error-summary").all_inner_texts() if text.strip()]
    if refused:
        raise StepFailed(f"refused at {path_of(page.url)}: " + " ".join(refused))


def form_to(page, action_suffix):
    return page.locator(f"form[action$='{action_suffix}']").first


def click_link(page, selector, what):
    link = page.locator(selector).first
    if link.count() == 0:
        raise StepFailed(f"no link to {what} on {path_of(page.url)}")
    with page.expect_navigation():
        link.click()


def hrefs(page, selector):
    return page.eval_on_selector_all(selector, "links => links.map(a => a.getAttribute('href'))")


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def text_of(page, selector):
    locator = page.locator(selector).first
    return locator.inner_text().strip() if locator.count() else ""


def expect_text(page, selector, wanted, what):
    found = text_of(page, selector)
    if wanted not in found:
        raise StepFailed(f"{what}: expected {wanted!r} in {selector} of {path_of(page.url)}, found {found!r}")


def require(page, selector, what):
    if page.locator(selector).count() == 0:
        raise StepFailed(f"{what} ({selector} on {path_of(page.url)})")


def select_by_label(page, name, label_part):
    """Chooses the option of select[name] whose label contains `label_part`; returns its value."""
    options = page.eval_on_selector_all(
        f"select[name='{name}'] option", "options => options.map(o => [o.value, o.textContent.trim()])"
    )
    value = next((value for value, label in options if label_part in label and value), None)
    if value is None:
        raise StepFailed(f"no option {label_part!r} in select[name={name}] of {path_of(page.url)}")
    page.select_option(f"select[name='{name}']", value)
    return value


def sign_in(page, who):
    email_address, password = ACCOUNTS[who]
    visit(page, "/login?lang=en")
    page.fill("input[name=email]", email_address)
    page.fill("input[name=password]", password)
    submit(page, page.locator("form:has(input[name=password])"))
    if not page.get_by_role("button", name="Sign out").is_visible():
        raise StepFailed(f"signing in as {email_address} led to {path_of(page.url)}, not signed in")


def wait_until(what, probe, interval=0.5, timeout=None):
    """Polls `probe` until it returns something true, at most `timeout` seconds (default TIMEOUT);
    returns that."""
    timeout = TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise StepFailed(f"{what}: not within {timeout:g} s")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# Mail, as the recording SMTP server stored it


class Mailbox:
    """The messages Tests/Fixtures/smtp_recorder.py wrote to its directory."""

    def __init__(self, directory):
        self.directory = directory
        self.parsed = {}  # file name -> ((mtime, size), message)

    def messages(self):
        if not self.directory:
            raise StepFailed("this step reads mail: give --mail-dir, the directory of Tests/Fixtures/smtp_recorder.py")
        for name in sorted(os.listdir(self.directory)):
            if not name.endswith(".eml"):
                continue
            path = os.path.join(self.directory, name)
            stat = os.stat(path)
            # Read again when the file changed: the recorder may still be writing it, or a
            # restarted recorder may have reused its name.
            version = (stat.st_mtime_ns, stat.st_size)
            if self.parsed.get(name, (None,))[0] != version:
                with open(path, "rb") as f:
                    self.parsed[name] = (version, email.message_from_binary_file(f, policy=email.policy.default))
            yield self.parsed[name][1]

    def wait_for(self, what, matches):
        return wait_until(f"a message {what} at the recorder", lambda: next(filter(matches, self.messages()), None))


def plain_text(message):
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def links_in(message, path_part):
    return [url.rstrip(".,)>") for url in re.findall(r"https?://\S+", plain_text(message)) if path_part in url]


def addressed_to(message, address):
    return address.lower() in str(message.get("To", "")).lower()


# ---------------------------------------------------------------------------------------------
# Journey: the public site


def public_site(j, state):
    page = j.open()
    with j.step("discover the public pages from the home page", page):
        pages = discover_public_pages(page)
    for viewport in (DESKTOP, PHONE, SMALL_PHONE):
        page.set_viewport_size(viewport)
        for path in pages:
            for lang in LANGS:
                with j.step(f"{path}?lang={lang} at {viewport['width']} px", page, stops=False):
                    check_public_page(page, path, lang)


def discover_public_pages(page):
    """The home page's navigation, then one page of each kind found by following it."""
    visit(page, "/?lang=en")
    nav = [path_of(urljoin(page.url, href)).split("?")[0] for href in hrefs(page, "nav.main-nav a[href]")]
    missing = [p for p in ("/network", "/meetings", "/newsletters", "/action-plan") if p not in nav]
    if missing:
        raise StepFailed("the home page's navigation has no link to " + ", ".join(missing))
    pages = list(dict.fromkeys(nav))
    for start, pattern, what in (
        ("/meetings", r"^/meetings/[^/.]+$", "a meeting"),
        ("/newsletters", r"^/newsletters/\d{4}/\d+$", "an issue"),
        (None, r"^/articles/[^/]+$", "an article"),  # on the issue just found
        ("/action-plan", r"^/action-plan/areas/[^/]+$", "a priority area"),
        ("/action-plan", r"^/action-plan/activities/[^/]+$", "an activity"),
        ("/action-plan", r"^/action-plan/dashboards$", "the dashboards"),
    ):
        if start:
            visit(page, start + "?lang=en")
        found = [p for p in (path_of(urljoin(page.url, h)).split("?")[0] for h in hrefs(page, "main a[href]")) if re.match(pattern, p)]
        if not found:
            raise StepFailed(f"no link to {what} on {path_of(page.url)}")
        pages.append(found[0])
        if what == "an issue":
            visit(page, found[0] + "?lang=en")
    return list(dict.fromkeys(pages))


# Elements reaching past the right edge of the window, the widest first: what makes it scroll.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.classList.length ? '.' + Array.from(e.classList).join('.') : '');
  const wide = Array.from(document.querySelectorAll('body *'))
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.right > width + 1 && r.width > 0)
    .sort((a, b) => b[1].right - a[1].right);
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
          culprits: wide.slice(0, 3).map(([e, r]) => describe(e) + ' to ' + Math.round(r.right) + ' px')};
}"""


def check_public_page(page, path, lang):
    visit(page, f"{path}?lang={lang}")
    problems = []
    html_lang = page.get_attribute("html", "lang")
    if html_lang not in LANGS[lang]:
        problems.append(f"<html lang> is {html_lang!r}, expected {' or '.join(sorted(LANGS[lang]))}")
    if not page.locator("h1").first.is_visible():
        problems.append("no visible <h1>")
    overflow = page.evaluate(OVERFLOW)
    if overflow["scrollWidth"] > overflow["innerWidth"]:
        problems.append(
            f"horizontal scrolling: the page is {overflow['scrollWidth']} px wide in a {overflow['innerWidth']} px window"
            + (f" ({', '.join(overflow['culprits'])})" if overflow["culprits"] else "")
        )
    if problems:
        raise StepFailed("; ".join(problems))


# ---------------------------------------------------------------------------------------------
# Journey: a meeting, from invitation to attendance


def meeting(j, state):
    staff = j.open()
    with j.step("sign in as staff", staff):
        sign_in(staff, "staff")
    title = f"Journey meeting {STAMP}"
    with j.step("create a meeting", staff):
        hub = create_meeting(staff, title)
        state["meeting"] = {"title": title, "hub": hub}
    with j.step("invite two member states", staff):
        countries = invite_two_countries(staff, hub)
    with j.step("send the invitations", staff):
        send_campaign(staff, "invitation", {"meeting_id": title})
    invitee = j.open()
    with j.step("answer the invitation from the link in the mail", invitee):
        answered = answer_invitation(invitee, j.mailbox, title)
        if answered not in countries:
            raise StepFailed(f"the invitation answered was for {answered!r}, not one of {countries}")
    with j.step("record attendance", staff):
        record_attendance(staff, hub, present=answered, absent=[c for c in countries if c != answered])
    with j.step("see the attendance chart", staff):
        see_attendance_chart(staff, hub, countries)


def create_meeting(page, title):
    visit(page, "/admin/meetings?lang=en")
    click_link(page, "a[href='/admin/meetings/new']", "a new meeting")
    start = datetime.date.today() + datetime.timedelta(days=14)
    for name, value in {
        "title_en": title, "title_zh": f"旅程会议 {STAMP}", "time_zone": "Asia/Shanghai",
        "start_date": start.isoformat(), "start_time": "10:00", "end_date": start.isoformat(), "end_time": "12:00",
        "video_link": "https://meet.example.org/journey", "summary_en": f"A meeting made by the browser journeys ({STAMP}).",
    }.items():
        page.fill(f"[name={name}]", value)
    for name, value in {"type": "focal_point_meeting", "status": "confirmed", "mode": "online", "visibility": "public"}.items():
        page.select_option(f"select[name={name}]", value)
    page.check("input[name=languages__en]")
    page.check("input[name=languages__zh]")
    submit(page, form_to(page, "/admin/meetings"))
    return meeting_hub(page, title)


def meeting_hub(page, title):
    """The staff page of the meeting called `title`, reached from where saving it led."""
    if not re.search(r"/admin/meetings/[0-9A-Fa-f-]{36}$", urlsplit(page.url).path):
        visit(page, "/admin/meetings?lang=en&q=" + quote_plus(title))
        click_link(page, "main table a[href^='/admin/meetings/']", f"the meeting {title!r} in the list")
    if text_of(page, "h1") != title:
        raise StepFailed(f"expected the page of {title!r}, found {text_of(page, 'h1')!r} at {path_of(page.url)}")
    return urlsplit(page.url).path


FOCAL_POINTS = re.compile(r"\(active focal points: [1-9]")


def invite_two_countries(page, hub):
    """Invites the first two countries that have an active focal point; returns their names."""
    visit(page, hub + "?lang=en")
    form = form_to(page, "/invite-countries")
    labels = form.locator("label.checkbox").filter(has=page.locator("input:not([disabled])"))
    chosen = [label for label in labels.all() if FOCAL_POINTS.search(label.inner_text())][:2]
    if len(chosen) < 2:
        raise StepFailed("fewer than two countries with an active focal point can be invited")
    names = [label.inner_text().split("(")[0].strip() for label in chosen]
    for label in chosen:
        label.locator("input").check()
    submit(page, form)
    represented = page.locator("main table").first.inner_text()
    missing = [name for name in names if name not in represented]
    if missing:
        raise StepFailed(f"no participant for {', '.join(missing)} after inviting them")
    return names


def send_campaign(page, kind, choices, texts=None):
    """Creates a campaign of `kind` (`choices`: select name -> part of the option's label; `texts`:
    field name -> value), sends it now and waits until every message has gone."""
    visit(page, "/admin/campaigns?lang=en")
    click_link(page, "a[href='/admin/campaigns/new']", "a new campaign")
    page.select_option("select[name=kind]", kind)
    for name, label in choices.items():
        select_by_label(page, name, label)
    for name, value in (texts or {}).items():
        page.fill(f"[name={name}]", value)
    submit(page, form_to(page, "/admin/campaigns"))
    # Send now leads to a check page: recipients per language and the message as each will get it.
    click_link(page, "main a[href$='/start']", "Send now")
    if "recipient" not in text_of(page, "main .check-consequences"):
        raise StepFailed("the check page before sending does not say how many recipients")
    if page.locator("main iframe.mail-preview, main .mail-preview iframe").count() == 0:
        raise StepFailed("the check page before sending shows no preview of the message")
    submit(page, form_to(page, "/start"))
    progress = wait_until("the campaign to finish sending", lambda: finished_progress(page))
    if progress["failed"] != "0" or progress["sent"] == "0":
        raise StepFailed(f"the campaign ended with {progress['sent']} sent and {progress['failed']} failed")


def finished_progress(page):
    """The campaign page's figures (its script refreshes them) once nothing remains to send."""
    fields = page.eval_on_selector_all(
        "#campaign-progress dd[data-field]", "dds => Object.fromEntries(dds.map(d => [d.dataset.field, d.textContent.trim()]))"
    )
    return fields if fields.get("remaining") == "0" and fields.get("total") not in (None, "0") else None


def answer_invitation(page, mailbox, title):
    """Registers through the RSVP link of an invitation to `title`; returns the country answered for."""
    message = mailbox.wait_for(f"inviting to {title!r}", lambda m: title in plain_text(m) and links_in(m, "/rsvp/"))
    visit(page, links_in(message, "/rsvp/")[0])
    page.check("input[name=answer][value=register]")
    page.check("input[name=consent]")
    submit(page, page.locator("form:has(input[name=answer])"))
    require(page, ".notice", "no notice that the answer was saved")
    expect_text(page, "main .panel", "registered", "the registration after answering")
    heading = text_of(page, "main .panel h2")
    return heading.split(" · ")[-1]


def record_attendance(page, hub, present, absent):
    visit(page, hub + "/attendance?lang=en")
    rows = page.locator("main table tbody tr")
    for country, status in [(present, "present")] + [(country, "absent") for country in absent]:
        row = rows.filter(has=page.locator("td:nth-child(2)", has_text=country)).first
        if row.count() == 0:
            raise StepFailed(f"no row for {country} on the attendance sheet")
        row.locator("select").first.select_option(status)
    submit(page, form_to(page, "/attendance"))
    require(page, ".notice", "no notice that the attendance was saved")


def see_attendance_chart(page, hub, countries):
    visit(page, hub + "?lang=en")
    click_link(page, "main .actions a[href^='/meetings/']:not([href*='/participants'])", "the meeting's public page")
    expect_text(page, ".attendance .attendance-figures", f"1 / {len(countries)}", "the member states represented")
    if page.locator(".attendance figure svg").count() == 0:
        raise StepFailed("no attendance chart (svg) on the meeting's page")
    table = text_of(page, ".attendance table")
    missing = [c for c in countries if c not in table]
    if missing:
        raise StepFailed(f"the attendance table lacks {', '.join(missing)}")


# ---------------------------------------------------------------------------------------------
# Journey: the article drafted from the meeting, published


def article(j, state):
    staff = j.open()
    with j.step("sign in as staff", staff):
        sign_in(staff, "staff")
    with j.step("mark the meeting as held", staff):
        if "meeting" not in state:
            raise StepFailed("the meeting journey made no meeting to write about: run it first")
        hub = state["meeting"]["hub"]
        mark_held(staff, hub)
    with j.step("create a newsletter issue", staff):
        issue = create_issue(staff)
    with j.step("draft the article from the meeting", staff):
        editor = draft_article(staff, hub, issue["label"])
    title = f"{state['meeting']['title']}: what was agreed"
    paragraph = f"Edited in the browser journeys ({STAMP})."
    with j.step("edit the article", staff):
        edit_article(staff, editor, title, paragraph)
    with j.step("submit the issue for review", staff):
        move_issue(staff, issue["hub"], "/submit", "in review")
    with j.step("the submitter is not offered Publish on the check page", staff):
        visit(staff, issue["hub"] + "/publish?lang=en")
        if "another editor" not in text_of(staff, "main"):
            raise StepFailed("the check page does not say that another editor publishes")
    reviewer = j.open()
    with j.step("sign in as another editor", reviewer):
        sign_in(reviewer, "reviewer")
    with j.step("publish the issue as the reviewer", reviewer):
        move_issue(reviewer, issue["hub"], "/publish", "published")
        state["issue"] = issue
    visitor = j.open()
    with j.step("read the article as a visitor", visitor):
        read_article(visitor, issue, title, paragraph)
    with j.step("get the issue's PDF", visitor):
        get_pdf(visitor, issue)


def mark_held(page, hub):
    visit(page, hub + "?lang=en")
    click_link(page, "main .actions a[href*='/edit']", "editing the meeting")
    page.select_option("select[name=status]", "held")
    submit(page, form_to(page, hub))
    visit(page, hub + "?lang=en")
    require(page, "form[action$='/draft-article']", "no Draft article on the page of the held meeting")


def create_issue(page):
    """A new issue of this year, numbered after the last one; returns its label, number and pages."""
    year = datetime.date.today().year
    visit(page, "/admin/newsletter-issues?lang=en")
    taken = [int(n) for n in re.findall(rf"Issue (\d+), {year}", page.inner_text("main"))]
    number = max(taken, default=0) + 1
    click_link(page, "a[href='/admin/newsletter-issues/new']", "a new issue")
    page.select_option("select[name=newsletter_id]", index=1)
    page.fill("[name=year]", str(year))
    page.fill("[name=number]", str(number))
    page.fill("[name=publication_date]", datetime.date.today().isoformat())
    page.select_option("select[name=illustrative]", "yes")
    submit(page, form_to(page, "/admin/newsletter-issues"))
    issue_id = re.search(r"/admin/newsletter-issues/([0-9A-Fa-f-]{36})", page.url)
    if not issue_id:
        raise StepFailed(f"saving the issue led to {path_of(page.url)}, not to the issue")
    return {"label": f"Issue {number}, {year}", "hub": f"/admin/newsletter-issues/{issue_id.group(1)}",
            "public": f"/newsletters/{year}/{number}"}


def draft_article(page, hub, issue_label):
    """Drafts the article from the meeting into the issue; returns the editor's address."""
    visit(page, hub + "?lang=en")
    select_by_label(page, "issue_id", issue_label)
    submit(page, form_to(page, "/draft-article"))
    if not re.search(r"/admin/articles/[0-9A-Fa-f-]{36}/edit$", urlsplit(page.url).path):
        raise StepFailed(f"drafting led to {path_of(page.url)}, not to the article's editor")
    if not page.input_value("textarea[name=body]").strip():
        raise StepFailed("the drafted article has no text")
    return urlsplit(page.url).path


def edit_article(page, editor, title, paragraph):
    visit(page, editor + "?lang=en")
    page.fill("[name=title]", title)
    page.fill("textarea[name=body]", page.input_value("textarea[name=body]") + "\n\n" + paragraph + "\n")
    submit(page, form_to(page, editor.removesuffix("/edit")))
    visit(page, editor + "?lang=en")
    if page.input_value("[name=title]") != title or paragraph not in page.input_value("textarea[name=body]"):
        raise StepFailed("the edited title or text was not kept")


def move_issue(page, hub, action, status):
    visit(page, hub + "?lang=en")
    if action == "/publish":
        # Publish leads to a check page that says what will become public, then publishes.
        click_link(page, "main a[href$='/publish']", "Publish now")
        if "public" not in text_of(page, "main .check-consequences"):
            raise StepFailed("the check page before publishing does not say what becomes public")
    submit(page, form_to(page, action))
    expect_text(page, "main p.muted strong", status, "the issue's status")


def read_article(page, issue, title, paragraph):
    visit(page, "/newsletters?lang=en")
    click_link(page, f"main a[href^='{issue['public']}']", f"{issue['label']} in the archive")
    page.get_by_role("link", name=title).first.click()
    page.wait_for_load_state()
    expect_text(page, "h1", title, "the article's heading")
    expect_text(page, "main", paragraph, "the article's text")


def get_pdf(page, issue):
    visit(page, issue["public"] + "?lang=en")
    link = page.locator("main a[href*='.pdf']").first
    if link.count() == 0:
        raise StepFailed(f"no PDF link on {issue['public']}")
    url = urljoin(page.url, link.get_attribute("href"))
    response = page.context.request.get(url, timeout=TIMEOUT * 1000)
    kind = response.headers.get("content-type", "")
    body = response.body()
    if response.status != 200 or not kind.startswith("application/pdf") or not body.startswith(b"%PDF"):
        raise StepFailed(f"{path_of(url)} answered {response.status} {kind!r} starting {body[:8]!r}, not a PDF")


# ---------------------------------------------------------------------------------------------
# Journey: subscribing, a campaign, unsubscribing


def subscription(j, state):
    reader = j.open()
    address = f"journey-{STAMP}@example.org"
    with j.step("subscribe on the public form", reader):
        subscribe(reader, address)
    with j.step("confirm from the link in the mail", reader):
        confirm_subscription(reader, j.mailbox, address)
    staff = j.open()
    subject = f"Journey campaign {STAMP}"
    with j.step("staff send a campaign to the newsletter list", staff):
        sign_in(staff, "staff")
        choices = {"issue_id": published_issue_label(staff, state), "list_id": "Newsletter"}
        send_campaign(staff, "newsletter", choices, {"subject_en": subject})
    with j.step("the campaign arrives", reader):
        message = j.mailbox.wait_for(f"{subject!r} to {address}", lambda m: addressed_to(m, address) and m["Subject"] == subject)
        unsubscribe_url = unsubscribe_link(message)
    with j.step("unsubscribe with the link in the mail", reader):
        unsubscribe(reader, unsubscribe_url)
    with j.step("staff see the subscriber unsubscribed", staff):
        visit(staff, "/admin/subscribers?lang=en&q=" + quote_plus(address))
        row = staff.locator("main table tbody tr", has_text=address).first
        if row.count() == 0 or "unsubscribed" not in row.inner_text():
            raise StepFailed(f"{address} is not listed as unsubscribed: {row.inner_text() if row.count() else 'not listed'}")


def subscribe(page, address):
    visit(page, "/?lang=en")
    click_link(page, "footer a[href^='/subscribe']", "subscribing")
    page.fill("[name=email]", address)
    page.fill("[name=name]", "Journey Reader")
    page.select_option("select[name=language]", "en")
    page.check("input[name=lists__newsletter]")
    submit(page, form_to(page, "/subscribe"))
    require(page, ".notice", "no notice after subscribing")


def confirm_subscription(page, mailbox, address):
    message = mailbox.wait_for(f"confirming {address}", lambda m: addressed_to(m, address) and links_in(m, "/subscribe/confirm/"))
    visit(page, links_in(message, "/subscribe/confirm/")[0])
    submit(page, page.locator("main form"))
    require(page, ".notice", "no notice that the subscription is confirmed")


def published_issue_label(page, state):
    """The issue the article journey published, else the newest in the public archive."""
    if "issue" in state:
        return state["issue"]["label"]
    visit(page, "/newsletters?lang=en")
    return text_of(page, "main .issue-list a")


def unsubscribe_link(message):
    header = str(message.get("List-Unsubscribe", ""))
    found = re.search(r"<(https?://[^>]+)>", header)
    if not found or "One-Click" not in str(message.get("List-Unsubscribe-Post", "")):
        raise StepFailed(f"no one-click List-Unsubscribe in the message (List-Unsubscribe: {header!r})")
    if found.group(1) not in plain_text(message):
        raise StepFailed("the message's text does not carry its List-Unsubscribe link")
    return found.group(1)


def unsubscribe(page, url):
    visit(page, url)
    if page.locator(".notice").count():
        raise StepFailed("opening the link alone unsubscribed (link scanners would unsubscribe readers)")
    submit(page, page.locator("main form"))
    require(page, ".notice", "no notice that the reader is unsubscribed")


# ---------------------------------------------------------------------------------------------
# Journey: a focal point's progress report, validated, on the dashboard


def progress_report(j, state):
    focal_point = j.open()
    with j.step("sign in as the focal point", focal_point):
        sign_in(focal_point, "focal point")
    with j.step("choose an activity and a year without an actual yet", focal_point):
        choice = activity_year_without_actual(focal_point)
    visitor = j.open()
    dashboard = f"/action-plan/dashboards?lang=en&indicator={choice['indicator']}"
    with j.step("read the dashboard before", visitor):
        before = dashboard_figures(visitor, dashboard)
    with j.step("draft the report", focal_point):
        report = draft_report(focal_point, choice)
    with j.step("submit the report", focal_point):
        submit(focal_point, form_to(focal_point, "/submit"))
        expect_text(focal_point, "main p.muted strong", "submitted", "the report's status")
    staff = j.open()
    with j.step("staff validate the report", staff):
        sign_in(staff, "staff")
        visit(staff, "/action-plan/reports?lang=en")
        click_link(staff, f"main a[href='{report}']", "the submitted report")
        submit(staff, form_to(staff, "/validate"))
        expect_text(staff, "main p.muted strong", "validated", "the report's status")
    with j.step("the dashboard changed", visitor):
        after = dashboard_figures(visitor, dashboard)
        if after == before:
            raise StepFailed(f"no figure of {dashboard} changed after validating {choice['activity']} {choice['year']}")


def activity_year_without_actual(page):
    """An activity with a numeric indicator, and a year that this focal point's country has not
    reported and for which the dashboard shows no actual yet: its report is what that figure will
    then be made of (an activity-wide actual of a year would outweigh any country's report)."""
    visit(page, "/action-plan/reports?lang=en")
    reported = {(cells[0].split(" ")[0], cells[1]) for cells in table_rows(page, "main table")}
    visit(page, "/action-plan/reports/new?lang=en")
    activities = [label.split(" ")[0] for label in page.eval_on_selector_all(
        "select[name=activity_id] option", "os => os.filter(o => o.value).map(o => o.textContent.trim())")]
    for activity in activities:
        visit(page, f"/action-plan/reports/new?lang=en&activity={activity}")
        years = [v for v in page.eval_on_selector_all("select[name=year] option", "os => os.map(o => o.value)") if v]
        numeric = page.locator("input[type=text][name^='actual__']").first
        if numeric.count() == 0:
            continue
        indicator = page.locator(f"label[for='{numeric.get_attribute('id')}']").inner_text().split(" ")[0]
        visit(page, f"/action-plan/dashboards?lang=en&indicator={indicator}")
        # The rows of "actual against target": year, target, actual ("—" when there is none).
        empty = {cells[0] for cells in table_rows(page, "main table") if len(cells) == 3 and cells[2] == "—"}
        free = [year for year in years if year in empty and (activity, year) not in reported]
        if free:
            return {"activity": activity, "year": free[0], "indicator": indicator}
    raise StepFailed("no activity has a year left without an actual for this country to report: use a fresh database")


def table_rows(page, selector):
    return page.eval_on_selector_all(
        f"{selector} tbody tr", "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))")


def dashboard_figures(page, path):
    """Every row of the tables that carry the dashboard's numbers, as text."""
    visit(page, path)
    rows = page.eval_on_selector_all(
        "main table tbody tr", "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()).join(' | '))")
    if not rows:
        raise StepFailed(f"no table of figures on {path}")
    return rows


def draft_report(page, choice):
    """Drafts the report with a value for the indicator; returns the report's address."""
    visit(page, f"/action-plan/reports/new?lang=en&activity={choice['activity']}")
    page.select_option("select[name=year]", choice["year"])
    if not page.input_value("select[name=country_id]"):
        page.select_option("select[name=country_id]", index=1)
    page.fill("textarea[name=narrative_en]", f"Reported in the browser journeys ({STAMP}).")
    page.locator("input[type=text][name^='actual__']").first.fill("65")
    submit(page, form_to(page, "/action-plan/reports"))
    if not re.search(r"^/action-plan/reports/[0-9A-Fa-f-]{36}$", urlsplit(page.url).path):
        raise StepFailed(f"saving the report led to {path_of(page.url)}, not to the report")
    expect_text(page, "main p.muted strong", "draft", "the report's status")
    return urlsplit(page.url).path


# ---------------------------------------------------------------------------------------------
# Journey: a consultation, from the draft to adoption by silence procedure


DRAFT_HEADING = "Journey declaration"
DRAFT_PARAGRAPHS = [
    f"Welcome the cooperation among the National Focal Points recorded by the browser journeys ({STAMP}).",
    "Agree to exchange information on environmental cooperation in the region.",
    "Request the secretariat to report on this declaration at the next meeting.",
]
FOCAL_POINT_MAIL = "nfp.mm@example.org"  # the contact address of Myanmar's focal point in the demo
FOCAL_POINT_COUNTRY = "Myanmar"


def consultation(j, state):
    staff = j.open()
    with j.step("sign in as staff", staff):
        sign_in(staff, "staff")
    title = f"Journey outcome document {STAMP}"
    with j.step("create an outcome document", staff):
        create_document(staff, title)
    with j.step("write its draft", staff):
        overview = write_draft(staff, title)
    with j.step("circulate it as a silence procedure", staff):
        round_path, deadline = circulate_silence(staff, overview)
    reader = j.open()
    with j.step("the invitation reaches Myanmar's focal point", reader):
        message = j.mailbox.wait_for(
            f"inviting {FOCAL_POINT_MAIL} to {title!r}",
            lambda m: addressed_to(m, FOCAL_POINT_MAIL) and title in str(m["Subject"]) and links_in(m, "/consultations/read/"))
        read_url = links_in(message, "/consultations/read/")[0]
    with j.step("read the text from the link in the mail without signing in", reader):
        read_circulated_text(reader, read_url, title)
    focal_point = j.open()
    with j.step("sign in as the focal point", focal_point):
        sign_in(focal_point, "focal point")
    with j.step("the focal point sees the text and may break silence, and keeps silent", focal_point):
        see_silence_round(focal_point, round_path, title)
    # The demo's comments round is answered while the silence procedure runs to its deadline; a
    # failure there does not stop the wait for the outcome.
    try:
        answer_comments_round(j, staff, focal_point)
    except JourneyStopped:
        print(f"     {j.name}: the comments round stopped; the silence procedure goes on", flush=True)
    with j.step("the silence procedure adopts the text at its deadline", staff):
        outcome = f"Adopted by silence procedure on {english_date(deadline)}"
        wait_until(
            f"{outcome!r} on {round_path}", lambda: round_outcome(staff, round_path, outcome), interval=5, timeout=ADOPTION_WAIT)
        row = status_row(staff, FOCAL_POINT_COUNTRY)
        if row is None or row["state"] != "silence_kept":
            raise StepFailed(f"{FOCAL_POINT_COUNTRY}'s row in the status table is {row}, not silent")
    with j.step("the document is adopted", staff):
        visit(staff, overview + "?lang=en")
        expect_text(staff, "#lifecycle", "adopted", "the document's stage")
        expect_text(staff, "main p:has(#lifecycle)", english_date(deadline), "the date of adoption")
        if staff.locator("main a[href$='/circulate']").count():
            raise StepFailed("the adopted document still offers to circulate it")


def english_date(moment):
    """A day as the English pages write it: "1 December 2026"."""
    return f"{moment.day} {moment.strftime('%B')} {moment.year}"


def create_document(page, title):
    visit(page, "/admin/documents/new?lang=en")
    page.fill("[name=title_en]", title)
    page.fill("[name=title_zh]", f"旅程成果文件 {STAMP}")
    page.fill("[name=description_en]", f"A declaration drafted by the browser journeys ({STAMP}).")
    for name, value in {"type": "outcome_document", "lifecycle": "draft", "access": "network"}.items():
        page.select_option(f"select[name={name}]", value)
    submit(page, form_to(page, "/admin/documents"))


def write_draft(page, title):
    """Writes the text of the document called `title`, begun from the consultations page; returns
    the address of its consultation overview."""
    visit(page, "/consultations?lang=en")
    page.locator("main details summary").first.click()  # "Start a draft on another document"
    click_link(page, f"main details a[href$='/draft']:text-is({title!r})", f"a draft of {title!r}")
    page.fill("textarea[name=text_en]", "\n\n".join([f"# {DRAFT_HEADING}"] + DRAFT_PARAGRAPHS) + "\n")
    page.fill("[name=note]", "Drafted by the browser journeys")
    submit(page, page.locator("main form:has(textarea[name=text_en])"))
    overview = urlsplit(page.url).path
    if not re.fullmatch(r"/consultations/documents/[0-9A-Fa-f-]{36}", overview):
        raise StepFailed(f"saving the draft led to {path_of(page.url)}, not to the document's consultation")
    expect_text(page, "#lifecycle", "draft", "the document's stage")
    versions = table_rows(page, "main table")
    if not versions or versions[0][2] != str(len(DRAFT_PARAGRAPHS)):
        raise StepFailed(f"the versions table says {versions}, expected version 1 of {len(DRAFT_PARAGRAPHS)} paragraphs")
    return overview


def circulate_silence(page, overview):
    """Circulates the draft as a silence procedure ending two to three minutes from now (UTC), to
    the countries chosen by default; returns the round's address and its deadline."""
    visit(page, overview + "?lang=en")
    click_link(page, "main a[href$='/circulate']", "circulating the draft")
    deadline = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=3)).replace(second=0, microsecond=0)
    page.select_option("select[name=mode]", "silence")
    page.fill("[name=deadline_date]", deadline.date().isoformat())
    page.fill("[name=deadline_time]", deadline.strftime("%H:%M"))
    page.fill("[name=time_zone]", "UTC")
    chosen = page.locator("main label", has_text=FOCAL_POINT_COUNTRY).locator("input[name^='countries__']")
    if chosen.count() == 0 or not chosen.first.is_checked():
        raise StepFailed(f"{FOCAL_POINT_COUNTRY} is not among the countries chosen by default")
    submit(page, page.locator("main form:has(select[name=mode])"))
    round_path = urlsplit(page.url).path
    if not re.fullmatch(r"/consultations/rounds/[0-9A-Fa-f-]{36}", round_path):
        raise StepFailed(f"circulating led to {path_of(page.url)}, not to the round")
    expect_text(page, "main dl.facts", "Silence procedure", "the round's procedure")
    expect_text(page, "main dl.facts time", f"{deadline.day} {deadline:%B %Y}, {deadline:%H:%M}", "the round's deadline")
    if status_row(page, FOCAL_POINT_COUNTRY) is None:
        raise StepFailed(f"{FOCAL_POINT_COUNTRY} is not in the round's status table")
    return round_path, deadline


def read_circulated_text(page, url, title):
    visit(page, url)
    if page.get_by_role("button", name="Sign out").count():
        raise StepFailed("the reader is signed in: the link was to be tried without an account")
    expect_text(page, "h1", title, "the heading of the circulated text")
    expect_text(page, "main dl.facts", FOCAL_POINT_COUNTRY, "the country the text was sent to")
    expect_draft_text(page, "main .draft-text")


def expect_draft_text(page, selector):
    """Fails unless the draft's heading and paragraphs are all in `selector`."""
    text = " ".join(text_of(page, selector).split())
    missing = [part for part in [DRAFT_HEADING] + DRAFT_PARAGRAPHS if part not in text]
    if missing:
        raise StepFailed(f"{selector} of {path_of(page.url)} lacks {missing[0]!r}")


def see_silence_round(page, round_path, title):
    """The focal point reaches the round from the consultations page, reads the text and finds the
    form that breaks silence, which they leave alone."""
    visit(page, "/consultations?lang=en")
    click_link(page, f"main table a[href='{round_path}']", f"the round of {title!r}")
    expect_draft_text(page, "#text")
    form = form_to(page, "/break-silence")
    if form.count() == 0 or not form.locator("textarea[name=reason]").is_visible():
        raise StepFailed(f"no form to break silence on {path_of(page.url)}")
    if not form.get_by_role("button", name="Break silence").is_visible():
        raise StepFailed("no Break silence button in the form")
    row = status_row(page, FOCAL_POINT_COUNTRY)
    if row is None or row["state"] != "silence_kept":
        raise StepFailed(f"{FOCAL_POINT_COUNTRY}'s row in the status table is {row}, not silent")


def status_row(page, country):
    """The row of `country` in the round's status table: its state key and its status as shown."""
    rows = page.eval_on_selector_all(
        "table.round-status tbody tr",
        """rows => rows.map(r => ({country: r.cells[0].textContent.trim(), state: r.dataset.state,
                                   status: r.cells[1].textContent.trim()}))""")
    return next((row for row in rows if row["country"] == country), None)


def round_outcome(page, round_path, outcome):
    visit(page, round_path + "?lang=en")
    return outcome in text_of(page, "#outcome")


def answer_comments_round(j, staff, focal_point):
    comment = f"Name marine plastic pollution among the key issues (browser journeys, {STAMP})."
    with j.step("find the demo's open comments round", focal_point):
        round_path = demo_comments_round(focal_point)
    with j.step("comment on ¶3 with proposed wording", focal_point):
        add_comment(focal_point, round_path, "3", comment)
    with j.step("submit Myanmar's comments", focal_point):
        submit(focal_point, form_to(focal_point, "/submit"))
        expect_text(focal_point, "#answer .answer-status", "submitted", "Myanmar's answer")
        row = status_row(focal_point, FOCAL_POINT_COUNTRY)
        if row is None or row["status"] != "answered with comments":
            raise StepFailed(f"{FOCAL_POINT_COUNTRY}'s row in the status table is {row}, not answered with comments")
    with j.step("staff respond in the comment matrix", staff):
        matrix = respond_in_matrix(staff, round_path, comment)
    with j.step("get the comment matrix as PDF", staff):
        get_matrix_pdf(staff, matrix, comment)


def demo_comments_round(page):
    """The illustrative document's round 2, open for comments, from the consultations page."""
    visit(page, "/consultations?lang=en")
    rows = page.eval_on_selector_all(
        "main table tbody tr",
        """rows => rows.map(r => ({href: r.querySelector('a') && r.querySelector('a').getAttribute('href'),
            illustrative: !!r.querySelector('.badge.illustrative'),
            cells: Array.from(r.cells, c => c.textContent.trim())}))""")
    found = [r for r in rows if r["illustrative"] and r["cells"][1:3] == ["2", "Comments"] and r["cells"][4] == "open"]
    if not found:
        raise StepFailed("no open illustrative round 2 for comments on /consultations: " + str([r["cells"] for r in rows]))
    click_link(page, f"main table a[href='{found[0]['href']}']", "the demo's round 2")
    return urlsplit(page.url).path


def add_comment(page, round_path, number, comment):
    paragraph = text_of(page, f"#text #p{number} p")
    if not paragraph:
        raise StepFailed(f"no ¶{number} in the text of {round_path}")
    # A rerun finds Myanmar's answer submitted: it is withdrawn, as a focal point would, to add to it.
    if form_to(page, "/withdraw").count():
        submit(page, form_to(page, "/withdraw"))
    form = form_to(page, "/comments")
    if form.count() == 0:
        raise StepFailed(f"no form to comment on {path_of(page.url)}")
    value = select_by_label(page, "paragraph", f"¶{number}")
    if value != number:
        raise StepFailed(f"the option ¶{number} has the value {value!r}")
    page.fill("textarea[name=comment]", comment)
    page.fill("textarea[name=proposed_wording]", paragraph.split(" ", 1)[1].rstrip(".") + ", including marine plastic pollution.")
    submit(page, form)
    own = text_of(page, "#answer ol.own-comments")
    if comment not in own or f"¶{number}" not in own:
        raise StepFailed(f"the comment is not among Myanmar's comments: {own!r}")
    if page.locator("#answer ol.own-comments .word-diff ins").count() == 0:
        raise StepFailed("the proposed wording shows no change to the paragraph")


def respond_in_matrix(page, round_path, comment):
    """Responds "accepted in part" to the comment; returns the matrix's address."""
    visit(page, round_path + "?lang=en")
    click_link(page, "main a[href$='/matrix']", "the comment matrix")
    matrix = urlsplit(page.url).path
    row = page.locator("table.comment-matrix tbody tr", has_text=comment).first
    if row.count() == 0:
        raise StepFailed(f"the comment is not in the matrix at {matrix}")
    for cell, wanted in ((0, "¶3"), (1, FOCAL_POINT_COUNTRY)):
        found = row.locator("th, td").nth(cell).inner_text().strip()
        if found != wanted:
            raise StepFailed(f"the comment's row says {found!r}, not {wanted!r}")
    reason = f"Named in the Forum's programme; the paragraph keeps its general list ({STAMP})."
    row.locator("select[name=response]").select_option(label="accepted in part")
    row.locator("textarea[name=reason]").fill(reason)
    submit(page, row.locator("form"))
    row = page.locator("table.comment-matrix tbody tr", has_text=comment).first
    shown = row.inner_text() if row.count() else ""
    if "accepted in part" not in shown or reason not in shown:
        raise StepFailed(f"the matrix does not show the response and its reason: {shown!r}")
    return matrix


def get_matrix_pdf(page, matrix, comment):
    visit(page, matrix + "?lang=en")
    link = page.locator("main a[href*='matrix.pdf']").first
    if link.count() == 0:
        raise StepFailed(f"no PDF link on {matrix}")
    url = urljoin(page.url, link.get_attribute("href"))
    response = page.context.request.get(url, timeout=TIMEOUT * 1000)
    kind = response.headers.get("content-type", "")
    body = response.body()
    if response.status != 200 or not kind.startswith("application/pdf") or not body.startswith(b"%PDF"):
        raise StepFailed(f"{path_of(url)} answered {response.status} {kind!r} starting {body[:8]!r}, not a PDF")
    if os.access(PDFTOTEXT, os.X_OK):
        text = subprocess.run([PDFTOTEXT, "-", "-"], input=body, capture_output=True, timeout=TIMEOUT, check=True).stdout
        # Word by word, in order: the PDF's lines wrap the comment anywhere (inside the stamp
        # too), and pdftotext may put text from beside it between them.
        words = iter(re.findall(r"\w+", text.decode("utf-8", "replace")))
        if not all(word in words for word in re.findall(r"\w+", comment)):
            raise StepFailed(f"the comment is not in the text of {path_of(url)}")


# ---------------------------------------------------------------------------------------------
# Main


JOURNEYS = {
    "public-site": public_site,
    "meeting": meeting,
    "article": article,
    "subscription": subscription,
    "progress-report": progress_report,
    "consultation": consultation,
}


def run_journey(name, browser, options, results, state):
    j = Journey(name, browser, options.base_url, options.outdir, Mailbox(options.mail_dir), results)
    try:
        JOURNEYS[name](j, state)
    except JourneyStopped:
        print(f"     {name}: stopped after the failed step", flush=True)
    finally:
        j.close()


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("outdir")
    parser.add_argument("--mail-dir", help="the OUTDIR of Tests/Fixtures/smtp_recorder.py the server sends to")
    parser.add_argument("--only", help="comma-separated journeys to run (default: all, in order)")
    options = parser.parse_args()
    options.base_url = options.base_url.rstrip("/")
    options.journeys = options.only.split(",") if options.only else list(JOURNEYS)
    unknown = [name for name in options.journeys if name not in JOURNEYS]
    if unknown:
        parser.error(f"unknown journey {', '.join(unknown)}; the journeys are {', '.join(JOURNEYS)}")
    return options


def main():
    options = parse_arguments()
    os.makedirs(options.outdir, exist_ok=True)
    # On SIGTERM (a CI timeout, kill) unwind, so that the browser below is closed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    results = Results()
    state = {}
    started = time.monotonic()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, timeout=TIMEOUT * 1000,
                args=["--no-sandbox", "--disable-dev-shm-usage"],  # root in CI; a small /dev/shm
            )
        except PlaywrightError as exc:
            results.report("launch", CHROMIUM, [one_line(exc)])
        else:
            try:
                for name in options.journeys:
                    run_journey(name, browser, options, results, state)
            finally:
                browser.close()
    print(f"journeys took {time.monotonic() - started:.0f} s")
    print(f"{results.passed} passed, {results.failed} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
