"""The coordinator's journey for the demo stage IV case (issue 17), counted in the real Chromium.

Registers the demo patient of DEMO-0004 (HADDAD, stage IV with two liver metastases), creates the case,
walks every pathway step entering the demo case's findings as they stand in cases/patients/demo.py of this
checkout, and marks the case ready for the board (one click where the case page offers it, otherwise
through "Edit case details"). Each text is typed key by key, so the figures are what a person does:

  - fields: form controls given a value (a text, a date, a choice, a radio answer);
  - keystrokes: characters typed (a date counts its 8 digits, as typed into the browser's date field);
  - clicks: radio answers, choices in a list, buttons and links;
  - page loads: whole documents the browser loads; htmx requests: the step saves and what-if previews.

Fields the page does not show (questions not asked) or shows as settled (disabled) are not touched; a
finding the demo has no field for on the page is listed as not entered.

    .venv/bin/python bench/journey.py            # a throwaway SQLite database and `runserver` on loopback
    .venv/bin/python bench/journey.py --findings-from /tmp/main/cases/patients/demo.py   # another demo's findings

Run it in two checkouts (e.g. `git archive main | tar -x -C /tmp/main`, then the same command there with
this file copied in) to compare before and after. Needs Playwright and /usr/bin/chromium (CHROMIUM=...).
"""

import argparse
import atexit
import os
import runpy
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "journey-password-2026"  # noqa: S105 (a throwaway database)


def demo_case(path: Path) -> dict:
    """Return DEMO-0004 from a demo module (plain data: no Django needed)."""
    cases = runpy.run_path(str(path))["DEMO_CASES"]
    return next(case for case in cases if case["patient"][0] == "DEMO-0004")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict) -> None:
    """Migrate a fresh database and create the coordinator (in a subprocess: this checkout's Django)."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    code = (
        "from django.contrib.auth.models import Group, User;"
        f"u = User.objects.create_user('journey', password='{PASSWORD}', first_name='Jo', last_name='Urney');"
        "u.groups.add(Group.objects.get(name='coordinator'))"
    )
    subprocess.run(  # noqa: S603 (this checkout's manage.py, fixed code)
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


class Journey:
    """Drives the page and counts what the person does."""

    def __init__(self, page) -> None:
        self.page = page
        self.fields = 0
        self.keystrokes = 0
        self.clicks = 0
        self.page_loads = 0
        self.htmx = 0
        self.not_entered: list[str] = []
        self.settled: list[str] = []
        page.on("request", self._request)

    def _request(self, request) -> None:
        if request.resource_type == "document":
            self.page_loads += 1
        elif request.resource_type in ("xhr", "fetch"):
            self.htmx += 1

    def type_into(self, selector: str, text: str) -> None:
        field = self.page.locator(selector)
        field.click()
        self.clicks += 1
        field.press_sequentially(text)
        self.fields += 1
        self.keystrokes += len(text)

    def date_into(self, selector: str, day: date) -> None:
        self.page.fill(selector, day.isoformat())
        self.clicks += 1
        self.fields += 1
        self.keystrokes += 8  # the digits of the day, month and year

    def choose(self, selector: str, value: str) -> None:
        self.page.select_option(selector, value)
        self.clicks += 2  # open the list, pick the option
        self.fields += 1

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def answer(self, name: str, value) -> bool:
        """Give the field NAME its demo VALUE if the page asks for it; return whether it did."""
        page = self.page
        if isinstance(value, bool):
            radio = page.locator(f"#id_{name}_{0 if value else 1}")
            if radio.count() and radio.is_visible() and radio.is_disabled() and radio.is_checked():
                self.settled.append(name)  # shown as settled by values typed on the step
                return True
            if not radio.count() or not radio.is_visible() or radio.is_disabled():
                return False
            if not radio.is_checked():
                self.click(radio)
                self.fields += 1
            return True
        control = page.locator(f"#id_{name}")
        if not control.count() or not control.is_visible() or control.is_disabled():
            return False
        if control.evaluate("element => element.tagName") == "SELECT":
            self.choose(f"#id_{name}", str(value))
        elif isinstance(value, date):
            self.date_into(f"#id_{name}", value)
        else:
            self.type_into(f"#id_{name}", str(value))
        return True


def walk(page, journey: Journey, base: str, demo: dict) -> None:
    hospital_number, family_name, given_name, born, sex = demo["patient"]
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("journey")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()
    journey.page_loads = journey.htmx = 0  # count from the dashboard on

    journey.click(page.get_by_role("link", name="Patients", exact=True))
    journey.click(page.get_by_role("link", name="Register a patient"))
    journey.type_into("#id_hospital_number", hospital_number)
    journey.type_into("#id_family_name", family_name)
    journey.type_into("#id_given_name", given_name)
    journey.date_into("#id_date_of_birth", born)
    journey.choose("#id_sex", sex)
    journey.click(page.get_by_role("button", name="Register"))
    page.wait_for_load_state()
    journey.date_into("#id_referral_date", date(2026, 10, 1))
    journey.type_into("#id_referring_clinician", "Dr R. Demo, Gastroenterology")
    journey.type_into("#id_question", demo["question"])
    journey.click(page.get_by_role("button", name="Create case and open the pathway"))
    page.wait_for_load_state()

    findings = dict(demo["findings"])
    entered: set[str] = set()
    while True:
        heading = page.locator("#step-heading")
        heading.wait_for()
        if "Summary" in heading.inner_text():
            break
        names = page.locator("#step-form [name]").evaluate_all("els => [...new Set(els.map(e => e.name))]")
        for name in names:
            if name in findings and findings[name] is not None and journey.answer(name, findings[name]):
                entered.add(name)
        before = heading.inner_text()
        journey.click(page.get_by_role("button", name="Save and continue"))
        page.wait_for_function(
            "before => document.querySelector('#step-heading')?.innerText !== before", arg=before, timeout=10_000
        )
    journey.not_entered = sorted(name for name, value in findings.items() if value is not None and name not in entered)

    journey.click(page.get_by_role("link", name="Case page").first)
    page.wait_for_load_state()
    confirm = page.get_by_role("button", name="Confirm ready for the board")
    if confirm.count():
        journey.click(confirm)
    else:
        journey.click(page.get_by_role("link", name="Edit case details"))
        page.wait_for_load_state()
        journey.choose("#id_status", "ready")
        journey.click(page.get_by_role("button", name="Save", exact=True))
    page.wait_for_load_state()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--findings-from",
        type=Path,
        default=ROOT / "cases" / "patients" / "demo.py",
        help="the demo module whose DEMO-0004 is entered (default: this checkout's)",
    )
    args = parser.parse_args()
    demo = demo_case(args.findings_from)
    workdir = tempfile.mkdtemp(prefix="sinen-journey-")
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sinen_mdt.settings",
        "DATABASE_URL": f"sqlite:///{workdir}/journey.sqlite3",
        "DEBUG": "false",
    }
    prepare(env)
    server = subprocess.Popen(  # noqa: S603 (this checkout's manage.py, a free loopback port)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            journey = Journey(page)
            walk(page, journey, f"http://127.0.0.1:{port}", demo)
            status = page.locator("[data-testid='readiness'], .case-header .badge").first.inner_text()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"Journey: demo stage IV case (DEMO-0004) from registration to ready for the board ({ROOT.name})")
    print(f"  findings of  {args.findings_from}")
    print(f"  fields       {journey.fields}")
    print(f"  keystrokes   {journey.keystrokes}")
    print(f"  clicks       {journey.clicks}")
    print(f"  page loads   {journey.page_loads}")
    print(f"  htmx         {journey.htmx} (step saves and what-if previews)")
    print(f"  case status  {status.strip()}")
    if journey.settled:
        print(f"  settled by the values typed, not answered: {', '.join(journey.settled)}")
    if journey.not_entered:
        print(f"  demo findings the pages did not ask for: {', '.join(journey.not_entered)}")


if __name__ == "__main__":
    main()
