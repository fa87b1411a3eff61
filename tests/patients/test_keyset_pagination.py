"""The case and patient lists page by keyset: every row once, in order, forwards and backwards, stable when
rows are added meanwhile, the same cost on the last page as on the first, and no name in a URL."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.patients.models import Case, Patient
from cases.patients.views import PAGE_SIZE
from tests.patients.factories import make_case, make_patient

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="\?([^"]*)">(First|Previous|Next|Last)<')
BUTTON = re.compile(r'name="(before|after|last|first)" value="([^"]*)">(First|Previous|Next|Last)<')


def links(html: str) -> dict[str, str]:
    return {label: "?" + query.replace("&amp;", "&") for query, label in LINK.findall(html)}


def case_ids(response) -> list:
    return [case.pk for case in response.context["page"].object_list]


@pytest.fixture
def many_cases():
    """60 cases on 7 referral days: many share a date, so the id must break the ties."""
    patient = make_patient()
    return [make_case(patient=patient, referral_date=date(2026, 9, 1) + timedelta(days=n % 7)) for n in range(60)]


def expected_case_order(cases=None) -> list:
    return list(Case.objects.order_by("-referral_date", "-id").values_list("pk", flat=True))


def walk(client, url: str, start: str, step: str) -> list:
    """Follow STEP links from START; return the ids of every page in the order shown."""
    pages, query = [], start
    while True:
        response = client.get(url + query)
        assert response.status_code == 200
        pages.append(case_ids(response))
        query = links(response.content.decode()).get(step)
        if query is None:
            return pages


def test_walking_the_case_list_forwards_shows_every_case_once_in_order(client, clinician, many_cases):
    client.force_login(clinician)
    pages = walk(client, reverse("patients:case_list"), "", "Next")
    assert [len(page) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 10]
    assert [pk for page in pages for pk in page] == expected_case_order()


def test_walking_backwards_from_the_last_page_shows_the_same_pages(client, clinician, many_cases):
    client.force_login(clinician)
    forwards = walk(client, reverse("patients:case_list"), "", "Next")
    backwards = walk(client, reverse("patients:case_list"), "?last=1", "Previous")
    assert backwards[0] == expected_case_order()[-PAGE_SIZE:]
    assert [pk for page in reversed(backwards) for pk in page] == [pk for page in forwards for pk in page]


def test_the_status_filter_is_kept_from_page_to_page(client, clinician, many_cases):
    for case in many_cases[:40]:
        Case.objects.filter(pk=case.pk).update(status="ready")
    client.force_login(clinician)
    pages = walk(client, reverse("patients:case_list"), "?status=ready", "Next")
    shown = [pk for page in pages for pk in page]
    assert shown == list(
        Case.objects.filter(status="ready").order_by("-referral_date", "-id").values_list("pk", flat=True)
    )
    assert len(shown) == 40


def test_cases_added_while_paging_neither_repeat_nor_hide_the_rows_after_the_cursor(client, clinician, many_cases):
    client.force_login(clinician)
    first = client.get(reverse("patients:case_list"))
    before = expected_case_order()
    # New referrals (they sort first) and old ones (they sort last) arrive before "Next" is clicked.
    patient = many_cases[0].patient
    newer = [make_case(patient=patient, referral_date=date(2026, 9, 30)).pk for _ in range(5)]
    older = [make_case(patient=patient, referral_date=date(2026, 1, 1)).pk for _ in range(5)]
    second = client.get(reverse("patients:case_list") + links(first.content.decode())["Next"])
    assert case_ids(second) == before[PAGE_SIZE : 2 * PAGE_SIZE]
    assert not set(case_ids(second)) & set(case_ids(first))
    assert not set(case_ids(second)) & set(newer + older)


def test_a_cursor_that_names_no_case_gives_the_first_page(client, clinician, many_cases):
    client.force_login(clinician)
    first = case_ids(client.get(reverse("patients:case_list")))
    for query in ("?after=not-a-uuid", "?after=00000000-0000-4000-8000-000000000000", "?before=&after="):
        response = client.get(reverse("patients:case_list") + query)
        assert response.status_code == 200
        assert case_ids(response) == first


def test_the_last_page_costs_as_many_queries_as_the_first_and_no_offset(client, clinician, many_cases):
    client.force_login(clinician)
    client.get(reverse("patients:case_list"))  # the session
    counts = {}
    for name, query in {"first": "", "last": "?last=1", "next": None}.items():
        if query is None:
            query = links(client.get(reverse("patients:case_list")).content.decode())["Next"]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("patients:case_list") + query).status_code == 200
        assert not any("OFFSET" in q["sql"].upper() for q in queries), name
        counts[name] = len(queries)
    # A page after a cursor reads the cursor's row first: one more query, whatever the page's depth.
    assert counts["first"] == counts["last"]
    assert counts["next"] == counts["first"] + 1


def test_patients_with_the_same_name_are_paged_by_their_order_of_registration(client, clinician):
    people = [make_patient(family_name="Okafor", given_name="Maya") for _ in range(30)]
    people += [make_patient(family_name="Ökafor", given_name="Chidi") for _ in range(3)]
    client.force_login(clinician)
    first = client.get(reverse("patients:patient_list"))
    second = client.get(reverse("patients:patient_list") + links(first.content.decode())["Next"])
    shown = [p.pk for p in first.context["page"].object_list + second.context["page"].object_list]
    # Folded, "Ökafor Chidi" sorts before "Okafor Maya"; equal names by id.
    assert shown == [p.pk for p in people[30:] + people[:30]]
    assert not second.context["page"].has_next


def test_the_pages_of_a_search_are_posted_with_the_search_and_no_name_in_a_link(client, clinician):
    for n in range(30):
        make_patient(family_name="Lindqvist", given_name=f"Karin{n:02d}")
    make_patient(family_name="Reyes", given_name="Sam")
    client.force_login(clinician)
    first = client.post(reverse("patients:patient_list"), {"q": "lindqvist"})
    html = first.content.decode()
    assert "Lindqvist" not in " ".join(links(html).values())
    assert 'name="q" value="lindqvist"' in html
    (after,) = [value for name, value, label in BUTTON.findall(html) if label == "Next"]
    second = client.post(reverse("patients:patient_list"), {"q": "lindqvist", "after": after})
    shown = [p.given_name for p in first.context["page"].object_list + second.context["page"].object_list]
    assert shown == [f"Karin{n:02d}" for n in range(30)]
    assert "REYES" not in second.content.decode()


def test_without_a_search_the_patient_list_pages_by_links_naming_a_uuid_only(client, clinician):
    for n in range(30):
        make_patient(family_name=f"Zed{n:02d}")
    client.force_login(clinician)
    first = client.get(reverse("patients:patient_list"))
    next_query = links(first.content.decode())["Next"]
    last = Patient.objects.get(family_name="Zed24")
    assert next_query == f"?after={last.public_id}"
    second = client.get(reverse("patients:patient_list") + next_query).content.decode()
    assert second.count("<tr>") == 1 + 5
    assert "ZED25" in second and "ZED24" not in second
