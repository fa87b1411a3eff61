"""The impact preview of a guideline version: counts for whoever weighs a draft, the changed cases for clinicians.

A content editor sees counts only (the page, its JSON): no case, patient or decision is named, because the
role sees no patient data. Clinicians and chairs also get the list of the cases that change, with links to
them. Computing is a background job (POST); the page follows its progress and then shows the result.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from cases.access import Action, can, require
from cases.htmx import HtmxHttpRequest
from cases.pathways import guideline_versions
from cases.pathways.content import option_titles
from cases.pathways.impact import changes_text, describe
from cases.pathways.models import GuidelineImpactCase, GuidelineVersion
from cases.pathways.tasks import compute_guideline_impact

CASES_PER_PAGE = 50


def _version(user, pk) -> GuidelineVersion:
    require(user, Action.PREVIEW_GUIDELINE_IMPACT)
    return get_object_or_404(GuidelineVersion, pk=pk)


def impact_url(version: GuidelineVersion) -> str:
    return reverse("pathways:impact", kwargs={"pk": version.pk})


@require_http_methods(["GET", "POST"])
def impact(request: HtmxHttpRequest, pk):
    """The version's impact preview (GET); compute it anew (POST, drafts only), then follow its progress."""
    version = _version(request.user, pk)
    if request.method == "POST":
        try:
            guideline_versions.start_impact_preview(version, request.user, compute_guideline_impact)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            context = _context(request, version, guideline_versions.preview_state(version, count_changed_cases=True))
            return render(request, "pathways/impact.html", context, status=409)
        return HttpResponseRedirect(impact_url(version), status=303)
    state = guideline_versions.preview_state(version, count_changed_cases=True)
    if request.htmx:
        # The running preview's poll: its progress, or the whole page once the result is there.
        if not state.is_running:
            return HttpResponseClientRefresh()
        return render(request, "pathways/impact.html#status", _context(request, version, state))
    return render(request, "pathways/impact.html", _context(request, version, state))


def _context(request, version: GuidelineVersion, state: guideline_versions.PreviewState) -> dict:
    preview = state.preview
    titles = option_titles(request)
    return {
        "version": version,
        "state": state,
        "preview": preview,
        "summary": describe(preview.result, titles) if preview is not None and preview.is_finished else None,
        "thresholds": _threshold_rows(preview) if preview is not None else [],
        "percent": _percent(preview),
        "may_compute": version.is_editable,
        "may_activate": version.is_editable
        and request.user.is_staff
        and request.user.has_perm("pathways.change_guidelineversion"),
        "may_list_cases": can(request.user, Action.LIST_IMPACTED_CASES),
    }


def _threshold_rows(preview) -> list[tuple[str, str, str]]:
    """(label, baseline value, draft value) of every threshold the preview compared that differs."""
    rows = []
    for name, before in preview.baseline_thresholds.items():
        after = preview.version_thresholds.get(name)
        if before != after:
            rows.append((str(GuidelineVersion._meta.get_field(name).verbose_name), f"{before:g}", f"{after:g}"))
    return rows


def _percent(preview) -> int:
    job = preview.job if preview is not None else None
    if job is None or not job.progress_total:
        return 0
    return round(100 * job.progress_done / job.progress_total)


@require_GET
def impact_json(request, pk):
    """The version's newest preview as JSON: the thresholds compared and the counts, never a case."""
    version = _version(request.user, pk)
    state = guideline_versions.preview_state(version)
    preview = state.preview
    data = {
        "version": {"id": version.pk, "name": version.name, "status": version.status},
        "state": state.state,
        "stale_because": list(state.why),
    }
    if preview is not None:
        data |= {
            "draft": {"name": preview.version_name, "thresholds": preview.version_thresholds},
            "baseline": {"name": preview.baseline_name, "thresholds": preview.baseline_thresholds},
            "requested_at": preview.created_at.isoformat(),
            "finished_at": preview.finished_at.isoformat() if preview.finished_at else None,
            "result": preview.result,
        }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


class CasePageForm(forms.Form):
    """The list's position: after the row with this number (the link "Next" carries it)."""

    after = forms.IntegerField(min_value=0, required=False)


@require_GET
def impact_cases(request, pk):
    """The open cases whose assessment the newest preview of the version changes, a page at a time."""
    require(request.user, Action.LIST_IMPACTED_CASES)
    version = get_object_or_404(GuidelineVersion, pk=pk)
    state = guideline_versions.preview_state(version)
    preview = state.preview if state.preview is not None and state.preview.is_finished else None
    form = CasePageForm(request.GET)
    after = form.cleaned_data["after"] if form.is_valid() and form.cleaned_data["after"] else 0
    rows, total, next_after = [], 0, None
    if preview is not None:
        changed = GuidelineImpactCase.objects.filter(impact=preview)
        total = changed.count()
        page = list(changed.filter(pk__gt=after).select_related("case__patient").order_by("pk")[: CASES_PER_PAGE + 1])
        if len(page) > CASES_PER_PAGE:
            page, next_after = page[:CASES_PER_PAGE], page[CASES_PER_PAGE - 1].pk
        titles = option_titles(request)
        rows = [(row.case, changes_text(row.changes, titles)) for row in page]
    context = {
        "version": version,
        "state": state,
        "preview": preview,
        "form": form,
        "rows": rows,
        "total": total,
        "first_page": after == 0,
        "next_after": next_after,
    }
    return render(request, "pathways/impact_cases.html", context)
