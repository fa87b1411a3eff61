"""What every rule module shares: the option titles, the ``Draft`` that builds a recommendation, and the facts
several rules derive the same way (grade, fitness, what is planned, whether disease remains).

A rule collects reasons of four kinds (for, against, unknown, context); facts that rule an option out or
limit it lower a ceiling. ``Draft.done`` then picks the deciding reason (the one that set the verdict), puts
it first, and keeps as ``to_confirm`` only the unknown facts whose value could change the verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from .. import citations as c
from ..assessment import VERDICT_RANK, Recommendation, ToConfirm, Verdict
from ..citations import Source, refs_text
from ..facts import FACT_LABELS, CaseFacts
from ..guideline import Guideline
from ..staging import Staging, peritoneal_disease

REC, CONSIDER, NOT_REC = Verdict.RECOMMENDED, Verdict.CONSIDER, Verdict.NOT_RECOMMENDED

TITLES = {
    "primary_resection": "Resection of the primary tumour with mesenteric lymphadenectomy",
    "right_hemicolectomy": "Oncological right hemicolectomy",
    "ileocecal_valve_preservation": "Preservation of the ileocaecal valve",
    "laparoscopic_approach": "Laparoscopic approach",
    "prophylactic_cholecystectomy": "Prophylactic cholecystectomy at the same operation",
    "liver_resection": "Resection of liver metastases with curative intent",
    "liver_debulking": "Debulking liver surgery",
    "rfa": "Radiofrequency ablation (RFA)",
    "mwa": "Microwave ablation (MWA)",
    "ire": "Irreversible electroporation (IRE)",
    "tae_tace": "Transarterial embolisation or chemoembolisation (TAE/TACE)",
    "sirt": "Selective internal radiation therapy (SIRT)",
    "liver_transplant": "Liver transplantation",
    "peritoneal_cytoreduction": "Cytoreductive surgery for peritoneal carcinomatosis",
    "hipec": "Hyperthermic intraperitoneal chemotherapy (HIPEC) with the cytoreduction",
    "cardiology_assessment": "Cardiology assessment before major surgery (echocardiogram, NT-proBNP)",
    "perioperative_ssa": "Perioperative somatostatin analogue (octreotide) cover",
    "somatostatin_analogue": "Long-term somatostatin analogue therapy",
    "adjuvant_therapy": "Adjuvant or neoadjuvant therapy",
    "systemic_therapy": "Systemic therapy (no upfront surgery)",
}
RECOMMENDATION_CODES = tuple(TITLES)

# Major abdominal operations (the cover, cholecystectomy and cardiology options read these) and the
# liver-directed procedures (after SSA cover in a functional tumour, ref 59).
ABDOMINAL_OPERATIONS = ("primary_resection", "liver_resection", "liver_debulking", "peritoneal_cytoreduction")
MAJOR_OPERATIONS = (*ABDOMINAL_OPERATIONS, "liver_transplant")
LIVER_DIRECTED = ("rfa", "mwa", "ire", "tae_tace", "sirt")
GRADE_FIELDS = ("pathology.ki67_percent", "pathology.mitoses_per_2mm2")
SITE_TEXT = {
    "duodenum": "duodenum",
    "jejunum": "jejunum",
    "ileum": "ileum (proximal to the terminal ileum)",
    "terminal_ileum": "terminal ileum",
}

Earlier = Mapping[str, Recommendation]

# Reason kinds in the order they are printed after the deciding reason.
FOR, AGAINST, UNKNOWN, CONTEXT = 0, 1, 2, 3


# For to_confirm: one ToConfirm per field path, built once.
_CONFIRM = {path: ToConfirm(path, label) for path, label in FACT_LABELS.items()}

# Whether the drafts made now word their reasons; see ``verdicts_only``.
_WORDING: ContextVar[bool] = ContextVar("wording", default=True)


@contextmanager
def verdicts_only() -> Iterator[None]:
    """Evaluate without wording the reasons, inside this block: for counting verdicts (the impact preview).

    A verdict and its ``to_confirm`` follow from the limits and unknown facts a rule records, never from the
    wording of its reasons (``Draft.done``), so they come out the same; ``reasons``, ``why`` and ``citations``
    are left empty. Nothing evaluated this way may be shown or stored as an assessment.
    """
    token = _WORDING.set(False)
    try:
        yield
    finally:
        _WORDING.reset(token)


class Draft:
    """Collect one option's reasons, limits and unknown facts; ``done`` turns them into a Recommendation."""

    __slots__ = (
        "_by_kind",
        "_ceiling",
        "_lowered_by",
        "_sources",
        "_texts",
        "_unknown_cap",
        "_unknowns",
        "_wording",
        "code",
    )

    def __init__(self, code: str) -> None:
        self.code = code
        self._texts: dict[str, int] = {}  # each reason once, with its index (a dict keeps them in order)
        self._sources: dict[str, None] = {}  # citation texts, in order (a dict keeps them unique)
        self._ceiling = REC
        self._lowered_by: dict[Verdict, int] = {}
        self._unknown_cap: int | None = None
        # (paths, rank if adverse, rank if favourable or -1, caps): what an unknown fact could do to the verdict
        self._unknowns: list[tuple[tuple[str, ...], int, int, bool]] = []
        self._by_kind: tuple[list[int], ...] = ([], [], [], [])
        self._wording = _WORDING.get()

    # --- reasons -------------------------------------------------------------------------------------------
    def _add(self, kind: int, text: str, sources: tuple[Source, ...]) -> int:
        # Runs for every reason of every option of every assessment: a few dictionary operations, no loop.
        if not self._wording:
            return 0  # the index only chooses the reason printed first (``done``)
        if sources:
            suffix, citations = _tags(sources)
            self._sources.update(citations)  # a citation already there keeps its place
        else:
            suffix = "."
        sentence = text + suffix
        texts = self._texts
        index = texts.get(sentence)
        if index is not None:  # each reason at most once
            return index
        index = texts[sentence] = len(texts)
        self._by_kind[kind].append(index)
        return index

    def support(self, text: str, *sources: Source) -> int:
        """Add a reason for the option."""
        return self._add(FOR, text, sources)

    def oppose(self, text: str, *sources: Source) -> int:
        """Add a reason against the option that does not by itself change the verdict."""
        return self._add(AGAINST, text, sources)

    def note(self, text: str, *sources: Source) -> int:
        """Add context: how to do it, what to watch, what the seed reports."""
        return self._add(CONTEXT, text, sources)

    def exclude(self, text: str, *sources: Source) -> int:
        """Add a reason that rules the option out (verdict not_recommended)."""
        return self._lower(NOT_REC, self._add(AGAINST, text, sources))

    def limit(self, text: str, *sources: Source) -> int:
        """Add a reason that limits the option to at most ``consider``."""
        return self._lower(CONSIDER, self._add(AGAINST, text, sources))

    def _lower(self, verdict: Verdict, index: int) -> int:
        self._lowered_by.setdefault(verdict, index)
        if VERDICT_RANK[verdict] < VERDICT_RANK[self._ceiling]:
            self._ceiling = verdict
        return index

    @property
    def excluded(self) -> bool:
        return self._ceiling == NOT_REC

    @property
    def capped_by_unknown(self) -> bool:
        return self._unknown_cap is not None

    def unknown(
        self,
        paths: str | tuple[str, ...],
        why: str,
        *sources: Source,
        subject: str | None = None,
        adverse: Verdict = NOT_REC,
        favourable: Verdict | None = None,
        caps: bool = True,
    ) -> int:
        """Name an unknown fact the verdict depends on: "<subject> not recorded: <why>".

        ``adverse`` is the verdict the fact would force if it turned out against the option, ``favourable``
        the one it could allow if it turned out for it. With ``caps`` (the rule everywhere unless a rule says
        otherwise) an unknown limits the verdict to ``consider``: unknown is never read as "no".
        """
        paths = (paths,) if isinstance(paths, str) else paths
        label = subject or FACT_LABELS[paths[0]]
        index = self._add(UNKNOWN, f"{label[:1].upper()}{label[1:]} not recorded: {why}", sources)
        self.ask(paths, adverse=adverse, favourable=favourable, caps=caps)
        if caps and self._unknown_cap is None:
            self._unknown_cap = index
        return index

    def ask(
        self,
        paths: str | tuple[str, ...],
        adverse: Verdict = NOT_REC,
        favourable: Verdict | None = None,
        caps: bool = False,
    ) -> None:
        """Record an unknown fact for ``to_confirm`` without a sentence of its own (a reason already names it)."""
        paths = (paths,) if isinstance(paths, str) else paths
        self._unknowns.append(
            (paths, VERDICT_RANK[adverse], -1 if favourable is None else VERDICT_RANK[favourable], caps)
        )

    # --- verdict -------------------------------------------------------------------------------------------
    def done(self, candidate: Verdict, because: int | None = None) -> Recommendation:
        """Return the recommendation: ``candidate`` lowered by every limit, ``because`` the reason for it."""
        known = _weaker(candidate, self._ceiling)
        final = _weaker(known, CONSIDER) if self._unknown_cap is not None else known
        rank, known_rank = VERDICT_RANK[final], VERDICT_RANK[known]
        confirm: dict[str, ToConfirm] = {}
        for paths, adverse, favourable, caps in self._unknowns:
            # Could its value lower the verdict, or lift it (it or its cap)?
            if adverse < rank or favourable > rank or (caps and known_rank > rank):
                for path in paths:
                    confirm.setdefault(path, _CONFIRM[path])
        if not self._wording:
            return Recommendation(self.code, final, TITLES[self.code], (), (), "", tuple(confirm.values()))
        if final == self._ceiling and final in self._lowered_by:
            deciding = self._lowered_by[final]  # a known fact of this case set it
        elif because is not None and final == candidate:
            deciding = because
        elif final != known and self._unknown_cap is not None:
            deciding = self._unknown_cap
        else:
            # The first reason of the kind wanted, else the first reason.
            of_kind = self._by_kind[AGAINST if final == NOT_REC else FOR]
            deciding = of_kind[0] if of_kind else 0
        texts = list(self._texts)
        reasons = tuple([texts[deciding]] if texts else []) + tuple(
            [texts[i] for group in self._by_kind for i in group if i != deciding]
        )
        return Recommendation(
            self.code,
            final,
            TITLES[self.code],
            reasons,
            tuple(self._sources),
            reasons[0] if reasons else "",
            tuple(confirm.values()),
        )


_TAGS: dict[int | tuple[int, ...], tuple[str, dict[str, None]]] = {}


def _tags(sources: tuple[Source, ...]) -> tuple[str, dict[str, None]]:
    """Return the sentence ending for SOURCES, e.g. `` (refs 60, 61; Table II, Stage IV line 3a).``, and their
    full citations. Cached by the sources' identity: they are module constants and this runs for every reason.
    """
    key = id(sources[0]) if len(sources) == 1 else tuple(map(id, sources))
    found = _TAGS.get(key)
    if found is None:
        refs: list[int] = []
        for source in sources:
            if not source.located:
                refs.extend(ref for ref in source.refs if ref not in refs)
        tags = [refs_text(refs)] if refs else []
        for source in sources:
            if source.located:  # a table line or a page: its place, then any reference not yet named
                rest = [ref for ref in source.refs if ref not in refs]
                tags.append(f"{source.section}; {refs_text(rest)}" if rest else source.short or source.section)
        suffix = f" ({'; '.join(tags)})." if tags else "."
        found = _TAGS[key] = (suffix, dict.fromkeys(str(source) for source in sources))
    return found


def _weaker(first: Verdict, second: Verdict) -> Verdict:
    return first if VERDICT_RANK[first] <= VERDICT_RANK[second] else second


weaker = _weaker


def at_least(verdict: Verdict, level: Verdict) -> bool:
    return VERDICT_RANK[verdict] >= VERDICT_RANK[level]


# --- wording -------------------------------------------------------------------------------------------------
def percent(value: float) -> str:
    return f"{value:g}%"


def days(number: int) -> str:
    return f"{number} day{'' if number == 1 else 's'}"


def lesions_text(number: int) -> str:
    return f"{number} liver lesion{'' if number == 1 else 's'}"


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def joined(items: Iterable[str]) -> str:
    """Return 'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# --- facts several rules derive the same way -----------------------------------------------------------------
def liver_metastases(facts: CaseFacts) -> bool | None:
    lesions = facts.liver.lesions
    return None if lesions is None else lesions > 0


def high_grade(staging: Staging) -> bool | None:
    """Return whether the tumour is G3 or a neuroendocrine carcinoma (``None`` when the grade is unknown)."""
    return None if staging.grade is None else staging.grade in ("G3", "NEC")


def functional(facts: CaseFacts) -> bool | None:
    """Return whether there is evidence of carcinoid syndrome (the syndrome or raised urine 5-HIAA)."""
    syndrome = facts.syndrome
    if syndrome.carcinoid_syndrome or syndrome.urine_5hiaa_elevated:
        return True
    if syndrome.carcinoid_syndrome is False and syndrome.urine_5hiaa_elevated is False:
        return False
    return None


def functional_text(facts: CaseFacts) -> str:
    """Return 'Carcinoid syndrome', 'Raised urine 5-HIAA' or both, for a functional tumour."""
    syndrome = facts.syndrome
    found = [
        label
        for label, value in (
            ("carcinoid syndrome", syndrome.carcinoid_syndrome),
            ("raised urine 5-HIAA", syndrome.urine_5hiaa_elevated),
        )
        if value
    ]
    return sentence_case(" and ".join(found))


def unknown_syndrome_fields(facts: CaseFacts) -> tuple[str, ...]:
    syndrome = facts.syndrome
    return tuple(
        path
        for path, value in (
            ("syndrome.carcinoid_syndrome", syndrome.carcinoid_syndrome),
            ("syndrome.urine_5hiaa_elevated", syndrome.urine_5hiaa_elevated),
        )
        if value is None
    )


def unknown_m_fields(facts: CaseFacts) -> tuple[str, ...]:
    """Return the metastatic sites not recorded (M is unknown until each is known or one is positive)."""
    extrahepatic = facts.extrahepatic
    return tuple(
        path
        for path, value in (
            ("liver.lesions", facts.liver.lesions),
            ("extrahepatic.peritoneal", peritoneal_disease(extrahepatic)),
            ("extrahepatic.extra_abdominal", extrahepatic.extra_abdominal),
            ("extrahepatic.perihilar_nodes_only", extrahepatic.perihilar_nodes_only),
        )
        if value is None
    )


def outside_liver(facts: CaseFacts) -> list[str]:
    """Return the metastatic sites outside the liver that break liver dominance (perihilar nodes do not)."""
    extrahepatic = facts.extrahepatic
    sites = []
    if peritoneal_disease(extrahepatic):
        sites.append("peritoneal")
    if extrahepatic.extra_abdominal:
        sites.append("extra-abdominal")
    return sites


def unfit(facts: CaseFacts, guideline: Guideline) -> bool | None:
    """Return whether the ECOG performance status is at or above the guideline's limit for major surgery."""
    ecog = facts.patient.ecog
    return None if ecog is None else ecog >= guideline.unfit_min_ecog


def planned(earlier: Earlier, codes: Iterable[str]) -> list[str]:
    """Return the codes among CODES whose verdict is at least ``consider``."""
    return [code for code in codes if earlier[code].verdict != NOT_REC]


def best_verdict(earlier: Earlier, codes: Iterable[str]) -> Verdict:
    return max((earlier[code].verdict for code in codes), key=VERDICT_RANK.__getitem__)


def titles_of(codes: Iterable[str]) -> str:
    return "; ".join(TITLES[code].lower() for code in codes)


@dataclass(frozen=True, slots=True)
class DiseaseStatus:
    """Whether tumour remains, whether a curative operation is recommended, and whether the disease is inoperable."""

    present: bool | None  # distant metastases, residual disease after R2, or a primary in place
    curative_plan: bool  # curative liver resection, or resection of localised disease, is recommended
    inoperable: bool  # disease remains and no operation can remove it (metastatic, R2, unresectable primary)
    description: str  # what remains, in words ("distant metastases", ...)


def disease_status(facts: CaseFacts, staging: Staging, earlier: Earlier) -> DiseaseStatus:
    """Return the case's disease status from the facts and the surgical verdicts already evaluated."""
    primary = facts.primary
    in_place = primary.resected is False
    residual = primary.resected is True and primary.margin == "R2"
    parts = []
    if staging.m == "M1":
        parts.append("distant metastases")
    if residual:
        parts.append("macroscopic residual disease after an R2 resection")
    if in_place and staging.m != "M1":
        parts.append("the primary in place")
    present: bool | None = True if parts else None
    if not parts and staging.m == "M0" and primary.resected and primary.margin in ("R0", "R1"):
        present = False
    curative = earlier["liver_resection"].verdict == REC or (
        staging.m == "M0" and in_place and earlier["primary_resection"].verdict == REC
    )
    inoperable = (
        bool(parts)
        and not curative
        and (staging.m == "M1" or residual or earlier["primary_resection"].verdict == NOT_REC)
    )
    return DiseaseStatus(present, curative, inoperable, joined(parts) if parts else "")


# --- checks several rules share ------------------------------------------------------------------------------
def no_liver_metastases(draft: Draft, facts: CaseFacts) -> Recommendation | None:
    """Return the not-applicable verdict when liver metastases are absent or unrecorded, else ``None``."""
    lesions = facts.liver.lesions
    if lesions == 0:
        draft.exclude("No liver metastases: not applicable")
        return draft.done(NOT_REC)
    if lesions is None:
        draft.exclude(
            "Number of liver lesions not recorded: liver-directed options cannot be assessed until liver imaging "
            "is recorded",
            c.PREOPERATIVE_WORKUP,
        )
        draft.ask("liver.lesions", favourable=REC)
        return draft.done(NOT_REC)
    return None


def ssa_first(draft: Draft, facts: CaseFacts) -> None:
    """Ask for somatostatin analogue cover before a liver-directed procedure in a functional tumour (ref 59)."""
    if functional(facts):
        draft.note(
            f"{functional_text(facts)}: give somatostatin analogue cover before the procedure (risk of carcinoid "
            "crisis)",
            c.SSA_BEFORE_LOCOREGIONAL,
        )


def liver_directed_limits(
    draft: Draft,
    facts: CaseFacts,
    staging: Staging,
    guideline: Guideline,
    therapy: str,
    liver_function: bool = True,
    extensive: bool = True,
    outside_unknown_caps: bool = False,
) -> None:
    """Read tumour biology, liver function, liver burden and disease outside the liver for a liver-directed option.

    Seed 000, Locoregional Treatment: "individualized ... according to tumor and patient characteristics";
    ref 44: tumour biology; seed 003: "poor liver function or extensive disease, the risks may outweigh the
    benefits" and ablation and embolisation for "liver-dominant disease"; Table II Stage IV line 4: "patients
    with mainly liver metastases", systemic treatment for "progressive disease with extrahepatic lesions".

    Unknown grade, liver failure, liver burden and (unless ``outside_unknown_caps``, as for TAE/TACE since
    round 1) disease outside the liver are listed in ``to_confirm`` without lowering the verdict: the option's
    own criteria (number, size, site of lesions) decide what is recorded.
    """
    grade = staging.grade
    if grade == "NEC":
        kind = "Small cell neuroendocrine carcinoma" if facts.pathology.small_cell else "Neuroendocrine carcinoma"
        draft.exclude(
            f"{kind}: its tumour biology calls for systemic treatment (see systemic therapy), not {therapy}",
            c.LIVER_RESECTION_FACTORS,
            c.LOCOREGIONAL_INDIVIDUALISED,
        )
    elif grade == "G3":
        draft.limit(
            f"Grade G3: a high risk of recurrence; {therapy} is individualised by tumour biology",
            c.LIVER_RESECTION_FACTORS,
            c.LOCOREGIONAL_INDIVIDUALISED,
        )
    elif grade is None:
        draft.ask(GRADE_FIELDS)
    liver = facts.liver
    if liver_function:
        if liver.liver_failure:
            draft.limit(f"Liver failure: the risks of {therapy} may outweigh its benefits", c.NECA_RISKS)
        elif liver.liver_failure is None:
            draft.ask("liver.liver_failure", adverse=CONSIDER)
    involvement, limit = liver.involvement_percent, guideline.extensive_liver_involvement_percent
    if extensive:
        if involvement is not None and involvement >= limit:
            draft.limit(
                f"{percent(involvement)} of the liver replaced by tumour (extensive disease, from {percent(limit)}): "
                f"the risks of {therapy} may outweigh its benefits",
                c.NECA_RISKS,
            )
        elif involvement is None:
            draft.ask("liver.involvement_percent", adverse=CONSIDER)
    outside = outside_liver(facts)
    if outside:
        draft.limit(
            f"{sentence_case(' and '.join(outside))} disease: {therapy} suits liver-dominant disease, mainly liver "
            "metastases",
            c.NECA_LIVER_DOMINANT,
            c.STAGE_IV_4,
        )
    extrahepatic = facts.extrahepatic
    for path, label, value in (
        ("extrahepatic.extra_abdominal", "Extra-abdominal disease", extrahepatic.extra_abdominal),
        ("extrahepatic.peritoneal", "Peritoneal disease", peritoneal_disease(extrahepatic)),
    ):
        if value is None and outside_unknown_caps:
            draft.unknown(
                path, f"{therapy} suits liver-dominant disease", c.NECA_LIVER_DOMINANT, subject=label, adverse=CONSIDER
            )
        elif value is None:
            draft.ask(path, adverse=CONSIDER)
    if extrahepatic.progressive:
        draft.limit(
            "Progressive extrahepatic disease: systemic treatment should be given (see systemic therapy)", c.STAGE_IV_4
        )
