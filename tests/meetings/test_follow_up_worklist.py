"""The follow-up worklist: overdue and undated treatments and overdue follow-up actions, most overdue first, each
row updated on its own (htmx: the row; without JavaScript: the page), errors shown with the typed values kept,
a stale row never overwriting a newer one; changed treatments brought back to a planned meeting."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.meetings import services
from cases.meetings.models import ActionProgress, DecidedOption, Meeting, MeetingStatus
from cases.meetings.tracking import TreatmentUpdate, mark_action_done, overdue_actions, update_treatment
from cases.patients.models import CaseStatus
from tests.meetings.factories import add_item, make_meeting, signed

pytestmark = pytest.mark.django_db

URL = reverse("meetings:follow_up")
HTMX = {"HX-Request": "true"}


def decided(chair, clinician, days_ago: int, **kw):
    """A signed decision of a meeting DAYS_AGO days ago; return its first planned treatment."""
    meeting = make_meeting(chair, scheduled_at=timezone.now() - timedelta(days=days_ago))
    decision = signed(add_item(meeting), clinician, chair, **kw)
    return DecidedOption.objects.filter(decision=decision, status="planned").order_by("pk").first()


def update_url(row) -> str:
    return reverse("meetings:treatment_update", kwargs={"decision_id": row.decision.public_id, "code": row.code})


def back_url(row) -> str:
    return reverse("meetings:treatment_bring_back", kwargs={"decision_id": row.decision.public_id, "code": row.code})


def form(row, **values) -> dict:
    data = {"status": "done", "happened_on": "", "cause": "", "cause_text": "", "lock_version": row.lock_version}
    data.update(values)
    return data


def test_it_lists_treatments_planned_past_the_overdue_period_most_overdue_first(client, coordinator, chair, clinician):
    older = decided(chair, clinician, 90)
    newer = decided(chair, clinician, 50)
    recent = decided(chair, clinician, 10)
    client.force_login(coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="treatment-{older.decision.public_id}-{older.code}"' in html
    assert f'id="treatment-{recent.decision.public_id}-{recent.code}"' not in html  # not overdue yet (42 days)
    assert html.index(f"treatment-{older.decision.public_id}") < html.index(f"treatment-{newer.decision.public_id}")


def test_the_overdue_period_is_a_setting(client, coordinator, chair, clinician, settings):
    recent = decided(chair, clinician, 10)
    settings.TREATMENT_OVERDUE_DAYS = 7
    client.force_login(coordinator)
    assert f"treatment-{recent.decision.public_id}-{recent.code}" in client.get(URL).content.decode()


def test_a_done_treatment_without_a_date_stays_on_the_list_until_dated(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 10)
    update_treatment(row, TreatmentUpdate("done"), loaded_lock_version=1, user=coordinator)
    client.force_login(coordinator)
    html = client.get(URL).content.decode()
    assert f"treatment-{row.decision.public_id}-{row.code}" in html
    assert "no date" in html


def test_an_htmx_update_answers_the_row_and_saves(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 60)
    today = timezone.localdate()
    client.force_login(coordinator)
    response = client.post(update_url(row), form(row, happened_on=today.isoformat()), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<li") and "<html" not in html
    assert "done." in html
    row.refresh_from_db()
    assert (row.status, row.happened_on, row.updated_by) == ("done", today, coordinator)


def test_a_plain_post_goes_back_to_the_worklist(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 60)
    client.force_login(coordinator)
    response = client.post(update_url(row), form(row, status="not_done", cause="patient_choice"))
    assert response.status_code == 303
    assert response["Location"] == URL
    row.refresh_from_db()
    assert (row.status, row.cause) == ("not_done", "patient_choice")


def test_an_invalid_update_shows_the_error_and_keeps_what_was_typed(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 60)
    client.force_login(coordinator)
    data = form(row, status="changed", cause="other", cause_text="")
    htmx = client.post(update_url(row), data, headers=HTMX)
    assert htmx.status_code == 200
    assert "Say what happened" in htmx.content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    plain = client.post(update_url(row), form(row, status="not_done", happened_on=tomorrow, cause="patient_choice",
                                              cause_text="Typed, kept."))  # fmt: skip
    assert plain.status_code == 422
    html = plain.content.decode()
    assert "The date cannot be in the future" in html
    assert "Typed, kept." in html
    row.refresh_from_db()
    assert (row.status, row.lock_version) == ("planned", 1)


def test_a_garbled_date_names_the_field(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 60)
    client.force_login(coordinator)
    response = client.post(update_url(row), form(row, happened_on="yesterday"))
    assert response.status_code == 422
    assert "Enter a valid date" in response.content.decode()
    row.refresh_from_db()
    assert row.happened_on is None


def test_a_row_ties_each_label_value_and_error_to_its_input(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 60)
    client.force_login(coordinator)
    data = form(row, status="not_done", happened_on="yesterday", cause="patient_choice", cause_text="x" * 2001)
    html = client.post(update_url(row), data, headers=HTMX).content.decode()
    key = f"t-{row.decision.public_id}-{row.code}"
    for name, label in [("status", "Status"), ("happened_on", "Date"), ("cause", "Reason"), ("cause_text", "Details")]:
        assert f'<label class="form-label" for="{key}-{name}">{label}</label>' in html
        assert re.search(rf'<(input|select)[^>]* name="{name}"[^>]* id="{key}-{name}"', html)
    assert re.search(r'<option value="not_done" selected>Not done</option>', html)
    assert re.search(r'<option value="patient_choice" selected>Patient choice</option>', html)
    date = re.search(rf'<input type="date" name="happened_on"[^>]*id="{key}-happened_on">', html).group(0)
    assert 'value="yesterday"' in date  # kept as typed
    assert f'aria-invalid="true" aria-describedby="{key}-happened_on_error"' in date
    assert re.search(rf'id="{key}-happened_on_error"><strong>Enter a valid date.</strong>', html)
    details = re.search(rf'<input type="text" name="cause_text"[^>]*id="{key}-cause_text">', html).group(0)
    assert f'aria-describedby="{key}-cause_text_error {key}-cause_text_count"' in details
    assert re.search(rf'id="{key}-cause_text_error"><strong>Details: 2,001 characters', html)
    assert 'hx-target="#treatment-' in html and f'action="{update_url(row)}"' in html
    row.refresh_from_db()
    assert (row.status, row.lock_version) == ("planned", 1)


def test_a_stale_row_says_who_saved_first_and_overwrites_nothing(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 60)
    update_treatment(row, TreatmentUpdate("done", timezone.localdate()), loaded_lock_version=1, user=clinician)
    client.force_login(coordinator)
    response = client.post(update_url(row), form(row, status="not_done", cause="died"), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "updated this treatment" in html and "nothing was saved" in html
    assert 'value="2"' in html  # the next save deliberately replaces theirs
    row.refresh_from_db()
    assert (row.status, row.updated_by) == ("done", clinician)
    stale = form(row, status="not_done", cause="died", lock_version=1)
    assert client.post(update_url(row), stale).status_code == 409
    row.refresh_from_db()
    assert row.status == "done"


def test_a_changed_treatment_is_brought_back_to_the_next_planned_meeting(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 60)
    update_treatment(row, TreatmentUpdate("changed", None, "unsuitable"), loaded_lock_version=1, user=coordinator)
    later = make_meeting(chair, MeetingStatus.PLANNED, scheduled_at=timezone.now() + timedelta(days=14))
    sooner = make_meeting(chair, MeetingStatus.PLANNED, scheduled_at=timezone.now() + timedelta(days=7))
    client.force_login(coordinator)
    page = client.get(URL).content.decode()
    assert "Bring back to the board" in page
    response = client.post(back_url(row), {"meeting": str(sooner.public_id)}, headers=HTMX)
    assert response.status_code == 200
    assert "is on the agenda of" in response.content.decode()
    assert sooner.agenda_items.filter(case=row.case).exists()
    assert not later.agenda_items.exists()
    row.case.refresh_from_db()
    assert row.case.status == CaseStatus.READY
    again = client.post(back_url(row), {"meeting": str(sooner.public_id)})
    assert again.status_code == 409
    assert sooner.agenda_items.filter(case=row.case).count() == 1


def test_a_done_treatment_is_not_brought_back(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 60)
    update_treatment(row, TreatmentUpdate("done", None), loaded_lock_version=1, user=coordinator)
    meeting = make_meeting(chair, MeetingStatus.PLANNED)
    client.force_login(coordinator)
    response = client.post(back_url(row), {"meeting": str(meeting.public_id)})
    assert response.status_code == 409
    assert not meeting.agenda_items.exists()


def test_bringing_back_without_a_planned_meeting_says_to_plan_one(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 60)
    update_treatment(row, TreatmentUpdate("not_done", None, "patient_choice"), loaded_lock_version=1,
                     user=coordinator)  # fmt: skip
    client.force_login(coordinator)
    response = client.post(back_url(row), {"meeting": ""})
    assert response.status_code == 422
    assert "No meeting is planned" in response.content.decode()


def test_an_overdue_action_is_marked_done_beside_the_signed_record(client, coordinator, chair, clinician):
    due = timezone.localdate() - timedelta(days=5)
    row = decided(chair, clinician, 30, actions=[{"what": "Book CT", "owner": "Radiology", "due_date": due}])
    action = row.decision.actions.get()
    client.force_login(coordinator)
    assert "Book CT" in client.get(URL).content.decode()
    url = reverse("meetings:action_done", kwargs={"decision_id": row.decision.public_id, "position": 1})
    future = client.post(url, {"done_on": (timezone.localdate() + timedelta(days=1)).isoformat()}, headers=HTMX)
    assert future.status_code == 200 and "future" in future.content.decode()
    assert not ActionProgress.objects.exists()
    response = client.post(url, {"done_on": timezone.localdate().isoformat()}, headers=HTMX)
    assert response.status_code == 200
    assert ActionProgress.objects.get(action=action).recorded_by == coordinator
    assert "Book CT" not in client.get(URL).content.decode()
    twice = client.post(url, {"done_on": timezone.localdate().isoformat()})
    assert twice.status_code == 409
    assert ActionProgress.objects.count() == 1


def test_the_worklist_costs_the_same_queries_for_more_rows(client, coordinator, chair, clinician):
    for days in (60, 70):
        decided(chair, clinician, days)
    client.force_login(coordinator)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for days in (80, 90, 100):
        decided(chair, clinician, days)
    with CaptureQueriesContext(connection) as more:
        client.get(URL)
    assert len(more) == len(few)


def test_a_viewer_may_not_update_a_treatment(client, viewer, chair, clinician):
    row = decided(chair, clinician, 60)
    client.force_login(viewer)
    assert client.get(URL).status_code == 403
    assert client.post(update_url(row), form(row)).status_code == 403
    row.refresh_from_db()
    assert (row.status, row.lock_version) == ("planned", 1)


def test_a_clinician_may_update_but_not_change_an_agenda(client, clinician, chair):
    row = decided(chair, clinician, 60)
    update_treatment(row, TreatmentUpdate("changed", None, "died"), loaded_lock_version=1, user=clinician)
    meeting = make_meeting(chair, MeetingStatus.PLANNED)
    client.force_login(clinician)
    assert "Bring back to the board" not in client.get(URL).content.decode()
    assert client.post(back_url(row), {"meeting": str(meeting.public_id)}).status_code == 403
    assert not Meeting.objects.get(pk=meeting.pk).agenda_items.exists()


def test_a_signed_amendment_keeps_an_action_marked_done(coordinator, chair, clinician):
    due = timezone.localdate() - timedelta(days=5)
    row = decided(chair, clinician, 30, actions=[{"what": "Book CT", "owner": "Radiology", "due_date": due}])
    mark_action_done(row.decision.actions.get(), timezone.localdate(), coordinator)
    draft = services.amend_decision(row.decision, clinician, "Histology came back.")
    amendment = services.sign_decision(draft, chair, draft.lock_version)
    copy = amendment.actions.get()
    assert ActionProgress.objects.get(action=copy).recorded_by == coordinator
    assert not overdue_actions(timezone.localdate()).exists()


def test_the_decision_page_records_a_treatment_before_it_is_overdue(client, coordinator, chair, clinician):
    row = decided(chair, clinician, 3)
    page = reverse("meetings:decision", kwargs={"public_id": row.decision.public_id})
    client.force_login(coordinator)
    html = client.get(page).content.decode()
    assert f'id="treatment-{row.decision.public_id}-{row.code}"' in html
    response = client.post(update_url(row), form(row, happened_on=timezone.localdate().isoformat(), back="decision"))
    assert response.status_code == 303
    assert response["Location"] == page
    row.refresh_from_db()
    assert row.status == "done"


def test_a_viewer_reads_what_became_of_each_treatment_and_its_history(client, viewer, chair, clinician, coordinator):
    row = decided(chair, clinician, 60)
    update_treatment(row, TreatmentUpdate("not_done", None, "patient_choice", "Declined."), loaded_lock_version=1,
                     user=coordinator)  # fmt: skip
    client.force_login(viewer)
    html = client.get(reverse("meetings:decision", kwargs={"public_id": row.decision.public_id})).content.decode()
    assert f"{row.title}</strong>: not done" in html
    assert "patient choice: Declined." in html
    assert "Changes recorded (1)" in html
    assert "<form" not in html.split('data-testid="decision-treatments"')[1].split("</section>")[0]
