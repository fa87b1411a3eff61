"""The board's treatment intent on a decision (issue 19): curative, palliative, surveillance, further work-up.

Empty on every decision recorded before; signed ones keep their content (and hash) as they are: the signed
content names the intent only when one was given (cases/meetings/services.py). SQLite rebuilds the decisions
table for the new column and its check and drops the immutability triggers with it, so they are dropped first
and created again at the end, exactly as 0005 defines them.
"""

import importlib

from django.conf import settings
from django.db import migrations, models

immutability = importlib.import_module("cases.meetings.migrations.0005_keyed_signatures_and_chain")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_decision_drafts_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(immutability.drop_triggers, immutability.create_triggers),
        migrations.AddField(
            model_name="decision",
            name="treatment_intent",
            field=models.CharField(
                blank=True,
                choices=[
                    ("curative", "Curative"),
                    ("palliative", "Palliative"),
                    ("surveillance", "Surveillance"),
                    ("further_workup", "Further work-up"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="treatment_intent",
            field=models.CharField(
                blank=True,
                choices=[
                    ("curative", "Curative"),
                    ("palliative", "Palliative"),
                    ("surveillance", "Surveillance"),
                    ("further_workup", "Further work-up"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("treatment_intent__in", ["", "curative", "palliative", "surveillance", "further_workup"])
                ),
                name="decision_treatment_intent_valid",
            ),
        ),
        migrations.RunPython(immutability.create_triggers, immutability.drop_triggers),
    ]
