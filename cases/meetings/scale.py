"""Scale data for `manage.py seed_demo --scale N`: N fictional patients with one case each, and the past
meetings that discussed them, for benches and for anyone evaluating the app at the size of a large centre.

Every row is a function of its number alone (names, dates of birth, findings), so the data is the same on
every machine, and a second run with the same N adds nothing: patients SC0000001..N that exist are skipped.
Rows are written with bulk_create, so they have no history rows (nobody edited them) and no signed records:
signed decisions only ever come from a chair's signature.

The shape, whatever N is: 25 referrals a day going back from today, case 1 the most recent. The last two
weeks' referrals are being worked up (their findings stop somewhere along the pathway; complete ones are
often marked ready); older ones have all their findings and were discussed at that day's board meeting,
held two weeks after the referrals, with 25 cases on its agenda (closed, with status "closed" once the
case is half a year old). For the board's figures (issue 20) each discussed item has the time the board spent
on it (1.5 to 7 minutes) and whether its work-up was complete (nine in ten). Decisions and their decided
options are not made here: they are signed records (bench/scale.py adds placeholders to its own database).
"""

import random
import uuid
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from cases.meetings.models import AgendaItem, Meeting, MeetingStatus
from cases.pathways.engine import FactsError, facts_from_dict
from cases.pathways.steps import STEPS
from cases.patients.demo import DEMO_CASES
from cases.patients.models import Case, CaseStatus, Patient, PatientNameWord
from cases.patients.services import name_words, with_search_name

HOSPITAL_NUMBER = "SC{:07d}"
PER_DAY = 25
WORK_UP_DAYS = 14
CLOSED_AFTER_DAYS = 180
MEETING_NAMESPACE = uuid.UUID("5ca1e000-0000-4000-8000-000000000000")
BATCH = 2000

# Invented names from many origins, with the particles, accents and punctuation a search must cope with.
FAMILY_NAMES = [
    "Müller", "Muller", "Mueller", "van der Berg", "de Vries", "O'Brien", "García López", "Nguyễn", "Lindqvist",
    "Okafor", "Søgaard", "Łukasiewicz", "Dubois", "Rossi", "Kowalski", "Haddad", "Papadopoulos", "Smith",
    "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johansson", "Andersen", "Nielsen", "Hansen", "Schmidt",
    "Schneider", "Fischer", "Weber", "Becker", "Martin", "Bernard", "Petit", "Moreau", "Lefèvre", "Fernández",
    "González", "Rodríguez", "Pérez", "Silva", "Santos", "Ferreira", "Costa", "Novák", "Dvořák", "Horváth",
    "Nagy", "Popescu", "Ivanova", "Kuznetsov", "Yılmaz", "Demir", "Cohen", "Levi", "Khan", "Patel", "Singh",  # noqa: RUF001
    "Kim", "Lee", "Park", "Chen", "Wang", "Tanaka", "Sato", "Mbeki", "Mensah", "Adeyemi", "Ó Súilleabháin",
    "MacDonald", "Fitzgerald", "Lindgren", "Moreno", "Romano", "Bianchi", "De Luca", "Van Damme", "Peeters",
    "Janssens", "Jansen", "de Jong", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Dekker",
]  # fmt: skip
FEMALE = [
    "Anna", "Astrid", "Claire", "Zoë", "Seán", "Maya", "Inês", "Łucja", "Chloé", "Hélène", "Maria", "Sofia",
    "Emma", "Olivia", "Ingrid", "Karin", "Fatima", "Aisha", "Yuki", "Mei", "Priya", "Amélie", "Eva", "Lena",
    "Johanna", "Renée", "Noor", "Saoirse", "Björk", "Ana", "Lucía", "Marta", "Zsófia", "Ayşe", "Thị Minh",
]  # fmt: skip
MALE = [
    "Hendrik", "Daniel", "Jonas", "Pieter", "Kenji", "José", "François", "Jürgen", "Søren", "Mateusz", "Ömer",
    "Ahmed", "Luca", "Marco", "Jan", "Lars", "Erik", "Tomás", "Andrés", "Sean", "Liam", "Noah", "Olivier",
    "Jean-Luc", "Karl", "Mikhail", "Raj", "Wei", "Hiroshi", "Kwame", "Chidi", "Dmitri", "Nikolaos", "Björn",
]  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    patients: int
    cases: int
    meetings: int
    agenda_items: int

    def __add__(self, other: "Seeded") -> "Seeded":
        return Seeded(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def hospital_number(n: int) -> str:
    return HOSPITAL_NUMBER.format(n)


def seed_scale(n: int, coordinator, chair, today: date | None = None) -> Seeded:
    """Create what is missing of scale patients 1..N, their cases and their past meetings (module docstring)."""
    today = today or timezone.localdate()
    existing = set(Patient.objects.filter(hospital_number__startswith="SC").values_list("hospital_number", flat=True))
    numbers = [number for number in range(1, n + 1) if hospital_number(number) not in existing]
    seeded = Seeded(0, 0, 0, 0)
    if not numbers:
        return seeded
    writer = _CaseWriter(_stages(), coordinator, timezone.now())
    with _large_cache(), transaction.atomic():
        for start in range(0, len(numbers), BATCH):
            seeded += _seed_batch(numbers[start : start + BATCH], writer, coordinator, chair, today)
    return seeded


@contextmanager
def _large_cache():
    """On SQLite, keep the indexes being filled in memory: 100,000 cases take half the time (22 s, not 39 s)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        previous = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _stages() -> list[list[dict]]:
    """For each demo case, its findings as recorded after 0, 1, … all steps, each checked by the engine."""
    templates = []
    for demo in DEMO_CASES:
        findings = {name: Case._meta.get_field(name).to_python(value) for name, value in demo["findings"].items()}
        stages = []
        for count in range(len(STEPS) + 1):
            fields = {name for step in STEPS[:count] for name in step.fields}
            stage = {name: value for name, value in findings.items() if name in fields}
            case = Case(**stage, patient=Patient(date_of_birth=date(1960, 1, 1)))
            try:
                facts_from_dict(case.to_facts(date(2026, 1, 1)))
            except FactsError as exc:
                raise ValueError(f"demo case {demo['patient'][0]} after {count} steps is contradictory: {exc}") from exc
            stages.append(stage)
        templates.append(stages)
    return templates


def _patient(number: int, rng: random.Random) -> Patient:
    female = rng.random() < 0.5
    born = date(1935, 1, 1) + timedelta(days=rng.randrange(60 * 365))
    return with_search_name(
        Patient(
            hospital_number=hospital_number(number),
            family_name=rng.choice(FAMILY_NAMES),
            given_name=rng.choice(FEMALE if female else MALE),
            date_of_birth=born,
            sex="female" if female else "male",
        )
    )


@dataclass(frozen=True)
class _Stage:
    """A demo case's findings after some steps, prepared once for the database (most of a case's columns)."""

    question: str
    steps_saved: int  # steps with findings, each saved once
    complete: bool
    prepared: dict  # column -> database value


class _CaseWriter:
    """Insert cases with one executemany per batch.

    bulk_create spends most of its time preparing each of a case's sixty values through its field (about
    a minute for 100,000 cases on SQLite). Here a case is one of the demo cases' 72 stages, prepared once
    by the same fields, plus a handful of values of its own, prepared per row: the rows are what the ORM
    would write.
    """

    def __init__(self, templates: list[list[dict]], coordinator, now: datetime) -> None:
        self.fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
        self.by = coordinator.get_full_name()
        base = {f.name: f.get_default() for f in self.fields}
        base |= {"referring_clinician": "Dr R. Demo, Gastroenterology", "created_by": coordinator.pk}
        base |= {"created_at": now, "updated_at": now}
        self.stages = [
            [
                _Stage(
                    question=DEMO_CASES[demo]["question"],
                    steps_saved=sum(1 for step in STEPS[:count] if step.fields),
                    complete=count == len(STEPS),
                    prepared={f.column: f.get_db_prep_save((base | findings)[f.name], connection) for f in self.fields},
                )
                for count, findings in enumerate(stages)
            ]
            for demo, stages in enumerate(templates)
        ]
        self.sql = _insert_sql(Case, [f.column for f in self.fields])

    def row(self, number: int, patient: Patient, rng: random.Random, today: date) -> tuple:
        """Return the column values of scale case NUMBER, of PATIENT."""
        age = (number - 1) // PER_DAY
        demo = self.stages[rng.randrange(len(self.stages))]
        stage = demo[rng.randrange(len(demo))] if age < WORK_UP_DAYS else demo[-1]
        if age >= CLOSED_AFTER_DAYS:
            status = CaseStatus.CLOSED
        elif age >= WORK_UP_DAYS:
            status = CaseStatus.DISCUSSED
        elif stage.complete and rng.random() < 0.6:
            status = CaseStatus.READY
        else:
            status = CaseStatus.DRAFT
        referred = today - timedelta(days=age)
        saved_at = timezone.make_aware(datetime.combine(referred, time(9))).isoformat()
        saved = [step for step in STEPS if step.fields][: stage.steps_saved]
        own = {
            "public_id": uuid.UUID(int=rng.getrandbits(128), version=4),
            "patient": patient.pk,
            "referral_date": referred,
            "question": stage.question,
            "status": status.value,
            "version": 1 + stage.steps_saved,
            "step_versions": {
                step.slug: {"version": n, "by": self.by, "at": saved_at} for n, step in enumerate(saved, 2)
            },
        }
        return tuple(
            f.get_db_prep_save(own[f.name], connection) if f.name in own else stage.prepared[f.column]
            for f in self.fields
        )

    def insert(self, rows: list[tuple]) -> None:
        _execute_many(self.sql, rows)


def _execute_many(sql: str, rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert_sql(model, columns: list[str]) -> str:
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    values = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) VALUES ({values})"  # noqa: S608


def _meeting(age: int, chair, coordinator, today: date) -> Meeting:
    held = today - timedelta(days=age) + timedelta(days=WORK_UP_DAYS)
    return Meeting(
        public_id=uuid.uuid5(MEETING_NAMESPACE, str(age)),
        title="Neuroendocrine tumour board",
        scheduled_at=timezone.make_aware(datetime.combine(held, time(16))),
        location="Seminar room 2, Surgery building",
        chair=chair,
        status=MeetingStatus.CLOSED,
        created_by=coordinator,
    )


def _seed_batch(numbers: list[int], writer: _CaseWriter, coordinator, chair, today: date) -> Seeded:
    rngs = {number: random.Random(number) for number in numbers}  # noqa: S311 (made-up data, reproducible)
    patients = Patient.objects.bulk_create([_patient(number, rngs[number]) for number in numbers])
    # Words and agenda items have few columns: written as rows directly, like the cases.
    _execute_many(
        _insert_sql(PatientNameWord, ["patient_id", "word"]),
        [(word.patient_id, word.word) for word in name_words(patients)],
    )
    writer.insert([writer.row(number, p, rngs[number], today) for number, p in zip(numbers, patients, strict=True)])
    case_of = dict(Case.objects.filter(patient__in=[p.pk for p in patients]).values_list("patient", "pk"))
    # The board meeting of each referral day older than the work-up window, created when missing.
    days = {number: (number - 1) // PER_DAY for number in numbers}
    wanted = {uuid.uuid5(MEETING_NAMESPACE, str(age)): age for age in sorted(set(days.values())) if age >= WORK_UP_DAYS}
    meetings = {m.public_id: m for m in Meeting.objects.filter(public_id__in=wanted)}
    new = Meeting.objects.bulk_create(
        [_meeting(age, chair, coordinator, today) for public_id, age in wanted.items() if public_id not in meetings]
    )
    meetings.update({m.public_id: m for m in new})
    by_day = {age: meetings[public_id] for public_id, age in wanted.items()}
    public_id = AgendaItem._meta.get_field("public_id")
    now = AgendaItem._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    items = [
        (
            public_id.get_db_prep_save(uuid.UUID(int=rngs[number].getrandbits(128), version=4), connection),
            by_day[days[number]].pk,
            case_of[p.pk],
            (number - 1) % PER_DAY + 1,
            10,
            now,
            now,
            "",
            rngs[number].randint(90, 420),
            rngs[number].random() < 0.9,
        )
        for number, p in zip(numbers, patients, strict=True)
        if days[number] >= WORK_UP_DAYS
    ]
    columns = [
        "public_id", "meeting_id", "case_id", "position", "planned_minutes", "created_at", "updated_at", "closing",
        "discussion_seconds", "workup_complete",
    ]  # fmt: skip
    _execute_many(_insert_sql(AgendaItem, columns), items)
    return Seeded(len(patients), len(case_of), len(new), len(items))
