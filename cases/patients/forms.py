"""Forms for registering patients and cases, and for finding them."""

from django import forms
from django.utils import timezone

from cases import dates
from cases.forms import DateInput, FreeTextField
from cases.pagination import PageForm
from cases.patients.imports import MAX_BYTES
from cases.patients.models import Case, CaseStatus, Patient


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["hospital_number", "family_name", "given_name", "date_of_birth", "sex"]
        widgets = {"date_of_birth": DateInput}
        field_classes = {
            "date_of_birth": dates.DateField,
            "family_name": FreeTextField,
            "given_name": FreeTextField,
            "hospital_number": FreeTextField,
        }

    def clean_hospital_number(self) -> str:
        return self.cleaned_data["hospital_number"].strip().upper()

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if value > today:
            raise forms.ValidationError(
                "The date of birth cannot be in the future (today is %(today)s).", params={"today": f"{today:%d/%m/%Y}"}
            )
        return value


class CaseForm(forms.ModelForm):
    """A new case, or its details. The status is not set here: a case is ready for the board when its work-up
    is complete and a coordinator confirms it (cases.pathways.readiness), discussed when a decision is signed."""

    class Meta:
        model = Case
        fields = ["referral_date", "referring_clinician", "question"]
        widgets = {"referral_date": DateInput, "question": forms.Textarea(attrs={"rows": 4})}
        field_classes = {
            "referral_date": dates.DateField,
            "referring_clinician": FreeTextField,
            "question": FreeTextField,
        }
        help_texts = {
            "question": "What the board is asked to decide, e.g. “Surgical options for liver metastases?”",
        }

    def clean_referral_date(self):
        value = self.cleaned_data["referral_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The referral date cannot be in the future.")
        return value


class CaseEditForm(CaseForm):
    """The details of an existing case, and closing or reopening it (Draft and Closed are set by hand)."""

    status = forms.ChoiceField(
        help_text="Close a case the board no longer needs to see. “Ready for the board” is confirmed on the case "
        "page once the work-up is complete; “Discussed” follows a signed decision."
    )

    class Meta(CaseForm.Meta):
        fields = [*CaseForm.Meta.fields, "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The current status stays selectable (saving the details keeps it); by hand only Draft or Closed.
        allowed = {self.instance.status, CaseStatus.DRAFT, CaseStatus.CLOSED}
        self.fields["status"].choices = [(value, label) for value, label in CaseStatus.choices if value in allowed]


class PatientSearchForm(PageForm):
    """Search by name or hospital number (cases/patients/search.py), and the page of the list wanted.

    Sent by POST so no name ever appears in a URL or a log; the pages of a search are POSTed too.
    """

    q = forms.CharField(
        label="Name or hospital number",
        max_length=100,
        required=False,
        strip=True,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
        help_text="Family and given name in any order (accents and case do not matter), or the beginning of "
        "a hospital number.",
    )


class CaseFilterForm(PageForm):
    status = forms.ChoiceField(choices=[("", "All statuses"), *CaseStatus.choices], required=False)


class PatientImportForm(forms.Form):
    """The file to import: a FHIR Bundle of Patients, a single Patient (JSON), or a CSV (docs/fhir.md)."""

    file = forms.FileField(
        label="File of patients",
        help_text="A FHIR R4 Bundle of Patient resources or a single Patient (.json), or a CSV file with the "
        "columns hospital_number, family_name, given_names, date_of_birth (YYYY-MM-DD) and sex; at most 10 MB. "
        "Nothing is imported until you have checked the result and confirmed it.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                "The file is %(size).1f MB; at most %(limit)d MB is accepted. Split it into smaller files.",
                params={"size": upload.size / 1024 / 1024, "limit": MAX_BYTES // 1024 // 1024},
            )
        return upload


class ConfirmImportForm(forms.Form):
    """The coordinator's confirmation of a checked import (a plain POST without it changes nothing)."""

    confirm = forms.BooleanField(
        label="I have checked the rows: import them",
        required=True,
        error_messages={"required": "Tick the box to confirm the import."},
    )
