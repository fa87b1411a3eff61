"""The pathway's step forms refuse the engine's contradictions (engine.contradictions), field named, nothing saved."""

import pytest
from django.urls import reverse

from cases.patients.models import Case
from tests.pathways.test_pathway_steps import imaging_post
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"extrahepatic_progressive": "true"},
            "extrahepatic_progressive",
            "Cannot be true when no extrahepatic disease is recorded (“Peritoneal disease”, “Extra-abdominal",
        ),
        ({"peritoneal": "false", "pci": "12"}, "pci", "Cannot be above 0 when “Peritoneal disease” is false."),
    ],
)
def test_a_contradictory_imaging_step_is_refused_with_the_field_named_and_nothing_saved(
    client, clinician, changes, field, message
):
    case = make_case(**STAGE_IV)
    before = Case.objects.values().get(pk=case.pk)
    client.force_login(clinician)
    url = reverse("pathways:step", kwargs={"public_id": case.public_id, "slug": "imaging"})
    response = client.post(url, imaging_post(case, **changes))
    assert response.status_code == 422
    assert any(error.startswith(message) for error in response.context["form"].errors[field])
    assert Case.objects.values().get(pk=case.pk) == before
