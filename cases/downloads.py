"""A file handed to the browser to save: never shown inline, never cached."""

from django.http import HttpResponse


def attachment(content: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    """Answer CONTENT as a download named FILENAME (which must carry no patient data: download folders,
    proxy logs)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
