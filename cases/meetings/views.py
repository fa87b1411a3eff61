"""Meeting views: the dashboard, the case page, meetings with their agenda and attendance, meeting mode, decisions.

Every change is a POST with a plain form that works without JavaScript (303 back to the page); with
htmx the same POST answers with the partial it changed. Pages that list many cases fetch the active
guideline once per request and pass it to `assess_workup()` (their missing work-up, without the options).
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string
from django.views.decorators.http import condition, require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cases.access import Action, Role, can, has_role, require, without_patient_data
from cases.compiled import CompiledQuery, Slot
from cases.conflicts import Conflict, carry, conflict
from cases.htmx import HtmxHttpRequest, invalid_status
from cases.links import ANY, link_maker
from cases.meetings import services
from cases.meetings.access import get_attendance, get_decision, get_item_if_any, get_meeting
from cases.meetings.board import board_order, header_facts
from cases.meetings.follow import remember_follower, room_etag
from cases.meetings.follow_up import decision_treatments
from cases.meetings.forms import (
    AgendaAddForm,
    AgendaSearchForm,
    AmendForm,
    AttendanceForm,
    CloseForm,
    DecisionForm,
    FollowForm,
    MeetingForm,
    MoveForm,
    PresentForm,
    SignForm,
    StatusForm,
    board_members,
    case_label,
    decision_content,
    decision_initial,
    follow_up_formset,
    ready_shortlist,
    search_candidates,
)
from cases.meetings.models import (
    AgendaItem,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    TreatmentIntent,
)
from cases.meetings.quorum import quorum
from cases.pagination import PageForm, capped_count, keyset_page
from cases.pathways import guideline_versions
from cases.pathways.engine import assessment_to_dict
from cases.pathways.readiness import readiness, settled_readiness
from cases.pathways.services import assess, assess_workup
from cases.pathways.steps import findings_by_step
from cases.patients.access import get_case
from cases.patients.display import age_text, years_text
from cases.patients.models import Case, CaseStatus
from cases.people import display_name

DETAIL = "meetings/meeting_detail.html"
PRESENT = "meetings/present.html"


# --- the case page ---------------------------------------------------------------------------------


@require_GET
def case_detail(request, public_id):
    """The case: its findings by step, the live assessment, and every decision recorded for it."""
    case = get_case(request.user, public_id)
    day, at_meeting = case.board_day()
    result = assess(case, on=day)
    state = readiness(case, result)
    may_register = can(request.user, Action.REGISTER_PATIENTS)
    context = {
        "case": case,
        "patient": case.patient,
        "age": age_text(case.patient, day, at_meeting),
        "result": result,
        "readiness": state,
        "may_confirm_ready": state.may_confirm and may_register,
        "findings": findings_by_step(case),
        "may_register": may_register,
    }
    return render(request, "meetings/case_detail.html", context)


# --- dashboard and meeting list --------------------------------------------------------------------


# Every list on the dashboard is a screenful at most, and every count stops at COUNT_LIMIT: the dashboard
# is opened all day, and must cost the same with 100 cases or 100,000.
DASHBOARD_READY_CASES = 20
DASHBOARD_DRAFTS = 20
DASHBOARD_MEETINGS = 10
COUNT_LIMIT = 1000


@require_GET
def dashboard(request):
    """Show upcoming meetings, ready cases not yet on an agenda and, for chairs, drafts to sign; guideline
    drafts with their impact for content editors, and the previewed ones for clinicians and chairs."""
    context = {}
    if can(request.user, Action.VIEW_PATIENT_DATA):
        guideline = guideline_versions.active_guideline()
        open_statuses = [MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS]
        ready = (
            Case.objects.filter(status=CaseStatus.READY)
            .exclude(agenda_items__meeting__status__in=open_statuses)
            .select_related("patient")
            .order_by("referral_date", "pk")
        )
        # The oldest referrals first; each case shown is staged for its missing work-up.
        shown = list(ready[:DASHBOARD_READY_CASES])
        context = {
            "upcoming": list(
                _with_counts(Meeting.objects.filter(status__in=open_statuses).order_by("scheduled_at", "pk"))[
                    :DASHBOARD_MEETINGS
                ]
            ),
            "ready_cases": [_with_readiness(case, assess_workup(case, guideline)) for case in shown],
            "ready_total": capped_count(ready, len(shown), DASHBOARD_READY_CASES, COUNT_LIMIT),
            "count_limit": COUNT_LIMIT,
        }
        if can(request.user, Action.SIGN_DECISIONS):
            drafts = Decision.objects.filter(status=DecisionStatus.DRAFT).order_by("recorded_at", "pk")
            # Only what the list shows: a draft's stored engine output and outcomes are large.
            shown_drafts = drafts.select_related("agenda_item__meeting", "agenda_item__case__patient").only(
                "version",
                "agenda_item__public_id",
                "agenda_item__meeting__public_id",
                "agenda_item__meeting__title",
                "agenda_item__meeting__scheduled_at",
                "agenda_item__case__patient__family_name",
                "agenda_item__case__patient__given_name",
            )
            context["drafts"] = list(shown_drafts[:DASHBOARD_DRAFTS])
            context["drafts_total"] = capped_count(drafts, len(context["drafts"]), DASHBOARD_DRAFTS, COUNT_LIMIT)
    if has_role(request.user, Role.CONTENT_EDITOR):
        # The content editor's landing page: their drafts, what each changes and would change (counts only).
        context["guideline_drafts"], context["guideline_drafts_total"] = guideline_versions.drafts_overview()
    elif can(request.user, Action.LIST_IMPACTED_CASES):
        context["previewed_drafts"] = guideline_versions.previewed_drafts()
    return render(request, "meetings/dashboard.html", context)


def _with_readiness(case: Case, result) -> tuple:
    """Return (CASE, RESULT), the case carrying its readiness (`case.readiness`) from its work-up RESULT."""
    case.readiness = readiness(case, result)
    return case, result


def _with_counts(meetings):
    """Annotate each meeting with its number of agenda items, counted for the meetings shown only."""
    items = AgendaItem.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting").annotate(n=Count("pk"))
    return meetings.select_related("chair").annotate(item_count=Coalesce(Subquery(items.values("n")), 0))


MEETING_PAGE_SIZE = 50


@require_GET
def meeting_list(request):
    """Open meetings (the next fifty), then closed ones, most recent first, fifty a page (keyset)."""
    require(request.user, Action.VIEW_PATIENT_DATA)
    open_meetings = Meeting.objects.exclude(status=MeetingStatus.CLOSED).order_by("scheduled_at", "pk")
    closed = _with_counts(Meeting.objects.filter(status=MeetingStatus.CLOSED))
    context = {
        "open_meetings": list(_with_counts(open_meetings)[:MEETING_PAGE_SIZE]),
        "page": keyset_page(closed, ["-scheduled_at", "-id"], PageForm(request.GET), MEETING_PAGE_SIZE),
        "may_manage": can(request.user, Action.MANAGE_MEETINGS),
    }
    return render(request, "meetings/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
def meeting_create(request: HtmxHttpRequest):
    require(request.user, Action.MANAGE_MEETINGS)
    form = MeetingForm(
        request.POST or None, initial={"chair": request.user if has_role(request.user, Role.CHAIR) else None}
    )
    if request.method == "POST":
        if form.is_valid():
            meeting = form.save(commit=False)
            meeting.created_by = request.user
            services.create_meeting(meeting, form.cleaned_data["new_series"])
            return HttpResponseRedirect(meeting.get_absolute_url(), status=303)
        return render(request, "meetings/meeting_form.html", {"form": form}, status=invalid_status(request))
    return render(request, "meetings/meeting_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HtmxHttpRequest, public_id):
    meeting = get_meeting(request.user, public_id, Action.MANAGE_MEETINGS)
    if not meeting.is_open:
        return _refused(request, meeting, services.MeetingError("The meeting is closed: its details are the record."))
    form = MeetingForm(request.POST or None, instance=meeting)
    context = {"form": form, "meeting": meeting}
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                meeting = form.save(commit=False)
                if form.cleaned_data["new_series"]:
                    meeting.series = MeetingSeries.objects.create(name=form.cleaned_data["new_series"])
                meeting.save()
            return HttpResponseRedirect(meeting.get_absolute_url(), status=303)
        return render(request, "meetings/meeting_form.html", context, status=invalid_status(request))
    return render(request, "meetings/meeting_form.html", context)


# --- the meeting page: agenda and attendance -------------------------------------------------------


_DECISIONS = Decision.objects.filter(agenda_item=OuterRef("pk"))
_LATEST = _DECISIONS.order_by("-version")
# Built once: annotate() resolves a copy of each for its query, and building them was half of building the
# agenda's query, which the meeting page and meeting mode make at every load.
_DECISION_OF_ITEM = {
    "decision_status": Subquery(_LATEST.values("status")[:1]),
    "decision_version": Subquery(_LATEST.values("version")[:1]),
    "decision_public_id": Subquery(_LATEST.values("public_id")[:1]),
    "has_signed_decision": Exists(_DECISIONS.filter(status=DecisionStatus.SIGNED)),
}


def _agenda_of(*related: str):
    def build(meeting_id):
        items = AgendaItem.objects.filter(meeting_id=meeting_id).select_related(*related)
        return items.annotate(**_DECISION_OF_ITEM).order_by("position")

    return build


# The agenda's rows, on the meeting page and in meeting mode at every request: compiled once (cases/compiled.py),
# 2.1 ms of CPU less for an agenda of 30 (its query with four subqueries cost 1.7 ms to compile).
_MEETING = Slot(AgendaItem, "meeting", 2_147_483_002)
_AGENDA = {
    True: CompiledQuery(_agenda_of("case__patient", "presenter"), meeting_id=_MEETING),
    False: CompiledQuery(_agenda_of("case__patient"), meeting_id=_MEETING),
}


def agenda_items(meeting: Meeting, *, presenters: bool = True) -> list[AgendaItem]:
    """Return the meeting's items in order with case, patient, presenter and their latest decision, and whether
    any version of it is signed (`has_signed_decision`: a signed one freezes the meeting's attendance); each
    knows its meeting, as `meeting.agenda_items` gives them.

    Without PRESENTERS the caller names them from users it has read anyway (with_presenters)."""
    items = _AGENDA[presenters].all(meeting_id=meeting.pk)
    for item in items:
        item.meeting = meeting
    return items


def with_presenters(items: list[AgendaItem], members: list) -> list[AgendaItem]:
    """Give ITEMS their presenters from MEMBERS (board_members(), which the meeting page reads for its forms), and
    read only those who have left the board since: one join fewer on every row of the agenda's query."""
    known = {member.pk: member for member in members}
    others = {item.presenter_id for item in items} - known.keys() - {None}
    if others:
        known |= get_user_model().objects.in_bulk(others)
    for item in items:
        item.presenter = known.get(item.presenter_id)
    return items


def with_item_urls(meeting: Meeting, items) -> list[AgendaItem]:
    """Return ITEMS with the URLs their agenda rows link to (`present_url`, `move_url`, `remove_url`, and
    `decision_url` for one with a decision), each name reversed once for the page (cases.links)."""
    makers = {
        attribute: link_maker(name, public_id=meeting.public_id, item_id=ANY)
        for attribute, name in (
            ("present_url", "meetings:present_item"),
            ("move_url", "meetings:agenda_move"),
            ("remove_url", "meetings:agenda_remove"),
        )
    }
    decision_url = link_maker("meetings:decision", public_id=ANY)
    items = list(items)
    for item in items:
        for attribute, url in makers.items():
            setattr(item, attribute, url(item.public_id))
        decision_id = getattr(item, "decision_public_id", None)
        item.decision_url = decision_url(decision_id) if decision_id else ""
    return items


def _attendance_context(
    meeting: Meeting, members: list, form=None, notice: str = "", *, frozen: bool | None = None, core=None
) -> dict:
    """The attendance partial; a caller that already knows whether it is FROZEN and the quorum's CORE
    specialties (the meeting page: from the agenda and the guideline it read anyway) passes them in."""
    attendances = list(meeting.attendances.select_related("user").prefetch_related("amendments__author"))
    frozen = services.is_attendance_frozen(meeting) if frozen is None else frozen
    return {
        "attendances": attendances,
        "attendance_frozen": frozen,
        "attendance_notice": notice,
        "quorum": quorum(attendances, guideline_versions.active_quorum() if core is None else core),
        "attendance_form": form
        or AttendanceForm(meeting=meeting, members=members, attendances=attendances, frozen=frozen),
    }


def assessed_items(meeting: Meeting, guideline, members: list | None = None) -> list[AgendaItem]:
    """Return MEETING's agenda items, each carrying its patient's age on the day of the meeting (`item.age`) and
    its case's readiness (`item.readiness`); a case's work-up is assessed only where the readiness needs it (not
    for a discussed or closed case, or one without findings: cases.pathways.readiness.settled_readiness).
    A caller that has read the board's MEMBERS passes them: the presenters are named from them."""
    day = timezone.localdate(meeting.scheduled_at)
    items = with_item_urls(meeting, agenda_items(meeting, presenters=members is None))
    if members is not None:
        with_presenters(items, members)
    for item in items:
        item.age = years_text(item.case.patient, day)  # the meeting's day heads the page
        item.readiness = settled_readiness(item.case) or readiness(
            item.case, assess_workup(item.case, guideline, on=day)
        )
    return items


def _detail_context(
    request,
    meeting: Meeting,
    *,
    agenda_form=None,
    attendance_form=None,
    query=None,
    attendance_notice: str = "",
    agenda_notice: str = "",
) -> dict:
    guideline, core = guideline_versions.active_content()
    members = list(board_members())
    items = assessed_items(meeting, guideline, members)
    frozen = any(item.has_signed_decision for item in items)
    may_manage = can(request.user, Action.MANAGE_MEETINGS)
    context = {
        "meeting": meeting,
        "items": items,
        "planned_minutes": sum(item.planned_minutes for item in items),
        "not_ready": sum(1 for item in items if item.readiness.is_flagged),
        "may_manage": may_manage and meeting.is_open,
        "may_change_status": may_manage,
        "agenda_notice": agenda_notice,
        **_attendance_context(meeting, members, attendance_form, attendance_notice, frozen=frozen, core=core),
    }
    if may_manage and meeting.is_open:
        if query is None and agenda_form is not None and agenda_form.is_bound:
            query = agenda_form.data.get("query", "")
        context.update(_candidates_context(meeting, members, query or "", agenda_form))
    return context


def _candidates_context(meeting: Meeting, members: list, query: str, form=None) -> dict:
    """The cases the add form offers: a search's results, or the shortlist of ready cases; never all cases."""
    too_short = False
    if query:
        shown, more = search_candidates(meeting, query)
        too_short, shown = shown is None, shown or []
    else:
        shown, more = ready_shortlist(meeting), False
    if form is None:
        form = AgendaAddForm(meeting=meeting, members=members, shown=shown, initial={"query": query})
    else:
        # A refused add keeps the case that was chosen on offer, selected, whatever the list shows now.
        chosen = getattr(form, "cleaned_data", {}).get("case")
        if chosen is not None and chosen not in shown:
            shown = [chosen, *shown]
        form.fields["case"].widget.choices = [(case.public_id, case_label(case)) for case in shown]
    return {
        "agenda_form": form,
        "search_form": AgendaSearchForm(initial={"q": query}),
        "candidates_query": query,
        "candidates": shown,
        "more_candidates": more,
        "too_short": too_short,
    }


@require_GET
def meeting_detail(request, public_id):
    meeting = get_meeting(request.user, public_id)
    return render(request, DETAIL, _detail_context(request, meeting))


def _agenda_response(
    request: HtmxHttpRequest, meeting: Meeting, *, form=None, status=200, notice: str = ""
) -> HttpResponse:
    """After an agenda change: the agenda partial for htmx (200 with NOTICE when refused, so that htmx swaps it),
    a 303 back to the page otherwise (the page itself, with STATUS, when the form or NOTICE has something to say)."""
    if request.htmx:
        context = _detail_context(request, meeting, agenda_form=form, agenda_notice=notice)
        return render(request, f"{DETAIL}#agenda", context, status=200 if notice else status)
    if form is not None or notice:
        context = _detail_context(request, meeting, agenda_form=form, agenda_notice=notice)
        return render(request, DETAIL, context, status=status)
    return HttpResponseRedirect(meeting.get_absolute_url() + "#agenda", status=303)


@require_POST
def agenda_search(request: HtmxHttpRequest, public_id):
    """Find cases to add by patient name or hospital number: the candidates partial for htmx, the page otherwise."""
    meeting = get_meeting(request.user, public_id, Action.MANAGE_MEETINGS)
    if not meeting.is_open:
        return _refused(request, meeting, services.MeetingError("The meeting is closed: its agenda is the record."))
    form = AgendaSearchForm(request.POST)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if request.htmx:
        context = {"meeting": meeting, **_candidates_context(meeting, list(board_members()), query)}
        return render(request, f"{DETAIL}#agenda-candidates", context)
    return render(request, DETAIL, _detail_context(request, meeting, query=query))


@require_POST
def agenda_add(request: HtmxHttpRequest, public_id):
    meeting = get_meeting(request.user, public_id, Action.MANAGE_MEETINGS)
    form = AgendaAddForm(request.POST, meeting=meeting, members=list(board_members()), shown=[])
    if not form.is_valid():
        return _agenda_response(request, meeting, form=form, status=invalid_status(request))
    try:
        services.add_to_agenda(
            meeting, form.cleaned_data["case"], form.cleaned_data["presenter"], form.cleaned_data["planned_minutes"]
        )
    except services.MeetingError as exc:
        form.add_error(None, str(exc))
        return _agenda_response(request, meeting, form=form, status=invalid_status(request))
    return _agenda_response(request, meeting)


GONE_ITEM = "This case was taken off the agenda in another window: nothing was changed. The agenda below is current."


@require_POST
def agenda_move(request: HtmxHttpRequest, public_id, item_id):
    meeting, item = get_item_if_any(request.user, public_id, item_id, Action.MANAGE_MEETINGS)
    if item is None:
        return _agenda_response(request, meeting, notice=GONE_ITEM, status=409)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose up or down.", status=422)
    try:
        services.move_item(item, form.cleaned_data["direction"])
    except services.MeetingError as exc:
        return _refused(request, item.meeting, exc)
    return _agenda_response(request, item.meeting)


@require_POST
def agenda_remove(request: HtmxHttpRequest, public_id, item_id):
    meeting, item = get_item_if_any(request.user, public_id, item_id, Action.MANAGE_MEETINGS)
    if item is None:
        return _agenda_response(request, meeting, notice=GONE_ITEM, status=409)
    try:
        services.remove_item(item)
    except services.MeetingError as exc:
        return _refused(request, item.meeting, exc)
    return _agenda_response(request, item.meeting)


def _refused(request: HtmxHttpRequest, meeting: Meeting, exc: Exception) -> HttpResponse:
    """A change the meeting's state does not allow: say why; nothing changed."""
    messages.error(request, str(exc))
    if request.htmx:
        return HttpResponseClientRedirect(meeting.get_absolute_url())
    return HttpResponseRedirect(meeting.get_absolute_url(), status=303)


@require_POST
def meeting_status(request: HtmxHttpRequest, public_id):
    meeting = get_meeting(request.user, public_id, Action.MANAGE_MEETINGS)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Unknown transition.", status=422)
    try:
        meeting = services.change_status(meeting, form.cleaned_data["transition"])
    except services.UndecidedItems:
        # Closing with cases undecided: the closing page lists them and settles each one.
        return HttpResponseRedirect(reverse("meetings:close", kwargs={"public_id": meeting.public_id}), status=303)
    except services.MeetingError as exc:
        return _refused(request, meeting, exc)
    messages.success(request, f"The meeting is {meeting.get_status_display().lower()}.")
    target = meeting.get_absolute_url()
    if form.cleaned_data["transition"] == "start":
        target = reverse("meetings:present", kwargs={"public_id": meeting.public_id})
    return HttpResponseRedirect(target, status=303)


@require_POST
def standing_members_save(request: HtmxHttpRequest, public_id):
    """Make the members on this meeting's list the standing members of its series."""
    meeting = get_meeting(request.user, public_id, Action.MANAGE_MEETINGS)
    try:
        count = services.save_standing_members(meeting)
    except services.MeetingError as exc:
        return _refused(request, meeting, exc)
    messages.success(
        request, f"{count} member{'s' if count != 1 else ''} saved as the standing members of {meeting.series}."
    )
    return HttpResponseRedirect(meeting.get_absolute_url() + "#attendance", status=303)


@require_http_methods(["GET", "POST"])
def meeting_close(request: HtmxHttpRequest, public_id):
    """Close the meeting: first defer each undecided case to a later meeting or mark it not discussed."""
    meeting = get_meeting(request.user, public_id, Action.MANAGE_MEETINGS)
    if not meeting.is_in_progress:
        return _refused(request, meeting, services.MeetingError("Only a meeting in progress can close."))
    undecided = services.undecided_items(meeting)
    later = services.later_meetings(meeting)
    form = CloseForm(request.POST or None, items=undecided, later=later)
    context = {"meeting": meeting, "form": form, "later": later}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "meetings/meeting_close.html", context, status=invalid_status(request))
        try:
            services.close_meeting(meeting, form.settlements())
        except services.UndecidedItems as exc:
            # Another case became undecided (or a draft appeared) meanwhile: settle it too.
            form = CloseForm(request.POST, items=exc.items + undecided, later=later)
            form.is_valid()
            context.update(form=form, error=str(exc))
            return render(request, "meetings/meeting_close.html", context, status=409)
        except services.MeetingError as exc:
            context["error"] = str(exc)
            return render(request, "meetings/meeting_close.html", context, status=409)
        messages.success(request, "The meeting is closed.")
        return HttpResponseRedirect(meeting.get_absolute_url(), status=303)
    return render(request, "meetings/meeting_close.html", context)


def _attendance_response(
    request: HtmxHttpRequest, meeting: Meeting, *, form=None, status=200, notice: str = ""
) -> HttpResponse:
    """After an attendance change: the attendance partial for htmx (200, so that htmx swaps it, with NOTICE
    saying what was refused), the page otherwise (STATUS: a refused change is not a success)."""
    if request.htmx:
        context = {"meeting": meeting, "may_manage": meeting.is_open}
        context.update(_attendance_context(meeting, list(board_members()), form, notice))
        return render(request, f"{DETAIL}#attendance", context)
    if form is not None or notice:
        context = _detail_context(request, meeting, attendance_form=form, attendance_notice=notice)
        return render(request, DETAIL, context, status=status)
    return HttpResponseRedirect(meeting.get_absolute_url() + "#attendance", status=303)


@require_POST
def attendance_add(request: HtmxHttpRequest, public_id):
    meeting = get_meeting(request.user, public_id, Action.MANAGE_MEETINGS)
    attendances = list(meeting.attendances.all())
    form = AttendanceForm(
        request.POST,
        meeting=meeting,
        members=list(board_members()),
        attendances=attendances,
        frozen=services.is_attendance_frozen(meeting),
    )
    if not form.is_valid():
        return _attendance_response(request, meeting, form=form, status=invalid_status(request))
    try:
        services.add_attendance(meeting, **form.cleaned_data, author=request.user)
    except services.AttendanceFrozen as exc:
        # Signed meanwhile: the form comes back with the reason field, and says why.
        form = AttendanceForm(
            request.POST, meeting=meeting, members=list(board_members()), attendances=attendances, frozen=True
        )
        form.is_valid()
        form.add_error("reason", str(exc))
        return _attendance_response(request, meeting, form=form, status=409)
    except services.MeetingError as exc:
        return _refused(request, meeting, exc)
    return _attendance_response(request, meeting)


GONE_MEMBER = "This member was taken off the list in another window: nothing was changed. The list below is current."


@require_POST
def attendance_update(request: HtmxHttpRequest, public_id, attendance_id):
    """Mark a member in the room, remote or absent (with a reason once a decision is signed: an amendment)."""
    meeting, attendance = get_attendance(request.user, public_id, attendance_id, Action.MANAGE_MEETINGS)
    if attendance is None:
        return _attendance_response(request, meeting, notice=GONE_MEMBER, status=409)
    form = PresentForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Say in the room, remote or absent.", status=422)
    present, remote = form.state()
    try:
        services.mark_attendance(attendance, present, remote, reason=form.cleaned_data["reason"], author=request.user)
    except services.AttendanceFrozen as exc:
        return _attendance_response(request, meeting, notice=str(exc), status=409)
    except services.MeetingError as exc:
        return _refused(request, meeting, exc)
    return _attendance_response(request, meeting)


@require_POST
def attendance_remove(request: HtmxHttpRequest, public_id, attendance_id):
    meeting, attendance = get_attendance(request.user, public_id, attendance_id, Action.MANAGE_MEETINGS)
    if attendance is None:
        return _attendance_response(request, meeting, notice=GONE_MEMBER, status=409)
    try:
        services.remove_attendance(attendance)
    except services.AttendanceFrozen as exc:
        return _attendance_response(request, meeting, notice=str(exc), status=409)
    except services.MeetingError as exc:
        return _refused(request, meeting, exc)
    return _attendance_response(request, meeting)


# --- meeting mode ----------------------------------------------------------------------------------


def present_url(item: AgendaItem) -> str:
    return reverse("meetings:present_item", kwargs={"public_id": item.meeting.public_id, "item_id": item.public_id})


@require_GET
def present_start(request, public_id):
    """Open meeting mode at the first case without a signed decision (the first case when all have one)."""
    meeting = get_meeting(request.user, public_id)
    items = agenda_items(meeting)
    if not items:
        messages.info(request, "The agenda is empty: add cases before presenting the meeting.")
        return redirect(meeting)
    first = next((item for item in items if item.decision_status != DecisionStatus.SIGNED), items[0])
    first.meeting = meeting
    return redirect(present_url(first))


@require_GET
def present_item(request: HtmxHttpRequest, public_id, item_id):
    """Meeting mode: one case on the shared screen with its assessment and the decision form.

    The chair's visit moves the members who follow the chair (`?follow=1`); htmx asking for `?part=panel`
    gets the decision panel only (a follower's refresh after a save or a signature).
    """
    meeting = get_meeting(request.user, public_id)
    context = _present_context(request, meeting, item_id)
    item = context["item"]
    if request.user.pk == meeting.chair_id and meeting.current_item_id != item.pk and meeting.is_in_progress:
        services.touch_room(meeting, item)
    if request.htmx and request.GET.get("part") == "panel":
        return render(request, f"{PRESENT}#decision-panel", {**context, "oob": True})
    return render(request, PRESENT, context)


# A follower asks every second; the answer is a few bytes without patient data. Unchanged: 304 (If-None-Match).
FOLLOW_POLL_SECONDS = 1
# htmx stops polling on this status: the meeting is closed, there is nothing left to follow.
STOP_POLLING = 286


def _room_state(request, public_id) -> tuple | None:
    """Return (room_version, the chair's current item's public id, status) of the meeting, in one query."""
    if not hasattr(request, "_room_state"):
        request._room_state = (
            Meeting.objects.filter(public_id=public_id)
            .values_list("room_version", "current_item__public_id", "status")
            .first()
        )
    return request._room_state


def _room_etag(request, public_id) -> str | None:
    # Checked here too: the ETag is compared (and 304 answered) before the view body runs.
    if not can(request.user, Action.VIEW_PATIENT_DATA):
        return None
    remember_follower(request.session.session_key, request.user.pk)  # its next poll: one statement
    state = _room_state(request, public_id)
    return room_etag(*state) if state else None


@without_patient_data
@require_GET
@condition(etag_func=_room_etag)
def meeting_follow(request: HtmxHttpRequest, public_id):
    """Tell a follower's page what changed in the room since the version it shows (`?item=…&v=…`).

    Polling with conditional requests rather than server-sent events: each poll is a short ordinary request,
    so it passes any reverse proxy unchanged and holds no gunicorn sync worker open (one open SSE stream per
    follower would take a worker each). The browser revalidates with the ETag; an idle room answers 304
    before the middleware stack, from one statement (cases/meetings/follow.py, bench/follow.py). A new case of
    the chair's: HX-Location to it; a saved or signed decision: the `room-changed` event, on which the page
    reloads its decision panel.
    """
    require(request.user, Action.VIEW_PATIENT_DATA)
    state = _room_state(request, public_id)
    if state is None:
        raise Http404("No such meeting.")
    version, current, status = state
    if status == MeetingStatus.CLOSED:
        return HttpResponse(status=STOP_POLLING)
    form = FollowForm(request.GET)
    response = HttpResponse(b"", content_type="text/plain")
    if form.is_valid():
        shown_item, shown_version = form.cleaned_data["item"], form.cleaned_data["v"]
        if current is not None and current != shown_item:
            url = reverse("meetings:present_item", kwargs={"public_id": public_id, "item_id": current})
            response["HX-Location"] = json.dumps(
                {"path": f"{url}?follow=1", "target": "#main", "select": "#main", "swap": "outerHTML"}
            )
        elif version != shown_version:
            response["HX-Trigger"] = "room-changed"
    # Revalidated at every poll, kept by this browser only; the answer holds no patient data.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _present_context(request, meeting: Meeting, item_id, guideline=None, result=None, **panel) -> dict:
    """Build meeting mode's context; a caller that already assessed the case passes GUIDELINE and RESULT."""
    if guideline is None:
        guideline, core = guideline_versions.active_content()
    else:
        core = guideline_versions.active_quorum()
    items = with_item_urls(meeting, agenda_items(meeting))
    index = next((n for n, item in enumerate(items) if item.public_id == item_id), None)
    if index is None:
        raise Http404("No such item on this meeting's agenda.")
    item = items[index]
    item.meeting = meeting
    attendances = list(meeting.attendances.select_related("user"))
    day = timezone.localdate(meeting.scheduled_at)
    result = result or assess(item.case, guideline, on=day)
    context = {
        "meeting": meeting,
        "items": items,
        "item": item,
        "number": index + 1,
        "previous": items[index - 1] if index > 0 else None,
        "next": items[index + 1] if index + 1 < len(items) else None,
        "case": item.case,
        "patient": item.case.patient,
        "age": age_text(item.case.patient, day, meeting_day=True),
        "header_facts": header_facts(item.case, result.assessment, years_text(item.case.patient, day), day),
        "readiness": readiness(item.case, result),
        "without_findings": not item.case.has_findings(),
        "result": result,
        "findings": findings_by_step(item.case),
        "quorum": quorum(attendances, core),
        "may_change_status": can(request.user, Action.MANAGE_MEETINGS),
        "following": request.GET.get("follow") == "1" and request.user.pk != meeting.chair_id,
        "is_chair": request.user.pk == meeting.chair_id,
        "follow_seconds": FOLLOW_POLL_SECONDS,
    }
    context.update(_panel_context(request, item, result, guideline, **panel))
    return context


def _panel_context(request, item: AgendaItem, result, guideline, *, form=None, formset=None, **extra) -> dict:
    """The decision panel: the chain of versions, and the form, sign or amend controls that apply."""
    versions = list(
        item.decisions.select_related("author", "signed_by").prefetch_related("actions").order_by("version")
    )
    head = versions[-1] if versions else None
    may_record = can(request.user, Action.RECORD_DECISIONS) and not item.meeting.is_planned
    may_sign = can(request.user, Action.SIGN_DECISIONS)
    recommendations = result.assessment.recommendations if result.assessment else ()
    if form is None and may_record and result.assessment and (head is None or not head.is_signed):
        initial, actions = decision_initial(recommendations, head, item.case)
        form = DecisionForm(
            initial=initial, recommendations=recommendations, without_findings=not item.case.has_findings()
        )
        formset = follow_up_formset(actions=actions)
    return {
        "item": item,
        "versions": versions,
        "head": head,
        "form": form,
        "formset": formset,
        "may_record": may_record,
        "may_sign": may_sign,
        # What the panel offers: the states of the decision, named here rather than nested in the template.
        "may_amend": may_record and head is not None and head.is_signed,
        "may_sign_draft": may_sign and head is not None and not head.is_signed,
        "why_no_decision": _why_no_decision(item, result) if head is None and form is None else "",
        "board_options": board_order(recommendations),
        "snapshot_stale": bool(head and not head.is_signed and result.assessment and _snapshot_differs(head, result)),
        "amend_form": extra.pop("amend_form", None) or AmendForm(),
        "sign_form": extra.pop("sign_form", None) or SignForm(),
        "sign_early": timezone.now() < item.meeting.scheduled_at,
        **extra,
    }


def _why_no_decision(item: AgendaItem, result) -> str:
    """Say why the panel shows neither a decision nor the form."""
    if item.meeting.is_planned:
        return "Decisions are recorded once the meeting has started."
    if result.assessment is None:
        return "The findings contradict each other: correct them on the pathway before recording a decision."
    return "No decision recorded yet. Clinicians and the chair record it."


def _snapshot_differs(decision: Decision, result) -> bool:
    return decision.engine_snapshot != assessment_to_dict(result.assessment)


def _panel_response(
    request: HtmxHttpRequest, item: AgendaItem, *, status=200, guideline=None, result=None, **panel
) -> HttpResponse:
    """Answer a decision POST: the panel for htmx, the whole page otherwise (errors, conflicts)."""
    context = _present_context(request, item.meeting, item.public_id, guideline, result, **panel)
    context["oob"] = bool(request.htmx)
    template = f"{PRESENT}#decision-panel" if request.htmx else PRESENT
    return render(request, template, context, status=200 if request.htmx else status)


@require_POST
def decision_save(request: HtmxHttpRequest, public_id, item_id):
    """Record the board's decision on the item as a draft (a new one, or the draft being edited)."""
    meeting, item = get_item_if_any(request.user, public_id, item_id, Action.RECORD_DECISIONS)
    if item is None:
        return _gone_from_meeting_mode(request, meeting)
    guideline = guideline_versions.active_guideline()
    result = assess(item.case, guideline)
    # Recording a decision does not change the findings: every answer below reuses this one evaluation.
    assessed = {"guideline": guideline, "result": result}
    if result.assessment is None:
        return _panel_response(request, item, status=422, **assessed)
    form = DecisionForm(
        request.POST,
        recommendations=result.assessment.recommendations,
        without_findings=not item.case.has_findings(),
    )
    formset = follow_up_formset(request.POST)
    if not (form.is_valid() & formset.is_valid()):
        return _panel_response(request, item, status=422, form=form, formset=formset, **assessed)
    if form.cleaned_data["case_version"] != item.case.version:
        # The options were shown for findings that have changed since: the board must look again.
        carry(form, "case_version", item.case.version)
        form.add_error(
            None,
            "The findings of this case were changed while this form was open, so the options may have changed. "
            "Check the outcomes below against the current assessment and save again.",
        )
        return _panel_response(request, item, status=409, form=form, formset=formset, **assessed)
    try:
        services.record_decision(
            item,
            decision_content(form, formset),
            assessment=result.assessment,
            guideline=guideline,
            loaded_lock_version=form.cleaned_data["lock_version"],
            user=request.user,
        )
    except services.DecisionConflict as exc:
        conflict = _conflict(form, formset, exc.current)
        return _panel_response(request, item, status=409, form=form, formset=formset, conflict=conflict, **assessed)
    except services.MeetingError as exc:
        form.add_error(None, str(exc))
        return _panel_response(request, item, status=409, form=form, formset=formset, **assessed)
    if not request.htmx:
        return HttpResponseRedirect(present_url(item) + "#decision-panel", status=303)
    return _panel_response(request, item, saved=True, **assessed)


def _gone_from_meeting_mode(request: HtmxHttpRequest, meeting: Meeting) -> HttpResponse:
    """The case was taken off the agenda while meeting mode showed it: say so, and open the meeting's first case."""
    messages.warning(request, "That case was taken off the agenda in another window: nothing was saved.")
    target = reverse("meetings:present", kwargs={"public_id": meeting.public_id})
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target, status=303)


def _conflict(form: DecisionForm, formset, theirs: Decision) -> Conflict:
    """Describe the other save: who, when, and where their values differ from the ones typed here."""
    mine = {o["code"]: o for o in form.outcomes()}
    stored = {o["code"]: o for o in theirs.outcomes}
    differences = []
    for code, outcome in mine.items():
        other = stored.get(code, {})
        if (outcome["outcome"], outcome["reason"]) != (other.get("outcome"), other.get("reason")):
            differences.append(
                {
                    "label": outcome["title"],
                    "mine": _outcome_text(outcome),
                    "theirs": _outcome_text(other) if other else "—",
                }
            )
    if form.cleaned_data["plan"] != theirs.plan:
        differences.append({"label": "Plan", "mine": form.cleaned_data["plan"], "theirs": theirs.plan})
    if form.cleaned_data["treatment_intent"] != theirs.treatment_intent:
        differences.append(
            {
                "label": "Treatment intent",
                "mine": TreatmentIntent(form.cleaned_data["treatment_intent"]).label,
                "theirs": theirs.get_treatment_intent_display() or "—",
            }
        )
    if form.cleaned_data["rediscuss"] != theirs.rediscuss:
        yes_no = {True: "Yes", False: "No"}
        differences.append(
            {"label": "Re-discuss", "mine": yes_no[form.cleaned_data["rediscuss"]], "theirs": yes_no[theirs.rediscuss]}
        )
    my_actions = [_action_text(row) for row in formset.cleaned_data if row.get("what")]
    their_actions = [
        _action_text({"what": a.what, "owner": a.owner, "due_date": a.due_date}) for a in theirs.actions.all()
    ]
    if my_actions != their_actions:
        differences.append(
            {
                "label": "Follow-up actions",
                "mine": "; ".join(my_actions) or "—",
                "theirs": "; ".join(their_actions) or "—",
            }
        )
    if theirs.is_signed:
        return conflict(display_name(theirs.signed_by), theirs.signed_at, differences, signed=True)
    carry(form, "lock_version", theirs.lock_version)
    return conflict(display_name(theirs.author), theirs.recorded_at, differences)


def _outcome_text(outcome: dict) -> str:
    text = str(outcome["outcome"]).capitalize()
    return f"{text}: {outcome['reason']}" if outcome.get("reason") else text


def _action_text(row: dict) -> str:
    due = f" by {row['due_date']:%d %b %Y}" if row.get("due_date") else ""
    return f"{row['what']} ({row['owner']}{due})"


@require_POST
def decision_sign(request: HtmxHttpRequest, public_id):
    """Sign a draft decision as chair: it becomes final and immutable."""
    decision = get_decision(request.user, public_id, Action.SIGN_DECISIONS)
    item = decision.agenda_item
    form = SignForm(request.POST, decision=decision)
    if not form.is_valid():
        return _panel_response(request, item, status=422, sign_error=form.error_text(), sign_form=form)
    try:
        services.sign_decision(
            decision, request.user, form.cleaned_data["lock_version"], early_reason=form.cleaned_data["early_reason"]
        )
    except services.MeetingError as exc:
        return _panel_response(request, item, status=409, sign_error=str(exc))
    except services.DecisionConflict as exc:
        message = (
            f"Version {exc.current.version} was already signed."
            if exc.current.is_signed
            else "The draft was changed after you opened it. Read it again before signing: nothing was signed."
        )
        return _panel_response(request, item, status=409, sign_error=message)
    if not request.htmx:
        return HttpResponseRedirect(present_url(item) + "#decision-panel", status=303)
    return _panel_response(request, item, signed=True)


@require_POST
def decision_amend(request: HtmxHttpRequest, public_id):
    """Start an amendment of a signed decision: a new draft version with the reason for the change."""
    decision = get_decision(request.user, public_id, Action.RECORD_DECISIONS)
    item = decision.agenda_item
    form = AmendForm(request.POST)
    if not form.is_valid():
        return _panel_response(request, item, status=422, amend_form=form)
    try:
        services.amend_decision(decision, request.user, form.cleaned_data["reason"])
    except services.DecisionConflict:
        form.add_error(None, "This version has already been amended or is not signed: nothing was changed.")
        return _panel_response(request, item, status=409, amend_form=form)
    if not request.htmx:
        return HttpResponseRedirect(present_url(item) + "#decision-panel", status=303)
    return _panel_response(request, item, amended=True)


@require_GET
def decision_detail(request, public_id):
    """The record of one decision version as signed (or drafted): stored engine output, hash, chain."""
    decision = get_decision(request.user, public_id)
    item = decision.agenda_item
    versions = list(item.decisions.select_related("author", "signed_by").order_by("version"))
    context = {
        "decision": decision,
        "item": item,
        "meeting": item.meeting,
        "case": item.case,
        "patient": item.case.patient,
        "versions": versions,
        "actions": list(decision.actions.all()),
        # The stored engine output, rendered by the same panel as a live assessment (pathways/_assessment.html).
        "snapshot": {"assessment": decision.engine_snapshot, "errors": ()},
        # The same checks as manage.py verify_records, for this decision (the reports app's, named in settings).
        "integrity_problems": import_string(settings.SIGNED_RECORD_VERIFIER)(decision) if decision.is_signed else [],
        "present_url": present_url(item),
        "guideline_parameters": sorted(decision.guideline_parameters.items()),
        # The letters to the GP and the referrer, and when they were sent (the reports app's, named in settings).
        "letters": import_string(settings.DECISION_LETTERS_PANEL)(request.user, decision)
        if decision.is_signed
        else None,
        # What became of each treatment decided (issue 20): recorded afterwards, outside the signed content.
        "treatments": decision_treatments(request.user, decision) if decision.is_signed else None,
    }
    return render(request, "meetings/decision_detail.html", context)
