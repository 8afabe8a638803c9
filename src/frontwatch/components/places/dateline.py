"""Datelines: the place a text opens with, before a dateline mark.

Wire copy opens with where it was filed ("BAGHDAD, Oct 5 (wire) -", "TRIPOLI, Lebanon, March
20 -") and conflict notes with the area they are about ("Taiz: Snipers ...", "Gao: On 10
February 2023, ..."). The tagger often misses such a name or calls it a person, having no
sentence around it; :func:`dateline_name` finds it by its shape alone, and
:func:`strong_reading` says whether the gazetteer knows it well enough to take it without
the tagger (docs/geoparsing.md, "Datelines").
"""

from __future__ import annotations

from spacy.tokens import Doc

from frontwatch.gazetteer.index import Candidate

from .focus import well_known
from .mentions import _CALENDAR_WORDS, _DATELINE_END

#: The most words of a dateline's name ("Deir ez-Zor", "South Lebanon").
MAX_WORDS = 4


def dateline_name(doc: Doc) -> tuple[int, int] | None:
    """Token span of the name a text opens with, when a dateline mark follows it: a colon,
    dash or parenthesis after a capitalised name ("Taiz:", "Kirkuk -"), or a comma after a
    name in capitals or before a month ("BAGHDAD, Oct 5", "Mosul, 12 June")."""
    start = 0
    while start < len(doc) and start < 2 and doc[start].is_punct and doc[start].text not in "-–":
        start += 1  # a leading quote or bullet
    end = start
    while end < len(doc) and end - start < MAX_WORDS and _name_word(doc, end, start):
        end += 1
    if end == start or end >= len(doc) or doc[end - 1].text in {"-", "–"}:
        return None
    mark = doc[end].text
    if mark in _DATELINE_END:
        return start, end
    if mark != "," or end + 1 >= len(doc):
        return None
    after = doc[end + 1]
    capitals = all(t.is_upper or not t.is_alpha for t in doc[start:end])
    if capitals or after.text in _CALENDAR_WORDS or after.like_num:
        return start, end
    return None


def _name_word(doc: Doc, i: int, start: int) -> bool:
    tok = doc[i]
    if tok.text in {"-", "–"}:  # "Deir ez-Zor", "al-Suwaida": inside a word only
        return i > start and i + 1 < len(doc) and not doc[i - 1].whitespace_ and not tok.whitespace_
    if tok.is_punct or tok.is_space or tok.like_num:
        return False
    return tok.text[:1].isupper() or tok.lower_ in {"al", "el", "ez", "ad", "as", "ash", "de"}


def strong_reading(cands: list[Candidate], *, wire: bool) -> bool:
    """A name the gazetteer knows well enough to take from its place alone: an exact reading
    that is a country or a well-known town, or a division under its main name; for a wire
    dateline (the name in
    capitals, or a date after it), also exact readings all in one country. ("Smith: we will
    ..." opens a transcript: a small place of that name is no dateline.)"""
    exact = [c for c in cands if c.exact]
    if not exact:
        return False
    if any(
        well_known(c) or (c.primary and (c.place.is_admin1 or c.place.feature_code == "ADM2"))
        for c in exact
    ):
        return True
    return wire and len({c.place.country for c in exact}) == 1


def wire_dateline(doc: Doc, span: tuple[int, int]) -> bool:
    """The name is in capitals, or a date follows it ("MOSUL, June 12", "Gao: On 10 ...")."""
    start, end = span
    if all(t.is_upper or not t.is_alpha for t in doc[start:end]):
        return True
    after = [t for t in doc[end + 1 : end + 4] if not t.is_punct]
    return any(t.text in _CALENDAR_WORDS or t.ent_type_ == "DATE" for t in after)
