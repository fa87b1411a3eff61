"""Letters about a signed decision (issue 19): the letterhead as content, the stored letters, their sendings.

The letterhead is seeded with fictional values (to be replaced in the admin), with a history row, and content
editors may add, change and view it like the guideline's texts. A stored letter, like a stored summary
(0003), can neither change nor go: triggers refuse UPDATE and DELETE, and on SQLite an INSERT over an
existing letter (INSERT OR REPLACE). Written out here, not imported: a migration must not change when
application code does. tests/meetings/triggers.py reuses FORWARD/BACKWARD around a test database flush.
"""

import django.db.models.deletion
import simple_history.models
import uuid
from django.conf import settings
import django.utils.timezone
from django.db import migrations, models


SQLITE_FORWARD = [
    """
    CREATE TRIGGER reports_storedletter_no_update BEFORE UPDATE ON reports_storedletter FOR EACH ROW
    BEGIN SELECT RAISE(ABORT, 'a stored letter cannot be changed'); END
    """,
    """
    CREATE TRIGGER reports_storedletter_no_delete BEFORE DELETE ON reports_storedletter FOR EACH ROW
    BEGIN SELECT RAISE(ABORT, 'a stored letter cannot be deleted'); END
    """,
    """
    CREATE TRIGGER reports_storedletter_no_replace BEFORE INSERT ON reports_storedletter FOR EACH ROW
    WHEN EXISTS (SELECT 1 FROM reports_storedletter WHERE id = NEW.id
                 OR (decision_id = NEW.decision_id AND recipient = NEW.recipient))
    BEGIN SELECT RAISE(ABORT, 'a stored letter cannot be replaced'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_storedletter_no_update",
    "DROP TRIGGER IF EXISTS reports_storedletter_no_delete",
    "DROP TRIGGER IF EXISTS reports_storedletter_no_replace",
]
POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION reports_refuse_letter_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'a stored letter cannot be changed or deleted (id %)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER reports_storedletter_immutable BEFORE UPDATE OR DELETE ON reports_storedletter
    FOR EACH ROW EXECUTE FUNCTION reports_refuse_letter_change()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_storedletter_immutable ON reports_storedletter",
    "DROP FUNCTION IF EXISTS reports_refuse_letter_change()",
]
FORWARD = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}
BACKWARD = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"stored letters need immutability triggers for {vendor}")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)

    return run


# Fictional: the demo's hospital. Replaced by the hospital's own in the admin (Letterhead and signatory).
DEMO_LETTERHEAD = {
    "hospital_name": "St Elsewhere University Hospital",
    "department": "Neuroendocrine Tumour Service, Department of Surgery",
    "address": "1 Example Road\nDemotown DT1 2AB",
    "telephone": "01234 567890 (NET nurse specialist, weekdays 9 to 5)",
    "email": "net.mdt@st-elsewhere.example.invalid",
    "signatory_name": "Dr A. Example",
    "signatory_title": "Chair, Neuroendocrine Tumour Board",
    "contact_note": "If you have any questions about this letter, please call our NET nurse specialist on the "
    "number above.",
}


def seed_letterhead(apps, schema_editor):
    now = django.utils.timezone.now()
    settings_model = apps.get_model("reports", "LetterSettings")
    row = settings_model.objects.create(**DEMO_LETTERHEAD)
    apps.get_model("reports", "HistoricalLetterSettings").objects.create(
        id=row.id,
        **DEMO_LETTERHEAD,
        created_at=row.created_at,
        updated_at=row.updated_at,
        history_date=now,
        history_type="+",
        history_change_reason="Seeded with fictional values (migration reports 0004)",
        history_user_id=None,
    )
    # Content editors maintain the letterhead like the other content (pathways 0005, plausibility limits).
    content_type, _ = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="reports", model="lettersettings"
    )
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="content_editor")
    for action in ("add", "change", "view"):  # add: as for all content; the admin allows one row only
        permission, _ = apps.get_model("auth", "Permission").objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_lettersettings",
            defaults={"name": f"Can {action} letterhead and signatory"},
        )
        group.permissions.add(permission)


def unseed_letterhead(apps, schema_editor):
    apps.get_model("reports", "HistoricalLetterSettings").objects.all().delete()
    apps.get_model("reports", "LetterSettings").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0007_decision_treatment_intent"),
        ("reports", "0003_stored_summary_undeletable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="LetterSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("hospital_name", models.CharField(max_length=200, verbose_name="hospital")),
                ("department", models.CharField(max_length=200, verbose_name="department or service")),
                (
                    "address",
                    models.TextField(
                        help_text="One line of the address per line.", max_length=1000, verbose_name="postal address"
                    ),
                ),
                ("telephone", models.CharField(max_length=100, verbose_name="telephone")),
                ("email", models.CharField(max_length=200, verbose_name="secure e-mail")),
                (
                    "signatory_name",
                    models.CharField(
                        help_text="Who signs the letters, e.g. the chair.", max_length=200, verbose_name="signatory"
                    ),
                ),
                ("signatory_title", models.CharField(max_length=200, verbose_name="signatory's title")),
                (
                    "contact_note",
                    models.TextField(
                        blank=True,
                        help_text="Printed above the signature, e.g. whom to call with questions about the letter.",
                        max_length=1000,
                        verbose_name="contact note",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "letterhead and signatory",
                "verbose_name_plural": "letterhead and signatory",
            },
        ),
        migrations.CreateModel(
            name="HistoricalLetterSettings",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("hospital_name", models.CharField(max_length=200, verbose_name="hospital")),
                ("department", models.CharField(max_length=200, verbose_name="department or service")),
                (
                    "address",
                    models.TextField(
                        help_text="One line of the address per line.", max_length=1000, verbose_name="postal address"
                    ),
                ),
                ("telephone", models.CharField(max_length=100, verbose_name="telephone")),
                ("email", models.CharField(max_length=200, verbose_name="secure e-mail")),
                (
                    "signatory_name",
                    models.CharField(
                        help_text="Who signs the letters, e.g. the chair.", max_length=200, verbose_name="signatory"
                    ),
                ),
                ("signatory_title", models.CharField(max_length=200, verbose_name="signatory's title")),
                (
                    "contact_note",
                    models.TextField(
                        blank=True,
                        help_text="Printed above the signature, e.g. whom to call with questions about the letter.",
                        max_length=1000,
                        verbose_name="contact note",
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical letterhead and signatory",
                "verbose_name_plural": "historical letterhead and signatory",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="StoredLetter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "recipient",
                    models.CharField(
                        choices=[("gp", "General practitioner"), ("referrer", "Referring clinician")], max_length=8
                    ),
                ),
                ("pdf", models.BinaryField()),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256 of the PDF")),
                ("byte_size", models.PositiveIntegerField()),
                ("rendered_at", models.DateTimeField(auto_now_add=True)),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="letters", to="meetings.decision"
                    ),
                ),
            ],
            options={
                "ordering": ["decision", "recipient"],
            },
        ),
        migrations.CreateModel(
            name="LetterSending",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("post", "Post"),
                            ("secure_email", "Secure e-mail"),
                            ("printed", "Printed (handed over)"),
                        ],
                        max_length=16,
                        verbose_name="how",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                ("sent_at", models.DateTimeField(verbose_name="sent")),
                (
                    "sent_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "letter",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="sendings", to="reports.storedletter"
                    ),
                ),
            ],
            options={
                "ordering": ["letter", "sent_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalLetterSending",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("post", "Post"),
                            ("secure_email", "Secure e-mail"),
                            ("printed", "Printed (handed over)"),
                        ],
                        max_length=16,
                        verbose_name="how",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                ("sent_at", models.DateTimeField(verbose_name="sent")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "letter",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="reports.storedletter",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical letter sending",
                "verbose_name_plural": "historical letter sendings",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name="storedletter",
            constraint=models.UniqueConstraint(
                fields=("decision", "recipient"), name="stored_letter_one_per_recipient"
            ),
        ),
        migrations.AddConstraint(
            model_name="storedletter",
            constraint=models.CheckConstraint(condition=models.Q(("byte_size__gt", 0)), name="stored_letter_not_empty"),
        ),
        migrations.AddConstraint(
            model_name="storedletter",
            constraint=models.CheckConstraint(
                condition=models.Q(("recipient__in", ["gp", "referrer"])), name="stored_letter_recipient_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="lettersending",
            constraint=models.CheckConstraint(
                condition=models.Q(("method__in", ["post", "secure_email", "printed"])),
                name="letter_sending_method_valid",
            ),
        ),
        migrations.RunPython(seed_letterhead, unseed_letterhead),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
