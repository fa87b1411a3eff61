"""Missing pre-operative work-up (Preoperative Care, ref 10; Figure 1)."""

import pytest

ALL_DONE = {
    "ct_or_mri": True,
    "sstr_imaging": True,
    "urine_5hiaa": True,
    "chromogranin_a": True,
    "echocardiogram": True,
    "nt_probnp": True,
    "histology": True,
    "fdg_pet": None,
}


def test_a_complete_work_up_misses_nothing(assess):
    assert assess(workup=ALL_DONE).missing_workup == ()


def test_the_basic_items_are_always_required_and_unknown_counts_as_missing(assess):
    workup = {**ALL_DONE, "ct_or_mri": False, "sstr_imaging": None, "histology": None}
    assert assess(workup=workup).missing_workup == ("ct_or_mri", "sstr_imaging", "histology")


def test_nothing_recorded_misses_the_basic_five_in_order(assess):
    workup = dict.fromkeys(ALL_DONE)
    heart = {"echo_done": None, "nt_probnp_pg_ml": None}
    assert assess(workup=workup, heart=heart).missing_workup == (
        "ct_or_mri", "sstr_imaging", "urine_5hiaa", "chromogranin_a", "histology"
    )  # fmt: skip


@pytest.mark.parametrize(
    "syndrome",
    [
        {"carcinoid_syndrome": True, "urine_5hiaa_elevated": False},
        {"carcinoid_syndrome": False, "urine_5hiaa_elevated": True},
    ],
)
def test_carcinoid_syndrome_or_raised_5hiaa_requires_cardiac_work_up(assess, syndrome):
    workup = {**ALL_DONE, "echocardiogram": None, "nt_probnp": None}
    heart = {"echo_done": None, "nt_probnp_pg_ml": None}
    assert assess(syndrome=syndrome, workup=workup, heart=heart).missing_workup == ("echocardiogram", "nt_probnp")


def test_cardiac_work_up_is_not_required_without_syndrome_or_raised_5hiaa(assess):
    workup = {**ALL_DONE, "echocardiogram": None, "nt_probnp": None}
    heart = {"echo_done": None, "nt_probnp_pg_ml": None}
    assert assess(workup=workup, heart=heart).missing_workup == ()


def test_a_recorded_echo_or_nt_probnp_value_counts_as_done(assess):
    workup = {**ALL_DONE, "echocardiogram": None, "nt_probnp": None}
    heart = {"echo_done": True, "nt_probnp_pg_ml": 450}
    result = assess(syndrome={"carcinoid_syndrome": True}, workup=workup, heart=heart)
    assert result.missing_workup == ()


def test_unknown_syndrome_notes_that_cardiac_work_up_may_be_needed(assess):
    result = assess(syndrome={"carcinoid_syndrome": None})
    assert any("echocardiogram and NT-proBNP are needed if either is positive" in n for n in result.notes)


@pytest.mark.parametrize(
    ("pathology", "missing"),
    [
        ({"ki67_percent": 25}, ("fdg_pet",)),
        ({"differentiation": "poor"}, ("fdg_pet",)),
        ({"ki67_percent": 15}, ()),
    ],
)
def test_fdg_pet_is_required_for_g3_and_nec_only(assess, pathology, missing):
    assert assess(pathology=pathology).missing_workup == missing


def test_a_done_fdg_pet_is_not_missing_for_nec(assess):
    result = assess(pathology={"differentiation": "poor"}, workup={**ALL_DONE, "fdg_pet": True})
    assert result.missing_workup == ()


def test_missing_items_keep_their_fixed_order(assess):
    workup = {**ALL_DONE, "histology": False, "ct_or_mri": False, "echocardiogram": None, "nt_probnp": None}
    heart = {"echo_done": None, "nt_probnp_pg_ml": None}
    result = assess(
        workup=workup, heart=heart, syndrome={"carcinoid_syndrome": True}, pathology={"differentiation": "poor"}
    )
    assert result.missing_workup == ("ct_or_mri", "histology", "echocardiogram", "nt_probnp", "fdg_pet")
