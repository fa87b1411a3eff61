"""The board's figures (issue 20): the dashboard at /reports/, its CSV, its audit report PDF, and the cases
behind a figure.

Chairs, clinicians and auditors see the figures (Action.VIEW_BOARD_FIGURES); only those who may also see
patient data (chairs and clinicians) get links from a figure to its cases. The figures, the CSV and the PDF
carry no patient data: counts, option codes and titles, meeting dates. The period comes from the query string
(a quarter like 2026-Q3 or a year); anything else is answered with a message, never a guess.
"""

import csv
import io
from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.access import Action, can, require
from cases.downloads import attachment, csv_cell
from cases.meetings.models import DecidedOption, Meeting
from cases.pagination import PageForm, keyset_page
from cases.pathways.guideline_versions import active_quorum
from cases.reports import kpis
from cases.reports.charts import all_charts
from cases.reports.forms import BoardCasesForm, BoardPeriodForm
from cases.reports.pdf import render_pdf

CASES_PAGE = 50
CASES_ORDER = ["meeting__scheduled_at", "pk"]


def period_figures(view):
    """Let VIEW answer with the figures of the period the query string asks for (GET only, VIEW_BOARD_FIGURES);
    a period that does not parse gets the dashboard with its error and no figures (400)."""

    @wraps(view)
    @require_GET
    def wrapper(request):
        require(request.user, Action.VIEW_BOARD_FIGURES)
        today = timezone.localdate()
        form = BoardPeriodForm(request.GET, today=today)
        if not form.is_valid():
            return render(request, "reports/dashboard/board.html", {"form": form}, status=400)
        return view(request, form, kpis.board_figures(form.cleaned_data["period"], active_quorum(), today))

    return wrapper


@period_figures
def board(request, form: BoardPeriodForm, figures: kpis.Figures):
    """The board's figures for a period (this quarter by default), per meeting, with charts."""
    context = {
        "form": form,
        "figures": figures,
        "charts": all_charts(figures),
        "board_links": can(request.user, Action.VIEW_PATIENT_DATA),
    }
    return render(request, "reports/dashboard/board.html", context)


@period_figures
def board_csv(request, form: BoardPeriodForm, figures: kpis.Figures):
    """The period's figures as CSV, one figure a line (cells a spreadsheet would run as formulas are defused)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in figure_rows(figures):
        writer.writerow([csv_cell(value) for value in row])
    return attachment(out.getvalue().encode(), f"board-figures-{figures.period.key}.csv", "text/csv; charset=utf-8")


@period_figures
def board_pdf(request, form: BoardPeriodForm, figures: kpis.Figures):
    """The period's audit report: the dashboard's figures and charts as a PDF (rendered in the request: three
    pages of tables and four SVG charts take about a second, docs/kpis.md)."""
    context = {"figures": figures, "charts": all_charts(figures), "generated": timezone.localtime()}
    pdf = render_pdf(render_to_string("reports/dashboard/report.html", context))
    return attachment(pdf, f"board-report-{figures.period.key}.pdf")


@require_GET
def board_cases(request):
    """The cases behind one figure (a case at a meeting per line), keyset-paginated, for those who may see them."""
    require(request.user, Action.VIEW_BOARD_FIGURES)
    require(request.user, Action.VIEW_PATIENT_DATA)
    today = timezone.localdate()
    form = BoardCasesForm(request.GET, today=today)
    meeting = None
    if form.is_valid() and form.cleaned_data["meeting"]:
        meeting = Meeting.objects.filter(public_id=form.cleaned_data["meeting"]).first()
        if meeting is None:
            form.add_error("meeting", "Meeting: there is no meeting with this identifier.")
    if not form.is_valid():
        return render(request, "reports/dashboard/cases.html", {"form": form}, status=400)
    data = form.cleaned_data
    figure, period, code, cause = data["figure"], data["period"], data["code"], data["cause"]
    items = kpis.items_behind(figure, period, today, meeting, code, cause).select_related("case__patient", "meeting")
    page = keyset_page(items, CASES_ORDER, PageForm(request.GET), CASES_PAGE)
    options = {}
    if figure in kpis.OPTION:
        matching = DecidedOption.objects.filter(
            kpis.option_condition(figure, code, cause), decision__agenda_item__in=[item.pk for item in page.object_list]
        ).select_related("decision")
        for option in matching.order_by("code"):
            options.setdefault(option.decision.agenda_item_id, []).append(option)
    for item in page.object_list:
        item.board_options = options.get(item.pk, [])
    filters = {"period": period.key, "figure": figure, "meeting": meeting.public_id if meeting else "", "code": code}
    context = {
        "form": form,
        "page": page,
        "period": period,
        "meeting": meeting,
        "figure_label": kpis.FIGURES[figure][0],
        "code": code,
        "cause": cause,
        "filters": urlencode({k: v for k, v in (filters | {"cause": cause}).items() if v}),
        "is_option_figure": figure in kpis.OPTION,
    }
    return render(request, "reports/dashboard/cases.html", context)


def figure_rows(f: kpis.Figures) -> list[list]:
    """The figures of F as CSV rows: section, meeting date, option, figure, value (docs/kpis.md)."""
    key = f.period.key
    rows: list[list] = [["period", "section", "meeting", "option", "figure", "value"]]
    period = [
        ("meetings", f.meetings_total),
        ("quorum_met", f.quorum_met),
        *((name, f.items[name]) for name in kpis.ITEM),
        ("minutes_per_case_median", _minutes(f.median_seconds)),
        ("minutes_per_case_p90", _minutes(f.p90_seconds)),
        ("referral_to_first_decision_cases", f.referral.count),
        ("referral_to_first_decision_median_days", f.referral.median),
        ("referral_to_first_decision_p90_days", f.referral.p90),
        ("decision_to_treatment_decisions", f.treatment.count),
        ("decision_to_treatment_median_days", f.treatment.median),
        ("decision_to_treatment_p90_days", f.treatment.p90),
        *((f"options_{name}", f.options[name]) for name in kpis.OPTION),
        ("implementation_rate_percent", _percent(f.implementation_rate)),
        ("actions_overdue", f.overdue),
    ]
    rows += [[key, "period", "", "", name, value] for name, value in period]
    for m in f.meetings:
        day = f"{timezone.localtime(m.meeting.scheduled_at):%Y-%m-%d %H:%M}"
        rows += [[key, "meeting", day, "", name, m.counts[name]] for name in kpis.COUNTED]
        rows.append([key, "meeting", day, "", "quorum_met", "yes" if m.quorum_met else "no"])
        rows.append([key, "meeting", day, "", "minutes_per_case_median", _minutes(m.median_seconds)])
    for c in f.concordance:
        names = ("decided", "matched", "departed", "accept", "modify", "reject", "done", "not_done", "changed")
        rows += [[key, "concordance", "", c["code"], name, c[name]] for name in names]
    for d in f.departures:
        name = f"departures {d['engine_verdict']} -> {d['outcome']} (guideline {d['guideline_version']})"
        rows.append([key, "departures", "", d["code"], name, d["n"]])
    for c in f.causes:
        rows.append([key, "reasons_not_implemented", "", "", f"{c['cause'] or 'not_given'} not_done", c["not_done"]])
        rows.append([key, "reasons_not_implemented", "", "", f"{c['cause'] or 'not_given'} changed", c["changed"]])
    return rows


def _minutes(seconds: int | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.1f}"


def _percent(share) -> str:
    return "" if share is None else f"{100 * share:.1f}"
