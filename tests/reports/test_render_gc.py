"""A render keeps Python's cycle collector out of its way, and gives it back afterwards, also when it fails."""

import gc

import pytest

from cases.reports.pdf import StaticOnlyFetcher, render_pdf

# What these tests check is WeasyPrint itself and its fetcher: never the stub (tests/conftest.py).
pytestmark = pytest.mark.real_pdf

DOCUMENT = '<link rel="stylesheet" href="/static/css/report.css"><h1>Document</h1><p>Some text.</p>'


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
    render_pdf(DOCUMENT, fetcher)
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
        render_pdf(DOCUMENT)
    assert gc.isenabled()
