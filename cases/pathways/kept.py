"""Content every page reads, kept by each app process between requests for as long as the content stamp holds.

The guideline in force and the pages' texts change a few times a year, and every pathway step, case page and
meeting page read them: two queries and a few milliseconds of building rows per page (bench/load.py, issue 14).
A process keeps what it read together with the content stamp's token (cases.pathways.models.ContentStamp), read
in the same statement; the next request reads the token alone (one small query, as before one query each) and
uses what it kept if the token is the same. Database triggers give the row a new, never repeated token in the
transaction of any change to that content, so after an edit, a new version's activation or a restore, the very
next page of every process, on every app server, reads the content again.

A token read inside a transaction that then rolls back is never seen again, so what was kept with it is never
used. With no stamp row (a test database just flushed), nothing is kept.
"""

from collections.abc import Callable

from django.db import connection
from django.db.models import Subquery

from cases.pathways.models import ContentStamp

# name -> (token, value); a dict's item assignment is atomic, and two threads loading at once only load twice.
_kept: dict[str, tuple[str, object]] = {}


def stamp_column() -> Subquery:
    """The stamp's token as a column, for the query that loads the content (None when there is no stamp row)."""
    return Subquery(ContentStamp.objects.filter(pk=1).values("token")[:1])


def current_token() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM pathways_contentstamp WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def kept[T](name: str, load: Callable[[], tuple[str | None, T]]) -> T:
    """Return NAME's value as kept while the stamp's token is unchanged, else LOAD's.

    LOAD returns the token read in its own query (None: unknown, nothing is kept) and the value.
    """
    held = _kept.get(name)
    if held is not None and current_token() == held[0]:
        return held[1]  # type: ignore[return-value]
    token, value = load()
    if token is None:
        _kept.pop(name, None)
    else:
        _kept[name] = (token, value)
    return value


def forget() -> None:
    """Drop everything kept (tests start each test with nothing kept, so query counts do not depend on order)."""
    _kept.clear()
