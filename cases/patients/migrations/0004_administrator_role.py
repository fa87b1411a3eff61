"""Create the administrator role: accounts and the access log, never patient data.

Administrators are staff (they manage accounts in the admin) and their group grants exactly that: view,
add and change users, view the roles. Nothing here lets them delete an account (accounts that appear in
the access log are deactivated, not deleted) or see patients: the admin has no patient data, and the
app's own permission matrix (cases.access) gives them the access log and the Users and sessions page.

As in pathways 0002, the few permissions needed are created here so the group is complete on a fresh
database; post_migrate finds them and adds the rest. Names are written out because a migration must not
change when application code does.
"""

from django.db import migrations

ADMINISTRATOR = "administrator"
GRANTS = {
    ("auth", "user", "user"): ("view", "add", "change"),
    ("auth", "group", "group"): ("view",),
}


def create_administrator_role(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    for (app_label, model, verbose_name), actions in GRANTS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose_name}"},
            )
            group.permissions.add(permission)


def remove_administrator_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ADMINISTRATOR).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0003_case_list_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_administrator_role, remove_administrator_role)]
