"""Which questions are asked when: the one table of conditional questions.

Three places read it, so they cannot disagree:

- the pathway's step forms show a question only while its conditions hold (``cases/pathways/forms.py`` puts
  them on the field, ``static/js/app.js`` shows and hides; without JavaScript every question is shown with
  its condition in the help text), and count it as a gap only then (``cases/pathways/steps.py``);
- a whole step is skipped when its questions are not asked (the liver step without liver metastases);
- :func:`~.facts.contradictions` refuses a value that a known answer rules out (a PCI above 0 with no
  peritoneal disease), for ``manage.py recommend`` and the step forms alike.

A question that is not asked is unknown (``None``), never "no". Values in ``neutral`` state nothing (a PCI of
0, "no" to bilobar disease) and are accepted whatever the conditions. The forms never hide a question that
holds a value: what was typed is refused with a message (when a known answer rules it out), never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Any


@dataclass(frozen=True, slots=True)
class Condition:
    """A fact of the case that decides whether a question is asked.

    ``test`` is ``"yes"`` (the fact is true), ``"above_zero"`` (a count above 0) or ``"given"`` (any value).
    ``words`` says what must hold, for people; ``not_holding`` names the fact when it is known not to hold,
    in the engine's path form of the contradiction messages.
    """

    fact: str
    test: str
    words: str
    not_holding: str = ""

    def holds(self, value: Any) -> bool | None:
        """Return whether the condition holds for VALUE of its fact: True, False, or None (unknown)."""
        if self.test == "given":
            return value is not None
        if value is None:
            return None
        if self.test == "yes":
            return value is True
        return value > 0


@dataclass(frozen=True, slots=True)
class Question:
    """When one fact is asked, and which answers rule a value of it out.

    Asked while every condition of ``when`` holds. A value outside ``neutral`` is refused with ``refusal``
    while a condition of ``refused_by`` is known not to hold (also while it is unknown if ``strict``).
    """

    when: tuple[Condition, ...]
    refused_by: tuple[Condition, ...] = ()
    refusal: str = ""
    neutral: tuple[Any, ...] = ()
    strict: bool = False


PERITONEAL = Condition(
    "extrahepatic.peritoneal", "yes", "peritoneal disease is Yes", "extrahepatic.peritoneal is false"
)
LIVER_METASTASES = Condition("liver.lesions", "above_zero", "liver metastases are recorded", "liver.lesions is 0")
BILOBAR = Condition("liver.bilobar", "yes", "they are in both lobes")
RESECTED = Condition("primary.resected", "yes", "the primary has been resected")
KI67_RECORDED = Condition("pathology.ki67_percent", "given", "a Ki-67 index is recorded")
CGA_MEASURED = Condition("workup.chromogranin_a", "yes", "chromogranin A was measured")
HIAA_MEASURED = Condition("workup.urine_5hiaa", "yes", "24-h urine 5-HIAA was measured")

_LIVER_ZERO = "when liver.lesions is 0"

QUESTIONS: dict[str, Question] = {
    # Diffuse Peritoneal Carcinomatosis (refs 81, 83): the PCI scores peritoneal disease. A PCI of 0 agrees
    # with "no peritoneal disease"; unknown peritoneal disease with a PCI above 0 counts as peritoneal disease.
    "extrahepatic.pci": Question(
        (PERITONEAL,), (PERITONEAL,), "cannot be above 0 when extrahepatic.peritoneal is false", neutral=(0,)
    ),
    # Liver Metastases (refs 54, 61, 78): the burden questions describe metastases that are there.
    "liver.max_diameter_cm": Question((LIVER_METASTASES,), (LIVER_METASTASES,), f"must be null {_LIVER_ZERO}"),
    "liver.bilobar": Question(
        (LIVER_METASTASES,), (LIVER_METASTASES,), f"cannot be true {_LIVER_ZERO}", neutral=(False,)
    ),
    # Pattern II is a dominant lesion with satellites in both lobes (ref 54): asked for bilobar disease only.
    "liver.dominant_lesion": Question(
        (LIVER_METASTASES, BILOBAR), (LIVER_METASTASES,), f"cannot be true {_LIVER_ZERO}", neutral=(False,)
    ),
    "liver.involvement_percent": Question(
        (LIVER_METASTASES,), (LIVER_METASTASES,), f"must be 0 or null {_LIVER_ZERO}", neutral=(0,)
    ),
    # The liver step: what decides between resection, ablation, embolisation and transplantation.
    "liver.near_vital_structures": Question(
        (LIVER_METASTASES,), (LIVER_METASTASES,), f"cannot be true {_LIVER_ZERO}", neutral=(False,)
    ),
    "liver.resectable_percent": Question((LIVER_METASTASES,), (LIVER_METASTASES,), f"must be null {_LIVER_ZERO}"),
    # Asked with liver metastases only, but not refused without them (liver failure has other causes; the
    # months of stable disease and the portal drainage describe the whole disease and the primary).
    "liver.portal_vein_thrombosis": Question((LIVER_METASTASES,)),
    "liver.liver_failure": Question((LIVER_METASTASES,)),
    "liver.biliary_enteric_anastomosis": Question((LIVER_METASTASES,)),
    "liver.hepatopulmonary_shunt": Question((LIVER_METASTASES,)),
    "liver.stable_months": Question((LIVER_METASTASES,)),
    "primary.portal_venous_drainage": Question((LIVER_METASTASES,)),
    # A margin belongs to a resection; the node counts come from the resected specimen.
    "primary.margin": Question((RESECTED,), (RESECTED,), "only meaningful when primary.resected is true", strict=True),
    "nodes.positive": Question((RESECTED,)),
    "nodes.examined": Question((RESECTED,)),
    "pathology.ki67_specimen": Question((KI67_RECORDED,)),
    # A laboratory's result once it is measured (Figure 1; Preoperative Care, ref 10): the value with its unit
    # and upper limit of normal, or only whether it is raised. Not refused otherwise: a value proves the
    # measurement (engine/facts.py, DONE_BY_VALUE), and the old contract's raised 5-HIAA stands alone.
    "biochemistry.chromogranin_a": Question((CGA_MEASURED,)),
    "biochemistry.chromogranin_a_unit": Question((CGA_MEASURED,)),
    "biochemistry.chromogranin_a_uln": Question((CGA_MEASURED,)),
    "biochemistry.chromogranin_a_elevated": Question((CGA_MEASURED,)),
    "biochemistry.urine_5hiaa": Question((HIAA_MEASURED,)),
    "biochemistry.urine_5hiaa_unit": Question((HIAA_MEASURED,)),
    "biochemistry.urine_5hiaa_uln": Question((HIAA_MEASURED,)),
    "syndrome.urine_5hiaa_elevated": Question((HIAA_MEASURED,)),
}


# path -> its getter; built on first use (every validation and assessment reads dozens of paths).
_GETTERS: dict[str, attrgetter] = {}


def value_at(facts: Any, path: str) -> Any:
    """Return the fact at PATH ("group.key") of FACTS (the engine's CaseFacts)."""
    getter = _GETTERS.get(path)
    if getter is None:
        group, key = path.split(".")
        getter = _GETTERS[path] = attrgetter(f"{group}.{key}")
    return getter(facts)


def is_asked(question: Question, value_of) -> bool:
    """Return whether QUESTION is asked, VALUE_OF(path) giving the facts it depends on (unknown: not asked)."""
    return all(condition.holds(value_of(condition.fact)) is True for condition in question.when)


def refusals(facts: Any) -> dict[str, str]:
    """Return ``{path: message}`` for each conditional fact whose value a known answer rules out."""
    found: dict[str, str] = {}
    for path, question in QUESTIONS.items():
        value = value_at(facts, path)
        if value is None or value in question.neutral:
            continue
        for condition in question.refused_by:
            holds = condition.holds(value_at(facts, condition.fact))
            if holds is False or (holds is None and question.strict):
                found[path] = question.refusal
                break
    return found
