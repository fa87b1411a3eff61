"""The board's figures (issue 20): activity, readiness, quorum, time per case, intervals, concordance with the
engine, implementation of the decided treatments and overdue follow-up actions, per period and per meeting.

Every figure is counted in the database (aggregates with filters, grouped counts, subqueries): the work grows
with the period's rows, never with the whole table, so the dashboard costs the same at 10,000 and 100,000 cases.
Totals that are sums of groups counted anyway (the period's items over its meetings, its options over a few
hundred groups) are added up in Python rather than counted by another scan of the same rows.
docs/kpis.md defines each figure so that an auditor can recount it; the item-level figures are named in ITEM
and OPTION below, and the drill-down lists the cases behind a figure with the very same condition.

Percentiles use the nearest-rank definition: of n values in ascending order, the p-th percentile is the value at
rank ceil(p * n) (the median is rank ceil(n / 2), p90 rank ceil(0.9 n)); it is always one of the values. The
database numbers the values (ROW_NUMBER() and COUNT() over the set) and picks the one at each rank, in one query
run the same on SQLite and PostgreSQL, so both give the same figure.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from django.db import connections
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone

from cases.meetings import tracking
from cases.meetings.models import (
    AgendaItem,
    Attendance,
    DecidedOption,
    Decision,
    DecisionStatus,
    DepartureCause,
    FollowUpAction,
    ImplementationStatus,
    ItemClosing,
    Meeting,
    MeetingStatus,
    Outcome,
)
from cases.specialties import Specialty

MEDIAN, P90 = Fraction(1, 2), Fraction(9, 10)
# A quarter is 13 weekly meetings; a centre with a daily board has about 90. The per-meeting table stops here.
MAX_MEETINGS = 200


# --- periods ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A quarter (key "2026-Q3") or a calendar year (key "2026") of local dates, END excluded."""

    key: str
    start: date
    end: date

    @property
    def label(self) -> str:
        if "-Q" in self.key:
            year, quarter = self.key.split("-Q")
            return f"Q{quarter} {year} ({self.start:%d %b} to {self.end - timedelta(days=1):%d %b %Y})"
        return f"Year {self.key}"

    @property
    def is_quarter(self) -> bool:
        return "-Q" in self.key

    def bounds(self) -> tuple[datetime, datetime]:
        """Return the period as aware datetimes in the app's time zone (meetings are timed)."""
        return (
            timezone.make_aware(datetime.combine(self.start, time.min)),
            timezone.make_aware(datetime.combine(self.end, time.min)),
        )

    def previous(self) -> "Period":
        if self.is_quarter:
            return quarter_of(self.start - timedelta(days=1))
        return year(self.start.year - 1)

    def next(self) -> "Period":
        return quarter_of(self.end) if self.is_quarter else year(self.start.year + 1)


def quarter(year_number: int, number: int) -> Period:
    start = date(year_number, 3 * number - 2, 1)
    end = date(year_number + 1, 1, 1) if number == 4 else date(year_number, 3 * number + 1, 1)
    return Period(f"{year_number}-Q{number}", start, end)


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def year(year_number: int) -> Period:
    return Period(str(year_number), date(year_number, 1, 1), date(year_number + 1, 1, 1))


# --- what each figure counts -----------------------------------------------------------------------------------


def signed_decision_of_item() -> Exists:
    return Exists(Decision.objects.filter(agenda_item=OuterRef("pk"), status=DecisionStatus.SIGNED))


def first_decided() -> Q:
    """The case's first board decision: signed, and no item of the case at an earlier meeting has one."""
    earlier = AgendaItem.objects.filter(
        case=OuterRef("case"), meeting__scheduled_at__lt=OuterRef("meeting__scheduled_at")
    ).filter(signed_decision_of_item())
    return Q(signed_decision_of_item()) & ~Q(Exists(earlier))


# Agenda items counted by each item figure; the drill-down lists the cases of the same items.
ITEM: dict[str, tuple[str, Q]] = {
    "listed": ("Cases listed", Q()),
    "discussed": ("Discussed (signed decision)", Q(signed_decision_of_item())),  # item_condition: the same
    "deferred": ("Deferred", Q(closing=ItemClosing.DEFERRED)),
    "not_discussed": ("Not discussed", Q(closing=ItemClosing.NOT_DISCUSSED)),
    "ready": ("Work-up complete", Q(workup_complete=True)),
    "not_ready": ("Work-up incomplete", Q(workup_complete=False)),
    "readiness_known": ("Work-up known", Q(workup_complete__isnull=False)),
    "timed": ("Time recorded", Q(discussion_seconds__isnull=False)),
    "first_decision": ("First board decision", first_decided()),
    # Counted from the period's decided options (below, item_condition): a correlated subquery per item would
    # let SQLite walk the worklist index over every treatment ever done.
    "treated": ("Treatment done", Q()),
}
# Option figures: each counts options of current signed decisions; the drill-down lists the cases having one.
OPTION: dict[str, tuple[str, Q]] = {
    "decided": ("Options decided", Q()),
    "matched": ("Board matched the engine", Q(departure=False)),
    "departed": ("Board departed from the engine", Q(departure=True)),
    "planned": ("Treatment planned, status open", Q(status=ImplementationStatus.PLANNED)),
    "done": ("Treatment done", Q(status=ImplementationStatus.DONE)),
    "not_done": ("Treatment not done", Q(status=ImplementationStatus.NOT_DONE)),
    "changed": ("Treatment changed", Q(status=ImplementationStatus.CHANGED)),
}
FIGURES = {**ITEM, **OPTION, "overdue": ("Follow-up actions overdue", Q())}


# --- the querysets ---------------------------------------------------------------------------------------------


def meetings_of(period: Period) -> QuerySet[Meeting]:
    """The meetings held in PERIOD: begun (in progress or closed), by their local date."""
    start, end = period.bounds()
    return Meeting.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end).exclude(status=MeetingStatus.PLANNED)


def items_of(period: Period, meeting: Meeting | None = None) -> QuerySet[AgendaItem]:
    items = AgendaItem.objects.filter(meeting__in=meetings_of(period))
    return items.filter(meeting=meeting) if meeting else items


def options_of(period: Period, meeting: Meeting | None = None) -> QuerySet[DecidedOption]:
    """The options of the current signed decisions taken at meetings of PERIOD (an amendment counts once)."""
    options = DecidedOption.objects.filter(current=True, meeting_date__gte=period.start, meeting_date__lt=period.end)
    return options.filter(meeting=meeting) if meeting else options


def overdue_actions(period: Period, today: date, meeting: Meeting | None = None) -> QuerySet[FollowUpAction]:
    """The follow-up worklist's overdue actions (meetings.tracking: of current signed decisions, due before TODAY
    and not marked done) of the decisions taken at PERIOD's meetings (or at MEETING's).

    Filtered by a join from the actions up to their meeting's date, so that PostgreSQL starts from the period's
    meetings and reads only their actions (15 ms at 100k cases) rather than every action of the registry.
    """
    start, end = period.bounds()
    actions = tracking.overdue_actions(today).filter(
        decision__agenda_item__meeting__scheduled_at__gte=start, decision__agenda_item__meeting__scheduled_at__lt=end
    ).exclude(decision__agenda_item__meeting__status=MeetingStatus.PLANNED)
    return actions.filter(decision__agenda_item__meeting=meeting) if meeting else actions


def item_condition(name: str, period: Period) -> Q:
    """The condition of item figure NAME in PERIOD.

    Those that need another table start from the period's rows (uncorrelated IN subqueries, hashed once): a
    correlated subquery per item made PostgreSQL's estimate large enough to JIT-compile the query (0.3 s)
    and let SQLite walk the worklist index over every treatment ever done.
    """
    if name == "discussed":
        signed = Decision.objects.filter(status=DecisionStatus.SIGNED, agenda_item__meeting__in=meetings_of(period))
        return Q(pk__in=signed.values("agenda_item"))
    if name == "treated":
        done = options_of(period).filter(status=ImplementationStatus.DONE, happened_on__isnull=False)
        return Q(pk__in=done.values("decision__agenda_item"))
    return ITEM[name][1]


# Counted per meeting and for the period in one query each; the first decisions and the treated items are
# counted by their intervals (Interval.count), which count the same items.
COUNTED = [name for name in ITEM if name not in {"first_decision", "treated"}]


def item_aggregates(period: Period) -> dict[str, Count]:
    return {name: Count("pk", filter=item_condition(name, period)) for name in COUNTED}


# --- percentiles (nearest rank) --------------------------------------------------------------------------------


def rank(p: Fraction, n: int) -> int:
    """Return the nearest rank ceil(P * N), 1-based, in integers (no floating point at the edges)."""
    return -(-p.numerator * n // p.denominator)


def percentiles(rows: QuerySet, value: str, ps: tuple[Fraction, ...] = (MEDIAN, P90)) -> tuple[int, list]:
    """Return the count of ROWS and, for each of PS, the integer VALUE at its nearest rank (None if no rows).

    One query: the rows numbered in ascending order of VALUE (ROW_NUMBER() and COUNT() over the whole set, on
    SQLite and PostgreSQL alike), and for each percentile the value whose number is ceil(p * n), computed in
    integer arithmetic as (a * n + b - 1) / b for p = a / b.
    """
    connection = connections[rows.db]
    inner, params = rows.order_by().values(value).query.sql_with_params()
    column = connection.ops.quote_name(value)
    picks = ", ".join(
        f"MAX(CASE WHEN rn = ({p.numerator} * n + {p.denominator - 1}) / {p.denominator} THEN v END)" for p in ps
    )
    sql = (
        f"SELECT COUNT(*), {picks} FROM (SELECT t.{column} AS v, ROW_NUMBER() OVER (ORDER BY t.{column}) AS rn, "  # noqa: S608 (our own SQL: Django's compiled query and integer constants)
        f"COUNT(*) OVER () AS n FROM ({inner}) t) s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        n, *values = cursor.fetchone()
    return n, values


def per_group_median(rows: QuerySet, group: str, value: str) -> dict:
    """Return {group: median of VALUE} in one query, the nearest-rank median of each group (window functions)."""
    ranked = rows.filter(**{f"{value}__isnull": False}).annotate(
        _rank=Window(RowNumber(), partition_by=[F(group)], order_by=[F(value).asc(), F("pk").asc()]),
        _n=Window(Count("pk"), partition_by=[F(group)]),
    )
    # rank ceil(n / 2) = (n + 1) div 2, in integer arithmetic in the database.
    medians = ranked.filter(_rank=(F("_n") + 1) / 2)
    return dict(medians.values_list(group, value))


@dataclass(frozen=True)
class Interval:
    """An interval in days: how many cases, the median and the 90th percentile (None when there are none)."""

    count: int
    median: int | None
    p90: int | None


def _days(n_and_values: tuple[int, list]) -> Interval:
    n, (median, p90) = n_and_values
    return Interval(n, median, p90)


class DaysBetween(Func):
    """Whole days from the date EARLIER to the date LATER, as an integer computed by the database itself
    (Django's date subtraction calls a Python function per row on SQLite)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def referral_to_first_decision(period: Period) -> Interval:
    """Days from referral to the meeting of the case's first board decision, for first decisions in PERIOD."""
    items = (
        items_of(period)
        .filter(first_decided())
        .annotate(
            _days=DaysBetween(
                TruncDate("meeting__scheduled_at", tzinfo=timezone.get_current_timezone()), "case__referral_date"
            )
        )
    )
    return _days(percentiles(items, "_days"))


def decision_to_treatment(period: Period) -> Interval:
    """Days from the meeting to the first treatment done, for the period's current decisions with one done."""
    done = options_of(period).filter(status=ImplementationStatus.DONE, happened_on__isnull=False)
    per_decision = (
        done.values("decision", "meeting_date")
        .annotate(_first=Min("happened_on"))
        .annotate(_days=DaysBetween("_first", "meeting_date"))
    )
    return _days(percentiles(per_decision, "_days"))


# --- the figures of a period -----------------------------------------------------------------------------------


@dataclass
class MeetingRow:
    meeting: Meeting
    counts: dict
    quorum_present: int
    quorum_required: int
    median_seconds: int | None

    @property
    def quorum_met(self) -> bool:
        return self.quorum_present >= self.quorum_required


@dataclass
class Figures:
    period: Period
    today: date
    quorum: tuple[Specialty, ...]
    meetings: list[MeetingRow]
    meetings_total: int
    items: dict
    median_seconds: int | None
    p90_seconds: int | None
    referral: Interval
    treatment: Interval
    options: dict
    concordance: list[dict]
    departures: list[dict]
    causes: list[dict]
    overdue: int
    notes: list[str] = field(default_factory=list)

    @property
    def quorum_met(self) -> int:
        return sum(1 for row in self.meetings if row.quorum_met)

    @property
    def implementation_known(self) -> int:
        return self.options["done"] + self.options["not_done"] + self.options["changed"]

    @property
    def implementation_rate(self) -> Fraction | None:
        known = self.implementation_known
        return Fraction(self.options["done"], known) if known else None

    @property
    def workup_rate(self) -> Fraction | None:
        known = self.items["readiness_known"]
        return Fraction(self.items["ready"], known) if known else None


def quorum_present(meetings: QuerySet[Meeting], required: tuple[Specialty, ...]) -> QuerySet[Meeting]:
    """Annotate MEETINGS with how many of the REQUIRED specialties have a member present (one subquery)."""
    present = (
        Attendance.objects.filter(meeting=OuterRef("pk"), present=True, specialty__in=required)
        .order_by()
        .values("meeting")
        .annotate(n=Count("specialty", distinct=True))
        .values("n")
    )
    return meetings.annotate(_quorum=Coalesce(Subquery(present), Value(0)))


# What tells the period's options apart in the figures: each figure of options is a sum over these groups.
OPTION_GROUP = ("code", "guideline_version", "engine_verdict", "outcome", "departure", "status", "cause")


def option_groups(options: QuerySet[DecidedOption]) -> list[dict]:
    """Count OPTIONS per distinct OPTION_GROUP in one scan (about 200 groups in a quarter of 37,000 options), in
    the order of the departures table (by code, guideline version, verdict, outcome)."""
    return list(
        options.order_by()
        .values(*OPTION_GROUP)
        .annotate(option_title=Max("title"), n=Count("pk"))
        .order_by(*OPTION_GROUP)
    )


def matches(condition: Q, group: dict) -> bool:
    """Whether the options of GROUP meet CONDITION, one of OPTION's: a conjunction of equalities on OPTION_GROUP's
    fields (the drill-down filters with the same Q, so a figure and its cases cannot drift apart)."""
    if condition.connector != Q.AND or condition.negated:
        raise ValueError(f"an option figure's condition must be a conjunction of equalities: {condition}")
    return all(group[name] == value for name, value in condition.children)


def per_option(groups: list[dict]) -> list[dict]:
    """Concordance per option code, in code order: each OPTION figure, and the board's accept / modify / reject."""
    rows: dict[str, dict] = {}
    for group in groups:
        row = rows.get(group["code"])
        if row is None:
            row = rows[group["code"]] = {"code": group["code"], "option_title": group["option_title"]}
            row |= dict.fromkeys([*OPTION, *Outcome.values], 0)
        row["option_title"] = max(row["option_title"], group["option_title"])
        for name, (_, condition) in OPTION.items():
            if matches(condition, group):
                row[name] += group["n"]
        row[group["outcome"]] += group["n"]
    return list(rows.values())


def departed(groups: list[dict]) -> list[dict]:
    """The departures per option, guideline version, verdict the board saw and its outcome (groups' order)."""
    rows: dict[tuple, dict] = {}
    for group in groups:
        if not matches(OPTION["departed"][1], group):
            continue
        key = tuple(group[name] for name in ("code", "engine_verdict", "outcome", "guideline_version"))
        row = rows.get(key)
        if row is None:
            row = rows[key] = dict(zip(("code", "engine_verdict", "outcome", "guideline_version"), key, strict=True))
            row |= {"option_title": group["option_title"], "n": 0}
        row["option_title"] = max(row["option_title"], group["option_title"])
        row["n"] += group["n"]
    return list(rows.values())


NOT_IMPLEMENTED = {ImplementationStatus.NOT_DONE.value: "not_done", ImplementationStatus.CHANGED.value: "changed"}


def reasons(groups: list[dict]) -> list[dict]:
    """Treatments not done or changed per coded reason (blank: none given), the most frequent first."""
    rows: dict[str, dict] = {}
    for group in groups:
        name = NOT_IMPLEMENTED.get(group["status"])
        if name is None:
            continue
        row = rows.setdefault(group["cause"], {"cause": group["cause"], "not_done": 0, "changed": 0, "n": 0})
        row[name] += group["n"]
        row["n"] += group["n"]
    labels = dict(DepartureCause.choices)
    for row in rows.values():
        row["label"] = labels.get(row["cause"], "Not given")
    return sorted(rows.values(), key=lambda row: (-row["n"], row["cause"]))


def board_figures(period: Period, quorum: tuple[Specialty, ...], today: date) -> Figures:
    """Count every figure of PERIOD (quorum: the specialties required; today: for overdue actions)."""
    meetings = list(quorum_present(meetings_of(period), quorum).order_by("scheduled_at", "pk")[:MAX_MEETINGS])
    meetings_total = len(meetings) if len(meetings) < MAX_MEETINGS else meetings_of(period).count()
    items = items_of(period)
    per_meeting = {
        row.pop("meeting"): row for row in items.order_by().values("meeting").annotate(**item_aggregates(period))
    }
    empty = dict.fromkeys(COUNTED, 0)
    medians = per_group_median(items, "meeting", "discussion_seconds")
    rows = [MeetingRow(m, per_meeting.get(m.pk, empty), m._quorum, len(quorum), medians.get(m.pk)) for m in meetings]
    _, (median, p90) = percentiles(items.filter(discussion_seconds__isnull=False), "discussion_seconds")
    groups = option_groups(options_of(period))
    concordance, departures, causes = per_option(groups), departed(groups), reasons(groups)
    referral, treatment = referral_to_first_decision(period), decision_to_treatment(period)
    # The period's item figures are the sums of its meetings' (every meeting of the period is grouped above,
    # also those beyond MAX_MEETINGS): a second scan of the period's items would count the same rows again.
    counts = {name: sum(row[name] for row in per_meeting.values()) for name in COUNTED}
    counts |= {"first_decision": referral.count, "treated": treatment.count}
    return Figures(
        period=period,
        today=today,
        quorum=quorum,
        meetings=rows,
        meetings_total=meetings_total,
        items=counts,
        median_seconds=median,
        p90_seconds=p90,
        referral=referral,
        treatment=treatment,
        options={name: sum(c[name] for c in concordance) for name in OPTION},
        concordance=concordance,
        departures=departures,
        causes=causes,
        overdue=overdue_actions(period, today).count(),
    )


# --- the cases behind a figure ---------------------------------------------------------------------------------


def items_behind(
    figure: str, period: Period, today: date, meeting: Meeting | None = None, code: str = "", cause: str = ""
) -> QuerySet[AgendaItem]:
    """The agenda items (a case at a meeting) behind FIGURE of PERIOD, optionally of one MEETING, one option CODE
    or one CAUSE of a treatment not done or changed; the condition is the one the figure counts with."""
    items = items_of(period, meeting)
    if figure in ITEM:
        return items.filter(item_condition(figure, period))
    if figure == "overdue":
        overdue = overdue_actions(period, today, meeting).filter(decision__agenda_item=OuterRef("pk"))
        return items.filter(Exists(overdue))
    options = options_of(period, meeting).filter(option_condition(figure, code, cause))
    return items.filter(pk__in=options.values("decision__agenda_item"))


def option_condition(figure: str, code: str = "", cause: str = "") -> Q:
    """The current options counted by option FIGURE, of one option CODE or one CAUSE when given."""
    condition = OPTION[figure][1] & Q(current=True)
    if code:
        condition &= Q(code=code)
    if cause:
        condition &= Q(cause=cause, status__in=[ImplementationStatus.NOT_DONE, ImplementationStatus.CHANGED])
    return condition
