"""A PDF's streams are compressed at zlib's default level, not pydyf's level 9 (a sixth of a render's time)."""

import io
import zlib

import pypdf
import pytest

from cases.reports.pdf import COMPRESSION_LEVEL, render_pdf

# What this checks is WeasyPrint's own writer: never the stub (tests/conftest.py).
pytestmark = pytest.mark.real_pdf

# Enough varied text that levels 6 and 9 give different streams.
DOCUMENT = "".join(
    f"<p>Finding {n}: Ki-67 {n % 40} %, {n * 7 % 13} liver lesions, seen on day {n * 31 % 365}.</p>" for n in range(150)
)


def page_stream(pdf: bytes) -> tuple[bytes, bytes]:
    """Return the first page's content stream as stored (compressed) and as decoded."""
    contents = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Contents"].get_object()
    return contents._data, contents.get_data()


def test_the_page_streams_are_compressed_at_zlibs_default_level():
    stored, decoded = page_stream(render_pdf(DOCUMENT))
    assert COMPRESSION_LEVEL == 6
    assert zlib.decompress(stored) == decoded
    assert stored == zlib.compress(decoded, COMPRESSION_LEVEL)
    assert stored != zlib.compress(decoded, 9)


def test_the_compressed_record_still_reads_as_text():
    text = pypdf.PdfReader(io.BytesIO(render_pdf(DOCUMENT))).pages[0].extract_text()
    assert "Finding 1: Ki-67 1 %" in text
