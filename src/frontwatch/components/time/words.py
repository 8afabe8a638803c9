"""What the time stage reads and writes: :class:`TimeLexicon` (``time_words.json``),
:class:`TimeMention`, the tables of ``time_patterns.json``, and the tense of a clause."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from spacy.tokens import Doc, Span, Token

from frontwatch.errors import Errors, FrontwatchError
from frontwatch.lexicon import load, read, speech_verbs
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers doc._.fw_published)
from frontwatch.records import DatePrecision, EventDate

logger = logging.getLogger(__name__)
Kind = Literal["absolute", "relative", "duration", "range"]
_G = dict[str, Any]  # the named groups of a pattern match
_Pub = dt.date | None  # the publication date
Tense = Literal["past", "present", "progressive", "perfect", "future", "unknown"]
if not Doc.has_extension("fw_times"):
    Doc.set_extension("fw_times", default=None)
LEXICON_RESOURCE = "data/lexicon/time_words.json"
_RESOLUTION = load("time_patterns")["resolution"]
_NOT_DATES = load("time_patterns")["not_dates"]
_FUTURE_AUXILIARIES = frozenset(_RESOLUTION["future_auxiliaries"])
_UNSCHEDULED = frozenset(_RESOLUTION["unscheduled_future_verbs"])  # future verbs, not schedules
_AGE_WORDS = frozenset(_NOT_DATES["age_words"])  # "20 years old", "at the age of"
_AGE_FOLLOWERS = frozenset(_NOT_DATES["age_followers"])
# the words of a pattern's "which" and "dir" groups, by what they say
_ANAPHORIC_WHICH = frozenset(_RESOLUTION["anaphoric_which"])  # "the previous day"
_NEXT_WHICH = frozenset(_RESOLUTION["next_which"])  # "next Monday", "the coming weekend"
_FORWARD_WHICH = frozenset(_RESOLUTION["forward_which"])  # "over the next three days"
_PAST_WHICH = frozenset(_RESOLUTION["past_which"])  # "last summer"
_BACKWARD = frozenset(_RESOLUTION["backward_directions"])  # "two days earlier"
# A discourse reference interval must lie within this many sentences before the mention.
CONTEXT_SENTENCES = 2
# Wider context intervals are too vague to serve as an inferred event date.
MAX_DEFAULT_DAYS = 62
HISTORICAL_DAYS = 365
# a weekday or month name inside one of these entities is part of a name, not a date
_NAME_LABELS = frozenset({"ORG", "PERSON", "WORK_OF_ART", "PRODUCT", "FAC"})


@dataclass(frozen=True)
class TimeLexicon:
    """The word lists of ``time_words.json`` (see docs/dates.md)."""

    version: str
    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, float]
    vague_numbers: dict[str, tuple[int, int]]
    units: dict[str, str]
    recent: dict[str, int]
    seasons: dict[str, tuple[int, int]]
    day_parts: frozenset[str]
    guard_words: frozenset[str]
    future_verbs: frozenset[str]
    report_verbs: frozenset[str]
    anchor_words: frozenset[str]
    frequency_words: frozenset[str]


@dataclass
class TimeMention:
    """A date or time expression and its resolution.

    ``span`` is ``(start_char, end_char)`` and ``tokens`` ``(start, end)`` token offsets in the
    Doc. ``start``/``end`` are inclusive dates (``None`` when unresolved). ``reference`` is the
    character span of the context mention used to resolve it (narrative reference time), if any.
    """

    text: str
    span: tuple[int, int]
    start: dt.date | None
    end: dt.date | None
    precision: DatePrecision
    kind: Kind
    tokens: tuple[int, int]
    tense: Tense = "unknown"
    anchor: int | None = None
    reference: tuple[int, int] | None = None
    pattern: str = ""

    @property
    def resolved(self) -> bool:
        return self.start is not None and self.end is not None

    def to_event_date(self) -> EventDate:
        return EventDate(
            text=self.text,
            span=self.span,
            start=self.start,
            end=self.end,
            precision=self.precision,
            inferred=False,
        )


@dataclass(frozen=True)
class _Atom:
    """A parsed calendar expression: any field may be missing."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None


@dataclass(frozen=True)
class _Resolution:
    start: dt.date | None
    end: dt.date | None
    precision: DatePrecision
    kind: Kind

    @staticmethod
    def unknown(kind: Kind) -> _Resolution:
        return _Resolution(None, None, "unknown", kind)


@dataclass
class _Candidate:
    pattern: str
    start_char: int
    end_char: int
    groups: dict[str, Any] = field(default_factory=dict)


def load_lexicon(path: str | Path | None = None) -> TimeLexicon:
    """Read ``time_words.json`` (the shipped one when ``path`` is None). Its reporting verbs
    are the speech verbs of ``attribution.json`` used for dates (``report_date``)."""
    try:
        data = load("time_words") if path is None else read(path)
        logger.debug("time lexicon %s read from %s", data.get("version"), path or LEXICON_RESOURCE)
        return TimeLexicon(
            version=str(data["version"]),
            months={str(k): int(v) for k, v in data["months"].items()},
            weekdays={str(k): int(v) for k, v in data["weekdays"].items()},
            numbers={str(k).lower(): float(v) for k, v in data["numbers"].items()},
            vague_numbers={
                str(k).lower(): (int(v[0]), int(v[1])) for k, v in data["vague_numbers"].items()
            },
            units={str(k).lower(): str(v) for k, v in data["units"].items()},
            recent={str(k): int(v) for k, v in data["recent"].items()},
            seasons={str(k).lower(): (int(v[0]), int(v[1])) for k, v in data["seasons"].items()},
            day_parts=frozenset(str(w).lower() for w in data["day_parts"]),
            guard_words=frozenset(str(w).lower() for w in data["guard_words"]),
            future_verbs=frozenset(str(w).lower() for w in data["future_verbs"]),
            report_verbs=speech_verbs("report_date"),
            anchor_words=frozenset(str(w).lower() for w in data["anchor_words"]),
            frequency_words=frozenset(str(w).lower() for w in data["frequency_words"]),
        )
    except (OSError, KeyError, TypeError, ValueError, IndexError) as err:
        raise FrontwatchError(Errors.E101, path=path or LEXICON_RESOURCE, detail=err) from err


def _is_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "auxpass")


def _governing_verb(span: Span) -> Token | None:
    """The first verb above the expression's root (the word the expression dates)."""
    token = span.root
    for _ in range(12):
        if token.head.i == token.i:
            return token if _is_verb(token) else None
        token = token.head
        if span.start <= token.i < span.end:
            continue
        if _is_verb(token):
            return token
    return None


def _tense(verb: Token | None, lex: TimeLexicon) -> Tense:
    if verb is None:
        return "unknown"
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lowers = {a.lower_ for a in auxes}
    if lowers & _FUTURE_AUXILIARIES and "have" not in lowers:
        return "future"
    head = verb.head
    if (
        verb.dep_ == "xcomp"
        and head.i != verb.i
        and (
            head.lemma_.lower() in lex.future_verbs
            and not (head.lemma_.lower() == "go" and head.tag_ != "VBG")
        )
    ):
        return "future"
    scheduled = lex.future_verbs - _UNSCHEDULED
    if verb.lemma_.lower() in scheduled and verb.tag_ == "VBN":
        finite = [a for a in auxes if "Pres" in a.morph.get("Tense", [])]
        if finite:
            return "future"
    if any(a.lemma_ == "have" for a in auxes):
        return "perfect"
    tensed = next((a for a in auxes if a.morph.get("Tense", [])), None)
    if tensed is not None:
        if "Past" in tensed.morph.get("Tense", []):
            return "past"
        if "Prog" in verb.morph.get("Aspect", []):
            return "progressive"
        return "present"
    if "Past" in verb.morph.get("Tense", []) and verb.tag_ == "VBD":
        return "past"
    if "Pres" in verb.morph.get("Tense", []):
        return "present"
    return "unknown"
