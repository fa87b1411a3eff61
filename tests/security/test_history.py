"""Every clinical model keeps its history: who changed what, and when (django-simple-history).

Changes made through the app's pages carry the signed-in user (HistoryRequestMiddleware); the history
tables are separate tables, so a signed decision's immutability triggers do not stand in their way.
"""

import pytest
from django.urls import reverse

from cases.meetings import services
from cases.meetings.models import AgendaItem, Attendance, Decision, FollowUpAction, Meeting
from cases.patients.models import Case, Patient
from tests.meetings.factories import add_item, decision_post, make_meeting, record, save_url, signed
from tests.patients.factories import STAGE_IV, make_case, make_patient

pytestmark = pytest.mark.django_db

# The services' bulk writes (QuerySet.update, bulk_create) bypass the signals simple-history listens to,
# so the services use bulk_*_with_history; these tests keep them honest.


@pytest.mark.parametrize("model", [Patient, Case, Meeting, AgendaItem, Attendance, Decision, FollowUpAction])
def test_every_clinical_model_has_a_history(model):
    assert hasattr(model, "history")


def test_registering_and_editing_a_patient_records_who_did_it(client, coordinator):
    client.force_login(coordinator)
    data = {
        "hospital_number": "H-1001",
        "family_name": "Ibsen",
        "given_name": "Nora",
        "date_of_birth": "1961-03-04",
        "sex": "female",
    }
    client.post(reverse("patients:patient_create"), data)
    patient = Patient.objects.get(hospital_number="H-1001")
    client.post(reverse("patients:patient_edit", args=[patient.public_id]), {**data, "given_name": "Norah"})
    created, changed = patient.history.order_by("history_date")
    assert (created.history_type, created.history_user, created.given_name) == ("+", coordinator, "Nora")
    assert (changed.history_type, changed.history_user, changed.given_name) == ("~", coordinator, "Norah")
    assert [c.field for c in changed.diff_against(created).changes] == ["given_name"]


def test_saving_a_step_records_the_findings_and_the_clinician(client, clinician):
    case = make_case(**STAGE_IV)
    client.force_login(clinician)
    url = reverse("pathways:step", kwargs={"public_id": case.public_id, "slug": "presentation"})
    data = {"version": case.version, "symptomatic": "true", "carcinoid_syndrome": "true", "ecog": "1"}
    data |= {"emergency_presentation": "false", "family_history": "false", "major_comorbidity": "false"}
    assert client.post(url, data).status_code == 303
    latest = case.history.latest()
    assert latest.history_user == clinician
    assert (latest.symptomatic, latest.ecog) == (True, 1)
    changed = {c.field for c in latest.diff_against(latest.prev_record).changes}
    assert {"symptomatic", "ecog", "version", "step_versions"} <= changed


def test_a_decision_keeps_its_draft_and_signed_versions_in_its_history(chair, clinician):
    item = add_item(make_meeting(chair))
    decision = signed(item, clinician, chair)
    history = list(Decision.history.filter(id=decision.pk).order_by("history_date"))
    assert [h.status for h in history] == ["draft", "signed"]
    assert history[-1].content_sha256 == decision.content_sha256


def test_attendance_changes_and_removals_are_recorded(client, coordinator, chair):
    meeting = make_meeting(chair)
    attendance = Attendance.objects.create(meeting=meeting, name="Dr Guest", specialty="radiology")
    client.force_login(coordinator)
    ids = [meeting.public_id, attendance.public_id]
    client.post(reverse("meetings:attendance_update", args=ids), {"present": "no"})
    client.post(reverse("meetings:attendance_remove", args=ids))
    kinds = list(Attendance.history.filter(id=attendance.pk).order_by("history_date").values_list("history_type"))
    assert kinds == [("+",), ("~",), ("-",)]
    assert Attendance.history.filter(id=attendance.pk, history_type="-").get().history_user == coordinator


def test_recording_a_decision_through_the_page_names_the_author_in_the_history(client, chair, clinician):
    item = add_item(make_meeting(chair))
    client.force_login(clinician)
    assert client.post(save_url(item), decision_post(item)).status_code == 303
    assert Decision.history.get(agenda_item_id=item.pk).history_user == clinician


def test_follow_up_actions_are_recorded_when_a_decision_is_saved(chair, clinician):
    decision = record(add_item(make_meeting(chair)), clinician)
    assert FollowUpAction.history.filter(decision_id=decision.pk).count() == decision.actions.count() == 1


def test_moving_an_agenda_item_is_recorded(chair):
    meeting = make_meeting(chair)
    first, second = add_item(meeting), add_item(meeting)
    services.move_item(second, "up")
    assert AgendaItem.history.filter(id=second.pk).latest().position == 1
    assert AgendaItem.history.filter(id=first.pk).latest().position == 2


def test_the_case_status_set_at_sign_off_is_recorded(chair, clinician):
    item = add_item(make_meeting(chair), make_case(make_patient(), **STAGE_IV))
    signed(item, clinician, chair)
    assert item.case.history.latest().status == "discussed"
