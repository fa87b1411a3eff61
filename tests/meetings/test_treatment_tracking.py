"""Implementation tracking: a planned treatment becomes done / not done / changed, with its date and, when not
done or changed, a coded reason; every change is in the history with its author; a stale form overwrites
nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.meetings import services
from cases.meetings.models import DecidedOption, ImplementationStatus
from cases.meetings.tracking import TrackingError, TreatmentConflict, TreatmentUpdate, update_treatment
from tests.meetings.factories import add_item, make_meeting, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(clinician, chair) -> DecidedOption:
    decision = signed(add_item(make_meeting(chair)), clinician, chair)
    return DecidedOption.objects.filter(decision=decision, status=ImplementationStatus.PLANNED).first()


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_it_records_a_done_treatment_with_its_date_and_who_recorded_it(planned, coordinator):
    today = timezone.localdate()
    row = update_treatment(planned, TreatmentUpdate("done", today), loaded_lock_version=1, user=coordinator)
    row.refresh_from_db()
    assert (row.status, row.happened_on, row.lock_version, row.updated_by) == ("done", today, 2, coordinator)
    latest = row.history.first()
    assert (latest.status, latest.history_user) == ("done", coordinator)


def test_it_records_a_treatment_not_done_with_the_coded_reason(planned, coordinator):
    update = TreatmentUpdate("not_done", None, "patient_choice", "Declined surgery at clinic.")
    update_treatment(planned, update, loaded_lock_version=1, user=coordinator)
    planned.refresh_from_db()
    assert (planned.status, planned.cause, planned.cause_text) == (
        "not_done", "patient_choice", "Declined surgery at clinic."
    )  # fmt: skip


@pytest.mark.parametrize("status", ["not_done", "changed"])
def test_it_refuses_not_done_or_changed_without_a_reason(planned, coordinator, status):
    with pytest.raises(ValidationError) as excinfo:
        update_treatment(planned, TreatmentUpdate(status), loaded_lock_version=1, user=coordinator)
    assert "reason" in errors_of(excinfo)["cause"][0]
    planned.refresh_from_db()
    assert (planned.status, planned.lock_version) == ("planned", 1)


def test_it_refuses_other_without_the_details(planned, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        update_treatment(
            planned, TreatmentUpdate("changed", None, "other", "  "), loaded_lock_version=1, user=coordinator
        )
    assert "other" in errors_of(excinfo)["cause_text"][0]
    planned.refresh_from_db()
    assert planned.status == "planned"


@pytest.mark.parametrize("status", ["done", "planned"])
def test_it_refuses_a_reason_for_a_done_or_planned_treatment(planned, coordinator, status):
    with pytest.raises(ValidationError) as excinfo:
        update_treatment(planned, TreatmentUpdate(status, None, "died", ""), loaded_lock_version=1, user=coordinator)
    assert "only recorded when" in errors_of(excinfo)["cause"][0]
    planned.refresh_from_db()
    assert (planned.status, planned.cause) == ("planned", "")


def test_it_refuses_a_date_in_the_future(planned, coordinator):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        update_treatment(planned, TreatmentUpdate("done", tomorrow), loaded_lock_version=1, user=coordinator)
    assert "future" in errors_of(excinfo)["happened_on"][0]
    planned.refresh_from_db()
    assert planned.happened_on is None


def test_it_refuses_a_date_before_the_meeting(planned, coordinator):
    before = planned.meeting_date - timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        update_treatment(planned, TreatmentUpdate("done", before), loaded_lock_version=1, user=coordinator)
    assert "before the meeting" in errors_of(excinfo)["happened_on"][0]


def test_it_refuses_a_date_for_a_treatment_still_planned(planned, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        update_treatment(
            planned, TreatmentUpdate("planned", timezone.localdate()), loaded_lock_version=1, user=coordinator
        )
    assert "has not happened yet" in errors_of(excinfo)["happened_on"][0]


def test_an_unknown_status_names_the_allowed_ones(planned, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        update_treatment(planned, TreatmentUpdate("cancelled"), loaded_lock_version=1, user=coordinator)
    assert '"Not done"' in errors_of(excinfo)["status"][0]


def test_a_stale_form_overwrites_nothing(planned, coordinator, clinician):
    today = timezone.localdate()
    update_treatment(planned, TreatmentUpdate("done", today), loaded_lock_version=1, user=clinician)
    with pytest.raises(TreatmentConflict) as excinfo:
        update_treatment(planned, TreatmentUpdate("not_done", None, "died"), loaded_lock_version=1, user=coordinator)
    assert excinfo.value.current.updated_by == clinician
    planned.refresh_from_db()
    assert (planned.status, planned.lock_version, planned.updated_by) == ("done", 2, clinician)


def test_a_changed_treatment_later_done_drops_the_reason_but_the_history_keeps_it(planned, coordinator):
    update_treatment(planned, TreatmentUpdate("changed", None, "unsuitable", "Adhesions."), loaded_lock_version=1,
                     user=coordinator)  # fmt: skip
    update_treatment(planned, TreatmentUpdate("done", timezone.localdate()), loaded_lock_version=2, user=coordinator)
    planned.refresh_from_db()
    assert (planned.status, planned.cause, planned.cause_text) == ("done", "", "")
    assert [h.status for h in planned.history.order_by("history_id")] == ["planned", "changed", "done"]
    assert planned.history.order_by("history_id")[1].cause_text == "Adhesions."


def test_saving_the_same_values_again_writes_no_new_version(planned, coordinator):
    update_treatment(planned, TreatmentUpdate("done", None), loaded_lock_version=1, user=coordinator)
    update_treatment(planned, TreatmentUpdate("done", None), loaded_lock_version=2, user=coordinator)
    planned.refresh_from_db()
    assert planned.lock_version == 2
    assert planned.history.count() == 2


def test_a_superseded_row_is_not_tracked(planned, clinician, chair, coordinator):
    draft = services.amend_decision(planned.decision, clinician, "Histology came back.")
    services.sign_decision(draft, chair, draft.lock_version)
    with pytest.raises(TrackingError):
        update_treatment(planned, TreatmentUpdate("done", None), loaded_lock_version=1, user=coordinator)
    planned.refresh_from_db()
    assert planned.status == "planned"


def test_a_rejected_option_is_not_tracked(planned, coordinator):
    rejected = DecidedOption.objects.filter(decision=planned.decision, outcome="reject").first()
    with pytest.raises(TrackingError):
        update_treatment(rejected, TreatmentUpdate("done", None), loaded_lock_version=1, user=coordinator)
    rejected.refresh_from_db()
    assert rejected.status == ""


def test_the_meeting_day_itself_is_allowed(planned, coordinator):
    row = update_treatment(
        planned, TreatmentUpdate("done", planned.meeting_date), loaded_lock_version=1, user=coordinator,
        today=planned.meeting_date + timedelta(days=3),
    )  # fmt: skip
    assert row.happened_on == planned.meeting_date
    assert isinstance(row.happened_on, date)
