"""PostgreSQL: the pg_trgm extension and a trigram GIN index on Patient.search_name (cases/patients/search.py).

pg_trgm is a trusted extension (PostgreSQL 13+): the owner of the database may create it without being a
superuser, so a role with CREATEDB that created the database (CI's sinen_ci) can run this. Where the
application's role does not own the database, an administrator runs `CREATE EXTENSION pg_trgm;` once
before migrating. On SQLite both operations do nothing: the PatientNameWord index serves the search there.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "patient_search_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON patients_patient USING gin (search_name gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0007_patient_search_name_and_words"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
