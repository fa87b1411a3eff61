"""Liver transplantation: Mazzaferro (ref 78), ENETS/Pavel (ref 70), exclusions (ref 40), refs 75 and 79."""

import pytest

from cases.pathways.engine import Guideline

# A 45-year-old meeting every criterion: resected R0, G2 Ki-67 5%, bilobar unresectable metastases in 30% of
# the liver, stable 12 months, nothing outside the liver.
ELIGIBLE = {
    "patient": {"age": 45},
    "primary": {"resected": True, "margin": "R0", "symptomatic": False},
    "pathology": {"ki67_percent": 5},
    "liver": {
        "lesions": 20,
        "max_diameter_cm": 3.0,
        "bilobar": True,
        "involvement_percent": 30,
        "resectable_percent": 40,
        "stable_months": 12,
    },
}


def case(**changes):
    groups = {group: dict(values) for group, values in ELIGIBLE.items()}
    for group, values in changes.items():
        groups.setdefault(group, {}).update(values)
    return groups


def reasons(recommendation) -> str:
    return " ".join(recommendation.reasons)


def test_a_patient_meeting_every_criterion_is_recommended_for_a_specialised_centre(assess):
    recommendation = assess(**case()).recommendation("liver_transplant")
    assert recommendation.verdict == "recommended"
    assert "strictly selected patients at a specialised centre" in reasons(recommendation)


@pytest.mark.parametrize(
    ("changes", "verdict", "phrase"),
    [
        ({"pathology": {"ki67_percent": 9.9}}, "recommended", "Ki-67 9.9%: below 10%"),
        ({"pathology": {"ki67_percent": 10}}, "not_recommended", "Ki-67 10%: transplantation needs Ki-67 below 10%"),
        ({"pathology": {"ki67_percent": None}}, "consider", "Ki-67 not recorded"),
        ({"liver": {"involvement_percent": 49}}, "recommended", "49% of the liver involved: below 50%"),
        ({"liver": {"involvement_percent": 50}}, "not_recommended", "50% of the liver involved: transplantation"),
        ({"liver": {"involvement_percent": None}}, "consider", "Share of liver volume involved not recorded"),
        ({"liver": {"stable_months": 5}}, "not_recommended", "Stable for 5 months: transplantation needs at least 6"),
        ({"liver": {"stable_months": 6}}, "recommended", "Stable for 6 months: at least 6"),
        ({"liver": {"stable_months": None}}, "consider", "Duration of stable disease not recorded"),
        ({"patient": {"age": 49}}, "recommended", "Age 49: under 50"),
        ({"patient": {"age": 50}}, "consider", "Age 50: meets Mazzaferro (under 55) but not ENETS (under 50)"),
        ({"patient": {"age": 54}}, "consider", "Age 54: meets Mazzaferro"),
        ({"patient": {"age": 55}}, "consider", "Age 55: 55 or older is a relative contraindication"),
        ({"patient": {"age": None}}, "consider", "Age not recorded"),
        ({"pathology": {"small_cell": True, "differentiation": "poor"}}, "not_recommended", "Small cell tumour"),
        ({"pathology": {"ki67_percent": 25}}, "not_recommended", "Grade G3"),
        ({"pathology": {"differentiation": "poor"}}, "not_recommended", "Grade NEC"),
        ({"pathology": {"differentiation": None}}, "consider", "Differentiation not recorded"),
        ({"patient": {"major_comorbidity": True}}, "not_recommended", "Major comorbidity: excluded"),
        ({"primary": {"portal_venous_drainage": False}}, "not_recommended", "does not drain into the portal vein"),
        ({"primary": {"portal_venous_drainage": None}}, "consider", "Portal venous drainage of the primary not"),
        ({"extrahepatic": {"peritoneal": True, "pci": 3}}, "not_recommended", "Peritoneal disease: extrahepatic"),
        ({"extrahepatic": {"extra_abdominal": True}}, "not_recommended", "Extra-abdominal disease: extrahepatic"),
        ({"extrahepatic": {"perihilar_nodes_only": True}}, "consider", "Perihilar lymph nodes: excepted"),
        ({"heart": {"carcinoid_heart_disease": "mild"}}, "not_recommended", "Carcinoid heart disease (mild)"),
        ({"heart": {"carcinoid_heart_disease": "advanced"}}, "not_recommended", "Carcinoid heart disease (advanced)"),
        ({"heart": {"carcinoid_heart_disease": None}}, "consider", "Carcinoid heart disease not recorded"),
        ({"primary": {"resected": False, "margin": None}}, "not_recommended", "Primary not resected"),
        ({"primary": {"resected": True, "margin": "R1"}}, "consider", "R1 margin: Mazzaferro asks for a previous R0"),
        ({"primary": {"resected": True, "margin": "R2"}}, "not_recommended", "Primary resected R2: macroscopic"),
        ({"patient": {"ecog": 3}}, "not_recommended", "ECOG performance status 3: not fit for transplantation"),
        ({"heart": {"right_heart_failure": True}}, "not_recommended", "Right heart failure: excluded"),
        ({"primary": {"resected": True, "margin": None}}, "consider", "Margin of the primary resection not"),
        (
            {"primary": {"site": "unknown", "resected": False, "margin": None, "invasion": None, "size_cm": None}},
            "consider",
            "Primary not found: not an absolute contraindication, though both criteria sets ask for a previous "
            "resection (refs 79, 78)",
        ),
        ({"liver": {"resectable_percent": 100}}, "not_recommended", "transplantation is for unresectable metastases"),
        ({"liver": {"resectable_percent": None}}, "consider", "Resectability of the liver metastases not recorded"),
    ],
)
def test_liver_transplant_criteria(assess, changes, verdict, phrase):
    recommendation = assess(**case(**changes)).recommendation("liver_transplant")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


def test_every_exclusion_is_named_not_just_the_first(assess):
    changes = {"pathology": {"ki67_percent": 15}, "liver": {"involvement_percent": 60, "stable_months": 2}}
    text = reasons(assess(**case(**changes)).recommendation("liver_transplant"))
    for phrase in ("Ki-67 15%", "60% of the liver involved", "Stable for 2 months"):
        assert phrase in text


def test_transplant_is_not_applicable_without_liver_metastases(assess):
    assert assess().recommendation("liver_transplant").verdict == "not_recommended"


def test_transplant_thresholds_are_guideline_parameters(assess):
    guideline = Guideline(transplant_max_ki67=20, transplant_relative_age_limit=60, transplant_enets_age_limit=60)
    result = assess(guideline, **case(pathology={"ki67_percent": 12}, patient={"age": 57}))
    assert result.recommendation("liver_transplant").verdict == "recommended"


def test_r2_is_not_r1_for_transplantation(assess):
    """Mazzaferro iv: "absence or complete resection of extrahepatic lesions"; ENETS ii: no extrahepatic disease."""
    r1 = assess(**case(primary={"resected": True, "margin": "R1"})).recommendation("liver_transplant")
    r2 = assess(**case(primary={"resected": True, "margin": "R2"})).recommendation("liver_transplant")
    assert (r1.verdict, r2.verdict) == ("consider", "not_recommended")
    assert "(Mazzaferro iv) and no extrahepatic disease (ENETS ii)" in r2.why


def test_an_excluded_transplant_names_nothing_to_confirm_that_could_not_change_it(assess):
    recommendation = assess(**case(pathology={"ki67_percent": 15}, patient={"age": None})).recommendation(
        "liver_transplant"
    )
    assert recommendation.verdict == "not_recommended"
    assert recommendation.why.startswith("Ki-67 15%")
    assert recommendation.to_confirm == ()  # the age could not bring it back


def test_an_eligible_transplant_names_the_unknown_facts_that_could_exclude_it(assess):
    recommendation = assess(**case(primary={"portal_venous_drainage": None})).recommendation("liver_transplant")
    assert recommendation.verdict == "consider"
    assert [(item.field, item.label) for item in recommendation.to_confirm] == [
        ("primary.portal_venous_drainage", "portal venous drainage of the primary")
    ]
