"""Several documents rendered side by side: same PDFs, same order, and a dead worker loses nothing."""

import gc
import io
import os
import signal
import time

import pypdf
import pytest

from cases.reports import parallel
from cases.reports.pdf import StaticOnlyFetcher, render_pdf

# What these tests check is WeasyPrint itself and its fetcher: never the stub (tests/conftest.py).
pytestmark = pytest.mark.real_pdf

STYLE = '<link rel="stylesheet" href="/static/css/report.css">'
DOCUMENTS = [f"{STYLE}<h1>Document {n}</h1><p>{f'Text of document {n}. ' * 40}</p>" for n in range(6)]


def first_line(pdf: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()[0]


@pytest.fixture
def two_processes(settings):
    settings.PDF_RENDER_PROCESSES = 2
    yield
    parallel.shutdown()


def test_documents_come_back_rendered_and_in_order_from_the_worker_and_the_requester(two_processes):
    pdfs = parallel.render_pdfs(DOCUMENTS)
    assert [first_line(pdf) for pdf in pdfs] == [f"Document {n}" for n in range(6)]
    # The same pages as rendering each one here (same text on each page, same page count).
    for html, pdf in zip(DOCUMENTS, pdfs, strict=True):
        here = pypdf.PdfReader(io.BytesIO(render_pdf(html)))
        there = pypdf.PdfReader(io.BytesIO(pdf))
        assert [p.extract_text() for p in there.pages] == [p.extract_text() for p in here.pages]


def test_a_worker_that_dies_costs_no_document_and_the_next_pack_starts_a_new_one(two_processes):
    parallel.render_pdfs(DOCUMENTS[:3])  # the worker is up
    pool = parallel._pool
    for pid in list(pool._processes):
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    pdfs = parallel.render_pdfs(DOCUMENTS)
    assert [first_line(pdf) for pdf in pdfs] == [f"Document {n}" for n in range(6)]
    pdfs = parallel.render_pdfs(DOCUMENTS[:2])
    assert parallel._pool is not None and parallel._pool is not pool
    assert [first_line(pdf) for pdf in pdfs] == ["Document 0", "Document 1"]


def test_one_process_renders_everything_here_and_starts_none(settings):
    settings.PDF_RENDER_PROCESSES = 1
    parallel.shutdown()
    pdfs = parallel.render_pdfs(DOCUMENTS[:3])
    assert [first_line(pdf) for pdf in pdfs] == ["Document 0", "Document 1", "Document 2"]
    assert parallel._pool is None


class GcWatchingFetcher(StaticOnlyFetcher):
    """Notes whether the cycle collector was on while the renderer fetched the stylesheet and fonts."""

    def __init__(self) -> None:
        super().__init__()
        self.gc_enabled: list[bool] = []

    def fetch(self, url, headers=None):
        self.gc_enabled.append(gc.isenabled())
        return super().fetch(url, headers)


def test_the_cycle_collector_is_paused_during_a_render_and_back_afterwards():
    assert gc.isenabled()
    fetcher = GcWatchingFetcher()
    render_pdf(DOCUMENTS[0], fetcher)
    assert fetcher.gc_enabled and not any(fetcher.gc_enabled)
    assert gc.isenabled()


def test_the_cycle_collector_is_back_after_a_render_that_fails(monkeypatch):
    class BrokenHTML:
        def __init__(self, **kwargs):
            pass

        def write_pdf(self, **kwargs):
            assert not gc.isenabled()
            raise MemoryError("out of memory half-way")

    monkeypatch.setattr("cases.reports.pdf.HTML", BrokenHTML)
    with pytest.raises(MemoryError):
        render_pdf(DOCUMENTS[0])
    assert gc.isenabled()


SERVER_THAT_DIES = """
import os, sys, django
os.environ["PDF_RENDER_PROCESSES"] = "2"
django.setup()
from cases.reports import parallel
parallel.render_pdfs(["<p>one</p>", "<p>two</p>", "<p>three</p>"])
print(" ".join(str(pid) for pid in parallel._pool._processes), flush=True)
sys.stdin.read()  # wait to be killed
"""


def test_workers_end_when_the_server_that_started_them_is_killed():
    import subprocess
    import sys

    from django.conf import settings as django_settings

    server = subprocess.Popen(
        [sys.executable, "-c", SERVER_THAT_DIES],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sinen_mdt.settings"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    workers = [int(pid) for pid in server.stdout.readline().split()]
    assert workers
    server.kill()  # no exit handlers run
    server.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie has ended; only its exit status is left
    except FileNotFoundError:
        return False
