"""Logging in and out, and what an expired session does to an htmx request."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_clinician_logs_in_and_lands_on_the_dashboard(client, clinician):
    response = client.post(reverse("login"), {"username": "clinician", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert response.context["user"] == clinician
    assert b"Welcome, Clinician Tester" in response.content


def test_a_wrong_password_shows_a_clear_message_and_keeps_the_username(client, clinician):
    response = client.post(reverse("login"), {"username": "clinician", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert 'value="clinician"' in page
    assert "_auth_user_id" not in client.session


def test_a_username_longer_than_allowed_is_a_form_error_not_a_server_error(client, clinician):
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "a" * 300, "password": " "})
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters (it has 300)." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()  # nothing was tried, so nothing to count


def test_logout_ends_the_session(client, clinician):
    client.force_login(clinician)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_logout_by_get_is_refused_so_a_link_cannot_log_someone_out(client, clinician):
    client.force_login(clinician)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_the_dashboard_shows_the_users_name_and_role(client, chair):
    client.force_login(chair)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Chair Tester" in page
    assert "<strong>Chair</strong>" in page


def test_a_user_without_a_role_is_told_to_ask_for_one(client, no_role_user):
    client.force_login(no_role_user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Your account has no role yet" in page


def test_an_expired_session_gets_an_hx_redirect_back_to_the_page_not_a_login_fragment(client):
    response = client.get(
        reverse("dashboard"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/some/page/?step=3"},
    )
    assert response.status_code == 401
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/some/page/%3Fstep%3D3"
    assert response.content == b""


def test_an_hx_redirect_never_points_next_at_another_host(client):
    response = client.get(
        reverse("dashboard"),
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/steal"},
    )
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/"


def test_a_logged_in_user_opening_the_login_page_goes_to_the_dashboard(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_the_users_roles_come_with_the_user_in_one_query(client, make_user):
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.access import Role

    both = make_user("both", Role.CHAIR)
    both.groups.add(Group.objects.get_or_create(name=Role.CLINICIAN.value)[0])
    client.force_login(both)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    badges = page.content.decode().split('data-testid="current-user"')[1].split("</span>\n")[0]
    assert "Chair" in badges and "Clinician" in badges
    assert not [
        q
        for q in queries
        if 'FROM "auth_group"' in q["sql"] and "auth_user_groups" in q["sql"] and 'FROM "auth_user"' not in q["sql"]
    ]


def test_a_role_taken_away_counts_from_the_next_request(client, chair):
    client.force_login(chair)
    assert client.get(reverse("reports:integrity")).status_code == 200
    chair.groups.clear()
    assert client.get(reverse("reports:integrity")).status_code == 403
    assert "No role" in client.get(reverse("dashboard")).content.decode()
