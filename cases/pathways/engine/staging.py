"""Stage, grade and liver pattern: Table I (AJCC 8th, ref 23), WHO 2019 grading, and ref 54's patterns.

Each function returns its category and the notes that explain how it was derived, including every fact that
was unknown. ``None`` means "cannot be determined from the facts".
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import CaseFacts, Extrahepatic, Liver, Nodes, Pathology, Primary
from .guideline import Guideline

_T_BY_INVASION = {
    "lamina_propria": "T1",
    "submucosa": "T1",
    "muscularis_propria": "T2",
    "subserosa": "T3",
    "serosa": "T4",
    "adjacent_structures": "T4",
}
_INVASION_TEXT = {
    "lamina_propria": "lamina propria",
    "submucosa": "submucosa",
    "muscularis_propria": "muscularis propria",
    "subserosa": "subserosal tissue",
    "serosa": "serosa (visceral peritoneum)",
    "adjacent_structures": "adjacent structures or organs",
}


@dataclass(frozen=True, slots=True)
class Staging:
    """What the engine derived before applying the recommendation rules."""

    t: str
    n: str
    m: str | None
    m_category: str | None
    stage: str | None
    grade: str | None
    liver_pattern: str | None
    notes: tuple[str, ...]
    # With T unassessable (TX), the lowest category the known facts already give ("T2" for >1 cm), or None.
    t_at_least: str | None = None


def cm(value: float) -> str:
    """Format a measurement without a spurious ``.0`` (2.0 -> ``2``, 2.5 -> ``2.5``)."""
    return f"{value:g}"


def t_category(primary: Primary, g: Guideline) -> tuple[str, list[str]]:
    """Return T: the higher of the invasion-based and the size-based category, by the primary's site."""
    notes: list[str] = []
    if primary.multifocal:
        notes.append(
            "Multifocal primary: T describes the most advanced lesion; highest T for multicentric "
            "disease (Table I footnote)."
        )
    if primary.site == "unknown":
        notes.append("T: primary tumour not found, so T cannot be assessed (TX).")
        return "TX", notes
    if primary.site == "duodenum":
        return _duodenal_t(primary, g, notes)
    limit = cm(g.t1_max_size_cm)
    size = primary.size_cm
    if primary.invasion is None:
        hint = ""
        if size is not None and size > g.t1_max_size_cm:
            hint = f" A size of {cm(size)} cm (>{limit} cm) means at least T2."
        notes.append(f"T: depth of invasion not recorded, so T cannot be assessed (TX).{hint}")
        return "TX", notes
    depth = _INVASION_TEXT[primary.invasion]
    by_invasion = _T_BY_INVASION[primary.invasion]
    if by_invasion != "T1":
        notes.append(f"T: invasion of the {depth} gives {by_invasion} whatever the size (Table I, AJCC 8th, ref 23).")
        return by_invasion, notes
    if size is None:
        notes.append(
            f"T: invasion limited to the {depth} but size not recorded: T1 if ≤{limit} cm, T2 if larger "
            "(TX until the size is known)."
        )
        return "TX", notes
    if size <= g.t1_max_size_cm:
        notes.append(f"T1: invasion limited to the {depth} and size {cm(size)} cm ≤{limit} cm (Table I, ref 23).")
        return "T1", notes
    notes.append(
        f"T2: invasion of the {depth} alone would be T1, but size {cm(size)} cm >{limit} cm makes it T2 "
        "(Table I: T2 = muscularis propria or >1 cm; the higher category counts)."
    )
    return "T2", notes


def t_minimum(primary: Primary, g: Guideline, t: str) -> str | None:
    """Return the lowest T the recorded facts already give when T itself is TX (None when they give none).

    Jejunum and ileum: a primary >1 cm is at least T2 whatever the depth (Table I). Duodenum: invasion beyond
    the muscularis propria (subserosal tissue, adjacent structures) is T3 or T4 (AJCC 8th, duodenum).
    """
    if t != "TX" or primary.site == "unknown":
        return None
    if primary.site == "duodenum" and primary.invasion in ("subserosa", "adjacent_structures"):
        return "T3"
    if primary.size_cm is not None and primary.size_cm > g.t1_max_size_cm:
        return "T2"
    return None


def _duodenal_t(primary: Primary, g: Guideline, notes: list[str]) -> tuple[str, list[str]]:
    """Return T by AJCC 8th's duodenum and ampulla chapter, not the seed's jejunum/ileum Table I.

    Duodenal T1 = mucosa or submucosa and ≤1 cm; T2 = muscularis propria or >1 cm; T3 = pancreas or
    peripancreatic adipose tissue; T4 = visceral peritoneum (serosa) or other organs. Where the recorded
    invasion cannot tell these apart (subserosal tissue, "adjacent structures") T is TX with the reason.
    """
    limit = cm(g.t1_max_size_cm)
    notes.append(
        "Duodenal primary: staged by AJCC 8th's duodenum and ampulla chapter, not the jejunum/ileum Table I "
        "(N0/N1 only, no N2; T3 = invasion of the pancreas or peripancreatic tissue)."
    )
    invasion, size = primary.invasion, primary.size_cm
    if invasion == "muscularis_propria":
        notes.append("T2: invasion of the muscularis propria (AJCC 8th, duodenum).")
        return "T2", notes
    if invasion == "serosa":
        notes.append("T4: invasion of the visceral peritoneum (serosa) (AJCC 8th, duodenum).")
        return "T4", notes
    if invasion == "subserosa":
        notes.append(
            "T: invasion beyond the muscularis propria is at least T2, but the duodenal chapter has no "
            "subserosal category: T3 if the pancreas or peripancreatic tissue is invaded, T4 if the serosa or "
            "another organ is (TX until the pathologist says which)."
        )
        return "TX", notes
    if invasion == "adjacent_structures":
        notes.append(
            "T: invasion of adjacent structures is T3 if they are the pancreas or peripancreatic tissue and T4 "
            "if they are other organs (AJCC 8th, duodenum): TX until the pathologist says which."
        )
        return "TX", notes
    if size is not None and size > g.t1_max_size_cm:
        notes.append(f"T2: size {cm(size)} cm >{limit} cm (AJCC 8th, duodenum: T2 = muscularis propria or >1 cm).")
        return "T2", notes
    if invasion is None or size is None:
        notes.append(
            f"T: depth of invasion or size not recorded: T1 needs invasion of the mucosa or submucosa only and "
            f"≤{limit} cm (TX until both are known)."
        )
        return "TX", notes
    notes.append(
        f"T1: invasion of the {_INVASION_TEXT[invasion]} only and size {cm(size)} cm ≤{limit} cm (AJCC 8th, "
        "duodenum). An ampullary tumour is T1 only when confined within the sphincter of Oddi (invasion of the "
        "duodenal submucosa makes it T2)."
    )
    return "T1", notes


def n_category(nodes: Nodes, g: Guideline, site: str | None = None) -> tuple[str, list[str]]:
    """Return N per Table I (N2 for many positive nodes or a large mesenteric mass), or N0/N1 for the duodenum,
    with a note on the number of nodes examined where it is recorded."""
    n, notes = _n_from_nodes(nodes, g, site)
    if nodes.examined is not None:
        notes.append(examined_nodes_note(nodes, g))
    return n, notes


def examined_nodes_note(nodes: Nodes, g: Guideline) -> str:
    """Say how many nodes were examined against the number whose dissection improves survival (refs 10, 14, 20, 23).

    The seed's threshold is about nodes dissected ("Dissection of at least eight (10, 14, 20) or 12 (23) lymph
    nodes has a positive impact on survival", Locoregional Enterectomy): it is stated, not turned into a stage.
    """
    examined = nodes.examined or 0
    counted = f"{examined} lymph node{'s' if examined != 1 else ''} examined"
    if nodes.positive is not None:
        counted += f" ({nodes.positive} positive)"
    compared = "fewer than" if examined < g.lymph_node_min else "at least"
    return (
        f"{counted}: {compared} the {g.lymph_node_min} whose dissection has a positive impact on survival "
        "(Locoregional Enterectomy: at least eight, refs 10, 14, 20, or 12, ref 23)."
    )


def _n_from_nodes(nodes: Nodes, g: Guideline, site: str | None) -> tuple[str, list[str]]:
    notes: list[str] = []
    big_mass = nodes.mass_cm is not None and nodes.mass_cm > g.n2_mass_cm
    many = nodes.positive is not None and nodes.positive >= g.n2_min_positive_nodes
    mass_limit = cm(g.n2_mass_cm)
    if site == "duodenum":
        if nodes.positive:
            notes.append(f"N1: {nodes.positive} positive regional nodes; the duodenal chapter of AJCC 8th has no N2.")
            return "N1", notes
        if big_mass:
            notes.append(
                f"N1: a nodal mass of {cm(nodes.mass_cm)} cm; the duodenal chapter of AJCC 8th has no N2."  # type: ignore[arg-type]
            )
            return "N1", notes
        if nodes.positive == 0:
            notes.append("N0: no positive regional nodes (AJCC 8th, duodenum).")
            return "N0", notes
        notes.append("N: number of positive nodes not recorded, so N cannot be assessed (NX).")
        return "NX", notes
    if nodes.encases_mesenteric_vessels:
        notes.append(
            "Encasement of the mesenteric vessels is noted; Table I mentions it ('especially those "
            "encasing superior mesenteric vessels') but it is not by itself an N2 criterion."
        )
    if big_mass or many:
        why = []
        if many:
            why.append(
                f"{nodes.positive} positive nodes (N2 from {g.n2_min_positive_nodes}: AJCC 8th '12 or "
                "more'; the seed's Table I writes '>12' but its N1 is '<12')"
            )
        if big_mass:
            why.append(f"mesenteric mass {cm(nodes.mass_cm)} cm >{mass_limit} cm")  # type: ignore[arg-type]
        notes.append(f"N2: {' and '.join(why)} (Table I, ref 23).")
        return "N2", notes
    mass_unknown = nodes.mass_cm is None
    mass_note = (
        f" Size of a mesenteric mass not recorded; a mass >{mass_limit} cm would make it N2." if mass_unknown else ""
    )
    if nodes.positive is None:
        notes.append(
            f"N: number of positive nodes not recorded and no mesenteric mass >{mass_limit} cm, so N "
            "cannot be assessed (NX)."
        )
        return "NX", notes
    if nodes.positive == 0:
        notes.append(f"N0: no positive regional nodes (Table I).{mass_note}")
        return "N0", notes
    notes.append(
        f"N1: {nodes.positive} positive regional nodes (<{g.n2_min_positive_nodes}) and no mesenteric "
        f"mass >{mass_limit} cm (Table I, ref 23).{mass_note}"
    )
    return "N1", notes


def peritoneal_disease(extra: Extrahepatic) -> bool | None:
    """Return whether there is peritoneal disease; a PCI above 0 means there is even if not ticked."""
    if extra.peritoneal is None and extra.pci:
        return True
    return extra.peritoneal


def m_category(liver: Liver, extra: Extrahepatic) -> tuple[str | None, str | None, list[str]]:
    """Return (M, M1 subcategory, notes): M1a liver only, M1b extrahepatic only, M1c both (AJCC 8th)."""
    notes: list[str] = []
    in_liver = None if liver.lesions is None else liver.lesions > 0
    sites = {
        "peritoneal": peritoneal_disease(extra),
        "extra-abdominal": extra.extra_abdominal,
        "non-regional (perihilar) nodal": extra.perihilar_nodes_only,
    }
    present = [name for name, value in sites.items() if value is True]
    unknown = [name for name, value in sites.items() if value is None]
    outside = True if present else (None if unknown else False)
    if liver.lesions is None:
        notes.append("M: number of liver lesions not recorded.")
    if outside is None:
        notes.append(f"M: {', '.join(unknown)} disease status not recorded.")
    if in_liver or outside:
        where = []
        if in_liver:
            where.append(f"{liver.lesions} liver lesion{'s' if liver.lesions != 1 else ''}")
        where.extend(f"{name} disease" for name in present)
        sub = {(True, False): "M1a", (False, True): "M1b", (True, True): "M1c"}.get((in_liver, outside))
        if sub is None:
            notes.append(
                f"M1: {', '.join(where)}; M1a/M1b/M1c cannot be told until the remaining sites are "
                "known (AJCC 8th: M1a liver only, M1b extrahepatic only, M1c both)."
            )
        else:
            notes.append(f"M1 ({sub}): {', '.join(where)} (AJCC 8th: M1a liver only, M1b extrahepatic only, M1c both).")
        return "M1", sub, notes
    if in_liver is False and outside is False:
        notes.append("M0: no liver metastases and no peritoneal, extra-abdominal or non-regional nodal disease.")
        return "M0", None, notes
    notes.append("M is left empty: metastatic status is not fully known and AJCC 8th has no MX category.")
    return None, None, notes


def stage_group(t: str, n: str, m: str | None, table: str = "Table I") -> tuple[str | None, list[str]]:
    """Return the stage group of Table I, or ``None`` when the categories do not determine it.

    AJCC 8th's duodenum and ampulla chapter groups its T and N (N0/N1) the same way, so ``table`` only
    changes the name cited in the notes.
    """
    if m == "M1":
        return "IV", [f"Stage IV: any T, any N, M1 ({table})."]
    if m is None:
        return None, ["Stage not determined: M unknown (stage IV if M1)."]
    if n in ("N1", "N2"):
        return "III", [f"Stage III: any T, {n}, M0 ({table})."]
    if t == "T4":
        note = (
            f"Stage III: T4 M0 is stage III whatever N ({table})." if n == "NX" else f"Stage III: T4 N0 M0 ({table})."
        )
        return "III", [note]
    if n == "NX":
        return None, [f"Stage not determined: {t} NX M0 could be stage I-III depending on N."]
    if t == "TX":
        return None, ["Stage not determined: TX N0 M0 could be stage I, II or III depending on T."]
    stage = "I" if t == "T1" else "II"
    return stage, [f"Stage {stage}: {t} N0 M0 ({table})."]


def _index_grade(value: float, g2_min: float, g3_above: float) -> str:
    if value > g3_above:
        return "G3"
    return "G2" if value >= g2_min else "G1"


def grade(pathology: Pathology, g: Guideline) -> tuple[str | None, list[str]]:
    """Return the WHO 2019 grade: NEC for poorly differentiated or small cell, else the higher index grade."""
    notes: list[str] = []
    ki67, mitoses = pathology.ki67_percent, pathology.mitoses_per_2mm2
    if pathology.small_cell or pathology.differentiation == "poor":
        why = "small cell carcinoma" if pathology.small_cell else "poorly differentiated"
        notes.append(f"Grade NEC: {why} neuroendocrine carcinoma (WHO 2019).")
        if ki67 is not None and ki67 <= g.grade_g3_above_ki67:
            notes.append(
                f"Ki-67 {cm(ki67)}% is not >{cm(g.grade_g3_above_ki67)}%, unusual for an NEC, which is "
                "high grade by definition (WHO 2019): the pathologist should confirm differentiation."
            )
        return "NEC", notes
    ki_grade = None if ki67 is None else _index_grade(ki67, g.grade_g2_min_ki67, g.grade_g3_above_ki67)
    mi_grade = None if mitoses is None else _index_grade(mitoses, g.grade_g2_min_mitoses, g.grade_g3_above_mitoses)
    if ki_grade is None and mi_grade is None:
        notes.append("Grade not determined: neither Ki-67 nor mitotic count recorded.")
        return None, notes
    parts = []
    if ki_grade:
        parts.append(f"Ki-67 {cm(ki67)}% → {ki_grade}")  # type: ignore[arg-type]
    if mi_grade:
        parts.append(f"{cm(mitoses)} mitoses/2 mm² → {mi_grade}")  # type: ignore[arg-type]
    result = max(x for x in (ki_grade, mi_grade) if x is not None)
    both = ki_grade and mi_grade
    notes.append(
        f"Grade {result}: {'; '.join(parts)}"
        f"{' (the higher decides)' if both else ''} (WHO 2019: G1 Ki-67 <{cm(g.grade_g2_min_ki67)}% and "
        f"<{cm(g.grade_g2_min_mitoses)} mitoses, G2 {cm(g.grade_g2_min_ki67)}-{cm(g.grade_g3_above_ki67)}% "
        f"or {cm(g.grade_g2_min_mitoses)}-{cm(g.grade_g3_above_mitoses)}, G3 above)."
    )
    if not both:
        missing = "mitotic count" if ki_grade else "Ki-67"
        notes.append(f"Grade from one index only: {missing} not recorded (it can only raise the grade).")
    if pathology.differentiation is None:
        notes.append(
            "Differentiation not recorded: grade taken from the indices, but a poorly differentiated "
            "neuroendocrine carcinoma (NEC) cannot be excluded."
        )
    elif result == "G3":
        notes.append("Well-differentiated G3 NET (WHO 2019), distinct from a neuroendocrine carcinoma.")
    return result, notes


def liver_pattern(liver: Liver) -> tuple[str | None, list[str]]:
    """Return the intrahepatic pattern (ref 54): I single, II dominant + small bilobar, III bilateral."""
    lesions = liver.lesions
    if lesions is None:
        return None, ["Liver pattern not determined: number of liver lesions not recorded."]
    if lesions == 0:
        return None, []
    if lesions == 1:
        return "I", ["Liver pattern type I: one metastasis irrespective of size (ref 54)."]
    if liver.bilobar is None:
        return None, [
            f"Liver pattern not determined: {lesions} lesions but whether both lobes are involved is not recorded."
        ]
    if not liver.bilobar:
        return None, [
            f"Liver pattern: {lesions} lesions in one lobe lie outside the seed's three patterns "
            "(ref 54); resectability decides."
        ]
    if liver.dominant_lesion is None:
        return None, [
            f"Liver pattern not determined: {lesions} bilobar lesions but whether one lesion dominates "
            "is not recorded (type II if so, type III if not)."
        ]
    if liver.dominant_lesion:
        return "II", [
            f"Liver pattern type II: one dominant metastasis with smaller lesions in both lobes "
            f"({lesions} lesions; ref 54)."
        ]
    return "III", [
        f"Liver pattern type III: bilateral metastases ({lesions} lesions) irrespective of number or size (ref 54)."
    ]


def stage_case(facts: CaseFacts, g: Guideline) -> Staging:
    """Derive T, N, M, stage, grade and liver pattern, with the notes explaining each."""
    t, t_notes = t_category(facts.primary, g)
    n, n_notes = n_category(facts.nodes, g, facts.primary.site)
    m, sub, m_notes = m_category(facts.liver, facts.extrahepatic)
    table = "AJCC 8th, duodenum" if facts.primary.site == "duodenum" else "Table I"
    stage, stage_notes = stage_group(t, n, m, table)
    grade_value, grade_notes = grade(facts.pathology, g)
    pattern, pattern_notes = liver_pattern(facts.liver)
    notes = (*t_notes, *n_notes, *m_notes, *stage_notes, *grade_notes, *pattern_notes)
    return Staging(t, n, m, sub, stage, grade_value, pattern, notes, t_minimum(facts.primary, g, t))
