"""``manage.py guideline_impact DRAFT_ID [--json]``: what activating a guideline draft would change, as a dry run.

DRAFT_ID names the draft as an editor sees it in the admin: its name as in the list of guideline versions
(e.g. ``local-2027-01``), or its number, the one in its admin address (``/admin/pathways/guidelineversion/7/``).
A name is looked up first, so a version named ``2027`` is found by its name.

The engine is run over every open case with the version in force and with the draft's thresholds now, exactly
as the impact preview page does, and the same counts are printed: a table (default) or JSON (``--json``:
``draft``, ``baseline`` and the keys of the stored result, ``cases``, ``options``, ``staging`` and
``signed_decisions``). Nothing is stored. Exit 0. An unknown DRAFT_ID, or a version that is not a draft,
exits 2 with the reason on stderr and nothing on stdout.
"""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.pathways.engine import Guideline
from cases.pathways.engine.rules import TITLES
from cases.pathways.guideline_versions import differences
from cases.pathways.impact import VERDICT_WORDS, Summary, compute, describe
from cases.pathways.models import GuidelineStatus, GuidelineVersion

INVALID_INPUT = 2


class Command(BaseCommand):
    help = "Print what activating a guideline draft would change over the open cases (a dry run; nothing is stored)."

    def add_arguments(self, parser):
        parser.add_argument("draft_id", help="the draft's name as in the admin's list, or its number (admin address)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, draft_id: str, **options):
        draft = self._draft(draft_id)
        active = GuidelineVersion.objects.filter(status=GuidelineStatus.ACTIVE).first()
        baseline = active.to_guideline() if active else Guideline()
        tally = compute(
            baseline, draft.to_guideline(), today=timezone.localdate(), processes=settings.GUIDELINE_IMPACT_PROCESSES
        )
        result = tally.to_json()
        if options["json"]:
            self._write_json(draft, baseline, result)
        else:
            self._write_table(draft, active, baseline.version, describe(result, TITLES))

    def _draft(self, draft_id: str) -> GuidelineVersion:
        version = GuidelineVersion.objects.filter(name=draft_id).first()
        if version is None and draft_id.isascii() and draft_id.isdigit():
            version = GuidelineVersion.objects.filter(pk=int(draft_id)).first()
        if version is None:
            self._refuse(
                f"guideline_impact: no guideline version is named or numbered {draft_id!r}; give a draft's name as "
                "in the admin's list of guideline versions, or its number (from its admin address)"
            )
        if version.status != GuidelineStatus.DRAFT:
            self._refuse(
                f"guideline_impact: {version.name!r} is {version.get_status_display().lower()}, not a draft; only a "
                "draft's impact can be previewed (clone it in the admin to change it)"
            )
        return version

    def _refuse(self, message: str):
        self.stderr.write(message)
        sys.exit(INVALID_INPUT)

    def _write_json(self, draft: GuidelineVersion, baseline, result: dict) -> None:
        data = {
            "draft": {"id": draft.pk, "name": draft.name, "thresholds": draft.thresholds()},
            "baseline": {
                "name": baseline.version,
                "thresholds": {name: getattr(baseline, name) for name in draft.thresholds()},
            },
            **result,
        }
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _write_table(self, draft: GuidelineVersion, active, baseline_name: str, summary: Summary) -> None:
        out = self.stdout.write
        out(f"Impact of {draft.name} (draft, number {draft.pk}) against {baseline_name} (in force)")
        changed_thresholds = differences(draft, active) if active else []
        if changed_thresholds:
            out("Thresholds that differ:")
            for label, before, after in changed_thresholds:
                out(f"  {label}: {before} → {after}")
        cases = summary.cases
        line = f"Open cases: {cases['open']}, of which {cases['changed']} would be assessed differently."
        if cases["not_assessable"]:
            line += f" {cases['not_assessable']} cannot be assessed (contradictory findings) and are not counted."
        out(line)
        if summary.no_change:
            out("No change: every open case keeps its verdicts, T, N, stage and grade.")
        width = max(len(word) for word in VERDICT_WORDS.values())
        for option in summary.changed_options:
            out("")
            out(f"{option.title}: {option.changed} case{'s' if option.changed != 1 else ''} change")
            out(f"  {'from \\ to':<{width}}  " + "  ".join(f"{word:>{width}}" for word in VERDICT_WORDS.values()))
            for label, counts in option.rows:
                out(f"  {label:<{width}}  " + "  ".join(f"{n:>{width}}" for n in counts))
        if summary.unchanged_options:
            out("")
            out("Unchanged: " + ", ".join(summary.unchanged_options))
        out("")
        for label, changed, transitions in summary.staging:
            detail = "; ".join(f"{old} → {new}: {n}" for old, new, n in transitions)
            out(f"{label}: {f'{changed} change ({detail})' if changed else 'no change'}")
        decisions = summary.decisions
        out(
            f"Signed decisions in force for open cases: {decisions['signed']}; departing from {baseline_name}: "
            f"{decisions['departing_before']}, from {draft.name}: {decisions['departing_after']} "
            f"({decisions['newly_departing']} newly, {decisions['no_longer_departing']} no longer)"
            + (f"; {decisions['not_assessable']} cannot be assessed" if decisions["not_assessable"] else "")
        )
