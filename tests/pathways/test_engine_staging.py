"""TNM and stage groups per seed Table I (AJCC 8th, jejunum/ileum, ref 23)."""

import pytest

from cases.pathways.engine import Guideline
from cases.pathways.engine.staging import stage_group


@pytest.mark.parametrize(
    ("invasion", "size_cm", "expected"),
    [
        ("lamina_propria", 0.5, "T1"),
        ("submucosa", 1.0, "T1"),  # ≤1 cm is still T1
        ("submucosa", 1.1, "T2"),  # >1 cm makes it T2 whatever the depth
        ("submucosa", 1.5, "T2"),
        ("muscularis_propria", 0.4, "T2"),
        ("subserosa", 0.4, "T3"),
        ("subserosa", 3.0, "T3"),
        ("serosa", 0.5, "T4"),
        ("adjacent_structures", 2.0, "T4"),
        ("submucosa", None, "TX"),  # T1 or T2: size decides
        (None, 1.5, "TX"),
        ("muscularis_propria", None, "T2"),  # the depth alone settles T2
    ],
)
def test_t_is_the_higher_of_invasion_and_size(assess, invasion, size_cm, expected):
    assert assess(primary={"invasion": invasion, "size_cm": size_cm}).t == expected


def test_unknown_invasion_with_a_large_tumour_notes_at_least_t2(assess):
    notes = " ".join(assess(primary={"invasion": None, "size_cm": 1.5}).notes)
    assert "TX" in notes
    assert "means at least T2" in notes


def test_a_primary_that_was_not_found_is_tx(assess):
    assert assess(primary={"site": "unknown", "invasion": None, "size_cm": None}).t == "TX"


def test_multifocal_disease_notes_the_highest_t_rule(assess):
    notes = " ".join(assess(primary={"multifocal": True}).notes)
    assert "highest T for multicentric disease (Table I footnote)" in notes


@pytest.mark.parametrize(
    ("primary", "nodes", "t", "n", "stage"),
    [
        ({"size_cm": 0.8, "invasion": "submucosa"}, {"positive": 0}, "T1", "N0", "I"),
        ({"size_cm": 1.5, "invasion": "submucosa"}, {"positive": 0}, "T2", "N0", "II"),
        ({"size_cm": 0.8, "invasion": "muscularis_propria"}, {"positive": 0}, "T2", "N0", "II"),
        ({"size_cm": 0.8, "invasion": "serosa"}, {"positive": 0}, "T4", "N0", "III"),
        # No N2 in the duodenal chapter: 14 nodes or a 3 cm mass are N1.
        ({"size_cm": 0.8, "invasion": "submucosa"}, {"positive": 14, "mass_cm": 3}, "T1", "N1", "III"),
        ({"size_cm": 0.8, "invasion": "submucosa"}, {"positive": None, "mass_cm": 3}, "T1", "N1", "III"),
        # Subserosal tissue and "adjacent structures" do not map onto T2/T3/T4 of the duodenal chapter.
        ({"size_cm": 2.0, "invasion": "subserosa"}, {"positive": 0}, "TX", "N0", None),
        ({"size_cm": 2.0, "invasion": "adjacent_structures"}, {"positive": 2}, "TX", "N1", "III"),
    ],
)
def test_a_duodenal_primary_is_staged_by_the_ajcc_duodenum_chapter_never_the_jejunum_ileum_table(
    assess, primary, nodes, t, n, stage
):
    result = assess(primary={"site": "duodenum", **primary}, nodes=nodes)
    assert (result.t, result.n, result.stage) == (t, n, stage)
    notes = " ".join(result.notes)
    assert "AJCC 8th's duodenum and ampulla chapter, not the jejunum/ileum Table I" in notes
    assert "(Table I" not in notes.replace("not the jejunum/ileum Table I", "")


def test_a_duodenal_t1_names_the_ampullary_exception(assess):
    notes = " ".join(assess(primary={"site": "duodenum"}).notes)
    assert "An ampullary tumour is T1 only when confined within the sphincter of Oddi" in notes


def test_a_pci_above_0_means_peritoneal_disease_even_if_not_ticked(assess):
    result = assess(extrahepatic={"peritoneal": None, "pci": 6})
    assert (result.m, result.m_category) == ("M1", "M1b")
    assert result.recommendation("peritoneal_cytoreduction").verdict == "consider"


def test_the_t1_size_limit_is_a_guideline_parameter(assess):
    assert assess(Guideline(t1_max_size_cm=2.0), primary={"size_cm": 1.5}).t == "T1"


@pytest.mark.parametrize(
    ("positive", "mass_cm", "expected"),
    [
        (0, 0, "N0"),
        (1, 0, "N1"),
        (11, 0, "N1"),
        (12, 0, "N2"),  # AJCC 8th "12 or more"
        (13, 0, "N2"),
        (0, 2.0, "N0"),  # a mass must be larger than 2 cm
        (0, 2.1, "N2"),
        (5, 2.0, "N1"),
        (5, 2.1, "N2"),
        (None, 2.1, "N2"),  # the mass settles N2 without a node count
        (None, 1.0, "NX"),
        (None, None, "NX"),
        (0, None, "N0"),
    ],
)
def test_n_follows_node_count_and_mesenteric_mass(assess, positive, mass_cm, expected):
    assert assess(nodes={"positive": positive, "mass_cm": mass_cm}).n == expected


def test_twelve_nodes_are_n1_when_the_n2_threshold_is_raised_to_13(assess):
    assert assess(Guideline(n2_min_positive_nodes=13), nodes={"positive": 12}).n == "N1"


def test_n0_without_a_recorded_mass_says_so(assess):
    notes = " ".join(assess(nodes={"positive": 0, "mass_cm": None}).notes)
    assert "mesenteric mass not recorded" in notes


def test_vessel_encasement_alone_does_not_make_n2(assess):
    result = assess(nodes={"positive": 3, "mass_cm": 1.0, "encases_mesenteric_vessels": True})
    assert result.n == "N1"
    assert any("not by itself an N2 criterion" in note for note in result.notes)


NEG = {"peritoneal": False, "extra_abdominal": False, "perihilar_nodes_only": False}


@pytest.mark.parametrize(
    ("lesions", "extrahepatic", "m", "category"),
    [
        (0, NEG, "M0", None),
        (2, NEG, "M1", "M1a"),
        (0, {**NEG, "peritoneal": True}, "M1", "M1b"),
        (0, {**NEG, "extra_abdominal": True}, "M1", "M1b"),
        (0, {**NEG, "perihilar_nodes_only": True}, "M1", "M1b"),
        (4, {**NEG, "peritoneal": True}, "M1", "M1c"),
        (4, {**NEG, "perihilar_nodes_only": True}, "M1", "M1c"),
        (None, NEG, None, None),  # liver unknown: M cannot be M0
        (0, {**NEG, "peritoneal": None}, None, None),
        (3, {**NEG, "peritoneal": None}, "M1", None),  # M1a or M1c
        (None, {**NEG, "peritoneal": True}, "M1", None),  # M1b or M1c
    ],
)
def test_m_and_its_category_follow_the_sites_of_disease(assess, lesions, extrahepatic, m, category):
    liver = {"lesions": lesions, "max_diameter_cm": 1.0 if lesions else None, "involvement_percent": None}
    result = assess(liver=liver, extrahepatic=extrahepatic)
    assert (result.m, result.m_category) == (m, category)


def test_unknown_metastatic_status_leaves_m_empty_and_says_there_is_no_mx(assess):
    result = assess(liver={"lesions": None})
    assert result.m is None
    assert any("no MX" in note for note in result.notes)


@pytest.mark.parametrize(
    ("t", "n", "m", "stage"),
    [
        ("T1", "N0", "M0", "I"),
        ("T2", "N0", "M0", "II"),
        ("T3", "N0", "M0", "II"),
        ("T4", "N0", "M0", "III"),
        ("T1", "N1", "M0", "III"),
        ("TX", "N2", "M0", "III"),  # any T with N1/N2
        ("T4", "NX", "M0", "III"),  # T4 M0 is III whatever N
        ("T1", "N0", "M1", "IV"),
        ("TX", "NX", "M1", "IV"),
        ("TX", "N0", "M0", None),
        ("T2", "NX", "M0", None),
        ("T1", "N0", None, None),
    ],
)
def test_stage_groups_follow_table_i(t, n, m, stage):
    assert stage_group(t, n, m)[0] == stage


def test_a_localised_case_is_fully_staged_from_its_facts(assess):
    result = assess(primary={"invasion": "subserosa", "size_cm": 2.0}, nodes={"positive": 4, "mass_cm": 1.0})
    assert (result.t, result.n, result.m, result.stage) == ("T3", "N1", "M0", "III")
