"""FHIR R4 export of signed outcomes: `manage.py export_fhir` and the decision page's download (docs/fhir.md)."""

import base64
import hashlib
import io
import json
import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from cases.audit.models import AccessAction, AccessLog
from cases.meetings.demo import PAST_MEETING
from cases.meetings.models import Decision, Meeting
from cases.meetings.services import sign_decision
from cases.patients.models import Case, Patient
from cases.reports.fhir import ID_NAMESPACE, resource_id
from cases.reports.models import StoredSummary
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.patients.factories import STAGE_IV, make_case, make_patient
from tests.reports.tampering import as_owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(chair, clinician):
    meeting = make_meeting(chair)
    patient = make_patient(family_name="Lindqvist", given_name="Anna Maria", hospital_number="MRN-FHIR-1")
    item = add_item(meeting, make_case(patient=patient, ecog=1, histology_date="2026-09-20", **STAGE_IV))
    return signed(item, clinician, chair, plan="Resect the primary and both liver metastases.")


def export(decision: Decision) -> dict:
    out = io.StringIO()
    call_command("export_fhir", "--decision", str(decision.public_id), stdout=out)
    return json.loads(out.getvalue())


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def one(bundle: dict, kind: str, code: str | None = None) -> dict:
    found = [r for r in resources(bundle, kind) if code is None or code in json.dumps(r.get("code"))]
    assert len(found) == 1, f"{len(found)} {kind} resources with {code}"
    return found[0]


def codings(value) -> list[dict]:
    """Every Coding anywhere in VALUE: the items of every "coding" list, and the signatures' types."""
    if isinstance(value, dict):
        own = [c for key in ("coding", "type") if isinstance(value.get(key), list) for c in value[key]]
        return own + [c for v in value.values() for c in codings(v)]
    if isinstance(value, list):
        return [c for v in value for c in codings(v)]
    return []


def value_of(extension: dict):
    return next(v for k, v in extension.items() if k.startswith("value"))


def test_every_resource_of_the_demo_decisions_validates_with_the_r4b_models():
    call_command("seed_demo")
    meeting = Meeting.objects.get(public_id=PAST_MEETING)
    out = io.StringIO()
    call_command("export_fhir", "--meeting", str(meeting.public_id), stdout=out)
    bundle = json.loads(out.getvalue())
    signed_count = Decision.objects.filter(agenda_item__meeting=meeting, status="signed").count()
    assert signed_count >= 4  # three decisions and one amendment (cases.meetings.demo)
    assert len(resources(bundle, "CarePlan")) == signed_count
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        assert model.model_validate(resource).id == resource["id"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    assert {r["resourceType"] for r in (e["resource"] for e in bundle["entry"])} >= {
        "Patient", "Condition", "Observation", "CarePlan", "DocumentReference", "Provenance"
    }  # fmt: skip


def test_the_bundle_round_trips_through_the_models_unchanged(decision):
    bundle = export(decision)
    again = json.loads(Bundle.model_validate(bundle).model_dump_json(exclude_none=True))
    assert again == bundle
    assert bundle["type"] == "collection"


def test_every_code_has_a_system_uri(decision):
    bundle = export(decision)
    found = codings(bundle)
    assert found, "the bundle has codes"
    assert [c for c in found if not str(c.get("system", "")).startswith(("http://", "https://", "urn:"))] == []


def test_the_patient_carries_the_hospital_number_with_the_configured_system(decision, settings):
    settings.FHIR_HOSPITAL_NUMBER_SYSTEM = "urn:oid:1.2.826.0.1.999"
    patient = one(export(decision), "Patient")
    assert patient["identifier"][0]["system"] == "urn:oid:1.2.826.0.1.999"
    assert patient["identifier"][0]["value"] == "MRN-FHIR-1"
    assert patient["name"][0] == {"use": "official", "family": "Lindqvist", "given": ["Anna", "Maria"]}
    assert patient["birthDate"] == "1960-01-01"
    assert patient["gender"] == "female"


def test_the_values_are_those_signed_even_after_the_patient_and_case_change(decision):
    snapshot = decision.engine_snapshot
    case = Case.objects.get(pk=decision.agenda_item.case_id)
    case.ki67_percent, case.ecog, case.peritoneal = Decimal("40"), 3, True
    case.save()
    Patient.objects.filter(pk=case.patient_id).update(family_name="Renamed")  # no history: as a raw update would
    patient = Patient.objects.get(pk=case.patient_id)
    patient.given_name = "Changed"
    patient.save()

    bundle = export(decision)

    assert one(bundle, "Patient")["name"][0]["family"] == "Lindqvist"
    assert one(bundle, "Observation", "ki67-index")["valueQuantity"]["value"] == 5
    assert one(bundle, "Observation", "89247-1")["valueInteger"] == 1
    assert one(bundle, "Observation", "21908-9")["valueCodeableConcept"]["text"] == snapshot["stage"]
    assert one(bundle, "Observation", "21905-5")["valueCodeableConcept"]["text"] == f"c{snapshot['t']}"
    assert one(bundle, "Observation", "who-2019-grade")["valueCodeableConcept"]["text"] == snapshot["grade"] == "G2"
    conditions = resources(bundle, "Condition")
    assert [c["code"]["coding"][0]["code"] for c in conditions[1:]] == ["C78.7"]  # liver only: no peritoneum then


def test_the_primary_is_coded_by_site_and_grade_and_metastases_as_secondary_conditions(decision):
    bundle = export(decision)
    primary = resources(bundle, "Condition")[0]
    assert {(c["system"], c["code"]) for c in primary["code"]["coding"]} == {
        ("http://hl7.org/fhir/sid/icd-10", "C17.2"),
        ("http://terminology.hl7.org/CodeSystem/icd-o-3", "8249/3"),  # NET G2 (Ki-67 5 %)
    }
    assert primary["bodySite"][0]["coding"][0]["code"] == "C17.2"
    assert primary["meta"]["profile"] == [
        "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition"
    ]
    liver = one(bundle, "Condition", "C78.7")
    assert liver["meta"]["profile"][0].endswith("mcode-secondary-cancer-condition")


def test_an_occult_primary_has_no_site_code_and_says_so(chair, clinician):
    occult = {**STAGE_IV, "primary_site": "unknown", "primary_size_cm": None, "primary_invasion": None}
    case = make_case(**occult)
    decision = signed(add_item(make_meeting(chair), case=case), clinician, chair)
    primary = resources(export(decision), "Condition")[0]
    assert [c["system"] for c in primary["code"]["coding"]] == ["http://terminology.hl7.org/CodeSystem/icd-o-3"]
    assert primary["bodySite"] == [{"text": "Not found (occult primary)"}]


def test_the_care_plan_has_one_activity_per_option_with_verdict_choice_and_departure_reason(chair, clinician):
    item = add_item(make_meeting(chair))
    draft = record(item, clinician)
    outcomes = [dict(o) for o in draft.outcomes]
    departed = next(o for o in outcomes if o["engine_verdict"] == "recommended")
    departed.update(outcome="reject", reason="The patient declines surgery.")
    Decision.objects.filter(pk=draft.pk).update(outcomes=outcomes)
    decision = sign_decision(Decision.objects.get(pk=draft.pk), chair, draft.lock_version)
    plan = one(export(decision), "CarePlan")
    assert plan["intent"] == "plan"
    assert len(plan["activity"]) == len(outcomes)
    activity = next(a for a in plan["activity"] if a["detail"]["code"]["coding"][0]["code"] == departed["code"])
    values = {e["url"].rsplit("/", 1)[1]: value_of(e) for e in activity["extension"]}
    assert values == {
        "engine-verdict": "recommended",
        "board-outcome": "reject",
        "departure": True,
        "departure-reason": "The patient declines surgery.",
    }
    assert activity["detail"]["doNotPerform"] is True
    assert plan["description"] == decision.plan


def test_the_document_reference_carries_the_signed_pdf_with_its_hashes(decision):
    document = one(export(decision), "DocumentReference")
    attachment = document["content"][0]["attachment"]
    pdf = base64.b64decode(attachment["data"])
    assert pdf == bytes(StoredSummary.objects.get(decision=decision).pdf)
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()  # noqa: S324
    assert attachment["size"] == len(pdf)
    extensions = {e["url"].rsplit("/", 1)[1]: e for e in document["extension"]}
    assert extensions["content-sha256"]["valueString"] == decision.content_sha256
    assert extensions["pdf-sha256"]["valueString"] == decision.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert extensions["signature"]["valueBase64Binary"] == decision.signature


def test_provenance_names_the_signer_the_time_and_the_signature(decision):
    provenance = one(export(decision), "Provenance")
    assert datetime.fromisoformat(provenance["recorded"]) == decision.signed_at.replace(microsecond=0)
    assert provenance["signature"][0]["data"] == decision.signature
    assert provenance["agent"][0]["type"]["coding"][0]["code"] == "attester"
    assert decision.signer_name.split(" (")[0] in provenance["agent"][0]["who"]["display"]


def test_ids_are_stable_across_exports_and_derived_from_the_decision(decision):
    first, second = export(decision), export(decision)
    assert first == second
    assert one(first, "Patient")["id"] == str(uuid.uuid5(ID_NAMESPACE, f"{decision.public_id}/patient"))
    assert one(first, "CarePlan")["id"] == resource_id(decision, "careplan")


def test_a_draft_is_not_exported(chair, clinician, tmp_path):
    draft = record(add_item(make_meeting(chair)), clinician)
    with pytest.raises(CommandError, match="is a draft") as error:
        call_command("export_fhir", "--decision", str(draft.public_id), "-o", str(tmp_path / "x.json"))
    assert error.value.returncode == 2
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--decision", "nope"], "must be a UUID"), (["--meeting", str(uuid.UUID(int=3))], "no meeting")],
)
def test_an_unknown_or_malformed_id_exits_with_status_2(args, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("export_fhir", *args)
    assert error.value.returncode == 2


def test_a_tampered_decision_is_not_exported(decision, tmp_path):
    as_owner("UPDATE meetings_decision SET plan = %s WHERE id = %s", ["Changed after signing.", decision.pk])
    with pytest.raises(CommandError, match="integrity failure") as error:
        call_command("export_fhir", "--decision", str(decision.public_id), "-o", str(tmp_path / "x.json"))
    assert error.value.returncode == 1
    assert not (tmp_path / "x.json").exists()


def test_export_writes_the_file_named_by_o(decision, tmp_path):
    target = tmp_path / "outcome.json"
    call_command("export_fhir", "--decision", str(decision.public_id), "-o", str(target), stdout=io.StringIO())
    assert json.loads(target.read_bytes()) == export(decision)


def url(decision: Decision) -> str:
    return reverse("reports:decision_fhir", kwargs={"public_id": decision.public_id})


@pytest.mark.parametrize("role", ["coordinator", "clinician", "chair", "viewer"])
def test_readers_download_the_bundle_and_it_is_logged(client, decision, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url(decision))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"] == f'attachment; filename="mdt-decision-{decision.public_id}.fhir.json"'
    assert json.loads(response.content) == export(decision)
    entry = AccessLog.objects.filter(action=AccessAction.PDF_DOWNLOAD, object_id=decision.public_id).get()
    assert entry.detail == "FHIR bundle"


@pytest.mark.parametrize("role", ["content_editor", "no_role_user"])
def test_roles_without_patient_data_get_403_and_nothing_is_exported(client, decision, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url(decision))
    assert response.status_code == 403
    assert not AccessLog.objects.filter(action=AccessAction.PDF_DOWNLOAD).exists()
    assert AccessLog.objects.filter(action=AccessAction.REFUSED).exists()


def test_the_download_of_a_draft_is_404(client, viewer, chair, clinician):
    draft = record(add_item(make_meeting(chair)), clinician)
    client.force_login(viewer)
    assert client.get(url(draft)).status_code == 404


def test_a_tampered_decision_answers_409_with_the_integrity_page(client, viewer, decision):
    as_owner("UPDATE meetings_decision SET plan = %s WHERE id = %s", ["Changed after signing.", decision.pk])
    client.force_login(viewer)
    response = client.get(url(decision))
    assert response.status_code == 409
    assert b"not exported" in response.content


def test_the_signed_decision_page_offers_the_download_to_readers(client, viewer, decision):
    client.force_login(viewer)
    page = client.get(decision.get_absolute_url())
    assert url(decision).encode() in page.content
