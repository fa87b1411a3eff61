"""Hostile values for the hostile-input tests: what browsers, scripts and attackers may send in a field."""

from django.apps import apps
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
    result = {}
    for model in apps.get_models():
        if model._meta.app_label in CLINICAL_APPS:
            columns = [f.attname for f in model._meta.concrete_fields if f.get_internal_type() != "BinaryField"]
            result[model._meta.label] = list(model.objects.order_by("pk").values_list(*columns))
    return result
