"""Liver surgery: curative resection (refs 41, 42, 54, 16, 40) and debulking at ≥70% (refs 9, 36, 53)."""

import pytest

from cases.pathways.engine import Guideline

METS = {"lesions": 3, "max_diameter_cm": 2.0, "involvement_percent": 10, "resectable_percent": 100}


def reasons(recommendation) -> str:
    return " ".join(recommendation.reasons)


@pytest.mark.parametrize(
    ("groups", "verdict", "phrase"),
    [
        ({"liver": METS}, "recommended", "curative-intent resection is the treatment of choice"),
        ({"liver": {**METS, "lesions": 1}}, "recommended", "Pattern type I (one metastasis)"),
        ({"liver": {**METS, "bilobar": True, "dominant_lesion": True}}, "consider", "Pattern type II"),
        ({"liver": {**METS, "bilobar": True}}, "not_recommended", "Pattern type III"),
        ({"liver": {**METS, "bilobar": None}}, "consider", "Liver pattern (both lobes involved"),
        ({"liver": {**METS, "resectable_percent": 99}}, "not_recommended", "Only 99% of the liver tumour burden"),
        ({"liver": {**METS, "resectable_percent": None}}, "consider", "Resectable share of the liver tumour"),
        ({"liver": METS, "pathology": {"ki67_percent": 25}}, "not_recommended", "Grade G3: no upfront surgery"),
        ({"liver": METS, "pathology": {"differentiation": "poor"}}, "not_recommended", "Grade NEC"),
        ({"liver": METS, "pathology": {"ki67_percent": None, "mitoses_per_2mm2": None}}, "consider", "Grade not"),
        ({"liver": METS, "extrahepatic": {"extra_abdominal": True}}, "not_recommended", "Extra-abdominal"),
        ({"liver": METS, "extrahepatic": {"extra_abdominal": None}}, "consider", "Extra-abdominal disease not"),
        ({"liver": METS, "heart": {"right_heart_failure": True}}, "not_recommended", "Right heart failure"),
        ({"liver": METS, "heart": {"carcinoid_heart_disease": "advanced"}}, "not_recommended", "criterion ix"),
        ({"liver": METS, "heart": {"carcinoid_heart_disease": "mild"}}, "recommended", "curative-intent"),
        ({"liver": METS, "heart": {"carcinoid_heart_disease": None}}, "consider", "Carcinoid heart disease not"),
        ({"liver": METS, "extrahepatic": {"peritoneal": True, "pci": 6}}, "consider", "liver resection is debatable"),
        ({"liver": METS, "extrahepatic": {"perihilar_nodes_only": True}}, "recommended", "not always a contra"),
        ({"liver": METS, "patient": {"major_comorbidity": True}}, "consider", "standard of care in fit patients"),
        ({}, "not_recommended", "No liver metastases: not applicable"),
        ({"liver": {"lesions": None}}, "not_recommended", "Number of liver lesions not recorded"),
    ],
)
def test_liver_resection(assess, groups, verdict, phrase):
    recommendation = assess(**groups).recommendation("liver_resection")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


def test_liver_resection_names_every_objection_at_once(assess):
    result = assess(
        liver={**METS, "resectable_percent": 60},
        extrahepatic={"extra_abdominal": True},
        heart={"right_heart_failure": True},
    )
    text = reasons(result.recommendation("liver_resection"))
    for phrase in ("Extra-abdominal metastases", "Right heart failure", "Only 60%"):
        assert phrase in text


def test_liver_resection_with_a_primary_in_place_asks_for_the_primary_too(assess):
    text = reasons(assess(liver=METS).recommendation("liver_resection"))
    assert "oncological surgery of the primary too (Table II, Stage IV line 3a; ref 70)" in text


@pytest.mark.parametrize(
    ("resectable", "verdict", "phrase"),
    [
        (69, "not_recommended", "Only 69% of the liver tumour burden resectable: below the 70%"),
        (70, "consider", "70% of the liver tumour burden resectable (at least 70%): debulking may be a feasible"),
        (99, "consider", "99% of the liver tumour burden resectable"),
        (100, "not_recommended", "complete resection is possible (see liver resection)"),
        (None, "consider", "Resectable share of the liver tumour burden not recorded"),
    ],
)
def test_debulking_needs_at_least_seventy_percent_and_less_than_all(assess, resectable, verdict, phrase):
    recommendation = assess(liver={**METS, "resectable_percent": resectable}).recommendation("liver_debulking")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


@pytest.mark.parametrize(
    "groups",
    [
        {"pathology": {"ki67_percent": 40}},
        {"heart": {"right_heart_failure": True}},
        {"heart": {"carcinoid_heart_disease": "advanced"}},
    ],
)
def test_debulking_is_refused_for_g3_or_a_failing_heart(assess, groups):
    result = assess(liver={**METS, "resectable_percent": 85}, **groups)
    assert result.recommendation("liver_debulking").verdict == "not_recommended"


def test_debulking_is_never_more_than_an_option(assess):
    result = assess(liver={**METS, "resectable_percent": 90})
    assert result.recommendation("liver_debulking").verdict == "consider"


def test_the_debulking_threshold_is_a_guideline_parameter(assess):
    result = assess(Guideline(debulking_min_percent=90), liver={**METS, "resectable_percent": 80})
    assert result.recommendation("liver_debulking").verdict == "not_recommended"


def test_debulking_is_not_applicable_without_liver_metastases(assess):
    assert assess().recommendation("liver_debulking").verdict == "not_recommended"


# --- hard cases (issue 13): fitness, organ function and a curative plan that holds together ------------------
@pytest.mark.parametrize("code", ["liver_resection", "liver_debulking"])
def test_liver_failure_rules_out_liver_surgery(assess, code):
    """Ref 44: the type of liver resection depends on the "predicted remaining liver function"."""
    recommendation = assess(liver={**METS, "liver_failure": True}).recommendation(code)
    assert recommendation.verdict == "not_recommended"
    assert recommendation.why.startswith("Liver failure: the extent of liver surgery depends on the predicted")


@pytest.mark.parametrize(("ecog", "verdict"), [(2, "recommended"), (3, "not_recommended"), (4, "not_recommended")])
def test_liver_resection_is_for_fit_patients(assess, ecog, verdict):
    """Ref 41: "hepatectomy is the standard of care in fit patients"; ref 44: performance status."""
    assert assess(liver=METS, patient={"ecog": ecog}).recommendation("liver_resection").verdict == verdict


def test_curative_liver_resection_needs_a_resectable_mesentery(assess):
    result = assess(liver=METS, nodes={"positive": 6, "mass_cm": 3, "mesenteric_stage": 4})
    liver_resection = result.recommendation("liver_resection")
    assert liver_resection.verdict == "not_recommended"
    assert liver_resection.why.startswith("Mesenteric nodal stage 4: the primary and its nodes cannot be radically")
    assert result.recommendation("primary_resection").verdict == "not_recommended"
    debulking = result.recommendation("liver_debulking")
    assert debulking.verdict == "consider"  # criterion viii: R1/R2 in terms of cytoreductive surgery
    assert debulking.why.startswith("All of the liver tumour burden is resectable, but curative resection is not")


def test_r2_residual_disease_limits_curative_liver_resection(assess):
    recommendation = assess(liver=METS, primary={"resected": True, "margin": "R2"}).recommendation("liver_resection")
    assert recommendation.verdict == "consider"
    assert recommendation.why.startswith("Primary resected R2: macroscopic residual disease remains")


@pytest.mark.parametrize(
    ("extrahepatic", "why"),
    [
        ({"perihilar_nodes_only": True, "progressive": True}, "Progressive extrahepatic disease: curative-intent"),
        ({"peritoneal": True, "pci": 24}, "Peritoneal carcinomatosis with PCI 24: a complete cytoreduction"),
    ],
)
def test_curative_liver_resection_needs_stable_and_completely_resectable_disease_outside_the_liver(
    assess, extrahepatic, why
):
    """Table II Stage IV line 1: "In cases of stable disease with limited hepatic metastasis"; ref 81: PCI <20."""
    recommendation = assess(liver=METS, extrahepatic=extrahepatic).recommendation("liver_resection")
    assert recommendation.verdict == "not_recommended"
    assert recommendation.why.startswith(why)


def test_a_refused_liver_resection_leads_with_its_objection_not_with_an_eligibility(assess):
    recommendation = assess(liver={**METS, "resectable_percent": 60}).recommendation("liver_resection")
    assert recommendation.verdict == "not_recommended"
    assert recommendation.why.startswith("Only 60% of the liver tumour burden is resectable")
    assert recommendation.reasons.index("Grade G1: meets criterion iv (G1/G2) (refs 10, 54).") > 0


def test_a_recommended_liver_resection_names_what_could_still_change_it(assess):
    recommendation = assess(liver=METS, patient={"ecog": None}).recommendation("liver_resection")
    assert recommendation.verdict == "recommended"
    assert [item.field for item in recommendation.to_confirm] == ["patient.ecog"]


def test_fully_resectable_bilateral_disease_is_offered_as_cytoreduction_not_cure(assess):
    """Pattern III: "Surgery is only rarely indicated (16)"; criterion viii: "R1/R2 in terms of cytoreductive
    surgery". Liver resection points to debulking, so debulking must not point back."""
    result = assess(liver={**METS, "lesions": 6, "bilobar": True, "resectable_percent": 100})
    assert result.recommendation("liver_resection").verdict == "not_recommended"
    assert result.recommendation("liver_debulking").verdict == "consider"
    assert result.recommendation("tae_tace").verdict == "consider"  # surgery is still to be considered


def test_liver_resection_with_peritoneal_disease_is_debated_and_embolisation_waits(assess):
    result = assess(liver=METS, extrahepatic={"peritoneal": True, "pci": 10})
    assert result.recommendation("liver_resection").verdict == "consider"
    assert result.recommendation("peritoneal_cytoreduction").verdict == "consider"
    assert result.recommendation("hipec").verdict == "not_recommended"
    assert result.recommendation("tae_tace").verdict == "consider"
    assert result.recommendation("liver_transplant").verdict == "not_recommended"
