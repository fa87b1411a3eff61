"""What activating a guideline draft would change: the engine run over every open case twice, counted.

Every case that is not closed is assessed with the version in force (the *baseline*) and with the draft, each
from ``Case.to_facts()``, and the pairs of verdicts are counted per option: a transition matrix (from verdict →
to verdict). T, N, stage and grade transitions are counted the same way. Signed decisions are checked against
both versions by the meetings app (``settings.GUIDELINE_IMPACT_DECISIONS``, see ``decision_departures``), which
owns the rule of what a departure is. The counts hold no case or patient identifier; the cases that change are
handed to ``on_changed`` range by range, for whoever stores them.

Cases are read in ranges of ``RANGE_SIZE`` by primary key (keyset, never OFFSET), each range in one query with
its patient; nothing holds more than one range. With ``processes`` > 1 the ranges are shared out to a pool of
forked worker processes (``concurrent.futures``), each with its own database connection, and only their counts
and changed cases come back: the engine is pure Python, so one process uses one core.
"""

import logging
import multiprocessing
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from itertools import islice

from django.conf import settings
from django.db import connection, connections
from django.utils.module_loading import import_string

from cases.pathways.engine import (
    RECOMMENDATION_CODES,
    Assessment,
    CaseFacts,
    FactsError,
    Guideline,
    Recommendation,
    Verdict,
    assembled,
    derive,
    evaluate,
    facts_from_dict,
    stage_case,
    verdicts_only,
)
from cases.pathways.engine.rules import EVALUATION_ORDER
from cases.patients.models import Case, CaseStatus

logger = logging.getLogger(__name__)

RANGE_SIZE = 1000
VERDICTS = tuple(Verdict)
# A dictionary, not ``.value``: an enum's property is slow and this runs forty times a case.
VERDICT_VALUES = {verdict: verdict.value for verdict in Verdict}
# The staging items compared, in the order they are shown; None (undetermined) is shown as "—".
STAGING = ("t", "n", "stage", "grade")
# The thresholds a draft can change; "version" only names the parameter set.
THRESHOLD_NAMES = frozenset(f.name for f in dataclass_fields(Guideline)) - {"version"}
STAGING_LABELS = {"t": "T category", "n": "N category", "stage": "Stage", "grade": "Grade"}

# verdicts(case pk, facts as dict) -> ({code: verdict} with the baseline, {code: verdict} with the draft), or
# None when the facts cannot be assessed. Handed to the decision counter so that it evaluates facts the same way.
Verdicts = Callable[[int, dict], tuple[Mapping[str, str], Mapping[str, str]] | None]
# One signed decision: (its case's pk, departs with the baseline, departs with the draft); None when the
# facts it was recorded with cannot be assessed.
Departure = tuple[int, bool | None, bool | None]


def open_cases():
    """Return every case the board may still discuss: all but the closed ones."""
    return Case.objects.exclude(status=CaseStatus.CLOSED)


@dataclass
class Tally:
    """Counts of a computation (or of one range of it); ranges are added up with ``add``."""

    options: dict[str, Counter] = field(default_factory=lambda: {code: Counter() for code in RECOMMENDATION_CODES})
    staging: dict[str, Counter] = field(default_factory=lambda: {item: Counter() for item in STAGING})
    assessed: int = 0
    not_assessable: int = 0
    changed: int = 0
    decisions: Counter = field(default_factory=Counter)

    def add(self, other: "Tally") -> None:
        for code, counts in other.options.items():
            self.options.setdefault(code, Counter()).update(counts)
        for item, counts in other.staging.items():
            self.staging[item].update(counts)
        self.assessed += other.assessed
        self.not_assessable += other.not_assessable
        self.changed += other.changed
        self.decisions.update(other.decisions)

    def count_departure(self, before: bool | None, after: bool | None) -> str | None:
        """Count one signed decision; return "new" or "ended" when the draft changes whether it departs."""
        self.decisions["signed"] += 1
        if before is None or after is None:
            self.decisions["not_assessable"] += 1
            return None
        self.decisions["departing_before"] += before
        self.decisions["departing_after"] += after
        if after and not before:
            self.decisions["newly_departing"] += 1
            return "new"
        if before and not after:
            self.decisions["no_longer_departing"] += 1
            return "ended"
        return None

    def to_json(self) -> dict:
        """Return the counts as stored and shown: no case, patient or decision is named."""
        options = []
        for code in RECOMMENDATION_CODES:
            counts = self.options.get(code, Counter())
            matrix = {a.value: {b.value: counts[(a.value, b.value)] for b in VERDICTS} for a in VERDICTS}
            changed = sum(n for (a, b), n in counts.items() if a != b)
            options.append({"code": code, "matrix": matrix, "changed": changed})
        staging = {}
        for item in STAGING:
            transitions = [
                {"from": a, "to": b, "count": n}
                for (a, b), n in sorted(self.staging[item].items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1])))
                if a != b
            ]
            staging[item] = {"changed": sum(t["count"] for t in transitions), "transitions": transitions}
        decision_keys = (
            "signed",
            "not_assessable",
            "departing_before",
            "departing_after",
            "newly_departing",
            "no_longer_departing",
        )
        return {
            "cases": {
                "open": self.assessed + self.not_assessable,
                "assessed": self.assessed,
                "not_assessable": self.not_assessable,
                "changed": self.changed,
            },
            "options": options,
            "staging": staging,
            "signed_decisions": {key: self.decisions[key] for key in decision_keys},
        }


@dataclass(frozen=True)
class RangeResult:
    """What one range of cases gave: its counts, how many cases it read, and the cases that change."""

    tally: Tally
    cases_read: int
    changed: list[tuple[int, dict]]  # (case pk, {"options": [...], "staging": [...], "departure": ...})


def decision_departures() -> Callable[[Sequence[Case], Verdicts], list[Departure]]:
    """Return the meetings app's counter of signed decisions (named in settings: it sits above pathways)."""
    return import_string(settings.GUIDELINE_IMPACT_DECISIONS)


def assess_range(
    after_pk: int | None, up_to_pk: int | None, baseline: Guideline, draft: Guideline, today: date
) -> RangeResult:
    """Assess the open cases with AFTER_PK < pk ≤ UP_TO_PK (open-ended when None) under both guidelines.

    Only verdicts and staging are counted and kept, so the engine does not word its reasons here.
    """
    with verdicts_only():
        return _assess_range(after_pk, up_to_pk, baseline, draft, today)


def _assess_range(
    after_pk: int | None, up_to_pk: int | None, baseline: Guideline, draft: Guideline, today: date
) -> RangeResult:
    cases = open_cases().select_related("patient").order_by("pk")
    if after_pk is not None:
        cases = cases.filter(pk__gt=after_pk)
    if up_to_pk is not None:
        cases = cases.filter(pk__lte=up_to_pk)
    chunk = list(cases)
    both = Both(baseline, draft)
    tally = Tally()
    # Each case's facts and verdicts, for its signed decisions: most were recorded with the facts it has now.
    assessed: dict[int, tuple[dict, tuple[dict, dict] | None]] = {}
    changed: dict[int, dict] = {}
    for case in chunk:
        facts = case.to_facts(today)
        try:
            parsed = facts_from_dict(facts)
        except FactsError:
            # Only possible for rows changed outside the app's forms: counted, never guessed.
            assessed[case.pk] = (facts, None)
            tally.not_assessable += 1
            continue
        before, after, staged = _evaluated(parsed, both, staging=True)
        assessed[case.pk] = (facts, (before, after))
        tally.assessed += 1
        option_changes = []
        for code, verdict in before.items():
            tally.options[code][(verdict, after[code])] += 1
            if verdict != after[code]:
                option_changes.append([code, verdict, after[code]])
        staging_changes = []
        for item, (old, new) in staged.items():
            tally.staging[item][(old, new)] += 1
            if old != new:
                staging_changes.append([item, old, new])
        if option_changes or staging_changes:
            tally.changed += 1
            changed[case.pk] = {"options": option_changes, "staging": staging_changes, "departure": None}

    def verdicts(case_pk: int, facts: dict) -> tuple[dict, dict] | None:
        """Return the verdicts for FACTS of the case CASE_PK: the case's own when they are its facts now."""
        current = assessed.get(case_pk)
        if current is not None and current[0] == facts:
            return current[1]
        try:
            parsed = facts_from_dict(facts)
        except FactsError:
            return None
        return _evaluated(parsed, both)

    for case_pk, departs_before, departs_after in decision_departures()(chunk, verdicts):
        departure = tally.count_departure(departs_before, departs_after)
        if departure is not None:
            changed.setdefault(case_pk, {"options": [], "staging": [], "departure": None})["departure"] = departure
    return RangeResult(tally, len(chunk), sorted(changed.items()))


class _ReadingGuideline(Guideline):
    """A guideline that notes which thresholds the engine reads (in ``read``, cleared by its user)."""

    __slots__ = ("read",)

    def __getattribute__(self, name: str):
        if name in THRESHOLD_NAMES:
            object.__getattribute__(self, "read").add(name)
        return object.__getattribute__(self, name)


class _ReadingResults(Mapping):
    """The results of the rules evaluated so far (``earlier``), noting which ones a rule reads (in ``read``).

    Reading an option by its code notes that code; going through them all (iterating, counting) notes them all.
    """

    __slots__ = ("read", "results")

    def __init__(self) -> None:
        self.results: dict[str, Recommendation] = {}
        self.read: set[str] = set()

    def __getitem__(self, code: str) -> Recommendation:
        self.read.add(code)
        return self.results[code]

    def __iter__(self) -> Iterator[str]:
        self.read.update(self.results)
        return iter(self.results)

    def __len__(self) -> int:
        self.read.update(self.results)
        return len(self.results)


class Both:
    """Evaluate facts under the baseline and the draft, the draft only where it can make a difference.

    The engine is a pure function of the facts and of the thresholds it reads, and so is each of its steps:
    the staging, and each rule of ``EVALUATION_ORDER``, which also reads the results of earlier rules. The
    baseline is evaluated step by step through a guideline that notes the thresholds each step reads, and
    results that note the earlier results each rule reads. With the draft, a step that read no threshold the
    draft changes, and no earlier result that came out differently, takes the same path and gives the same
    result: that result is reused and only the other steps run again (a case that reads no changed threshold
    at all is not evaluated again). When the draft changes the staging, the case is evaluated with the draft
    from the start. The version's name is not compared: it only labels the assessment.
    """

    def __init__(self, baseline: Guideline, draft: Guideline) -> None:
        values = {f.name: getattr(baseline, f.name) for f in dataclass_fields(Guideline)}
        self.baseline = _ReadingGuideline(**values)
        object.__setattr__(self.baseline, "read", set())
        self.draft = draft
        self.differing = frozenset(name for name in THRESHOLD_NAMES if values[name] != getattr(draft, name))
        self.draft_evaluations = 0

    def __call__(self, facts: CaseFacts) -> tuple[Assessment, Assessment]:
        """Return FACTS' assessments (with the baseline, with the draft)."""
        facts = derive(facts)
        read = object.__getattribute__(self.baseline, "read")
        read.clear()
        staging = stage_case(facts, self.baseline)
        staging_changes = not read.isdisjoint(self.differing)
        results = _ReadingResults()
        # Per rule: whether it read a threshold the draft changes, and the earlier results it read.
        uses: list[tuple[bool, set[str]]] = []
        for code, rule in EVALUATION_ORDER:
            read.clear()
            results.read = set()
            results.results[code] = rule(facts, self.baseline, staging, results)
            uses.append((not read.isdisjoint(self.differing), results.read))
        before = results.results
        first = assembled(facts, self.baseline, staging, tuple(before[code] for code in RECOMMENDATION_CODES))
        if not staging_changes and not any(changes for changes, _ in uses):
            return first, first
        self.draft_evaluations += 1
        if staging_changes and stage_case(facts, self.draft) != staging:
            return first, evaluate(facts, self.draft)
        after: dict[str, Recommendation] = {}
        for (code, rule), (changes, codes_read) in zip(EVALUATION_ORDER, uses, strict=True):
            if not changes and all(after.get(read_code) is before.get(read_code) for read_code in codes_read):
                after[code] = before[code]
                continue
            result = rule(facts, self.draft, staging, after)
            # An equal result is the baseline's own, so that the rules reading it can tell by identity.
            after[code] = before[code] if result == before[code] else result
        return first, assembled(facts, self.draft, staging, tuple(after[code] for code in RECOMMENDATION_CODES))


def _evaluated(facts, both: Both, staging: bool = False):
    """Evaluate FACTS under both guidelines: ({code: verdict}, {code: verdict}[, {item: (before, after)}])."""
    first, second = both(facts)
    before = {rec.code: VERDICT_VALUES[rec.verdict] for rec in first.recommendations}
    after = before if second is first else {rec.code: VERDICT_VALUES[rec.verdict] for rec in second.recommendations}
    if not staging:
        return before, after
    return before, after, {item: (getattr(first, item), getattr(second, item)) for item in STAGING}


def case_ranges(size: int = RANGE_SIZE) -> Iterator[tuple[int | None, int | None]]:
    """Yield (after_pk, up_to_pk) bounds of consecutive ranges of SIZE open cases, by primary key."""
    after = None
    while True:
        rest = open_cases().order_by("pk").values_list("pk", flat=True)
        if after is not None:
            rest = rest.filter(pk__gt=after)
        # The SIZE-th next open case closes the range: a bounded offset from a keyset position, never deep.
        last = list(rest[size - 1 : size])
        if not last:
            if after is None or rest.exists():
                yield after, None
            return
        yield after, last[0]
        after = last[0]


def can_fork() -> bool:
    """Whether worker processes can read the database on their own connections.

    Not inside a transaction (they would not see its rows, and closing the connection would end it), not for
    an in-memory SQLite database (tests), which exists only in this process's connection, and not while other
    threads run here (a development server's reloader, a test's live server): a forked child gets a copy of
    every lock such a thread held at that moment and can wait on it forever (seen in the test suite). The
    task worker in production (`db_worker` without --reload) is one thread.
    """
    if threading.active_count() > 1:
        return False
    if any(conn.in_atomic_block for conn in connections.all()):
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def compute(
    baseline: Guideline,
    draft: Guideline,
    *,
    today: date,
    progress: Callable[[int, int], None] = lambda done, total: None,
    on_changed: Callable[[list[tuple[int, dict]]], None] = lambda changed: None,
    processes: int = 1,
    range_size: int | None = None,
) -> Tally:
    """Assess every open case under BASELINE and DRAFT and return the counts.

    PROGRESS gets (cases done, open cases) after each range, ON_CHANGED each range's changed cases (in this
    process, which keeps the database writes in one place). PROCESSES > 1 shares the ranges out to forked
    worker processes when ``can_fork()``; the result is the same either way.
    """
    total = open_cases().count()
    ranges = list(case_ranges(range_size or RANGE_SIZE))
    tally, done = Tally(), 0
    progress(0, total)

    def take(result: RangeResult) -> None:
        nonlocal done
        tally.add(result.tally)
        on_changed(result.changed)
        done += result.cases_read
        progress(min(done, total), max(done, total))

    shared = processes > 1 and len(ranges) > 1 and can_fork()
    where = f"{processes} worker processes" if shared else "one process"
    logger.info("guideline impact: %d open cases in %d ranges, in %s", total, len(ranges), where)
    if shared:
        # The children must open their own connections: a socket shared across fork() mixes answers.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        waiting = iter(ranges)
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            # A few ranges ahead of the workers, no more: each result is taken and let go, so memory stays flat.
            running = {
                pool.submit(assess_range, *bounds, baseline, draft, today) for bounds in islice(waiting, 2 * processes)
            }
            while running:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    take(future.result())
                    bounds = next(waiting, None)
                    if bounds is not None:
                        running.add(pool.submit(assess_range, *bounds, baseline, draft, today))
    else:
        for low, high in ranges:
            take(assess_range(low, high, baseline, draft, today))
    return tally


def cases_changed_since(moment) -> int:
    """Return how many cases were added or changed (findings, status) after MOMENT."""
    return Case.objects.filter(updated_at__gt=moment).count()


# --- reading a result: shared by the pages and `manage.py guideline_impact` ---------------------------------

VERDICT_WORDS = {"recommended": "Recommended", "consider": "Consider", "not_recommended": "Not recommended"}


@dataclass(frozen=True)
class OptionSummary:
    """One option's transition matrix: a row per verdict with the baseline, a column per verdict with the draft."""

    code: str
    title: str
    changed: int
    rows: list[tuple[str, list[int]]]


@dataclass(frozen=True)
class Summary:
    """A stored result, arranged for reading: what changes first, then what does not."""

    cases: dict
    changed_options: list[OptionSummary]
    unchanged_options: list[str]
    staging: list[tuple[str, int, list[tuple[str, str, int]]]]
    decisions: dict

    @property
    def no_change(self) -> bool:
        """Whether the draft changes nothing: every matrix diagonal, no staging and no departure changes."""
        return (
            not self.changed_options
            and all(changed == 0 for _, changed, _ in self.staging)
            and not self.decisions["newly_departing"]
            and not self.decisions["no_longer_departing"]
        )


def describe(result: dict, titles: Mapping[str, str]) -> Summary:
    """Arrange RESULT (``Tally.to_json``) for reading, with TITLES naming the options."""
    changed, unchanged = [], []
    for option in result["options"]:
        title = titles.get(option["code"], option["code"])
        if not option["changed"]:
            unchanged.append(title)
            continue
        matrix = option["matrix"]
        rows = [(VERDICT_WORDS[a], [matrix[a][b] for b in VERDICT_WORDS]) for a in VERDICT_WORDS]
        changed.append(OptionSummary(option["code"], title, option["changed"], rows))
    staging = []
    for item in STAGING:
        counts = result["staging"][item]
        transitions = [
            (t["from"] or "undetermined", t["to"] or "undetermined", t["count"]) for t in counts["transitions"]
        ]
        staging.append((STAGING_LABELS[item], counts["changed"], transitions))
    return Summary(result["cases"], changed, unchanged, staging, result["signed_decisions"])


def changes_text(changes: dict, titles: Mapping[str, str]) -> list[str]:
    """Say what changes for one case (a GuidelineImpactCase's ``changes``), one line per option or item."""
    lines = [
        f"{titles.get(code, code)}: {VERDICT_WORDS[old]} → {VERDICT_WORDS[new]}"
        for code, old, new in changes.get("options", [])
    ]
    lines += [
        f"{STAGING_LABELS[item]}: {old or 'undetermined'} → {new or 'undetermined'}"
        for item, old, new in changes.get("staging", [])
    ]
    if changes.get("departure") == "new":
        lines.append("Its signed decision would depart from the guideline")
    elif changes.get("departure") == "ended":
        lines.append("Its signed decision would no longer depart from the guideline")
    return lines
