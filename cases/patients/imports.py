"""Read patients from a FHIR Bundle of Patients, a single Patient, or a CSV file, and check each row.

`read_file` parses the bytes into rows (each with its values or the fields that are wrong), `check_rows`
decides for every row what an import would do — create, update, leave unchanged or refuse, with the reason —
against the patients already registered. Nothing here writes: the dry run is this module's result, and
`cases.patients.services.import_patients` writes what a coordinator confirmed, checking again.

Matching is on the hospital number alone. A row whose hospital number is registered with another family
name, given name or date of birth is refused, never overwritten: two people under one number is an error in
one of the systems, for a person to sort out. Only the sex is updated (e.g. "unknown" to "female").

The CSV's columns (docs/fhir.md): hospital_number, family_name, given_names, date_of_birth (YYYY-MM-DD),
sex (female, male, other, unknown; F and M too; empty is unknown), with that header line, UTF-8, commas or
semicolons.
"""

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone

from cases.patients.models import Patient, Sex

MAX_BYTES = 10 * 1024 * 1024
# The most rows one file may hold: the dry run keeps them all, and one transaction writes them.
MAX_ROWS = 50_000
CSV_COLUMNS = ("hospital_number", "family_name", "given_names", "date_of_birth", "sex")
SEX_ALIASES = {"f": Sex.FEMALE, "m": Sex.MALE, "": Sex.UNKNOWN}
FIELD_LENGTHS = {"hospital_number": 32, "family_name": 100, "given_name": 100}
EARLIEST_BIRTH = date(1900, 1, 1)  # as Patient's patient_dob_plausible constraint


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REFUSE = "refuse"


class ImportFileError(Exception):
    """The file as a whole cannot be read (size, encoding, JSON, resource type, CSV header): says where and why."""


@dataclass
class Row:
    """One patient of the file: where it is (`row`: CSV line or FHIR entry), its values, and what an import does."""

    row: str
    hospital_number: str = ""
    family_name: str = ""
    given_name: str = ""
    date_of_birth: str = ""  # ISO, once valid
    sex: str = ""
    problems: list[str] = field(default_factory=list)
    action: str = ""
    reason: str = ""

    def as_dict(self) -> dict:
        values = asdict(self)
        del values["problems"]
        return values


def read_file(name: str, data: bytes) -> list[Row]:
    """Parse DATA (the file NAME) into rows; raise ImportFileError when the file as a whole is unreadable."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; at most {MAX_BYTES // 1024 // 1024} MB is accepted. "
            "Split it into smaller files."
        )
    if not data.strip():
        raise ImportFileError("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read). Save it as UTF-8 (CSV) or FHIR JSON."
        ) from None
    is_json = name.lower().endswith(".json") or text.lstrip().startswith("{")
    rows = read_fhir(text) if is_json else read_csv(text)
    if not rows:
        raise ImportFileError("The file holds no patients.")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"The file holds {len(rows):,} patients; at most {MAX_ROWS:,} are accepted at once.")
    return rows


# --- FHIR ----------------------------------------------------------------------------------------------


def read_fhir(text: str) -> list[Row]:
    """Rows from a FHIR R4 Bundle of Patient resources, or a single Patient."""
    try:
        resource = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise ImportFileError(f"The file is not valid JSON: {exc.msg} at {where}.") from None
    if not isinstance(resource, dict):
        raise ImportFileError("The JSON is not a FHIR resource (an object with a resourceType).")
    kind = resource.get("resourceType")
    if kind == "Patient":
        return [patient_row("the Patient", resource)]
    if kind != "Bundle":
        raise ImportFileError(
            f"resourceType is {kind!r}: only a Bundle of Patient resources or a single Patient is imported."
        )
    entries = resource.get("entry") or []
    if not isinstance(entries, list):
        raise ImportFileError("Bundle.entry is not a list of entries.")
    rows = []
    for number, entry in enumerate(entries, 1):
        where = f"entry {number}"
        patient = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(patient, dict):
            rows.append(Row(row=where, problems=["resource: missing (each entry must hold a Patient)"]))
        elif patient.get("resourceType") != "Patient":
            kind = patient.get("resourceType")
            rows.append(Row(row=where, problems=[f"resourceType: {kind!r} is not imported (only Patient)"]))
        else:
            rows.append(patient_row(where, patient))
    return rows


def patient_row(where: str, patient: dict) -> Row:
    """The row of one Patient resource: its hospital number (by the configured system), official name,
    birth date and gender."""
    row = Row(row=where)
    system = settings.FHIR_HOSPITAL_NUMBER_SYSTEM
    identifiers = [i for i in patient.get("identifier") or [] if isinstance(i, dict) and i.get("system") == system]
    if not identifiers:
        row.problems.append(f"identifier: none with system {system} (the hospital number)")
    else:
        set_text(row, "hospital_number", identifiers[0].get("value"))
    names = [n for n in patient.get("name") or [] if isinstance(n, dict)]
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else None)
    if name is None:
        row.problems.append("name: missing")
    else:
        set_text(row, "family_name", name.get("family"), label="name.family")
        given = name.get("given") or []
        set_text(row, "given_name", " ".join(g for g in given if isinstance(g, str)), label="name.given")
    set_birth_date(row, patient.get("birthDate"), label="birthDate")
    gender = patient.get("gender")
    if gender is None:
        row.sex = Sex.UNKNOWN
    elif gender in Sex.values:
        row.sex = gender
    else:
        row.problems.append(f"gender: {gender!r} is not one of {', '.join(Sex.values)}")
    return row


# --- CSV -----------------------------------------------------------------------------------------------


def read_csv(text: str) -> list[Row]:
    """Rows from a CSV with the documented header; row numbers are the file's lines (the header is line 1)."""
    header = text.splitlines()[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns = [c.strip().lower() for c in next(reader)]
    missing = [c for c in CSV_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError(
            f"Line 1 (the header) lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"The columns are: {', '.join(CSV_COLUMNS)}."
        )
    where = {column: columns.index(column) for column in CSV_COLUMNS}
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # a blank line, e.g. at the end
            line = reader.line_num
            if len(values) != len(columns):
                rows.append(Row(row=f"line {line}", problems=[f"{len(values)} values, the header has {len(columns)}"]))
                continue
            row = Row(row=f"line {line}")
            set_text(row, "hospital_number", values[where["hospital_number"]])
            set_text(row, "family_name", values[where["family_name"]])
            set_text(row, "given_name", values[where["given_names"]], label="given_names")
            set_birth_date(row, values[where["date_of_birth"]].strip(), label="date_of_birth")
            sex = values[where["sex"]].strip().lower()
            if sex in Sex.values:
                row.sex = sex
            elif sex in SEX_ALIASES:
                row.sex = SEX_ALIASES[sex]
            else:
                row.problems.append(f"sex: {sex!r} is not one of {', '.join(Sex.values)} (or F, M)")
            rows.append(row)
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise ImportFileError(f"Line {reader.line_num} cannot be read as CSV: {exc}.") from None
    return rows


# --- values --------------------------------------------------------------------------------------------


def set_text(row: Row, name: str, value, *, label: str | None = None) -> None:
    """Set ROW's NAME from VALUE (stripped, inner whitespace collapsed), or note what is wrong with it."""
    label = label or name
    if value is not None and not isinstance(value, str):
        row.problems.append(f"{label}: not text")
        return
    text = " ".join((value or "").split())
    if name == "hospital_number":
        text = text.upper()  # as the registration form keeps it
    if not text:
        row.problems.append(f"{label}: missing")
    elif len(text) > FIELD_LENGTHS[name]:
        row.problems.append(f"{label}: {len(text)} characters, at most {FIELD_LENGTHS[name]}")
    else:
        setattr(row, name, text)


def set_birth_date(row: Row, value, *, label: str) -> None:
    """Set ROW's date of birth from an ISO date (YYYY-MM-DD), or note what is wrong with it."""
    if not value:
        row.problems.append(f"{label}: missing")
        return
    if not isinstance(value, str):
        row.problems.append(f"{label}: not a date")
        return
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        row.problems.append(f"{label}: {value!r} is not a date (YYYY-MM-DD, e.g. 1958-03-21)")
    elif day < EARLIEST_BIRTH:
        row.problems.append(f"{label}: {value} is before {EARLIEST_BIRTH:%Y}")
    elif day > timezone.localdate():
        row.problems.append(f"{label}: {value} is in the future")
    else:
        row.date_of_birth = day.isoformat()


# --- the dry run ---------------------------------------------------------------------------------------


def same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def check_rows(rows: list[Row]) -> list[Row]:
    """Decide each row's action and reason against the registered patients (reads only); return ROWS."""
    numbers = {row.hospital_number for row in rows if not row.problems}
    registered = {}
    ordered = sorted(numbers)
    for start in range(0, len(ordered), 500):  # under every database's limit of query parameters
        chunk = ordered[start : start + 500]
        for patient in Patient.objects.filter(hospital_number__in=chunk).only(
            "hospital_number", "family_name", "given_name", "date_of_birth", "sex"
        ):
            registered[patient.hospital_number] = patient
    first_seen: dict[str, str] = {}
    for row in rows:
        if row.problems:
            row.action, row.reason = Action.REFUSE, "; ".join(row.problems)
            continue
        if row.hospital_number in first_seen:
            row.action = Action.REFUSE
            row.reason = f"hospital_number: {row.hospital_number} is also in {first_seen[row.hospital_number]}"
            continue
        first_seen[row.hospital_number] = row.row
        patient = registered.get(row.hospital_number)
        if patient is None:
            row.action, row.reason = Action.CREATE, "new hospital number"
            continue
        mismatches = [
            label
            for label, differs in (
                ("family name", not same_name(patient.family_name, row.family_name)),
                ("given name", not same_name(patient.given_name, row.given_name)),
                ("date of birth", patient.date_of_birth.isoformat() != row.date_of_birth),
            )
            if differs
        ]
        if mismatches:
            row.action = Action.REFUSE
            row.reason = (
                f"hospital_number: {row.hospital_number} is registered with another {' and '.join(mismatches)}; "
                "not overwritten (check which system is right and correct it by hand)"
            )
        elif patient.sex != row.sex:
            row.action, row.reason = Action.UPDATE, f"sex: {patient.sex} → {row.sex}"
        else:
            row.action, row.reason = Action.UNCHANGED, "already registered with these details"
    return rows


def count(rows: list[dict] | list[Row]) -> dict[str, int]:
    """How many rows have each action."""
    actions = [row["action"] if isinstance(row, dict) else row.action for row in rows]
    return {action: actions.count(action) for action in (Action.CREATE, Action.UPDATE, Action.UNCHANGED, Action.REFUSE)}
