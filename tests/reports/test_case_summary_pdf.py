"""The MDT outcome record PDF: what it says (the outcome on page 1), that the signed one is stored once and
served byte for byte, that drafts are marked, and that nothing a user typed can make the renderer fetch anything."""

import io

import pypdf
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.audit.models import AccessAction, AccessLog
from cases.meetings import services
from cases.reports.models import StoredSummary, StoredSummaryError
from cases.reports.pdf import StaticOnlyFetcher
from cases.reports.summary import case_summary_html, render_case_summary
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.patients.factories import STAGE_IV, make_case, make_patient
from tests.reports.drafts import draft_pdf

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def pages_of(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def signed_decision(chair, clinician):
    case = make_case(
        patient=make_patient(family_name="Varga", given_name="Ilona", hospital_number="H900100"), **STAGE_IV
    )
    item = add_item(make_meeting(chair, title="Thursday NET board"), case)
    # As a board would: resection, not also three ablation techniques the engine leaves open.
    choices = {code: ("reject", "") for code in ("rfa", "mwa", "ire")}
    return signed(
        item, clinician, chair, plan="One-stage resection of primary, nodes and liver metastases.", choices=choices
    )


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.real_pdf
def test_page_one_holds_the_outcome_and_the_signature_and_page_two_the_findings(signed_decision):
    pdf = bytes(StoredSummary.objects.get(decision=signed_decision).pdf)
    first, second, *rest = page_texts(pdf)
    for expected in (
        "VARGA, Ilona · H900100",
        "Thursday NET board",
        "Question for the board",
        "Treatment intent: Curative",
        "Plan: One-stage resection of primary, nodes and liver metastases.",
        "Options the board chose",
        "Accept Resection of liver metastases with curative intent",
        "curative-intent resection is the treatment of choice",  # the engine's one-line why
        "Book surgery — Surgery",
        "Quorum of core specialties",
        "Signed by Chair Tester",
        signed_decision.content_sha256,
        "Page 1 of 2",
        "Confidential",
    ):
        assert expected in first, expected
    for expected in ("Findings and assessment", "TNM T3 N2 M1 (M1a)", "Stage IV", "Grade G2", "Missing work-up"):
        assert expected in second, expected
    assert "✕ Not recommended · Liver transplantation" in second  # one line per option not chosen
    assert "Liver transplantation" not in first
    assert not rest
    assert "DRAFT" not in first + second


@pytest.mark.real_pdf
def test_the_patient_is_named_on_every_page(signed_decision):
    reader = pypdf.PdfReader(io.BytesIO(bytes(signed_decision.stored_summary.pdf)))
    assert all("VARGA, Ilona · H900100" in page.extract_text() for page in reader.pages)


def test_the_stored_pdf_matches_its_hash_and_is_served_byte_for_byte(client, viewer, signed_decision):
    stored = StoredSummary.objects.get(decision=signed_decision)
    assert stored.matches()
    assert stored.byte_size == len(bytes(stored.pdf))
    client.force_login(viewer)
    response = client.get(reverse("reports:decision_summary", kwargs={"public_id": signed_decision.public_id}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(stored.pdf)
    case_response = client.get(
        reverse("reports:case_summary", kwargs={"public_id": signed_decision.agenda_item.case.public_id})
    )
    assert case_response.content == bytes(stored.pdf)
    assert StoredSummary.objects.count() == 1  # served, never rendered again


def test_the_download_name_carries_no_patient_data_and_is_not_cached(client, viewer, signed_decision):
    client.force_login(viewer)
    response = client.get(reverse("reports:decision_summary", kwargs={"public_id": signed_decision.public_id}))
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="mdt-summary-decision-{signed_decision.public_id}.pdf"'
    assert "Varga" not in disposition and "H900100" not in disposition
    assert "no-store" in response["Cache-Control"]


def test_a_stored_summary_cannot_be_changed_by_the_model_or_the_database(signed_decision):
    stored = StoredSummary.objects.get(decision=signed_decision)
    with pytest.raises(StoredSummaryError):
        stored.save()
    with pytest.raises(StoredSummaryError):
        stored.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        StoredSummary.objects.filter(pk=stored.pk).update(pdf=b"%PDF-forged")
    stored.refresh_from_db()
    assert stored.matches()


@pytest.mark.real_pdf
def test_an_amendment_gets_its_own_stored_pdf_and_the_original_keeps_its_own(chair, clinician, signed_decision):
    original_pdf = bytes(signed_decision.stored_summary.pdf)
    amendment = services.amend_decision(signed_decision, chair, "Liver resection staged after primary.")
    record(amendment.agenda_item, chair, plan="Primary and nodes first; liver in a second stage.")
    draft = services.head_decision(amendment.agenda_item)
    services.sign_decision(draft, chair, draft.lock_version)
    assert StoredSummary.objects.count() == 2
    signed_decision.refresh_from_db()
    assert bytes(signed_decision.stored_summary.pdf) == original_pdf
    first = page_texts(bytes(StoredSummary.objects.get(decision=draft).pdf))[0]
    assert "Amendment: version 2 replaces version 1 (Chair Tester (Chair)," in first
    assert "What changed and why: Liver resection staged after primary." in first
    assert "Plan: Primary and nodes first; liver in a second stage." in first


@pytest.mark.real_pdf
def test_a_draft_decision_renders_on_demand_marked_draft_and_is_not_stored(client, clinician, chair):
    item = add_item(make_meeting(chair), make_case(**STAGE_IV))
    draft = record(item, clinician, plan="Discuss again with imaging.")
    client.force_login(clinician)
    response = draft_pdf(client, reverse("reports:decision_summary", kwargs={"public_id": draft.public_id}))
    text = text_of(response.content)
    assert "DRAFT" in text
    assert "Not signed." in text
    assert not StoredSummary.objects.exists()


@pytest.mark.real_pdf
def test_a_case_without_a_decision_gets_a_draft_summary_of_its_assessment(client, viewer):
    case = make_case(**STAGE_IV)
    client.force_login(viewer)
    response = draft_pdf(client, reverse("reports:case_summary", kwargs={"public_id": case.public_id}))
    text = " ".join(text_of(response.content).split())
    assert "DRAFT" in text
    assert "No decision has been recorded for this case yet." in text
    assert "TNM T3 N2 M1 (M1a)" in text


@pytest.mark.real_pdf
def test_findings_print_with_their_units_and_each_step_names_what_was_not_recorded(client, viewer):
    case = make_case(**STAGE_IV)
    client.force_login(viewer)
    response = draft_pdf(client, reverse("reports:case_summary", kwargs={"public_id": case.public_id}))
    text = " ".join(text_of(response.content).split())
    assert "Primary tumour size (cm): 2.2 cm" in text
    assert "Carcinoid syndrome: Yes" in text
    assert "Major comorbidity: No" in text
    # STAGE_IV leaves ECOG and NT-proBNP unknown: named once, never as a value of their own.
    assert "ECOG performance status" in text.split("Not recorded:", 1)[1]
    assert "NT-proBNP (pg/mL)" in text
    assert "ECOG performance status:" not in text
    assert "Unknown" not in text


@pytest.mark.real_pdf
def test_the_summary_names_who_was_present_and_who_was_absent(signed_decision):
    from cases.meetings.models import Attendance
    from cases.reports.summary import render_case_summary as render
    from cases.specialties import Specialty

    meeting = signed_decision.agenda_item.meeting
    Attendance.objects.create(meeting=meeting, name="Dr Cut", specialty=Specialty.SURGERY, present=True)
    Attendance.objects.create(meeting=meeting, name="Dr Scan", specialty=Specialty.RADIOLOGY, present=True)
    Attendance.objects.create(meeting=meeting, name="Dr Away", specialty=Specialty.PATHOLOGY, present=False)
    text = " ".join(text_of(render(signed_decision.agenda_item.case, signed_decision)).split())
    assert "Present: Dr Scan (Radiology); Dr Cut (Surgery)" in text  # in the order of the specialties' codes
    assert "Absent: Dr Away (Pathology)" in text


@pytest.mark.parametrize("user_fixture", ["content_editor", "no_role_user"])
def test_users_without_patient_access_get_403_and_nothing_is_logged_as_a_download(
    client, request, user_fixture, signed_decision
):
    client.force_login(request.getfixturevalue(user_fixture))
    for url in (
        reverse("reports:decision_summary", kwargs={"public_id": signed_decision.public_id}),
        reverse("reports:case_summary", kwargs={"public_id": signed_decision.agenda_item.case.public_id}),
        reverse("reports:meeting_pack", kwargs={"public_id": signed_decision.agenda_item.meeting.public_id}),
    ):
        assert client.get(url).status_code == 403
    assert not AccessLog.objects.filter(action=AccessAction.PDF_DOWNLOAD).exists()


def test_every_download_is_logged_with_who_and_what(client, viewer, signed_decision):
    client.force_login(viewer)
    client.get(reverse("reports:decision_summary", kwargs={"public_id": signed_decision.public_id}))
    entry = AccessLog.objects.get(action=AccessAction.PDF_DOWNLOAD)
    assert (entry.user, entry.object_type, entry.object_id) == (viewer, "meetings.decision", signed_decision.public_id)


HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="http://169.254.169.254/latest/meta-data/">',
    "<script>alert(1)</script>",
]


@pytest.mark.real_pdf
@pytest.mark.parametrize("payload", HOSTILE)
def test_free_text_is_escaped_and_nothing_it_names_is_fetched(monkeypatch, clinician, chair, payload):
    fetchers = []
    original = StaticOnlyFetcher.__init__

    def spy(self):
        original(self)
        fetchers.append(self)

    monkeypatch.setattr(StaticOnlyFetcher, "__init__", spy)
    patient = make_patient(family_name=payload[:100], given_name="X")
    case = make_case(patient=patient, question=payload, referring_clinician=payload[:200], **STAGE_IV)
    item = add_item(make_meeting(chair, title=payload[:200]), case)
    draft = record(
        item, clinician, plan=payload, actions=[{"what": payload[:300], "owner": payload[:200], "due_date": None}]
    )
    html = case_summary_html(case, draft)
    assert payload not in html
    assert "&lt;" in html
    pdf = render_case_summary(case, draft)
    assert all(url.startswith("https://sinen-mdt.invalid/static/") for f in fetchers for url in f.served)
    assert all(f.refused == [] for f in fetchers)  # escaped text never becomes a URL to refuse
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).attachments) == 0
    assert b"root:x:0:0" not in pdf


def fonts_of(pdf: bytes) -> set[str]:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    return {str(font.get_object()["/BaseFont"]).split("+", 1)[-1] for font in page["/Resources"]["/Font"].values()}


@pytest.mark.real_pdf
@pytest.mark.parametrize(
    ("family_name", "given_name", "font"),
    [("山田", "美咲", "Noto-Sans-CJK"), ("Ólafsdóttir-Nguyễn", "Zoë Łucja", "Noto-Sans-Bold")],
)
def test_a_name_in_any_script_prints_in_the_text_layer_with_a_font_that_has_it(family_name, given_name, font):
    case = make_case(patient=make_patient(family_name=family_name, given_name=given_name), **STAGE_IV)
    pdf = render_case_summary(case)
    first = page_texts(pdf)[0]
    assert f"{family_name.upper()}, {given_name}" in first
    # Debian's fonts-noto-core and fonts-noto-cjk (`make fonts`): without them the name would print as boxes.
    used = fonts_of(pdf)
    assert any(name.startswith(font) for name in used), f"{font} not in {used}: install fonts-noto-core, fonts-noto-cjk"
