"""`manage.py seed_demo`: demo users (one per role) for development and demonstrations.

Idempotent: running it again leaves the same rows. Refuses to run in production mode, because
the printed passwords are public.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.access import Role


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


DEMO_USERS = [
    DemoUser("coordinator", "Maya", "Okafor", Role.COORDINATOR),
    DemoUser("clinician", "Jonas", "Lindqvist", Role.CLINICIAN),
    DemoUser("chair", "Helena", "Marsh", Role.CHAIR),
    DemoUser("viewer", "Sam", "Reyes", Role.VIEWER),
    DemoUser("editor", "Priya", "Nair", Role.CONTENT_EDITOR, is_staff=True),
    DemoUser("admin", "Alex", "Admin", None, is_staff=True, is_superuser=True),
]


class Command(BaseCommand):
    help = "Create the demo users (one per role) and print their logins. Development only."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with SINEN_PRODUCTION=true: demo passwords are public.")
        with transaction.atomic():
            for demo in DEMO_USERS:
                self._ensure_user(demo)
        self.stdout.write(self.style.SUCCESS("Demo logins (development only):"))
        for demo in DEMO_USERS:
            role = demo.role.label if demo.role else "Administrator (superuser)"
            self.stdout.write(f"  {role:<26} username: {demo.username:<12} password: {demo.password}")

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
