"""Create the board's roles as groups.

Kept as a data migration (not a fixture) so every database, including the test database, has the
roles from the start. The names are the values of cases.access.Role, written out here because a
migration must not change when application code does.
"""

from django.db import migrations

ROLES = ["coordinator", "clinician", "chair", "viewer", "content_editor"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
