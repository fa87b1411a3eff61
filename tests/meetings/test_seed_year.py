"""`manage.py seed_demo` holds a year of past board meetings through the app's services, so that the follow-up
worklist and the board's figures show something true on first run; a second run adds nothing."""

import itertools
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.meetings import services, tracking
from cases.meetings.demo_year import meeting_id
from cases.meetings.models import (
    ActionProgress,
    AgendaItem,
    DecidedOption,
    Decision,
    ItemClosing,
    Meeting,
    MeetingStatus,
)
from cases.meetings.quorum import quorum
from cases.pathways.guideline_versions import active_quorum

pytestmark = pytest.mark.django_db


def year_meetings(n: int) -> list[Meeting]:
    return list(Meeting.objects.filter(public_id__in=[meeting_id(k) for k in range(n)]).order_by("scheduled_at"))


def test_a_year_of_fortnightly_meetings_with_realistic_outcomes(monkeypatch, capsys):
    monkeypatch.setattr("cases.meetings.demo_year.MEETINGS", 26)
    call_command("seed_demo")
    assert "A year of past board meetings: 26 held" in capsys.readouterr().out
    meetings = year_meetings(26)
    assert len(meetings) == 26
    assert all(m.status == MeetingStatus.CLOSED for m in meetings)
    gaps = {(b.scheduled_at - a.scheduled_at).days for a, b in itertools.pairwise(meetings)}
    assert gaps == {14}
    assert timezone.now() - meetings[0].scheduled_at > timedelta(days=360)
    assert all(3 <= m.agenda_items.count() <= 8 for m in meetings)

    items = AgendaItem.objects.filter(meeting__in=meetings)
    closings = Counter(items.values_list("closing", flat=True))
    assert closings[ItemClosing.DEFERRED] > 0 and closings[ItemClosing.NOT_DISCUSSED] > 0
    for item in items.filter(closing=ItemClosing.DEFERRED):  # on the next meeting's agenda, and settled there
        later = AgendaItem.objects.get(meeting=item.deferred_to, case=item.case)
        assert later.decisions.filter(status="signed").exists() or later.closing
    decided = items.filter(closing="")
    assert not decided.filter(discussion_seconds__isnull=True).exists()
    assert not decided.filter(workup_complete__isnull=True).exists()
    required = active_quorum()
    assert any(not quorum(list(m.attendances.all()), required).met for m in meetings)

    decisions = Decision.objects.filter(agenda_item__meeting__in=meetings)
    assert decisions.filter(version=2).exists()  # amended ones
    assert all(d.status == "signed" and services.verify(d) for d in decisions)

    rows = DecidedOption.objects.filter(current=True, meeting__in=meetings)
    departures = rows.filter(departure=True)
    assert departures.exists() and not departures.filter(board_reason="").exists()
    planned = rows.exclude(status="")
    statuses = Counter(planned.values_list("status", flat=True))
    followed = statuses["done"] + statuses["not_done"] + statuses["changed"]
    assert statuses["done"] > 0.8 * followed
    assert 0.05 <= (statuses["not_done"] + statuses["changed"]) / followed <= 0.12
    causes = Counter(planned.filter(status="not_done").values_list("cause", flat=True))
    assert causes.most_common(1)[0][0] == "patient_choice"
    today = timezone.localdate()
    worklist = tracking.open_treatments(today)
    assert worklist.filter(status="planned").exists()  # overdue
    assert worklist.filter(status="done", happened_on__isnull=True).exists()  # undated
    assert ActionProgress.objects.exists() and tracking.overdue_actions(today).exists()


def snapshot() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Meeting, AgendaItem, Decision, DecidedOption, ActionProgress)
    }


def test_a_second_run_adds_nothing_and_changes_nothing(capsys):
    call_command("seed_demo")
    assert "A year of past board meetings: 3 held" in capsys.readouterr().out
    first = snapshot()
    call_command("seed_demo")
    assert "A year of past board meetings" not in capsys.readouterr().out
    assert snapshot() == first
