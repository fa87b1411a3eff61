"""Registering patients from a FHIR Bundle, a single Patient or a CSV file: the dry run, then the import."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from cases.jobs.models import Job, JobStatus
from cases.patients import services
from cases.patients.imports import MAX_BYTES
from cases.patients.models import Patient, PatientImport
from cases.patients.search import patient_matches
from tests.patients.factories import make_patient

pytestmark = pytest.mark.django_db

SYSTEM = "urn:oid:1.2.826.0.1.999"
HEADER = "hospital_number,family_name,given_names,date_of_birth,sex\n"
UPLOAD = reverse("patients:import_upload")


@pytest.fixture(autouse=True)
def _hospital_number_system(settings):
    settings.FHIR_HOSPITAL_NUMBER_SYSTEM = SYSTEM


def csv_file(*lines: str, name: str = "from-pas.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + "".join(f"{line}\n" for line in lines)).encode(), "text/csv")


def fhir_patient(number: str, family: str = "Okafor", given=("Chidi",), birth: str = "1961-04-02", **extra) -> dict:
    resource = {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:other", "value": "X1"}, {"system": SYSTEM, "value": number}],
        "name": [{"use": "official", "family": family, "given": list(given)}],
        "birthDate": birth,
        "gender": "male",
    }
    resource.update(extra)
    return resource


def fhir_file(*resources: dict, name: str = "patients.json") -> SimpleUploadedFile:
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    return SimpleUploadedFile(name, json.dumps(bundle).encode(), "application/fhir+json")


def upload(client, file) -> PatientImport:
    response = client.post(UPLOAD, {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    pending = PatientImport.objects.get()
    assert response["Location"] == pending.get_absolute_url()
    return pending


def confirm(client, pending: PatientImport):
    return client.post(pending.get_absolute_url(), {"confirm": "on"})


def rows_by_number(pending: PatientImport) -> dict:
    return {row["row"]: row for row in pending.rows}


@pytest.fixture
def logged_in(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_dry_run_shows_each_row_and_writes_no_patient(logged_in):
    pending = upload(logged_in, csv_file("h100,Berg,Ingrid Sofie,1950-06-01,F", "H101,Nakamura,Ken,1949-13-01,M"))
    assert Patient.objects.count() == 0
    rows = rows_by_number(pending)
    assert rows["line 2"]["action"] == "create"
    assert rows["line 2"]["hospital_number"] == "H100"  # as the registration form keeps it
    assert rows["line 2"]["given_name"] == "Ingrid Sofie" and rows["line 2"]["sex"] == "female"
    assert rows["line 3"]["action"] == "refuse"
    assert rows["line 3"]["reason"] == "date_of_birth: '1949-13-01' is not a date (YYYY-MM-DD, e.g. 1958-03-21)"
    page = logged_in.get(pending.get_absolute_url())
    assert page.status_code == 200
    assert b"1949-13-01" in page.content and b"line 3" in page.content
    assert b"Nothing has been imported yet" in page.content


def test_no_patient_data_goes_into_the_url(logged_in):
    pending = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F"))
    assert "H100" not in pending.get_absolute_url() and "Berg" not in pending.get_absolute_url()


def test_confirming_imports_the_rows_with_the_file_name_in_their_history(logged_in, coordinator):
    pending = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F", "H101,Nakamura,Ken,1949-11-01,M"))
    response = confirm(logged_in, pending)
    assert response.status_code == 303  # to the job that did it
    assert sorted(Patient.objects.values_list("hospital_number", "family_name", "sex")) == [
        ("H100", "Berg", "female"),
        ("H101", "Nakamura", "male"),
    ]
    history = Patient.history.get(hospital_number="H100")
    assert history.history_change_reason == "Imported from from-pas.csv"
    assert history.history_user == coordinator
    pending.refresh_from_db()
    assert not pending.is_pending
    assert pending.imported_counts == {"create": 2, "update": 0, "unchanged": 0, "refuse": 0}
    assert b"2 created" in logged_in.get(pending.get_absolute_url()).content


def test_imported_patients_are_found_by_the_patient_search(logged_in):
    pending = upload(
        logged_in, csv_file("H100,Müller-Lüdenscheidt,Jürgen,1950-06-01,M", "H101,Nakamura,Ken,1949-11-01,M")
    )
    confirm(logged_in, pending)
    found = Patient.objects.filter(patient_matches("jurgen muller"))
    assert list(found.values_list("hospital_number", flat=True)) == ["H100"]
    assert list(
        Patient.objects.filter(patient_matches("H10"))
        .order_by("hospital_number")
        .values_list("hospital_number", flat=True)
    ) == ["H100", "H101"]


def test_importing_the_same_file_again_changes_nothing(logged_in):
    confirm(logged_in, upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F")))
    PatientImport.objects.all().delete()
    history_rows = Patient.history.count()
    before = list(Patient.objects.values())

    again = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F"))
    assert again.counts == {"create": 0, "update": 0, "unchanged": 1, "refuse": 0}
    confirm(logged_in, again)

    assert list(Patient.objects.values()) == before
    assert Patient.history.count() == history_rows


def test_a_name_or_birth_date_mismatch_on_a_registered_hospital_number_is_refused(logged_in):
    patient = make_patient(
        hospital_number="H100", family_name="Berg", given_name="Ingrid", date_of_birth=date(1950, 6, 1)
    )
    pending = upload(logged_in, csv_file("H100,Bergman,Ingrid,1950-06-01,F", "H200,Ok,Ay,1970-01-01,"))
    row = rows_by_number(pending)["line 2"]
    assert row["action"] == "refuse"
    assert row["reason"].startswith("hospital_number: H100 is registered with another family name; not overwritten")
    confirm(logged_in, pending)
    patient.refresh_from_db()
    assert patient.family_name == "Berg"
    assert Patient.objects.get(hospital_number="H200").sex == "unknown"


def test_a_registered_patient_with_the_same_identity_gets_only_the_sex_updated(logged_in):
    make_patient(
        hospital_number="H100", family_name="Berg", given_name="Ingrid", date_of_birth=date(1950, 6, 1), sex="unknown"
    )
    pending = upload(logged_in, csv_file("H100,BERG,ingrid,1950-06-01,female"))
    assert rows_by_number(pending)["line 2"]["reason"] == "sex: unknown → female"
    confirm(logged_in, pending)
    patient = Patient.objects.get(hospital_number="H100")
    assert (patient.family_name, patient.sex) == ("Berg", "female")
    assert patient.history.first().history_change_reason == "Imported from from-pas.csv"


def test_a_hospital_number_twice_in_one_file_is_refused_the_second_time(logged_in):
    pending = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F", "h100,Berg,Ingrid,1950-06-01,F"))
    assert rows_by_number(pending)["line 3"]["reason"] == "hospital_number: H100 is also in line 2"


def test_rows_are_checked_again_when_the_import_is_confirmed(logged_in):
    pending = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F"))
    make_patient(hospital_number="H100", family_name="Someone", given_name="Else", date_of_birth=date(1980, 1, 1))
    confirm(logged_in, pending)
    pending.refresh_from_db()
    assert pending.imported_counts["refuse"] == 1
    assert Patient.objects.get(hospital_number="H100").family_name == "Someone"


def test_nothing_is_half_imported_when_the_write_fails(logged_in, monkeypatch):
    make_patient(
        hospital_number="H100", family_name="Berg", given_name="Ingrid", date_of_birth=date(1950, 6, 1), sex="unknown"
    )
    pending = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F", "H101,Nakamura,Ken,1949-11-01,M"))

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "bulk_update_with_history", fail)  # after the creates
    response = confirm(logged_in, pending)
    assert Job.objects.get(public_id=response["Location"].split("/")[-2]).status == JobStatus.FAILED
    assert not Patient.objects.filter(hospital_number="H101").exists()
    assert Patient.objects.get(hospital_number="H100").sex == "unknown"
    pending.refresh_from_db()
    assert pending.is_pending


def test_a_fhir_bundle_of_patients_and_a_single_patient_are_imported(logged_in):
    pending = upload(
        logged_in, fhir_file(fhir_patient("N1"), fhir_patient("N2", given=("Ada", "Obi"), gender="female"))
    )
    assert pending.counts["create"] == 2
    confirm(logged_in, pending)
    assert Patient.objects.get(hospital_number="N2").given_name == "Ada Obi"
    PatientImport.objects.all().delete()
    single = SimpleUploadedFile("one.json", json.dumps(fhir_patient("N3")).encode(), "application/json")
    confirm(logged_in, upload(logged_in, single))
    assert Patient.objects.get(hospital_number="N3").date_of_birth == date(1961, 4, 2)


@pytest.mark.parametrize(
    ("resource", "reason"),
    [
        ({"resourceType": "Observation"}, "resourceType: 'Observation' is not imported (only Patient)"),
        (
            fhir_patient("N1", identifier=[{"system": "urn:other", "value": "1"}]),
            f"identifier: none with system {SYSTEM}",
        ),
        (fhir_patient("N1", birth="1950-02-30"), "birthDate: '1950-02-30' is not a date"),
        (fhir_patient("N1", name=[]), "name: missing"),
        (fhir_patient("N1", gender="f"), "gender: 'f' is not one of female, male, other, unknown"),
        (fhir_patient("N1", birth=(timezone.localdate() + timedelta(days=1)).isoformat()), "is in the future"),
    ],
)
def test_a_bad_fhir_entry_is_refused_naming_the_entry_and_the_field(logged_in, resource, reason):
    pending = upload(logged_in, fhir_file(fhir_patient("OK1"), resource))
    row = rows_by_number(pending)["entry 2"]
    assert row["action"] == "refuse"
    assert reason in row["reason"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b'{"resourceType": "Bundle", "entry": [', "bad.json", "The file is not valid JSON: Expecting value at line 1"),
        (b'{"resourceType": "Observation"}', "obs.json", "resourceType is &#x27;Observation&#x27;: only a Bundle"),
        (b"hospital_number,family_name\nH1,Berg\n", "short.csv", "Line 1 (the header) lacks the columns given_names"),
        ("hospital_number;family_name\n".encode("utf-16"), "utf16.csv", "The file is not UTF-8 text"),
        (b"", "empty.csv", "The submitted file is empty."),
    ],
)
def test_an_unreadable_file_is_refused_with_a_message_and_nothing_is_kept(logged_in, content, name, message):
    response = logged_in.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert PatientImport.objects.count() == 0 and Patient.objects.count() == 0


def test_a_file_over_10_mb_is_refused(logged_in):
    row = "H1,Family,Given,1950-01-01,F\n"
    content = (HEADER + row * (MAX_BYTES // len(row) + 1)).encode()
    assert MAX_BYTES < len(content) < MAX_BYTES + 100
    response = logged_in.post(UPLOAD, {"file": SimpleUploadedFile("big.csv", content)})
    assert response.status_code == 422
    assert "The file is 10.0 MB; at most 10 MB is accepted. Split it into smaller files." in response.content.decode()
    assert PatientImport.objects.count() == 0


def test_a_body_far_over_10_mb_is_refused_before_it_is_read(logged_in):
    content = b"x" * (MAX_BYTES + 100 * 1024)
    response = logged_in.post(UPLOAD, {"file": SimpleUploadedFile("huge.csv", content)})
    assert response.status_code == 413
    assert PatientImport.objects.count() == 0


def test_other_pages_keep_the_small_limit(logged_in):
    big = {"family_name": "x" * (2 * 1024 * 1024)}
    assert logged_in.post(reverse("patients:patient_create"), big).status_code == 413


def test_someone_else_cannot_see_or_confirm_an_import(client, logged_in, chair):
    pending = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F"))
    client.force_login(chair)  # may register patients, but did not upload this file
    assert client.get(pending.get_absolute_url()).status_code == 403
    assert confirm(client, pending).status_code == 403
    assert Patient.objects.count() == 0


@pytest.mark.parametrize("role", ["viewer", "clinician", "content_editor"])
def test_roles_that_may_not_register_patients_cannot_upload(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.post(UPLOAD, {"file": csv_file("H100,Berg,Ingrid,1950-06-01,F")}).status_code == 403
    assert PatientImport.objects.count() == 0


def test_an_expired_import_is_gone(logged_in):
    pending = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F"))
    PatientImport.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert logged_in.get(pending.get_absolute_url()).status_code == 404
    assert confirm(logged_in, pending).status_code == 404
    assert Patient.objects.count() == 0


def test_expired_imports_are_deleted_by_the_command_and_by_the_next_upload(logged_in):
    old = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F"))
    PatientImport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("delete_expired_imports", stdout=(out := io.StringIO()))
    assert "deleted 1 expired patient import(s)" in out.getvalue()
    assert not PatientImport.objects.exists()
    old = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F"))
    PatientImport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    logged_in.post(UPLOAD, {"file": csv_file("H101,Nakamura,Ken,1949-11-01,M")})
    assert [pending.rows[0]["hospital_number"] for pending in PatientImport.objects.all()] == ["H101"]


def test_a_confirmation_without_the_box_ticked_imports_nothing(logged_in):
    pending = upload(logged_in, csv_file("H100,Berg,Ingrid,1950-06-01,F"))
    response = logged_in.post(pending.get_absolute_url(), {})
    assert response.status_code == 422
    assert Patient.objects.count() == 0


def test_the_command_prints_the_dry_run_and_imports_without_it(tmp_path, coordinator):
    path = tmp_path / "pas.csv"
    path.write_text(HEADER + "H100,Berg,Ingrid,1950-06-01,F\nH101,,Ken,1949-11-01,M\n")
    out = io.StringIO()
    call_command("import_patients", str(path), "--dry-run", stdout=out)
    assert "1 to create, 0 to update, 0 unchanged, 1 refused" in out.getvalue()
    assert "refused line 3: family_name: missing" in out.getvalue()
    assert Patient.objects.count() == 0

    call_command("import_patients", str(path), "--user", coordinator.username, stdout=io.StringIO())
    assert Patient.history.get(hospital_number="H100").history_user == coordinator
    call_command("import_patients", str(path), stdout=(again := io.StringIO()))
    assert "0 created, 0 updated, 1 unchanged, 1 refused" in again.getvalue()


def test_the_command_refuses_an_unreadable_file_with_status_2(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"resourceType": "Practitioner"}')
    with pytest.raises(CommandError, match="only a Bundle of Patient resources") as error:
        call_command("import_patients", str(path))
    assert error.value.returncode == 2
    assert Patient.objects.count() == 0
