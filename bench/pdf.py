"""Benchmark of the PDF reports (issue 6).

Builds a meeting with 20 stage IV cases and a decision each in a throwaway SQLite database, then prints
the median time (warm) of
  - one case summary,
  - the 20-case outcome pack while the decisions are drafts (every summary rendered), and
  - the same pack once every decision is signed (the stored summaries joined after the cover),
each next to bare WeasyPrint rendering the very same HTML documents in the same run (same fetcher, fonts
and PDF/A-3u variant), so the ratio is our overhead: queries, context, templates and joining.

Bare WeasyPrint renders one document after the other in this process, with Python's cycle collector on.
Ours pauses the collector during a render (cases/reports/pdf.py) and renders a pack's drafts in
PDF_RENDER_PROCESSES processes side by side (cases/reports/parallel.py; the default is the number of
cores, at most 4), so its pack ratio is below 1; the pack is also timed with one process, and its
first call (worker processes starting) is printed.

    .venv/bin/python bench/pdf.py

Budget: case summary ≤ 400 ms warm, 20-case pack ≤ 5 s, overhead ≤ 1.2 times bare WeasyPrint.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='sinen-pdf-bench-')}/bench.sqlite3"
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import override_settings  # noqa: E402
from weasyprint import HTML  # noqa: E402

from bench.board import seed_board  # noqa: E402
from cases.meetings import services  # noqa: E402
from cases.meetings.models import Meeting  # noqa: E402
from cases.reports.pdf import BASE_URL, PDF_VARIANT, StaticOnlyFetcher  # noqa: E402
from cases.reports.summary import (  # noqa: E402
    case_summary_html,
    meeting_pack_cover_html,
    render_case_summary,
    render_meeting_pack,
)


def seed() -> Meeting:
    return seed_board(20)


def bare(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(pdf_variant=PDF_VARIANT)


def compare(label: str, ours, html_of, runs: int) -> tuple[float, float]:
    """Time OURS against bare WeasyPrint rendering each HTML document HTML_OF() returns."""
    ours()  # warm: templates compiled, fonts read once
    documents = html_of()
    for html in documents[:1]:
        bare(html)
    ours_ms, bare_ms = [], []
    for _ in range(runs):
        start = time.perf_counter()
        ours()
        ours_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        for html in documents:
            bare(html)
        bare_ms.append((time.perf_counter() - start) * 1000)
    ours_median, bare_median = statistics.median(ours_ms), statistics.median(bare_ms)
    print(
        f"{label:<22} ours median {ours_median:8.0f} ms   bare WeasyPrint {bare_median:8.0f} ms   "
        f"ratio {ours_median / bare_median:.2f}x   ({runs} runs)"
    )
    return ours_median, ours_median / bare_median


def pack_documents(meeting: Meeting) -> list[str]:
    """The HTML documents a pack consists of: the cover and each case's summary."""
    items = list(meeting.agenda_items.select_related("case__patient").order_by("position"))
    heads = {item.pk: services.head_decision(item) for item in items}
    return [meeting_pack_cover_html(meeting, items, heads)] + [
        case_summary_html(item.case, heads[item.pk]) for item in items
    ]


def main() -> None:
    meeting = seed()
    item = meeting.agenda_items.select_related("case").first()
    decision = services.head_decision(item)
    case = item.case
    print(f"case summary: {len(render_case_summary(case, decision)):,} bytes; meeting pack: 20 cases")
    case_ms, case_ratio = compare(
        "case summary", lambda: render_case_summary(case, decision), lambda: [case_summary_html(case, decision)], 9
    )
    processes = settings.PDF_RENDER_PROCESSES
    started = time.perf_counter()
    render_meeting_pack(meeting)
    print(
        f"20-case pack, drafts, first call (worker processes starting): {time.perf_counter() - started:.1f} s; "
        f"PDF_RENDER_PROCESSES={processes} on {os.cpu_count()} cores"
    )
    draft_ms, draft_ratio = compare(
        "20-case pack, drafts", lambda: render_meeting_pack(meeting), lambda: pack_documents(meeting), 3
    )
    with override_settings(PDF_RENDER_PROCESSES=1):
        compare("  same, one process", lambda: render_meeting_pack(meeting), lambda: pack_documents(meeting), 3)
    chair = meeting.chair
    started = time.perf_counter()
    for agenda_item in meeting.agenda_items.all():
        head = services.head_decision(agenda_item)
        services.sign_decision(head, chair, head.lock_version)
    print(f"signing 20 decisions (each renders and stores its summary): {time.perf_counter() - started:.1f} s")
    signed_ms, _ = compare(
        "20-case pack, signed", lambda: render_meeting_pack(meeting), lambda: pack_documents(meeting), 3
    )
    print(
        "budget: case summary ≤ 400 ms: {}; pack ≤ 5 s: {} (drafts), {} (signed); overhead ≤ 1.2x: {}".format(
            "met" if case_ms <= 400 else "MISSED",
            "met" if draft_ms <= 5000 else "MISSED",
            "met" if signed_ms <= 5000 else "MISSED",
            "met" if max(case_ratio, draft_ratio) <= 1.2 else "MISSED",
        )
    )


if __name__ == "__main__":
    main()
