"""One meaning of "ready for the board": the work-up is complete and a coordinator has confirmed it.

Readiness follows from the recorded findings and the engine's missing work-up (Preoperative Care, ref 10;
Figure 1). A case whose work-up is complete offers the one-click confirmation (services.confirm_ready);
saving findings that leave the work-up incomplete takes a confirmed case back to draft (services.save_step).
Every badge, the agenda and the dashboard show this one state, so "ready" never sits beside "Draft".
"""

from dataclasses import dataclass

from cases.patients.models import CaseStatus

# The work-up items of the engine's missing_workup, as the board names them.
WORKUP_LABELS = {
    "ct_or_mri": "CT or MRI",
    "sstr_imaging": "SSTR imaging (68Ga PET/CT or scintigraphy)",
    "urine_5hiaa": "24-h urine 5-HIAA",
    "chromogranin_a": "Chromogranin A",
    "histology": "Histology",
    "echocardiogram": "Echocardiogram",
    "nt_probnp": "NT-proBNP",
    "fdg_pet": "FDG PET",
}


@dataclass(frozen=True)
class Readiness:
    """Where a case stands on its way to the board, as one badge.

    `state`: "no_findings", "contradictory", "missing" (work-up incomplete), "complete" (waiting for the
    coordinator's confirmation), "ready" (confirmed), "discussed" or "closed".
    """

    state: str
    label: str
    missing: tuple[str, ...] = ()

    @property
    def missing_labels(self) -> list[str]:
        """Return the missing work-up items in words."""
        return [WORKUP_LABELS.get(code, code) for code in self.missing]

    @property
    def is_ready(self) -> bool:
        return self.state == "ready"

    @property
    def may_confirm(self) -> bool:
        """Whether the work-up is complete and only the coordinator's confirmation is missing."""
        return self.state == "complete"

    @property
    def is_flagged(self) -> bool:
        """Whether the board would see the case before it is ready (the agenda flags it)."""
        return self.state in ("no_findings", "contradictory", "missing", "complete")


def settled_readiness(case) -> Readiness | None:
    """Return CASE's readiness when its status or its lack of findings alone decides it, else None.

    Lists of cases assess only the others (`readiness` then needs the assessment): a meeting's agenda is
    mostly discussed cases once the board has met, and their work-up no longer shows.
    """
    if case.status == CaseStatus.CLOSED:
        return Readiness("closed", "Closed")
    if case.status == CaseStatus.DISCUSSED:
        return Readiness("discussed", "Discussed")
    if not case.has_findings():
        return Readiness("no_findings", "Not ready: no findings recorded")
    return None


def readiness(case, result) -> Readiness:
    """Return CASE's readiness from its status and RESULT: its CaseAssessment (cases.pathways.services.assess)
    or, for lists of cases, its WorkupAssessment (`assess_workup`); both carry `errors` and `missing_workup`."""
    settled = settled_readiness(case)
    if settled is not None:
        return settled
    if result.errors:
        return Readiness("contradictory", "Not ready: the findings contradict each other")
    missing = tuple(result.missing_workup)
    if missing:
        return Readiness("missing", "Not ready: work-up missing", missing)
    if case.status == CaseStatus.READY:
        return Readiness("ready", "Ready for the board")
    return Readiness("complete", "Work-up complete: not yet confirmed ready")


def work_up_complete(case, result) -> bool:
    """Return whether CASE could be confirmed ready (or stay ready): findings, no contradiction, no gap."""
    return readiness(case, result).state in ("complete", "ready")
