"""The board view's one-line case header: the facts the board argues about, each in a few words.

Read from the same facts the engine evaluates (`Case.to_facts`), so the header never says something the
options were not derived from. An unknown fact reads "?" rather than vanishing: the board sees the gap.
"""

from dataclasses import dataclass
from datetime import date

from cases.pathways.engine import Assessment, Recommendation
from cases.pathways.engine.assessment import VERDICT_RANK
from cases.pathways.engine.facts import FactsError, facts_from_dict
from cases.pathways.engine.facts import Liver as LiverFacts
from cases.patients.models import Case

SITE_WORDS = {"duodenum": "duodenum", "jejunum": "jejunum", "ileum": "ileum", "terminal_ileum": "terminal ileum"}


@dataclass(frozen=True)
class HeaderFact:
    label: str  # for screen readers and the test: what the words are about
    text: str


def _number(value: float) -> str:
    """1.0 -> "1", 2.5 -> "2.5": sizes as a clinician writes them."""
    return f"{value:g}"


def _liver(liver: LiverFacts, pattern: str | None) -> str:
    if liver.lesions is None:
        return "liver ?"
    if liver.lesions == 0:
        return "no liver metastases"
    if pattern:
        where = f"type {pattern}"
    elif liver.bilobar is False:
        where = "one lobe"  # outside the seed's three patterns (ref 54): resectability decides
    else:
        where = "pattern ?"
    words = [where, f"{liver.lesions} lesion{'s' if liver.lesions != 1 else ''}"]
    if liver.involvement_percent is not None:
        words.append(f"{_number(liver.involvement_percent)} % of the liver")
    return "liver " + ", ".join(words)


def header_facts(case: Case, assessment: Assessment | None, age: str, day: date) -> list[HeaderFact]:
    """Return the facts of CASE's one-line header in reading order (age as shown on the day of the board)."""
    patient = case.patient
    facts_list = [
        HeaderFact("Age", age),
        HeaderFact("Sex", patient.get_sex_display()),
        HeaderFact("Hospital number", patient.hospital_number),
    ]
    try:
        facts = facts_from_dict(case.to_facts(today=day))
    except FactsError:
        return facts_list  # the page says why the findings cannot be assessed
    primary = facts.primary
    site = SITE_WORDS.get(primary.site or "", "primary site ?")
    size = f"{_number(primary.size_cm)} cm" if primary.size_cm is not None else "size ?"
    facts_list.append(HeaderFact("Primary", f"{site} {size}"))
    if assessment is not None:
        m = assessment.m or "M?"
        facts_list.append(
            HeaderFact("TNM and stage", f"{assessment.t} {assessment.n} {m} · stage {assessment.stage or '?'}")
        )
        ki67 = facts.pathology.ki67_percent
        ki67_text = f"Ki-67 {_number(ki67)} %" if ki67 is not None else "Ki-67 ?"
        facts_list.append(HeaderFact("Grade", f"{assessment.grade or 'grade ?'} · {ki67_text}"))
        facts_list.append(HeaderFact("Liver", _liver(facts.liver, assessment.liver_pattern)))
    syndrome = facts.syndrome.carcinoid_syndrome
    syndrome_text = {True: "carcinoid syndrome", False: "no syndrome", None: "syndrome ?"}[syndrome]
    facts_list.append(HeaderFact("Syndrome", syndrome_text))
    ecog = facts.patient.ecog
    facts_list.append(HeaderFact("ECOG", f"ECOG {ecog if ecog is not None else '?'}"))
    return facts_list


def board_order(recommendations: tuple[Recommendation, ...]) -> tuple[Recommendation, ...]:
    """Return the options recommended first, then those to consider, then the rest; the engine's order within each."""
    return tuple(sorted(recommendations, key=lambda rec: -VERDICT_RANK[rec.verdict]))
