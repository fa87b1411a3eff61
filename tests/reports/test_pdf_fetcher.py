"""The PDF renderer fetches nothing but the app's own static files and data: URIs."""

import io

import pypdf
import pytest

from cases.reports.pdf import BASE_URL, StaticOnlyFetcher, render_pdf

# What these tests check is WeasyPrint itself and its fetcher: never the stub (tests/conftest.py).
pytestmark = pytest.mark.real_pdf

PNG_1PX = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def render(body: str, head: str = "") -> tuple[bytes, StaticOnlyFetcher]:
    fetcher = StaticOnlyFetcher()
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return render_pdf(html, fetcher), fetcher


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<img src="http://169.254.169.254/latest/meta-data/">',
        '<img src="https://example.com/tracker.png">',
        '<img src="ftp://example.com/x.png">',
        '<img src="/static/../../etc/passwd">',
        '<img src="https://sinen-mdt.invalid/etc/passwd">',
    ],
)
def test_images_from_anywhere_but_our_static_files_are_refused(markup):
    pdf, fetcher = render(markup)
    assert fetcher.served == []
    assert len(fetcher.refused) == 1
    assert pdf.startswith(b"%PDF")


def test_an_attachment_link_to_a_local_file_embeds_nothing():
    pdf, fetcher = render("<p>x</p>", head='<link rel="attachment" href="file:///etc/passwd">')
    assert fetcher.refused == ["file:///etc/passwd"]
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).attachments) == 0
    assert b"root:" not in pdf


def test_stylesheets_and_css_urls_from_outside_are_refused():
    head = (
        '<link rel="stylesheet" href="http://example.com/a.css">'
        "<style>p { background: url(http://example.com/b.png) }</style>"
    )
    _, fetcher = render("<p>x</p>", head=head)
    assert sorted(fetcher.refused) == ["http://example.com/a.css", "http://example.com/b.png"]


def test_our_static_files_and_data_uris_are_served():
    head = (
        "<style>@font-face { font-family: Body; src: url(/static/fonts/DejaVuSans.ttf) }"
        " body { font-family: Body }</style>"
    )
    pdf, fetcher = render(f'<p>Grüße</p><img src="/static/favicon.svg"><img src="{PNG_1PX}">', head=head)
    assert fetcher.served == [f"{BASE_URL}static/fonts/DejaVuSans.ttf", f"{BASE_URL}static/favicon.svg"]
    assert fetcher.refused == []
    assert "Grüße" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_output_declares_pdf_a_3u_for_the_archive():
    pdf, _ = render("<p>Archive me</p>")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="U"' in xmp
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
