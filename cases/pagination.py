"""Keyset pagination for long lists: every page costs the same, the last one too.

OFFSET pagination reads and throws away every row before the page, so the last page of 100,000 cases
reads them all. Here a page starts after (or before) a row named by its public UUID: the list's order
continues from that row's sort values through the order's index. The cursor is the UUID, never the
sort values themselves, because those are patients' names and must not go into a URL.

A page is asked for as the first (no cursor), the last, the one after a row or the one before a row;
a cursor that names no row gives the first page.
"""

from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from uuid import UUID

from django import forms
from django.db.models import Expression, F, Q, QuerySet


class PageForm(forms.Form):
    """The page asked for: after or before a row (its public UUID), or the last page."""

    after = forms.UUIDField(required=False, widget=forms.HiddenInput)
    before = forms.UUIDField(required=False, widget=forms.HiddenInput)
    last = forms.BooleanField(required=False, widget=forms.HiddenInput)


@dataclass(frozen=True)
class Page:
    object_list: list
    has_previous: bool
    has_next: bool

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def first_id(self) -> UUID | None:
        return self.object_list[0].public_id if self.object_list else None

    @property
    def last_id(self) -> UUID | None:
        return self.object_list[-1].public_id if self.object_list else None


def _beyond(order: list[str], values: dict, forward: bool) -> Q:
    """Rows after VALUES in ORDER ("-field" descending), or before them when not FORWARD.

    (a, b, c) > (x, y, z) is written a >= x AND (a > x OR (a = x AND (b > y OR ...))): the first
    condition bounds the index range scanned, the rest drops the rows equal to the cursor's.
    """

    def op(name: str, strict: bool) -> str:
        descending = name.startswith("-")
        greater = forward != descending
        return ("gt" if greater else "lt") if strict else ("gte" if greater else "lte")

    fields = [name.lstrip("-") for name in order]
    ties = []
    for n, name in enumerate(order):
        equal_before = reduce(and_, (Q(**{f: values[f]}) for f in fields[:n]), Q())
        ties.append(equal_before & Q(**{f"{fields[n]}__{op(name, True)}": values[fields[n]]}))
    bound = Q(**{f"{fields[0]}__{op(order[0], False)}": values[fields[0]]})
    return bound & reduce(or_, ties)


def _reversed(order: list[str]) -> list[str]:
    return [name[1:] if name.startswith("-") else f"-{name}" for name in order]


def _order_by(order: list[str], sort: dict[str, Expression]) -> list:
    """ORDER in ORDER BY terms: a field's SORT expression (same values) in its place, when given."""
    terms = []
    for name in order:
        field = name.lstrip("-")
        expression = sort.get(field, F(field))
        terms.append(expression.desc() if name.startswith("-") else expression.asc())
    return terms


def keyset_page(
    queryset: QuerySet, order: list[str], form: PageForm, size: int, sort: dict[str, Expression] | None = None
) -> Page:
    """Return the page FORM asks for of QUERYSET in ORDER (unique: it must end with the primary key).

    SORT may give, for a field of ORDER, an expression with the field's own values to order by instead,
    so that the database cannot walk the field's index (cases/patients/search.py says when that helps).
    """
    sort = sort or {}
    wanted = form.cleaned_data if form.is_valid() else {}
    cursor, forward = (wanted.get("after"), True) if wanted.get("after") else (wanted.get("before"), False)
    values = None
    if cursor:
        fields = [name.lstrip("-") for name in order]
        values = queryset.model._default_manager.filter(public_id=cursor).values(*fields).first()
    if values is not None:
        rows = queryset.filter(_beyond(order, values, forward))
        if forward:
            found = list(rows.order_by(*_order_by(order, sort))[: size + 1])
            return Page(found[:size], has_previous=True, has_next=len(found) > size)
        found = list(rows.order_by(*_order_by(_reversed(order), sort))[: size + 1])
        return Page(found[:size][::-1], has_previous=len(found) > size, has_next=True)
    if wanted.get("last"):
        found = list(queryset.order_by(*_order_by(_reversed(order), sort))[: size + 1])
        return Page(found[:size][::-1], has_previous=len(found) > size, has_next=False)
    found = list(queryset.order_by(*_order_by(order, sort))[: size + 1])
    return Page(found[:size], has_previous=False, has_next=len(found) > size)


# A list that shows a screenful says how many rows there are in all, counting no further than this: the count
# of a long list costs as much as reading it.
COUNT_LIMIT = 1000


def capped_count(queryset: QuerySet, shown: int, limit: int, count_limit: int = COUNT_LIMIT) -> int:
    """Return how many rows QUERYSET has, counting no further than COUNT_LIMIT + 1 (and not at all when SHOWN,
    the rows already fetched with LIMIT, says the list is complete)."""
    return shown if shown < limit else queryset[: count_limit + 1].count()
