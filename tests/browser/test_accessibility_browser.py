"""axe-core finds no serious or critical violation (contrast among them) on the pages of the app, visited in
the real Chromium by each role that uses them."""

import pytest

from cases.meetings.models import Attendance
from tests.browser.axe import axe_violations
from tests.browser.conftest import log_in
from tests.meetings.factories import add_item, make_meeting, present_url, record, signed
from tests.meetings.triggers import delete_meeting_rows_past_the_guard
from tests.patients.factories import STAGE_IV_COMPLETE, make_case, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(chair, clinician):
    meeting = make_meeting(chair)
    decided = add_item(meeting, make_case(make_patient(family_name="Haddad"), **STAGE_IV_COMPLETE), presenter=clinician)
    drafted = add_item(meeting, make_case(make_patient(family_name="Moreau"), **STAGE_IV_COMPLETE))
    open_item = add_item(meeting, make_case(make_patient(family_name="Lindgren"), **STAGE_IV_COMPLETE))
    decision = signed(decided, clinician, chair)
    record(drafted, clinician)
    for specialty in ("surgery", "medical_oncology", "radiology", "pathology", "nuclear_medicine"):
        Attendance.objects.create(
            meeting=meeting, name=f"Dr {specialty}", specialty=specialty, remote=specialty == "pathology"
        )
    yield {"meeting": meeting, "decided": decided, "drafted": drafted, "open": open_item, "decision": decision}
    delete_meeting_rows_past_the_guard()


def pages(w) -> dict[str, str]:
    meeting, case = w["meeting"], w["open"].case
    return {
        "dashboard": "/",
        "patients": "/patients/",
        "cases": "/cases/",
        "case page": case.get_absolute_url(),
        "pathway step": f"/cases/{case.public_id}/pathway/imaging/",
        "meetings": "/meetings/",
        "new meeting": "/meetings/new/",
        "meeting page": meeting.get_absolute_url(),
        "close the meeting": f"/meetings/{meeting.public_id}/close/",
        "meeting mode, undecided": present_url(w["open"]),
        "meeting mode, draft": present_url(w["drafted"]),
        "meeting mode, signed": present_url(w["decided"]),
        "decision record": w["decision"].get_absolute_url(),
    }


def test_no_page_has_a_serious_or_critical_violation(page, world):
    page.goto("/accounts/login/")
    problems = [f"login: {v}" for v in axe_violations(page)]
    log_in(page, "chair")
    for name, url in pages(world).items():
        response = page.goto(url)
        assert response.status == 200, (name, url, response.status)
        problems += [f"{name}: {v}" for v in axe_violations(page)]
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Plan the meeting").click()  # a form with errors
    page.wait_for_load_state("load")
    problems += [f"meeting form with errors: {v}" for v in axe_violations(page)]
    page.goto(present_url(world["open"]))
    page.get_by_role("button", name="Save decision").click()  # options the board has not decided on yet
    page.locator("#decision-panel [aria-invalid='true']").first.wait_for()
    problems += [f"decision form with errors: {v}" for v in axe_violations(page)]
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("?")  # the shortcuts dialog
    problems += [f"shortcuts: {v}" for v in axe_violations(page)]
    distinct = sorted({p.split(": ", 1)[1] for p in problems})
    assert problems == [], f"{len(problems)} violations, distinct:\n" + "\n".join(distinct)
