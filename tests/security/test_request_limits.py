"""Oversized and malformed requests get a clear 4xx, never a 500, and change nothing."""

import pytest
from django.urls import reverse

from tests.patients.factories import make_case
from tests.security.hostile import snapshot

pytestmark = pytest.mark.django_db


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(client, coordinator, settings):
    client.force_login(coordinator)
    before = snapshot()
    response = client.post(reverse("patients:patient_create"), {"family_name": "x" * (settings.MAX_REQUEST_BODY + 1)})
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert snapshot() == before


def test_a_body_that_passes_the_limit_but_not_the_form_parser_gets_400(client, coordinator, settings):
    settings.MAX_REQUEST_BODY = 10 * 1024 * 1024  # let it past the first line, to the second
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    client.force_login(coordinator)
    response = client.post(reverse("patients:patient_create"), {"family_name": "x" * 100_000})
    assert response.status_code == 400


def test_too_many_fields_get_400(client, coordinator):
    client.force_login(coordinator)
    data = {f"field{n}": "x" for n in range(1500)}
    assert client.post(reverse("patients:patient_create"), data).status_code == 400


def test_a_content_length_that_is_not_a_number_gets_400(client, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("patients:patient_create"), {}, CONTENT_LENGTH="lots").status_code == 400


def test_a_huge_step_post_changes_nothing(client, clinician, settings):
    case = make_case()
    client.force_login(clinician)
    url = reverse("pathways:step", args=[case.public_id, "presentation"])
    big = {"version": case.version, "ecog": "9" * (settings.MAX_REQUEST_BODY + 10)}
    assert client.post(url, big).status_code == 413
    case.refresh_from_db()
    assert case.version == 1


def test_the_limit_leaves_room_for_the_largest_form(settings):
    # A decision: 10 follow-up actions of 300 + 200 characters, a plan of 5,000 and 17 reasons of 1,000.
    assert settings.MAX_REQUEST_BODY >= 10 * 500 + 5_000 + 17 * 1_000 + 10_000
