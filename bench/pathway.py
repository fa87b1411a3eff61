"""Benchmark of the pathway (issue 4): step POST and case list with 10,000 cases.

Seeds 10,000 patients with a case each in a throwaway database, then times requests through the whole
Django stack (middleware, session, CSRF, ORM, engine, templates) with the test client, in-process:
  - a step POST (save + evaluate + render the next step and the panel, as htmx asks for it),
  - the case list (first page) and the patient list,
  - a plain login-required page (the empty "Register a patient" form) as the baseline in the same run.
Prints median and p95 in milliseconds, the step/baseline ratio and the query counts.

    .venv/bin/python bench/pathway.py              # SQLite in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/pathway.py   # an empty PostgreSQL database

Budget (issue 4): step POST median ≤ 30 ms and ≤ 3 times the plain page; list pages ≤ 10 queries.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='sinen-bench-')}/bench.sqlite3"
os.environ.setdefault("DEBUG", "false")
# The test client's host; set here rather than with setup_test_environment(), which would instrument
# every template render and distort the figures.
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from cases.patients.models import Case, Patient  # noqa: E402

N_CASES = 10_000
RUNS = 200
HX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


def seed() -> Case:
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench", password="bench-password-123")  # noqa: S106 (throwaway database)
    user.groups.add(Group.objects.get(name="coordinator"))  # registers patients and edits findings
    User.objects.create_user("bare", password="bench-password-123")  # noqa: S106 (no role: the barest page)
    patients = Patient.objects.bulk_create(
        Patient(
            hospital_number=f"B{i:07d}",
            family_name=f"Family{i}",
            given_name=f"Given{i}",
            date_of_birth=f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}",
            sex="female" if i % 2 else "male",
        )
        for i in range(N_CASES)
    )
    Case.objects.bulk_create(
        Case(
            patient=p,
            referral_date="2026-10-01",
            referring_clinician="Dr Bench",
            question="Surgical options?",
            status="ready" if i % 3 else "draft",
            ct_or_mri_done=True,
            primary_site="terminal_ileum",
            primary_size_cm="2.2",
            mesenteric_mass_cm="2.5",
            liver_lesions=i % 8,
            liver_max_diameter_cm="3" if i % 8 else None,
            liver_bilobar=bool(i % 2) if i % 8 else None,
            differentiation="well",
            ki67_percent="5",
        )
        for i, p in enumerate(patients)
    )
    return Case.objects.select_related("patient").filter(liver_lesions=2).first()


def timed(label: str, request, runs: int = RUNS) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code in (200, 303), (label, response.status_code)
    query_count = len(queries)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = request()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 303), (label, response.status_code)
    samples.sort()
    median = statistics.median(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<38} median {median:7.2f} ms   p95 {p95:7.2f} ms   queries {query_count}")
    return median, query_count


def main() -> None:
    started = time.perf_counter()
    case = seed()
    seconds = time.perf_counter() - started
    print(f"database: {connection.vendor}; seeded {Case.objects.count():,} cases in {seconds:.1f} s")
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    step = reverse("pathways:step", kwargs={"public_id": case.public_id, "slug": "imaging"})

    def post_step():
        case.refresh_from_db(fields=["version"])
        data = {
            "version": case.version,
            "ct_or_mri_done": "true",
            "primary_site": "terminal_ileum",
            "primary_size_cm": "2.2",
            "multifocal": "false",
            "mesenteric_mass_cm": "2.5",
            "liver_lesions": "2",
            "liver_max_diameter_cm": "3",
            "liver_bilobar": "false",
            "peritoneal": "false",
            "extra_abdominal": "false",
        }
        return client.post(step, data, headers=HX)

    plain = reverse("patients:patient_create")
    baseline, _ = timed("plain login-required page (empty form)", lambda: client.get(plain))
    bare_client = Client()
    bare_client.force_login(User.objects.get(username="bare"))
    bare, _ = timed("barest page (dashboard, user with no role)", lambda: bare_client.get(reverse("dashboard")))
    timed("dashboard (20 ready cases assessed)", lambda: client.get(reverse("dashboard")))
    timed("step GET (imaging)", lambda: client.get(step))
    step_median, _ = timed("step POST, htmx (save+evaluate+render)", post_step)
    case_list = reverse("patients:case_list")
    _, case_list_queries = timed("case list (page 1 of 400)", lambda: client.get(case_list))
    timed("case list filtered (status=ready)", lambda: client.get(case_list + "?status=ready"))
    patient_list = reverse("patients:patient_list")
    _, patient_list_queries = timed("patient list (page 1 of 400)", lambda: client.get(patient_list))
    ratio = step_median / baseline
    print(f"step POST / plain page ratio: {ratio:.2f}x (against the barest page: {step_median / bare:.2f}x)")
    print(
        "budget: step POST median ≤ 30 ms: {}; ≤ 3x plain page: {}; list pages ≤ 10 queries: {}".format(
            "met" if step_median <= 30 else "MISSED",
            "met" if ratio <= 3 else "MISSED",
            "met" if max(case_list_queries, patient_list_queries) <= 10 else "MISSED",
        )
    )


if __name__ == "__main__":
    main()
