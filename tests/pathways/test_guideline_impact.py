"""The impact preview of a guideline draft: the counts equal a hand count, a change that changes nothing says so,
it is computed as a background job and kept with the draft, it goes stale when the draft changes, and activating
the draft produces exactly the verdicts it previewed."""

import dataclasses

import pytest
from django.db import transaction

from cases.jobs.models import Job, JobKind, JobStatus
from cases.pathways import guideline_versions, impact
from cases.pathways.engine import RECOMMENDATION_CODES, FactsError, Guideline, evaluate, facts_from_dict
from cases.pathways.guideline_versions import (
    GuidelineLocked,
    activate_version,
    preview_state,
    save_draft,
    start_impact_preview,
)
from cases.pathways.models import GuidelineImpact, GuidelineImpactCase, GuidelineVersion
from cases.pathways.services import assess
from cases.pathways.tasks import compute_guideline_impact, preview_guidelines
from cases.patients.demo import DEMO_CASES
from cases.patients.models import Case, CaseStatus
from tests.pathways.impact_cases import BILOBAR_80, hand_counted_cases, make_draft, seed_version
from tests.patients.factories import make_case

pytestmark = pytest.mark.django_db

REC, CONSIDER, NOT_REC = "recommended", "consider", "not_recommended"


def matrix(result: dict, code: str) -> dict:
    """The option's transitions that happened at all: {(from, to): count}."""
    (option,) = [o for o in result["options"] if o["code"] == code]
    return {(a, b): n for a, row in option["matrix"].items() for b, n in row.items() if n}


def preview(draft, user) -> GuidelineImpact:
    job = start_impact_preview(draft, user, compute_guideline_impact)
    assert job.status == JobStatus.DONE  # tasks run at once in tests
    return GuidelineImpact.objects.get(public_id=job.subject_id)


def test_the_matrix_equals_the_hand_count(content_editor):
    cases = hand_counted_cases()
    result = preview(make_draft(content_editor), content_editor).result

    assert result["cases"] == {"open": 7, "assessed": 6, "not_assessable": 1, "changed": 2}
    assert matrix(result, "liver_debulking") == {(CONSIDER, NOT_REC): 2, (CONSIDER, CONSIDER): 1, (NOT_REC, NOT_REC): 3}
    for code in RECOMMENDATION_CODES:
        if code != "liver_debulking":
            transitions = matrix(result, code)
            assert all(a == b for a, b in transitions) and sum(transitions.values()) == 6, code
    assert all(result["staging"][item] == {"changed": 0, "transitions": []} for item in impact.STAGING)
    changed = set(GuidelineImpactCase.objects.values_list("case_id", flat=True))
    assert changed == {cases["bilobar_80"].pk, cases["bilobar_80_heart_unknown"].pk}


def test_closed_cases_are_not_counted(content_editor):
    hand_counted_cases()
    before = preview(make_draft(content_editor), content_editor).result
    make_case(**BILOBAR_80, status=CaseStatus.CLOSED)
    draft = GuidelineVersion.objects.get(name="local-2027-01")
    after = preview(draft, content_editor).result
    assert after["cases"] == before["cases"]
    assert matrix(after, "liver_debulking") == matrix(before, "liver_debulking")


def test_a_change_that_changes_no_verdict_gives_an_all_diagonal_matrix_and_says_no_change(content_editor):
    """The octreotide taper is said in the reasons of perioperative SSA; it decides no verdict."""
    hand_counted_cases()
    result = preview(make_draft(content_editor, ssa_taper_percent_per_day=40), content_editor).result

    assert result["cases"]["changed"] == 0
    for code in RECOMMENDATION_CODES:
        assert all(a == b for a, b in matrix(result, code)), code
    summary = impact.describe(result, {})
    assert summary.no_change and summary.changed_options == []
    assert not GuidelineImpactCase.objects.exists()


def test_a_staging_threshold_change_is_counted_as_stage_transitions(content_editor):
    """A 1.5 cm primary invading the submucosa with no nodes or metastases is T2, stage II, with the seed's T1
    limit of 1 cm; with a limit of 2 cm it is T1, stage I (Table I: T1 ≤ the limit and submucosa)."""
    make_case(
        primary_site="jejunum",
        primary_size_cm="1.5",
        primary_invasion="submucosa",
        positive_nodes=0,
        mesenteric_mass_cm="0",
        liver_lesions=0,
        peritoneal=False,
        extra_abdominal=False,
        perihilar_nodes_only=False,
    )
    result = preview(make_draft(content_editor, t1_max_size_cm=2), content_editor).result
    assert result["staging"]["t"]["transitions"] == [{"from": "T2", "to": "T1", "count": 1}]
    assert result["staging"]["stage"]["transitions"] == [{"from": "II", "to": "I", "count": 1}]
    assert result["cases"]["changed"] == 1


def test_the_preview_runs_as_a_job_and_is_kept_with_the_draft_and_the_exact_thresholds(content_editor):
    hand_counted_cases()
    draft = make_draft(content_editor)
    kept = preview(draft, content_editor)

    job = Job.objects.get(public_id=kept.job.public_id)
    assert job.kind == JobKind.GUIDELINE_IMPACT and job.requested_by == content_editor
    assert job.progress_done == job.progress_total == 7
    assert kept.version == draft and kept.baseline == seed_version()
    assert kept.version_thresholds == draft.thresholds() and kept.version_thresholds["debulking_min_percent"] == 95
    assert kept.baseline_thresholds == seed_version().thresholds()
    assert kept.finished_at is not None and preview_state(draft).is_current


def test_a_second_click_while_it_is_computed_returns_the_same_job(content_editor, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, never run here
    draft = make_draft(content_editor)
    first = start_impact_preview(draft, content_editor, compute_guideline_impact)
    second = start_impact_preview(draft, content_editor, compute_guideline_impact)
    assert first.pk == second.pk and GuidelineImpact.objects.count() == 1
    assert preview_state(draft).is_running


def test_only_a_draft_is_previewed(content_editor):
    with pytest.raises(GuidelineLocked):
        start_impact_preview(seed_version(), content_editor, compute_guideline_impact)
    assert not GuidelineImpact.objects.exists() and not Job.objects.exists()


def test_the_preview_goes_stale_when_the_draft_changes_and_not_when_only_its_notes_do(content_editor):
    hand_counted_cases()
    draft = make_draft(content_editor)
    preview(draft, content_editor)

    draft.notes = "Raised to 95 % after the board's discussion."
    save_draft(draft, content_editor)
    assert preview_state(draft).is_current

    draft.debulking_min_percent = 90
    save_draft(draft, content_editor)
    state = preview_state(draft)
    assert state.is_stale and state.why == ("The thresholds of local-2027-01 have changed since.",)


def test_the_preview_goes_stale_when_another_version_is_activated_meanwhile(content_editor):
    draft = make_draft(content_editor)
    preview(draft, content_editor)
    other = guideline_versions.clone_version(seed_version(), content_editor, name="other-2027")
    activate_version(other, content_editor)
    state = preview_state(draft)
    assert state.is_stale and "The version in force is now other-2027, not seed-2018-default." in state.why


def test_a_failed_computation_keeps_no_cases_and_says_so(content_editor, monkeypatch):
    hand_counted_cases()
    draft = make_draft(content_editor)
    calls = []
    counter = impact.decision_departures()

    def fails_on_the_second_range(cases, verdicts):
        calls.append(len(cases))
        if len(calls) == 2:
            raise RuntimeError("worker stopped")
        return counter(cases, verdicts)

    monkeypatch.setattr(impact, "RANGE_SIZE", 2)
    monkeypatch.setattr(impact, "decision_departures", lambda: fails_on_the_second_range)
    job = start_impact_preview(draft, content_editor, compute_guideline_impact)

    assert job.status == JobStatus.FAILED and len(calls) == 2
    assert preview_state(draft).is_failed
    # The first range's changed cases were written, then taken back with the failure.
    assert not GuidelineImpactCase.objects.exists()
    assert GuidelineImpact.objects.get().result is None


def test_only_the_newest_preview_of_a_draft_keeps_its_cases(content_editor):
    hand_counted_cases()
    draft = make_draft(content_editor)
    first = preview(draft, content_editor)
    second = preview(draft, content_editor)
    assert not GuidelineImpactCase.objects.filter(impact=first).exists()
    assert GuidelineImpactCase.objects.filter(impact=second).count() == 2
    assert first.result is not None  # its counts stay


def test_activation_produces_exactly_the_previewed_verdicts(content_editor):
    hand_counted_cases()
    draft = make_draft(content_editor)
    kept = preview(draft, content_editor)
    activate_version(draft, content_editor)

    # Re-evaluated with what is now in force, case by case, the verdicts are the previewed "to" column.
    to_counts = {code: {} for code in RECOMMENDATION_CODES}
    for case in impact.open_cases().select_related("patient"):
        result = assess(case)
        if result.assessment is None:
            continue
        assert result.assessment.guideline_version == "local-2027-01"
        for rec in result.assessment.recommendations:
            to_counts[rec.code][rec.verdict.value] = to_counts[rec.code].get(rec.verdict.value, 0) + 1
    for option in kept.result["options"]:
        previewed = {b: sum(row[b] for row in option["matrix"].values()) for b in option["matrix"]}
        assert {b: n for b, n in previewed.items() if n} == to_counts[option["code"]], option["code"]

    # And the whole matrix again, from the retired version to the one in force now, is identical.
    baseline, _ = preview_guidelines(kept)
    again = impact.compute(baseline, guideline_versions.active_guideline(), today=kept.finished_at.date())
    assert {k: v for k, v in again.to_json().items()} == {k: kept.result[k] for k in again.to_json()}


def test_activation_records_the_preview_it_was_made_with_in_the_history(content_editor):
    hand_counted_cases()
    draft = make_draft(content_editor)
    kept = preview(draft, content_editor)
    activate_version(draft, content_editor)
    kept.refresh_from_db()
    draft.refresh_from_db()

    assert kept.activated_with
    reason = draft.history.first().history_change_reason
    assert reason.startswith("Activated; impact preview of ") and reason.endswith(": 2 of 7 open cases change")
    assert preview_state(draft).preview == kept  # the version's page goes on showing it


def test_activating_a_draft_previewed_before_its_last_change_does_not_claim_that_preview(content_editor):
    draft = make_draft(content_editor)
    kept = preview(draft, content_editor)
    draft.debulking_min_percent = 90
    save_draft(draft, content_editor)
    activate_version(draft, content_editor)
    kept.refresh_from_db()
    assert not kept.activated_with
    assert GuidelineVersion.objects.get(pk=draft.pk).history.first().history_change_reason == "Activated"


def test_without_a_version_in_force_the_draft_is_compared_with_the_engines_defaults(content_editor):
    hand_counted_cases()
    draft = make_draft(content_editor)
    GuidelineVersion.objects.filter(pk=seed_version().pk).update(status="retired")
    kept = preview(draft, content_editor)
    assert kept.baseline is None and kept.baseline_name == Guideline().version
    assert matrix(kept.result, "liver_debulking")[(CONSIDER, NOT_REC)] == 2


@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_the_counts_do_not_depend_on_how_the_cases_are_cut_into_ranges(content_editor, size):
    hand_counted_cases()
    baseline, draft = seed_version().to_guideline(), make_draft(content_editor).to_guideline()
    whole = impact.compute(baseline, draft, today=Case.objects.first().referral_date, range_size=100).to_json()
    cut = impact.compute(baseline, draft, today=Case.objects.first().referral_date, range_size=size).to_json()
    assert cut == whole


def test_inside_a_transaction_the_preview_stays_in_one_process(content_editor):
    hand_counted_cases()
    with transaction.atomic():
        assert not impact.can_fork()
        counted = impact.compute(
            seed_version().to_guideline(),
            make_draft(content_editor).to_guideline(),
            today=Case.objects.first().referral_date,
            processes=2,
        )
    assert counted.to_json()["cases"]["open"] == 7
    assert not GuidelineImpactCase.objects.exists()


def assessable_facts() -> list:
    """The facts of the hand-counted cases and of the demo cases: every liver pattern, unknown facts too."""
    hand_counted_cases()
    for demo in DEMO_CASES:
        make_case(**demo["findings"])
    facts = []
    for case in impact.open_cases().select_related("patient"):
        try:
            facts.append(facts_from_dict(case.to_facts(case.referral_date)))
        except FactsError:
            continue
    return facts


def changed(value: float, factor: float) -> float:
    return type(value)(value * factor) if value else type(value)(factor)


@pytest.mark.parametrize("factor", [0.5, 2])
@pytest.mark.parametrize("name", sorted(impact.THRESHOLD_NAMES))
def test_skipping_the_draft_where_it_reads_no_changed_threshold_gives_what_evaluating_it_gives(name, factor):
    baseline = Guideline()
    draft = dataclasses.replace(baseline, version="draft", **{name: changed(getattr(baseline, name), factor)})
    both = impact.Both(baseline, draft)
    for facts in assessable_facts():
        with_baseline, with_draft = both(facts)
        assert with_baseline == evaluate(facts, baseline)
        assert dataclasses.replace(with_draft, guideline_version="draft") == evaluate(facts, draft), name


def test_the_draft_is_evaluated_only_for_the_cases_that_read_a_threshold_it_changes():
    facts = assessable_facts()
    both = impact.Both(Guideline(), Guideline(version="draft", debulking_min_percent=95))
    for one in facts:
        both(one)
    nothing_read = impact.Both(Guideline(), Guideline(version="same thresholds, another name"))
    for one in facts:
        nothing_read(one)
    assert 0 < both.draft_evaluations < len(facts)
    assert nothing_read.draft_evaluations == 0
