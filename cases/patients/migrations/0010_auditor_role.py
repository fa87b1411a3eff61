"""Create the auditor role (issue 20): the board's figures as numbers, never patient data.

The group grants no model permission: auditors are not staff and use the app's own pages only, where the
permission matrix (cases.access, VIEW_BOARD_FIGURES) lets them read the dashboard of the board's figures, its
CSV and its audit report PDF. The name is written out because a migration must not change when code does.
"""

from django.db import migrations

AUDITOR = "auditor"


def create_auditor_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=AUDITOR)


def remove_auditor_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=AUDITOR).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0009_patient_import_dry_run"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_auditor_role, remove_auditor_role)]
