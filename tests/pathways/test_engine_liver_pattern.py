"""Intrahepatic patterns of ref 54 (Liver Metastases): I single, II dominant + bilobar small, III bilateral."""

import pytest


@pytest.mark.parametrize(
    ("lesions", "bilobar", "dominant", "pattern"),
    [
        (1, False, False, "I"),
        (1, True, False, "I"),  # one metastasis irrespective of size
        (4, True, True, "II"),
        (20, True, False, "III"),
        (3, False, False, None),  # one lobe: outside the three patterns
        (3, None, False, None),
        (3, True, None, None),
    ],
)
def test_liver_pattern_follows_ref_54(assess, liver, lesions, bilobar, dominant, pattern):
    result = assess(liver=liver(lesions=lesions, bilobar=bilobar, dominant_lesion=dominant))
    assert result.liver_pattern == pattern


def test_no_liver_metastases_have_no_pattern(assess):
    assert assess().liver_pattern is None


def test_several_lesions_in_one_lobe_say_resectability_decides(assess, liver):
    notes = " ".join(assess(liver=liver(lesions=3, bilobar=False)).notes)
    assert "outside the seed's three patterns" in notes
    assert "resectability decides" in notes


@pytest.mark.parametrize(
    ("changes", "phrase"),
    [
        ({"lesions": None}, "number of liver lesions not recorded"),
        ({"bilobar": None}, "whether both lobes are involved is not recorded"),
        ({"bilobar": True, "dominant_lesion": None}, "whether one lesion dominates"),
    ],
)
def test_an_undetermined_pattern_names_the_unknown_fact(assess, liver, changes, phrase):
    result = assess(liver=liver(**changes))
    assert result.liver_pattern is None
    assert any(phrase in note for note in result.notes)
