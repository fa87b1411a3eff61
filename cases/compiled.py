"""Hot queries turned into SQL once per database connection, then run with each request's values (issue 14).

Django compiles a queryset to SQL anew every time it runs: for the case of a pathway step (a wide row, its patient
and the date of its next board) that is 0.9 ms of CPU, five times what PostgreSQL takes to answer it. The few
queries every page runs (the session, the user with their roles, the case, the access log's last entry) are
declared here once, as the querysets they are, and compiled on first use: the queryset stays the one source of
their SQL, and `tests/test_compiled.py` checks that each gives what its queryset gives.

    CASE = CompiledQuery(
        lambda public_id: Case.objects.select_related("patient").filter(public_id=public_id),
        public_id=Slot(Case, "public_id", uuid.UUID(int=1)),
    )
    case = CASE.first(public_id=...)          # a Case with its patient, or None

Each argument is a `Slot`: the field whose lookup takes it (its value is prepared for the database as that
field prepares it) and an example value of its type, used once to find the argument among the compiled query's
parameters; the example must appear there exactly once, or the declaration is refused. Only what Django's
ModelIterable does is done with the rows: the database's converters, the model's `from_db`, `select_related`'s
objects and the annotations. Nothing else of the queryset (prefetching, known related objects, values()) is
supported, and a queryset using it is refused.

`CompiledInsert(Model).insert(obj)` is the INSERT of `obj.save()` for a new row, compiled likewise: every concrete
field but the automatic primary key, each value prepared as save() prepares it (`pre_save`, then
`get_db_prep_save`), and the primary key the database returns set on the object. It sends no signals, so it is
refused for a model anything listens to, and for a model with parents, database defaults or generated fields.
"""

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet, signals
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql import InsertQuery


@dataclass(frozen=True)
class Slot:
    """An argument of a compiled query: MODEL's field NAME takes it; EXAMPLE is a value of its type."""

    model: type[Model]
    name: str
    example: Any

    def prepare(self, value, connection):
        return self.model._meta.get_field(self.name).get_db_prep_value(value, connection, prepared=False)


def _converted(row, converters: list, connection) -> list:
    """ROW as a list, each column through the database's converters for it (as Django's apply_converters)."""
    row = list(row)
    for position, (functions, expression) in converters:
        for function in functions:
            row[position] = function(row[position], expression, connection)
    return row


class _PerConnection:
    """Plans made by MAKE(connection), one per database connection (a development-server thread has its own)."""

    def __init__(self, using: str):
        self.using = using
        self._plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def make(self, connection):
        raise NotImplementedError

    def plan(self, connection):
        plan = self._plans.get(connection)
        if plan is None:
            with self._lock:
                plan = self._plans[connection] = self.make(connection)
        return plan


class _Plan:
    """One query compiled for one connection: its SQL, where each argument goes, and how rows become objects."""

    def __init__(self, queryset: QuerySet, slots: dict[str, Slot], connection):
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
        ):
            raise ImproperlyConfigured("a compiled query returns model instances, without prefetching")
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.positions: dict[str, int] = {}
        for name, slot in slots.items():
            example = slot.prepare(slot.example, connection)
            found = [i for i, param in enumerate(self.params) if type(param) is type(example) and param == example]
            if len(found) != 1:
                raise ImproperlyConfigured(
                    f"the compiled query's argument {name!r} appears {len(found)} times among its parameters "
                    "(once is needed: give an example value no other parameter has)"
                )
            self.positions[name] = found[0]
        self.slots = slots
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = list(compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items())
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.model = klass_info["model"]
        self.fetch_mode = queryset._fetch_mode
        self.populators = get_related_populators(klass_info, select, connection.alias, self.fetch_mode)
        self.annotations = list(compiler.annotation_col_map.items())

    def rows(self, values: dict, connection) -> list:
        params = list(self.params)
        for name, position in self.positions.items():
            params[position] = self.slots[name].prepare(values[name], connection)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()

    def objects(self, rows: list, connection) -> list[Model]:
        objects = []
        for row in rows:
            row = _converted(row, self.converters, connection)
            obj = self.model.from_db(
                connection.alias, self.init_list, row[self.start : self.end], fetch_mode=self.fetch_mode
            )
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


class CompiledQuery(_PerConnection):
    """A queryset built by BUILD from keyword arguments (each a `Slot`), compiled once per database connection."""

    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS, **slots: Slot):
        super().__init__(using)
        self.build = build
        self.slots = slots

    def queryset(self, **values) -> QuerySet:
        """The queryset itself, with these values: what the compiled query must give (tests compare)."""
        return self.build(**values)

    def make(self, connection) -> _Plan:
        examples = {name: slot.example for name, slot in self.slots.items()}
        return _Plan(self.build(**examples), self.slots, connection)

    def all(self, **values) -> list[Model]:
        if values.keys() != self.slots.keys():
            raise TypeError(f"a compiled query takes {sorted(self.slots)}, not {sorted(values)}")
        connection = connections[self.using]
        plan = self.plan(connection)
        return plan.objects(plan.rows(values, connection), connection)

    def first(self, **values) -> Model | None:
        found = self.all(**values)
        return found[0] if found else None


class _InsertPlan:
    """MODEL's one-row INSERT compiled for one connection, with the fields whose values it takes, in order."""

    def __init__(self, model: type[Model], connection):
        meta = model._meta
        if meta.parents or any(field.generated or field.has_db_default() for field in meta.local_concrete_fields):
            raise ImproperlyConfigured(f"{meta.label}: a compiled insert is for a model without parents or defaults")
        self.fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
        self.returning = list(meta.db_returning_fields)
        example = model()
        query = InsertQuery(model)
        query.insert_values(self.fields, [example])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = self.returning
        statements = compiler.as_sql()
        if len(statements) != 1 or not connection.features.can_return_columns_from_insert:
            raise ImproperlyConfigured(f"{meta.label}: the database cannot return the new row's key in one statement")
        self.sql, params = statements[0]
        if list(params) != self.values(example, connection):
            raise ImproperlyConfigured(f"{meta.label}: a field's value does not go into the INSERT as one parameter")
        self.returning_params = compiler.returning_params
        columns = [field.get_col(meta.db_table) for field in self.returning]
        self.converters = list(compiler.get_converters(columns).items())

    def values(self, obj: Model, connection) -> list:
        return [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in self.fields]


class CompiledInsert(_PerConnection):
    """The INSERT of a new row of MODEL, compiled once per database connection (see the module's docstring)."""

    def __init__(self, model: type[Model], *, using: str = DEFAULT_DB_ALIAS):
        super().__init__(using)
        self.model = model

    def make(self, connection) -> _InsertPlan:
        return _InsertPlan(self.model, connection)

    def insert(self, obj: Model) -> None:
        """Insert OBJ, a new row, as obj.save() would, and set its primary key."""
        if type(obj) is not self.model or obj.pk is not None or not obj._state.adding:
            raise ValueError(f"a compiled insert takes a new {self.model._meta.label} without a primary key")
        if signals.pre_save.has_listeners(self.model) or signals.post_save.has_listeners(self.model):
            raise ImproperlyConfigured(f"{self.model._meta.label}: a compiled insert would not send save()'s signals")
        connection = connections[self.using]
        plan = self.plan(connection)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, plan.values(obj, connection))
            (row,) = connection.ops.fetch_returned_rows(cursor, plan.returning_params)
        for field, value in zip(plan.returning, _converted(row, plan.converters, connection), strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = connection.alias
