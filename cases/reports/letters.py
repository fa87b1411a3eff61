"""Letters about a signed decision: to the patient's GP and to the referring clinician (issue 19).

Both are built from the signed decision only: its outcomes (each option's title as signed, the board's choice
and reason), plan, treatment intent, follow-up actions, re-discussion, the engine's one-line *why* from its
stored snapshot, who signed and when. Not from today's findings, guideline or texts: a letter says what the
board signed. The patient's identity (name, date of birth, hospital number) and the referrer's name are read
from the case, as in the outcome record's header.

The GP letter speaks plainly: what the board recommends, the aim of treatment in words, what happens next;
no option codes, no engine verdicts. The referrer's letter adds the board's reasons and the engine's why.
An amendment's letters are addenda: they say what changed against the version it amends.

A letter is rendered and signed once, on the first request after signing (not at sign-off: two more renders
would double the chair's wait), and stored (StoredLetter); every later download serves the stored bytes.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from cases.meetings.models import Decision, Outcome, TreatmentIntent, is_departure
from cases.reports.models import LetterRecipient, LetterSettings
from cases.reports.pdf import render_pdf

# The aim of the treatment, as a GP would say it to the patient.
INTENT_IN_WORDS = {
    TreatmentIntent.CURATIVE: "to remove the tumour completely, with the aim of cure",
    TreatmentIntent.PALLIATIVE: "to control the disease and its symptoms for as long as possible; "
    "a cure is not expected",
    TreatmentIntent.SURVEILLANCE: "to watch the disease with regular check-ups and scans, "
    "and to treat it if it changes",
    TreatmentIntent.FURTHER_WORKUP: "more tests are needed before the board can decide on treatment",
}
# What the board does with an option, in words (never the engine's verdict).
OUTCOME_IN_WORDS = {
    Outcome.ACCEPT: "planned",
    Outcome.MODIFY: "planned in a modified form",
    Outcome.REJECT: "not planned",
}


@dataclass(frozen=True)
class Chosen:
    """An option the board will do: its title as signed, whether modified, the board's reason, the engine's why."""

    title: str
    modified: bool
    reason: str
    why: str


@dataclass(frozen=True)
class Declined:
    """An option the guideline supports that the board decided against, with the board's reason."""

    title: str
    reason: str


def _why_by_code(decision: Decision) -> dict[str, str]:
    """The engine's one-line why of each option, from the decision's stored snapshot (first reason for old ones)."""
    whys = {}
    for rec in (decision.engine_snapshot or {}).get("recommendations", []):
        whys[rec["code"]] = rec.get("why") or (rec["reasons"][0] if rec.get("reasons") else "")
    return whys


def chosen_options(decision: Decision) -> list[Chosen]:
    whys = _why_by_code(decision)
    return [
        Chosen(o["title"], o["outcome"] == Outcome.MODIFY, o.get("reason", ""), whys.get(o["code"], ""))
        for o in decision.outcomes
        if o["outcome"] in (Outcome.ACCEPT, Outcome.MODIFY)
    ]


def declined_departures(decision: Decision) -> list[Declined]:
    return [
        Declined(o["title"], o.get("reason", ""))
        for o in decision.outcomes
        if o["outcome"] == Outcome.REJECT and is_departure(o["engine_verdict"], o["outcome"])
    ]


def _actions(decision: Decision) -> list[tuple[str, str, object]]:
    return [(a.what, a.owner, a.due_date) for a in decision.actions.order_by("position")]


def _action_text(what: str, owner: str, due) -> str:
    return f"{what} ({owner}{f', by {due:%d %b %Y}' if due else ''})"


def _action_changes(before: list[tuple], after: list[tuple]) -> list[str]:
    """Follow-up actions added, dropped, or (same task) given another owner or due date."""
    changes = []
    before_by_what = {what: (what, owner, due) for what, owner, due in before}
    after_by_what = {what: (what, owner, due) for what, owner, due in after}
    for what, action in after_by_what.items():
        old = before_by_what.get(what)
        if old is None:
            changes.append(f"New follow-up: {_action_text(*action)}.")
        elif old != action:
            changes.append(f"Follow-up changed: {_action_text(*action)}; it was {_action_text(*old)}.")
    changes.extend(
        f"No longer planned: {_action_text(*action)}."
        for what, action in before_by_what.items()
        if what not in after_by_what
    )
    return changes


def changes_since(decision: Decision, earlier: Decision) -> list[str]:
    """Return, in plain sentences, what DECISION changed against the EARLIER version it amends."""
    changes = []
    if decision.treatment_intent != earlier.treatment_intent:
        before = INTENT_IN_WORDS.get(earlier.treatment_intent, "not recorded")
        after = INTENT_IN_WORDS.get(decision.treatment_intent, "not recorded")
        changes.append(f"The aim of treatment was: {before}. It is now: {after}.")
    if decision.plan.strip() != earlier.plan.strip():
        # The new plan is printed in full under "as it now stands": here only what it was.
        changes.append(f"The plan has changed (the new plan is below). It was: “{earlier.plan.strip()}”")
    before_outcomes = {o["code"]: o for o in earlier.outcomes}
    for o in decision.outcomes:
        old = before_outcomes.get(o["code"])
        if old is None:
            changes.append(f"{o['title']}: now {OUTCOME_IN_WORDS[o['outcome']]}.")
        elif old["outcome"] != o["outcome"]:
            changes.append(
                f"{o['title']}: was {OUTCOME_IN_WORDS[old['outcome']]}, is now {OUTCOME_IN_WORDS[o['outcome']]}."
            )
        elif old.get("reason", "") != o.get("reason", "") and o.get("reason"):
            changes.append(f"{o['title']}: the board's reason is now “{o['reason']}”.")
    changes.extend(_action_changes(_actions(earlier), _actions(decision)))
    if decision.rediscuss != earlier.rediscuss:
        changes.append(
            "The board will now discuss the patient again at a later meeting."
            if decision.rediscuss
            else "The board no longer plans to discuss the patient again."
        )
    return changes


def letter_context(decision: Decision, recipient: str, letterhead: LetterSettings | None = None) -> dict:
    """Everything a letter about the signed DECISION to RECIPIENT prints."""
    item = decision.agenda_item
    earlier = decision.amends
    return {
        "decision": decision,
        "recipient": recipient,
        "to_gp": recipient == LetterRecipient.GP,
        "letterhead": letterhead or LetterSettings.current(),
        "case": item.case,
        "patient": item.case.patient,
        "meeting": item.meeting,
        "intent": INTENT_IN_WORDS.get(decision.treatment_intent, ""),
        "chosen": chosen_options(decision),
        "declined": declined_departures(decision),
        "actions": list(decision.actions.order_by("position")),
        "earlier": earlier,
        "changes": changes_since(decision, earlier) if earlier else [],
        "written_on": timezone.localdate(),
    }


def letter_html(decision: Decision, recipient: str, letterhead: LetterSettings | None = None) -> str:
    """Return the HTML of the letter (escaped by the template: no |safe on anything typed)."""
    return render_to_string("reports/letter.html", letter_context(decision, recipient, letterhead))


def letter_filename(decision: Decision, recipient: str) -> str:
    return f"mdt-letter-{recipient}-decision-{decision.public_id}.pdf"


def render_signed_letter(decision: Decision, recipient: str) -> bytes:
    """Render the letter, attach the decision's canonical JSON and sign it, as the outcome record is signed."""
    from cases.meetings.services import canonical_content
    from cases.reports.signing import sign_record_pdf  # pyHanko is slow to import: only where it signs
    from cases.reports.summary import record_name

    pdf = render_pdf(letter_html(decision, recipient))
    return sign_record_pdf(
        pdf,
        record=canonical_content(decision),
        record_name=record_name(decision),
        description="The signed decision this letter reports (canonical JSON, sorted keys, UTF-8)",
        reason=f"Letter to the {LetterRecipient(recipient).label.lower()} about MDT decision {decision.public_id}",
    )
