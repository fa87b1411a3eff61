"""``manage.py recommend FILE``: case facts as JSON in, the engine's assessment as JSON out.

The contract other tools rely on (docs/clinical-rules.md, "manage.py recommend: the contract"):

- Input: FILE (``-`` = stdin) holds one case object or a list of them, grouped as the engine's facts
  (``patient``, ``primary``, ``nodes``, ``pathology``, ``syndrome``, ``heart``, ``liver``, ``extrahepatic``,
  ``workup``); a missing key or ``null`` means unknown.
- Output: one assessment object or a list in the same order, on stdout, exit 0. An assessment has ``t``,
  ``n``, ``m``, ``m_category``, ``stage``, ``grade``, ``liver_pattern``, ``recommendations``,
  ``missing_workup``, ``guideline_version`` and ``notes``. Each recommendation has ``code``, ``verdict``
  (``recommended``, ``consider``, ``not_recommended``), ``title``, ``reasons`` (the deciding reason first,
  then for, against, unknown facts, context), ``citations``, and, added in round 2, ``why`` (the deciding
  reason, one sentence) and ``to_confirm`` (``[{"field": "liver.resectable_percent", "label": ...}]``: the
  unknown facts whose value could change the verdict). Consumers key options by ``code``; the contract only
  grows (new keys, new codes), it never renames or removes.
- Invalid input exits 2 with nothing on stdout and every problem on stderr, one per line, each naming the
  field (``[1].liver.lesions: ...`` for the second case of a list): a bad value, an unknown key, or facts that
  contradict each other (``extrahepatic.progressive: cannot be true when no extrahepatic disease is
  recorded ...``), checked by the engine's one ``contradictions()`` that the pathway's forms share.
- Input larger than MAX_INPUT_BYTES is invalid too: it is refused before it is parsed (a 50 MB list once took
  3.9 GB of memory). A list's assessments are written one by one as they are made, so the output is never
  held whole in memory.
"""

import json
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand

from cases.pathways.engine import FactsError, assessment_to_dict, evaluate, facts_from_dict
from cases.pathways.guideline_versions import active_guideline

INVALID_INPUT = 2
# About 7,500 fully recorded cases (1.3 KB each); assessing that many peaks at about 130 MB of memory.
MAX_INPUT_BYTES = 10 * 1024 * 1024


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse an object that repeats a key: JSON parsers silently keep the last one, hiding a typo."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKeyError(f'invalid JSON: duplicate key "{key}"')
        seen[key] = value
    return seen


class Command(BaseCommand):
    help = "Assess case facts given as JSON (a case object or a list of them) and print the result as JSON."
    stealth_options = ("stdin",)  # lets call_command(..., stdin=StringIO(...)) feed "-" in tests

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file with case facts, or - to read standard input")

    def handle(self, *args, file: str, **options):
        try:
            output = self._assess(self._read(file, options.get("stdin") or sys.stdin))
        except FactsError as error:
            for line in error.errors:
                self.stderr.write(line)
            sys.exit(INVALID_INPUT)
        if isinstance(output, Iterator):
            self._write_list(output)
        else:
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))

    def _write_list(self, assessments: Iterator[dict]) -> None:
        """Write ASSESSMENTS as one JSON list, each as soon as it is made (the text json.dumps would give)."""
        opening = "[\n"
        for assessment in assessments:
            item = textwrap.indent(json.dumps(assessment, ensure_ascii=False, indent=2), "  ")
            self.stdout.write(opening + item, ending="")
            opening = ",\n"
        self.stdout.write("[]" if opening == "[\n" else "\n]")

    def _read(self, file: str, stdin) -> Any:
        try:
            if file == "-":
                # The bytes under a text stdin; call_command(stdin=StringIO(...)) in tests has none.
                raw = _read_at_most(getattr(stdin, "buffer", stdin), MAX_INPUT_BYTES)
            else:
                with open(file, "rb") as handle:
                    raw = _read_at_most(handle, MAX_INPUT_BYTES)
            if len(raw) > MAX_INPUT_BYTES:
                source = "standard input" if file == "-" else file
                raise FactsError(
                    [
                        f"input too large: {source} holds more than {MAX_INPUT_BYTES // (1024 * 1024)} MB "
                        "(about 7,500 cases); split the list over several runs"
                    ]
                )
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise FactsError([f"cannot read {file}: {getattr(error, 'strerror', None) or error}"]) from error
        try:
            return json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as error:
            raise FactsError([f"invalid JSON: {error.msg} at line {error.lineno}, column {error.colno}"]) from error
        except _DuplicateKeyError as error:
            raise FactsError([str(error)]) from error
        except (ValueError, RecursionError) as error:  # e.g. an integer beyond Python's digit limit
            raise FactsError([f"invalid JSON: {error}"]) from error

    def _assess(self, data: Any) -> Any:
        guideline = active_guideline()
        if isinstance(data, list):
            errors: list[str] = []
            facts = []
            for index, item in enumerate(data):
                try:
                    facts.append(facts_from_dict(item, prefix=f"[{index}]"))
                except FactsError as error:
                    errors.extend(error.errors)
            if errors:
                raise FactsError(errors)
            return (assessment_to_dict(evaluate(case, guideline)) for case in facts)
        return assessment_to_dict(evaluate(facts_from_dict(data), guideline))


def _read_at_most(stream, limit: int) -> bytes:
    """Return STREAM's bytes, but never more than LIMIT + 1 of them: enough to tell that it is too long."""
    data = stream.read(limit + 1)
    # A text stream (tests) gives characters: up to four bytes each, so the first LIMIT + 1 are plenty.
    return data.encode("utf-8") if isinstance(data, str) else data
