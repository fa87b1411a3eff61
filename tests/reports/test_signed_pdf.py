"""The stored PDF of a signed decision is a PAdES-signed PDF/A-3u that carries its canonical JSON, and an
auditor verifies it with only the certificate: poppler's pdfsig, and pyHanko's command line.

Real WeasyPrint renderings (real_pdf); pdfsig comes with poppler-utils, which `make test` installs.
"""

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from django.core.management import call_command

from cases import integrity
from cases.meetings import services
from cases.reports.signing import attached_record, pades_problems
from cases.reports.summary import record_name, render_case_summary
from tests.meetings.factories import add_item, make_meeting, signed

pytestmark = [pytest.mark.django_db, pytest.mark.real_pdf]

PDFSIG = shutil.which("pdfsig")
needs_pdfsig = pytest.mark.skipif(
    PDFSIG is None, reason="pdfsig (poppler-utils) is not installed: `make test` installs it"
)


@pytest.fixture
def decision(clinician, chair):
    return signed(add_item(make_meeting(chair)), clinician, chair, plan="Resect the primary and both liver metastases.")


@pytest.fixture
def certificate(tmp_path) -> Path:
    """The signing certificate as an auditor gets it: the PEM from the record integrity page."""
    path = tmp_path / "sinen-mdt-signing-certificate.pem"
    path.write_text(integrity.certificate_pem(integrity.signing_identity().certificate))
    return path


def pdfsig(path: Path) -> str:
    return subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=False).stdout


@needs_pdfsig
def test_pdfsig_reports_the_exported_summary_signed_whole_and_valid(decision, tmp_path, chair):
    out = tmp_path / "summary.pdf"
    call_command("export_pdf", "--case", str(decision.agenda_item.case.public_id), "-o", str(out), stdout=io.StringIO())
    assert out.read_bytes() == bytes(decision.stored_summary.pdf)
    report = pdfsig(out)
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Total document signed" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Signer Certificate Common Name: sinen-mdt development signing key" in report


@needs_pdfsig
def test_pdfsig_reports_a_changed_byte(decision, tmp_path):
    pdf = bytearray(decision.stored_summary.pdf)
    index = pdf.index(b"Resect the primary") if b"Resect the primary" in pdf else len(pdf) // 3
    pdf[index] ^= 0x01
    out = tmp_path / "changed.pdf"
    out.write_bytes(bytes(pdf))
    assert "Signature is Valid" not in pdfsig(out)
    assert pades_problems(bytes(pdf))


def test_pyhanko_validates_it_with_only_the_certificate(decision, tmp_path, certificate):
    """The command docs/reports.md gives auditors."""
    out = tmp_path / "summary.pdf"
    out.write_bytes(bytes(decision.stored_summary.pdf))
    cli = Path(sys.executable).with_name("pyhanko")
    result = subprocess.run(
        [str(cli), "sign", "validate", "--trust", str(certificate), "--trust-replace", "--no-revocation-check",
         "--pretty-print", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The signer's certificate is trusted." in result.stdout
    assert "The signature covers the entire file." in result.stdout
    assert "The signature is judged VALID." in result.stdout


def test_signing_appends_to_the_weasyprint_rendering_and_keeps_pdf_a_3u(decision):
    pdf = bytes(decision.stored_summary.pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    # PDF 1.7 based (RSA needs no ISO 32002 extension of PDF 2.0), PDF/A-3u declared, sRGB output intent.
    assert pdf.startswith(b"%PDF-1.7")
    assert "/Version" not in reader.trailer["/Root"]
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert 'pdfaid:conformance="U"' in xmp or "<pdfaid:conformance>U</pdfaid:conformance>" in xmp
    assert reader.trailer["/Root"]["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    # An incremental update: the rendering's end of file, then the signature's revision after it.
    assert pdf.count(b"%%EOF") >= 2
    assert not pades_problems(pdf)


def test_the_pdf_carries_the_decisions_canonical_json_as_an_associated_file(decision):
    pdf = bytes(decision.stored_summary.pdf)
    assert attached_record(pdf, record_name(decision)) == services.canonical_content(decision)
    root = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    spec = root["/AF"][0].get_object()
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/UF"] == record_name(decision)
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application/json"
    assert "/ModDate" in stream["/Params"]
    assert record_name(decision) in pypdf.PdfReader(io.BytesIO(pdf)).attachments


def test_the_signed_pdf_reads_as_signed_not_as_a_draft(decision):
    text = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(bytes(decision.stored_summary.pdf))).pages
    )
    assert "DRAFT" not in text
    assert "Signed by Chair Tester (Chair)" in text
    assert decision.content_sha256 in text.replace("\n", "")


def test_signing_costs_less_than_rendering(decision):
    """A guard for the sign-off figure: PAdES signing is a small part of the work (bench/signoff.py measures)."""
    import time

    from cases.reports.signing import sign_record_pdf

    case = decision.agenda_item.case
    started = time.perf_counter()
    pdf = render_case_summary(case, decision)
    rendering = time.perf_counter() - started
    started = time.perf_counter()
    sign_record_pdf(pdf, record=b"{}", record_name="x.json", description="x", reason="x")
    assert time.perf_counter() - started < rendering
