"""The meeting page's agenda rows are written by `{% agenda_row %}` (cases/meetings/templatetags/meeting_tags.py)
without the template engine: each row must be exactly what meetings/_agenda_row.html writes, whatever the
item's readiness, decision, presenter and place, for those who manage the agenda and those who do not."""

import pytest
from django.template import Context, Template

from cases.meetings.templatetags.meeting_tags import agenda_row, agenda_rows
from cases.meetings.views import assessed_items
from cases.patients.models import CaseStatus
from cases.people import display_name
from tests.meetings.factories import add_item, make_meeting, record
from tests.patients.factories import STAGE_IV, STAGE_IV_COMPLETE, make_case, make_patient

pytestmark = pytest.mark.django_db

INCLUDE = Template('{% include "meetings/_agenda_row.html" %}')


def test_each_row_is_written_exactly_as_its_template_writes_it(chair, clinician):
    meeting = make_meeting(chair)
    add_item(meeting, make_case(**STAGE_IV), presenter=clinician)  # work-up missing: flagged, listed
    add_item(meeting, make_case(status=CaseStatus.READY, **STAGE_IV_COMPLETE))  # ready, no presenter
    add_item(meeting, make_case(status=CaseStatus.DISCUSSED, **STAGE_IV_COMPLETE))
    odd = make_patient(family_name="o'Brien <Müller> & Co", given_name='"Anna"')
    add_item(meeting, make_case(patient=odd, question="Why? " * 60, **STAGE_IV))  # escaped, cut at 140
    # Combining accents: normalised (NFC) whether cut or not, and not counted as characters when cutting.
    add_item(meeting, make_case(question="Re\u0301se\u0301ction? " * 12, **STAGE_IV))  # 156 characters, 132 once NFC
    add_item(meeting, make_case(question="Re\u0301section<br>?", **STAGE_IV))
    record(meeting.agenda_items.order_by("position")[1], chair)  # a draft decision: no removal
    items = assessed_items(meeting, None)
    assert "Résection&lt;br&gt;?" in agenda_row(items[5], 6, False, True, False, "t")
    assert {item.readiness.state for item in items} >= {"missing", "ready", "discussed"}
    for number, item in enumerate(items, 1):
        for may_manage in (True, False):
            context = {
                "item": item, "number": number, "first": number == 1, "last": number == len(items),
                "may_manage": may_manage, "csrf_token": "a-token",
            }  # fmt: skip
            expected = INCLUDE.render(Context(context))
            assert agenda_row(**context) == expected, (number, may_manage)
    for may_manage in (True, False):  # the page writes them all with one tag
        rows = [agenda_row(item, n, n == 1, n == len(items), may_manage, "a-token") for n, item in enumerate(items, 1)]
        assert agenda_rows(items, may_manage, "a-token") == "".join(rows)
    assert "O&#x27;BRIEN &lt;MÜLLER&gt; &amp; CO" in agenda_row(items[3], 4, False, True, True, "t")


def test_the_meeting_page_lists_every_item_in_order(client, chair):
    meeting = make_meeting(chair)
    first, second = add_item(meeting), add_item(meeting)
    client.force_login(chair)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert page.index(f'data-item="{first.public_id}"') < page.index(f'data-item="{second.public_id}"')
    assert f'id="up-{first.public_id}" disabled' in page and f'id="down-{second.public_id}" disabled' in page


def test_presenters_are_named_whether_on_the_board_or_since_gone(client, chair, clinician, coordinator):
    # The page names presenters from the board's members it reads for its forms; one who has left is read too.
    meeting = make_meeting(chair)
    add_item(meeting, presenter=coordinator)
    add_item(meeting, presenter=clinician)
    clinician.groups.clear()  # no board role any more
    client.force_login(chair)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f"<td>{display_name(coordinator)}</td>" in page
    assert f"<td>{display_name(clinician)}</td>" in page
