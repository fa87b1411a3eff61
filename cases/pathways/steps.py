"""The steps of the diagnostic pathway, in the order of the seed's diagnostic algorithm (Figure 1).

Each step names the Case fields its form edits, the first being the date its findings were obtained. A step
may not apply to a case (liver detail only when liver metastases are recorded); the rail shows it as not
applicable and navigation skips it. Which questions are asked when comes from the engine's one table
(cases/pathways/engine/questions.py), which the forms and the engine's contradiction checks read too.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404

from cases.pathways.engine.questions import LIVER_METASTASES, QUESTIONS, Condition, is_asked
from cases.patients.display import finding_display, label_of
from cases.patients.findings import FACT_OF_FIELD, FIELD_OF_FACT


def always(case) -> bool:
    return True


def case_value(case, fact: str):
    """Return the value CASE holds for the engine fact FACT ("liver.lesions")."""
    return getattr(case, FIELD_OF_FACT[fact])


def holds(case, condition: Condition) -> bool:
    """Return whether CONDITION is known to hold for CASE (unknown is not)."""
    return condition.holds(case_value(case, condition.fact)) is True


def has_liver_metastases(case) -> bool:
    return holds(case, LIVER_METASTASES)


def is_asked_of(case, field_name: str) -> bool:
    """Return whether the question FIELD_NAME is asked for CASE as it is stored (unconditional ones always)."""
    question = QUESTIONS.get(FACT_OF_FIELD.get(field_name, ""))
    return question is None or is_asked(question, lambda fact: case_value(case, fact))


@dataclass(frozen=True)
class Step:
    slug: str
    number: int
    title: str
    fields: tuple[str, ...]
    intro: str
    applies: Callable = always
    not_applicable_reason: str = ""
    # Fields shown side by side (a value with its unit and upper limit of normal), each group one row.
    rows: tuple[tuple[str, ...], ...] = ()

    @property
    def date_field(self) -> str | None:
        """Return the field for the date the step's findings were obtained (the first field)."""
        return self.fields[0] if self.fields else None

    def layout(self) -> list[tuple[str, ...]]:
        """Return the step's fields in rows: the grouped ones together, every other field alone."""
        grouped = {name: row for row in self.rows for name in row}
        rows, seen = [], set()
        for name in self.fields:
            row = grouped.get(name, (name,))
            if row not in seen:
                seen.add(row)
                rows.append(row)
        return rows


STEPS: tuple[Step, ...] = (
    Step(
        "presentation",
        1,
        "Presentation",
        (
            "assessed_on",
            "symptomatic",
            "carcinoid_syndrome",
            "emergency_presentation",
            "family_history",
            "ecog",
            "major_comorbidity",
        ),
        "Symptoms, carcinoid syndrome and fitness. Carcinoid syndrome decides the somatostatin analogue cover "
        "that prevents a carcinoid crisis during any procedure (Preoperative Care; ref 13, 14).",
    ),
    Step(
        "biochemistry",
        2,
        "Biochemistry",
        (
            "labs_date",
            "chromogranin_a_measured",
            "chromogranin_a_value",
            "chromogranin_a_unit",
            "chromogranin_a_uln",
            "chromogranin_a_elevated",
            "urine_5hiaa_measured",
            "urine_5hiaa_value",
            "urine_5hiaa_unit",
            "urine_5hiaa_uln",
            "urine_5hiaa_elevated",
            "nt_probnp_pg_ml",
        ),
        "Chromogranin A, 24-hour urine 5-HIAA and NT-proBNP (Figure 1; Preoperative Care, ref 10).",
        rows=(
            ("chromogranin_a_value", "chromogranin_a_unit", "chromogranin_a_uln"),
            ("urine_5hiaa_value", "urine_5hiaa_unit", "urine_5hiaa_uln"),
        ),
    ),
    Step(
        "imaging",
        3,
        "Cross-sectional imaging",
        (
            "imaging_date",
            "ct_or_mri_done",
            "primary_site",
            "primary_size_cm",
            "multifocal",
            "mesenteric_mass_cm",
            "encases_mesenteric_vessels",
            "mesenteric_stage",
            "liver_lesions",
            "liver_max_diameter_cm",
            "liver_bilobar",
            "liver_dominant_lesion",
            "liver_involvement_percent",
            "peritoneal",
            "pci",
            "extra_abdominal",
            "perihilar_nodes_only",
            "extrahepatic_progressive",
        ),
        "CT or MRI: the primary, the mesenteric nodes, the liver and disease beyond it (ref 10, 28, 54).",
    ),
    Step(
        "functional-imaging",
        4,
        "Functional imaging",
        ("functional_imaging_date", "sstr_imaging_done", "fdg_pet_done"),
        "Somatostatin receptor imaging for every patient; FDG PET where the grade is high (Figure 1; ref 10).",
    ),
    Step(
        "histology",
        5,
        "Histology and grade",
        (
            "histology_date",
            "histology_available",
            "differentiation",
            "ki67_percent",
            "ki67_specimen",
            "mitoses_per_2mm2",
            "small_cell",
            "primary_invasion",
            "primary_resected",
            "resection_margin",
            "nodes_examined",
            "positive_nodes",
        ),
        "Differentiation, Ki-67 and mitotic count give the WHO 2019 grade; invasion and nodes the TNM "
        "(Table I). Margin and nodes only if the primary has been resected.",
        rows=(("ki67_percent", "ki67_specimen"), ("nodes_examined", "positive_nodes")),
    ),
    Step(
        "cardiac",
        6,
        "Cardiac assessment",
        ("cardiac_date", "echo_done", "carcinoid_heart_disease", "right_heart_failure"),
        "Echocardiogram for carcinoid heart disease, needed with carcinoid syndrome or raised 5-HIAA (ref 10).",
    ),
    Step(
        "liver",
        7,
        "Liver detail",
        (
            "liver_assessment_date",
            "liver_near_vital_structures",
            "portal_vein_thrombosis",
            "liver_failure",
            "biliary_enteric_anastomosis",
            "hepatopulmonary_shunt",
            "liver_resectable_percent",
            "stable_months",
            "portal_venous_drainage",
        ),
        "What decides between resection, ablation, embolisation and transplantation (Liver Metastases and "
        "Locoregional Treatment sections).",
        applies=has_liver_metastases,
        not_applicable_reason="Only when liver metastases are recorded (step 3).",
    ),
    Step("summary", 8, "Summary", (), "Stage, grade, gaps in the work-up and the recommendations."),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def get_step(slug: str) -> Step:
    try:
        return STEP_BY_SLUG[slug]
    except KeyError:
        raise Http404("No such pathway step.") from None


def next_step(case, step: Step) -> Step:
    """Return the next step that applies to CASE (the summary always does)."""
    for candidate in STEPS[step.number :]:
        if candidate.applies(case):
            return candidate
    return STEPS[-1]


def previous_step(case, step: Step) -> Step | None:
    for candidate in reversed(STEPS[: step.number - 1]):
        if candidate.applies(case):
            return candidate
    return None


# The laboratory's values behind "raised": recorded when at hand, never a gap (the finding is whether it is
# raised, which may be known without them).
DETAIL_FIELDS = frozenset(
    {
        "chromogranin_a_value",
        "chromogranin_a_unit",
        "chromogranin_a_uln",
        "urine_5hiaa_value",
        "urine_5hiaa_unit",
        "urine_5hiaa_uln",
    }
)


def unknown_fields(case, step: Step) -> list[str]:
    """Return the step's fields that are still unknown although they are asked for CASE.

    A question that is not asked (the PCI without peritoneal disease) is rightly unknown, not a gap; nor is a
    laboratory value whose "raised" answer is what the step needs.
    """
    return [
        name
        for name in step.fields
        if getattr(case, name) is None and name not in DETAIL_FIELDS and is_asked_of(case, name)
    ]


@dataclass(frozen=True)
class RailEntry:
    step: Step
    state: str  # "done", "incomplete", "not_applicable" (also the entry's CSS class)
    unknown: int  # fields still unknown
    current: bool

    @property
    def done(self) -> bool:
        return self.state == "done"

    @property
    def not_applicable(self) -> bool:
        return self.state == "not_applicable"


def rail(case, current: Step) -> list[RailEntry]:
    """Return each step's state: done (saved and nothing unknown), incomplete, or not applicable."""
    entries = []
    for step in STEPS:
        unknown = len(unknown_fields(case, step))
        if not step.applies(case):
            state = "not_applicable"
        elif step.slug == "summary":
            state = "done" if all(s.slug in case.step_versions for s in STEPS[:-1] if s.applies(case)) else "incomplete"
        elif step.slug in case.step_versions and unknown == 0:
            state = "done"
        else:
            state = "incomplete"
        entries.append(RailEntry(step, state, unknown, step == current))
    return entries


def shown_fields(case, step: Step) -> list[str]:
    """Return the step's fields the record shows for CASE: those asked, and any other that has a value."""
    return [name for name in step.fields if is_asked_of(case, name) or is_recorded(getattr(case, name))]


def findings_by_step(case) -> list[tuple]:
    """Return [(step, [(label, value shown, recorded)])] for the steps that apply to CASE, in pathway order."""
    steps = []
    for step in steps_with_findings(case):
        values = [(name, getattr(case, name)) for name in shown_fields(case, step)]
        steps.append((step, [(label_of(name), finding_display(name, v, case), is_recorded(v)) for name, v in values]))
    return steps


def is_recorded(value) -> bool:
    """Return whether a finding has a value ("Unknown" is shown for one that has none)."""
    return value is not None and value != ""


def recorded_findings_by_step(case) -> list[tuple]:
    """Return [(step, [(label, value shown)], [labels of findings not recorded])] for the printed record.

    The record lists what was known as label and value, and what was not in one line per step, so an
    auditor sees both without reading a row of "Unknown" per missing finding. Questions not asked for the
    case (the PCI without peritoneal disease) are left out.
    """
    steps = []
    for step in steps_with_findings(case):
        recorded, not_recorded = [], []
        for name in shown_fields(case, step):
            value = getattr(case, name)
            if is_recorded(value):
                recorded.append((label_of(name), finding_display(name, value, case)))
            else:
                not_recorded.append(label_of(name))
        steps.append((step, recorded, not_recorded))
    return steps


def steps_with_findings(case) -> list:
    """Return the pathway steps that record findings and apply to CASE, in pathway order."""
    return [step for step in STEPS if step.fields and step.applies(case)]
