"""Turn report HTML into PDF with WeasyPrint, fetching nothing but the app's own static files.

Everything a user typed is escaped by the templates, but defence in depth matters for a medical
record: the renderer's URL fetcher answers only for our static files (CSS, fonts, images) and for
`data:` URIs. Any other URL — http(s), ftp, other `file:` paths, anything a crafted `<img>`, `<link>`
or CSS `url()` might name — is refused without a single byte leaving the process, and recorded so
tests (and logs) can see what was attempted. There is no network access, hence no redirects.
"""

import gc
import logging
import mimetypes
import ssl
import threading
import zlib
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import DataHandler, Request

import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# A host that cannot exist (RFC 2606 .invalid): relative URLs in the HTML resolve against it, and
# the fetcher maps its /static/ paths to files on disk without any network involved.
BASE_URL = "https://sinen-mdt.invalid/"
PDF_VARIANT = "pdf/a-3u"
# URLFetcher builds an HTTPS handler; given no context it loads the system CA store on every render
# (~20 ms). We never make an HTTPS request, so one bare context, made once, is all it needs.
_NEVER_USED_TLS_CONTEXT = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


# zlib's default level. pydyf (WeasyPrint's PDF writer) compresses every stream at level 9, with no option to
# choose: for the text of a record that took a sixth of the CPU time of a render (bench/pdf.py) to make the
# file 2 % smaller than level 6 does. The level is zlib's; the PDF is the same in every other respect.
COMPRESSION_LEVEL = 6


class _PdfZlib:
    """zlib as pydyf sees it: every compressor at COMPRESSION_LEVEL, whatever level pydyf asks for."""

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args, **kwargs):
        return zlib.compressobj(COMPRESSION_LEVEL, *args, **kwargs)


# pydyf looks its compressor up on its module's `zlib` at each stream (tests/reports/test_pdf_compression.py
# fails if a pydyf release stops doing so).
pydyf.zlib = _PdfZlib()


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher for our static files and data: URIs only."""

    def __init__(self) -> None:
        super().__init__(
            allowed_protocols={"https", "data"}, allow_redirects=False, ssl_context=_NEVER_USED_TLS_CONTEXT
        )
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # Decoded in-process by urllib's DataHandler: no I/O.
            response = DataHandler().data_open(Request(url))  # noqa: S310 (scheme checked: data: only)
            return URLFetcherResponse(url, response.read(), {"Content-Type": response.headers["Content-Type"]})
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning("PDF renderer refused to fetch %s", urlsplit(url).scheme + ":…")
            raise ValueError("only the app's own static files may be fetched")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    @staticmethod
    def _static_path(url: str) -> Path | None:
        """Return the file behind an URL of our static files, or None for anything else."""
        parts = urlsplit(url)
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
            return None
        name = unquote(parts.path.removeprefix(prefix))
        if not name or ".." in Path(name).parts:
            return None
        if settings.STORAGES["staticfiles"]["BACKEND"].endswith("ManifestStaticFilesStorage"):
            # Production: {% static %} produced a hashed name that exists under STATIC_ROOT.
            try:
                candidate = Path(staticfiles_storage.path(name))
            except Exception:  # a name outside STATIC_ROOT
                return None
            return candidate if candidate.is_file() else None
        found = finders.find(name)
        return Path(found) if found else None


_gc_lock = threading.Lock()
_gc_renders = 0
_gc_was_enabled = True


@contextmanager
def gc_paused():
    """Keep Python's cycle collector out of a render, and give it back afterwards.

    A render allocates some 100,000 short-lived layout objects; the collector runs through them again
    and again while they are alive, which made a case summary about a quarter slower (bench/pdf.py).
    Reference counting still frees almost everything; the few cycles left (a few MB) are collected once
    the collector is back. Counted, so overlapping renders in threads give it back only at the last end.
    """
    global _gc_renders, _gc_was_enabled
    with _gc_lock:
        if _gc_renders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_renders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_renders -= 1
            if _gc_renders == 0 and _gc_was_enabled:
                gc.enable()


REPORT_STYLESHEET = "css/report.css"
_per_thread = threading.local()


def report_stylesheet() -> tuple[CSS, FontConfiguration]:
    """Return this thread's parsed report stylesheet and the font configuration its fonts are loaded into.

    Every report uses the same stylesheet; parsing it and loading its @font-face fonts took about a quarter
    of the render of a two-page record (bench/pdf.py). So each thread does it once: WeasyPrint's font
    configuration wraps fontconfig and Pango objects that are not to be shared between threads. The file is
    read through the same fetcher (static files only); a changed stylesheet is read after a restart, as
    code is.
    """
    cached = getattr(_per_thread, "stylesheet", None)
    if cached is None:
        font_config = FontConfiguration()
        url = urljoin(BASE_URL, staticfiles_storage.url(REPORT_STYLESHEET))
        cached = (CSS(url=url, url_fetcher=StaticOnlyFetcher(), font_config=font_config), font_config)
        _per_thread.stylesheet = cached
    return cached


def render_pdf(html: str, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """Render HTML (already escaped by the template) to PDF/A-3u bytes, with the report stylesheet."""
    fetcher = fetcher or StaticOnlyFetcher()
    stylesheet, font_config = report_stylesheet()
    with gc_paused():
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
            pdf_variant=PDF_VARIANT, stylesheets=[stylesheet], font_config=font_config
        )
