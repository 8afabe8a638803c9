"""The surface patterns of date expressions, compiled from ``time_patterns.json`` and a
:class:`~frontwatch.components.time.words.TimeLexicon`, with the cue each pattern needs."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable

from frontwatch.lexicon import load
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers doc._.fw_published)

from .words import TimeLexicon, _Atom


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
