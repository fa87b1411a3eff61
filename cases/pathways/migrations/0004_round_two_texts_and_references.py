"""Load the content of the engine's round 2 (issue 13): texts for its three new options and the reference it
newly cites.

The values are written out literally, because a migration must not change when application code does;
tests/pathways/test_content_models.py checks that they still equal the engine's (TITLES, citations, Guideline),
so any drift fails a test. Existing texts are left alone: content editors may have changed them. The two new
guideline thresholds got the engine's defaults on every existing version from 0003's AddField.

Sources: seed 000 (the 2018 review, Anticancer Research 38:1267-1278).
"""

from django.db import migrations
from django.utils import timezone

# Equal to cases.pathways.engine.Guideline()'s new fields (checked by a test); set on existing rows by 0003.
NEW_THRESHOLDS = {"unfit_min_ecog": 3, "extensive_liver_involvement_percent": 50.0}

# code: (title, summary, caveats). Titles equal the engine's TITLES; summaries and caveats paraphrase the seed
# passages the engine cites for the option.
TEXTS = {
    "hipec": (
        "Hyperthermic intraperitoneal chemotherapy (HIPEC) with the cytoreduction",
        "HIPEC may improve survival by eradicating small peritoneal lesions; it is applied after an extended "
        "cytoreductive operation that removes the macroscopic disease, peritoneum and omentum (Diffuse Peritoneal "
        "Carcinomatosis).",
        "Its main limitation in si-NENs is that chemotherapy acts against tumours with a low proliferative rate "
        "(ref 85). It adds morbidity and mortality when given with another major operation (ref 81).",
    ),
    "cardiology_assessment": (
        "Cardiology assessment before major surgery (echocardiogram, NT-proBNP)",
        "Before major surgery, an echocardiogram assesses the burden of carcinoid syndrome on the heart, to "
        "prevent a perioperative carcinoid crisis (Preoperative Care, ref 10); NT-proBNP is part of the "
        "work-up (Figure 1). Advanced carcinoid heart disease bars liver surgery (criterion ix, refs 10, 54).",
        "Right heart failure rules out resection of liver metastases (ENETS, ref 42); carcinoid heart disease "
        "excludes liver transplantation (ref 40). Patients with a known uncontrolled syndrome are at very high "
        "risk of a crisis (ref 14).",
    ),
    "somatostatin_analogue": (
        "Long-term somatostatin analogue therapy",
        "Hormone therapy with somatostatin analogues is of high importance for symptom control (Abstract; Table "
        "II, Stage I-III line 7). For inoperable disease, hormone symptom control and suspension of tumour "
        "proliferation should be among the therapeutic aims (Introduction).",
        "Somatostatin analogues, and possibly chemoembolisation, may cause cholestasis, hence a cholecystectomy "
        "at any abdominal operation (refs 18, 29). Neoadjuvant and adjuvant treatment show no benefit around "
        "curative surgery (Table II, Stage I-III line 13).",
    ),
}

# number: (author or source as the seed names it, what the seed cites it for, where).
REFERENCES = {
    51: (
        "Glazer et al.",
        "R0/R1 resection of the primary, nodes and distant metastases gives survival and quality-of-life benefit "
        "(an R1 margin needs no re-resection)",
        "Liver Metastases",
    ),
}
REASON = "Loaded with the engine's round 2 (data migration)"


def citation(number: int, named: str) -> str:
    return f"{named}, ref {number} of the 2018 review (Anticancer Research 38:1267-1278); the full entry is not in the seed text."


def create_with_history(apps, model_name: str, now, **values):
    """Create a row and its first history record, so the admin's history starts with these values."""
    model = apps.get_model("pathways", model_name)
    row = model.objects.create(**values)
    history = apps.get_model("pathways", f"Historical{model_name}")
    fields = {field.attname: getattr(row, field.attname) for field in model._meta.concrete_fields}
    history.objects.create(
        **fields, history_date=now, history_type="+", history_change_reason=REASON, history_user_id=None
    )


def load_content(apps, schema_editor):
    now = timezone.now()
    texts = apps.get_model("pathways", "RecommendationText").objects
    for code, (title, summary, caveats) in TEXTS.items():
        if not texts.filter(code=code).exists():
            create_with_history(
                apps, "RecommendationText", now, code=code, title=title, summary=summary, caveats=caveats
            )
    references = apps.get_model("pathways", "Reference").objects
    for number, (named, cited_for, sections) in REFERENCES.items():
        if not references.filter(number=number).exists():
            create_with_history(
                apps,
                "Reference",
                now,
                number=number,
                citation=citation(number, named),
                cited_for=cited_for,
                seed_sections=sections,
            )


def unload_content(apps, schema_editor):
    for model, key, values in (("RecommendationText", "code", TEXTS), ("Reference", "number", REFERENCES)):
        for manager in (
            apps.get_model("pathways", model).objects,
            apps.get_model("pathways", f"Historical{model}").objects,
        ):
            manager.filter(**{f"{key}__in": list(values)}).delete()


class Migration(migrations.Migration):
    dependencies = [("pathways", "0003_fitness_liver_burden_and_new_options")]

    operations = [migrations.RunPython(load_content, unload_content)]
