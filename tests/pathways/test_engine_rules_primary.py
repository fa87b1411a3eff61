"""Primary tumour rules: resection, right hemicolectomy, ileocaecal valve, laparoscopy, cholecystectomy."""

import pytest

from cases.pathways.engine import Guideline

METS = {"lesions": 3, "max_diameter_cm": 2.0, "involvement_percent": 10, "resectable_percent": 100}
UNRESECTABLE_METS = {**METS, "resectable_percent": 40}
G3 = {"ki67_percent": 30}


def reasons(recommendation) -> str:
    return " ".join(recommendation.reasons)


# --- primary_resection --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("groups", "verdict", "phrase"),
    [
        ({}, "recommended", "Localised disease (T1 N0 M0, stage I)"),
        ({"primary": {"resected": True, "margin": "R0"}}, "not_recommended", "already resected (margin R0)"),
        ({"primary": {"resected": True, "margin": "R2"}}, "not_recommended", "An R2 margin means residual disease"),
        ({"primary": {"resected": True}}, "not_recommended", "resection margin not recorded"),
        ({"primary": {"resected": None}}, "consider", "already been resected not recorded"),
        ({"pathology": G3}, "not_recommended", "Grade G3: no upfront surgery"),
        ({"pathology": G3, "primary": {"symptomatic": True}}, "consider", "palliative resection"),
        ({"pathology": {"differentiation": "poor"}, "primary": {"symptomatic": None}}, "consider", "not recorded"),
        ({"pathology": {"ki67_percent": None, "mitoses_per_2mm2": None}}, "consider", "Grade not recorded"),
        ({"nodes": {"positive": 5, "mesenteric_stage": 4}}, "not_recommended", "not radically resectable"),
        (
            {"nodes": {"positive": 5, "mesenteric_stage": 4}, "primary": {"symptomatic": True}},
            "consider",
            "surgery may still alleviate symptoms",
        ),
        ({"nodes": {"positive": 5, "mesenteric_stage": 3}}, "recommended", "Mesenteric nodal stage 3: operable"),
        ({"nodes": {"positive": 5, "mesenteric_stage": None}}, "recommended", "only stage 4 is inoperable"),
        ({"patient": {"major_comorbidity": True}}, "consider", "surgery is advised for fit patients"),
        ({"patient": {"major_comorbidity": None}}, "consider", "Major comorbidity not recorded"),
        ({"liver": METS}, "recommended", "Curative resection of the liver metastases is feasible"),
        (
            {"liver": UNRESECTABLE_METS, "primary": {"symptomatic": True}},
            "recommended",
            "palliative resection of the primary and radical resection of the mesenteric lymph node metastases",
        ),
        ({"liver": UNRESECTABLE_METS}, "consider", "resection is debatable; a meta-analysis showed"),
        ({"liver": UNRESECTABLE_METS, "primary": {"symptomatic": None}}, "consider", "Symptoms from the primary"),
        ({"extrahepatic": {"peritoneal": True, "pci": 5}}, "consider", "may still improve survival"),
        (
            {"liver": UNRESECTABLE_METS, "primary": {"emergency_presentation": True, "symptomatic": None}},
            "recommended",
            "Emergency presentation",
        ),
        ({"liver": {"lesions": None}}, "consider", "Metastatic status not fully recorded"),
        (
            {"liver": {"lesions": None}, "primary": {"symptomatic": True}},
            "recommended",
            "a symptomatic primary should be resected with or without distant metastases",
        ),
        ({"primary": {"site": "unknown", "invasion": None}}, "consider", "Primary tumour not found"),
    ],
)
def test_primary_resection(assess, groups, verdict, phrase):
    recommendation = assess(**groups).recommendation("primary_resection")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


def test_primary_resection_asks_for_at_least_eight_nodes_by_default(assess):
    text = reasons(assess().recommendation("primary_resection"))
    assert "Dissect at least 8 lymph nodes (some authors use 12) (refs 10, 14, 20, 23)." in text


def test_the_lymph_node_minimum_is_a_guideline_parameter(assess):
    text = reasons(assess(Guideline(lymph_node_min=12)).recommendation("primary_resection"))
    assert "Dissect at least 12 lymph nodes (refs" in text


def test_asymptomatic_is_no_contraindication_to_primary_resection(assess):
    recommendation = assess(primary={"symptomatic": False}).recommendation("primary_resection")
    assert recommendation.verdict == "recommended"
    assert "Absence of symptoms is no contraindication" in reasons(recommendation)


@pytest.mark.parametrize(("ecog", "phrase"), [(2, "ECOG performance status 2"), (None, "ECOG performance status not")])
def test_ecog_is_shown_for_metastatic_disease_without_a_cut_off(assess, ecog, phrase):
    recommendation = assess(patient={"ecog": ecog}, liver=UNRESECTABLE_METS).recommendation("primary_resection")
    assert recommendation.verdict == "consider"
    assert phrase in reasons(recommendation)
    assert "Table II, Stage IV line 3c; ref 87" in reasons(recommendation)


def test_a_family_history_is_a_reason_for_surgery(assess):
    text = reasons(assess(patient={"family_history": True}).recommendation("primary_resection"))
    assert "Family history of si-NEN: an aggressive surgical approach is advised (ref 86)." in text


def test_multifocal_disease_asks_for_palpation_of_the_whole_bowel(assess):
    text = reasons(assess(primary={"multifocal": True}).recommendation("primary_resection"))
    assert "inspect and palpate the whole small bowel" in text


# --- right_hemicolectomy and ileocecal_valve_preservation ---------------------------------------------------
TERMINAL = {"site": "terminal_ileum"}


@pytest.mark.parametrize(
    ("primary", "nodes", "rhc", "icv"),
    [
        ({**TERMINAL, "size_cm": 1.0}, {"mass_cm": 0}, "consider", "recommended"),
        ({**TERMINAL, "size_cm": 1.1}, {"mass_cm": 0}, "recommended", "not_recommended"),
        ({**TERMINAL, "size_cm": 0.8}, {"positive": 3, "mass_cm": 2.0}, "consider", "recommended"),
        ({**TERMINAL, "size_cm": 0.8}, {"positive": 3, "mass_cm": 2.1}, "recommended", "not_recommended"),
        ({**TERMINAL, "size_cm": None}, {"mass_cm": 0}, "consider", "consider"),
        ({**TERMINAL, "size_cm": 0.8}, {"mass_cm": None}, "consider", "consider"),
        ({**TERMINAL, "size_cm": 1.5}, {"mass_cm": None}, "recommended", "not_recommended"),
        ({"site": "jejunum"}, {}, "not_recommended", "not_recommended"),
        ({"site": "ileum"}, {}, "not_recommended", "not_recommended"),
        ({"site": "duodenum"}, {}, "not_recommended", "not_recommended"),
        ({"site": None}, {}, "consider", "consider"),
        ({"site": "unknown", "invasion": None}, {}, "consider", "consider"),
    ],
)
def test_right_hemicolectomy_and_valve_preservation_follow_site_size_and_bulky_nodes(assess, primary, nodes, rhc, icv):
    result = assess(primary=primary, nodes=nodes)
    assert result.recommendation("right_hemicolectomy").verdict == rhc
    assert result.recommendation("ileocecal_valve_preservation").verdict == icv


def test_a_proximal_primary_gets_a_segmental_enterectomy(assess):
    text = reasons(assess(primary={"site": "ileum"}).recommendation("right_hemicolectomy"))
    assert "segmental small-bowel enterectomy" in text


def test_valve_preservation_is_not_applicable_away_from_the_terminal_ileum(assess):
    text = reasons(assess(primary={"site": "jejunum"}).recommendation("ileocecal_valve_preservation"))
    assert "not involved, not applicable" in text


def test_carcinoid_syndrome_strengthens_valve_preservation(assess):
    result = assess(primary={**TERMINAL, "size_cm": 0.9}, syndrome={"carcinoid_syndrome": True})
    text = reasons(result.recommendation("ileocecal_valve_preservation"))
    assert "reduces postoperative quality of life" in text


def test_no_primary_operation_means_neither_hemicolectomy_nor_valve_question(assess):
    result = assess(primary={**TERMINAL, "size_cm": 2.0, "resected": True, "margin": "R0"})
    for code in ("right_hemicolectomy", "ileocecal_valve_preservation", "laparoscopic_approach"):
        assert result.recommendation(code).verdict == "not_recommended"
        assert "No resection of the primary is planned" in reasons(result.recommendation(code))


def test_a_hemicolectomy_is_only_considered_when_the_primary_resection_is(assess):
    result = assess(primary={**TERMINAL, "size_cm": 2.0}, patient={"major_comorbidity": True})
    assert result.recommendation("primary_resection").verdict == "consider"
    assert result.recommendation("right_hemicolectomy").verdict == "consider"


def test_the_valve_size_limit_is_a_guideline_parameter(assess):
    result = assess(Guideline(icv_size_cm=1.5), primary={**TERMINAL, "size_cm": 1.2})
    assert result.recommendation("ileocecal_valve_preservation").verdict == "recommended"


# --- laparoscopic_approach ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("groups", "verdict", "phrase"),
    [
        ({}, "consider", "laparoscopy may be considered"),
        ({"nodes": {"positive": 2, "mass_cm": 1.5}}, "not_recommended", "Mesenteric mass of 1.5 cm"),
        ({"nodes": {"positive": 12}}, "not_recommended", "N2 nodal disease"),
        ({"nodes": {"mass_cm": None}}, "not_recommended", "Absence of tumour masses not established"),
        ({"liver": METS}, "not_recommended", "Distant metastases (M1)"),
        ({"liver": {"lesions": None}}, "not_recommended", "No preoperative evidence of localised disease"),
    ],
)
def test_laparoscopy_is_at_most_an_option_for_localised_disease_without_masses(assess, groups, verdict, phrase):
    recommendation = assess(**groups).recommendation("laparoscopic_approach")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


def test_laparoscopy_is_never_recommended_and_says_laparotomy_is_standard(assess):
    recommendation = assess().recommendation("laparoscopic_approach")
    assert recommendation.verdict != "recommended"
    assert "laparotomy remains the standard" in reasons(recommendation)


# --- prophylactic_cholecystectomy ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("groups", "verdict"),
    [
        ({}, "recommended"),  # primary resection recommended
        ({"patient": {"major_comorbidity": True}}, "consider"),  # best operation is only to be considered
        ({"primary": {"resected": True, "margin": "R0"}}, "not_recommended"),  # no operation at all
        ({"primary": {"resected": True, "margin": "R0"}, "liver": METS}, "recommended"),  # liver resection
        (
            {"primary": {"resected": True, "margin": "R0"}, "extrahepatic": {"peritoneal": True, "pci": 8}},
            "consider",  # peritoneal cytoreduction to be considered
        ),
    ],
)
def test_cholecystectomy_follows_the_strongest_abdominal_operation(assess, groups, verdict):
    recommendation = assess(**groups).recommendation("prophylactic_cholecystectomy")
    assert recommendation.verdict == verdict


def test_cholecystectomy_explains_cholestasis_from_ssa_and_chemoembolisation(assess):
    text = reasons(assess().recommendation("prophylactic_cholecystectomy"))
    assert "cholestasis and necrotic cholecystitis (refs 18, 29)" in text


def test_cholecystectomy_mentions_tace_when_chemoembolisation_is_an_option(assess):
    result = assess(liver={**METS, "resectable_percent": 80})
    assert result.recommendation("tae_tace").verdict != "not_recommended"
    assert "gallbladder necrosis" in reasons(result.recommendation("prophylactic_cholecystectomy"))
