"""Oversized, unmeasured and malformed requests get a clear 4xx, never a 500, and change nothing.

Chunked bodies are tested twice: through Django's test client, and as raw HTTP/1.1 bytes sent to a real
runserver and gunicorn on loopback, because what reaches Django depends on the server.
"""

import re

import pytest
from django.urls import reverse

from tests.patients.factories import make_case
from tests.security import servers
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


# --- bodies without a length (Transfer-Encoding: chunked) --------------------------------------------------

CHUNKED_SEARCH = b"5\r\nq=Doe\r\n0\r\n\r\n"


def chunked(client, url: str, body: bytes):
    """POST BODY as a server hands a chunked request to Django: no Content-Length, Transfer-Encoding set."""
    return client.generic(
        "POST",
        url,
        body,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )


def test_a_chunked_search_is_refused_with_411_not_answered_unfiltered(client, coordinator):
    make_case()
    client.force_login(coordinator)
    response = chunked(client, reverse("patients:patient_list"), CHUNKED_SEARCH)
    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()


def test_a_chunked_form_post_is_refused_and_saves_nothing(client, coordinator):
    client.force_login(coordinator)
    before = snapshot()
    body = b"family_name=Doe&given_name=Jo&hospital_number=H1&date_of_birth=1960-01-01&sex=female"
    response = chunked(client, reverse("patients:patient_create"), body)
    assert response.status_code == 411
    assert snapshot() == before


@pytest.fixture(scope="module")
def server_database(tmp_path_factory):
    return servers.migrated_sqlite(tmp_path_factory.mktemp("server") / "db.sqlite3")


def chunked_request(path: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
    ).encode()


# A request hidden in the body: a server that ignored the body would read it as a second request.
SMUGGLED = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
STATUS_LINE = re.compile(rb"(?:^|\r\n)HTTP/1\.[01] (\d{3}) ")


@pytest.mark.parametrize("kind", ["runserver", "gunicorn"])
def test_a_real_server_refuses_chunked_bodies_with_411_and_never_reads_them_as_requests(kind, server_database):
    with servers.serving(kind, server_database) as port:
        small = servers.exchange(
            port, chunked_request("/patients/"), [b"%x\r\n" % len(SMUGGLED) + SMUGGLED + b"\r\n0\r\n\r\n"]
        )
        assert STATUS_LINE.findall(small) == [b"411"], small[:300]
        assert b"send it with a Content-Length" in small

        megabytes = [b"10000\r\n" + b"x" * 0x10000 + b"\r\n"] * 32 + [b"0\r\n\r\n"]  # 2 MiB
        large = servers.exchange(port, chunked_request("/accounts/login/"), megabytes)
        assert STATUS_LINE.findall(large) == [b"411"], large[:300]

        status, _, body = servers.http_get(port, "/healthz")
        assert status == 200, body
