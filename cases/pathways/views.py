"""The pathway: one page per step with its form, the step rail and the live assessment panel.

Without JavaScript a step is a plain form: POST, then a 303 redirect to the next step. With htmx the
POST answers with the next step's form and out-of-band swaps of the rail and the assessment panel,
and pushes the next step's URL. A change to any field also posts to `preview`, which evaluates the
typed values without saving ("what if it were bilobar?").
"""

import copy

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from cases.access import Action, can
from cases.conflicts import Conflict, carry, conflict
from cases.htmx import HtmxHttpRequest
from cases.pathways.forms import ReadyForm, initial_for, label_of, step_form_class
from cases.pathways.readiness import readiness
from cases.pathways.services import NotReady, StepConflict, StepInvalid, assess, confirm_ready, save_step
from cases.pathways.steps import (
    STEPS,
    Step,
    findings_by_step,
    get_step,
    next_step,
    previous_step,
    rail,
    unknown_fields,
)
from cases.patients.access import get_case
from cases.patients.display import age_text, finding_display

TEMPLATE = "pathways/step.html"


def step_url(case, step: Step) -> str:
    return reverse("pathways:step", kwargs={"public_id": case.public_id, "slug": step.slug})


@require_GET
def pathway_start(request, public_id):
    """Open the first step that applies and still has gaps (the summary when none has)."""
    case = get_case(request.user, public_id)
    for step in STEPS:
        if step.fields and step.applies(case) and (step.slug not in case.step_versions or unknown_fields(case, step)):
            return redirect(step_url(case, step))
    return redirect(step_url(case, STEPS[-1]))


@require_http_methods(["GET", "POST"])
def step_view(request: HtmxHttpRequest, public_id, slug):
    """Show one step (GET) or save it (POST) and move on to the next step that applies."""
    step = get_step(slug)
    if request.method == "POST":
        case = get_case(request.user, public_id, Action.EDIT_FINDINGS)
        return _save(request, case, step)
    case = get_case(request.user, public_id)
    form = None
    if step.fields:
        form = step_form_class(step)(initial=initial_for(case, step), case=case, step=step)
    return render(request, TEMPLATE, _context(request, case, step, form))


@require_POST
def step_preview(request: HtmxHttpRequest, public_id, slug):
    """Evaluate the typed values of a step without saving them; answer the assessment panel only."""
    step = get_step(slug)
    case = get_case(request.user, public_id)
    form = step_form_class(step)(request.POST, case=case, step=step, check_plausibility=False) if step.fields else None
    candidate, invalid = case, False
    if form is not None:
        if form.is_valid():
            candidate = copy.copy(case)
            for name in step.fields:
                setattr(candidate, name, form.cleaned_data[name])
        else:
            invalid = True
    context = {
        "case": case,
        "result": assess(candidate, on=case.board_day()[0]),
        "preview": candidate is not case,
        "preview_invalid": invalid,
    }
    return render(request, f"{TEMPLATE}#assessment-panel", context)


def _save(request: HtmxHttpRequest, case, step: Step) -> HttpResponse:
    if not step.fields:
        return redirect(step_url(case, step))
    form = step_form_class(step)(request.POST, case=case, step=step)
    conflict = None
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in step.fields}
        try:
            case = save_step(case, step, values, form.cleaned_data["version"], request.user, form.confirmed_note())
        except StepConflict as exc:
            conflict = _conflict(form, exc, step)
            case = exc.case
        except StepInvalid as exc:
            for field_name, message in exc.errors:
                form.add_error(field_name if field_name in step.fields else None, message)
        else:
            return _after_save(request, case, step)
    context = _context(request, case, step, form, conflict=conflict)
    if request.htmx:
        # Only the form is swapped, and htmx does not swap 4xx answers by default: answer 200.
        return render(request, f"{TEMPLATE}#step-form", context)
    return render(request, TEMPLATE, context, status=409 if conflict else 422)


def _conflict(form, exc: StepConflict, step: Step) -> Conflict:
    """Describe the other person's save: who, when, and their values where they differ from ours."""
    theirs = exc.case
    differences = [
        {
            "label": label_of(name),
            "mine": finding_display(name, form.cleaned_data.get(name)),
            "theirs": finding_display(name, getattr(theirs, name)),
        }
        for name in step.fields
        if form.cleaned_data.get(name) != getattr(theirs, name)
    ]
    carry(form, "version", theirs.version)
    return conflict(exc.saved_by, exc.saved_at, differences)


def _after_save(request: HtmxHttpRequest, case, step: Step) -> HttpResponse:
    following = next_step(case, step)
    url = step_url(case, following)
    if not request.htmx:
        # 303: the browser follows with a GET, so a reload does not post the form again.
        return HttpResponseRedirect(url, status=303)
    form = None
    if following.fields:
        form = step_form_class(following)(initial=initial_for(case, following), case=case, step=following)
    context = _context(request, case, following, form, saved_step=step)
    html = "".join(
        render_to_string(f"{TEMPLATE}#{partial}", context, request=request)
        for partial in ("step-form", "assessment-oob", "rail-oob", "readiness-oob")
    )
    return push_url(HttpResponse(html), url)


def _context(request, case, step: Step, form, *, conflict=None, saved_step=None, ready_error="") -> dict:
    day, at_meeting = case.board_day()
    result = assess(case, on=day)
    state = readiness(case, result)
    return {
        "case": case,
        "patient": case.patient,
        "age": age_text(case.patient, day, at_meeting),
        "step": step,
        "form": form,
        "rail": rail(case, step),
        "result": result,
        "readiness": state,
        "may_confirm_ready": state.may_confirm and can(request.user, Action.REGISTER_PATIENTS),
        "ready_error": ready_error,
        "previous": previous_step(case, step),
        "next": next_step(case, step) if step.slug != "summary" else None,
        "may_edit": can(request.user, Action.EDIT_FINDINGS),
        "conflict": conflict,
        "saved_step": saved_step,
        "applies": step.applies(case),
        "readonly": [(label_of(name), finding_display(name, getattr(case, name), case)) for name in step.fields],
        "findings": findings_by_step(case) if step.slug == "summary" else None,
    }


@require_POST
def case_ready(request: HtmxHttpRequest, public_id):
    """Confirm in one click that a case whose work-up is complete is ready for the board (coordinators)."""
    case = get_case(request.user, public_id, Action.REGISTER_PATIENTS)
    form = ReadyForm(request.POST)
    summary = STEPS[-1]
    if not form.is_valid():
        context = _context(request, case, summary, None, ready_error="The confirmation was incomplete: try again.")
        return render(request, TEMPLATE, context, status=422)
    try:
        confirm_ready(case, form.cleaned_data["version"], request.user)
    except NotReady as exc:
        context = _context(request, exc.case, summary, None, ready_error=exc.message)
        return render(request, TEMPLATE, context, status=409)
    messages.success(request, "The case is ready for the board.")
    return HttpResponseRedirect(case.get_absolute_url(), status=303)
