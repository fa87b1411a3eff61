"""A file handed to the browser to save: never shown inline, never cached."""

from django.http import HttpResponse


def attachment(content: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    """Answer CONTENT as a download named FILENAME (which must carry no patient data: download folders,
    proxy logs)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# A cell that starts with one of these is a formula to a spreadsheet (CSV injection, e.g. a typed
# username "=HYPERLINK(...)"): such cells are prefixed with an apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Return VALUE as a CSV cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text
