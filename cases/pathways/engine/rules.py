"""One small pure function per recommendation code.

Each rule is ``rule(facts, guideline, staging, earlier) -> Recommendation``; ``earlier`` holds the results of
the rules evaluated before it (``EVALUATION_ORDER``), never later ones. Reasons are plain sentences with the
actual values, for and against, each ending with the tag of the seed passage it rests on.

Unknown facts (``None``) are never read as "no". When a verdict hinges on an unknown fact the rule names it
("... not recorded: ...") and the verdict is at most ``consider``; the few deliberate exceptions are stated
where they occur and in docs/clinical-rules.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from . import citations as c
from .assessment import VERDICT_RANK, Recommendation, Verdict
from .citations import Source, refs_text
from .facts import CaseFacts
from .guideline import Guideline
from .staging import Staging, cm

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
    "perioperative_ssa": "Perioperative somatostatin analogue (octreotide) cover",
    "adjuvant_therapy": "Adjuvant or neoadjuvant therapy",
    "systemic_therapy": "Systemic therapy (no upfront surgery)",
}
RECOMMENDATION_CODES = tuple(TITLES)
ABDOMINAL_OPERATIONS = ("primary_resection", "liver_resection", "liver_debulking", "peritoneal_cytoreduction")
SITE_TEXT = {
    "duodenum": "duodenum",
    "jejunum": "jejunum",
    "ileum": "ileum (proximal to the terminal ileum)",
    "terminal_ileum": "terminal ileum",
}


class _Draft:
    """Collect reasons and citations for one rule; ``cap`` limits the final verdict ("at most consider")."""

    __slots__ = ("ceiling", "code", "reasons", "sources")

    def __init__(self, code: str) -> None:
        self.code = code
        self.reasons: list[str] = []
        self.sources: list[Source] = []
        self.ceiling = REC

    def say(self, text: str, *sources: Source) -> None:
        """Add a reason ending with its sources, e.g. ``(refs 60, 61; Table II, Stage IV line 3a; ref 70)``."""
        refs: list[int] = []
        for source in sources:
            if not source.located:
                refs.extend(ref for ref in source.refs if ref not in refs)
        tags = [refs_text(refs)] if refs else []
        tags.extend(source.tag for source in sources if source.located)
        self.reasons.append(f"{text} ({'; '.join(tags)})." if tags else f"{text}.")
        for source in sources:
            if source not in self.sources:
                self.sources.append(source)

    def cap(self, verdict: Verdict) -> None:
        if VERDICT_RANK[verdict] < VERDICT_RANK[self.ceiling]:
            self.ceiling = verdict

    def unknown(self, what: str, why: str, *sources: Source) -> None:
        """Name an unknown fact the verdict depends on and cap the verdict at ``consider``."""
        self.say(f"{what} not recorded: {why}", *sources)
        self.cap(CONSIDER)

    def done(self, verdict: Verdict) -> Recommendation:
        if VERDICT_RANK[verdict] > VERDICT_RANK[self.ceiling]:
            verdict = self.ceiling
        return Recommendation(
            self.code, verdict, TITLES[self.code], tuple(self.reasons), tuple(_citation(s) for s in self.sources)
        )


_CITATION_TEXT: dict[Source, str] = {}


def _citation(source: Source) -> str:
    text = _CITATION_TEXT.get(source)
    if text is None:
        text = _CITATION_TEXT[source] = str(source)
    return text


def _pct(value: float) -> str:
    return f"{value:g}%"


def _weaker(a: Verdict, b: Verdict) -> Verdict:
    return a if VERDICT_RANK[a] <= VERDICT_RANK[b] else b


def _liver_mets(facts: CaseFacts) -> bool | None:
    lesions = facts.liver.lesions
    return None if lesions is None else lesions > 0


def _high_grade(staging: Staging) -> bool | None:
    return None if staging.grade is None else staging.grade in ("G3", "NEC")


def _functional(facts: CaseFacts) -> bool | None:
    s = facts.syndrome
    if s.carcinoid_syndrome or s.urine_5hiaa_elevated:
        return True
    if s.carcinoid_syndrome is False and s.urine_5hiaa_elevated is False:
        return False
    return None


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _lesions_text(n: int) -> str:
    return f"{n} liver lesion{'' if n == 1 else 's'}"


def _no_liver_metastases(d: _Draft, facts: CaseFacts) -> Recommendation | None:
    """Return a not-applicable verdict when liver metastases are absent or unrecorded, else ``None``."""
    lesions = facts.liver.lesions
    if lesions == 0:
        d.say("No liver metastases: not applicable")
        return d.done(NOT_REC)
    if lesions is None:
        d.say(
            "Number of liver lesions not recorded: liver-directed options cannot be assessed until liver "
            "imaging is recorded",
            c.PREOPERATIVE_WORKUP,
        )
        return d.done(NOT_REC)
    return None


def _ssa_first(d: _Draft, facts: CaseFacts) -> None:
    if _functional(facts):
        d.say(
            "Functional tumour: give somatostatin analogue cover before the procedure (risk of carcinoid crisis)",
            c.SSA_BEFORE_LOCOREGIONAL,
        )


Earlier = Mapping[str, Recommendation]


# --- 1. Primary tumour --------------------------------------------------------------------------------------
def primary_resection(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("primary_resection")
    p = f.primary
    if p.resected:
        margin = f"margin {p.margin}" if p.margin else "resection margin not recorded"
        d.say(f"Primary tumour already resected ({margin}): no further primary resection to recommend")
        if p.margin in ("R1", "R2"):
            d.say(
                f"An {p.margin} margin means residual disease; the seed gives no rule for re-resection, so the "
                "team decides",
                c.ONLY_CURATIVE,
            )
        return d.done(NOT_REC)
    if p.resected is None:
        d.unknown("Whether the primary has already been resected", "this applies only to a primary in place")
    if p.site == "unknown":
        d.say(
            "Primary tumour not found: inspection and palpation of the whole small bowel at laparotomy can "
            "pinpoint otherwise undetectable tumours",
            c.WHOLE_BOWEL,
        )
        d.cap(CONSIDER)
    symptomatic = p.symptomatic
    if p.emergency_presentation:
        symptomatic = True
        d.say(
            "Emergency presentation (obstruction, perforation or bleeding): the primary is symptomatic, and "
            "emergency surgery carries high morbidity and mortality",
            c.EARLY_SURGERY,
        )
    if f.patient.family_history:
        d.say("Family history of si-NEN: an aggressive surgical approach is advised", c.FAMILY_HISTORY)
    high = _high_grade(st)
    if high:
        d.say(f"Grade {st.grade}: no upfront surgery because of the high risk of recurrence", c.G3_NO_UPFRONT_SURGERY)
        if symptomatic:
            d.say("Symptomatic primary: palliative resection of the primary may still be needed", c.STAGE_IV_3B)
            return d.done(CONSIDER)
        if symptomatic is None:
            d.say(
                "Symptoms from the primary not recorded: palliative resection only if the primary causes symptoms",
                c.STAGE_IV_3B,
            )
            return d.done(CONSIDER)
        d.say("Asymptomatic primary: no palliative indication")
        return d.done(NOT_REC)
    if high is None:
        d.unknown(
            "Grade", "G3 tumours and neuroendocrine carcinomas should not have upfront surgery", c.G3_NO_UPFRONT_SURGERY
        )
    else:
        d.say(f"Grade {st.grade}: no grade objection to upfront surgery", c.G3_NO_UPFRONT_SURGERY)

    mesenteric_stage = f.nodes.mesenteric_stage
    if mesenteric_stage == 4:
        d.say(
            "Mesenteric nodal stage 4: not radically resectable, as optimal lymphadenectomy would endanger the "
            "blood supply of the remaining bowel",
            c.MESENTERIC_STAGE_IV,
        )
        if symptomatic:
            d.say("Symptomatic: surgery may still alleviate symptoms", c.MESENTERIC_R0_FEASIBLE)
            return d.done(CONSIDER)
        if symptomatic is None:
            d.say("Symptoms not recorded: palliative surgery only if symptomatic", c.MESENTERIC_R0_FEASIBLE)
            return d.done(CONSIDER)
        d.say("Asymptomatic: no palliative indication")
        return d.done(NOT_REC)
    if mesenteric_stage is not None:
        d.say(
            f"Mesenteric nodal stage {mesenteric_stage}: operable (only stage 4 is inoperable)", c.MESENTERIC_STAGE_IV
        )
    elif st.n != "N0":
        # Deliberately not capping: the seed presumes resectability (R0 in 80%) unless stage 4 is shown.
        d.say(
            "Mesenteric nodal stage not recorded: only stage 4 is inoperable and R0 resection of primary and "
            "nodes is feasible in 80%; assess the vessels on CT or MR angiography",
            c.MESENTERIC_STAGE_IV,
            c.MESENTERIC_R0_FEASIBLE,
        )

    if f.patient.major_comorbidity:
        d.say("Major comorbidity: surgery is advised for fit patients", c.FIT_PATIENTS)
        d.cap(CONSIDER)
    elif f.patient.major_comorbidity is None:
        d.unknown("Major comorbidity", "surgery is advised for fit patients", c.FIT_PATIENTS)

    nodes_text = f"Dissect at least {g.lymph_node_min} lymph nodes"
    if g.lymph_node_min != 12:
        nodes_text += " (some authors use 12)"
    if st.m == "M0":
        stage = f"stage {st.stage}" if st.stage else "stage not determined"
        d.say(
            f"Localised disease ({st.t} {st.n} M0, {stage}): curative resection with lymphadenectomy across the "
            "mesenteric vessels",
            c.STAGE_I_III_RESECTION,
            c.ONLY_CURATIVE,
        )
        d.say(nodes_text, c.LYMPH_NODES_MIN)
        if symptomatic is False:
            d.say(
                "Absence of symptoms is no contraindication; early surgery may prevent emergency surgery",
                c.ASYMPTOMATIC,
                c.EARLY_SURGERY,
            )
        candidate = REC
    elif st.m == "M1":
        ecog = f.patient.ecog
        if ecog is None:
            d.say(
                "ECOG performance status not recorded: weigh performance status against the anticipated benefit "
                "(the seed sets no cut-off)",
                c.STAGE_IV_3C,
            )
        else:
            d.say(
                f"ECOG performance status {ecog}: weigh it against the anticipated benefit (the seed sets no cut-off)",
                c.STAGE_IV_3C,
            )
        if _liver_mets(f) and earlier["liver_resection"].verdict == REC:
            d.say(
                "Curative resection of the liver metastases is feasible (see liver resection): oncological "
                "surgery of the primary should also be performed",
                c.STAGE_IV_3A,
            )
            candidate = REC
        elif symptomatic:
            d.say(
                "Symptomatic primary with distant metastases: palliative resection of the primary and radical "
                "resection of the mesenteric lymph node metastases",
                c.STAGE_IV_3B,
            )
            candidate = REC
        else:
            d.say(
                "Distant metastases without curative resection of them: primary resection may still improve "
                "survival (meta-analysis) and prevents ischaemia, obstruction and perforation",
                c.GENERAL_4,
                c.OPTIMAL_SURGERY_EVEN_METASTATIC,
            )
            if symptomatic is None:
                d.say("Symptoms from the primary not recorded: a symptomatic primary should be resected", c.STAGE_IV_3B)
            elif _liver_mets(f):
                d.say(
                    "Asymptomatic primary with liver metastases not resected for cure: resection is debatable; a "
                    "meta-analysis showed an overall-survival benefit",
                    c.ASYMPTOMATIC_UNRESECTABLE_LIVER,
                )
            else:
                d.say("Absence of symptoms is no contraindication", c.ASYMPTOMATIC)
            candidate = CONSIDER
        d.say(nodes_text, c.LYMPH_NODES_MIN)
    elif symptomatic:
        d.say(
            "Metastatic status not fully recorded, but a symptomatic primary should be resected with or without "
            "distant metastases",
            c.STAGE_I_III_RESECTION,
            c.STAGE_IV_3B,
        )
        d.say(nodes_text, c.LYMPH_NODES_MIN)
        candidate = REC
    else:
        d.say(
            "Metastatic status not fully recorded (liver, peritoneum, extra-abdominal sites, perihilar nodes): "
            "resection is recommended for M0 disease and depends on liver resectability and symptoms for M1",
            c.STAGE_I_III_RESECTION,
            c.STAGE_IV_3A,
        )
        candidate = CONSIDER
    if p.multifocal:
        d.say("Multifocal disease: inspect and palpate the whole small bowel", c.WHOLE_BOWEL)
    return d.done(candidate)


def _bulky(f: CaseFacts, g: Guideline) -> tuple[bool | None, list[str]]:
    """Return whether the terminal-ileum primary is >1 cm or has bulky nodes, and the facts behind it."""
    size, mass = f.primary.size_cm, f.nodes.mass_cm
    found, unknown = [], []
    if size is None:
        unknown.append("primary size")
    elif size > g.icv_size_cm:
        found.append(f"primary {cm(size)} cm (>{cm(g.icv_size_cm)} cm)")
    if mass is None:
        unknown.append("mesenteric mass size")
    elif mass > g.n2_mass_cm:
        found.append(f"bulky mesenteric mass {cm(mass)} cm (>{cm(g.n2_mass_cm)} cm)")
    if found:
        return True, found
    if unknown:
        return None, unknown
    mass_text = "no mesenteric mass" if not mass else f"mesenteric mass {cm(mass)} cm"
    return False, [
        f"primary {cm(size)} cm (≤{cm(g.icv_size_cm)} cm) and {mass_text} "  # type: ignore[arg-type]
        f"(≤{cm(g.n2_mass_cm)} cm)"
    ]


def _primary_gate(d: _Draft, earlier: Earlier) -> Verdict | None:
    """Return the primary-resection verdict, or ``None`` after explaining that no resection is planned."""
    verdict = earlier["primary_resection"].verdict
    if verdict == NOT_REC:
        d.say("No resection of the primary is planned (see primary resection): not applicable")
        return None
    return verdict


def _unplaced_site(d: _Draft, site: str | None) -> Recommendation | None:
    if site is None:
        d.say(
            "Primary site not recorded: this depends on whether the primary lies in the terminal ileum",
            c.SITE_DECIDES_PROCEDURE,
        )
        return d.done(CONSIDER)
    if site == "unknown":
        d.say("Primary not found: the procedure depends on the site found at exploration", c.SITE_DECIDES_PROCEDURE)
        return d.done(CONSIDER)
    return None


def right_hemicolectomy(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("right_hemicolectomy")
    gate = _primary_gate(d, earlier)
    if gate is None:
        return d.done(NOT_REC)
    site = f.primary.site
    if (early := _unplaced_site(d, site)) is not None:
        return early
    if site in ("jejunum", "ileum"):
        d.say(
            f"Primary in the {SITE_TEXT[site]}: segmental small-bowel enterectomy, not a right hemicolectomy",
            c.SITE_DECIDES_PROCEDURE,
        )
        return d.done(NOT_REC)
    if site == "duodenum":
        d.say(
            "Duodenal primary: the operation depends on its position in the duodenum; the seed's procedures "
            "address jejunal and ileal tumours"
        )
        return d.done(NOT_REC)
    bulky, facts_text = _bulky(f, g)
    if bulky:
        d.say(
            f"Terminal-ileum primary with {' and '.join(facts_text)}: the ileocaecal-valve lymphatics are then "
            "usually involved, so a right hemicolectomy should be performed",
            c.ICV_MAPPING,
            c.SITE_DECIDES_PROCEDURE,
        )
        candidate = REC
    elif bulky is None:
        d.unknown(
            f"For a terminal-ileum primary, {' and '.join(facts_text)}",
            "a primary >1 cm or bulky nodes call for a right hemicolectomy",
            c.ICV_MAPPING,
        )
        candidate = CONSIDER
    else:
        d.say(
            f"Terminal-ileum primary with {facts_text[0]}: valve preservation is suggested; if lymphatic mapping "
            "stains the ileocaecal-valve lymphatics, a right hemicolectomy should be performed",
            c.ICV_MAPPING,
            c.SITE_DECIDES_PROCEDURE,
        )
        d.say("Lymphatic mapping is not yet standardised", c.MAPPING_NOT_STANDARD)
        candidate = CONSIDER
    if gate == CONSIDER and candidate == REC:
        d.say("Only if the primary is resected, which is itself to be considered (see primary resection)")
    return d.done(_weaker(candidate, gate))


def ileocecal_valve_preservation(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("ileocecal_valve_preservation")
    gate = _primary_gate(d, earlier)
    if gate is None:
        return d.done(NOT_REC)
    site = f.primary.site
    if (early := _unplaced_site(d, site)) is not None:
        return early
    if site in ("jejunum", "ileum", "duodenum"):
        d.say(
            f"Primary in the {SITE_TEXT[site]}: the ileocaecal valve is not involved, not applicable",
            c.SITE_DECIDES_PROCEDURE,
        )
        return d.done(NOT_REC)
    bulky, facts_text = _bulky(f, g)
    if bulky:
        d.say(
            f"Terminal-ileum primary with {' and '.join(facts_text)}: the valve lymphatics are usually involved, "
            "so a right hemicolectomy rather than valve preservation",
            c.ICV_MAPPING,
        )
        return d.done(NOT_REC)
    if bulky is None:
        d.unknown(
            f"For a terminal-ileum primary, {' and '.join(facts_text)}",
            "the valve can be preserved only for a primary ≤1 cm without bulky nodes",
            c.ICV_MAPPING,
        )
        candidate = CONSIDER
    else:
        d.say(
            f"Terminal-ileum primary with {facts_text[0]}: preserve the ileocaecal valve if oncologically "
            "acceptable (up to 40% of patients can keep it); the extended resection may otherwise aggravate "
            "diarrhoea",
            c.ICV_PRESERVATION,
            c.ICV_DIARRHOEA,
        )
        d.say("If lymphatic mapping stains the valve lymphatics, perform a right hemicolectomy instead", c.ICV_MAPPING)
        candidate = REC
    if f.syndrome.carcinoid_syndrome:
        d.say(
            "Carcinoid syndrome: losing the valve reduces postoperative quality of life, a stronger reason to "
            "preserve it",
            c.ICV_PRESERVATION,
        )
    if gate == CONSIDER and candidate == REC:
        d.say("Only if the primary is resected, which is itself to be considered (see primary resection)")
    return d.done(_weaker(candidate, gate))


def laparoscopic_approach(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("laparoscopic_approach")
    if _primary_gate(d, earlier) is None:
        return d.done(NOT_REC)
    against = False
    if st.m == "M1":
        d.say("Distant metastases (M1): laparoscopy is only for localised disease", c.LAPAROSCOPY)
        against = True
    elif st.m is None:
        d.say("No preoperative evidence of localised disease: metastatic status not fully recorded", c.LAPAROSCOPY)
        against = True
    mass = f.nodes.mass_cm
    if mass is None:
        d.say("Absence of tumour masses not established: mesenteric mass size not recorded", c.LAPAROSCOPY)
        against = True
    elif mass > 0:
        d.say(f"Mesenteric mass of {cm(mass)} cm: laparoscopy needs the absence of tumour masses", c.LAPAROSCOPY)
        against = True
    if st.n == "N2":
        d.say("N2 nodal disease: extensive nodal deposits argue for an open operation", c.LAPAROSCOPY)
        against = True
    if f.primary.multifocal:
        d.say("Multifocal disease: the whole small bowel must be palpated, which laparotomy allows", c.WHOLE_BOWEL)
    if against:
        d.say(
            "Laparotomy is the standard of care: it allows exploration of the peritoneal cavity and mesenteric "
            "vessels and palpation of the small bowel",
            c.LAPAROTOMY_STANDARD,
        )
        return d.done(NOT_REC)
    d.say(f"Localised disease (M0, {st.n}) without tumour masses: laparoscopy may be considered", c.LAPAROSCOPY)
    d.say(
        "Data on laparoscopy are insufficient and laparotomy remains the standard, so it is never more than an option",
        c.LAPAROSCOPY_DATA,
        c.LAPAROTOMY_STANDARD,
    )
    return d.done(CONSIDER)


def prophylactic_cholecystectomy(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("prophylactic_cholecystectomy")
    best = max((earlier[code].verdict for code in ABDOMINAL_OPERATIONS), key=VERDICT_RANK.__getitem__)
    if best == NOT_REC:
        d.say("No abdominal operation is recommended or to be considered: not applicable")
        return d.done(NOT_REC)
    planned = [TITLES[code].lower() for code in ABDOMINAL_OPERATIONS if earlier[code].verdict == best]
    verb = "recommended" if best == REC else "to be considered"
    d.say(
        f"Abdominal operation {verb} ({'; '.join(planned)}): remove the gallbladder at the same operation, unless "
        "already removed, because somatostatin analogues and chemoembolisation can cause cholestasis and "
        "necrotic cholecystitis",
        c.CHOLECYSTECTOMY,
    )
    if earlier["tae_tace"].verdict != NOT_REC:
        d.say(
            "Chemoembolisation is an option in this case: gallbladder necrosis is one of its major complications",
            c.TACE_GALLBLADDER,
        )
    return d.done(best)


# --- 2. Liver surgery ---------------------------------------------------------------------------------------
def _heart_contraindication(d: _Draft, f: CaseFacts, source: Source) -> bool:
    """Say whether right heart failure or advanced carcinoid heart disease rules out liver surgery."""
    h = f.heart
    against = False
    if h.right_heart_failure:
        d.say("Right heart failure rules out liver surgery", c.ENETS_LIVER_RESECTION)
        against = True
    elif h.right_heart_failure is None:
        d.unknown("Right heart failure", "it rules out liver surgery", c.ENETS_LIVER_RESECTION)
    if h.carcinoid_heart_disease == "advanced":
        d.say("Advanced carcinoid heart disease rules out liver surgery (criterion ix)", source)
        against = True
    elif h.carcinoid_heart_disease is None:
        d.unknown(
            "Carcinoid heart disease", "advanced carcinoid heart disease rules out liver surgery (criterion ix)", source
        )
    return against


def _grade_for_surgery(d: _Draft, st: Staging) -> bool:
    high = _high_grade(st)
    if high:
        d.say(
            f"Grade {st.grade}: no upfront surgery because of the high risk of recurrence; hepatectomy is "
            "debatable in grade 3",
            c.G3_NO_UPFRONT_SURGERY,
            c.G3_HEPATECTOMY_DEBATABLE,
        )
        return True
    if high is None:
        d.unknown("Grade", "liver surgery is for G1/G2 tumours (criterion iv)", c.LIVER_CRITERIA)
    else:
        d.say(f"Grade {st.grade}: eligible (criterion iv, G1/G2)", c.LIVER_CRITERIA)
    return False


def liver_resection(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("liver_resection")
    if (early := _no_liver_metastases(d, f)) is not None:
        return early
    liver, x = f.liver, f.extrahepatic
    against = _grade_for_surgery(d, st)
    if x.extra_abdominal:
        d.say(
            "Extra-abdominal metastases: ENETS advises against resection of liver metastases", c.ENETS_LIVER_RESECTION
        )
        against = True
    elif x.extra_abdominal is None:
        d.unknown(
            "Extra-abdominal disease", "extra-abdominal metastases rule out liver resection", c.ENETS_LIVER_RESECTION
        )
    against = _heart_contraindication(d, f, c.LIVER_CRITERIA) or against
    pattern = st.liver_pattern
    if pattern == "III":
        d.say(
            f"Pattern type III ({liver.lesions} bilateral lesions): surgery is only rarely indicated (see debulking)",
            c.PATTERN_III,
        )
        against = True
    share = liver.resectable_percent
    if share is None:
        d.unknown(
            "Resectable share of the liver tumour burden",
            "curative-intent resection needs all of it removable (R0, with ablation if needed)",
            c.ENETS_LIVER_RESECTION,
        )
    elif share < 100:
        d.say(
            f"Only {_pct(share)} of the liver tumour burden is resectable: no curative (R0) resection (see debulking)",
            c.ENETS_LIVER_RESECTION,
        )
        against = True
    else:
        d.say(
            "All of the liver tumour burden can be removed (with ablation if needed): curative-intent resection "
            "is the treatment of choice",
            c.STAGE_IV_1,
            c.ENETS_LIVER_RESECTION,
        )
        if pattern == "I":
            d.say("Pattern type I (one metastasis): R0 resection gives the best survival", c.PATTERN_I)
        elif pattern == "II":
            d.say("Pattern type II: surgery is debatable and multiple operations may be needed", c.PATTERN_II)
            d.cap(CONSIDER)
        elif pattern is None and liver.bilobar is False:
            d.say(
                f"{liver.lesions} lesions confined to one lobe: outside the three patterns, resectability decides",
                c.LIVER_PATTERNS,
            )
        elif pattern is None:
            d.unknown(
                "Liver pattern (both lobes involved, dominant lesion)",
                "type II is debatable and type III rarely operable",
                c.LIVER_PATTERNS,
            )
    if x.peritoneal:
        d.say(
            "Peritoneal carcinomatosis: liver resection is debatable, as part of cytoreductive surgery",
            c.PERITONEAL_DEBATABLE,
        )
        d.cap(CONSIDER)
    elif x.peritoneal is None:
        d.unknown(
            "Peritoneal disease",
            "diffuse peritoneal carcinomatosis makes liver resection debatable",
            c.PERITONEAL_DEBATABLE,
        )
    if x.perihilar_nodes_only:
        d.say("Perihilar lymph nodes: extrahepatic disease is not always a contraindication", c.GENERAL_7)
    if f.patient.major_comorbidity:
        d.say("Major comorbidity: hepatectomy is the standard of care in fit patients", c.HEPATECTOMY_STANDARD)
        d.cap(CONSIDER)
    elif f.patient.major_comorbidity is None:
        d.unknown("Major comorbidity", "hepatectomy is the standard of care in fit patients", c.HEPATECTOMY_STANDARD)
    if against:
        return d.done(NOT_REC)
    d.say("Enucleation, parenchymal-sparing and R1/R2 resections are acceptable", c.NON_R0_ACCEPTABLE)
    if f.primary.resected is False:
        d.say("Primary in place: with curative liver resection, oncological surgery of the primary too", c.STAGE_IV_3A)
    return d.done(REC)


def liver_debulking(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("liver_debulking")
    if (early := _no_liver_metastases(d, f)) is not None:
        return early
    against = _grade_for_surgery(d, st)
    against = _heart_contraindication(d, f, c.LIVER_CRITERIA) or against
    share, minimum = f.liver.resectable_percent, g.debulking_min_percent
    if share is None:
        d.unknown(
            "Resectable share of the liver tumour burden",
            f"debulking needs at least {_pct(minimum)} of it removable",
            c.DEBULKING,
        )
    elif share >= 100:
        d.say(
            "All of the liver tumour burden is resectable: complete resection is possible (see liver resection)",
            c.ENETS_LIVER_RESECTION,
        )
        against = True
    elif share >= minimum:
        d.say(
            f"{_pct(share)} of the liver tumour burden resectable (at least {_pct(minimum)}): debulking may be a "
            "feasible option; a 70% cut-off gave a 5-year overall survival of 75%",
            c.DEBULKING,
            c.DEBULKING_GRAFF_BAKER,
        )
        d.say(
            "Major cytoreduction has shown outcomes similar to R0 resection, and R1/R2 margins are acceptable",
            c.CYTOREDUCTION_LIKE_R0,
            c.NON_R0_ACCEPTABLE,
        )
    else:
        d.say(
            f"Only {_pct(share)} of the liver tumour burden resectable: below the {_pct(minimum)} needed for "
            "benefit from debulking",
            c.DEBULKING,
            c.DEBULKING_GRAFF_BAKER,
        )
        against = True
    if f.patient.major_comorbidity:
        d.say(
            "Major comorbidity: weigh the operative risk; hepatectomy is the standard in fit patients",
            c.HEPATECTOMY_STANDARD,
        )
    if against:
        return d.done(NOT_REC)
    return d.done(CONSIDER)


# --- 3. Ablation --------------------------------------------------------------------------------------------
def _ablation_count(d: _Draft, f: CaseFacts, g: Guideline, name: str) -> bool:
    """Say whether the lesion count is within the ablation limit; return True when it is over the limit."""
    lesions, limit = f.liver.lesions or 0, g.ablation_max_lesions
    if lesions >= limit:
        d.say(f"{_lesions_text(lesions)}: {name} is limited to fewer than {limit}", c.RFA_LIMITS)
        return True
    d.say(f"{_lesions_text(lesions)}: within the limit of fewer than {limit}", c.RFA_LIMITS)
    return False


def _vital_structures(d: _Draft, f: CaseFacts, name: str) -> bool:
    near = f.liver.near_vital_structures
    if near:
        d.say(
            f"Lesion close to vital structures (hepatic veins, porta hepatis): {name} is unsuitable; see "
            "irreversible electroporation",
            c.RFA_LIMITS,
            c.IRE,
        )
        return True
    if near is None:
        d.unknown(
            "Proximity to vital structures (hepatic veins, porta hepatis)",
            f"lesions close to them are unsuitable for {name}",
            c.RFA_LIMITS,
        )
    else:
        d.say("Lesions away from vital structures", c.RFA_LIMITS)
    return False


def rfa(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("rfa")
    if (early := _no_liver_metastases(d, f)) is not None:
        return early
    against = _ablation_count(d, f, g, "RFA")
    diameter, limit = f.liver.max_diameter_cm, g.rfa_max_diameter_cm
    if diameter is None:
        d.unknown("Diameter of the largest lesion", f"RFA needs a maximum diameter below {cm(limit)} cm", c.RFA_LIMITS)
    elif diameter >= limit:
        d.say(
            f"Largest lesion {cm(diameter)} cm: RFA needs a maximum diameter below {cm(limit)} cm, and larger "
            "lesions render it inapplicable",
            c.RFA_LIMITS,
            c.RFA_OVER_5CM,
        )
        against = True
    else:
        d.say(f"Largest lesion {cm(diameter)} cm: below {cm(limit)} cm", c.RFA_LIMITS)
    against = _vital_structures(d, f, "RFA") or against
    if against:
        return d.done(NOT_REC)
    if earlier["liver_resection"].verdict == REC:
        d.say(
            "Liver resection is recommended: RFA as an adjunct to destroy multifocal disease or limit the extent "
            "of the hepatectomy",
            c.RFA_ADJUNCT,
            c.GENERAL_6,
        )
        candidate = CONSIDER
    else:
        d.say(
            "RFA can be used alone, also in patients ineligible for hepatectomy, percutaneously or laparoscopically",
            c.RFA_ROLE,
        )
        d.say(
            "Symptom control in 70-80% and 5-year overall survival of 53% after RFA alone; most centres recommend it",
            c.RFA_RESULTS,
        )
        candidate = REC
    _ssa_first(d, f)
    return d.done(candidate)


def mwa(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("mwa")
    if (early := _no_liver_metastases(d, f)) is not None:
        return early
    against = _ablation_count(d, f, g, "thermal ablation")
    diameter, limit = f.liver.max_diameter_cm, g.mwa_max_diameter_cm
    if diameter is None:
        d.unknown("Diameter of the largest lesion", f"MWA suits lesions up to about {cm(limit)} cm", c.MWA)
    elif diameter > limit:
        d.say(f"Largest lesion {cm(diameter)} cm: beyond the lesions of around {cm(limit)} cm that MWA treats", c.MWA)
        against = True
    else:
        d.say(
            f"Largest lesion {cm(diameter)} cm: MWA destroys lesions of around {cm(limit)} cm better than RFA",
            c.MWA,
            c.MWA_NECA,
        )
    against = _vital_structures(d, f, "MWA") or against
    if against:
        return d.done(NOT_REC)
    d.say("MWA is newer than RFA and may give more durable results, so it is an option rather than the default", c.MWA)
    _ssa_first(d, f)
    return d.done(CONSIDER)


def ire(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("ire")
    if (early := _no_liver_metastases(d, f)) is not None:
        return early
    if _ablation_count(d, f, g, "local destruction"):
        return d.done(NOT_REC)
    near = f.liver.near_vital_structures
    if near is False:
        d.say("Lesions away from vital structures: RFA or MWA suffice", c.IRE, c.RFA_LIMITS)
        return d.done(NOT_REC)
    if near is None:
        d.say(
            "Proximity to vital structures not recorded: IRE is for lesions close to hepatic veins or the porta "
            "hepatis",
            c.IRE,
        )
    else:
        d.say("Lesion close to vital structures: IRE destroys tumour there without sacrificing them", c.IRE)
    _ssa_first(d, f)
    return d.done(CONSIDER)


# --- 4. Intra-arterial --------------------------------------------------------------------------------------
_RELATIVE_CONTRAINDICATIONS = (
    ("portal_vein_thrombosis", "Portal vein thrombosis"),
    ("liver_failure", "Liver failure"),
    ("biliary_enteric_anastomosis", "Biliary-enteric anastomosis (Whipple procedure)"),
    ("hepatopulmonary_shunt", "Hepatopulmonary shunt"),
)


def _relative_contraindications(d: _Draft, f: CaseFacts, therapy: str) -> None:
    for name, label in _RELATIVE_CONTRAINDICATIONS:
        value = getattr(f.liver, name)
        if value:
            d.say(f"{label}: relative contraindication to {therapy}", c.TACE_CONTRAINDICATIONS)
            d.cap(CONSIDER)
        elif value is None:
            d.unknown(label, f"a relative contraindication to {therapy}", c.TACE_CONTRAINDICATIONS)


def _resection_planned(d: _Draft, earlier: Earlier) -> bool:
    verdict = earlier["liver_resection"].verdict
    if verdict == REC:
        d.say(
            "Curative liver resection is recommended: intra-arterial therapy is for patients ineligible for surgery",
            c.INTRA_ARTERIAL_INDICATION,
        )
        return True
    if verdict == CONSIDER:
        d.say(
            "Liver resection is to be considered: intra-arterial therapy if surgery is not pursued",
            c.INTRA_ARTERIAL_INDICATION,
        )
    return False


def tae_tace(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("tae_tace")
    if (early := _no_liver_metastases(d, f)) is not None:
        return early
    if _resection_planned(d, earlier):
        return d.done(NOT_REC)
    d.say(
        f"{_lesions_text(f.liver.lesions)} not treated by curative surgery: locoregional treatment is the "  # type: ignore[arg-type]
        "second-line option for mainly liver metastases and may improve survival",
        c.STAGE_IV_4,
        c.INTRA_ARTERIAL_INDICATION,
    )
    _relative_contraindications(d, f, "TAE/TACE")
    x = f.extrahepatic
    outside = [name for name, value in (("extra-abdominal", x.extra_abdominal), ("peritoneal", x.peritoneal)) if value]
    if outside:
        d.say(
            f"{_sentence_case(' and '.join(outside))} disease: embolisation suits liver-dominant disease with "
            "limited disease outside the liver",
            c.TACE_NECA,
        )
        d.cap(CONSIDER)
    for name, value in (("Extra-abdominal disease", x.extra_abdominal), ("Peritoneal disease", x.peritoneal)):
        if value is None:
            d.unknown(name, "TAE/TACE suits liver-dominant disease with limited disease outside the liver", c.TACE_NECA)
    d.say(
        "Symptom control and tumour reduction in more than 50%; TAE and TACE do not differ significantly in "
        "outcome; perform at an expert centre",
        c.TACE_RESULTS,
        c.STAGE_IV_5,
        c.TACE_EXPERT_CENTRE,
    )
    _ssa_first(d, f)
    return d.done(REC)


def sirt(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("sirt")
    if (early := _no_liver_metastases(d, f)) is not None:
        return early
    if _resection_planned(d, earlier):
        return d.done(NOT_REC)
    d.say(
        "SIRT is promising but more data are needed on its role; at 12 months its response rate was lower than TACE's",
        c.SIRT_MORE_DATA,
        c.SIRT,
    )
    if f.liver.bilobar:
        d.say("Bilobar disease: unlike TACE, SIRT may be used in bilateral disease", c.STAGE_IV_6)
    if f.liver.hepatopulmonary_shunt:
        d.say("Hepatopulmonary shunt: pulmonary shunting is a known toxicity of SIRT", c.SIRT)
    _relative_contraindications(d, f, "intra-arterial therapy")
    d.say(
        "Watch for bilomas and abscesses; SIRT may complement PRRT and can down-stage by lobar atrophy",
        c.STAGE_IV_6,
        c.SIRT,
    )
    _ssa_first(d, f)
    return d.done(CONSIDER)


# --- 5. Transplantation -------------------------------------------------------------------------------------
def liver_transplant(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("liver_transplant")
    if (early := _no_liver_metastases(d, f)) is not None:
        return early
    p, path, liver, x, patient = f.primary, f.pathology, f.liver, f.extrahepatic, f.patient
    excluded = False

    def exclude(text: str, *sources: Source) -> None:
        nonlocal excluded
        d.say(text, *sources)
        excluded = True

    def relative(text: str, *sources: Source) -> None:
        d.say(text, *sources)
        d.cap(CONSIDER)

    if path.small_cell:
        exclude("Small cell tumour: excluded from transplantation", c.TRANSPLANT_EXCLUSIONS)
    if _high_grade(st):
        exclude(
            f"Grade {st.grade}: transplantation needs a well-differentiated G1/G2 tumour",
            c.MAZZAFERRO,
            c.TRANSPLANT_EXCLUSIONS,
        )
    elif st.grade is None:
        d.unknown("Grade", "transplantation needs a well-differentiated G1/G2 tumour", c.MAZZAFERRO)
    elif path.differentiation is None:
        d.unknown("Differentiation", "transplantation needs a well-differentiated tumour", c.MAZZAFERRO)
    ki67, ki_limit = path.ki67_percent, g.transplant_max_ki67
    if ki67 is None:
        d.unknown("Ki-67", f"transplantation needs Ki-67 below {_pct(ki_limit)}", c.MAZZAFERRO)
    elif ki67 >= ki_limit:
        exclude(
            f"Ki-67 {_pct(ki67)}: transplantation needs Ki-67 below {_pct(ki_limit)} (Mazzaferro ii; ENETS "
            "'low Ki-67')",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    else:
        d.say(f"Ki-67 {_pct(ki67)}: below {_pct(ki_limit)}", c.MAZZAFERRO)
    if patient.major_comorbidity:
        exclude("Major comorbidity: excluded from transplantation", c.TRANSPLANT_EXCLUSIONS)
    elif patient.major_comorbidity is None:
        d.unknown("Major comorbidity", "it excludes transplantation", c.TRANSPLANT_EXCLUSIONS)
    if p.portal_venous_drainage is False:
        exclude("The primary does not drain into the portal vein", c.MAZZAFERRO, c.TRANSPLANT_EXCLUSIONS)
    elif p.portal_venous_drainage is None:
        d.unknown("Portal venous drainage of the primary", "the portal vein must drain the primary", c.MAZZAFERRO)
    for label, value in (("Peritoneal disease", x.peritoneal), ("Extra-abdominal disease", x.extra_abdominal)):
        if value:
            exclude(
                f"{label}: extrahepatic metastases exclude transplantation", c.TRANSPLANT_EXCLUSIONS, c.ENETS_TRANSPLANT
            )
        elif value is None:
            d.unknown(label, "extrahepatic metastases exclude transplantation", c.TRANSPLANT_EXCLUSIONS)
    if x.perihilar_nodes_only:
        relative(
            "Perihilar lymph nodes: excepted from the exclusions, but ENETS asks for no extrahepatic disease on PET/CT",
            c.TRANSPLANT_EXCLUSIONS,
            c.ENETS_TRANSPLANT,
        )
    elif x.perihilar_nodes_only is None:
        d.unknown("Perihilar lymph nodes", "ENETS asks for no extrahepatic disease on PET/CT", c.ENETS_TRANSPLANT)
    heart = f.heart.carcinoid_heart_disease
    if heart in ("mild", "advanced"):
        exclude(f"Carcinoid heart disease ({heart}): excluded from transplantation", c.TRANSPLANT_EXCLUSIONS)
    elif heart is None:
        d.unknown("Carcinoid heart disease", "it excludes transplantation", c.TRANSPLANT_EXCLUSIONS)
    involvement, inv_limit = liver.involvement_percent, g.transplant_max_liver_involvement_percent
    if involvement is None:
        d.unknown("Share of liver volume involved", f"transplantation needs less than {_pct(inv_limit)}", c.MAZZAFERRO)
    elif involvement >= inv_limit:
        exclude(
            f"{_pct(involvement)} of the liver involved: transplantation needs less than {_pct(inv_limit)}",
            c.MAZZAFERRO,
        )
    else:
        d.say(f"{_pct(involvement)} of the liver involved: below {_pct(inv_limit)}", c.MAZZAFERRO)
    stable, months = liver.stable_months, g.transplant_min_stable_months
    if stable is None:
        d.unknown(
            "Duration of stable disease",
            f"transplantation needs at least {months} months under treatment",
            c.MAZZAFERRO,
        )
    elif stable < months:
        exclude(
            f"Stable for {stable} months: transplantation needs at least {months} months of stable disease "
            "under treatment",
            c.MAZZAFERRO,
        )
    else:
        d.say(f"Stable for {stable} months: at least {months}", c.MAZZAFERRO)
    if p.site == "unknown":
        relative(
            "Primary not found: not an absolute contraindication, though both criteria sets ask for a "
            "previous resection",
            c.UNKNOWN_PRIMARY_TRANSPLANT,
            c.MAZZAFERRO,
        )
    elif p.resected is False:
        exclude(
            "Primary not resected: both criteria sets require previous resection of the primary",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    elif p.resected is None:
        d.unknown("Previous resection of the primary", "both criteria sets require it", c.MAZZAFERRO)
    elif p.margin in ("R1", "R2"):
        relative(
            f"Primary resected with an {p.margin} margin: Mazzaferro asks for a previous R0 resection, ENETS "
            "for a previous resection",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    elif p.margin is None:
        d.unknown("Margin of the primary resection", "Mazzaferro asks for a previous R0 resection", c.MAZZAFERRO)
    else:
        d.say("Primary previously resected R0", c.MAZZAFERRO)
    share = liver.resectable_percent
    if share is None:
        d.unknown(
            "Resectability of the liver metastases",
            "transplantation is for unresectable metastases",
            c.TRANSPLANT_UNRESECTABLE,
        )
    elif share >= 100:
        exclude(
            "Liver metastases resectable: transplantation is for unresectable metastases", c.TRANSPLANT_UNRESECTABLE
        )
    age, mazzaferro, enets = patient.age, g.transplant_relative_age_limit, g.transplant_enets_age_limit
    if age is None:
        d.unknown(
            "Age", f"Mazzaferro prefers under {mazzaferro}, ENETS under {enets}", c.MAZZAFERRO, c.ENETS_TRANSPLANT
        )
    elif age >= mazzaferro:
        relative(
            f"Age {age}: {mazzaferro} or older is a relative contraindication (Mazzaferro); ENETS asks for "
            f"under {enets}",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    elif age >= enets:
        relative(
            f"Age {age}: meets Mazzaferro (under {mazzaferro}) but not ENETS (under {enets})",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    else:
        d.say(f"Age {age}: under {enets}", c.ENETS_TRANSPLANT)
    if excluded:
        return d.done(NOT_REC)
    d.say(
        "Only for strictly selected patients at a specialised centre (transplant mortality <10%); the criteria are "
        "under validation; explorative laparotomy or laparoscopy may be needed to exclude peritoneal disease",
        c.TRANSPLANT_EXCLUSIONS,
        c.ENETS_TRANSPLANT,
    )
    return d.done(REC)


# --- 6. Peritoneum ------------------------------------------------------------------------------------------
def peritoneal_cytoreduction(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("peritoneal_cytoreduction")
    x = f.extrahepatic
    if x.peritoneal is False:
        d.say("No peritoneal carcinomatosis: not applicable")
        return d.done(NOT_REC)
    if x.peritoneal is None:
        d.say("Peritoneal disease not recorded: cytoreduction cannot be assessed")
        return d.done(NOT_REC)
    high = _high_grade(st)
    if high:
        d.say(f"Grade {st.grade}: no upfront surgery because of the high risk of recurrence", c.G3_NO_UPFRONT_SURGERY)
        return d.done(NOT_REC)
    if high is None:
        d.unknown(
            "Grade", "G3 tumours and neuroendocrine carcinomas should not have upfront surgery", c.G3_NO_UPFRONT_SURGERY
        )
    d.say(
        "Surgery for peritoneal carcinomatosis remains debatable, but may prevent bowel obstruction, mesenteric "
        "fibrosis, bleeding and portal hypertension",
        c.PC_SURGERY_DEBATABLE,
        c.PC_COMPLICATIONS,
    )
    pci, limit = x.pci, g.pci_max
    if pci is None:
        d.unknown(
            "Peritoneal carcinomatosis index (PCI)",
            f"operate only when low residual disease is anticipated (PCI below {limit})",
            c.PCI_LIMIT,
        )
        against = False
    elif pci >= limit:
        d.say(
            f"PCI {pci}: a low completeness-of-cytoreduction score is not to be expected at PCI {limit} or more",
            c.PCI_LIMIT,
        )
        against = True
    else:
        d.say(f"PCI {pci} (below {limit}): a low completeness-of-cytoreduction score can be anticipated", c.PCI_LIMIT)
        against = False
    d.say(
        "Report completeness of cytoreduction (CCR-0 none visible, CCR-1 <2.5 mm, CCR-2 2.5 mm-2.5 cm, CCR-3 "
        ">2.5 cm): it is the main prognostic factor",
        c.CCR,
    )
    d.say("HIPEC is of limited use against slowly proliferating tumours and adds morbidity to major surgery", c.HIPEC)
    return d.done(NOT_REC if against else CONSIDER)


# --- 7. Medical treatment -----------------------------------------------------------------------------------
def perioperative_ssa(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("perioperative_ssa")
    s = f.syndrome
    if _functional(f):
        present = [
            label
            for label, value in (
                ("carcinoid syndrome", s.carcinoid_syndrome),
                ("raised urine 5-HIAA", s.urine_5hiaa_elevated),
            )
            if value
        ]
        d.say(
            f"{_sentence_case(' and '.join(present))}: somatostatin analogue cover prevents a perioperative "
            "carcinoid crisis",
            c.SSA_PROTOCOL,
        )
        d.say(
            f"Start octreotide at least {_days(g.ssa_start_days_before)} before surgery, continue it during the "
            f"procedure and for at least {_days(g.ssa_continue_days_after)} after, then discontinue gradually",
            c.SSA_PROTOCOL,
        )
        d.say(
            f"Major surgery: a preoperative dose, then a continuous infusion during surgery, multiplied by "
            f"{g.ssa_crisis_infusion_factor:g} in a carcinoid crisis; after surgery reduce by "
            f"{_pct(g.ssa_taper_percent_per_day)} per day",
            c.SSA_MAJOR_SURGERY,
        )
        d.say(
            "This applies even to minor surgery, where preventive octreotide is usually enough",
            c.SSA_MAJOR_SURGERY,
            c.SSA_MINOR_SURGERY,
        )
        d.say("Give it before liver-directed therapy (ablation, embolisation) too", c.SSA_BEFORE_LOCOREGIONAL)
        d.say(
            "Correct electrolyte disturbances first; treat unexplained intraoperative hypotension or "
            "bronchospasm with fluids, octreotide and steroids (vasoconstrictors are debatable)",
            c.SSA_MAJOR_SURGERY,
        )
        return d.done(REC)
    candidate = NOT_REC
    for label, value in (("Carcinoid syndrome", s.carcinoid_syndrome), ("Urine 5-HIAA", s.urine_5hiaa_elevated)):
        if value is None:
            d.say(
                f"{label} not recorded: cover is needed on evidence or suspicion of carcinoid syndrome", c.SSA_PROTOCOL
            )
            candidate = CONSIDER
    liver = _liver_mets(f)
    if liver:
        d.say(
            f"{_lesions_text(f.liver.lesions)}: large serotonin-secreting tumours carry a high risk of crisis, "  # type: ignore[arg-type]
            "for example at liver metastasectomy or transplantation",
            c.SSA_LARGE_TUMOURS,
        )
        candidate = CONSIDER
    elif liver is None:
        d.say(
            "Number of liver lesions not recorded: liver metastases raise the risk of crisis at liver surgery",
            c.SSA_LARGE_TUMOURS,
        )
        candidate = CONSIDER
    if candidate == NOT_REC:
        d.say("No carcinoid syndrome, normal urine 5-HIAA and no liver metastases", c.SSA_PROTOCOL)
    else:
        d.say(
            f"If given: from at least {_days(g.ssa_start_days_before)} before to at least "
            f"{_days(g.ssa_continue_days_after)} after surgery, tapered gradually",
            c.SSA_PROTOCOL,
        )
    return d.done(candidate)


def adjuvant_therapy(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("adjuvant_therapy")
    if st.m != "M1":
        d.say("Curative setting: neoadjuvant and adjuvant treatment do not seem to have any benefit", c.STAGE_I_III_13)
    if st.m != "M0":
        d.say(
            "Metastatic liver disease: neither neoadjuvant nor adjuvant chemotherapy improves outcomes",
            c.ADJUVANT_METASTATIC,
        )
    if st.grade == "NEC":
        d.say("The seed does not address adjuvant treatment of neuroendocrine carcinoma (see systemic therapy)")
    return d.done(NOT_REC)


_LIVER_LOCAL_OPTIONS = ("liver_resection", "liver_debulking", "rfa", "mwa", "ire")


def systemic_therapy(f: CaseFacts, g: Guideline, st: Staging, earlier: Earlier) -> Recommendation:
    d = _Draft("systemic_therapy")
    high = _high_grade(st)
    progressive = f.extrahepatic.progressive
    if high:
        d.say(
            f"Grade {st.grade}: no upfront surgery because of the high risk of recurrence; hepatectomy is "
            "debatable in grade 3",
            c.G3_NO_UPFRONT_SURGERY,
            c.G3_HEPATECTOMY_DEBATABLE,
        )
    if progressive:
        d.say("Progressive disease with extrahepatic lesions: systemic treatment", c.STAGE_IV_4)
    if high or progressive:
        return d.done(REC)
    candidate = NOT_REC
    if high is None:
        d.say(
            "Grade not recorded: a G3 tumour or neuroendocrine carcinoma calls for systemic therapy rather than "
            "upfront surgery",
            c.G3_NO_UPFRONT_SURGERY,
        )
        candidate = CONSIDER
    inoperable_liver = _liver_mets(f) and all(earlier[code].verdict == NOT_REC for code in _LIVER_LOCAL_OPTIONS)
    extra = f.extrahepatic.extra_abdominal
    if st.m == "M1" and (inoperable_liver or extra):
        why = (
            "liver metastases that cannot be resected or ablated" if inoperable_liver else "extra-abdominal metastases"
        )
        if progressive is None:
            d.say(
                f"Metastatic disease with {why}; progression not recorded: systemic treatment is indicated for "
                "progressive disease with extrahepatic lesions",
                c.STAGE_IV_4,
            )
            candidate = CONSIDER
        else:
            d.say(
                f"Metastatic disease with {why}, not progressive: systemic treatment is indicated for progressive "
                "disease with extrahepatic lesions",
                c.STAGE_IV_4,
            )
            # Stable but inoperable: the seed still names tumour control as an aim (Introduction).
            d.say(
                "Inoperable disease: hormone symptom control and suspension of tumour proliferation are among the "
                "therapeutic aims (e.g. somatostatin analogues)",
                c.INOPERABLE_AIMS,
            )
            candidate = CONSIDER
    if candidate == NOT_REC and high is False:
        d.say(
            f"Grade {st.grade} and no progressive extrahepatic disease: surgery and liver-directed options come first",
            c.STAGE_IV_4,
        )
    return d.done(candidate)


Rule = Callable[[CaseFacts, Guideline, Staging, Earlier], Recommendation]

# Rules that read other rules' results run after them; the output keeps RECOMMENDATION_CODES order.
EVALUATION_ORDER: tuple[tuple[str, Rule], ...] = (
    ("liver_resection", liver_resection),
    ("liver_debulking", liver_debulking),
    ("primary_resection", primary_resection),
    ("right_hemicolectomy", right_hemicolectomy),
    ("ileocecal_valve_preservation", ileocecal_valve_preservation),
    ("laparoscopic_approach", laparoscopic_approach),
    ("rfa", rfa),
    ("mwa", mwa),
    ("ire", ire),
    ("tae_tace", tae_tace),
    ("sirt", sirt),
    ("liver_transplant", liver_transplant),
    ("peritoneal_cytoreduction", peritoneal_cytoreduction),
    ("prophylactic_cholecystectomy", prophylactic_cholecystectomy),
    ("perioperative_ssa", perioperative_ssa),
    ("adjuvant_therapy", adjuvant_therapy),
    ("systemic_therapy", systemic_therapy),
)


def recommend(facts: CaseFacts, guideline: Guideline, staging: Staging) -> tuple[Recommendation, ...]:
    """Run every rule in dependency order and return the results in ``RECOMMENDATION_CODES`` order."""
    results: dict[str, Recommendation] = {}
    for code, rule in EVALUATION_ORDER:
        results[code] = rule(facts, guideline, staging, results)
    return tuple(results[code] for code in RECOMMENDATION_CODES)
