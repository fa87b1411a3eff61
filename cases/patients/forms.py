"""Forms for registering patients and cases, and for finding them."""

from django import forms
from django.utils import timezone

from cases import dates
from cases.forms import DateInput
from cases.pagination import PageForm
from cases.patients.models import Case, CaseStatus, Patient


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["hospital_number", "family_name", "given_name", "date_of_birth", "sex"]
        widgets = {"date_of_birth": DateInput}
        field_classes = {"date_of_birth": dates.DateField}

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
    class Meta:
        model = Case
        fields = ["referral_date", "referring_clinician", "question", "status"]
        widgets = {"referral_date": DateInput, "question": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"referral_date": dates.DateField}
        help_texts = {
            "question": "What the board is asked to decide, e.g. “Surgical options for liver metastases?”",
            "status": "Draft while the work-up is collected; Ready when it can go on an agenda.",
        }

    def clean_referral_date(self):
        value = self.cleaned_data["referral_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The referral date cannot be in the future.")
        return value


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
