"""Hostile values for the hostile-input tests: what browsers, scripts and attackers may send in a field."""

from django.apps import apps
from django.db import connection
from hypothesis import strategies as st

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "'; DROP TABLE patients_patient; --",
    "{{ 7*7 }}",
    "{% debug %}",
    "${jndi:ldap://127.0.0.1/x}",
    "../../etc/passwd",
    "-1",
    "0",
    "1e308",
    "-1e308",
    "NaN",
    "Infinity",
    "0x10",
    "\uff11\uff12",  # full-width digits
    "٣",
    "9" * 400,
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "1899-12-31",
    "2026-11-21T25:61",
    "true",
    "false",
    "unknown",
    "yes",
    "\u202eevil",
    "😀" * 50,
    "a" * 6000,
    "<b>" * 2000,
]

text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def form_data(fields, fixed: dict | None = None):
    """A strategy of POST data: each field missing or given a hostile value; FIXED values sometimes kept."""
    fixed = fixed or {}
    values = {name: st.one_of(st.none(), text, *([st.just(fixed[name])] if name in fixed else [])) for name in fields}
    return st.fixed_dictionaries(values).map(lambda data: {k: v for k, v in data.items() if v is not None})


CLINICAL_APPS = {"patients", "meetings", "pathways", "reports"}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the clinical and content tables (history included; stored PDFs by their hash)."""
    return {
        model._meta.label: stored_rows(model, [f for f in model._meta.concrete_fields if not is_binary(f)])
        for model in apps.get_models()
        if model._meta.app_label in CLINICAL_APPS
    }


def is_binary(field) -> bool:
    return field.get_internal_type() == "BinaryField"


def stored_rows(model, fields) -> list[tuple]:
    """Every row of MODEL's table, FIELDS' columns as the database stores them, in primary key order.

    Raw SQL rather than the ORM: a tenth of the time (no query building, no conversion of JSON, decimals
    and dates), and at least as strict: values that are stored differently compare different.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(model._meta.db_table)} ORDER BY {quote(model._meta.pk.column)}")  # noqa: S608 (names from the models)
        return cursor.fetchall()
