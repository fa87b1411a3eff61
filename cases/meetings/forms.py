"""Forms of the meetings app. Each parses its input into domain values; views stay thin."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.forms.renderers import get_default_renderer
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cases import dates
from cases.access import Role
from cases.forms import DateInput, FreeTextField, NumberTextInput, shown
from cases.meetings.board import board_order
from cases.meetings.models import (
    MAX_MINUTES,
    MIN_MINUTES,
    AgendaItem,
    DecidedOption,
    DepartureCause,
    ImplementationStatus,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Outcome,
    TreatmentIntent,
    is_departure,
)
from cases.meetings.services import DecisionContent
from cases.meetings.tracking import TreatmentUpdate
from cases.pathways.engine import Recommendation, Verdict
from cases.patients.models import Case, CaseStatus
from cases.patients.search import patient_matches
from cases.people import display_name
from cases.specialties import Specialty

MAX_ACTIONS = 10
BLANK_ACTION_ROWS = 2
# Fields laid out in a table, whose column or row header names them on screen.
IN_TABLE = "forms/field_in_table.html"


def board_members():
    """Return the users who hold a board role, for presenter, chair and attendance choices."""
    roles = [Role.COORDINATOR, Role.CLINICIAN, Role.CHAIR]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class MemberChoiceField(forms.TypedChoiceField):
    """A choice among users given as a list, so one query serves several fields on a page."""

    def __init__(self, *, members: list, **kwargs):
        self.members = {str(user.pk): user for user in members}
        choices = [("", "—"), *((str(user.pk), display_name(user)) for user in members)]
        super().__init__(choices=choices, coerce=self.members.get, empty_value=None, **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.ModelForm):
    chair = UserChoiceField(
        queryset=get_user_model().objects.none(), help_text="Who chairs the meeting. Any chair may sign decisions."
    )

    new_series = FreeTextField(
        label="or start a new series",
        max_length=200,
        required=False,
        help_text="E.g. “Weekly si-NEN board”. Its standing members are saved from a meeting's attendance list.",
    )

    class Meta:
        model = Meeting
        fields = ["title", "scheduled_at", "location", "video_url", "chair", "series"]
        widgets = {"scheduled_at": DateTimeLocalInput}
        field_classes = {"scheduled_at": dates.DateTimeField, "title": FreeTextField, "location": FreeTextField}
        help_texts = {
            "video_url": "For members joining remotely (https://…).",
            "series": "A new meeting of a series starts with the series' standing members on its list, present.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=Role.CHAIR)
            .order_by("last_name", "first_name", "username")
        )
        self.fields["scheduled_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("new_series", "")
        if name and cleaned.get("series"):
            self.add_error("new_series", "Choose a series or name a new one, not both.")
        elif name and MeetingSeries.objects.filter(name=name).exists():
            self.add_error("new_series", f"A series named “{name}” exists: choose it above.")
        return cleaned

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        creating = self.instance.pk is None
        if creating and value < timezone.now() - timedelta(days=1):
            raise forms.ValidationError("A new meeting cannot be scheduled in the past.")
        return value


AGENDA_CHOICES = 10


class CaseChoices(forms.RadioSelect):
    template_name = "meetings/widgets/case_choices.html"


class AgendaAddForm(forms.Form):
    """Put a case on the agenda, chosen among the few cases shown (the ready shortlist or a search's results).

    The choice is checked against every open case not yet on this agenda (one indexed lookup), but only
    SHOWN cases are rendered: never a list of the whole table. `query` carries the search that found them, so
    a refused add shows the same cases again.
    """

    case = forms.ModelChoiceField(
        queryset=Case.objects.none(), to_field_name="public_id", label="Case", widget=CaseChoices
    )
    planned_minutes = forms.IntegerField(
        label="Minutes", min_value=MIN_MINUTES, max_value=MAX_MINUTES, initial=10, widget=NumberTextInput
    )
    query = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, meeting: Meeting, members: list, shown: list[Case], **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # only a POST checks the choice: building the query cost the meeting page a millisecond
            self.fields["case"].queryset = agenda_candidates(meeting)
        self.fields["case"].widget.choices = [(case.public_id, case_label(case)) for case in shown]
        self.fields["presenter"] = MemberChoiceField(members=members, required=False, label="Presenter")
        self.order_fields(["case", "presenter", "planned_minutes", "query"])


class AgendaSearchForm(forms.Form):
    """Find cases to add by the patient's name or hospital number (cases/patients/search.py); POSTed, so no
    name goes into a URL."""

    q = forms.CharField(
        label="Find a case by patient name or hospital number",
        max_length=100,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )


# What a candidate's label shows (case_label): not a case's sixty findings.
CANDIDATE_FIELDS = ["public_id", "status", "patient__family_name", "patient__given_name", "patient__hospital_number"]


def agenda_candidates(meeting: Meeting):
    """Cases that may go on MEETING's agenda: not closed, not already on it."""
    return Case.objects.exclude(status=CaseStatus.CLOSED).exclude(agenda_items__meeting=meeting)


def ready_shortlist(meeting: Meeting, limit: int = AGENDA_CHOICES) -> list[Case]:
    """Return the oldest LIMIT ready cases that are on no open meeting's agenda (this one included).

    One NOT EXISTS for both agendas (rather than agenda_candidates() and an exclude across the relation, two):
    the meeting page asks it at every load, and building the query cost more than running it.
    """
    open_statuses = [MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS]
    on_an_agenda = AgendaItem.objects.filter(
        Q(meeting=meeting) | Q(meeting__status__in=open_statuses), case=OuterRef("pk")
    )
    return list(
        Case.objects.filter(status=CaseStatus.READY)
        .filter(~Exists(on_an_agenda))
        .select_related("patient")
        .only(*CANDIDATE_FIELDS)
        .order_by("referral_date", "pk")[:limit]
    )


def search_candidates(meeting: Meeting, query: str, limit: int = AGENDA_CHOICES) -> tuple[list[Case] | None, bool]:
    """Return up to LIMIT cases for MEETING's agenda whose patient matches QUERY, ready ones first, and
    whether there were more; None when QUERY is too short to search (cases/patients/search.py)."""
    condition = patient_matches(query, "patient__")
    if condition is None:
        return None, False
    found = list(
        agenda_candidates(meeting)
        .filter(condition)
        .select_related("patient")
        .only(*CANDIDATE_FIELDS)
        .order_by("-status", "patient__search_name", "pk")[: limit + 1]
    )
    return found[:limit], len(found) > limit


def case_label(case: Case) -> str:
    p = case.patient
    return f"{p.family_name.upper()}, {p.given_name} ({p.hospital_number}) · {case.get_status_display()}"


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class StatusForm(forms.Form):
    transition = forms.ChoiceField(choices=[("start", "Start the meeting"), ("close", "Close the meeting")])


def amendment_reason_field() -> FreeTextField:
    return FreeTextField(
        label="Reason for the change",
        max_length=1000,
        help_text="A decision of this meeting is signed: a change of attendance now is an amendment, shown as such.",
    )


class AttendanceForm(forms.Form):
    """Add a member: a user of the app, or a guest by name; with the specialty they represent.

    Once the meeting has a signed decision (FROZEN), adding is an amendment and asks for its reason.
    """

    name = FreeTextField(label="or a guest's name", max_length=200, required=False)
    specialty = forms.ChoiceField(choices=[("", "Choose…"), *Specialty.choices])
    present = forms.BooleanField(required=False, initial=True, label="Present")
    remote = forms.BooleanField(required=False, label="Remote (video or telephone)")

    def __init__(self, *args, meeting: Meeting, members: list, attendances: list, frozen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.attendances = attendances
        self.fields["user"] = MemberChoiceField(members=members, required=False, label="Member")
        if frozen:
            self.fields["reason"] = amendment_reason_field()
        self.order_fields(["user", "name", "specialty", "present", "remote", "reason"])

    def clean(self):
        cleaned = super().clean()
        user, name = cleaned.get("user"), cleaned.get("name", "")
        if user is None and not name:
            self.add_error("user", "Choose a member or type a guest's name.")
        elif user is not None and name:
            self.add_error("name", "Choose a member or type a guest's name, not both.")
        elif user is not None and any(a.user_id == user.pk for a in self.attendances):
            self.add_error("user", f"{display_name(user)} is already on the list.")
        return cleaned


# A member's state: in the room, remote (both count toward the quorum), or absent.
ATTENDANCE_STATES = [("yes", "In the room"), ("remote", "Remote"), ("no", "Absent")]


class PresentForm(forms.Form):
    """Mark a member in the room, remote or absent; a REASON when the attendance is frozen (an amendment)."""

    present = forms.ChoiceField(choices=ATTENDANCE_STATES)
    reason = FreeTextField(max_length=1000, required=False)

    def state(self) -> tuple[bool, bool]:
        """Return (present, remote)."""
        value = self.cleaned_data["present"]
        return value != "no", value == "remote"


class CloseForm(forms.Form):
    """Settle each undecided case before the meeting closes: defer it to a later meeting, or not discussed."""

    NOT_DISCUSSED = "not_discussed"

    def __init__(self, *args, items: list, later: list[Meeting], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.later = {str(m.public_id): m for m in later}
        choices = [
            ("", "Choose…"),
            *((f"defer:{m.public_id}", f"Defer to {m}") for m in later),
            (self.NOT_DISCUSSED, "Not discussed at this meeting"),
        ]
        for item in items:
            patient = item.case.patient
            self.fields[f"settle_{item.public_id}"] = forms.ChoiceField(
                choices=choices,
                label=f"{patient.family_name.upper()}, {patient.given_name} ({patient.hospital_number})",
                error_messages={"required": "Defer this case to a later meeting or mark it not discussed."},
            )

    def rows(self) -> list[tuple]:
        return [(item, self[f"settle_{item.public_id}"]) for item in self.items]

    def settlements(self) -> dict[int, Meeting | None]:
        """Return {item pk: the meeting it is deferred to, or None for not discussed}."""
        settle = {}
        for item in self.items:
            value = self.cleaned_data[f"settle_{item.public_id}"]
            settle[item.pk] = None if value == self.NOT_DISCUSSED else self.later[value.removeprefix("defer:")]
        return settle


class FollowUpForm(forms.Form):
    """One row of the follow-up actions table: its column headers name the fields on screen."""

    what = FreeTextField(label="What", max_length=300, required=False, template_name=IN_TABLE)
    owner = FreeTextField(label="Who", max_length=200, required=False, template_name=IN_TABLE)
    due_date = dates.DateField(label="Due", required=False, widget=DateInput, template_name=IN_TABLE)

    def __init__(self, *args, number: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if number is not None:
            # A screen reader hears which row a field is in: "What, action 2".
            for field in self.fields.values():
                field.label = f"{field.label}, action {number}"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("what") and (cleaned.get("owner") or cleaned.get("due_date")):
            self.add_error("what", "Say what is to be done.")
        elif cleaned.get("what") and not cleaned.get("owner"):
            self.add_error("owner", "Say who does it.")
        return cleaned


class BaseFollowUpFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "number": None if index is None else index + 1}


FollowUpFormSet = forms.formset_factory(
    FollowUpForm,
    formset=BaseFollowUpFormSet,
    extra=0,
    max_num=MAX_ACTIONS,
    absolute_max=MAX_ACTIONS,
    validate_max=True,
)


class OutcomeRadios(forms.RadioSelect):
    """Accept / Modify / Reject as one row of labelled buttons, in one template (none per option).

    The renderer's Python writes the template's markup (`render`): meeting mode's form has an outcome for each
    of some twenty options and is re-rendered at every save. A renderer that writes every template (the tests'
    reference, cases.forms.FormRenderer.use_python) gets the template, which stays the reference
    (tests/meetings/test_decision_form_markup.py compares them).
    """

    template_name = "meetings/widgets/outcome_radios.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["invalid"] = context["widget"]["attrs"].get("aria-invalid") == "true"
        return context

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        renderer = renderer or get_default_renderer()
        if not getattr(renderer, "use_python", False):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        flags = f"{' required' if widget['required'] else ''}{' aria-invalid="true"' if widget['invalid'] else ''}"
        choices = "".join(
            f'<label class="outcome-choice choice-{shown(option["value"])}"><input type="radio" '
            f'name="{shown(option["name"])}" value="{shown(option["value"])}" '
            f'id="{shown(option["attrs"].get("id", ""))}"{" checked" if option["selected"] else ""}{flags}> '
            f"{shown(option['label'])}</label>"
            for _group, options, _index in widget["optgroups"]
            for option in options
        )
        return mark_safe(  # noqa: S308 (every value escaped as the template escapes it)
            f'<div class="outcome-choices" id="{shown(widget["attrs"].get("id", ""))}">{choices}</div>'
        )


OUTCOME_LABELS = {
    Outcome.ACCEPT: "Accept",
    Outcome.MODIFY: "Modify",
    Outcome.REJECT: "Reject",
}
VERDICT_WORDS = {
    Verdict.RECOMMENDED: "the engine recommends it",
    Verdict.CONSIDER: "the engine leaves it to the board",
    Verdict.NOT_RECOMMENDED: "the engine does not recommend it",
}
# The outcome that agrees with the engine; "consider" has none, so the board must choose.
AGREEING = {Verdict.RECOMMENDED: Outcome.ACCEPT, Verdict.NOT_RECOMMENDED: Outcome.REJECT}


class DecisionForm(forms.Form):
    """The board's decision on one case: an outcome per engine option, a plan, re-discussion.

    Built from the recommendations the engine gives *now*: the outcomes are validated against these
    verdicts and stored with them. A departure needs a reason (models.is_departure).
    """

    plan = FreeTextField(
        label="Plan",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the board recommends to the patient, in words the referrer can act on. Left blank, the plan "
        "is the options the board accepts or modifies, listed by the app.",
    )
    treatment_intent = forms.ChoiceField(
        label="Treatment intent",
        choices=TreatmentIntent.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the treatment intent: curative, palliative, surveillance or further work-up.",
            "invalid_choice": "“%(value)s” is not a treatment intent: choose curative, palliative, surveillance or "
            "further work-up.",
        },
        help_text="What the plan aims at; printed first on the outcome record.",
    )
    rediscuss = forms.BooleanField(label="Re-discuss at a later meeting", required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    case_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, recommendations: tuple[Recommendation, ...], without_findings: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendations = recommendations
        self.without_findings = without_findings
        if without_findings:
            # Six options shown as "consider" for a case with nothing recorded rest on nothing: say why anyway.
            self.fields["no_findings_reason"] = FreeTextField(
                label="Why the board decides without findings",
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="No finding is recorded for this case, so every option rests on unknown facts. Say why "
                "the board discussed it anyway (e.g. “referral question only: arrange work-up”). Needed to sign.",
            )
        for rec in recommendations:
            self.fields[f"outcome_{rec.code}"] = forms.ChoiceField(
                label=rec.title,
                choices=list(OUTCOME_LABELS.items()),
                widget=OutcomeRadios,
                template_name=IN_TABLE,
                error_messages={"required": f"Choose whether the board accepts, modifies or rejects “{rec.title}”."},
            )
            self.fields[f"reason_{rec.code}"] = FreeTextField(
                label=f"Reason for “{rec.title}”",
                max_length=1000,
                required=False,
                widget=forms.TextInput(
                    attrs={"class": "form-control-sm", "placeholder": "Reason (needed for a departure)"}
                ),
                template_name=IN_TABLE,
            )

    def _row(self, rec: Recommendation) -> dict:
        return {"rec": rec, "outcome": self[f"outcome_{rec.code}"], "reason": self[f"reason_{rec.code}"]}

    def main_rows(self) -> list[dict]:
        """The options the engine recommends, then those it leaves to the board: always shown."""
        return [self._row(rec) for rec in board_order(self.recommendations) if rec.verdict != Verdict.NOT_RECOMMENDED]

    def other_rows(self) -> list[dict]:
        """The options the engine does not recommend: folded away unless the board touches one."""
        return [self._row(rec) for rec in self.recommendations if rec.verdict == Verdict.NOT_RECOMMENDED]

    def others_open(self) -> bool:
        for rec in self.recommendations:
            if rec.verdict != Verdict.NOT_RECOMMENDED:
                continue
            outcome, reason = self[f"outcome_{rec.code}"], self[f"reason_{rec.code}"]
            if outcome.errors or reason.errors or outcome.value() not in (None, Outcome.REJECT) or reason.value():
                return True
        return False

    def clean(self):
        cleaned = super().clean()
        for rec in self.recommendations:
            outcome = cleaned.get(f"outcome_{rec.code}")
            reason = cleaned.get(f"reason_{rec.code}", "")
            if outcome and not reason and is_departure(rec.verdict, outcome):
                self.add_error(f"reason_{rec.code}", departure_message(rec, outcome))
        if not cleaned.get("plan") and not self.errors:
            cleaned["plan"] = self.plan_from_outcomes()
            if not cleaned["plan"]:
                self.add_error("plan", "The board accepts no option: say what it recommends instead.")
        return cleaned

    def plan_from_outcomes(self) -> str:
        """Return the plan a blank plan stands for: the options accepted, then those modified with how."""
        accepted, modified = [], []
        for rec in self.recommendations:
            outcome = self.cleaned_data.get(f"outcome_{rec.code}")
            if outcome == Outcome.ACCEPT:
                accepted.append(rec.title)
            elif outcome == Outcome.MODIFY:
                modified.append(f"{rec.title} ({self.cleaned_data.get(f'reason_{rec.code}', '')})")
        parts = []
        if accepted:
            parts.append("The board accepts: " + "; ".join(accepted) + ".")
        if modified:
            parts.append("Modified: " + "; ".join(modified) + ".")
        return " ".join(parts)

    def outcomes(self) -> list[dict]:
        return [
            {
                "code": rec.code,
                "title": rec.title,
                "engine_verdict": rec.verdict.value,
                "outcome": self.cleaned_data[f"outcome_{rec.code}"],
                "reason": self.cleaned_data[f"reason_{rec.code}"],
            }
            for rec in self.recommendations
        ]


def departure_message(rec: Recommendation, outcome: str) -> str:
    verb = {Outcome.ACCEPT: "accepting", Outcome.MODIFY: "modifying", Outcome.REJECT: "rejecting"}[outcome]
    if outcome == Outcome.MODIFY:
        return f"Say how and why the board is modifying “{rec.title}”."
    return f"Give the reason for {verb} “{rec.title}”: {VERDICT_WORDS[rec.verdict]}."


def decision_initial(recommendations, decision, case: Case) -> tuple[dict, list[dict]]:
    """Return the decision form's initial data and the follow-up rows, from the draft or the engine."""
    initial: dict = {"case_version": case.version, "lock_version": decision.lock_version if decision else 0}
    stored = {o["code"]: o for o in decision.outcomes} if decision else {}
    for rec in recommendations:
        if rec.code in stored:
            initial[f"outcome_{rec.code}"] = stored[rec.code]["outcome"]
            initial[f"reason_{rec.code}"] = stored[rec.code]["reason"]
        elif rec.verdict in AGREEING:
            initial[f"outcome_{rec.code}"] = AGREEING[rec.verdict]
    actions = []
    if decision:
        initial["plan"] = decision.plan
        initial["rediscuss"] = decision.rediscuss
        initial["treatment_intent"] = decision.treatment_intent
        initial["no_findings_reason"] = decision.no_findings_reason or ""
        actions = [{"what": a.what, "owner": a.owner, "due_date": a.due_date} for a in decision.actions.all()]
    return initial, actions


def follow_up_formset(data=None, actions: list[dict] | None = None) -> forms.BaseFormSet:
    """Return the follow-up rows: the saved ones plus a couple of blank ones to fill in."""
    if data is not None:
        return FollowUpFormSet(data, prefix="actions")
    actions = actions or []
    blank = [{}] * min(BLANK_ACTION_ROWS, MAX_ACTIONS - len(actions))
    return FollowUpFormSet(initial=[*actions, *blank], prefix="actions")


def decision_content(form: DecisionForm, formset) -> DecisionContent:
    """Return the parsed content of a valid form and formset."""
    actions = [
        {"what": row["what"], "owner": row["owner"], "due_date": row["due_date"]}
        for row in formset.cleaned_data
        if row.get("what")
    ]
    return DecisionContent(
        outcomes=form.outcomes(),
        plan=form.cleaned_data["plan"],
        rediscuss=form.cleaned_data["rediscuss"],
        treatment_intent=form.cleaned_data["treatment_intent"],
        actions=actions,
        no_findings_reason=form.cleaned_data.get("no_findings_reason", ""),
    )


class SignForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    early_reason = FreeTextField(
        label="Reason for signing before the meeting",
        max_length=1000,
        required=False,
        help_text="The meeting's date and time have not come yet; the record keeps this reason.",
    )

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision

    def clean(self):
        cleaned = super().clean()
        decision = self.decision
        if decision is not None and not decision.no_findings_reason and not decision.agenda_item.case.has_findings():
            raise forms.ValidationError(
                "No finding is recorded for this case: the decision must say why the board decided without "
                "findings before it is signed. Give the reason in the decision form, save it, then sign."
            )
        early = decision is not None and timezone.now() < decision.agenda_item.meeting.scheduled_at
        if early and not cleaned.get("early_reason"):
            self.add_error(
                "early_reason",
                "The meeting has not reached its date and time: say why the decision is signed before it.",
            )
        return cleaned

    def error_text(self) -> str:
        """Return what stopped the signature, in one sentence."""
        if self.non_field_errors():
            return " ".join(self.non_field_errors())
        if self.has_error("early_reason"):
            return " ".join(self.errors["early_reason"])
        return "The signature form was incomplete."


class AmendForm(forms.Form):
    reason = FreeTextField(
        label="Reason for the amendment",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the signed decision is changed, e.g. new findings. The signed version stays on record.",
    )


class FollowForm(forms.Form):
    """What a follower's page shows: the agenda item and the room's version."""

    item = forms.UUIDField()
    v = forms.IntegerField(min_value=0)


class TreatmentForm(forms.Form):
    """What became of one planned treatment, a row of the follow-up worklist (meetings.tracking checks the rules
    that tie the fields together, e.g. a reason for "not done")."""

    status = forms.ChoiceField(label="Status", choices=ImplementationStatus.choices)
    happened_on = dates.DateField(label="Date", required=False, widget=DateInput)
    cause = forms.ChoiceField(label="Reason", choices=[("", "—"), *DepartureCause.choices], required=False)
    cause_text = FreeTextField(
        label="Details", max_length=DecidedOption._meta.get_field("cause_text").max_length, required=False
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The page the form was on, where a plain (non-htmx) post goes back to.
    back = forms.ChoiceField(choices=[("worklist", "worklist"), ("decision", "decision")], required=False,
                             widget=forms.HiddenInput)  # fmt: skip

    def update(self) -> TreatmentUpdate:
        """Return the parsed values (call after is_valid())."""
        data = self.cleaned_data
        return TreatmentUpdate(data["status"], data["happened_on"], data["cause"], data["cause_text"] or "")


class ActionDoneForm(forms.Form):
    """The date a follow-up action was done."""

    done_on = dates.DateField(label="Done on", widget=DateInput)


def meeting_choices(meetings: list[Meeting]) -> list[tuple[str, str]]:
    """The MEETINGS as a choice of meeting: its public id, and its title and time."""
    return [(str(m.public_id), str(m)) for m in meetings]


class BringBackForm(forms.Form):
    """The planned meeting a changed or not-done treatment's case is brought back to (the soonest by default)."""

    meeting = forms.TypedChoiceField(label="Meeting", coerce=str)

    def __init__(self, *args, meetings: list[Meeting], **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.public_id): m for m in meetings}
        self.fields["meeting"].choices = meeting_choices(meetings)

    def chosen(self) -> Meeting:
        return self.meetings[self.cleaned_data["meeting"]]
