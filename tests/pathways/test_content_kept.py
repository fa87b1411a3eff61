"""The guideline in force and the pages' texts, kept by the process between requests while the content stamp holds.

Whatever changes that content, and however (the admin's services, a queryset's update, raw SQL as another program
or app server would write it, a delete), the very next read sees the change: the database's triggers give the
stamp a new token in the same transaction (cases.pathways.kept, migration pathways 0007).
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.pathways.content import load_page_content
from cases.pathways.guideline_versions import activate_version, active_content, active_guideline, clone_version
from cases.pathways.kept import current_token
from cases.pathways.models import (
    STAMPED_TABLES,
    ContentStamp,
    GuidelineStatus,
    GuidelineVersion,
    RecommendationText,
    StepHelp,
)
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


def texts_read(queries) -> int:
    return sum("pathways_recommendationtext" in q["sql"] for q in queries)


def versions_read(queries) -> int:
    return sum("pathways_guidelineversion" in q["sql"] for q in queries)


def stamps_read(queries) -> int:
    return sum(q["sql"] == "SELECT token FROM pathways_contentstamp WHERE id = 1" for q in queries)


def test_a_second_step_page_reads_the_stamp_instead_of_the_texts_and_the_version(client, clinician):
    case = make_case(**STAGE_IV)
    url = reverse("pathways:step", kwargs={"public_id": case.public_id, "slug": "imaging"})
    client.force_login(clinician)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append((texts_read(queries), versions_read(queries), stamps_read(queries), len(queries)))
    assert counts[0][:3] == (1, 1, 0)
    assert counts[1][:3] == (0, 0, 2)
    assert counts[0][3] == counts[1][3]  # as many queries as before; the two kept reads cost one small one each


def test_an_unchanged_read_costs_one_query(django_assert_num_queries):
    active_guideline()
    load_page_content()
    with django_assert_num_queries(2):
        active_guideline()
        load_page_content()


def title(code: str) -> str:
    return load_page_content().options[code].title


# Each way a text can change; raw SQL stands for another program or app server writing to the database.
CHANGES = {
    "save": lambda: _save("rfa", "Changed by save"),
    "queryset update": lambda: RecommendationText.objects.filter(code="rfa").update(title="Changed by update"),
    "raw SQL": lambda: _raw("UPDATE pathways_recommendationtext SET title = 'Changed by SQL' WHERE code = 'rfa'"),
    "delete": lambda: RecommendationText.objects.filter(code="rfa").delete(),
}
EXPECTED = {"save": "Changed by save", "queryset update": "Changed by update", "raw SQL": "Changed by SQL"}


def _save(code: str, new_title: str) -> None:
    text = RecommendationText.objects.get(code=code)
    text.title = new_title
    text.save()


def _raw(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_a_text_shows_at_the_next_read(change):
    before = title("rfa")
    assert title("rfa") == before  # kept
    CHANGES[change]()
    if change == "delete":
        assert "rfa" not in load_page_content().options
    else:
        assert title("rfa") == EXPECTED[change] != before


def test_new_step_help_inserted_by_sql_shows_at_the_next_read():
    StepHelp.objects.filter(step="cardiac").delete()
    assert "cardiac" not in load_page_content().step_help
    _raw("INSERT INTO pathways_stephelp (step, text, created_at, updated_at) VALUES ('cardiac', 'Echo.', "
         "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")  # fmt: skip
    assert load_page_content().step_help["cardiac"] == "Echo."


def test_an_activated_version_is_in_force_at_the_next_read(content_editor):
    seed = GuidelineVersion.objects.get(status=GuidelineStatus.ACTIVE)
    assert active_guideline().version == seed.name
    draft = clone_version(seed, content_editor, name="local-2027-01")
    draft.grade_g3_above_ki67 = 25
    draft.save()
    assert active_guideline().version == seed.name  # a draft changes nothing in force
    activate_version(draft, content_editor)
    assert active_guideline().version == "local-2027-01"
    assert active_guideline().grade_g3_above_ki67 == 25


def test_what_was_read_in_a_rolled_back_change_is_never_used():
    before = title("rfa")
    with pytest.raises(RuntimeError), transaction.atomic():
        RecommendationText.objects.filter(code="rfa").update(title="Never committed")
        assert title("rfa") == "Never committed"  # read, and kept, with the change's own token
        raise RuntimeError
    assert title("rfa") == before


def test_each_token_is_new():
    tokens = {current_token()}
    for n in range(5):
        RecommendationText.objects.filter(code="rfa").update(title=f"Title {n}")
        tokens.add(current_token())
    assert len(tokens) == 6 and None not in tokens


def test_without_a_stamp_nothing_is_kept(django_assert_num_queries):
    ContentStamp.objects.all().delete()
    assert active_content()[0].version
    with django_assert_num_queries(2):  # read again each time, with no stamp query in between
        active_content()
        load_page_content()
    RecommendationText.objects.filter(code="rfa").update(title="Brings the stamp back")
    assert current_token() is not None


def trigger_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("table", STAMPED_TABLES)
def test_each_content_table_has_its_stamp_triggers(table):
    """On SQLite a migration that alters the table rebuilds it without its triggers (migration pathways 0007)."""
    names = trigger_names(table)
    if connection.vendor == "sqlite":
        assert {f"{table}_{operation}_content_stamp" for operation in ("insert", "update", "delete")} <= names
    else:
        assert f"{table}_content_stamp" in names
