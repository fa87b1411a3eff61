"""Shared fixtures: one named user per role, plus one with no role at all; PDFs rendered by a stub unless a
test is marked real_pdf; background tasks run at once; a signing key of the test session's own."""

import hashlib
import io
import os

import pypdf
import pytest
from django.contrib.auth.models import Group

from cases.access import Role

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True, scope="session")
def _signing_key(tmp_path_factory):
    """Sign with a key made for this test session (never the developer's var/ key); subprocesses inherit it."""
    from django.conf import settings

    from cases.integrity import ensure_development_key

    path = tmp_path_factory.mktemp("signing") / "test-signing-key.pem"
    ensure_development_key(path)
    settings.SIGNING_KEY_FILE = path
    os.environ["SIGNING_KEY_FILE"] = str(path)
    return path


@pytest.fixture(autouse=True)
def _short_demo_year(monkeypatch):
    """Let seed_demo hold 3 of the demo year's 26 meetings: each signature takes a fraction of a second, and
    several tests run seed_demo. tests/meetings/test_seed_year.py holds the whole year once."""
    monkeypatch.setattr("cases.meetings.demo_year.MEETINGS", 3)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords quickly; production's Argon2 is asserted in test_settings."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _access_log_past_the_guard(request):
    """Empty the append-only access log after a transactional test, before pytest-django's flush.

    The flush deletes every row, which the log's triggers refuse on SQLite (tests/security/guards.py).
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from tests.security.guards import delete_access_log_past_the_guard

        delete_access_log_past_the_guard()


@pytest.fixture(autouse=True)
def _nothing_kept():
    """Start each test with no content kept by the process (cases.pathways.kept): a test's database is rolled
    back, and query counts must not depend on which test ran before."""
    from cases.pathways.kept import forget

    forget()


class StubHTML:
    """Stands in for weasyprint.HTML: a blank one-page PDF whose subject is the SHA-256 of the HTML given.

    WeasyPrint takes about half a second per summary, and most tests sign decisions without reading the
    PDF. The stub keeps what they rely on: valid PDF bytes (packs are joined page by page), different
    documents for different content. It has no text, so a test that reads a PDF fails with it: such a
    test is marked `real_pdf` and gets WeasyPrint.
    """

    def __init__(self, string: str, **kwargs) -> None:
        self.html = string

    def write_pdf(self, **kwargs) -> bytes:
        writer = pypdf.PdfWriter()
        writer.add_blank_page(width=595, height=842)  # A4 in points
        writer.add_metadata({"/Subject": hashlib.sha256(self.html.encode()).hexdigest()})
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


@pytest.fixture(autouse=True)
def _pdf_renderer(request, monkeypatch):
    """Render PDFs with StubHTML unless the test is marked real_pdf."""
    if request.node.get_closest_marker("real_pdf"):
        return
    monkeypatch.setattr("cases.reports.pdf.HTML", StubHTML)


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Run every django.tasks task at once, in the request that enqueues it (and with the PDF stub).

    tests/jobs/test_db_worker.py and tests/test_app_servers.py run the real database queue and worker.
    """
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def make_user(db, django_user_model):
    """Return a factory creating a user holding ROLE (None = no role)."""

    def make(username: str, role: Role | None, **extra):
        user = django_user_model.objects.create_user(
            username=username,
            password=PASSWORD,
            first_name=extra.pop("first_name", username.title()),
            last_name=extra.pop("last_name", "Tester"),
            **extra,
        )
        if role is not None:
            # get_or_create: a transactional test's flush removes the groups the migration made.
            user.groups.add(Group.objects.get_or_create(name=role.value)[0])
        return user

    return make


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", Role.COORDINATOR)


@pytest.fixture
def clinician(make_user):
    return make_user("clinician", Role.CLINICIAN)


@pytest.fixture
def chair(make_user):
    return make_user("chair", Role.CHAIR)


@pytest.fixture
def viewer(make_user):
    return make_user("viewer", Role.VIEWER)


@pytest.fixture
def content_editor(make_user):
    return make_user("editor", Role.CONTENT_EDITOR, is_staff=True)


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def no_role_user(make_user):
    return make_user("norole", None)
