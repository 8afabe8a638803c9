"""Number words and numerals: parsing and malformed-number detection.

Pure functions over strings, used by :mod:`frontwatch.components.quantities`:

- :func:`parse_numeral` reads one numeral token ("1,500", "2.5", "1,50,000", "4bn");
- :func:`parse_number_words` reads a sequence of number words and numerals
  ("Two hundred", "one thousand", "two and a half million", "2.5 million");
- :func:`find_malformed_numbers` finds digit groupings that no convention allows
  ("180, 0000", "1,5000").

Grouping conventions (documented in docs/quantities.md): Western grouping by three digits
("1,500,000") and Indian grouping (lakh/crore: "1,50,000" = 150000, "1,00,00,000") are valid.
Any other comma grouping, and a comma followed by a space inside a digit group whose next group
is not three digits long ("180, 0000"), is malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lexicon import table, words

SMALL_NUMBERS: dict[str, int] = table("number_words", "small_numbers")
SCALES: dict[str, int] = table("number_words", "scales")
# "m" and "k" are left out: "25m" is as often metres as millions
SCALE_ABBREVIATIONS: dict[str, int] = table("number_words", "scale_abbreviations")
FRACTIONS = words("number_words", "fractions")  # "half", "quarter"
ARTICLES = words("number_words", "articles")  # "a dozen", "a half"
NUMBER_WORDS = frozenset([*SMALL_NUMBERS, *SCALES, "dozen", *FRACTIONS])
_WESTERN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_INDIAN = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_WITH_SCALE = re.compile(r"(?P<num>[\d.,]+)(?P<scale>mn|mln|bn|tn)", re.IGNORECASE)
# a digit group, then one or more commas each followed by a space or another digit group.
_COMMA_NUMBER = re.compile(r"(?<![\d.,])\d+(?:,\s?\d+)+(?![\d])")


def parse_numeral(text: str) -> float | None:
    """Value of one numeral token, or None if it is not a well-formed numeral.

    >>> parse_numeral("1,500"), parse_numeral("1,50,000"), parse_numeral("4bn")
    (1500.0, 150000.0, 4000000000.0)
    """
    text = text.strip()
    if _PLAIN.fullmatch(text) or _WESTERN.fullmatch(text) or _INDIAN.fullmatch(text):
        return float(text.replace(",", ""))
    match = _WITH_SCALE.fullmatch(text)
    if match:
        base = parse_numeral(match.group("num"))
        if base is not None:
            return base * SCALE_ABBREVIATIONS[match.group("scale").lower()]
    return None


def word_value(word: str) -> float | None:
    """Value of one number word or numeral ("six", "1,500"); None for anything else."""
    lower = word.lower()
    if lower in SMALL_NUMBERS:
        return float(SMALL_NUMBERS[lower])
    if lower in SCALES:
        return float(SCALES[lower])
    if lower == "dozen":
        return 12.0
    return parse_numeral(word)


def is_number_word(word: str) -> bool:
    """True for a number word ("six", "hundred", "dozen") or a numeral ("1,500")."""
    return word.lower() in NUMBER_WORDS or parse_numeral(word) is not None


def parse_number_words(words: list[str]) -> float | None:
    """Value of a run of number words and numerals, or None if the run does not parse.

    Handles "Two hundred", "one thousand", "one hundred and fifty", "two and a half million",
    "2.5 million", "a dozen", "two dozen", "twenty - five" (hyphen tokens are skipped).

    >>> parse_number_words(["Two", "hundred"]), parse_number_words(["2.5", "million"])
    (200.0, 2500000.0)
    """
    total = 0.0
    current: float | None = None
    seen = False
    pending_fraction = False
    for raw in words:
        word = raw.lower()
        if word in {"-", "–", "and"}:
            continue
        if word in ARTICLES:
            pending_fraction = True
            continue
        if word in FRACTIONS:
            fraction = 0.5 if word == "half" else 0.25
            current = (current or 0.0) + fraction if current is not None else fraction
            pending_fraction = False
            seen = True
            continue
        if word == "dozen":
            current = (current if current is not None else 1.0) * 12
            seen = True
            continue
        if word in SCALES:
            scale = SCALES[word]
            base = current if current is not None else 1.0
            if scale == 100:
                current = base * 100
            else:
                total += base * scale
                current = None
            seen = True
            continue
        value = word_value(raw)
        if value is None:
            return None
        current = (current or 0.0) + value
        seen = True
    if pending_fraction and not seen:
        return None
    if not seen:
        return None
    return total + (current or 0.0)


@dataclass(frozen=True)
class Malformed:
    """A malformed number in a text: its characters and why it is malformed."""

    text: str
    start: int
    end: int
    reason: str


def find_malformed_numbers(text: str) -> list[Malformed]:
    """Digit groupings that neither Western nor Indian convention allows.

    A comma followed by a space inside a number is malformed when the group after it cannot be a
    number of its own (it starts with 0: "1, 000") or is longer than three digits, and the group
    before it is one to three digits ("180, 0000"); otherwise the comma is punctuation
    ("5, 600", "In 2013, 1500 people", "June 12, 2014"). Without a space, the grouping must be
    Western or Indian ("1,5000" is malformed).
    A year followed by a comma and a number ("In 2003, 200 ...") is not a number.
    """
    found: list[Malformed] = []
    for match in _COMMA_NUMBER.finditer(text):
        chunk = match.group(0)
        groups = re.split(r",\s?", chunk)
        seps = re.findall(r",\s?", chunk)
        # Split the chunk at ", " separators that look like list punctuation: a group of 1-3
        # digits after ", " is read as a separate number (a list), not a broken group.
        pieces: list[tuple[int, int]] = []
        piece_start = 0
        offset = len(groups[0])
        previous = groups[0]
        for sep, group in zip(seps, groups[1:], strict=True):
            # after ", " a group belongs to the number when it cannot stand alone ("0000",
            # "000") or is long, and the number so far can take a digit group (1-3 digits)
            # a year after ", " is a date ("June 12, 2014"), not a broken group
            year = len(group) == 4 and group[:2] in {"18", "19", "20"}
            broken = (group.startswith("0") or len(group) > 3) and len(previous) <= 3 and not year
            if sep == ", " and not broken:
                pieces.append((piece_start, offset))
                piece_start = offset + len(sep)
            offset += len(sep) + len(group)
            previous = group
        pieces.append((piece_start, len(chunk)))
        for start, end in pieces:
            piece = chunk[start:end]
            if "," not in piece:
                continue
            if ", " in piece:
                reason = "a comma followed by a space inside a number"
            elif _WESTERN.fullmatch(piece) or _INDIAN.fullmatch(piece):
                continue
            else:
                reason = "digit groups are not three digits long"
            begin = match.start() + start
            found.append(Malformed(piece, begin, begin + len(piece), reason))
    return found
