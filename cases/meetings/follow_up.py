"""The follow-up worklist (issue 20): planned treatments that are overdue or undated and follow-up actions past
their due date, each updated in its own row (htmx swaps the row; without JavaScript the form posts and the
page comes back), and a changed or not-done treatment brought back to a planned meeting in one click.

The lists show the most overdue first, at most WORKLIST_ROWS each with a count that stops at COUNT_LIMIT:
a worklist is worked from the top, and an updated row leaves it.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases.access import Action, can, require
from cases.conflicts import carry
from cases.htmx import HtmxHttpRequest, invalid_status
from cases.meetings import services, tracking
from cases.meetings.forms import ActionDoneForm, BringBackForm, TreatmentForm, meeting_choices
from cases.meetings.models import DecidedOption, Decision, FollowUpAction, Meeting
from cases.pagination import COUNT_LIMIT, capped_count
from cases.people import display_name

PAGE = "meetings/follow_up.html"
WORKLIST_ROWS = 50
# A decision's signed record, which no row of the worklist shows: left in the database (it is most of the row).
SIGNED_JSON = ("outcomes", "engine_snapshot", "guideline_parameters", "people_at_signing")


@dataclass
class TreatmentRow:
    """One planned treatment on the worklist, with its form and what happened at the last submit."""

    row: DecidedOption
    form: TreatmentForm
    meetings: list[Meeting]
    notice: str = ""
    saved: bool = False
    brought_back: bool = False

    @property
    def key(self) -> str:
        return row_key(self.row)

    @property
    def may_bring_back(self) -> bool:
        return self.row.status in tracking.NEEDS_CAUSE and bool(self.meetings)

    @cached_property
    def shown(self) -> dict[str, str]:
        return shown(self.form)

    @property
    def meeting_choices(self) -> list[tuple[str, str]]:
        """The planned meetings the case can be brought back to, as BringBackForm offers them."""
        return meeting_choices(self.meetings)


@dataclass
class ActionRow:
    action: FollowUpAction
    form: ActionDoneForm
    notice: str = ""
    done: bool = False

    @property
    def key(self) -> str:
        return action_key(self.action)

    @cached_property
    def shown(self) -> dict[str, str]:
        return shown(self.form)


def shown(form) -> dict[str, str]:
    """Each field's value as its input shows it: what was typed, or the stored value as the widget formats it
    (the worklist writes its inputs out in the template rather than through the widget templates, 10 rows of
    forms per 100 ms)."""
    values = {}
    for name in form.fields:
        bound = form[name]
        value = bound.field.widget.format_value(bound.value())
        values[name] = (value[0] if value else "") if isinstance(value, list) else (value or "")
    return values


def action_key(action: FollowUpAction) -> str:
    """The action's key on a page (its decision and position): the ids of its row and its field start with it."""
    return f"{action.decision.public_id}-{action.position}"


def row_key(row: DecidedOption) -> str:
    """The treatment's key on a page (its decision and option): the ids of its row's fields start with it."""
    return f"{row.decision.public_id}-{row.code}"


def _treatment_form(row: DecidedOption, data=None, back: str = "worklist") -> TreatmentForm:
    key = row_key(row)
    initial = {
        "status": row.status, "happened_on": row.happened_on, "cause": row.cause, "cause_text": row.cause_text,
        "lock_version": row.lock_version, "back": back,
    }  # fmt: skip
    return TreatmentForm(data, initial=initial, auto_id=f"t-{key}-%s")


def _treatment_row(row: DecidedOption, meetings: list[Meeting], **extra) -> TreatmentRow:
    form = extra.pop("form", None) or _treatment_form(row)
    return TreatmentRow(row, form, meetings, **extra)


def _action_row(action: FollowUpAction, **extra) -> ActionRow:
    form = extra.pop("form", None) or ActionDoneForm(
        initial={"done_on": timezone.localdate()}, auto_id=f"a-{action_key(action)}-%s"
    )
    return ActionRow(action, form, **extra)


def _page_context(today, *, replace: TreatmentRow | ActionRow | None = None) -> dict:
    """The worklist as it is now; REPLACE stands in for its own row (a form with errors, kept as typed)."""
    meetings = tracking.next_meetings(today)
    # Overdue and undated apart, each through its own partial index, then merged: most overdue first.
    related = ("case__patient", "decision", "meeting")
    wide = [f"decision__{name}" for name in SIGNED_JSON] + ["case__step_versions"]
    overdue = tracking.overdue_treatments(today).select_related(*related).defer(*wide).order_by("meeting_date", "pk")
    undated = tracking.undated_treatments().select_related(*related).defer(*wide).order_by("meeting_date", "pk")
    first_overdue, first_undated = list(overdue[:WORKLIST_ROWS]), list(undated[:WORKLIST_ROWS])
    shown = sorted(first_overdue + first_undated, key=lambda row: (row.meeting_date, row.pk))[:WORKLIST_ROWS]
    # The page's actions chosen by their keys first, then read with what the rows show: sorting every overdue
    # action joined with its decision's wide row (the signed JSON) cost 0.4 s at 100k cases.
    actions = tracking.overdue_actions(today).order_by("due_date", "pk")
    keys = list(actions.values_list("pk", flat=True)[:WORKLIST_ROWS])
    shown_actions = list(
        FollowUpAction.objects.filter(pk__in=keys)
        .select_related("decision__agenda_item__case__patient", "decision__agenda_item__meeting")
        .defer("decision__agenda_item__case__step_versions", *(f"decision__{name}" for name in SIGNED_JSON))
        .order_by("due_date", "pk")
    )
    rows = [_treatment_row(row, meetings) for row in shown]
    action_rows = [_action_row(action) for action in shown_actions]
    if isinstance(replace, TreatmentRow):
        rows = [replace if r.row.pk == replace.row.pk else r for r in rows]
        if not any(r is replace for r in rows):
            rows.insert(0, replace)
    elif isinstance(replace, ActionRow):
        action_rows = [replace if r.action.pk == replace.action.pk else r for r in action_rows]
        if not any(r is replace for r in action_rows):
            action_rows.insert(0, replace)
    return {
        "today": today,
        "overdue_days": tracking.overdue_after().days,
        "treatments": rows,
        "treatments_total": capped_count(overdue, len(first_overdue), WORKLIST_ROWS)
        + capped_count(undated, len(first_undated), WORKLIST_ROWS),
        "actions": action_rows,
        "actions_total": capped_count(actions, len(shown_actions), WORKLIST_ROWS),
        "rows_limit": WORKLIST_ROWS,
        "count_limit": COUNT_LIMIT,
    }


@require_GET
def worklist(request):
    """Show the planned treatments that are overdue or undated and the follow-up actions past their due date."""
    require(request.user, Action.TRACK_TREATMENTS)
    return render(request, PAGE, _page_context(timezone.localdate()))


def _get_treatment(user, decision_id, code) -> DecidedOption:
    """Return the decided option CODE of the decision DECISION_ID, or 403 / 404."""
    require(user, Action.TRACK_TREATMENTS)
    rows = DecidedOption.objects.select_related("case__patient", "decision", "meeting", "updated_by")
    return get_object_or_404(rows, decision__public_id=decision_id, code=code)


def _row_response(request: HtmxHttpRequest, row: TreatmentRow | ActionRow, status: int = 200):
    """The row alone for htmx; the whole page with the row in it otherwise (STATUS: 422 / 409 when refused)."""
    partial = "treatment" if isinstance(row, TreatmentRow) else "action"
    if request.htmx:
        return render(request, f"{PAGE}#{partial}", {"t": row} if partial == "treatment" else {"a": row})
    return render(request, PAGE, _page_context(timezone.localdate(), replace=row), status=status)


def _done(request: HtmxHttpRequest, row: TreatmentRow | ActionRow, message: str, back: str = ""):
    """A change that was saved: the row saying so for htmx; otherwise back to the worklist (or to the decision
    page, BACK "decision") with the message."""
    if request.htmx:
        row.notice = message
        return _row_response(request, row)
    messages.success(request, message)
    if back == "decision" and isinstance(row, TreatmentRow):
        return HttpResponseRedirect(reverse("meetings:decision", args=[row.row.decision.public_id]), status=303)
    return HttpResponseRedirect(reverse("meetings:follow_up"), status=303)


def decision_treatments(user, decision: Decision) -> dict | None:
    """The planned treatments of a signed DECISION for its page: each as its worklist row (a form, for those who
    may track treatments) and every recorded change, oldest first. None when it has none."""
    rows = list(
        decision.decided_options.exclude(status="").select_related("case__patient", "decision", "meeting", "updated_by")
    )
    if not rows:
        return None
    editable = can(user, Action.TRACK_TREATMENTS) and all(row.current for row in rows)
    meetings = tracking.next_meetings(timezone.localdate()) if editable else []
    titles = {row.pk: row.title for row in rows}
    changes = DecidedOption.history.filter(id__in=titles, history_type="~").select_related("history_user")
    return {
        "rows": [_treatment_row(row, meetings, form=_treatment_form(row, back="decision")) for row in rows],
        "editable": editable,
        "changes": [(titles[change.id], change) for change in changes.order_by("history_date", "history_id")],
    }


@require_POST
def treatment_update(request: HtmxHttpRequest, decision_id, code):
    """Record the status, date and reason of one planned treatment (optimistic locking: no silent overwrite)."""
    row = _get_treatment(request.user, decision_id, code)
    today = timezone.localdate()
    meetings = tracking.next_meetings(today)
    form = _treatment_form(row, request.POST)
    if not form.is_valid():
        return _row_response(request, _treatment_row(row, meetings, form=form), invalid_status(request))
    try:
        saved = tracking.update_treatment(
            row, form.update(), loaded_lock_version=form.cleaned_data["lock_version"], user=request.user, today=today
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _row_response(request, _treatment_row(row, meetings, form=form), invalid_status(request))
    except tracking.TreatmentConflict as exc:
        theirs = exc.current
        # The next save is then a deliberate decision to replace their values with the ones still in the form.
        carry(form, "lock_version", theirs.lock_version)
        notice = (
            f"{display_name(theirs.updated_by) if theirs.updated_by else 'Someone'} updated this treatment at "
            f"{timezone.localtime(theirs.updated_at):%H:%M} (now: {theirs.get_status_display().lower()}"
            f"{f', {theirs.happened_on:%d/%m/%Y}' if theirs.happened_on else ''}"
            f"{f', {theirs.get_cause_display().lower()}' if theirs.cause else ''}): nothing was saved. Your values "
            "are still below; save again to replace theirs."
        )
        return _row_response(request, _treatment_row(theirs, meetings, form=form, notice=notice), 409 if not
                             request.htmx else 200)  # fmt: skip
    except tracking.TrackingError as exc:
        form.add_error(None, str(exc))
        return _row_response(request, _treatment_row(row, meetings, form=form), 409 if not request.htmx else 200)
    saved = DecidedOption.objects.select_related("case__patient", "decision", "meeting").get(pk=saved.pk)
    message = f"{saved.case.patient.family_name.upper()}, {saved.title}: {saved.get_status_display().lower()}."
    back = form.cleaned_data["back"]
    return _done(request, _treatment_row(saved, meetings, saved=True, form=_treatment_form(saved, back=back)), message,
                 back)  # fmt: skip


@require_POST
def treatment_bring_back(request: HtmxHttpRequest, decision_id, code):
    """Put a changed or not-done treatment's case on a planned meeting's agenda (the soonest by default)."""
    row = _get_treatment(request.user, decision_id, code)
    require(request.user, Action.MANAGE_MEETINGS)
    today = timezone.localdate()
    meetings = tracking.next_meetings(today)
    back = BringBackForm(request.POST, meetings=meetings)
    treatment = _treatment_row(row, meetings)
    if not back.is_valid():
        treatment.notice = (
            "No meeting is planned: plan one first, then bring the case back."
            if not meetings
            else "Choose one of the planned meetings listed."
        )
        return _row_response(request, treatment, invalid_status(request))
    meeting = back.chosen()
    try:
        item = tracking.bring_back(row, meeting, request.user)
    except (tracking.TrackingError, services.MeetingError) as exc:
        treatment.notice = f"{exc} Nothing was changed."
        return _row_response(request, treatment, 409 if not request.htmx else 200)
    message = (
        f"{row.case.patient.family_name.upper()} is on the agenda of {meeting} (case {item.position}), marked ready "
        "for the board."
    )
    treatment.saved = treatment.brought_back = True
    return _done(request, treatment, message)


@require_POST
def action_done(request: HtmxHttpRequest, decision_id, position: int):
    """Record that a follow-up action of a signed decision was done, and when."""
    require(request.user, Action.TRACK_TREATMENTS)
    actions = FollowUpAction.objects.select_related(
        "decision__agenda_item__case__patient", "decision__agenda_item__meeting"
    )
    action = get_object_or_404(actions, decision__public_id=decision_id, position=position)
    form = ActionDoneForm(request.POST, auto_id=f"a-{action_key(action)}-%s")
    if not form.is_valid():
        return _row_response(request, _action_row(action, form=form), invalid_status(request))
    try:
        tracking.mark_action_done(action, form.cleaned_data["done_on"], request.user)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _row_response(request, _action_row(action, form=form), invalid_status(request))
    except tracking.TrackingError as exc:
        return _row_response(request, _action_row(action, form=form, notice=str(exc), done=True),
                             409 if not request.htmx else 200)  # fmt: skip
    message = f"{action.decision.agenda_item.case.patient.family_name.upper()}: “{action.what}” done."
    return _done(request, _action_row(action, form=form, done=True), message)
