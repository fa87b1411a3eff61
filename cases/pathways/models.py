"""Clinical content maintained in the admin: guideline versions, recommendation texts, references, step help.

The engine stays pure: it receives the active GuidelineVersion as a frozen ``Guideline`` (``to_guideline``)
and knows nothing of the texts, which the templates look up by recommendation code (cases.pathways.content).
Every model keeps its full history with django-simple-history: who changed what, and when.
"""

import uuid
from dataclasses import fields as dataclass_fields

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from cases.pathways.engine import RECOMMENDATION_CODES, Guideline
from cases.pathways.engine.guideline import BUILTIN_VERSION
from cases.pathways.engine.rules import TITLES
from cases.pathways.steps import STEPS
from cases.patients.models import NUMERIC_FINDINGS, Case
from cases.specialties import DEFAULT_QUORUM, Specialty

_ENGINE_FIELDS = {f.name: f for f in dataclass_fields(Guideline)}
# The engine module uses postponed annotations, so a field's type is its name as a string.
_PYTHON_TYPES = {"int": int, "float": float}

# Every threshold of the engine's Guideline: (label, lowest, highest accepted value). The bounds catch an
# editor's typo (a Ki-67 cut-off of 200 %, an RFA limit of 0 lesions); they are not clinical values, which
# come from the seed through the engine's defaults. Percentages 0-100; counts of nodes or lesions from 1;
# sizes above 0 and at most 30 cm like the case findings; ages 0-120; PCI 1-40 (13 regions scored 0-3).
THRESHOLDS: dict[str, tuple[str, float, float]] = {
    "t1_max_size_cm": ("T1: largest primary", 0.1, 30),
    "n2_min_positive_nodes": ("N2: positive nodes from", 1, 200),
    "n2_mass_cm": ("N2: mesenteric mass larger than", 0.1, 30),
    "grade_g2_min_ki67": ("G2: Ki-67 from", 0, 100),
    "grade_g3_above_ki67": ("G3: Ki-67 above", 0, 100),
    "grade_g2_min_mitoses": ("G2: mitotic count from", 0, 500),
    "grade_g3_above_mitoses": ("G3: mitotic count above", 0, 500),
    "lymph_node_min": ("Lymph nodes to dissect, at least", 1, 200),
    "icv_size_cm": ("Ileocaecal valve: primary larger than", 0.1, 30),
    "unfit_min_ecog": ("Not fit for major elective surgery from ECOG", 1, 4),
    "debulking_min_percent": ("Debulking: share of liver tumour burden resected, at least", 0, 100),
    "ablation_max_lesions": ("Ablation: fewer liver lesions than", 1, 1000),
    "rfa_max_diameter_cm": ("RFA: largest lesion smaller than", 0.1, 30),
    "mwa_max_diameter_cm": ("MWA: largest lesion up to", 0.1, 30),
    "extensive_liver_involvement_percent": ("Liver-directed therapy: extensive liver disease from", 1, 100),
    "transplant_max_ki67": ("Transplant: Ki-67 below", 0, 100),
    "transplant_max_liver_involvement_percent": ("Transplant: liver involvement below", 0, 100),
    "transplant_min_stable_months": ("Transplant: stable disease for at least", 0, 600),
    "transplant_relative_age_limit": ("Transplant: relatively contraindicated from age (Mazzaferro)", 0, 120),
    "transplant_enets_age_limit": ("Transplant: ENETS age below", 0, 120),
    "pci_max": ("Peritoneal cytoreduction: PCI below", 1, 40),
    "ssa_start_days_before": ("Octreotide: start days before surgery, at least", 0, 30),
    "ssa_continue_days_after": ("Octreotide: continue days after surgery, at least", 0, 30),
    "ssa_crisis_infusion_factor": ("Octreotide: infusion multiplied in a carcinoid crisis by", 1, 10),
    "ssa_taper_percent_per_day": ("Octreotide: reduction per day when stopping", 1, 100),
}
# Pairs (lower, upper) whose order the engine's rules rely on.
ORDERED_THRESHOLDS = (
    ("grade_g2_min_ki67", "grade_g3_above_ki67"),
    ("grade_g2_min_mitoses", "grade_g3_above_mitoses"),
    ("transplant_enets_age_limit", "transplant_relative_age_limit"),
)


def threshold_field(name: str) -> models.Field:
    """Return the model field for the engine threshold NAME: same type, its unit, help and seed citation."""
    engine_field = _ENGINE_FIELDS[name]
    meta = engine_field.metadata
    label, lowest, highest = THRESHOLDS[name]
    field_class = models.IntegerField if _PYTHON_TYPES[engine_field.type] is int else models.FloatField
    return field_class(
        f"{label} ({meta['unit']})",
        validators=[MinValueValidator(lowest), MaxValueValidator(highest)],
        help_text=f"Unit: {meta['unit']}. {meta['help']} Source: {meta['citation']}.",
    )


def default_quorum() -> list[str]:
    return [str(specialty) for specialty in DEFAULT_QUORUM]


def validate_specialties(value) -> None:
    """Accept a non-empty list of distinct Specialty values."""
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one core specialty.")
    unknown = [item for item in value if item not in Specialty.values]
    if unknown:
        raise ValidationError("Not a specialty: %(unknown)s.", params={"unknown": ", ".join(map(str, unknown))})
    if len(set(value)) != len(value):
        raise ValidationError("Each specialty may appear only once.")


class GuidelineStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class GuidelineVersion(models.Model):
    """A named set of every threshold the engine uses, plus the meeting quorum.

    Lifecycle: draft → active → retired. Exactly one version is active; it is what every new assessment
    runs with, and assessments and signed decisions record its name. Active and retired versions are
    frozen: change them by cloning into a new draft and activating that (cases.pathways.guideline_versions).
    """

    name = models.CharField(
        max_length=100,
        unique=True,
        help_text="Recorded with every assessment and signed decision, e.g. 'local-2027-01'. "
        "Cannot be changed once the version is active.",
    )
    status = models.CharField(max_length=10, choices=GuidelineStatus.choices, default=GuidelineStatus.DRAFT)
    effective_date = models.DateField(
        help_text="The date from which the board means this version to apply. Only activation puts it in force."
    )
    notes = models.TextField(
        blank=True, help_text="What changed and why, with the source (publication, board decision)."
    )

    # Staging (Table I, AJCC 8th)
    t1_max_size_cm = threshold_field("t1_max_size_cm")
    n2_min_positive_nodes = threshold_field("n2_min_positive_nodes")
    n2_mass_cm = threshold_field("n2_mass_cm")
    # Grading (WHO 2019)
    grade_g2_min_ki67 = threshold_field("grade_g2_min_ki67")
    grade_g3_above_ki67 = threshold_field("grade_g3_above_ki67")
    grade_g2_min_mitoses = threshold_field("grade_g2_min_mitoses")
    grade_g3_above_mitoses = threshold_field("grade_g3_above_mitoses")
    # Primary surgery
    lymph_node_min = threshold_field("lymph_node_min")
    icv_size_cm = threshold_field("icv_size_cm")
    # Fitness for major surgery
    unfit_min_ecog = threshold_field("unfit_min_ecog")
    # Liver surgery
    debulking_min_percent = threshold_field("debulking_min_percent")
    # Ablation
    ablation_max_lesions = threshold_field("ablation_max_lesions")
    rfa_max_diameter_cm = threshold_field("rfa_max_diameter_cm")
    mwa_max_diameter_cm = threshold_field("mwa_max_diameter_cm")
    # Liver-directed therapy
    extensive_liver_involvement_percent = threshold_field("extensive_liver_involvement_percent")
    # Liver transplantation
    transplant_max_ki67 = threshold_field("transplant_max_ki67")
    transplant_max_liver_involvement_percent = threshold_field("transplant_max_liver_involvement_percent")
    transplant_min_stable_months = threshold_field("transplant_min_stable_months")
    transplant_relative_age_limit = threshold_field("transplant_relative_age_limit")
    transplant_enets_age_limit = threshold_field("transplant_enets_age_limit")
    # Peritoneum
    pci_max = threshold_field("pci_max")
    # Perioperative somatostatin analogue
    ssa_start_days_before = threshold_field("ssa_start_days_before")
    ssa_continue_days_after = threshold_field("ssa_continue_days_after")
    ssa_crisis_infusion_factor = threshold_field("ssa_crisis_infusion_factor")
    ssa_taper_percent_per_day = threshold_field("ssa_taper_percent_per_day")

    quorum_specialties = models.JSONField(
        "core specialties for a quorum",
        default=default_quorum,
        validators=[validate_specialties],
        help_text="A meeting may sign decisions only when each of these specialties is present.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    activated_at = models.DateTimeField(null=True, blank=True, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        # "active" < "draft" < "retired": the version in force heads every list.
        ordering = ["status", "-effective_date", "-created_at"]
        constraints = [
            # Every assessment must run under exactly one guideline; the service retires the old one first.
            models.UniqueConstraint(fields=["status"], condition=Q(status="active"), name="one_active_guideline"),
            models.CheckConstraint(condition=Q(status__in=GuidelineStatus.values), name="guideline_status_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="guideline_name_not_blank"),
            # No path (admin, shell, import) may store a threshold the engine would misread.
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": lowest, f"{name}__lte": highest}), name=f"guideline_{name}_range"
                )
                for name, (_, lowest, highest) in THRESHOLDS.items()
            ),
            *(
                models.CheckConstraint(condition=Q(**{f"{lower}__lte": F(upper)}), name=f"guideline_{lower}_order")
                for lower, upper in ORDERED_THRESHOLDS
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status == GuidelineStatus.DRAFT

    def clean(self) -> None:
        stored_status = None
        if self.pk is not None:
            stored_status = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored_status not in (None, GuidelineStatus.DRAFT):
            raise ValidationError(
                f"Version {self.name!r} is {stored_status} and cannot be edited: clone it into a new draft instead."
            )
        errors = {}
        if self.name == BUILTIN_VERSION:
            errors["name"] = f"{BUILTIN_VERSION!r} names the engine's built-in defaults; choose another name."
        for lower, upper in ORDERED_THRESHOLDS:
            low, high = getattr(self, lower), getattr(self, upper)
            if low is not None and high is not None and low > high:
                label = self._meta.get_field(upper).verbose_name
                errors[lower] = f"Must not be above “{label}” ({high:g})."
        if errors:
            raise ValidationError(errors)

    def thresholds(self) -> dict[str, int | float]:
        """Return every threshold by name, typed as the engine's Guideline declares it."""
        return {name: _PYTHON_TYPES[_ENGINE_FIELDS[name].type](getattr(self, name)) for name in THRESHOLDS}

    def to_guideline(self) -> Guideline:
        """Return the engine's frozen Guideline for this version, named after it."""
        return Guideline(version=self.name, **self.thresholds())

    def quorum(self) -> tuple[Specialty, ...]:
        """Return the core specialties in the order of the Specialty choices."""
        chosen = set(self.quorum_specialties)
        return tuple(specialty for specialty in Specialty if specialty.value in chosen)


class RecommendationText(models.Model):
    """How one of the engine's options is presented to the board: title, summary and caveats."""

    code = models.CharField(
        "option",
        max_length=40,
        unique=True,
        choices=[(code, TITLES[code]) for code in RECOMMENDATION_CODES],
        help_text="The engine's option, by its built-in title. The verdict and the reasons for each case come from "
        "the engine.",
    )
    title = models.CharField(max_length=200, help_text="The heading of the option in the assessment panel.")
    summary = models.TextField(
        "what the team sees",
        blank=True,
        help_text="One or two sentences on what the option is and when the seed supports it, with references "
        "(e.g. 'ref 61'). Shown above the reasons for this case. Plain text; line breaks are kept.",
    )
    caveats = models.TextField(
        blank=True,
        help_text="Cautions the board should weigh whatever the verdict (risks, contraindications, where the "
        "evidence is thin). Shown below the reasons. Plain text; line breaks are kept.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            # A text for a code the engine does not produce would never be shown.
            models.CheckConstraint(condition=Q(code__in=RECOMMENDATION_CODES), name="recommendation_text_code_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="recommendation_text_title_not_blank"),
        ]

    def __str__(self) -> str:
        return self.title


class Reference(models.Model):
    """A reference of the 2018 review (seed 000), cited by its number in the engine's reasons."""

    number = models.PositiveSmallIntegerField(
        unique=True,
        validators=[MinValueValidator(1)],
        help_text="The reference's number in the 2018 review, as in 'ref 61'.",
    )
    citation = models.TextField(
        help_text="The reference as far as it is known. The seed text cites references by number only and does "
        "not include the review's reference list: replace this with the full entry from the published article "
        "(Anticancer Research 38:1267-1278, 2018).",
    )
    cited_for = models.TextField(
        "what the seed cites it for", blank=True, help_text="What the review and the engine use the reference for."
    )
    seed_sections = models.CharField(
        "where the seed cites it",
        max_length=300,
        blank=True,
        help_text="Section headings of the review (or 'Table II, Stage IV line 4'), separated by semicolons.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [models.CheckConstraint(condition=Q(number__gte=1), name="reference_number_positive")]

    def __str__(self) -> str:
        return f"ref {self.number}"


class StepHelp(models.Model):
    """The help shown under the heading of one step of the diagnostic pathway."""

    step = models.CharField(
        max_length=40, unique=True, choices=[(step.slug, f"{step.number}. {step.title}") for step in STEPS]
    )
    text = models.TextField(
        "help text",
        help_text="Shown under the step's heading: what the step records and why it matters, with the seed "
        "passage. Plain text; line breaks are kept.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "pathway step help"
        verbose_name_plural = "pathway step help"
        ordering = ["step"]
        constraints = [
            # Help for a step the pathway does not have would never be shown.
            models.CheckConstraint(condition=Q(step__in=[step.slug for step in STEPS]), name="step_help_step_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="step_help_text_not_blank"),
        ]

    def __str__(self) -> str:
        return self.get_step_display()


# The tables whose rows the pages keep between requests (cases.pathways.kept): a change to any of them sets a
# new ContentStamp token, by database triggers (migration 0007).
STAMPED_TABLES = ("pathways_guidelineversion", "pathways_recommendationtext", "pathways_stephelp")


class ContentStamp(models.Model):
    """One row whose token changes with every change to the guideline versions, recommendation texts or step help.

    Database triggers on those tables (STAMPED_TABLES, migration 0007) write a new random token in the same
    transaction as the change, whoever makes it: the admin, a queryset's update, raw SQL, a restore, another app
    server. A token is never used twice, so a token stands for one state of that content, and an app process may
    keep what it read with a token for as long as the row holds that token (cases.pathways.kept).
    """

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class GuidelineImpact(models.Model):
    """What activating a draft would change: the engine run over every open case with the version in force
    (the baseline) and with the draft, counted (cases.pathways.impact).

    The exact thresholds on both sides are stored with the result: the preview describes those, and it is
    stale as soon as the draft's thresholds or the version in force differ from them. The result holds
    counts only, never a case or patient identifier (content editors read it); the cases that change are in
    GuidelineImpactCase, for the clinicians and chairs who may list them. Kept after activation: the
    version's page shows the preview it was activated with.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="impacts")
    version_name = models.CharField(max_length=100)
    version_thresholds = models.JSONField()
    # The version in force when the preview was asked for; null when there was none (the engine's defaults).
    baseline = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    baseline_name = models.CharField(max_length=100)
    baseline_thresholds = models.JSONField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The background job computing it, while it exists (jobs expire; the result stays here).
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The counts (cases.pathways.impact.Tally.to_json); null until the computation has finished.
    result = models.JSONField(null=True, blank=True)
    # Set by the activation of VERSION when this was its current preview then.
    activated_with = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A finished preview has its result; an unfinished one has none.
            models.CheckConstraint(
                condition=Q(result__isnull=True, finished_at__isnull=True)
                | Q(result__isnull=False, finished_at__isnull=False),
                name="guideline_impact_result_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"Impact of {self.version_name} against {self.baseline_name}"

    @property
    def is_finished(self) -> bool:
        return self.result is not None


class GuidelineImpactCase(models.Model):
    """An open case whose assessment the previewed draft changes, with what changes (option: from → to)."""

    impact = models.ForeignKey(GuidelineImpact, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey("patients.Case", on_delete=models.CASCADE, related_name="+")
    # {"options": [[code, from, to], ...], "staging": [[item, from, to], ...], "departure": "new" | "ended" | null}
    changes = models.JSONField()

    class Meta:
        ordering = ["impact", "pk"]
        constraints = [models.UniqueConstraint(fields=["impact", "case"], name="guideline_impact_case_once")]

    def __str__(self) -> str:
        return f"Case changed by {self.impact}"


def _limited_findings() -> list[tuple[str, str]]:
    """The numeric findings a plausibility limit may be set for, by their labels."""
    return [(name, str(Case._meta.get_field(name).verbose_name)) for name in NUMERIC_FINDINGS]


class PlausibilityLimit(models.Model):
    """A value above which a typed finding is unusual enough that the typist confirms it before it is saved.

    Not a clinical threshold (those are GuidelineVersion's, and decide verdicts): a check against typing errors
    such as millimetres typed as centimetres. It changes no assessment, so it is not versioned with the
    guideline; its history (who changed what, when) is kept.
    """

    field = models.CharField(
        "finding",
        max_length=40,
        unique=True,
        choices=_limited_findings,
        help_text="The finding the limit applies to, on every pathway step that asks for it.",
    )
    warn_above = models.DecimalField(
        "ask for confirmation above",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="A value above this (in the finding's unit) must be confirmed before it is saved.",
    )
    reason = models.TextField(
        "why this limit",
        help_text="Shown to whoever types a value above the limit: what is unusual and what to check, with the "
        "source. Plain text.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["field"]
        constraints = [
            # A limit for a finding the forms do not have would never be applied.
            models.CheckConstraint(condition=Q(field__in=NUMERIC_FINDINGS), name="plausibility_limit_field_valid"),
            models.CheckConstraint(condition=Q(warn_above__gte=0), name="plausibility_limit_not_negative"),
            models.CheckConstraint(condition=~Q(reason=""), name="plausibility_limit_reason_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} above {self.warn_above.normalize():f}"
