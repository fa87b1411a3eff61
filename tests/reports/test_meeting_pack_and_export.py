"""The meeting outcome pack, and `manage.py export_pdf` for batch use."""

import io
import re
import uuid

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cases.meetings.models import Attendance
from cases.reports.models import StoredSummary
from cases.specialties import Specialty
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.patients.factories import STAGE_IV, make_case, make_patient
from tests.reports.drafts import draft_pdf

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def meeting(chair, clinician):
    meeting = make_meeting(chair, title="November board")
    for name, specialty in (("Dr Cut", Specialty.SURGERY), ("Dr Scan", Specialty.RADIOLOGY)):
        Attendance.objects.create(meeting=meeting, name=name, specialty=specialty, present=True)
    first = add_item(meeting, make_case(patient=make_patient(family_name="Alpha"), **STAGE_IV))
    second = add_item(meeting, make_case(patient=make_patient(family_name="Bravo"), **STAGE_IV))
    signed(first, clinician, chair, plan="Resect everything.")
    record(second, clinician, plan="Await SSTR PET.")
    return meeting


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.real_pdf
def test_the_pack_has_a_cover_with_attendance_quorum_and_each_case_with_its_outcome_and_start_page(
    client, viewer, meeting
):
    client.force_login(viewer)
    response = draft_pdf(client, reverse("reports:meeting_pack", kwargs={"public_id": meeting.public_id}))
    pages = pages_of(response.content)
    cover = pages[0]
    assert "Meeting outcome pack (DRAFT)" in cover  # one decision is still a draft
    assert "Dr Scan (Radiology); Dr Cut (Surgery)" in cover
    assert "Quorum of core specialties: NOT MET — missing: Medical oncology, Pathology, Nuclear medicine" in cover
    assert "Curative: Resect everything. Signed v1" in cover and "Curative: Await SSTR PET. DRAFT v1" in cover
    alpha = next(n for n, page in enumerate(pages, start=1) if "ALPHA" in page and "MDT outcome record" in page)
    bravo = next(n for n, page in enumerate(pages, start=1) if "BRAVO" in page and "MDT outcome record" in page)
    assert alpha < bravo
    assert re.search(rf"Signed v1 {alpha}\b", cover) and re.search(rf"DRAFT v1 {bravo}\b", cover)
    assert [f"Pack page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1)] == [True] * len(pages)


def test_the_pack_numbers_its_pages_through_and_has_one_bookmark_per_case(chair, clinician, meeting):
    from cases.reports.summary import render_meeting_pack

    add_item(meeting, make_case(patient=make_patient(family_name="Charlie", hospital_number="H3"), **STAGE_IV))
    reader = pypdf.PdfReader(io.BytesIO(render_meeting_pack(meeting)))
    # The test renderer makes one page per document: the cover, then three records.
    assert [page.extract_text().strip() for page in reader.pages] == [f"Pack page {n} of 4" for n in (1, 2, 3, 4)]
    assert [(item.title.split(",")[0], reader.get_destination_page_number(item)) for item in reader.outline] == [
        ("1. ALPHA", 1),
        ("2. BRAVO", 2),
        ("3. CHARLIE", 3),
    ]
    assert reader.outline[2].title.endswith(" · H3")


def test_export_pdf_writes_the_stored_summary_of_a_case(tmp_path, meeting):
    case = meeting.agenda_items.order_by("position").first().case
    target = tmp_path / "summary.pdf"
    call_command("export_pdf", "--case", str(case.public_id), "-o", str(target))
    stored = StoredSummary.objects.get(decision__agenda_item__case=case)
    assert target.read_bytes() == bytes(stored.pdf)


@pytest.mark.real_pdf
def test_export_pdf_writes_a_meeting_pack(tmp_path, meeting):
    target = tmp_path / "pack.pdf"
    call_command("export_pdf", "--meeting", str(meeting.public_id), "-o", str(target))
    assert "November board" in text_of(target.read_bytes())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--case", str(uuid.UUID(int=7))], "no case with public id 00000000-0000-0000-0000-000000000007"),
        (["--meeting", str(uuid.UUID(int=7))], "no meeting with public id"),
        (["--case", "not-a-uuid"], "--case must be a UUID, got 'not-a-uuid'"),
    ],
)
def test_export_pdf_refuses_an_unknown_or_malformed_id_with_status_2(tmp_path, args, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("export_pdf", *args, "-o", str(tmp_path / "x.pdf"))
    assert error.value.returncode == 2
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.real_pdf
def test_a_signed_meetings_pack_is_its_cover_then_each_stored_summary_page_for_page(client, viewer, chair, meeting):
    from cases.meetings import services

    second = meeting.agenda_items.order_by("position").last()
    draft = services.head_decision(second)
    services.sign_decision(draft, chair, draft.lock_version)
    client.force_login(viewer)
    pack = pypdf.PdfReader(
        io.BytesIO(client.get(reverse("reports:meeting_pack", kwargs={"public_id": meeting.public_id})).content)
    )
    stored = [
        pypdf.PdfReader(io.BytesIO(bytes(s.pdf)))
        for s in StoredSummary.objects.order_by("decision__agenda_item__position")
    ]
    stored_pages = [page.extract_text().strip() for reader in stored for page in reader.pages]
    total = len(pack.pages)
    assert total > len(stored_pages)  # the cover comes first
    # Each stored page as signed, with only the pack's page number drawn on top.
    assert [
        page.extract_text().replace(f"Pack page {n} of {total}", "").strip()
        for n, page in enumerate(pack.pages[-len(stored_pages) :], start=total - len(stored_pages) + 1)
    ] == stored_pages


def test_a_signed_pack_fetches_every_stored_summary_in_one_query(chair, clinician, meeting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.meetings import services
    from cases.reports.summary import render_meeting_pack

    second = meeting.agenda_items.order_by("position").last()
    draft = services.head_decision(second)
    services.sign_decision(draft, chair, draft.lock_version)
    with CaptureQueriesContext(connection) as two_cases:
        render_meeting_pack(meeting)
    signed(add_item(meeting, make_case(patient=make_patient(family_name="Charlie"), **STAGE_IV)), clinician, chair)
    with CaptureQueriesContext(connection) as three_cases:
        render_meeting_pack(meeting)
    stored_reads = [q for q in three_cases.captured_queries if 'FROM "reports_storedsummary"' in q["sql"]]
    assert len(stored_reads) == 1
    assert len(three_cases) == len(two_cases)
