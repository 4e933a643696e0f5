#!/usr/bin/python3
"""Two Focal instances sharing one database and one data directory behave as one site.

Usage: scripts/ci/two-instances.py BASE_A BASE_B   (called by scripts/ci/behind-nginx)

Each instance keeps state of its own (a page cache, a PDF renderer, a scheduler); these checks
show that none of it makes the two disagree:
  1. page cache: a change saved on A reaches B's cached page within 1 s (PostgreSQL NOTIFY), not
     after the cache's lifetime (behind-nginx sets FOCAL_PAGE_CACHE_SECONDS=3600);
  2. uploads: a document uploaded through A downloads byte for byte from B (and through nginx);
  3. PDF cache: the issue PDF printed by A is served by B without printing again
     (focal_pdf_renders_total on B's /metrics); skipped when no Chromium is installed (503);
  4. scheduler: both instances run it, yet an issue submitted by an editor and scheduled by another
     through A is published exactly once
     (one `scheduler` entry in the audit log). Times have minute precision and the scheduler runs
     every 30 s, so this check waits up to ~90 s; it is started first and finished after 2 and 3.
One line per check, `ok`/`skip`/`FAIL` with what was measured; exit status 1 if any failed.
Standard library only. Cookies are kept by hand: the instances run with an https base URL, so
their cookies are Secure and a cookie jar would not send them to plain-http 127.0.0.1.
"""
import datetime
import html.parser
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ADMIN = ("admin@demo.focal.example", "focal-demo-admin")
# Submits the issue for review; the admin, another editor, approves it (review means review).
EDITOR = ("editor@demo.focal.example", "focal-demo-editor")
NGINX = "https://localhost:8443"
failures = []


def report(ok, check, detail):
    print(("ok   " if ok else "FAIL ") + check + ": " + detail, flush=True)
    if not ok:
        failures.append(check)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


OPENER = urllib.request.build_opener(
    NoRedirect, urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))


class Client:
    """One base URL; `cookies` may be shared by clients of several instances (one session)."""

    def __init__(self, base, cookies=None):
        self.base, self.cookies = base, cookies if cookies is not None else {}

    def request(self, path, data=None, headers=None, timeout=30):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(k + "=" + v for k, v in self.cookies.items())
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            response = OPENER.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            response = error
        with response:
            body = response.read()
        for line in response.headers.get_all("Set-Cookie") or []:
            name, _, value = line.split(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, response.headers, body

    def get(self, path, **options):
        return self.request(path, **options)

    def text(self, path):
        status, _, body = self.request(path)
        if status != 200:
            raise RuntimeError(f"GET {self.base}{path} answered {status}")
        return body.decode()

    def post(self, path, fields):
        status, headers, body = self.request(path, data=fields)
        return status, headers.get("Location", ""), body.decode(errors="replace")


class Forms(html.parser.HTMLParser):
    """The forms of a page: action -> {"fields": {name: value}, "options": {name: [(value, label)]}}."""

    def __init__(self, page):
        super().__init__()
        self.forms, self.form, self.select, self.option, self.textarea = {}, None, None, None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = self.forms.setdefault(a.get("action", ""), {"fields": {}, "options": {}})
        elif self.form is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.form["fields"][a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select = a["name"]
            self.form["options"][self.select] = []
            self.form["fields"].setdefault(self.select, "")
        elif tag == "option" and self.select:
            self.option = [a.get("value", ""), ""]
            self.form["options"][self.select].append(self.option)
            if "selected" in a:
                self.form["fields"][self.select] = self.option[0]
        elif tag == "textarea":
            self.textarea = a["name"]
            self.form["fields"][self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.form["fields"][self.textarea] += data
        elif self.option is not None:
            self.option[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea":
            self.textarea = None


def form(client, page_path, action):
    forms = Forms(client.text(page_path)).forms
    if action not in forms:
        raise RuntimeError(f"no form posting to {action} on {page_path}")
    return forms[action]


def option(form_, name, label_part):
    return next(value for value, label in form_["options"][name] if label_part in label)


def submit(client, page_path, action, changes):
    """Reads a form as the browser would, changes some fields and posts it; expects a 303."""
    fields = form(client, page_path, action)["fields"]
    fields.update(changes)
    status, location, body = client.post(action, fields)
    if status != 303:
        text = re.sub(r"<[^>]+>|\s+", " ", body)
        raise RuntimeError(f"POST {action} answered {status}: {text[-300:]}")
    return location


def metric(client, name, labels=None):
    """The sum of a counter's series on /metrics (those with exactly `labels` if given)."""
    status, _, body = client.get("/metrics")
    if status != 200:
        raise RuntimeError(f"{client.base}/metrics answered {status}")
    series = r"\{" + re.escape(labels) + r"\}" if labels else r"(?:\{[^}]*\})?"
    return sum(float(v) for v in re.findall(r"^" + name + series + r" (\S+)$", body.decode(), re.M))


def sign_in(client, account=ADMIN):
    fields = form(client, "/login", "/login")["fields"]
    fields.update(email=account[0], password=account[1])
    status, _, _ = client.post("/login", fields)
    if status != 303:
        raise RuntimeError(f"sign-in on {client.base} answered {status}")


def schedule_issue(a):
    """A new issue with one English article (Chinese marked awaiting translation), scheduled
    for the next whole minute at least 5 s away. Returns (issue line, due time)."""
    today = datetime.date.today()
    year, number = today.year, int(time.time()) % 900 + 100  # a fresh number, even on a rerun
    issue_form = form(a, "/admin/newsletter-issues/new", "/admin/newsletter-issues")
    submit(a, "/admin/newsletter-issues/new", "/admin/newsletter-issues", {
        "newsletter_id": option(issue_form, "newsletter_id", "Newsletter"), "year": str(year), "number": str(number),
        "publication_date": today.isoformat(), "illustrative": "no"})
    line = f"Issue {number}, {year}"
    article_form = form(a, "/admin/articles/new", "/admin/articles")
    submit(a, "/admin/articles/new", "/admin/articles", {
        "edition_id": option(article_form, "edition_id", line + " · English"), "language": "en",
        "title": "Two instances " + line, "slug": f"two-instances-{year}-{number}",
        "body": "Published by the scheduler of one of two instances.", "illustrative": "no"})
    listing = a.text("/admin/newsletter-issues")
    row = re.search(r"<td[^>]*>" + re.escape(line) + r"</td>.*?href=\"(/admin/newsletter-issues/[0-9A-Fa-f-]{36})\"", listing, re.S)
    if row is None:
        raise RuntimeError(f"{line} is not in the list of issues")
    hub = row.group(1)
    submit(a, hub, hub + "/editions/zh/status", {"status": "awaiting_translation"})
    editor = Client(a.base)
    sign_in(editor, EDITOR)
    submit(editor, hub, hub + "/submit", {})
    due = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=65)).replace(second=0, microsecond=0)
    submit(a, hub, hub + "/schedule", {"date": due.date().isoformat(), "time": due.strftime("%H:%M"), "time_zone": "UTC"})
    return line, due.timestamp()


def scheduler_entries(client, line):
    page = client.text("/admin/audit?q=" + urllib.parse.quote(line))
    return len(re.findall(r"<td[^>]*>scheduler</td><td[^>]*>[^<]*: " + re.escape(line) + "</td>", page))


def check_page_cache(a, b, reader_b):
    countries = a.text("/admin/countries")
    edit = re.search(r'href="(/admin/countries/([0-9A-Fa-f-]{36})/edit)"', countries)
    edit_path, action = edit.group(1), "/admin/countries/" + edit.group(2)
    fields = form(a, edit_path, action)["fields"]
    page, original = "/network/countries/" + fields["code"], fields["name_en"]
    reader_b.text(page)
    hits = metric(b, "focal_page_cache_lookups_total", 'result="hit"')
    reader_b.text(page)
    cached = metric(b, "focal_page_cache_lookups_total", 'result="hit"') - hits
    changed = original + " (two instances " + str(int(time.time())) + ")"
    submit(a, edit_path, action, {"name_en": changed})
    saved = time.monotonic()
    delay = None
    while time.monotonic() - saved < 5:
        if changed in reader_b.text(page):
            delay = time.monotonic() - saved
            break
        time.sleep(0.05)
    submit(a, edit_path, action, {"name_en": original})
    detail = f"{page} on B served from its cache ({cached:.0f} hit), "
    if delay is None:
        report(False, "page cache", detail + "change saved on A not shown on B after 5 s")
    else:
        report(cached >= 1 and delay <= 1, "page cache", detail + f"change saved on A shown on B after {delay * 1000:.0f} ms (limit 1000 ms)")


def check_upload(a, b, nginx):
    files = re.search(r'href="(/admin/documents/[0-9A-Fa-f-]{36}/files)"', a.text("/admin/documents")).group(1)
    action = files.rsplit("/", 1)[0] + "/versions"
    csrf = form(a, files, action)["fields"]["_csrf"]
    name = f"two-instances-{int(time.time())}.pdf"
    content = b"%PDF-1.4\n% uploaded through instance A " + str(time.time()).encode() + b"\n%%EOF\n"
    boundary = "----focal-two-instances"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in (("_csrf", csrf), ("change_note", "two-instances check"))]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file_en"; filename="{name}"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    status, _, answer = a.request(action, data=body, headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    if status != 303:
        return report(False, "uploads", f"upload on A answered {status}")
    link = re.search(r'href="(/documents/[^"]+/files/[0-9A-Fa-f-]{36})"[^>]*>[^<]*' + re.escape(name), b.text(files))
    if not link:
        return report(False, "uploads", f"{name} is not listed on B's {files}")
    status_b, _, got_b = b.get(link.group(1))
    status_n, _, got_n = nginx.get(link.group(1))
    report(status_b == 200 and got_b == content and status_n == 200 and got_n == content, "uploads",
           f"{len(content)} bytes uploaded through A; B answered {status_b} with {len(got_b)} bytes "
           f"({'equal' if got_b == content else 'different'}), nginx answered {status_n} with {len(got_n)} bytes "
           f"({'equal' if got_n == content else 'different'})")


def check_pdf(reader_a, reader_b, b):
    path = "/newsletters/2021/7.pdf"
    started = time.monotonic()
    status_a, _, pdf_a = reader_a.get(path, timeout=120)
    took_a = time.monotonic() - started
    if status_a == 503:
        return print(f"skip PDF cache: {path} answered 503 on A (no PDF engine installed)", flush=True)
    before = metric(b, "focal_pdf_renders_total")
    started = time.monotonic()
    status_b, _, pdf_b = reader_b.get(path, timeout=120)
    took_b = time.monotonic() - started
    after = metric(b, "focal_pdf_renders_total")
    report(status_a == status_b == 200 and pdf_a.startswith(b"%PDF") and pdf_b.startswith(b"%PDF") and after == before,
           "PDF cache", f"{path}: A {status_a} ({len(pdf_a)} bytes, {took_a:.2f} s), B {status_b} ({len(pdf_b)} bytes, "
           f"{took_b:.2f} s, same bytes: {pdf_a == pdf_b}); renders on B {before:.0f} -> {after:.0f}")


def check_scheduled(a, line, due):
    deadline, count = due + 45, 0
    while time.time() < deadline and count == 0:
        time.sleep(1)
        count = scheduler_entries(a, line)
    published = time.time()
    time.sleep(2)  # a second instance racing for the same issue would have written its entry by now
    count = scheduler_entries(a, line)
    report(count == 1, "scheduled publication",
           f"{line} scheduled through A for {time.strftime('%H:%M:%S', time.gmtime(due))} UTC; "
           f"published {published - due:.1f} s later with {count} scheduler publication(s) in the audit log (expected 1)")


def attempt(check, function, *args):
    """Runs a check; an unexpected answer or error on the way fails that check only."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - reported, then the next check runs
        report(False, check, f"{type(error).__name__}: {error}")


def main():
    base_a, base_b = sys.argv[1:3]
    session = {}
    a, b, nginx = Client(base_a, session), Client(base_b, session), Client(NGINX, session)
    reader_a, reader_b = Client(base_a), Client(base_b)
    attempt("sign-in", sign_in, a)
    if not failures:
        # Finished last: the wait for the minute overlaps checks 2 and 3.
        scheduled = attempt("scheduled publication", schedule_issue, a)
        attempt("uploads", check_upload, a, b, nginx)
        attempt("PDF cache", check_pdf, reader_a, reader_b, b)
        if scheduled:
            attempt("scheduled publication", check_scheduled, a, *scheduled)
        # After the scheduler's publication, which empties the page caches too.
        attempt("page cache", check_page_cache, a, b, reader_b)
    if failures:
        print("two-instances: failed: " + ", ".join(failures))
        sys.exit(1)
    print("two-instances: passed")


if __name__ == "__main__":
    main()
