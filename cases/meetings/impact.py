"""Signed decisions in the impact preview of a guideline draft (cases.pathways.impact).

Named in settings (``GUIDELINE_IMPACT_DECISIONS``) rather than imported by pathways, which sits below meetings.
The question: would a decision the board signed count as a departure from the guideline once the draft is in
force? A departure is what ``is_departure`` says everywhere else (the decision form asks for a reason for it,
the record prints it): doing what the engine does not recommend, not doing what it recommends, or modifying an
option. Each signed decision is compared option by option with the verdicts of the version in force and of the
draft, for the facts the decision was recorded with.

- **Which decisions**: for every agenda item of an open case, the latest *signed* version of its decision. An
  amended decision counts once, as its newest signed version; an amendment still in draft does not replace the
  version in force, so that one counts. A case discussed at two meetings has two decisions.
- **The facts it was recorded with**: the case's findings at the time the decision version was recorded (the
  engine output it stores was made from them), read from the case's history; the age is the one on that day.
  A case whose history has no row from before then (loaded in bulk) is taken with its findings now.
"""

from collections.abc import Sequence

from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from cases.meetings.models import Decision, DecisionStatus, is_departure
from cases.pathways.impact import Departure, Verdicts
from cases.patients.models import Case


def departs(outcomes: list[dict], verdicts: dict[str, str]) -> bool:
    """Return whether any of a decision's OUTCOMES departs from VERDICTS (an option the engine still has)."""
    return any(
        item.get("outcome") and item["code"] in verdicts and is_departure(verdicts[item["code"]], item["outcome"])
        for item in outcomes
    )


def signed_departures(cases: Sequence[Case], verdicts: Verdicts) -> list[Departure]:
    """Return (case pk, departs with the version in force, departs with the draft) for each signed decision
    in force of CASES (None, None when the facts it was recorded with cannot be assessed). Three queries."""
    by_pk = {case.pk: case for case in cases}
    if not by_pk:
        return []
    newer_signed = Decision.objects.filter(
        agenda_item=OuterRef("agenda_item"), status=DecisionStatus.SIGNED, version__gt=OuterRef("version")
    )
    as_recorded = (
        Case.history.filter(id=OuterRef("agenda_item__case_id"), history_date__lte=OuterRef("recorded_at"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    heads = list(
        Decision.objects.filter(status=DecisionStatus.SIGNED, agenda_item__case_id__in=by_pk)
        .exclude(Exists(newer_signed))
        .annotate(case_pk=F("agenda_item__case_id"), findings_id=Subquery(as_recorded))
        .order_by("pk")
        .values_list("case_pk", "recorded_at", "outcomes", "findings_id")
    )
    wanted = [findings_id for *_, findings_id in heads if findings_id is not None]
    history = {row.history_id: row for row in Case.history.filter(history_id__in=wanted)} if wanted else {}
    results: list[Departure] = []
    for case_pk, recorded_at, outcomes, findings_id in heads:
        case = by_pk[case_pk]
        then = history[findings_id].instance if findings_id in history else case
        then.patient = case.patient  # the same person: spare a query per decision
        found = verdicts(case_pk, then.to_facts(timezone.localdate(recorded_at)))
        if found is None:
            results.append((case_pk, None, None))
            continue
        before, after = found
        results.append((case_pk, departs(outcomes, before), departs(outcomes, after)))
    return results
