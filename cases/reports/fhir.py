"""A signed decision as a FHIR R4 Bundle (mCODE-aligned): docs/fhir.md has the mapping table and its reasons.

The bundle is built from what was signed, never from today's data: the decision's canonical content (the
JSON its SHA-256 and key signature cover: engine snapshot, outcomes, plan, people and times), its stored,
PAdES-signed PDF, and for what the signed content does not hold (the patient's identity, Ki-67, ECOG, the
primary's site, metastases) the patient's and the case's rows *as they were at signing*, from their history
(django-simple-history). A decision whose content no longer matches its hash, or whose PDF is missing, is not
exported: that is an integrity failure, not something to paper over.

Every resource id is a UUID 5 of the decision's public id and the resource's role, so exporting the same
decision twice gives the same bytes, and a receiving system can update rather than duplicate. The bundle
is a `collection`, not a `document`: see docs/fhir.md.
"""

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle

from cases.meetings.models import Attendance, Decision, DecisionStatus, Meeting, is_departure
from cases.meetings.services import canonical_content, signature_problems
from cases.patients.models import Case, Patient, Site
from cases.reports.models import StoredSummary
from cases.reports.summary import record_name

# Fixed forever: every exported id is derived from it. Changing it would make every receiver duplicate.
ID_NAMESPACE = uuid.UUID("0f4a6c1e-8d3b-5e2a-9c7f-5e1a0d5e0f41")

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD_10 = "http://hl7.org/fhir/sid/icd-10"
ICD_O_3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
UCUM = "http://unitsofmeasure.org"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
RFC_3986 = "urn:ietf:rfc:3986"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition"

# ICD-O-3 topography and WHO ICD-10 of the primary's site. An occult primary has no site to code.
SITE_CODES = {
    Site.DUODENUM: ("C17.0", "Duodenum"),
    Site.JEJUNUM: ("C17.1", "Jejunum"),
    Site.ILEUM: ("C17.2", "Ileum"),
    # ICD-O-3 and ICD-10 code the terminal ileum as ileum (C17.2); the ileocaecal valve would be C18.0.
    Site.TERMINAL_ILEUM: ("C17.2", "Ileum"),
}
# ICD-O-3 morphology (behaviour /3) of the WHO 2019 grade: NET G1 8240/3, NET G2 and G3 8249/3, NEC 8246/3.
MORPHOLOGY = {
    "G1": ("8240/3", "Neuroendocrine tumour, grade 1"),
    "G2": ("8249/3", "Neuroendocrine tumour, grade 2"),
    "G3": ("8249/3", "Neuroendocrine tumour, grade 3"),
    "NEC": ("8246/3", "Neuroendocrine carcinoma"),
}
# LOINC codes of the mCODE TNM profiles: clinical and pathological staging type.
TNM_CODES = {
    "stage": {"c": ("21908-9", "Stage group.clinical Cancer"), "p": ("21902-2", "Stage group.pathology Cancer")},
    "t": {
        "c": ("21905-5", "Primary tumor.clinical [Class] Cancer"),
        "p": ("21899-0", "Primary tumor.pathology [Class] Cancer"),
    },
    "n": {
        "c": ("21906-3", "Regional lymph nodes.clinical [Class] Cancer"),
        "p": ("21900-6", "Regional lymph nodes.pathology [Class] Cancer"),
    },
    "m": {
        "c": ("21907-1", "Distant metastases.clinical [Class] Cancer"),
        "p": ("21901-4", "Distant metastases.pathology [Class] Cancer"),
    },
}
AJCC_8 = {
    "coding": [
        {
            "system": SNOMED,
            "code": "897275008",
            "display": (
                "American Joint Commission on Cancer, Cancer Staging Manual, 8th edition neoplasm staging system"
            ),
        }
    ],
    "text": "AJCC Cancer Staging Manual, 8th edition",
}
TNM_PROFILE = {"t": "primary-tumor", "n": "regional-nodes", "m": "distant-metastases"}
TUMOR_STAGE_FINDING = {"coding": [{"system": SNOMED, "code": "385356007", "display": "Tumor stage finding"}]}
GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


class ExportRefused(Exception):
    """The decision cannot be exported: not signed, or its signed record does not hold. Says which, by UUID."""


def local(kind: str, name: str) -> str:
    """Return the URI of one of the app's own code systems or extensions (KIND: CodeSystem, StructureDefinition)."""
    return f"{settings.FHIR_BASE_URI}/{kind}/{name}"


def resource_id(decision: Decision, role: str) -> str:
    """Return the stable id of the resource playing ROLE (patient, careplan…) in DECISION's bundle."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{decision.public_id}/{role}"))


def instant(value: str | datetime) -> str:
    """Return a FHIR instant in UTC with seconds (the signed content's times are ISO strings in UTC)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def as_at(history, moment: datetime):
    """Return the row of HISTORY (a simple-history queryset of one object) as it was at MOMENT.

    Rows whose history starts after MOMENT (records loaded or migrated later, the demo's back-dated meeting)
    give their earliest recorded state: the closest there is to the moment of signing.
    """
    record = history.filter(history_date__lte=moment).order_by("-history_date", "-history_id").first()
    record = record or history.order_by("history_date", "history_id").first()
    return record.instance if record is not None else None


@dataclass(frozen=True)
class SignedRecord:
    """What a decision's bundle is made of: all of it as at signing."""

    decision: Decision
    content: dict  # the canonical content, parsed
    patient: Patient
    case: Case
    meeting: Meeting
    attendees: list[Attendance]
    pdf: bytes


def signed_record(decision: Decision) -> SignedRecord:
    """Collect what DECISION's bundle is built from; raise ExportRefused unless its signed record holds."""
    if not decision.is_signed:
        raise ExportRefused(f"decision {decision.public_id} is not signed: only a signed outcome is exported")
    problems = signature_problems(decision)
    try:
        stored = StoredSummary.objects.get(decision=decision)
    except StoredSummary.DoesNotExist:
        problems.append("its signed PDF is missing")
        stored = None
    if stored is not None and not stored.matches():
        problems.append("its stored PDF does not match its SHA-256")
    if problems:
        raise ExportRefused(f"decision {decision.public_id}: {'; '.join(problems)} (manage.py verify_records)")
    signed_at = decision.signed_at
    case = decision.agenda_item.case
    meeting = decision.agenda_item.meeting
    return SignedRecord(
        decision=decision,
        content=json.loads(canonical_content(decision)),
        patient=as_at(Patient.history.filter(id=case.patient_id), signed_at) or case.patient,
        case=as_at(Case.history.filter(id=case.pk), signed_at) or case,
        meeting=meeting,
        attendees=list(meeting.attendances.filter(present=True).select_related("user")),
        pdf=bytes(stored.pdf),
    )


# --- the resources ---------------------------------------------------------------------------------------


def reference(decision: Decision, role: str) -> dict:
    return {"reference": f"urn:uuid:{resource_id(decision, role)}"}


def patient_resource(record: SignedRecord) -> dict:
    patient = record.patient
    return {
        "resourceType": "Patient",
        "meta": {"profile": [f"{MCODE}/mcode-cancer-patient"]},
        "identifier": [
            {
                "use": "usual",
                "type": {"coding": [{"system": V2_0203, "code": "MR", "display": "Medical record number"}]},
                "system": settings.FHIR_HOSPITAL_NUMBER_SYSTEM,
                "value": patient.hospital_number,
            }
        ],
        "name": [{"use": "official", "family": patient.family_name, "given": patient.given_name.split()}],
        "gender": GENDER[patient.sex],
        "birthDate": patient.date_of_birth.isoformat(),
    }


def condition_base(record: SignedRecord, profile: str) -> dict:
    return {
        "resourceType": "Condition",
        "meta": {"profile": [f"{MCODE}/{profile}"]},
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": CONDITION_VERIFICATION, "code": "confirmed"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]}],
        "subject": reference(record.decision, "patient"),
        "recordedDate": instant(record.content["signed_at"]),
    }


def primary_condition(record: SignedRecord) -> dict:
    """The primary si-NEN: ICD-10 by site, ICD-O-3 morphology by the signed grade, ICD-O-3 topography as body site."""
    site = record.case.primary_site
    grade = record.content["engine_snapshot"].get("grade")
    codings = []
    if site in SITE_CODES:
        code, name = SITE_CODES[site]
        codings.append({"system": ICD_10, "code": code, "display": f"Malignant neoplasm: {name.lower()}"})
    if grade in MORPHOLOGY:
        code, name = MORPHOLOGY[grade]
        codings.append({"system": ICD_O_3, "code": code, "display": name})
    code = {"text": "Small-intestinal neuroendocrine neoplasm"}
    if codings:  # FHIR allows no empty lists
        code["coding"] = codings
    condition = {**condition_base(record, "mcode-primary-cancer-condition"), "code": code}
    if site in SITE_CODES:
        code, name = SITE_CODES[site]
        coded = {"coding": [{"system": ICD_O_3, "code": code, "display": name}], "text": Site(site).label}
        condition["bodySite"] = [coded]
    elif site == Site.UNKNOWN:
        condition["bodySite"] = [{"text": Site.UNKNOWN.label}]
    return condition


# Secondary sites: WHO ICD-10 "secondary malignant neoplasm of …" and the ICD-O-3 topography of the organ.
SECONDARY = {
    "liver": ("C78.7", "Secondary malignant neoplasm of liver", "C22.0", "Liver"),
    "peritoneum": ("C78.6", "Secondary malignant neoplasm of retroperitoneum and peritoneum", "C48.2", "Peritoneum"),
}


def secondary_conditions(record: SignedRecord) -> list[tuple[str, dict]]:
    """Liver and peritoneal metastases, as recorded at signing (liver lesions counted, peritoneal disease yes)."""
    found = []
    if (record.case.liver_lesions or 0) > 0:
        found.append("liver")
    if record.case.peritoneal:
        found.append("peritoneum")
    conditions = []
    for where in found:
        icd10, name, topography, organ = SECONDARY[where]
        conditions.append(
            (
                f"condition-secondary-{where}",
                {
                    **condition_base(record, "mcode-secondary-cancer-condition"),
                    "code": {"coding": [{"system": ICD_10, "code": icd10, "display": name}], "text": name},
                    "bodySite": [{"coding": [{"system": ICD_O_3, "code": topography, "display": organ}]}],
                },
            )
        )
    return conditions


def staging_type(case: Case) -> str:
    """Return "p" (pathological) when the primary has been resected and examined, else "c" (clinical)."""
    return "p" if case.primary_resected and case.histology_available else "c"


def observation(record: SignedRecord, code: dict, **values) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": code,
        "subject": reference(record.decision, "patient"),
        "effectiveDateTime": instant(record.content["signed_at"]),
        **values,
    }


def local_concept(system: str, value: str) -> dict:
    return {"coding": [{"system": local("CodeSystem", system), "code": value}], "text": value}


def tnm_observations(record: SignedRecord) -> list[tuple[str, dict]]:
    """T, N and M categories and the stage group of the signed engine snapshot (AJCC 8th, Table I of the seed)."""
    snapshot = record.content["engine_snapshot"]
    kind = staging_type(record.case)
    values = {"t": snapshot.get("t"), "n": snapshot.get("n"), "m": snapshot.get("m_category") or snapshot.get("m")}
    observations = []
    for part in ("t", "n", "m"):
        if values[part]:
            code, display = TNM_CODES[part][kind]
            observations.append(
                (
                    f"observation-tnm-{part}",
                    observation(
                        record,
                        {"coding": [{"system": LOINC, "code": code, "display": display}]},
                        meta={"profile": [f"{MCODE}/mcode-tnm-{TNM_PROFILE[part]}-category"]},
                        category=[TUMOR_STAGE_FINDING],
                        focus=[reference(record.decision, "condition-primary")],
                        method=AJCC_8,
                        valueCodeableConcept=local_concept("ajcc8-tnm", f"{kind}{values[part]}"),
                    ),
                )
            )
    if snapshot.get("stage"):
        code, display = TNM_CODES["stage"][kind]
        members = [reference(record.decision, name) for name, _ in observations]
        stage = observation(
            record,
            {"coding": [{"system": LOINC, "code": code, "display": display}]},
            meta={"profile": [f"{MCODE}/mcode-tnm-stage-group"]},
            category=[TUMOR_STAGE_FINDING],
            focus=[reference(record.decision, "condition-primary")],
            method=AJCC_8,
            valueCodeableConcept=local_concept("ajcc8-stage-group", snapshot["stage"]),
        )
        if members:
            stage["hasMember"] = members
        observations.append(("observation-tnm-stage", stage))
    return observations


def finding_observations(record: SignedRecord) -> list[tuple[str, dict]]:
    """Grade (WHO 2019, from the signed snapshot), Ki-67 and ECOG (as recorded at signing)."""
    snapshot, case = record.content["engine_snapshot"], record.case
    found = []
    if snapshot.get("grade"):
        found.append(
            (
                "observation-grade",
                observation(
                    record,
                    {"coding": [{"system": local("CodeSystem", "observation"), "code": "who-2019-grade"}],
                     "text": "Histologic grade (WHO 2019 classification of neuroendocrine neoplasms)"},
                    category=[{"coding": [{"system": OBSERVATION_CATEGORY, "code": "laboratory"}]}],
                    focus=[reference(record.decision, "condition-primary")],
                    valueCodeableConcept=local_concept("who-2019-grade", snapshot["grade"]),
                ),
            )
        )  # fmt: skip
    if case.ki67_percent is not None:
        ki67 = observation(
            record,
            {"coding": [{"system": local("CodeSystem", "observation"), "code": "ki67-index"}],
             "text": "Ki-67 proliferation index"},
            category=[{"coding": [{"system": OBSERVATION_CATEGORY, "code": "laboratory"}]}],
            focus=[reference(record.decision, "condition-primary")],
            valueQuantity={"value": Decimal(case.ki67_percent), "unit": "%", "system": UCUM, "code": "%"},
        )  # fmt: skip
        if case.histology_date:
            ki67["effectiveDateTime"] = case.histology_date.isoformat()
        if case.ki67_specimen:
            ki67["note"] = [{"text": f"Specimen: {case.get_ki67_specimen_display()}"}]
        found.append(("observation-ki67", ki67))
    if case.ecog is not None:
        ecog = observation(
            record,
            {"coding": [{"system": LOINC, "code": "89247-1", "display": "ECOG Performance Status score"}]},
            meta={"profile": [f"{MCODE}/mcode-ecog-performance-status"]},
            category=[{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
            valueInteger=case.ecog,
        )
        if case.assessed_on:
            ecog["effectiveDateTime"] = case.assessed_on.isoformat()
        found.append(("observation-ecog", ecog))
    return found


def extension(name: str, **value) -> dict:
    return {"url": local("StructureDefinition", name), **value}


def signature_extensions(record: SignedRecord) -> list[dict]:
    """The record's SHA-256s and the key's signature, as the decision keeps them (docs/security.md)."""
    decision = record.decision
    found = [
        extension("content-sha256", valueString=decision.content_sha256),
        extension("pdf-sha256", valueString=decision.pdf_sha256),
    ]
    if decision.signature:
        found += [
            extension("signature", valueBase64Binary=decision.signature),
            extension("signing-certificate-sha256", valueString=decision.signing_key),
            extension("chain-position", valueInteger=decision.chain_position),
        ]
    return found


def care_plan(record: SignedRecord, condition_roles: list[str]) -> dict:
    """The board's decision: one activity per option with the engine's verdict, the board's choice and reason."""
    content, decision = record.content, record.decision
    activities = []
    for outcome in content["outcomes"]:
        verdict, chosen, reason = outcome["engine_verdict"], outcome["outcome"], outcome.get("reason", "")
        extensions = [
            extension("engine-verdict", valueCode=verdict),
            extension("board-outcome", valueCode=chosen),
            extension("departure", valueBoolean=is_departure(verdict, chosen)),
        ]
        if reason:
            extensions.append(extension("departure-reason", valueString=reason))
        description = f"Engine: {verdict.replace('_', ' ')}; board: {chosen}"
        if reason:
            description += f". Reason: {reason}"
        activities.append(
            {
                "extension": extensions,
                "detail": {
                    "code": {
                        "coding": [{"system": local("CodeSystem", "mdt-option"), "code": outcome["code"]}],
                        "text": outcome["title"],
                    },
                    "status": "not-started",
                    "doNotPerform": chosen == "reject",
                    "description": description,
                },
            }
        )
    meeting = record.meeting
    plan = {
        "resourceType": "CarePlan",
        "identifier": [{"system": local("NamingSystem", "mdt-decision"), "value": f"{decision.public_id}"}],
        "status": "active",
        "intent": "plan",
        "title": f"MDT decision, version {content['version']}",
        "description": content["plan"],
        "subject": reference(decision, "patient"),
        "period": {"start": instant(meeting.scheduled_at)},
        "created": instant(content["signed_at"]),
        "author": {"display": decision.signer_name},
        "contributor": [{"display": f"{a.display_name} ({a.get_specialty_display()})"} for a in record.attendees],
        "addresses": [reference(decision, role) for role in condition_roles],
        "supportingInfo": [reference(decision, "documentreference")],
        "activity": activities,
        "extension": [
            extension("meeting", valueIdentifier={"system": RFC_3986, "value": f"urn:uuid:{content['meeting']}"}),
            extension("guideline-version", valueString=content["guideline_version"]),
            extension("signed-by", valueString=decision.signer_name),
            extension("signed-at", valueDateTime=instant(content["signed_at"])),
            *signature_extensions(record),
        ],
        "note": [{"text": f"Follow-up: {a['what']} — {a['owner']}" + (f", by {a['due_date']}" if a["due_date"] else "")}
                 for a in content["actions"]],
    }  # fmt: skip
    if content.get("amends"):
        amended = {"system": local("NamingSystem", "mdt-decision"), "value": content["amends"]}
        plan["replaces"] = [{"identifier": amended}]
        plan["extension"].append(extension("amendment-reason", valueString=content["amendment_reason"]))
    if content["rediscuss"]:
        plan["extension"].append(extension("rediscuss", valueBoolean=True))
    if not plan["note"]:
        del plan["note"]
    if not plan["contributor"]:
        del plan["contributor"]
    return plan


def document_reference(record: SignedRecord) -> dict:
    """The signed, PAdES-signed PDF itself: base64 data, FHIR's base64 SHA-1 hash, our SHA-256s alongside."""
    decision, pdf = record.decision, record.pdf
    document = {
        "resourceType": "DocumentReference",
        "masterIdentifier": {"system": RFC_3986, "value": f"urn:uuid:{resource_id(decision, 'documentreference')}"},
        "identifier": [{"system": local("NamingSystem", "pdf-sha256"), "value": decision.pdf_sha256}],
        "status": "current",
        "docStatus": "final",
        "type": {"text": "MDT outcome summary (signed)"},
        "subject": reference(decision, "patient"),
        "date": instant(record.content["signed_at"]),
        "authenticator": {"display": decision.signer_name},
        "description": f"MDT summary of decision {decision.public_id}, signed (PDF/A-3u, PAdES)",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(pdf).decode("ascii"),
                    "size": len(pdf),
                    "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),  # noqa: S324 (FHIR R4 says SHA-1)
                    "title": f"mdt-summary-decision-{decision.public_id}.pdf",
                    "creation": instant(record.content["signed_at"]),
                }
            }
        ],
        "context": {"related": [reference(decision, "careplan")]},
        "extension": [*signature_extensions(record), extension("attached-record", valueString=record_name(decision))],
    }
    if record.content.get("amends"):
        amended = Decision(public_id=uuid.UUID(record.content["amends"]))
        document["relatesTo"] = [{"code": "replaces", "target": reference(amended, "documentreference")}]
    return document


def provenance(record: SignedRecord, targets: list[str]) -> dict:
    """Who signed, when, with what signature; who recorded the decision."""
    decision, content = record.decision, record.content
    signature = {
        "type": [{"system": SIGNATURE_TYPE, "code": "1.2.840.10065.1.12.1.1", "display": "Author's Signature"}],
        "when": instant(content["signed_at"]),
        "who": {"display": decision.signer_name},
        "targetFormat": "application/json",
    }
    if decision.signature:
        signature["data"] = decision.signature
    return {
        "resourceType": "Provenance",
        "target": [reference(decision, role) for role in targets],
        "recorded": instant(content["signed_at"]),
        "reason": [{"text": "Sign-off of the MDT decision by the chair"}],
        "agent": [
            {
                "type": {"coding": [{"system": PROVENANCE_PARTICIPANT, "code": "attester", "display": "Attester"}]},
                "who": {"display": decision.signer_name},
            },
            {
                "type": {"coding": [{"system": PROVENANCE_PARTICIPANT, "code": "author", "display": "Author"}]},
                "who": {"display": decision.author_name},
            },
        ],
        "signature": [signature],
        "extension": signature_extensions(record),
    }


# --- the bundle ------------------------------------------------------------------------------------------


def decision_entries(decision: Decision) -> list[dict]:
    """Return the bundle entries of one signed DECISION (raises ExportRefused); each resource has its stable id."""
    record = signed_record(decision)
    resources: list[tuple[str, dict]] = [("patient", patient_resource(record))]
    resources.append(("condition-primary", primary_condition(record)))
    secondary = secondary_conditions(record)
    resources += secondary
    resources += tnm_observations(record)
    resources += finding_observations(record)
    resources.append(("careplan", care_plan(record, ["condition-primary", *(name for name, _ in secondary)])))
    resources.append(("documentreference", document_reference(record)))
    resources.append(("provenance", provenance(record, [name for name, _ in resources if name != "patient"])))
    entries = []
    for role, resource in resources:
        identifier = resource_id(decision, role)
        entries.append({"fullUrl": f"urn:uuid:{identifier}", "resource": {**resource, "id": identifier}})
    return entries


def bundle_for(decisions: list[Decision], bundle_key: str) -> dict:
    """Return the validated FHIR R4 collection Bundle (JSON-ready) of DECISIONS; BUNDLE_KEY names it stably."""
    entries = [entry for decision in decisions for entry in decision_entries(decision)]
    latest = max((d.signed_at for d in decisions), default=None)
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(ID_NAMESPACE, bundle_key)),
        "identifier": {"system": RFC_3986, "value": f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, bundle_key)}"},
        "type": "collection",
        "entry": entries,
    }
    if latest is not None:
        # The time of the newest signature, not of the export: the same record gives the same bundle.
        bundle["timestamp"] = instant(latest)
    return validated(bundle)


def validated(bundle: dict) -> dict:
    """Return BUNDLE as the R4B models serialise it, after they validated every resource in it (pydantic raises)."""
    return json.loads(Bundle.model_validate(bundle).model_dump_json(exclude_none=True))


def decision_bundle(decision: Decision) -> dict:
    return bundle_for([decision], f"decision/{decision.public_id}")


def meeting_bundle(meeting: Meeting) -> dict:
    """All signed decisions of MEETING (every signed version: amendments replace, the originals stay)."""
    decisions = list(
        Decision.objects.filter(agenda_item__meeting=meeting, status=DecisionStatus.SIGNED)
        .select_related("agenda_item__meeting", "agenda_item__case__patient", "author", "signed_by", "amends")
        .order_by("agenda_item__position", "version")
    )
    return bundle_for(decisions, f"meeting/{meeting.public_id}")


def to_json(bundle: dict) -> bytes:
    """Serialise BUNDLE as the file offered for download: UTF-8, sorted keys, so equal bundles are equal bytes."""
    return json.dumps(bundle, ensure_ascii=False, sort_keys=True, indent=1, default=_json_default).encode()


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
