"""`manage.py seed_demo --scale N`: N findable patients with consistent cases and their past meetings, added
once (a second run adds nothing), never in production."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from cases.meetings.models import AgendaItem, Meeting, MeetingStatus
from cases.meetings.scale import PER_DAY, WORK_UP_DAYS
from cases.pathways.services import assess
from cases.patients.models import Case, CaseStatus, Patient, PatientNameWord
from cases.patients.search import patient_matches, search_text

pytestmark = pytest.mark.django_db

N = 600  # 24 referral days: the work-up fortnight and ten days of discussed cases


def scale_rows() -> dict:
    patients = Patient.objects.filter(hospital_number__startswith="SC")
    return {
        "patients": sorted(patients.values_list("hospital_number", "family_name", "given_name", "search_name")),
        "cases": sorted(
            Case.objects.filter(patient__in=patients).values_list("patient__hospital_number", "status", "version")
        ),
        "words": PatientNameWord.objects.filter(patient__in=patients).count(),
        "meetings": sorted(Meeting.objects.values_list("public_id", "status")),
        "items": sorted(AgendaItem.objects.values_list("meeting__public_id", "case__public_id", "position")),
    }


def test_it_creates_n_patients_with_a_case_each_and_the_meetings_that_discussed_them(capsys):
    call_command("seed_demo", scale=N)
    assert "600 patients and 600 cases added" in capsys.readouterr().out
    scale = Case.objects.filter(patient__hospital_number__startswith="SC")
    assert scale.count() == N
    assert Patient.objects.filter(hospital_number__startswith="SC").annotate(n=Count("cases")).filter(n=1).count() == N
    recent = scale.filter(agenda_items__isnull=True)
    assert recent.count() == WORK_UP_DAYS * PER_DAY
    assert set(recent.values_list("status", flat=True)) <= {CaseStatus.DRAFT, CaseStatus.READY}
    discussed = scale.filter(agenda_items__meeting__status=MeetingStatus.CLOSED)
    assert discussed.count() == N - WORK_UP_DAYS * PER_DAY
    assert set(discussed.values_list("status", flat=True)) == {CaseStatus.DISCUSSED}
    seeded = Meeting.objects.annotate(n=Count("agenda_items")).filter(n=PER_DAY, status=MeetingStatus.CLOSED)
    assert seeded.count() == (N - WORK_UP_DAYS * PER_DAY) // PER_DAY


def test_a_second_run_with_the_same_n_adds_nothing_and_a_larger_n_adds_the_rest(capsys):
    call_command("seed_demo", scale=N)
    first = scale_rows()
    capsys.readouterr()
    call_command("seed_demo", scale=N)
    assert "Scale data: 0 patients and 0 cases added, 0 past meetings" in capsys.readouterr().out
    assert scale_rows() == first
    call_command("seed_demo", scale=N + 50)
    assert Patient.objects.filter(hospital_number__startswith="SC").count() == N + 50
    assert set(scale_rows()["patients"]) > set(first["patients"])
    assert set(scale_rows()["items"]) > set(first["items"])


def test_every_scale_case_is_one_the_engine_accepts_and_every_patient_is_findable():
    call_command("seed_demo", scale=N)
    for case in Case.objects.filter(patient__hospital_number__startswith="SC").select_related("patient"):
        assert assess(case).assessment is not None, case.patient.hospital_number
    for patient in Patient.objects.filter(hospital_number__startswith="SC")[:: N // 20]:
        assert patient.search_name == search_text(patient.family_name, patient.given_name)
        by_name = Patient.objects.filter(patient_matches(f"{patient.family_name.upper()}, {patient.given_name}"))
        assert patient in by_name
        assert list(Patient.objects.filter(patient_matches(patient.hospital_number))) == [patient]


def test_it_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuses to run with SINEN_PRODUCTION=true"):
        call_command("seed_demo", scale=N)
    assert not Patient.objects.exists()


@pytest.mark.parametrize("n", [-1, 10_000_000])
def test_an_impossible_n_is_refused_before_anything_is_written(n):
    with pytest.raises(CommandError, match="--scale must be between 1 and 9,999,999"):
        call_command("seed_demo", scale=n)
    assert not Patient.objects.exists()


def test_every_discussed_scale_case_has_its_time_at_the_board_and_its_work_up_state():
    call_command("seed_demo", scale=N)
    items = AgendaItem.objects.filter(case__patient__hospital_number__startswith="SC")
    assert items.exists()
    assert not items.filter(discussion_seconds__isnull=True).exists()
    assert set(items.values_list("discussion_seconds", flat=True)) <= set(range(90, 421))
    assert set(items.values_list("workup_complete", flat=True)) == {True, False}
