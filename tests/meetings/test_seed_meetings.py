"""`manage.py seed_demo` also creates a closed meeting with signed decisions (one amended) and an upcoming one."""

import pytest
from django.core.management import call_command

from cases.meetings import services
from cases.meetings.demo import PAST_MEETING, UPCOMING_MEETING
from cases.meetings.models import (
    ActionProgress,
    AgendaItem,
    Attendance,
    DecidedOption,
    Decision,
    FollowUpAction,
    Meeting,
)
from cases.patients.models import Case

pytestmark = pytest.mark.django_db


def snapshot():
    rows = {}
    for model in (Meeting, AgendaItem, Attendance, Decision, FollowUpAction, DecidedOption, ActionProgress):
        rows[model.__name__] = list(model.objects.order_by("pk").values())
    rows["case statuses"] = list(Case.objects.order_by("pk").values_list("pk", "status"))
    return rows


def test_seed_demo_creates_a_past_and_an_upcoming_meeting():
    call_command("seed_demo")
    past = Meeting.objects.get(public_id=PAST_MEETING)
    upcoming = Meeting.objects.get(public_id=UPCOMING_MEETING)
    assert past.status == "closed"
    assert upcoming.status == "planned"
    assert past.scheduled_at < upcoming.scheduled_at
    decisions = Decision.objects.filter(agenda_item__meeting=past)
    assert decisions.count() == 4
    assert all(d.status == "signed" and services.verify(d) for d in decisions)
    amendment = decisions.get(version=2)
    assert amendment.amends.version == 1
    assert amendment.agenda_item.case.patient.hospital_number == "DEMO-0004"
    assert any(o["outcome"] == "modify" and o["reason"] for o in amendment.outcomes)
    assert upcoming.agenda_items.count() == 5
    assert not Decision.objects.filter(agenda_item__meeting=upcoming).exists()
    statuses = dict(Case.objects.values_list("patient__hospital_number", "status"))
    assert statuses["DEMO-0002"] == "discussed"
    assert statuses["DEMO-0003"] == "ready"  # to be re-discussed with the histology


def test_seed_demo_run_twice_leaves_the_same_meeting_rows():
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
