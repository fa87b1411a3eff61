"""The board's figures (cases/reports/kpis.py) equal a hand count over a quarter of fixture data
(tests/reports/board.py says what is in it), and the cases behind each figure are the ones counted."""

from datetime import date

import pytest

from cases.meetings import tracking
from cases.meetings.models import DecidedOption
from cases.pathways.guideline_versions import active_guideline
from cases.reports import kpis
from tests.meetings.factories import RECOMMENDED
from tests.reports.board import OLD, QUORUM, TODAY, build

pytestmark = pytest.mark.django_db
Q3 = kpis.quarter(2026, 3)


@pytest.fixture
def board(clinician, chair):
    return build(clinician, chair)


def figures(period=Q3) -> kpis.Figures:
    return kpis.board_figures(period, QUORUM, TODAY)


def planned(decision) -> int:
    return sum(1 for o in decision.outcomes if o["outcome"] != "reject")


def test_it_counts_the_cases_listed_discussed_deferred_and_not_discussed_of_the_quarter(board):
    f = figures()
    assert [row.meeting for row in f.meetings] == [board["a"], board["b"]]  # not the planned one, not Q4's
    assert (f.items["listed"], f.items["discussed"], f.items["deferred"], f.items["not_discussed"]) == (6, 4, 1, 1)
    a, b = f.meetings
    assert (a.counts["listed"], a.counts["discussed"], a.counts["deferred"], a.counts["not_discussed"]) == (4, 2, 1, 1)
    assert (b.counts["listed"], b.counts["discussed"]) == (2, 2)


def test_the_work_up_share_counts_only_the_items_whose_readiness_is_known(board):
    f = figures()
    assert (f.items["readiness_known"], f.items["ready"]) == (4, 1)  # b1's case had every work-up item
    assert f.workup_rate == pytest.approx(1 / 4)


def test_quorum_is_met_where_every_required_specialty_has_a_member_present(board):
    a, b = figures().meetings
    assert (a.quorum_met, a.quorum_present) == (True, 5)
    assert (b.quorum_met, b.quorum_present) == (False, 4)  # the surgeon was marked absent


def test_minutes_per_case_are_the_nearest_rank_median_and_p90(board):
    f = figures()
    # 120, 200, 300, 400 s: median rank ceil(4/2) = 2 -> 200; p90 rank ceil(3.6) = 4 -> 400.
    assert (f.median_seconds, f.p90_seconds) == (200, 400)
    a, b = f.meetings
    assert (a.median_seconds, b.median_seconds) == (120, 200)


def test_referral_to_first_decision_leaves_out_a_case_decided_before(board):
    # a1 14 days, a2 30 days, b1 19 days; b2 is a1's case again.
    assert figures().referral == kpis.Interval(count=3, median=19, p90=30)


def test_decision_to_treatment_takes_the_first_treatment_done_of_the_current_decision(board):
    # a1: 15 July -> 29 July (14 days); b1's amendment: 20 August -> 19 September (30 days).
    assert figures().treatment == kpis.Interval(count=2, median=14, p90=30)


def test_an_amended_decision_counts_once(board):
    f = figures()
    current = [board["d_a1"], board["d_a2"], board["amendment"], board["d_b2"]]
    assert f.options["decided"] == sum(len(d.outcomes) for d in current)
    assert DecidedOption.objects.filter(decision=board["original"]).exists()  # kept, but no longer current


def test_concordance_counts_each_departure_against_the_verdict_the_board_saw(board):
    f = figures()
    by_code = {row["code"]: row for row in f.concordance}
    assert by_code[RECOMMENDED]["departed"] == 1  # a2 rejected the recommended resection
    assert by_code["rfa"]["departed"] == 1  # b2 accepted RFA, not recommended under the older version
    assert sum(row["departed"] for row in f.concordance) == f.options["departed"] == 2
    assert all(row["decided"] == 4 for row in f.concordance)
    assert f.options["matched"] == f.options["decided"] - 2
    current_version = active_guideline().version
    assert [(d["code"], d["engine_verdict"], d["outcome"], d["guideline_version"], d["n"]) for d in f.departures] == [
        (RECOMMENDED, "recommended", "reject", current_version, 1),
        ("rfa", "not_recommended", "accept", OLD, 1),
    ]


def test_implementation_rate_and_reasons_not_implemented(board):
    f = figures()
    not_done = planned(board["d_a2"])
    assert (f.options["done"], f.options["not_done"], f.options["changed"]) == (2, not_done, 0)
    assert f.implementation_rate == pytest.approx(2 / (2 + not_done))
    assert [(c["cause"], c["not_done"], c["n"]) for c in f.causes] == [("patient_choice", not_done, not_done)]


def test_overdue_actions_are_those_of_the_current_decisions(board):
    # a1's action and the amendment's copy of b1's: the superseded original's does not count.
    assert figures().overdue == 2
    assert kpis.board_figures(Q3, QUORUM, date(2026, 8, 1)).overdue == 0  # due that day: not yet overdue


def test_an_action_marked_done_on_the_worklist_is_no_longer_overdue(board, chair):
    action = kpis.overdue_actions(Q3, TODAY).get(decision__agenda_item=board["a1"])
    tracking.mark_action_done(action, date(2026, 8, 20), chair, today=TODAY)
    assert figures().overdue == 1


def test_a_period_without_meetings_has_zeros_and_no_medians(board):
    f = figures(kpis.quarter(2025, 1))
    assert f.meetings == [] and f.items["listed"] == 0 and f.options["decided"] == 0
    assert (f.median_seconds, f.referral.median, f.treatment.p90, f.implementation_rate) == (None, None, None, None)
    assert f.overdue == 0 and f.concordance == [] and f.causes == []


def test_the_year_holds_its_quarters(board):
    f = figures(kpis.year(2026))
    assert [row.meeting for row in f.meetings] == [board["a"], board["b"], board["d"]]
    assert f.items["listed"] == 7


@pytest.mark.parametrize("period", [Q3, kpis.quarter(2026, 4), kpis.year(2026), kpis.quarter(2025, 1)])
def test_the_totals_summed_from_groups_equal_a_count_of_the_rows_behind_them(board, period):
    # The period's totals are summed from per-meeting and per-option groups: each must equal a plain count of its
    # rows with the drill-down's condition (an amended decision once, older guideline versions, no meetings).
    f = figures(period)
    items = kpis.items_of(period)
    assert f.items == {name: items.filter(kpis.item_condition(name, period)).count() for name in kpis.ITEM}
    options = kpis.options_of(period)
    assert f.options == {name: options.filter(kpis.option_condition(name)).count() for name in kpis.OPTION}
    for row in f.concordance:
        per_code = options.filter(code=row["code"])
        assert {name: row[name] for name in kpis.OPTION} == {
            name: per_code.filter(kpis.option_condition(name)).count() for name in kpis.OPTION
        }
        assert (row["accept"], row["modify"], row["reject"]) == tuple(
            per_code.filter(outcome=outcome).count() for outcome in ("accept", "modify", "reject")
        )
    assert sum(d["n"] for d in f.departures) == f.options["departed"]
    assert sum(c["n"] for c in f.causes) == f.options["not_done"] + f.options["changed"]


@pytest.mark.parametrize(
    ("figure", "extra", "expected"),
    [
        ("listed", {}, ["a1", "a2", "a3", "a4", "b1", "b2"]),
        ("deferred", {}, ["a3"]),
        ("not_discussed", {}, ["a4"]),
        ("first_decision", {}, ["a1", "a2", "b1"]),
        ("treated", {}, ["a1", "b1"]),
        ("ready", {}, ["b1"]),
        ("departed", {"code": "rfa"}, ["b2"]),
        ("departed", {}, ["a2", "b2"]),
        ("not_done", {"cause": "patient_choice"}, ["a2"]),
        ("overdue", {}, ["a1", "b1"]),
    ],
)
def test_the_cases_behind_a_figure_are_the_ones_it_counts(board, figure, extra, expected):
    items = kpis.items_behind(figure, Q3, TODAY, **extra)
    names = {item.pk: name for name, item in board.items() if name in {"a1", "a2", "a3", "a4", "b1", "b2"}}
    assert sorted(names[pk] for pk in items.values_list("pk", flat=True)) == expected


def test_the_cases_behind_a_figure_of_one_meeting(board):
    items = kpis.items_behind("discussed", Q3, TODAY, meeting=board["b"])
    assert set(items) == {board["b1"], board["b2"]}


@pytest.mark.parametrize(("n", "median", "p90"), [(1, 1, 1), (2, 1, 2), (3, 2, 3), (10, 5, 9), (11, 6, 10)])
def test_nearest_rank(n, median, p90):
    assert (kpis.rank(kpis.MEDIAN, n), kpis.rank(kpis.P90, n)) == (median, p90)
