"""The content stamp: one row whose token the database changes with every change to the guideline versions,
recommendation texts and step help, so that app processes may keep that content between requests.

Triggers on the three tables write a new random token in the transaction of the change, whoever makes it (the
admin, a queryset's update, raw SQL, another app server). An upsert, so that the row comes back after a flush or
a restore without it. As in audit 0003, the SQL is written out here, not imported, because a migration must not
change when application code does.

On SQLite, a later migration that alters one of these tables rebuilds it (copy, drop, rename) and so drops its
triggers: such a migration must run SQLITE_FORWARD again. tests/pathways/test_content_kept.py fails if a
trigger is missing.
"""

import uuid

from django.db import migrations, models

TABLES = ("pathways_guidelineversion", "pathways_recommendationtext", "pathways_stephelp")
OPERATIONS = ("INSERT", "UPDATE", "DELETE")

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER {table}_{operation.lower()}_content_stamp
    AFTER {operation} ON {table} FOR EACH ROW
    BEGIN
        INSERT INTO pathways_contentstamp (id, token) VALUES (1, lower(hex(randomblob(16))))
        ON CONFLICT (id) DO UPDATE SET token = excluded.token;
    END
    """  # noqa: S608 (the table names are the constants above)
    for table in TABLES
    for operation in OPERATIONS
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_{operation.lower()}_content_stamp" for table in TABLES for operation in OPERATIONS
]

POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION pathways_new_content_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO pathways_contentstamp (id, token) VALUES (1, replace(gen_random_uuid()::text, '-', ''))
        ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
        RETURN NULL;
    END
    $$
    """,
    *(
        f"""
        CREATE TRIGGER {table}_content_stamp
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT
        EXECUTE FUNCTION pathways_new_content_stamp()
        """
        for table in TABLES
    ),
]
POSTGRESQL_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {table}_content_stamp ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS pathways_new_content_stamp()",
]

FORWARD = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}
BACKWARD = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            # Refuse rather than run without the triggers: processes would keep content that has changed.
            raise RuntimeError(f"no content stamp triggers for the {vendor} database backend")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)

    return run


def first_stamp(apps, schema_editor):
    apps.get_model("pathways", "ContentStamp").objects.using(schema_editor.connection.alias).update_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0006_guideline_impact_previews"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentStamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(first_stamp, migrations.RunPython.noop),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
