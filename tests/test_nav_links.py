"""The nav bar's links, reversed once per process (cases.links.fixed_url): the same URLs as Django's `{% url %}`,
per role, and under the script prefix of each request (an app served below a path, e.g. /mdt/)."""

import re

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

pytestmark = pytest.mark.django_db

NAV = {
    "Dashboard": "dashboard",
    "Patients": "patients:patient_list",
    "Cases": "patients:case_list",
    "Meetings": "meetings:list",
    "Follow-up": "meetings:follow_up",
    "Board figures": "reports:board",
    "Access log": "audit:access_log",
    "Users and sessions": "audit:users",
    "Record integrity": "reports:integrity",
}


def nav_links(html: str) -> dict[str, str]:
    nav = html[html.index('<nav class="navbar') : html.index("</nav>")]
    return {text: href for href, text in re.findall(r'<a class="nav-link[^"]*" href="([^"]*)"[^>]*>([^<]+)</a>', nav)}


@pytest.mark.parametrize("role", ["coordinator", "clinician", "chair", "viewer", "auditor"])
def test_each_nav_link_is_the_url_django_reverses(client, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    links = nav_links(client.get("/", follow=True).content.decode())
    assert links and set(links) <= set(NAV)
    assert all(href == reverse(NAV[text]) for text, href in links.items()), links


def below_mdt(client) -> str:
    """The dashboard as a server below /mdt/ gives it (WSGIHandler sets each request's prefix from SCRIPT_NAME;
    the test client leaves it as it is)."""
    before = get_script_prefix()
    set_script_prefix("/mdt/")
    try:
        return client.get("/").content.decode()
    finally:
        set_script_prefix(before)


def test_the_nav_links_follow_the_script_prefix_of_each_request(client, coordinator):
    client.force_login(coordinator)
    plain = nav_links(client.get("/").content.decode())
    below = below_mdt(client)
    again = nav_links(client.get("/").content.decode())
    assert plain["Cases"] == "/cases/" and nav_links(below)["Cases"] == "/mdt/cases/" and again == plain
    assert 'action="/mdt/accounts/logout/"' in below
    assert 'action="/accounts/logout/"' in client.get("/").content.decode()
