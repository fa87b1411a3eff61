"""The model → engine mapping: `case.to_facts()` is exactly what `manage.py recommend` accepts."""

from dataclasses import fields
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cases.pathways.engine import facts_from_dict
from cases.pathways.engine.facts import GROUPS
from cases.patients.findings import DERIVED_FACTS, FACT_OF_FIELD
from cases.patients.models import Case
from tests.patients.factories import STAGE_IV, make_case, make_patient

pytestmark = pytest.mark.django_db

CONTRACT = {f"{group}.{f.name}" for group, cls in GROUPS.items() for f in fields(cls)}


def test_every_engine_fact_is_stored_or_derived_exactly_once():
    stored = set(FACT_OF_FIELD.values())
    assert len(stored) == len(FACT_OF_FIELD)
    assert stored | DERIVED_FACTS == CONTRACT
    assert not stored & DERIVED_FACTS


def test_to_facts_has_every_key_of_the_contract_and_nothing_else():
    facts = make_case().to_facts(today=date(2026, 11, 21))
    keys = {f"{group}.{key}" for group, values in facts.items() for key in values}
    assert keys == CONTRACT


def test_an_empty_case_is_all_unknown_except_the_age():
    case = make_case(patient=make_patient(date_of_birth=date(1960, 11, 22)))
    facts = case.to_facts(today=date(2026, 11, 21))
    assert facts["patient"]["age"] == 65  # birthday tomorrow
    unknown = [f"{g}.{k}" for g, values in facts.items() for k, v in values.items() if v is None]
    assert len(unknown) == len(CONTRACT) - 1


@pytest.mark.parametrize("field_name", sorted(FACT_OF_FIELD))
def test_each_field_lands_on_its_own_fact(field_name):
    model_field = Case._meta.get_field(field_name)
    if model_field.get_internal_type() == "BooleanField":
        value, expected = True, True
    elif model_field.choices:
        value = expected = model_field.choices[-1][0]
    elif model_field.get_internal_type() == "DecimalField":
        value, expected = Decimal("3.5"), 3.5
    else:
        value = expected = 3
    case = make_case(**({"primary_resected": True} if field_name == "resection_margin" else {}), **{field_name: value})
    group, key = FACT_OF_FIELD[field_name].split(".")
    facts = case.to_facts(today=date(2026, 11, 21))
    assert facts[group][key] == expected
    assert type(facts[group][key]) is type(expected)


def test_the_echocardiogram_and_nt_probnp_work_up_follow_the_findings():
    facts = make_case(echo_done=False, nt_probnp_pg_ml=Decimal("120")).to_facts()
    assert facts["workup"]["echocardiogram"] is False
    assert facts["heart"]["echo_done"] is False
    assert facts["workup"]["nt_probnp"] is True
    assert make_case().to_facts()["workup"]["nt_probnp"] is None


def test_a_recorded_stage_iv_case_is_accepted_by_the_engine():
    facts_from_dict(make_case(**STAGE_IV).to_facts())


@pytest.mark.parametrize(
    ("field_name", "value"),
    [
        ("ki67_percent", Decimal("150")),
        ("primary_size_cm", Decimal("-2")),
        ("primary_size_cm", Decimal("0")),
        ("primary_size_cm", Decimal("80")),
        ("ecog", 5),
        ("pci", 40),
        ("mesenteric_stage", 0),
        ("primary_site", "colon"),
        ("status", "archived"),
    ],
)
def test_the_database_refuses_impossible_values_whatever_the_path(field_name, value):
    case = make_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(**{field_name: value})
    case.refresh_from_db()
    assert getattr(case, field_name) != value


def test_the_database_refuses_a_margin_without_a_resection():
    case = make_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(resection_margin="R0")
