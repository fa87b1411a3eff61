"""Finding patients by name or hospital number: the folding both sides share, and the indexed lookups.

A name is stored twice in searchable form (kept by `cases.patients.services.save_patient`):

- `Patient.search_name`: the name's words folded (below), family name first, then extra spellings. It is
  the sort key of the patient list and, on PostgreSQL, what the pg_trgm GIN index searches.
- `PatientNameWord`: one row per word of `search_name`, with a B-tree index. SQLite has no trigram index;
  a word-prefix lookup there is a range scan of this index.

Folding: lower case (`casefold`, so ß is ss); accents removed (NFKD, combining marks dropped, and the
letters Unicode does not decompose: ø o, æ ae, œ oe, ł l, đ/ð d, þ th, dotless i i); every other character that
is not a letter or digit separates words. It is applied to the name and to what is typed alike, so
"müller", "MULLER" and "Müller" all find both "Müller" and "Muller". German umlauts are also stored
transliterated ("Müller" is findable as "mueller"); the other way round is not folded: "muller" does not
find a record spelled "Mueller", which is a different spelling, not an accent.

A name made of several words is also stored joined ("van der Berg": van, der, berg and vanderberg;
"O'Brien": o, brien and obrien). What is typed is split at spaces, commas and semicolons only, and each
piece is folded with its other punctuation removed, so "o'brien", "obrien", "o brien" and "brien" all find
O'Brien, and the app's own display form "VAN DER BERG, Hendrik" finds Hendrik van der Berg.

A patient matches when every piece typed (of two letters or more) is the beginning of one of the name's
words, in any order; or when what was typed (spaces ignored, upper-cased) is the hospital number or, from
three characters on, its beginning. Both databases give the same answers
(tests/patients/test_patient_search.py).

Results are shown in name order. A search orders by SORT_NAME, an expression equal to `search_name` that no
index serves: PostgreSQL then reads the matches through the trigram index and sorts them, at a cost that
follows the number of matches. Ordered by the column itself, it walked the whole name index and filtered,
which for a common name late in the alphabet read most of the table (measured at 100,000 patients:
"smith" 52 ms walking, 8 ms sorting).
"""

import re
import unicodedata

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Concat

from cases.patients.models import PatientNameWord

# Letters Unicode does not decompose into a base letter and a combining mark (after casefold).
_UNDECOMPOSED = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i"})
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# Greater than any character a folded word or an upper-cased hospital number contains: the upper bound of a
# prefix range on a column compared byte by byte (SQLite's BINARY collation).
_AFTER_EVERY_CHARACTER = "\U0010ffff"
_TYPED_SEPARATORS = re.compile(r"[\s,;]+")
# A search reads every patient it matches (to show them in name order): a single letter, or a hospital
# number's first two characters, would match a tenth of the patients or all of them. A single letter next
# to a longer word is dropped ("K Lindqvist" searches Lindqvist); shorter numbers must match exactly.
MIN_WORD = 2
MIN_NUMBER_PREFIX = 3


# The search results' order: search_name's own values (so the keyset pages compare with the column).
SORT_NAME = Concat(F("search_name"), Value(""))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_UNDECOMPOSED)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_words(text: str) -> list[str]:
    """Return the words of TEXT folded: lower case, without accents, split at anything not a letter or digit."""
    return "".join(ch if ch.isalnum() else " " for ch in _strip_accents(text)).split()


def _name_words(name: str) -> list[str]:
    words = fold_words(name)
    extra = []
    if len(words) > 1:
        extra.append("".join(words))
    if name.casefold().translate(_UMLAUTS) != name.casefold():
        extra.extend(fold_words(name.casefold().translate(_UMLAUTS)))
    return words + [word for word in extra if word not in words]


def search_text(family_name: str, given_name: str) -> str:
    """Return the patient's search text: folded family name words, given name words, then other spellings."""
    family, given = _name_words(family_name), _name_words(given_name)
    plain = fold_words(family_name) + fold_words(given_name)
    extra = [word for word in family + given if word not in plain]
    return " ".join(plain + list(dict.fromkeys(extra)))


def typed_words(query: str) -> list[str]:
    """Return what was typed as folded pieces: split at spaces, commas and semicolons, other punctuation dropped."""
    pieces = ("".join(fold_words(piece)) for piece in _TYPED_SEPARATORS.split(query))
    return [piece for piece in pieces if piece]


def starts_with(field: str, prefix: str) -> Q:
    """Return a condition on FIELD beginning with PREFIX that the field's B-tree index serves.

    PostgreSQL: LIKE 'prefix%', served by Django's varchar_pattern_ops index (or the trigram index).
    SQLite: its LIKE ignores case, so it cannot use a BINARY index; a range can.
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + _AFTER_EVERY_CHARACTER})


def _word_starts_with(word: str, path: str) -> Q:
    if connection.vendor == "postgresql":
        # The first word or any word after a space, as one regular expression the trigram index serves: one scan
        # of the index per word, and the words' scans intersected inside it. Written as two LIKEs ('word%' OR
        # '% word%') it scanned the index twice per word for the same rows (at 100,000 patients "MÜLLER, Anna"
        # took 4.8 ms, now 1.8 ms). The folded words are letters and digits only; escaped all the same.
        return Q(**{f"{path}search_name__regex": f"(^| ){re.escape(word)}"})
    patients = PatientNameWord.objects.filter(starts_with("word", word)).values("patient_id")
    return Q(**{f"{path}pk__in": patients})


def patient_matches(query: str, path: str = "") -> Q | None:
    """Return the condition for patients matching QUERY (module docstring), or None when it names nobody
    precisely enough to search (see MIN_WORD and MIN_NUMBER_PREFIX).

    PATH leads from the model queried to the patient ("patient__" for cases).
    """
    words = [word for word in typed_words(query) if len(word) >= MIN_WORD]
    number = "".join(query.split()).upper()
    if not words and not number:
        return None
    by_number = Q(**{f"{path}hospital_number": number})
    if len(number) >= MIN_NUMBER_PREFIX:
        by_number = starts_with(f"{path}hospital_number", number)
    if not words:
        return by_number if len(number) >= MIN_NUMBER_PREFIX else None
    by_name = Q()
    for word in words:
        by_name &= _word_starts_with(word, path)
    return by_number | by_name
