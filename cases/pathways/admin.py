"""The content admin: guideline versions, recommendation texts, references, pathway step help and plausibility limits.

Content editors (the ``content_editor`` group, staff) add, change and view content; nobody deletes a
guideline version, and active or retired versions are read-only (clone, edit the draft, activate). Every
change is in the object's history (django-simple-history: who, when, which fields) and the admin log.
Patients and cases are deliberately not registered here: the admin never shows patient data.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from cases import dates
from cases.pathways.content import option_titles
from cases.pathways.engine import RECOMMENDATION_CODES, Recommendation, Verdict
from cases.pathways.guideline_versions import (
    activate_version,
    clone_version,
    differences,
    preview_state,
    save_draft,
    specialty_labels,
)
from cases.pathways.impact import describe
from cases.pathways.models import (
    GuidelineStatus,
    GuidelineVersion,
    PlausibilityLimit,
    RecommendationText,
    Reference,
    StepHelp,
)
from cases.pathways.steps import STEP_BY_SLUG, STEPS
from cases.specialties import Specialty

# The change form of a guideline version, one fieldset per clinical topic.
THRESHOLD_FIELDSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Staging (Table I, AJCC 8th)", ("t1_max_size_cm", "n2_min_positive_nodes", "n2_mass_cm")),
    (
        "Grading (WHO 2019)",
        ("grade_g2_min_ki67", "grade_g3_above_ki67", "grade_g2_min_mitoses", "grade_g3_above_mitoses"),
    ),
    ("Primary surgery", ("lymph_node_min", "icv_size_cm")),
    ("Fitness for major surgery", ("unfit_min_ecog",)),
    ("Liver surgery", ("debulking_min_percent",)),
    ("Ablation", ("ablation_max_lesions", "rfa_max_diameter_cm", "mwa_max_diameter_cm")),
    ("Liver-directed therapy (ablation, embolisation)", ("extensive_liver_involvement_percent",)),
    (
        "Liver transplantation",
        (
            "transplant_max_ki67",
            "transplant_max_liver_involvement_percent",
            "transplant_min_stable_months",
            "transplant_relative_age_limit",
            "transplant_enets_age_limit",
        ),
    ),
    ("Peritoneal carcinomatosis", ("pci_max",)),
    (
        "Perioperative somatostatin analogue",
        ("ssa_start_days_before", "ssa_continue_days_after", "ssa_crisis_infusion_factor", "ssa_taper_percent_per_day"),
    ),
)
THRESHOLD_NAMES = tuple(name for _, names in THRESHOLD_FIELDSETS for name in names)


def _ordered_by(values: tuple[str, ...], field: str) -> Case:
    """Return an expression ordering rows by the position of FIELD's value in VALUES (the engine's order)."""
    return Case(*(When(**{field: value}, then=Value(i)) for i, value in enumerate(values)), output_field=IntegerField())


class ContentAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin for content: the history lists who changed which fields when."""

    formfield_overrides = dates.ADMIN_FORMFIELD_OVERRIDES  # dates between 1900 and 2200

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple-history 3.13 calls select_related() without field names for models without foreign keys,
        # which Django 6.1 deprecates; the history list needs only the user.
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")


# --- guideline versions -------------------------------------------------------------------------------------


class GuidelineVersionForm(forms.ModelForm):
    quorum_specialties = forms.MultipleChoiceField(
        label="Core specialties for a quorum",
        choices=Specialty.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="A meeting may sign decisions only when each of these specialties is present.",
    )

    class Meta:
        model = GuidelineVersion
        fields = ("name", "effective_date", "notes", *THRESHOLD_NAMES, "quorum_specialties")
        field_classes = {"effective_date": dates.DateField}

    def clean_quorum_specialties(self) -> list[str]:
        chosen = set(self.cleaned_data["quorum_specialties"])
        return [specialty.value for specialty in Specialty if specialty.value in chosen]


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(ContentAdmin):
    form = GuidelineVersionForm
    list_display = ("name", "status_label", "effective_date", "activated_at", "retired_at", "updated_at")
    list_filter = ("status", "effective_date")
    search_fields = ("name", "notes")
    date_hierarchy = "effective_date"
    actions = ("clone_as_draft", "activate")
    readonly_fields = (
        "status",
        "changes_from_active",
        "impact_preview",
        "created_at",
        "created_by",
        "updated_at",
        "activated_at",
        "retired_at",
    )

    def get_fieldsets(self, request, obj=None):
        editable = obj is None or obj.is_editable
        general = ("name", "status", "effective_date", "notes") + (
            ("changes_from_active", "impact_preview") if editable else ("impact_preview",)
        )
        return (
            (
                None,
                {
                    "fields": general,
                    "description": "Active and retired versions are read-only. To change the guideline, select "
                    "the version in the list, choose “Clone as new draft”, edit the draft, then “Activate” it."
                    if not editable
                    else "A draft is not used by the app until you select it in the list and choose “Activate”.",
                },
            ),
            *((title, {"fields": names}) for title, names in THRESHOLD_FIELDSETS),
            ("Meetings", {"fields": ("quorum_specialties" if editable else "quorum_labels",)}),
            ("Record", {"fields": ("created_at", "created_by", "updated_at", "activated_at", "retired_at")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return (*self.readonly_fields, "quorum_labels")
        return self.readonly_fields

    @admin.display(description="status", ordering="status")
    def status_label(self, obj: GuidelineVersion) -> str:
        marker = "● " if obj.status == GuidelineStatus.ACTIVE else ""
        return f"{marker}{obj.get_status_display()}"

    @admin.display(description="Core specialties for a quorum")
    def quorum_labels(self, obj: GuidelineVersion) -> str:
        return specialty_labels(obj.quorum())

    @admin.display(description="Changes from the active version")
    def changes_from_active(self, obj: GuidelineVersion) -> str:
        if obj.pk is None:
            return "—"
        active = GuidelineVersion.objects.filter(status=GuidelineStatus.ACTIVE).exclude(pk=obj.pk).first()
        rows = differences(obj, active)
        if not rows:
            return "None: the same values as the active version." if active else "—"
        return format_html(
            '<table><thead><tr><th scope="col">Threshold</th><th scope="col">Active ({})</th>'
            '<th scope="col">This draft</th></tr></thead><tbody>{}</tbody></table>',
            active.name,
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="Impact on open cases")
    def impact_preview(self, obj: GuidelineVersion) -> str:
        if obj.pk is None:
            return "—"
        state = preview_state(obj)
        preview = state.preview
        if state.is_current and preview is not None:
            cases = preview.result["cases"]
            made = f"{timezone.localtime(preview.finished_at):%d %b %Y, %H:%M}"
            text = (
                f"{cases['changed']} of {cases['open']} open cases would be assessed differently "
                f"(preview of {made}, against {preview.baseline_name})."
                if obj.is_editable
                else f"Previewed {made}: {cases['changed']} of {cases['open']} open cases changed "
                f"against {preview.baseline_name}."
            )
        elif state.is_stale:
            text = "The preview is out of date. " + " ".join(state.why)
        elif state.is_running:
            text = "The preview is being computed."
        elif state.is_failed:
            text = "The last preview could not be computed."
        else:
            text = "Not previewed yet." if obj.is_editable else "No impact preview was computed for this version."
        link = reverse("pathways:impact", kwargs={"pk": obj.pk})
        return format_html('{} <a href="{}">Open the impact preview</a>', text, link)

    # Versions are made by cloning, never from scratch, and never deleted: decisions name them.
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_clone_permission(self, request) -> bool:
        return request.user.has_perm("pathways.add_guidelineversion")

    def has_activate_permission(self, request) -> bool:
        return request.user.has_perm("pathways.change_guidelineversion")

    def save_model(self, request, obj, form, change) -> None:
        # The service re-checks under a row lock that the version is still a draft.
        try:
            save_draft(obj, request.user)
        except ValidationError as exc:
            raise PermissionDenied(exc.messages[0]) from exc

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a "revert" POST after checking only view permission: require change.
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description="Clone as new draft", permissions=["clone"])
    def clone_as_draft(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to clone.", messages.WARNING)
            return None
        draft = clone_version(queryset.get(), request.user)
        self.log_addition(request, draft, [{"added": {}}])
        self.message_user(request, f"Created the draft “{draft.name}”. Edit it, then activate it from the list.")
        return HttpResponseRedirect(reverse("admin:pathways_guidelineversion_change", args=[draft.pk]))

    @admin.action(description="Activate (retires the active version)", permissions=["activate"])
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one draft to activate.", messages.WARNING)
            return None
        draft = queryset.get()
        if not draft.is_editable:
            status = draft.get_status_display().lower()
            self.message_user(request, f"“{draft.name}” is {status}: only a draft can be activated.", messages.ERROR)
            return None
        active = GuidelineVersion.objects.filter(status=GuidelineStatus.ACTIVE).first()
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": f"Activate “{draft.name}”?",
                "opts": self.model._meta,
                "draft": draft,
                "active": active,
                "differences": differences(draft, active),
                **_preview_context(request, draft),
                "queryset": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/pathways/guidelineversion/activate_confirmation.html", context)
        try:
            activated = activate_version(draft, request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        self.log_change(request, activated, "Activated.")
        if active is not None:
            self.log_change(request, active, f"Retired: superseded by {activated.name}.")
        self.message_user(request, f"“{activated.name}” is now active: every new assessment uses it.")
        return None


def _preview_context(request, draft: GuidelineVersion) -> dict:
    """The draft's impact preview for the activation page: its state and, once computed, its counts."""
    state = preview_state(draft, count_changed_cases=True)
    preview = state.preview
    finished = preview is not None and preview.is_finished
    return {
        "preview_state": state,
        "preview": preview,
        "summary": describe(preview.result, option_titles(request)) if finished else None,
    }


# --- recommendation texts -----------------------------------------------------------------------------------

OPTION_TOPICS = {
    "Primary tumour": (
        "primary_resection",
        "right_hemicolectomy",
        "ileocecal_valve_preservation",
        "laparoscopic_approach",
        "prophylactic_cholecystectomy",
    ),
    "Liver surgery": ("liver_resection", "liver_debulking", "liver_transplant"),
    "Ablation": ("rfa", "mwa", "ire"),
    "Intra-arterial": ("tae_tace", "sirt"),
    "Peritoneum": ("peritoneal_cytoreduction",),
    "Medical": ("perioperative_ssa", "adjuvant_therapy", "systemic_therapy"),
}


class OptionTopicFilter(admin.SimpleListFilter):
    title = "topic"
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return [(topic, topic) for topic in OPTION_TOPICS]

    def queryset(self, request, queryset):
        codes = OPTION_TOPICS.get(self.value() or "")
        return queryset.filter(code__in=codes) if codes else queryset


class CaveatsFilter(admin.SimpleListFilter):
    title = "caveats"
    parameter_name = "caveats"

    def lookups(self, request, model_admin):
        return [("yes", "With caveats"), ("no", "Without caveats")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(caveats="")
        if self.value() == "no":
            return queryset.filter(caveats="")
        return queryset


@admin.register(RecommendationText)
class RecommendationTextAdmin(ContentAdmin):
    list_display = ("title", "engine_code", "has_summary", "has_caveats", "updated_at")
    list_filter = (OptionTopicFilter, CaveatsFilter)
    search_fields = ("code", "title", "summary", "caveats")
    readonly_fields = ("preview", "updated_at")

    class Media:
        css = {"all": ["css/app.css"]}  # the panel's verdict badges and spacing, for the preview

    def get_fields(self, request, obj=None):
        return ("code", "title", "summary", "caveats", "preview", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        # The code identifies the engine's option; changing it would move the text to another option.
        return (*self.readonly_fields, "code") if obj is not None else self.readonly_fields

    def get_ordering(self, request):
        return [_ordered_by(RECOMMENDATION_CODES, "code")]

    @admin.display(description="code")
    def engine_code(self, obj: RecommendationText) -> str:
        return obj.code

    @admin.display(description="summary", boolean=True)
    def has_summary(self, obj: RecommendationText) -> bool:
        return bool(obj.summary)

    @admin.display(description="caveats", boolean=True)
    def has_caveats(self, obj: RecommendationText) -> bool:
        return bool(obj.caveats)

    @admin.display(description="Preview (as the team sees it, after saving)")
    def preview(self, obj: RecommendationText):
        if obj.pk is None:
            return "Save the text to see the preview."
        example = Recommendation(
            obj.code,
            Verdict.CONSIDER,
            obj.title,
            (
                "(The deciding reason for this case appears here.)",
                "(The other reasons for and against, with the case's own values, appear here.)",
            ),
            ("(The seed passages the engine cites appear here.)",),
            why="(The deciding reason for this case appears here.)",
        )
        html = render_to_string("pathways/_option.html", {"rec": example, "text": obj, "open": True})
        return format_html('<ul class="recommendations option-preview"><li>{}</li></ul>', html)

    def has_delete_permission(self, request, obj=None) -> bool:
        # One text per engine option; blank the summary or caveats instead of deleting the row.
        return False


# --- references ---------------------------------------------------------------------------------------------

SEED_SECTIONS = (
    "Introduction",
    "Preoperative Care",
    "Locoregional Enterectomy",
    "Surgical Procedure",
    "Mesenteric Lymph Node Metastases",
    "Liver Metastases",
    "Locoregional Treatment",
    "Liver transplantation",
    "Diffuse Peritoneal Carcinomatosis",
    "Asymptomatic Primary Tumor",
    "Table I",
    "Table II",
)


class SeedSectionFilter(admin.SimpleListFilter):
    title = "section of the seed"
    parameter_name = "section"

    def lookups(self, request, model_admin):
        return [(section, section) for section in SEED_SECTIONS]

    def queryset(self, request, queryset):
        if self.value() in SEED_SECTIONS:
            return queryset.filter(seed_sections__icontains=self.value())
        return queryset


@admin.register(Reference)
class ReferenceAdmin(ContentAdmin):
    list_display = ("number", "citation", "cited_for", "seed_sections")
    list_display_links = ("number", "citation")
    list_filter = (SeedSectionFilter,)
    search_fields = ("=number", "citation", "cited_for", "seed_sections")
    fields = ("number", "citation", "cited_for", "seed_sections", "updated_at")
    readonly_fields = ("updated_at",)


# --- pathway step help --------------------------------------------------------------------------------------


@admin.register(StepHelp)
class StepHelpAdmin(ContentAdmin):
    list_display = ("__str__", "text", "updated_at")
    search_fields = ("step", "text")
    readonly_fields = ("builtin_text", "updated_at")

    def get_fields(self, request, obj=None):
        return ("step", "builtin_text", "text", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "step") if obj is not None else self.readonly_fields

    def get_ordering(self, request):
        return [_ordered_by(tuple(step.slug for step in STEPS), "step")]

    @admin.display(description="The pathway's built-in text")
    def builtin_text(self, obj: StepHelp) -> str:
        step = STEP_BY_SLUG.get(obj.step)
        return step.intro if step else "—"

    def has_delete_permission(self, request, obj=None) -> bool:
        # One help text per step; without a row the step falls back to its built-in text.
        return False


# --- plausibility limits ------------------------------------------------------------------------------------


@admin.register(PlausibilityLimit)
class PlausibilityLimitAdmin(ContentAdmin):
    """Values above which a typed finding must be confirmed before it is saved (typing errors, not thresholds)."""

    list_display = ("__str__", "reason", "updated_at")
    fields = ("field", "warn_above", "reason", "updated_at")
    readonly_fields = ("updated_at",)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "field") if obj is not None else self.readonly_fields
