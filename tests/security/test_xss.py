"""Markup typed into any free-text field comes back escaped on every page that shows it (the PDF side is
tested in tests/reports). Nothing a user typed is ever marked safe."""

import pytest
from django.test import Client
from django.urls import reverse

from cases.audit.models import AccessAction, AccessLog
from cases.meetings import services
from cases.meetings.models import Attendance, FollowUpAction
from cases.pathways.models import RecommendationText, StepHelp
from cases.pathways.steps import STEPS
from tests.meetings.factories import add_item, make_meeting, present_url, record
from tests.patients.factories import STAGE_IV, make_case, make_patient
from tests.security.otp import pass_second_factor

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("xss")</script>'
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = SCRIPT + IMG
RAW = ["<script>alert", "<img src=x onerror"]


def assert_escaped(page: str, where: str) -> None:
    """No raw payload on the page (in any letter case), and the payload is there, escaped."""
    page = page.lower()
    for raw in RAW:
        assert raw not in page, f"unescaped markup on {where}"
    assert "&lt;script&gt;alert(" in page, f"the typed text is missing from {where}"


@pytest.fixture
def hostile_world(chair, make_user):
    author = make_user("xssclin", None, first_name=PAYLOAD, last_name=IMG)
    from django.contrib.auth.models import Group

    author.groups.add(Group.objects.get_or_create(name="clinician")[0])
    patient = make_patient(family_name=PAYLOAD, given_name=IMG, hospital_number="<b>MRN</b>")
    case = make_case(patient, referring_clinician=PAYLOAD, question=PAYLOAD, status="ready", **STAGE_IV)
    case.step_versions = {"imaging": {"version": 1, "by": PAYLOAD, "at": "2026-10-01T09:00:00+00:00"}}
    case.save()
    meeting = make_meeting(chair, title=PAYLOAD, location=PAYLOAD)
    item = add_item(meeting, case, presenter=author)
    Attendance.objects.create(meeting=meeting, name=PAYLOAD, specialty="surgery")
    decision = record(item, author, plan=PAYLOAD, actions=[{"what": PAYLOAD, "owner": PAYLOAD, "due_date": None}])
    RecommendationText.objects.filter(code="liver_resection").update(summary=PAYLOAD, caveats=PAYLOAD)
    StepHelp.objects.filter(step="imaging").update(text=PAYLOAD)
    return {"case": case, "meeting": meeting, "item": item, "decision": decision, "author": author}


def pages(w) -> dict[str, str]:
    case = w["case"]
    urls = {
        "dashboard": reverse("dashboard"),
        "patient list": reverse("patients:patient_list"),
        "patient page": reverse("patients:patient_detail", args=[case.patient.public_id]),
        "patient form": reverse("patients:patient_edit", args=[case.patient.public_id]),
        "case list": reverse("patients:case_list"),
        "case page": case.get_absolute_url(),
        "case form": reverse("patients:case_edit", args=[case.public_id]),
        "meeting list": reverse("meetings:list"),
        "meeting page": w["meeting"].get_absolute_url(),
        "meeting form": reverse("meetings:edit", args=[w["meeting"].public_id]),
        "meeting mode": present_url(w["item"]),
        "decision record": w["decision"].get_absolute_url(),
    }
    urls |= {f"step {step.slug}": reverse("pathways:step", args=[case.public_id, step.slug]) for step in STEPS}
    return urls


def test_every_page_escapes_what_users_typed(client, chair, hostile_world):
    client.force_login(chair)
    for where, url in pages(hostile_world).items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_escaped(response.content.decode(), where)


def test_the_signed_decision_and_its_record_escape_it_too(client, chair, hostile_world):
    decision = hostile_world["decision"]
    services.sign_decision(decision, chair, decision.lock_version)
    assert FollowUpAction.objects.filter(what=PAYLOAD).exists()
    client.force_login(chair)
    assert_escaped(client.get(decision.get_absolute_url()).content.decode(), "signed decision")
    assert_escaped(client.get(present_url(hostile_world["item"])).content.decode(), "meeting mode, signed")


def test_a_refused_form_shows_the_typed_markup_escaped(client, coordinator):
    client.force_login(coordinator)
    data = {"hospital_number": "", "family_name": PAYLOAD, "given_name": PAYLOAD, "date_of_birth": "x", "sex": "male"}
    response = client.post(reverse("patients:patient_create"), data)
    assert response.status_code == 422
    assert_escaped(response.content.decode(), "patient form with errors")


def test_htmx_fragments_escape_it(client, chair, hostile_world):
    case = hostile_world["case"]
    client.force_login(chair)
    url = reverse("pathways:preview", args=[case.public_id, "imaging"])
    response = client.post(url, {"version": case.version}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    for raw in RAW:
        assert raw not in response.content.decode().lower()


def test_the_administrators_pages_escape_typed_usernames_and_names(client, administrator, hostile_world):
    Client().post(reverse("login"), {"username": PAYLOAD, "password": "x"})
    assert AccessLog.objects.filter(action=AccessAction.LOGIN_FAILED, username=PAYLOAD).exists()
    pass_second_factor(client, administrator)
    assert_escaped(client.get(reverse("audit:access_log")).content.decode(), "access log")
    assert_escaped(client.get(reverse("audit:users")).content.decode(), "users and sessions")


def test_the_login_page_escapes_a_typed_username(client):
    response = client.post(reverse("login"), {"username": PAYLOAD, "password": "x"})
    assert_escaped(response.content.decode(), "login page")
