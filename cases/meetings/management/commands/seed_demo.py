"""`manage.py seed_demo`: demo users (one per role) and demo patients with cases.

It lives in the meetings app, the highest app it needs (demo cases go through the pathway's steps and
the engine, demo meetings through the meetings services), so no lower app imports a higher one.
Idempotent: running it again leaves the same rows. Refuses to run in production mode, because
the printed passwords are public. `--scale N` adds N fictional patients with their cases and past
meetings (cases/meetings/scale.py), also idempotently.
"""

import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.access import Role
from cases.integrity import ensure_development_key
from cases.meetings.demo import seed_meetings
from cases.meetings.demo_year import seed_year
from cases.meetings.scale import seed_scale
from cases.pathways.engine import FactsError, facts_from_dict
from cases.pathways.steps import STEPS
from cases.patients.demo import DEMO_CASES
from cases.patients.models import Case, Patient
from cases.patients.services import save_patient


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role | None
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def password(self) -> str:
        return f"demo-{self.username}-2026"


REFERRAL_DATE = date(2026, 10, 1)
# Hospital numbers SC0000001.. have seven digits.
MAX_SCALE = 9_999_999

DEMO_USERS = [
    DemoUser("coordinator", "Maya", "Okafor", Role.COORDINATOR),
    DemoUser("clinician", "Jonas", "Lindqvist", Role.CLINICIAN),
    DemoUser("chair", "Helena", "Marsh", Role.CHAIR),
    DemoUser("viewer", "Sam", "Reyes", Role.VIEWER),
    DemoUser("editor", "Priya", "Nair", Role.CONTENT_EDITOR, is_staff=True),
    # Not a superuser: the administrator role sees no patient data (superusers are for installation only).
    DemoUser("admin", "Alex", "Admin", Role.ADMINISTRATOR, is_staff=True),
    # The board's figures as numbers only (issue 20).
    DemoUser("auditor", "Ada", "Lovell", Role.AUDITOR),
]


class Command(BaseCommand):
    help = "Create the demo users (one per role) and demo cases, and print the logins. Development only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="also create N fictional patients with a case each and their past meetings (cases/meetings/scale.py)",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with SINEN_PRODUCTION=true: demo passwords are public.")
        if not 0 <= options["scale"] <= MAX_SCALE:
            raise CommandError(f"--scale must be between 1 and {MAX_SCALE:,}, got {options['scale']:,}.")
        with transaction.atomic():
            for demo in DEMO_USERS:
                self._ensure_user(demo)
            coordinator = get_user_model().objects.get(username="coordinator")
            for demo_case in DEMO_CASES:
                self._ensure_case(demo_case, coordinator)
            users = get_user_model().objects.in_bulk(["chair", "clinician"], field_name="username")
        # Signing needs the key: a self-signed development one, made once into an ignored path (settings).
        if ensure_development_key(settings.SIGNING_KEY_FILE):
            self.stdout.write(f"Created a self-signed development signing key: {settings.SIGNING_KEY_FILE}")
        seed_meetings(coordinator, users["chair"], users["clinician"])
        started = time.monotonic()
        held = seed_year(coordinator, users["chair"], users["clinician"])
        if held:
            self.stdout.write(f"A year of past board meetings: {held} held ({time.monotonic() - started:.0f} s).")
        self.stdout.write(f"{len(DEMO_CASES)} demo patients with a case each.")
        if options["scale"]:
            self._scale(options["scale"], coordinator, users["chair"])
        self.stdout.write(self.style.SUCCESS("Demo logins (development only):"))
        for demo in DEMO_USERS:
            role = demo.role.label if demo.role else "No role"
            self.stdout.write(f"  {role:<26} username: {demo.username:<12} password: {demo.password}")

    def _scale(self, n: int, coordinator, chair) -> None:
        started = time.monotonic()
        seeded = seed_scale(n, coordinator, chair)
        self.stdout.write(
            f"Scale data: {seeded.patients:,} patients and {seeded.cases:,} cases added, {seeded.meetings:,} past "
            f"meetings with {seeded.agenda_items:,} agenda items ({n:,} scale patients wanted; "
            f"{time.monotonic() - started:.1f} s)."
        )

    def _ensure_user(self, demo: DemoUser) -> None:
        user, _ = get_user_model().objects.update_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@demo.invalid",
                "is_staff": demo.is_staff,
                "is_superuser": demo.is_superuser,
                "is_active": True,
            },
        )
        # Re-hashing on every run would change the row; only set the password when it differs.
        if not user.check_password(demo.password):
            user.set_password(demo.password)
            user.save(update_fields=["password"])
        # The roles migration creates the groups; get_or_create also covers a flushed database.
        user.groups.set([Group.objects.get_or_create(name=demo.role.value)[0]] if demo.role else [])

    def _ensure_case(self, demo: dict, coordinator) -> None:
        hospital_number, family_name, given_name, date_of_birth, sex = demo["patient"]
        patient = Patient.objects.filter(hospital_number=hospital_number).first() or Patient(
            hospital_number=hospital_number
        )
        names = {"family_name": family_name, "given_name": given_name, "date_of_birth": date_of_birth, "sex": sex}
        if patient.pk is None or any(getattr(patient, key) != value for key, value in names.items()):
            for key, value in names.items():
                setattr(patient, key, value)
            save_patient(patient)
        case = Case.objects.filter(patient=patient, question=demo["question"]).first() or Case(
            patient=patient, question=demo["question"], created_by=coordinator
        )
        case.referral_date = REFERRAL_DATE
        case.referring_clinician = "Dr R. Demo, Gastroenterology"
        case.status = demo["status"]
        for name, value in demo["findings"].items():
            setattr(case, name, value)
        # The steps holding recorded findings count as saved (by the coordinator, before the meeting).
        case.step_versions = {
            step.slug: {"version": 1, "by": coordinator.get_full_name(), "at": "2026-10-01T09:00:00+00:00"}
            for step in STEPS
            if any(name in demo["findings"] for name in step.fields)
        }
        case.full_clean(exclude=["patient", "created_by"])
        try:
            facts_from_dict(case.to_facts())
        except FactsError as exc:
            raise CommandError(f"demo case {hospital_number} is contradictory: {exc}") from exc
        case.save()
