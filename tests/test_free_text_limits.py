"""Nothing typed is cut off: no maxlength for the browser to truncate a paste with, the server's limit with a
message saying by how much, the text kept in the field, and a counter that counts as the server does."""

import re

import pytest
from django.urls import reverse

from cases.meetings.models import Decision
from tests.meetings.factories import add_item, decision_post, make_meeting, present_url, save_url, signed
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


def test_no_page_with_a_form_puts_a_maxlength_on_any_field(client, chair, clinician):
    meeting = make_meeting(chair)
    item = add_item(meeting)
    done = add_item(meeting)
    signed(done, clinician, chair)
    case = item.case
    client.force_login(chair)
    pages = [
        reverse("patients:patient_create"),
        reverse("patients:patient_edit", args=[case.patient.public_id]),
        reverse("patients:case_create", args=[case.patient.public_id]),
        reverse("patients:case_edit", args=[case.public_id]),
        reverse("pathways:step", kwargs={"public_id": case.public_id, "slug": "imaging"}),
        reverse("meetings:create"),
        meeting.get_absolute_url(),
        present_url(item),  # the decision form
        present_url(done),  # the amendment form
        reverse("password_change"),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "<form" in page, url
        assert "maxlength" not in page.lower(), url


def test_a_plan_longer_than_the_limit_is_refused_saying_by_how_much_and_kept(client, chair):
    item = add_item(make_meeting(chair))
    plan = "Resect the primary; debulk liver; " + "x" * 5966  # 6,000 characters
    client.force_login(chair)
    response = client.post(save_url(item), decision_post(item, plan=plan))
    assert response.status_code == 422
    (error,) = response.context["form"].errors["plan"]
    assert error == (
        "Plan: 6,000 characters, 1,000 more than the 5,000 allowed. Shorten it: nothing was saved, and your text "
        "is still in the field."
    )
    page = response.content.decode()
    textarea = re.search(r'<textarea name="plan"[^>]*>\n?(.*?)</textarea>', page, re.DOTALL)
    assert textarea.group(1) == plan  # every character, none cut
    assert "<span data-count>6000</span> / 5000 characters<span data-count-over>: 1000 too many</span>" in page
    assert not Decision.objects.filter(agenda_item=item).exists()


def test_line_breaks_count_once_as_the_counter_counts_them(client, chair):
    item = add_item(make_meeting(chair))
    plan = "\r\n".join(["y" * 249] * 20)  # 4,980 characters and 19 line breaks: 5,018 as sent, 4,999 as counted
    client.force_login(chair)
    assert client.post(save_url(item), decision_post(item, plan=plan)).status_code == 303
    assert Decision.objects.get(agenda_item=item).plan == plan.replace("\r\n", "\n")


def test_the_question_for_the_board_is_limited_on_the_server_with_its_counter(client, coordinator):
    case = make_case(**STAGE_IV)
    client.force_login(coordinator)
    url = reverse("patients:case_edit", args=[case.public_id])
    page = client.get(url).content.decode()
    assert 'id="id_question_count" data-count-for="id_question" data-limit="2000"' in page
    data = {"referral_date": "2026-10-01", "referring_clinician": "Dr R", "question": "?" * 2001, "status": "draft"}
    response = client.post(url, data)
    assert response.status_code == 422
    assert (
        response.context["form"]
        .errors["question"][0]
        .startswith("Question for the board: 2,001 characters, 1 more than the 2,000 allowed.")
    )
