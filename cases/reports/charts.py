"""Bar charts as inline SVG, rendered on the server: no JavaScript, no outside file, the same markup on the
dashboard and in the audit report PDF (WeasyPrint draws inline SVG).

Every bar carries its value as text and every chart a <title> and <desc> for screen readers; the page shows the
same figures in a table as well. Series differ in lightness (dark blue, light amber, mid grey) and the second
series is hatched, so that a grey printout still tells them apart. Labels are escaped as they go in: an option's
title comes from the engine, a cause's label from the code, but nothing typed reaches a chart unescaped.
"""

from dataclasses import dataclass
from itertools import count

from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe

# Colours with a contrast of at least 3:1 against white for the bars, text in near-black (WCAG 1.4.11).
DARK, LIGHT, MID = "#1f4e79", "#c98a1b", "#6c757d"
TEXT = "#212529"
_ids = count(1)


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    hatched: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[int, ...]  # one per series
    note: str = ""  # text after the bar, e.g. "50% departed"


ROW, GAP, LABEL_WIDTH, WIDTH = 22, 8, 230, 720


def _fill(series: Series, pattern_id: str) -> str:
    return f"url(#{pattern_id})" if series.hatched else series.colour


def stacked_bars(title: str, description: str, series: list[Series], bars: list[Bar], unit: str = "") -> SafeString:
    """Return an SVG of horizontal stacked BARS (one row each), scaled to the largest total, with a legend.

    Built as plain strings: every text that is not our own number or constant is escaped once, here, before it
    goes in (a format_html per element cost a quarter of the dashboard's time with 68 meetings a quarter).
    """
    uid = f"chart{next(_ids)}"
    pattern_id = f"{uid}-hatch"
    top = 28
    height = top + max(len(bars), 1) * (ROW + GAP) + 26
    plot = WIDTH - LABEL_WIDTH - 130  # room for the total and a note after the longest bar
    largest = max((sum(bar.values) for bar in bars), default=0) or 1
    unit = escape(unit)
    # Per series, once: its fill, its stroke and its escaped name.
    drawn = [(_fill(s, pattern_id), escape(s.colour), escape(s.name)) for s in series]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="{uid}-title {uid}-desc" font-family="sans-serif" '
        f'font-size="12"><title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}'
        "</desc>",
        f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" '
        f'fill="{escape(next((s.colour for s in series if s.hatched), LIGHT))}"/><line x1="0" y1="0" x2="0" y2="6" '
        'stroke="#ffffff" stroke-width="2"/></pattern></defs>',
    ]
    x = 0
    for s, (fill, stroke, name) in zip(series, drawn, strict=True):  # the legend, on the first line
        parts.append(
            f'<rect x="{LABEL_WIDTH + x}" y="4" width="14" height="14" fill="{escape(fill)}" stroke="{stroke}"/>'
            f'<text x="{LABEL_WIDTH + x + 18}" y="16" fill="{TEXT}">{name}</text>'
        )
        x += 26 + 7 * len(s.name)
    if not bars:
        parts.append(f'<text x="0" y="{top + 16}" fill="{TEXT}">No data in this period.</text>')
    for n, bar in enumerate(bars):
        y = top + n * (ROW + GAP)
        label = bar.label if len(bar.label) <= 34 else bar.label[:33] + "…"
        parts.append(f'<text x="0" y="{y + 15}" fill="{TEXT}"><title>{escape(bar.label)}</title>{escape(label)}</text>')
        left = LABEL_WIDTH
        for (fill, stroke, name), value in zip(drawn, bar.values, strict=True):
            width = round(plot * value / largest, 1)
            if value:
                parts.append(
                    f'<rect x="{left}" y="{y}" width="{width}" height="{ROW}" fill="{escape(fill)}" stroke="{stroke}">'
                    f"<title>{name}: {value}{unit}</title></rect>"
                )
                if width >= 24:  # the value inside its segment, on a white label so it reads on any fill
                    parts.append(
                        f'<rect x="{left + width / 2 - 11}" y="{y + 4}" width="22" height="14" fill="#ffffff" '
                        f'opacity="0.85"/><text x="{left + width / 2}" y="{y + 15}" fill="{TEXT}" '
                        f'text-anchor="middle">{value}</text>'
                    )
            left += width
        note = f"  {bar.note}" if bar.note else ""
        parts.append(f'<text x="{left + 6}" y="{y + 15}" fill="{TEXT}">{sum(bar.values)}{unit}{escape(note)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (numbers and constants, and every text escaped above)


def per_option(concordance: list[dict]) -> SafeString:
    """Concordance per option: the board matched the engine (dark) or departed from it (hatched)."""
    bars = [
        Bar(row["option_title"], (row["matched"], row["departed"]), _share(row["departed"], row["decided"], "departed"))
        for row in concordance
    ]
    return stacked_bars(
        "Concordance with the engine, per option",
        "For each option of the period's signed decisions: how often the board's outcome matched the engine's "
        "verdict and how often it departed.",
        [Series("Matched", DARK), Series("Departed", LIGHT, hatched=True)],
        bars,
    )


def per_meeting(meetings: list) -> SafeString:
    """Cases per meeting: discussed, deferred, not discussed, and the rest (listed without an outcome yet)."""
    bars = []
    for row in meetings:
        c = row.counts
        rest = c["listed"] - c["discussed"] - c["deferred"] - c["not_discussed"]
        bars.append(
            Bar(
                f"{row.meeting.scheduled_at:%d %b %Y}",
                (c["discussed"], c["deferred"], c["not_discussed"], max(rest, 0)),
                "" if row.quorum_met else "quorum not met",
            )
        )
    return stacked_bars(
        "Cases per meeting",
        "For each meeting of the period: cases discussed (signed decision), deferred, not discussed, and open.",
        [
            Series("Discussed", DARK),
            Series("Deferred", LIGHT, hatched=True),
            Series("Not discussed", MID),
            Series("Open", "#adb5bd"),
        ],
        bars,
    )


def intervals(referral, treatment) -> SafeString:
    """The two intervals' medians and 90th percentiles, in days."""
    bars = [
        Bar("Referral → decision, median", (referral.median or 0,), f"n = {referral.count}"),
        Bar("Referral → decision, p90", (referral.p90 or 0,)),
        Bar("Decision → treatment, median", (treatment.median or 0,), f"n = {treatment.count}"),
        Bar("Decision → treatment, p90", (treatment.p90 or 0,)),
    ]
    return stacked_bars(
        "Intervals in days",
        "Median and 90th percentile (nearest rank) of the days from referral to the first board decision and from "
        "the decision to the first treatment done.",
        [Series("Days", DARK)],
        bars,
        unit=" d",
    )


def reasons(causes: list[dict]) -> SafeString:
    """Why decided treatments were not done or changed, by coded reason."""
    bars = [Bar(row["label"], (row["not_done"], row["changed"])) for row in causes]
    return stacked_bars(
        "Reasons not implemented",
        "For the period's decided treatments not done or changed: the reason recorded.",
        [Series("Not done", DARK), Series("Changed", LIGHT, hatched=True)],
        bars,
    )


def _share(part: int, whole: int, what: str) -> str:
    return f"{round(100 * part / whole)}% {what}" if part and whole else ""


def all_charts(figures) -> dict[str, SafeString]:
    """Return the dashboard's charts for FIGURES (cases.reports.kpis.Figures)."""
    return {
        "meetings": per_meeting(figures.meetings),
        "concordance": per_option(figures.concordance),
        "intervals": intervals(figures.referral, figures.treatment),
        "reasons": reasons(figures.causes),
    }
