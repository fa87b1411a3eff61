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
        ({"primary": {"resected": True, "margin": "R0"}}, "not_recommended", "Primary already resected (R0)"),
        ({"primary": {"resected": True, "margin": "R1"}}, "not_recommended", "R1 margin leaves microscopic disease"),
        ({"primary": {"resected": True}}, "not_recommended", "margin not recorded"),
        ({"primary": {"resected": None}}, "consider", "already been resected not recorded"),
        ({"pathology": G3, "liver": UNRESECTABLE_METS}, "not_recommended", "Grade G3 with distant metastases: no"),
        (
            {"pathology": G3, "liver": UNRESECTABLE_METS, "primary": {"symptomatic": True}},
            "consider",
            "palliative resection of the symptomatic primary is weighed against it",
        ),
        (
            {"pathology": {"differentiation": "poor"}, "liver": UNRESECTABLE_METS, "primary": {"symptomatic": None}},
            "consider",
            "only a symptomatic primary may need palliative resection",
        ),
        (
            {"pathology": {"ki67_percent": None, "mitoses_per_2mm2": None}, "liver": UNRESECTABLE_METS},
            "consider",
            "Grade not recorded",
        ),
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
        ({"liver": METS}, "recommended", "Curative resection of the liver metastases is recommended"),
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
        ({"liver": {"lesions": None}}, "consider", "Metastatic status (liver, peritoneum"),
        (
            {"liver": {"lesions": None}, "primary": {"symptomatic": True}},
            "recommended",
            "it should be resected with or without distant metastases",
        ),
        ({"primary": {"site": "unknown", "invasion": None, "size_cm": None}}, "consider", "Primary tumour not found"),
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
        ({"site": "unknown", "invasion": None, "size_cm": None}, {}, "consider", "consider"),
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
    result = assess(primary={**TERMINAL, "size_cm": 2.0}, nodes={"positive": 5, "mass_cm": 3, "mesenteric_stage": 4})
    assert result.recommendation("primary_resection").verdict == "not_recommended"
    for code in ("right_hemicolectomy", "ileocecal_valve_preservation", "laparoscopic_approach"):
        assert result.recommendation(code).verdict == "not_recommended"
        assert result.recommendation(code).why.startswith("No resection of the primary is planned")


def test_an_already_resected_primary_raises_no_hemicolectomy_or_valve_question(assess):
    result = assess(primary={**TERMINAL, "size_cm": 2.0, "resected": True, "margin": "R2"})
    assert result.recommendation("primary_resection").verdict == "consider"  # re-resection of the residual disease
    for code in ("right_hemicolectomy", "ileocecal_valve_preservation", "laparoscopic_approach"):
        assert result.recommendation(code).verdict == "not_recommended"
        assert result.recommendation(code).why.startswith("The primary has already been resected")


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


def test_laparoscopy_is_never_recommended_and_says_why(assess):
    recommendation = assess().recommendation("laparoscopic_approach")
    assert recommendation.verdict == "consider"
    assert recommendation.why.startswith("Localised disease (M0, N0) without tumour masses: laparoscopy may be")
    assert "Data on laparoscopic surgery are insufficient, so it is at most an option" in reasons(recommendation)
    assert "Laparotomy is the standard of care" not in reasons(recommendation)  # it would argue against itself


def test_a_refused_laparoscopy_leads_with_its_reason_and_names_laparotomy_as_the_standard(assess):
    recommendation = assess(nodes={"positive": 12}).recommendation("laparoscopic_approach")
    assert recommendation.verdict == "not_recommended"
    assert recommendation.why.startswith("N2 nodal disease")
    assert "may be considered" not in reasons(recommendation)
    assert "Laparotomy is the standard of care" in reasons(recommendation)


def test_multifocal_disease_rules_laparoscopy_out(assess):
    recommendation = assess(primary={"multifocal": True}).recommendation("laparoscopic_approach")
    assert recommendation.verdict == "not_recommended"
    assert "palpated with both hands" in recommendation.why


# --- prophylactic_cholecystectomy ---------------------------------------------------------------------------
SYNDROME = {"carcinoid_syndrome": True}


@pytest.mark.parametrize(
    ("groups", "verdict"),
    [
        ({"syndrome": SYNDROME}, "recommended"),  # primary resection and long-term SSA both recommended
        ({"syndrome": SYNDROME, "patient": {"major_comorbidity": True}}, "consider"),  # the operation only considered
        ({"syndrome": SYNDROME, "primary": {"resected": True, "margin": "R0"}}, "not_recommended"),  # no operation
        ({"syndrome": SYNDROME, "primary": {"resected": True, "margin": "R0"}, "liver": METS}, "recommended"),
        (
            {"primary": {"resected": True, "margin": "R0"}, "extrahepatic": {"peritoneal": True, "pci": 8}},
            "consider",  # cytoreduction and SSA for inoperable disease, both to be considered
        ),
    ],
)
def test_cholecystectomy_follows_the_operation_and_the_therapy_that_makes_it_worthwhile(assess, groups, verdict):
    recommendation = assess(**groups).recommendation("prophylactic_cholecystectomy")
    assert recommendation.verdict == verdict


def test_no_cholecystectomy_for_a_stage_i_non_functional_tumour_without_ssa_or_tace_foreseen(assess):
    result = assess()
    assert result.recommendation("primary_resection").verdict == "recommended"
    recommendation = result.recommendation("prophylactic_cholecystectomy")
    assert recommendation.verdict == "not_recommended"
    assert recommendation.why.startswith("Neither long-term somatostatin analogues nor chemoembolisation is foreseen")


def test_cholecystectomy_is_considered_at_an_operation_for_liver_metastases_which_recur(assess):
    """Table II Stage IV line 1: "metastatic liver disease has a high recurrence rate of 70-94% at 5 years"."""
    result = assess(liver=METS)
    assert result.recommendation("somatostatin_analogue").verdict == "not_recommended"
    recommendation = result.recommendation("prophylactic_cholecystectomy")
    assert recommendation.verdict == "consider"
    assert "which recur in 70-94% at 5 years" in recommendation.why


def test_cholecystectomy_explains_cholestasis_from_ssa_and_chemoembolisation(assess):
    text = reasons(assess(syndrome=SYNDROME).recommendation("prophylactic_cholecystectomy"))
    assert "with long-term somatostatin analogues foreseen" in text
    assert "cholestasis and necrotic cholecystitis (refs 18, 29)" in text


def test_cholecystectomy_mentions_tace_when_chemoembolisation_is_an_option(assess):
    result = assess(liver={**METS, "resectable_percent": 80})
    assert result.recommendation("tae_tace").verdict != "not_recommended"
    assert "complications of chemoembolisation" in reasons(result.recommendation("prophylactic_cholecystectomy"))


# --- hard cases (issue 13) ----------------------------------------------------------------------------------
NEC = {"differentiation": "poor", "ki67_percent": 60}
SMALL_CELL = {**NEC, "small_cell": True}


@pytest.mark.parametrize("pathology", [{"ki67_percent": 25}, {"ki67_percent": 1, "mitoses_per_2mm2": 30}])
def test_localised_g3_net_is_offered_curative_resection(assess, pathology):
    """Table II Stage I-III line 1: stage I-III "should undergo curative resection"; criterion v (no upfront
    surgery for G3) is an eligibility criterion for surgery of liver metastases (refs 10, 54)."""
    result = assess(pathology=pathology, nodes={"positive": 3, "mesenteric_stage": 2})
    assert (result.grade, result.m, result.stage) == ("G3", "M0", "III")
    recommendation = result.recommendation("primary_resection")
    assert recommendation.verdict == "recommended"
    assert recommendation.why.startswith("Localised disease (T1 N1 M0, stage III): curative resection")
    assert "the caution against upfront surgery concerns metastatic disease" in reasons(recommendation)
    assert result.recommendation("systemic_therapy").verdict == "not_recommended"  # line 13: no adjuvant benefit


@pytest.mark.parametrize("pathology", [NEC, SMALL_CELL])
def test_localised_neuroendocrine_carcinoma_is_at_least_considered_for_resection(assess, pathology):
    result = assess(pathology=pathology)
    recommendation = result.recommendation("primary_resection")
    assert recommendation.verdict == "consider"
    assert recommendation.why.startswith("Localised neuroendocrine carcinoma: resection is the only curative approach")
    assert "(refs 16, 10, 54)" in recommendation.why
    assert result.recommendation("systemic_therapy").verdict == "consider"


@pytest.mark.parametrize("pathology", [G3, NEC, SMALL_CELL])
def test_emergency_presentation_outranks_the_g3_caution_for_elective_surgery(assess, pathology):
    """Table II Stage IV line 3b: for complications of the primary, palliative resection "should be performed"."""
    result = assess(
        pathology=pathology, liver=UNRESECTABLE_METS, primary={"emergency_presentation": True, "symptomatic": True}
    )
    recommendation = result.recommendation("primary_resection")
    assert recommendation.verdict == "recommended"
    assert recommendation.why.startswith("Emergency presentation (obstruction, perforation or bleeding)")
    assert "the emergency outranks this caution for elective surgery" in reasons(recommendation)


def test_a_metastatic_g3_primary_without_symptoms_is_not_resected_upfront(assess):
    recommendation = assess(pathology=G3, liver=UNRESECTABLE_METS).recommendation("primary_resection")
    assert recommendation.verdict == "not_recommended"
    assert recommendation.why.startswith("Grade G3 with distant metastases: no upfront surgery")


def test_r2_residual_disease_is_considered_for_re_resection(assess):
    """Ref 14: residual metastatic lymph node disease may cause mesenteric ischaemia or recurrent obstruction."""
    recommendation = assess(primary={"resected": True, "margin": "R2"}).recommendation("primary_resection")
    assert recommendation.verdict == "consider"
    assert recommendation.why.startswith("Primary resected R2: residual metastatic lymph node disease may cause")
    assert "(ref 14)" in recommendation.why


def test_r2_residual_disease_on_an_inoperable_mesentery_is_not_re_resected(assess):
    result = assess(primary={"resected": True, "margin": "R2"}, nodes={"positive": 6, "mesenteric_stage": 4})
    assert result.recommendation("primary_resection").verdict == "not_recommended"
    assert result.recommendation("somatostatin_analogue").verdict == "consider"  # the patient still has a path


@pytest.mark.parametrize(
    ("patient", "heart", "verdict", "why"),
    [
        ({"ecog": 2}, {}, "recommended", "Localised disease"),
        ({"ecog": 3}, {}, "consider", "ECOG performance status 3: surgery is for fit patients"),
        ({"ecog": 4}, {}, "consider", "ECOG performance status 4: surgery is for fit patients"),
        ({}, {"right_heart_failure": True}, "consider", "Right heart failure: a high operative risk"),
        ({}, {"carcinoid_heart_disease": "advanced"}, "consider", "Advanced carcinoid heart disease: a high"),
        ({}, {"carcinoid_heart_disease": "mild"}, "recommended", "Localised disease"),
        ({"major_comorbidity": True}, {}, "consider", "Major comorbidity: surgery is advised for fit patients"),
    ],
)
def test_an_unfit_patient_or_a_failing_heart_limits_the_primary_resection(assess, patient, heart, verdict, why):
    """Abstract: surgery "in fit patients"; Table II Stage IV line 3c: performance status is weighed."""
    recommendation = assess(patient=patient, heart=heart).recommendation("primary_resection")
    assert recommendation.verdict == verdict
    assert recommendation.why.startswith(why)


def test_the_ecog_limit_for_major_surgery_is_a_guideline_parameter(assess):
    assert (
        assess(Guideline(unfit_min_ecog=2), patient={"ecog": 2}).recommendation("primary_resection").verdict
        == "consider"
    )
    assert (
        assess(Guideline(unfit_min_ecog=4), patient={"ecog": 3}).recommendation("primary_resection").verdict
        == "recommended"
    )


def test_an_unknown_mesenteric_stage_is_named_as_something_to_confirm(assess):
    recommendation = assess(nodes={"positive": 5, "mesenteric_stage": None}).recommendation("primary_resection")
    assert recommendation.verdict == "recommended"
    assert [item.field for item in recommendation.to_confirm] == ["nodes.mesenteric_stage"]
    assert recommendation.to_confirm[0].label == "mesenteric nodal stage (ref 28)"


def test_a_duodenal_primary_gets_neither_a_hemicolectomy_nor_the_valve_question(assess):
    result = assess(primary={"site": "duodenum"})
    assert result.recommendation("right_hemicolectomy").why.startswith("Duodenal primary")
    assert result.recommendation("ileocecal_valve_preservation").verdict == "not_recommended"
