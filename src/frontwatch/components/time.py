"""Date and time expressions, resolved against the publication date.

The ``fw_time`` component (after ``ner``) finds date expressions with surface patterns built from
the lexicon ``data/lexicon/time_words.json`` (plus spaCy ``DATE`` entities the patterns miss),
resolves each into a :class:`TimeMention` against ``doc._.fw_published`` (never "now") and the
discourse context (narrative reference time), and writes ``doc._.fw_times``.

Event assembly uses :func:`event_date`, :func:`default_date` and :func:`is_historical`.
The resolution rules, with examples, are in ``docs/dates.md``.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from frontwatch.errors import Errors, FrontwatchError
from frontwatch.lexicon import load, read, speech_verbs
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers doc._.fw_published)
from frontwatch.nlp.batching import BatchedPipe
from frontwatch.nlp.extensions import doc_text
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
# A discourse reference interval must lie within this many sentences before the mention.
CONTEXT_SENTENCES = 2
# Wider context intervals are too vague to serve as an inferred event date.
MAX_DEFAULT_DAYS = 62
HISTORICAL_DAYS = 365
# a weekday or month name inside one of these entities is part of a name, not a date
_NAME_LABELS = frozenset({"ORG", "PERSON", "WORK_OF_ART", "PRODUCT", "FAC"})


# --------------------------------------------------------------------------- records


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


# --------------------------------------------------------------------------- lexicon


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


def _alt(words: Iterable[str], abbreviations: bool = False) -> str:
    """A regex alternation, longest first; abbreviations may take a full stop."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        esc = re.escape(word).replace(r"\ ", r"\s+")
        if abbreviations and len(word) <= 4 and word not in ("May", "June", "July"):
            esc += r"\.?"
        parts.append(esc)
    return "(?:" + "|".join(parts) + ")"


# Characters that Python's case-insensitive matching equates with an ASCII letter although
# str.lower() does not turn them into it (dotted and dotless I, long s, Kelvin sign).
_CASE_ODDITIES = frozenset("\u0130\u0131\u017f\u212a")


class _CueText:
    """A text, lowercased once for cue words, with its regex cue answers remembered."""

    def __init__(self, text: str) -> None:
        self.text = text
        # without the odd characters, (?i:word) matches a text exactly where word is a
        # substring of its lowercase form
        self.lower: str | None = None if _CASE_ODDITIES.intersection(text) else text.lower()
        self.answers: dict[_Cue, bool] = {}


class _Cue:
    """Something every match of a pattern contains.

    ``regex`` is the piece as the pattern writes it (case rules included); ``words``, when the
    piece is a case-insensitive choice of plain ASCII words, lets the test be a substring
    search of the lowercased text instead.
    """

    def __init__(self, *, regex: str | None = None, words: Iterable[str] = ()) -> None:
        words = tuple(words)
        if regex is None:
            regex = "(?i:" + "|".join(words) + ")"
        self.regex = re.compile(regex)
        plain = bool(words) and all(w.isascii() and w.isalpha() for w in words)
        self.words = tuple(w.lower() for w in words) if plain else ()

    def found_in(self, text: _CueText) -> bool:
        answer = text.answers.get(self)
        if answer is None:
            if self.words and text.lower is not None:
                lower = text.lower
                answer = any(word in lower for word in self.words)
            else:
                answer = self.regex.search(text.text) is not None
            text.answers[self] = answer
        return answer


class _Patterns:
    """The compiled surface patterns, in priority order (ties go to the earlier one), from
    ``time_patterns.json`` and the word lists of a :class:`TimeLexicon`."""

    def __init__(self, lex: TimeLexicon) -> None:
        spec = load("time_patterns")
        number_words = sorted([*lex.numbers, *lex.vague_numbers], key=len, reverse=True)
        lists = {
            "number_words": "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in number_words),
            "units": "|".join(sorted(lex.units, key=len, reverse=True)),
            "day_parts": "|".join(sorted(lex.day_parts)),
            "seasons": "|".join(lex.seasons),
        }
        pieces = {"mon": _alt(lex.months, abbreviations=True), "wd": _alt(lex.weekdays)}
        for name, template in spec["alternations"].items():
            pieces[name] = template.format(**lists)
        for name, template in spec["pieces"].items():  # each may use the ones before it
            pieces[name] = template.format(**pieces)
        self.atoms: list[tuple[str, re.Pattern[str]]] = [
            (name, re.compile(template.format(**pieces))) for name, template in spec["atoms"]
        ]
        self.table = [
            (name, re.compile(rf"(?<![\w\-–]){template.format(**pieces)}(?![\w])"))
            for name, template in spec["patterns"]
        ]
        # Cues: what every match of a pattern contains (time_patterns.json). A text without
        # the cue is not scanned with the pattern: a regex that starts with a lookbehind and a
        # long alternation is tried at every character, and most patterns find nothing in most
        # texts. A cue is a case-sensitive regex, or words that the pattern matches
        # case-insensitively (see _Cue). A pattern without a cue is always run. Patterns with
        # the same cue share one (its answer for a text is computed once).
        made: dict[str, _Cue] = {}
        self.cues: dict[str, _Cue] = {}
        for name, cue in spec["cues"].items():
            key = json.dumps(cue, sort_keys=True)
            if key not in made:
                regex = pieces[cue["piece"]] if "piece" in cue else cue.get("regex")
                words = getattr(lex, cue["words_of"]) if "words_of" in cue else cue.get("words", ())
                made[key] = _Cue(regex=regex, words=words)
            self.cues[name] = made[key]

    def parse_atom(self, text: str, lex: TimeLexicon) -> _Atom | None:
        text = text.strip()
        for name, pattern in self.atoms:
            m = pattern.fullmatch(text)
            if m is None:
                continue
            g = m.groupdict()
            year = int(g["year"]) if g.get("year") else None
            month: int | None = None
            if name == "iso":
                month = int(g["month"])
            elif g.get("mon"):
                month = lex.months[str(g["mon"]).rstrip(".")]
            day = int(re.sub(r"\D", "", g["day"])) if g.get("day") else None
            weekday = lex.weekdays[g["wd"]] if g.get("wd") else None
            if month is not None and day is not None:
                if not 1 <= month <= 12 or day > 31:
                    return None
                if year is not None and day > calendar.monthrange(year, month)[1]:
                    return None
            return _Atom(year=year, month=month, day=day, weekday=weekday)
        return None


# --------------------------------------------------------------------------- calendar helpers


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _prev_weekday(ref: dt.date, weekday: int) -> dt.date:
    """The latest ``weekday`` strictly before ``ref``."""
    delta = (ref.weekday() - weekday) % 7 or 7
    return ref - dt.timedelta(days=delta)


def _next_weekday(ref: dt.date, weekday: int) -> dt.date:
    """The earliest ``weekday`` strictly after ``ref``."""
    delta = (weekday - ref.weekday()) % 7 or 7
    return ref + dt.timedelta(days=delta)


def _shift(day: dt.date, amount: float, unit: str) -> dt.date:
    """``day`` moved by ``amount`` units (negative: back in time); fractions in days/months."""
    if unit == "day":
        return day + dt.timedelta(days=round(amount))
    if unit == "week":
        return day + dt.timedelta(days=round(amount * 7))
    months = amount * _RESOLUTION["months_per_unit"][unit]
    whole = int(months)
    moved = _add_months(day, whole)
    return moved + dt.timedelta(days=round((months - whole) * 30))


def _unit_interval(day: dt.date, unit: str) -> tuple[dt.date, dt.date]:
    if unit == "week":
        return _week_of(day)
    if unit == "month":
        return day.replace(day=1), _month_end(day.year, day.month)
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def _sub_interval(start: dt.date, end: dt.date, part: str) -> tuple[dt.date, dt.date]:
    """Early / mid / late (thirds) and halves of an interval; months use 1-10, 11-20, 21-end."""
    part = " ".join(part.lower().split())
    whole_month = start.day == 1 and end == _month_end(start.year, start.month)
    whole_year = start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31)
    if whole_year:
        bounds = _RESOLUTION["year_part_months"]
    elif whole_month:
        bounds = _RESOLUTION["month_part_days"]
    else:
        bounds = {}
    key = _RESOLUTION["part_phrases"].get(part, "mid")
    if whole_year:
        lo, hi = bounds[key]
        return dt.date(start.year, lo, 1), _month_end(start.year, hi)
    if whole_month:
        lo, hi = bounds[key]
        return start.replace(day=lo), start.replace(day=min(hi, end.day))
    length = (end - start).days + 1
    third = max(1, length // 3)
    if key in ("early", "first"):
        return start, start + dt.timedelta(days=(third if key == "early" else length // 2) - 1)
    if key in ("late", "second"):
        return end - dt.timedelta(days=(third if key == "late" else length // 2) - 1), end
    return start + dt.timedelta(days=third), end - dt.timedelta(days=third)


def _season_instance(year: int, months: tuple[int, int]) -> tuple[dt.date, dt.date]:
    first, last = months
    if first <= last:
        return dt.date(year, first, 1), _month_end(year, last)
    return dt.date(year, first, 1), _month_end(year + 1, last)


# --------------------------------------------------------------------------- syntax helpers


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


# --------------------------------------------------------------------------- the component


def _holiday_like(ent: Span) -> bool:
    """A proper name on its own ("Christmas", "Ramadan"), not the tail of a longer name."""
    doc = ent.doc
    alone = (ent.start == 0 or doc[ent.start - 1].pos_ != "PROPN") and (
        ent.end == len(doc) or doc[ent.end].pos_ != "PROPN"
    )
    return (
        alone
        and any(t.pos_ == "PROPN" for t in ent)
        and all(t.pos_ == "PROPN" or t.is_lower for t in ent)
        and not any(t.like_num for t in ent)
    )


class TimeTagger(BatchedPipe):
    """Find and resolve date expressions; writes ``doc._.fw_times``."""

    def __init__(
        self,
        nlp: Language | None = None,
        name: str = "fw_time",
        *,
        lexicon: TimeLexicon | None = None,
    ) -> None:
        self.name = name
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self.patterns = _Patterns(self.lexicon)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.predict(doc))
        return doc

    def set_annotations(self, doc: Doc, mentions: list[TimeMention]) -> None:
        doc._.fw_times = mentions

    # -- detection --------------------------------------------------------------------------

    def predict(self, doc: Doc) -> list[TimeMention]:
        """Every time mention of ``doc``, resolved, in text order."""
        text = doc_text(doc)  # Doc.text joins every token: read it once
        ents = doc.ents
        candidates = self._select(doc, self._match(text), text, ents)
        published: dt.date | None = doc._.fw_published
        mentions: list[TimeMention] = []
        pending: list[tuple[TimeMention, _Candidate]] = []
        for cand in candidates:
            span = doc.char_span(cand.start_char, cand.end_char, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            verb = _governing_verb(span)
            mention = TimeMention(
                text=text[span.start_char : span.end_char],
                span=(span.start_char, span.end_char),
                start=None,
                end=None,
                precision="unknown",
                kind="relative",
                tokens=(span.start, span.end),
                tense=_tense(verb, self.lexicon),
                anchor=verb.i if verb is not None else None,
                pattern=cand.pattern,
            )
            res = self._resolve(cand, mention, published)
            mention.start, mention.end, mention.precision, mention.kind = (
                res.start,
                res.end,
                res.precision,
                res.kind,
            )
            mentions.append(mention)
            pending.append((mention, cand))
        context = _Context(doc, mentions, text)
        for mention, cand in pending:  # second pass: narrative reference time
            self._resolve_in_context(cand, mention, published, context)
        for mention, _ in pending:
            self._apply_since(doc, mention, published, text)
        return mentions

    def _match(self, text: str) -> list[_Candidate]:
        found: list[_Candidate] = []
        lowered = _CueText(text)
        for name, pattern in self.patterns.table:
            cue = self.patterns.cues.get(name)
            if cue is not None and not cue.found_in(lowered):
                continue  # the pattern cannot match this text
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    found.append(_Candidate(name, m.start(), m.end(), m.groupdict()))
        return found

    def _select(
        self, doc: Doc, found: list[_Candidate], text: str, ents: Sequence[Span]
    ) -> list[_Candidate]:
        order = {name: i for i, (name, _) in enumerate(self.patterns.table)}
        found = [c for c in found if self._plausible(doc, c, text, ents)]
        found.sort(key=lambda c: (-(c.end_char - c.start_char), order[c.pattern], c.start_char))
        taken: list[_Candidate] = []
        for cand in found:
            if all(cand.end_char <= t.start_char or cand.start_char >= t.end_char for t in taken):
                taken.append(cand)
        taken.extend(self._ner_leftovers(doc, taken, ents))
        taken.sort(key=lambda c: c.start_char)
        return taken

    def _plausible(self, doc: Doc, cand: _Candidate, text: str, ents: Sequence[Span]) -> bool:
        """Guards for bare month names and bare years (names, modal "May", counts)."""
        g = cand.groups
        if cand.pattern in ("weekday", "atom") and any(
            e.label_ in _NAME_LABELS and e.start_char <= cand.start_char < e.end_char for e in ents
        ):
            return False  # "the Sunday Times", "April Ryan"
        if cand.pattern == "duration":
            # "the previous day", "the next week" without a number or a preposition: anaphora
            anaphoric = (g["which"] or "").lower() in ("previous", "preceding", "next", "following")
            return not (anaphoric and not g["n"] and not g["prep"])
        if cand.pattern != "atom":
            return True
        atom = self.patterns.parse_atom(cand.groups["a"] or "", self.lexicon)
        if atom is None:
            return False
        if atom.day is not None or (atom.month is not None and atom.year is not None):
            return True
        in_date_entity = any(
            e.label_ == "DATE" and e.start_char <= cand.start_char and cand.end_char <= e.end_char
            for e in ents
        )
        before = re.findall(r"[\w—-]+", text[max(0, cand.start_char - 20) : cand.start_char])
        guarded = bool(before) and before[-1].lower() in self.lexicon.guard_words
        span = doc.char_span(cand.start_char, cand.end_char, alignment_mode="expand")
        if atom.month is not None:  # bare month name; "May" must not be the modal verb
            modal = span is not None and span.root.tag_ == "MD"
            return not modal and (guarded or in_date_entity)
        if span is not None and span.root.dep_ == "nummod" and span.root.head.tag_ == "NNS":
            return False  # "2000 fighters"
        return guarded or in_date_entity

    def _ner_leftovers(
        self, doc: Doc, taken: list[_Candidate], ents: Sequence[Span]
    ) -> list[_Candidate]:
        """spaCy DATE entities the patterns missed, unless they are ages, counts or durations."""
        extra: list[_Candidate] = []
        bare_duration = re.compile(_NOT_DATES["bare_duration"], re.IGNORECASE)
        for ent in ents:
            if ent.label_ != "DATE":
                continue
            if any(
                not (ent.end_char <= t.start_char or ent.start_char >= t.end_char) for t in taken
            ):
                continue
            low = ent.text.lower()
            words = set(re.findall(r"[a-z]+", low))
            following = doc[ent.end].lower_ if ent.end < len(doc) else ""
            if (
                re.fullmatch(r"[\d.,\s]+", low)
                or words & _AGE_WORDS
                or following in _AGE_FOLLOWERS
                or bare_duration.match(low)
                or re.search(_NOT_DATES["hyphen_duration"], low)  # "four-day", "30-day"
                or words & self.lexicon.frequency_words
                or not (words & self.lexicon.anchor_words or _holiday_like(ent))
            ):
                continue
            extra.append(_Candidate("ner", ent.start_char, ent.end_char, {}))
        return extra

    # -- resolution -------------------------------------------------------------------------

    def _resolve(self, cand: _Candidate, mention: TimeMention, pub: dt.date | None) -> _Resolution:
        handler: Callable[[dict[str, Any], TimeMention, dt.date | None], _Resolution] | None = (
            getattr(self, "_r_" + cand.pattern, None)
        )
        if handler is None:
            return _Resolution.unknown("relative")
        try:
            return handler(cand.groups, mention, pub)
        except (ValueError, OverflowError, KeyError) as err:
            logger.debug("date %r not resolved: %s", mention.text, err)
            return _Resolution.unknown("absolute")

    def _future(self, mention: TimeMention) -> bool:
        return mention.tense in ("future", "progressive")

    def _atom_interval(self, atom: _Atom, mention: TimeMention, pub: dt.date | None) -> _Resolution:
        year, month, day = atom.year, atom.month, atom.day
        future = self._future(mention)
        if month is not None and day is not None:
            if year is not None:
                d = dt.date(year, month, day)
                return _Resolution(d, d, "day", "absolute")
            if pub is None:
                return _Resolution.unknown("absolute")
            d = dt.date(pub.year, month, min(day, calendar.monthrange(pub.year, month)[1]))
            if future and d < pub:
                d = d.replace(year=pub.year + 1)
            elif not future and d > pub:
                d = d.replace(year=pub.year - 1)
            return _Resolution(d, d, "day", "absolute")
        if month is not None:
            if year is None:
                if pub is None:
                    return _Resolution.unknown("absolute")
                year = pub.year
                if future and month < pub.month:
                    year += 1
                elif not future and month > pub.month:
                    year -= 1
            return _Resolution(
                dt.date(year, month, 1), _month_end(year, month), "month", "absolute"
            )
        if year is not None:
            return _Resolution(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "absolute")
        if atom.weekday is not None:
            if pub is None:
                return _Resolution.unknown("relative")
            d = _next_weekday(pub, atom.weekday) if future else _prev_weekday(pub, atom.weekday)
            return _Resolution(d, d, "day", "relative")
        return _Resolution.unknown("absolute")

    def _atom(self, text: str | None) -> _Atom:
        atom = self.patterns.parse_atom(text or "", self.lexicon)
        if atom is None:
            raise ValueError(f"not a date: {text!r}")
        return atom

    def _number(self, text: str | None) -> tuple[float, float] | None:
        """(low, high) of a number phrase: "three" (3, 3), "a few" (2, 4), "two and a half"."""
        if not text:
            return (1.0, 1.0)
        low = " ".join(text.lower().split())
        half = 0.0
        if low.endswith(" and a half"):
            low, half = low[: -len(" and a half")], 0.5
        if low in self.lexicon.vague_numbers:
            a, b = self.lexicon.vague_numbers[low]
            return (a + half, b + half)
        if low in self.lexicon.numbers:
            value = self.lexicon.numbers[low] + half
            return (value, value)
        try:
            value = float(low) + half
        except ValueError:
            return None
        return (value, value)

    def _unit(self, text: str | None) -> str:
        return self.lexicon.units[(text or "").lower()]

    # one handler per pattern: _r_<name>(groups, mention, published) -> _Resolution

    def _r_atom(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        return self._atom_interval(self._atom(g["a"]), mention, pub)

    def _r_ordinal_day(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        """ "on the 12th": the latest 12th on or before P (the next one for a future verb)."""
        if pub is None:
            return _Resolution.unknown("relative")
        day = int(g["day"])
        month_start = pub.replace(day=1)
        step = 1 if self._future(mention) else -1
        for months in range(0, 13 * step, step):
            first = _add_months(month_start, months)
            if day > calendar.monthrange(first.year, first.month)[1]:
                continue
            d = first.replace(day=day)
            if (step == -1 and d <= pub) or (step == 1 and d >= pub):
                return _Resolution(d, d, "day", "relative")
        return _Resolution.unknown("relative")

    def _r_weekday(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        wd = self.lexicon.weekdays[g["wd"]]
        which = (g.get("which") or "").lower()
        if pub is None:
            return _Resolution.unknown("relative")
        if which in ("next", "coming") or (which != "last" and self._future(mention)):
            d = _next_weekday(pub, wd)
        else:
            d = _prev_weekday(pub, wd)
        return _Resolution(d, d, "day", "relative")

    def _r_between(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        b = self._atom(g["b"])
        a = self.patterns.parse_atom(g["a"] or "", self.lexicon)
        if a is None:
            raise ValueError(g["a"])
        if a.month is None and a.day is not None:  # "between 4 and 7 June"
            a = _Atom(year=b.year, month=b.month, day=a.day)
        rb = self._atom_interval(b, mention, pub)
        if a.year is None and rb.end is not None and (a.month is not None or a.weekday is None):
            year = rb.end.year
            if a.month is not None and b.month is not None and a.month > b.month:
                year -= 1
            a = _Atom(year=year, month=a.month, day=a.day, weekday=a.weekday)
        ra = self._atom_interval(a, mention, pub)
        if a.weekday is not None and a.month is None and rb.start is not None:
            d = rb.start - dt.timedelta(days=(rb.start.weekday() - a.weekday) % 7)
            ra = _Resolution(d, d, "day", "relative")
        if ra.start is None or rb.end is None:
            return _Resolution.unknown("range")
        return _Resolution(ra.start, rb.end, "range", "range")

    def _r_md_range(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        month = self.lexicon.months[g["mon"].rstrip(".")]
        year = int(g["year"]) if g.get("year") else None
        d1, d2 = (int(re.sub(r"\D", "", g[k])) for k in ("d1", "d2"))
        last = self._atom_interval(_Atom(year=year, month=month, day=d2), mention, pub)
        if last.end is None:
            return _Resolution.unknown("range")
        return _Resolution(last.end.replace(day=d1), last.end, "range", "range")

    _r_dm_range = _r_md_range

    def _r_year_range(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        first = int(g["a"])
        second = int(g["b"]) if len(g["b"]) == 4 else first // 100 * 100 + int(g["b"])
        if second <= first:
            raise ValueError("backwards year range")
        return _Resolution(dt.date(first, 1, 1), dt.date(second, 12, 31), "range", "range")

    def _r_part(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if g.get("rel"):
            base = self._calendar(g["rel"].lower(), g["unit"].lower(), mention, pub, whole=True)
        else:
            base = self._atom_interval(self._atom(g["a"]), mention, pub)
        if base.start is None or base.end is None:
            return _Resolution.unknown(base.kind)
        start, end = _sub_interval(base.start, base.end, g["part"])
        return _Resolution(start, end, "range", base.kind)

    def _r_earlier(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("relative")
        if g.get("today"):
            return _Resolution(pub, pub, "day", "relative")
        unit = (g.get("unit") or g.get("unit2") or "").lower()
        start, end = _unit_interval(pub, unit)
        if g["dir"].lower() == "earlier":
            end = pub
        else:
            start = pub
        return _Resolution(start, end, "range" if start != end else "day", "relative")

    def _calendar(
        self, which: str, unit: str, mention: TimeMention, pub: dt.date | None, whole: bool = False
    ) -> _Resolution:
        """last / this / next week, month, year, weekend."""
        if pub is None:
            return _Resolution.unknown("relative")
        if unit == "weekend":
            if which in ("next", "coming") or (which == "this" and self._future(mention)):
                sat = _next_weekday(pub, 5) if pub.weekday() != 5 else pub
            elif which == "this" and pub.weekday() >= 5:
                sat = pub - dt.timedelta(days=pub.weekday() - 5)
            else:
                sat = _prev_weekday(pub, 6) - dt.timedelta(days=1)
            return _Resolution(sat, sat + dt.timedelta(days=1), "range", "relative")
        precision: DatePrecision = unit  # type: ignore[assignment]
        step = _RESOLUTION["calendar_steps"].get(which, 0)
        anchor = pub if step == 0 else _shift(pub, step, unit)
        start, end = _unit_interval(anchor, unit)
        if step == 0 and not whole:
            if self._future(mention):
                start = pub
            else:
                end = pub
        return _Resolution(start, end, precision, "relative")

    def _r_rel(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        return self._calendar(g["which"].lower(), g["unit"].lower(), mention, pub)

    def _r_weekend(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        return self._calendar("this", "weekend", mention, pub)

    def _r_rel_month(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("relative")
        month = self.lexicon.months[g["mon"].rstrip(".")]
        which = g["which"].lower()
        year = pub.year
        if which == "last":
            year = pub.year if month < pub.month else pub.year - 1
        elif which == "next":
            year = pub.year if month > pub.month else pub.year + 1
        return _Resolution(dt.date(year, month, 1), _month_end(year, month), "month", "relative")

    def _r_season_year(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        start, end = _season_instance(int(g["year"]), self.lexicon.seasons[g["season"].lower()])
        return _Resolution(start, end, "range", "absolute")

    def _r_season_rel(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("relative")
        months = self.lexicon.seasons[g["season"].lower()]
        instances = [_season_instance(y, months) for y in range(pub.year - 2, pub.year + 2)]
        which = g["which"].lower()
        if which in ("last", "past"):
            start, end = max(i for i in instances if i[1] < pub)
        elif which == "next":
            start, end = min(i for i in instances if i[0] > pub)
        else:
            current = [i for i in instances if i[0] <= pub <= i[1]]
            if current:
                start, end = current[0]
            elif self._future(mention):
                start, end = min(i for i in instances if i[0] > pub)
            else:
                start, end = max(i for i in instances if i[1] < pub)
        return _Resolution(start, end, "range", "relative")

    def _r_decade(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        first = int(g["dec"])
        start, end = dt.date(first, 1, 1), dt.date(first + 9, 12, 31)
        if g.get("part"):
            lo, hi = _RESOLUTION["decade_part_years"][g["part"].lower()]
            start, end = dt.date(first + lo, 1, 1), dt.date(first + hi, 12, 31)
        return _Resolution(start, end, "range", "absolute")

    def _r_deictic(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("relative")
        word = " ".join(g["w"].lower().split())
        offset = _RESOLUTION["deictic_days"][word]
        d = pub + dt.timedelta(days=offset)
        return _Resolution(d, d, "day", "relative")

    def _r_ago(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        number = self._number(g["n"])
        if pub is None or number is None:
            return _Resolution.unknown("relative")
        unit = self._unit(g["unit"])
        low, high = number
        if low != high:
            return _Resolution(
                _shift(pub, -high, unit), _shift(pub, -low, unit), "range", "relative"
            )
        point = _shift(pub, -low, unit)
        if unit == "day":
            return _Resolution(point, point, "day", "relative")
        if low != int(low):  # "a year and a half ago": month precision
            unit = "month" if unit in ("year", "decade") else "day"
            if unit == "day":
                return _Resolution(point, point, "day", "relative")
        if unit == "decade":
            return _Resolution(
                dt.date(point.year, 1, 1), dt.date(point.year, 12, 31), "year", "relative"
            )
        start, end = _unit_interval(point, unit)
        return _Resolution(start, end, unit, "relative")  # type: ignore[arg-type]

    def _r_ago_vague(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        return _Resolution.unknown("relative")

    def _r_duration(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        number = self._number(g.get("n"))
        if pub is None or number is None:
            return _Resolution.unknown("duration")
        unit = self._unit(g["unit"])
        amount = number[1]
        if g["which"].lower() in ("next", "coming", "following"):
            return _Resolution(pub, _shift(pub, amount, unit), "range", "duration")
        return _Resolution(_shift(pub, -amount, unit), pub, "range", "duration")

    def _r_recent(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("duration")
        days = self.lexicon.recent[self._unit(g["unit"])]
        return _Resolution(pub - dt.timedelta(days=days), pub, "range", "duration")

    def _r_for(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        number = self._number(g["n"])
        if pub is None or number is None or mention.tense not in ("perfect", "progressive"):
            return _Resolution.unknown("duration")
        return _Resolution(_shift(pub, -number[1], self._unit(g["unit"])), pub, "range", "duration")

    def _r_shift(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if g["dir"].lower() in ("earlier", "before"):
            return self._r_ago(g, mention, pub)
        return _Resolution.unknown("relative")

    def _r_anaphor(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("relative")
        direction = (g.get("dir") or g.get("dir3") or "same").lower()
        unit = (g.get("unit") or g.get("unit2") or g.get("unit3") or "day").lower()
        return self._anaphor_from(pub, _RESOLUTION["anaphor_steps"].get(direction, 0), unit)

    @staticmethod
    def _anaphor_from(ref: dt.date, step: int, unit: str) -> _Resolution:
        if unit in ("week", "month", "year"):
            start, end = _unit_interval(_shift(ref, step, unit), unit)
            return _Resolution(start, end, unit, "relative")  # type: ignore[arg-type]
        d = ref + dt.timedelta(days=step)
        return _Resolution(d, d, "day", "relative")

    # -- narrative reference time -----------------------------------------------------------

    def _resolve_in_context(
        self, cand: _Candidate, mention: TimeMention, pub: dt.date | None, ctx: _Context
    ) -> None:
        g = cand.groups
        if cand.pattern == "weekday" and not g.get("which") and not self._future(mention):
            self._weekday_in_context(g, mention, pub, ctx)
        elif cand.pattern == "anaphor":
            direction = (g.get("dir") or g.get("dir3") or "same").lower()
            unit = (g.get("unit") or g.get("unit2") or g.get("unit3") or "day").lower()
            if unit not in ("week", "month", "year"):
                unit = "day"
            step = _RESOLUTION["anaphor_steps"].get(direction, 0)
            ref = ctx.reference(mention, lambda m: m.precision in ("day", unit), before_only=True)
            if ref is not None and ref.start is not None:
                res = self._anaphor_from(ref.start, step, unit)
                self._set(mention, res, ref)
        elif cand.pattern == "shift":
            ref = ctx.reference(mention, lambda m: m.precision == "day", before_only=True)
            number = self._number(g["n"])
            if ref is not None and ref.start is not None and number is not None:
                sign = -1 if g["dir"].lower() in ("earlier", "before") else 1
                d = _shift(ref.start, sign * number[0], self._unit(g["unit"]))
                self._set(mention, _Resolution(d, d, "day", "relative"), ref)

    def _weekday_in_context(
        self, g: dict[str, Any], mention: TimeMention, pub: dt.date | None, ctx: _Context
    ) -> None:
        wd = self.lexicon.weekdays[g["wd"]]

        def past_interval(m: TimeMention) -> bool:
            if m.start is None or m.end is None or m.pattern == "weekday":
                return False
            if pub is not None and m.end >= pub:
                return False
            return 1 <= (m.end - m.start).days <= 13 and m.tense not in ("future", "progressive")

        ref = ctx.reference(mention, past_interval, before_only=False)
        if ref is None or ref.start is None or ref.end is None:
            return
        last = ref.end - dt.timedelta(days=(ref.end.weekday() - wd) % 7)
        if last >= ref.start:
            self._set(mention, _Resolution(last, last, "day", "relative"), ref)

    @staticmethod
    def _set(mention: TimeMention, res: _Resolution, ref: TimeMention) -> None:
        mention.start, mention.end, mention.precision = res.start, res.end, res.precision
        mention.kind = res.kind
        mention.reference = ref.span

    def _apply_since(self, doc: Doc, mention: TimeMention, pub: dt.date | None, text: str) -> None:
        """ "since February 8": from the expression's start up to the publication date."""
        i = mention.tokens[0]
        if i == 0 or doc[i - 1].lower_ != "since" or mention.kind == "duration":
            return
        prep = doc[i - 1]
        mention.tokens = (prep.i, mention.tokens[1])
        mention.span = (prep.idx, mention.span[1])
        mention.text = text[mention.span[0] : mention.span[1]]
        mention.kind = "range"
        if mention.start is not None:
            mention.end = pub if pub is not None and pub >= mention.start else None
            mention.precision = "range"


# the last document's context: default_date runs once per event of the same Doc
_LAST_CONTEXT: tuple[Doc, object, _Context] | None = None


class _Context:
    """Sentence and paragraph positions of mentions, for the narrative reference time."""

    def __init__(self, doc: Doc, mentions: list[TimeMention], text: str | None = None) -> None:
        self.doc = doc
        self.mentions = mentions
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else []
        self.sent_starts = [s.start for s in sents] or [0]
        self.sent_chars = [s.start_char for s in sents] or [0]
        text = doc_text(doc) if text is None else text
        self.breaks = [m.start() for m in re.finditer(r"\n\s*\n", text)]

    @classmethod
    def of(cls, doc: Doc, mentions: list[TimeMention]) -> _Context:
        """The context of ``doc``, built once for all its events (the last one is kept)."""
        global _LAST_CONTEXT
        last = _LAST_CONTEXT
        source = doc._.fw_times
        if last is not None and last[0] is doc and last[1] is source:
            return last[2]
        ctx = cls(doc, mentions)
        _LAST_CONTEXT = (doc, source, ctx)
        return ctx

    def sentence(self, token_i: int) -> int:
        return bisect.bisect_right(self.sent_starts, token_i) - 1

    def paragraph(self, char: int) -> int:
        return bisect.bisect_right(self.breaks, char)

    def reference(
        self, mention: TimeMention, accept: Callable[[TimeMention], bool], before_only: bool
    ) -> TimeMention | None:
        """The closest accepted mention: same sentence, or the previous two of the paragraph."""
        sent = self.sentence(mention.tokens[0])
        para = self.paragraph(mention.span[0])
        best: tuple[int, int, TimeMention] | None = None
        for other in self.mentions:
            if other is mention or not accept(other):
                continue
            if before_only and other.span[0] >= mention.span[0]:
                continue
            distance = sent - self.sentence(other.tokens[0])
            if not 0 <= distance <= CONTEXT_SENTENCES or self.paragraph(other.span[0]) != para:
                continue
            key = (distance, abs(other.span[0] - mention.span[0]))
            if best is None or key < best[:2]:
                best = (key[0], key[1], other)
        return best[2] if best is not None else None


@Language.factory(
    "fw_time",
    default_config={"lexicon_path": None},
    requires=["doc.ents", "token.dep"],
    assigns=["doc._.fw_times"],
)
def make_time_tagger(nlp: Language, name: str, lexicon_path: str | None) -> TimeTagger:
    return TimeTagger(nlp, name, lexicon=load_lexicon(lexicon_path))


# --------------------------------------------------------------------------- event assembly

_CHAIN_DEPS = ("conj", "advcl", "xcomp")
_TEMPORAL_MARKS = frozenset(_RESOLUTION["temporal_marks"])
_FREE_TIER = 20


def _times(doc: Doc) -> list[TimeMention]:
    return list(doc._.fw_times or [])


def _clause_chain(trigger: Token, report_verbs: frozenset[str]) -> dict[int, int]:
    """Token index -> tier: the trigger (0), the words whose time it shares (1, 2, ...)."""
    chain = {trigger.i: 0}
    token = trigger
    tier = 0
    for _ in range(8):
        head = token.head
        if head.i == token.i:
            break
        if _is_verb(token):
            if token.dep_ in _CHAIN_DEPS:
                tier += 1
            elif token.dep_ in ("acl", "relcl") and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in token.children
            ):
                tier += 2  # "the attempt to retake the city ended last week"
            elif token.dep_ in ("ccomp", "parataxis") and head.lemma_.lower() in report_verbs:
                tier += 5  # "said on Tuesday that ...": the report's date, a weaker cue
            else:
                break
        else:
            if token.dep_ in ("relcl", "appos"):
                break
            tier += 0 if head.pos_ in ("ADP",) else 1
        token = head
        chain.setdefault(token.i, tier)
    for child in trigger.children:  # "launched an attack and captured it last week"
        if child.dep_ == "conj" and _is_verb(child):
            chain.setdefault(child.i, 6)
    for i, tier_i in list(chain.items()):
        # a temporal clause sets the time of its main clause: "as troops advanced in June, ..."
        for child in trigger.doc[i].children:
            if (
                child.dep_ == "advcl"
                and _is_verb(child)
                and any(c.dep_ == "mark" and c.lower_ in _TEMPORAL_MARKS for c in child.children)
            ):
                chain.setdefault(child.i, tier_i + 3)
    return chain


def _attachment_tier(
    doc: Doc, mention: TimeMention, chain: dict[int, int], report_verbs: frozenset[str]
) -> int | None:
    span = doc[mention.tokens[0] : mention.tokens[1]]
    if any(i in chain for i in range(span.start, span.end)):
        return 0
    token = span.root
    for _ in range(12):
        head = token.head
        if head.i == token.i:
            break
        token = head
        if span.start <= token.i < span.end:
            continue
        if token.i in chain:
            return chain[token.i]
        if _is_verb(token):
            if token.dep_ == "ROOT" and (
                token.lemma_.lower() in report_verbs or token.lemma_ == "be"
            ):
                return _FREE_TIER
            noun = token.head
            if token.dep_ in ("relcl", "acl") and noun.dep_ == "pobj" and noun.head.head.i in chain:
                # "captured in an offensive that started last month": the frame event's date
                return chain[noun.head.head.i] + 8
            return None  # dates another verb
    return _FREE_TIER


def event_date(doc: Doc, trigger: Span, *, lexicon: TimeLexicon | None = None) -> EventDate | None:
    """The time expression that dates the event of ``trigger``, or None.

    Prefers expressions attached to the trigger in the parse (or to the verb whose time it
    shares: conjoined verbs, participial adjuncts, the verb of a nominal trigger), then other
    expressions of the sentence that are not attached to another verb.
    """
    report = lexicon.report_verbs if lexicon is not None else _default_report_verbs()
    sent = trigger.sent
    chain = _clause_chain(trigger.root, report)
    best: tuple[int, bool, int, TimeMention] | None = None
    for mention in _times(doc):
        if not sent.start <= mention.tokens[0] < sent.end:
            continue
        if mention.kind == "duration" and not mention.resolved:
            continue  # "fought for three years": how long, not when
        tier = _attachment_tier(doc, mention, chain, report)
        if tier is None:
            continue
        distance = min(abs(mention.tokens[0] - trigger.start), abs(mention.tokens[1] - trigger.end))
        key = (tier, not mention.resolved, distance)
        if best is None or key < best[:3]:
            best = (*key, mention)
    return best[3].to_event_date() if best is not None else None


def default_date(doc: Doc, trigger: Span) -> EventDate | None:
    """An inferred date for an event with no date expression (``inferred=True``).

    The closest preceding resolved, not historical and not vague (at most 62 days) time
    expression of the paragraph (or of the last sentence of the previous paragraph, when the
    trigger is in a paragraph's first sentence); else the 7 days ending at the publication date.
    """
    published: dt.date | None = doc._.fw_published
    mentions = _times(doc)
    ctx = _Context.of(doc, mentions)
    t_char = trigger.start_char
    t_sent = ctx.sentence(trigger.start)
    t_para = ctx.paragraph(t_char)
    para_first_sent = min(
        (i for i, char in enumerate(ctx.sent_chars) if ctx.paragraph(char) == t_para),
        default=t_sent,
    )
    best: TimeMention | None = None
    for mention in mentions:
        if mention.span[1] > t_char or mention.start is None or mention.end is None:
            continue
        if (mention.end - mention.start).days > MAX_DEFAULT_DAYS:
            continue
        if is_historical(mention.to_event_date(), published):
            continue
        para = ctx.paragraph(mention.span[0])
        sent = ctx.sentence(mention.tokens[0])
        same = para == t_para
        carried = t_sent == para_first_sent and para == t_para - 1 and sent == t_sent - 1
        if (same or carried) and (best is None or mention.span[0] > best.span[0]):
            best = mention
    if best is not None:
        return EventDate(start=best.start, end=best.end, precision=best.precision, inferred=True)
    if published is None:
        return None
    return EventDate(
        start=published - dt.timedelta(days=6), end=published, precision="week", inferred=True
    )


def is_historical(date: EventDate, published: dt.date | None) -> bool:
    """True when the date ends more than a year (365 days) before publication."""
    last = date.end or date.start
    if published is None or last is None:
        return False
    return (published - last).days > HISTORICAL_DAYS


@functools.lru_cache(maxsize=1)
def _default_report_verbs() -> frozenset[str]:
    """Reporting verbs of the shipped lexicon (read once, on first use)."""
    return load_lexicon().report_verbs
