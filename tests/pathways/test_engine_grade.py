"""WHO 2019 grading: Ki-67 and mitotic count, the higher decides; poorly differentiated or small cell = NEC."""

import pytest

from cases.pathways.engine import Guideline


@pytest.mark.parametrize(
    ("ki67", "expected"),
    [(0, "G1"), (2.9, "G1"), (3, "G2"), (12, "G2"), (20, "G2"), (20.1, "G3"), (55, "G3")],
)
def test_ki67_alone_grades_at_the_who_boundaries(assess, ki67, expected):
    assert assess(pathology={"ki67_percent": ki67, "mitoses_per_2mm2": None}).grade == expected


@pytest.mark.parametrize(
    ("mitoses", "expected"),
    [(0, "G1"), (1, "G1"), (1.9, "G1"), (2, "G2"), (20, "G2"), (21, "G3")],
)
def test_mitoses_alone_grade_at_the_who_boundaries(assess, mitoses, expected):
    assert assess(pathology={"ki67_percent": None, "mitoses_per_2mm2": mitoses}).grade == expected


@pytest.mark.parametrize(
    ("ki67", "mitoses", "expected"),
    [(1, 1, "G1"), (1, 5, "G2"), (5, 1, "G2"), (15, 25, "G3"), (25, 1, "G3")],
)
def test_the_higher_of_the_two_indices_decides(assess, ki67, mitoses, expected):
    assert assess(pathology={"ki67_percent": ki67, "mitoses_per_2mm2": mitoses}).grade == expected


@pytest.mark.parametrize(
    "pathology",
    [
        {"differentiation": "poor", "ki67_percent": 60},
        {"differentiation": "poor", "small_cell": True},
        {"differentiation": None, "small_cell": True},
    ],
)
def test_poorly_differentiated_or_small_cell_is_nec(assess, pathology):
    assert assess(pathology=pathology).grade == "NEC"


def test_an_nec_with_a_low_ki67_asks_the_pathologist_to_confirm(assess):
    result = assess(pathology={"differentiation": "poor", "ki67_percent": 15})
    assert result.grade == "NEC"
    assert any("pathologist should confirm" in note for note in result.notes)


def test_no_index_recorded_leaves_the_grade_empty(assess):
    result = assess(pathology={"ki67_percent": None, "mitoses_per_2mm2": None})
    assert result.grade is None
    assert any("neither Ki-67 nor mitotic count" in note for note in result.notes)


def test_a_grade_from_one_index_says_which_is_missing(assess):
    notes = " ".join(assess(pathology={"ki67_percent": 5, "mitoses_per_2mm2": None}).notes)
    assert "mitotic count not recorded" in notes


def test_unknown_differentiation_grades_from_indices_but_cannot_exclude_nec(assess):
    result = assess(pathology={"differentiation": None, "ki67_percent": 5})
    assert result.grade == "G2"
    assert any("cannot be excluded" in note for note in result.notes)


def test_a_well_differentiated_g3_is_called_a_net_not_an_nec(assess):
    result = assess(pathology={"ki67_percent": 30})
    assert result.grade == "G3"
    assert any("Well-differentiated G3 NET" in note for note in result.notes)


def test_grade_thresholds_are_guideline_parameters(assess):
    guideline = Guideline(grade_g2_min_ki67=2.0, grade_g3_above_ki67=15.0)
    assert assess(guideline, pathology={"ki67_percent": 2.5, "mitoses_per_2mm2": None}).grade == "G2"
    assert assess(guideline, pathology={"ki67_percent": 16, "mitoses_per_2mm2": None}).grade == "G3"
