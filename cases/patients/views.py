"""Patients and cases: lists, registration and editing. The case page, with its assessment and decisions, is
meetings.views.case_detail: it shows what the higher apps make of the case."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cases.access import Action, require
from cases.htmx import HtmxHttpRequest, invalid_status
from cases.jobs.models import JobKind
from cases.jobs.services import start_job
from cases.jobs.views import job_started
from cases.pagination import keyset_page
from cases.patients.access import get_case, get_import, get_patient
from cases.patients.forms import (
    CaseEditForm,
    CaseFilterForm,
    CaseForm,
    ConfirmImportForm,
    PatientForm,
    PatientImportForm,
    PatientSearchForm,
)
from cases.patients.imports import ImportFileError
from cases.patients.models import Case, CaseStatus, Patient
from cases.patients.search import SORT_NAME, patient_matches
from cases.patients.services import check_import, save_patient
from cases.patients.tasks import import_checked_patients

PAGE_SIZE = 25
IMPORT_PAGE_SIZE = 100
# Each list's order, unique thanks to the id, served by an index (Patient's and Case's Meta.indexes).
PATIENT_ORDER = ["search_name", "id"]
CASE_ORDER = ["-referral_date", "-id"]


@require_http_methods(["GET", "POST"])
def patient_list(request: HtmxHttpRequest):
    """List patients by name; a POSTed search filters by name or hospital number (never put in the URL).

    The search runs once: one query fetches the page (keyset-paginated, cases/pagination.py), one more
    counts the cases of the patients on it.
    """
    require(request.user, Action.VIEW_PATIENT_DATA)
    form = PatientSearchForm(request.POST if request.method == "POST" else request.GET)
    patients, sort, query, too_short = Patient.objects.all(), None, "", False
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["q"]
    if query:
        condition = patient_matches(query)
        too_short = condition is None
        patients = patients.none() if too_short else patients.filter(condition)
        sort = {"search_name": SORT_NAME}
    page = keyset_page(patients, PATIENT_ORDER, form, PAGE_SIZE, sort)
    counts = dict(
        Case.objects.filter(patient__in=[p.pk for p in page.object_list])
        .values_list("patient")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for patient in page.object_list:
        patient.case_count = counts.get(patient.pk, 0)
    context = {"form": form, "page": page, "query": query, "too_short": too_short}
    if request.htmx and request.method == "POST":
        return render(request, "patients/patient_list.html#results", context)
    return render(request, "patients/patient_list.html", context)


@require_http_methods(["GET", "POST"])
def patient_create(request: HtmxHttpRequest):
    require(request.user, Action.REGISTER_PATIENTS)
    form = PatientForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            patient = save_patient(form.save(commit=False))  # with its history row and search name
            messages.success(request, "Patient registered. Now add the case for the board.")
            return redirect("patients:case_create", public_id=patient.public_id)
        return render(request, "patients/patient_form.html", {"form": form}, status=invalid_status(request))
    return render(request, "patients/patient_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def patient_edit(request: HtmxHttpRequest, public_id):
    patient = get_patient(request.user, public_id, Action.REGISTER_PATIENTS)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST":
        if form.is_valid():
            save_patient(form.save(commit=False))
            messages.success(request, "Patient details saved.")
            return redirect(patient)
        return render(
            request, "patients/patient_form.html", {"form": form, "patient": patient}, status=invalid_status(request)
        )
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@require_GET
def patient_detail(request, public_id):
    patient = get_patient(request.user, public_id)
    return render(request, "patients/patient_detail.html", {"patient": patient, "cases": patient.cases.all()})


@require_http_methods(["GET", "POST"])
def case_create(request: HtmxHttpRequest, public_id):
    patient = get_patient(request.user, public_id, Action.REGISTER_PATIENTS)
    form = CaseForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            case = form.save(commit=False)
            case.patient = patient
            case.created_by = request.user
            with transaction.atomic():
                case.save()
            messages.success(request, "Case created. Walk it through the pathway to record the findings.")
            return redirect("pathways:start", public_id=case.public_id)
        return render(
            request, "patients/case_form.html", {"form": form, "patient": patient}, status=invalid_status(request)
        )
    return render(request, "patients/case_form.html", {"form": form, "patient": patient})


@require_http_methods(["GET", "POST"])
def case_edit(request: HtmxHttpRequest, public_id):
    case = get_case(request.user, public_id, Action.REGISTER_PATIENTS)
    form = CaseEditForm(request.POST or None, instance=case)
    context = {"form": form, "patient": case.patient, "case": case}
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, "Case details saved.")
            return redirect(case)
        return render(request, "patients/case_form.html", context, status=invalid_status(request))
    return render(request, "patients/case_form.html", context)


@require_GET
def case_list(request):
    """List cases, most recent referral first, optionally of one status (keyset-paginated)."""
    require(request.user, Action.VIEW_PATIENT_DATA)
    form = CaseFilterForm(request.GET)
    cases = Case.objects.select_related("patient")
    status = form.cleaned_data["status"] if form.is_valid() else ""
    if status:
        cases = cases.filter(status=status)
    context = {
        "form": form,
        "page": keyset_page(cases, CASE_ORDER, form, PAGE_SIZE),
        "status_label": CaseStatus(status).label if status else "",
        "filters": urlencode({"status": status}) if status else "",
    }
    return render(request, "patients/case_list.html", context)


@require_http_methods(["GET", "POST"])
def import_upload(request: HtmxHttpRequest):
    """Upload a file of patients; it is checked row by row (the dry run) and nothing is imported yet."""
    require(request.user, Action.REGISTER_PATIENTS)
    form = PatientImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                pending = check_import(upload.name, upload.read(), request.user)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect(pending)
        return render(request, "patients/import_upload.html", {"form": form}, status=invalid_status(request))
    return render(request, "patients/import_upload.html", {"form": form})


@require_http_methods(["GET", "POST"])
def import_detail(request: HtmxHttpRequest, public_id):
    """The dry run, row by row, and the confirmation that starts the import (a background job)."""
    pending = get_import(request.user, public_id)
    form = ConfirmImportForm(request.POST or None)
    if request.method == "POST":
        if not pending.is_pending:
            return redirect(pending)
        if form.is_valid():
            job = start_job(
                import_checked_patients,
                kind=JobKind.PATIENT_IMPORT,
                subject=pending,
                user=request.user,
                title="Import of patients",
                back_url=pending.get_absolute_url(),
                filename=f"patient-import-{pending.public_id}.txt",
                content_type="text/plain",
                permission=Action.REGISTER_PATIENTS,
            )
            return job_started(request, job)
    page = Paginator(pending.rows, IMPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"pending": pending, "page": page, "form": form}
    status = invalid_status(request) if request.method == "POST" else 200
    return render(request, "patients/import_detail.html", context, status=status)
