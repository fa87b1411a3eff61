"""A whole meeting, as the board runs it: plan, agenda, attendance, start, decide, sign, close."""

import pytest
from django.urls import reverse

from cases.meetings.models import AgendaItem, Attendance, Decision, Meeting, MeetingStatus
from cases.meetings.services import verify
from cases.patients.models import CaseStatus
from tests.meetings.factories import CONSIDERED, RECOMMENDED, decision_post, present_url, save_url
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


def test_a_board_plans_runs_and_closes_a_meeting(client, coordinator, clinician, chair):
    first = make_case(status=CaseStatus.READY, **STAGE_IV)
    second = make_case(status=CaseStatus.READY, **STAGE_IV)

    # The coordinator plans the meeting and puts two cases on the agenda, then swaps them.
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:create"),
        {
            "title": "NET board",
            "scheduled_at": "2026-12-03T16:00",
            "location": "Room 2",
            "video_url": "",
            "chair": chair.pk,
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 303
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.created_by == coordinator
    for case in (first, second):
        response = client.post(
            reverse("meetings:agenda_add", kwargs={"public_id": meeting.public_id}),
            {"case": case.public_id, "presenter": clinician.pk, "planned_minutes": "12"},
        )
        assert response.status_code == 303
    later = AgendaItem.objects.get(case=second)
    client.post(
        reverse("meetings:agenda_move", kwargs={"public_id": meeting.public_id, "item_id": later.public_id}),
        {"direction": "up"},
    )
    assert list(meeting.agenda_items.order_by("position").values_list("case", flat=True)) == [second.pk, first.pk]

    # Attendance: the chair (surgery) and a radiologist guest; the quorum is not met yet.
    url = reverse("meetings:attendance_add", kwargs={"public_id": meeting.public_id})
    client.post(url, {"user": chair.pk, "specialty": "surgery", "present": "on"})
    client.post(url, {"name": "Dr Ito", "specialty": "radiology", "present": "on"})
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Quorum not met" in page

    # The coordinator starts the meeting and lands in meeting mode on the first case.
    response = client.post(reverse("meetings:status", kwargs={"public_id": meeting.public_id}), {"transition": "start"})
    assert response.status_code == 303
    response = client.get(response["Location"])
    item = AgendaItem.objects.get(case=second)
    assert response.status_code == 302
    assert response["Location"] == present_url(item)

    # A clinician records the decision: RFA (consider) is done as well, liver resection is modified.
    client.force_login(clinician)
    data = decision_post(
        item,
        **{
            f"outcome_{CONSIDERED}": "accept",
            f"outcome_{RECOMMENDED}": "modify",
            f"reason_{RECOMMENDED}": "Wedge resection of segment 3 only; segment 7 ablated.",
        },
    )
    response = client.post(save_url(item), data)
    assert response.status_code == 303
    assert response["Location"] == present_url(item) + "#decision-panel"
    decision = Decision.objects.get()
    assert decision.status == "draft"
    assert decision.author == clinician
    outcomes = {o["code"]: o for o in decision.outcomes}
    assert outcomes[RECOMMENDED] == {
        "code": RECOMMENDED,
        "title": "Resection of liver metastases with curative intent",
        "engine_verdict": "recommended",
        "outcome": "modify",
        "reason": "Wedge resection of segment 3 only; segment 7 ablated.",
    }
    assert outcomes[CONSIDERED]["outcome"] == "accept"
    assert decision.engine_snapshot["stage"] == "IV"
    assert decision.guideline_parameters["ablation_max_lesions"] == 5
    assert [a.what for a in decision.actions.all()] == ["Book one-stage resection"]

    # The chair signs it: final, with signer, time and a hash that matches the content.
    client.force_login(chair)
    response = client.post(
        reverse("meetings:decision_sign", kwargs={"public_id": decision.public_id}),
        # The meeting is set for 3 December: signing before then says why (the record keeps it).
        {"lock_version": decision.lock_version, "early_reason": "The board met two days early this week."},
    )
    assert response.status_code == 303
    decision.refresh_from_db()
    assert decision.status == "signed"
    assert decision.signed_by == chair
    assert decision.signed_at is not None
    assert len(decision.content_sha256) == 64
    assert verify(decision)
    second.refresh_from_db()
    assert second.status == CaseStatus.DISCUSSED

    # Meeting mode shows the signed decision; the record page shows the hash as verified.
    page = client.get(present_url(item)).content.decode()
    assert 'data-testid="decision-status">Signed' in page
    assert "Wedge resection of segment 3 only" in page
    record = client.get(decision.get_absolute_url()).content.decode()
    assert decision.content_sha256 in record
    assert "the digitally signed PDF hold" in record

    assert decision.early_signing_reason == "The board met two days early this week."

    # The coordinator closes the meeting: the undecided first case is marked not discussed on the way.
    client.force_login(coordinator)
    response = client.post(reverse("meetings:status", kwargs={"public_id": meeting.public_id}), {"transition": "close"})
    assert response["Location"] == reverse("meetings:close", kwargs={"public_id": meeting.public_id})
    undecided = AgendaItem.objects.get(case=first)
    response = client.post(response["Location"], {f"settle_{undecided.public_id}": "not_discussed"})
    assert response.status_code == 303
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    other = make_case(**STAGE_IV)
    client.post(
        reverse("meetings:agenda_add", kwargs={"public_id": meeting.public_id}),
        {"case": other.public_id, "presenter": "", "planned_minutes": "5"},
    )
    assert not AgendaItem.objects.filter(case=other).exists()

    # The case page lists the decision.
    case_page = client.get(second.get_absolute_url()).content.decode()
    assert "Board decisions" in case_page
    assert decision.get_absolute_url() in case_page


def test_meeting_mode_without_a_signed_decision_opens_at_the_first_undecided_case(client, clinician, chair):
    from tests.meetings.factories import add_item, make_meeting, signed

    meeting = make_meeting(chair)
    done = add_item(meeting)
    waiting = add_item(meeting)
    signed(done, clinician, chair)
    client.force_login(clinician)
    response = client.get(reverse("meetings:present", kwargs={"public_id": meeting.public_id}))
    assert response["Location"] == present_url(waiting)
