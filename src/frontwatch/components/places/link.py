"""Places for event assembly: :func:`event_location` (where the event of a trigger happened),
:func:`toponyms` (every mention as a record) and :func:`describe`."""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Any, Literal

from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

from frontwatch.lexicon import speech_verbs, words
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_doc_id)
from frontwatch.nlp.extensions import doc_text
from frontwatch.records import Location, Toponym

from .mentions import (
    _ADMIN_WORDS,
    _ANAPHORA,
    _ANAPHORA_DETERMINERS,
    _ATTACH_SKIP,
    _REPORTING_PREPS,
    FEATURE_WORDS,
    PlaceMention,
    _covering,
)


def _mentions(doc: Doc) -> list[PlaceMention]:
    return list(doc._.fw_toponyms or [])


def toponyms(doc: Doc) -> list[Toponym]:
    """Every place mention of the document as :class:`~frontwatch.records.Toponym`."""
    out = []
    for m in _mentions(doc):
        p = m.place
        out.append(
            Toponym(
                doc_id=str(doc._.fw_doc_id or ""),
                text=m.text,
                span=m.span,
                role=m.role,
                geonameid=p.geonameid if p else None,
                name=p.name if p else None,
                lat=p.lat if p else None,
                lon=p.lon if p else None,
                country=p.country if p else None,
                admin1=(p.admin1_name or (p.name if p.is_admin1 else None)) if p else None,
                feature_code=p.feature_code if p else None,
                score=m.score if p else None,
            )
        )
    return out


def _location(m: PlaceMention, near: bool = False) -> Location:
    p = m.place
    assert p is not None
    if p.is_area:
        precision: Literal[1, 2, 3] = 3
    elif (
        m.relation
        or m.feature
        or near
        or m.fallback
        or p.feature_code.startswith("ADM")
        or _unit_named(m.text)
    ):
        precision = 2  # also a district ("Tuz Khurmatu district" at its town), or a place
        # located at the district around it
    else:
        precision = 1
    return Location(
        text=m.text,
        span=m.span,
        name=p.name,
        geonameid=p.geonameid if p.geonameid > 0 else None,
        lat=p.lat,
        lon=p.lon,
        country=p.country,
        admin1=p.admin1_name or (p.name if p.is_admin1 else None),
        feature=p.feature_code,
        precision=precision,
        approximate=m.approximate or near or precision == 3,
    )


def _unit_named(text: str) -> bool:
    """The mention's own words end with a unit word: "Tuz Khurmatu district"."""
    words = text.lower().split()
    last = words[-1] if len(words) > 1 else ""
    return last in _ADMIN_WORDS or FEATURE_WORDS.get(last, "").startswith("ADM")


def _literal(doc: Doc) -> list[PlaceMention]:
    """Literal resolved mentions; a name with no reading of its own that only took the
    document's division ("Falcon Street" -> Ontario) is no event location, unless the text
    names the unit around it ("al-Bara in the Ariha district") or calls it a settlement ("the
    village of X")."""
    return [
        m
        for m in _mentions(doc)
        if m.role == "literal"
        and m.place is not None
        and (
            not (m.fallback and not m.county and m.district_of is None and not m.candidates)
            or m.unit_level == "named"
            or (m.unit_level is not None and m.settlement)
        )
    ]


def _anaphor(doc: Doc, tok: Token, before: int) -> PlaceMention | None:
    """ "the city" -> the most recent mention of a populated place before token ``before``
    (not a place where a source spoke)."""
    want = _ANAPHORA.get(tok.lower_)
    if want is not None and any(
        m.start > tok.i and m.start <= tok.right_edge.i for m in _mentions(doc)
    ):
        return None  # "the northern city of Mosul": the place is named here
    if want is None or not any(
        c.lower_ in _ANAPHORA_DETERMINERS or c.dep_ == "poss" for c in tok.children
    ):
        return None
    pool = [
        m
        for m in _mentions(doc)
        if m.place is not None and m.start < before and m.role in {"literal", "demonym"}
    ]
    for m in reversed(pool):
        p = m.place
        assert p is not None
        if m.role == "demonym" and tok.lower_ != "country":
            continue
        if _reporting_place(doc, m):
            continue  # "told reporters in Baghdad": where someone spoke is not "the city"
        if tok.lower_ == "airport" and p.feature_code != "AIRP":
            continue
        if tok.lower_ == "country" and not p.is_country:
            continue
        if want == "P" and p.feature_class != "P":
            continue
        if want == "A" and p.feature_class not in {"A", "L"}:
            continue
        return m
    return None


def _attached(doc: Doc, trigger: Span, literal: list[PlaceMention]) -> PlaceMention | None:
    """A literal place syntactically attached to the trigger (its objects and preps)."""
    roots = [trigger.root]
    if trigger.root.dep_ in {"relcl", "acl"}:
        roots.append(trigger.root.head)
    queue = list(roots)
    root_ids = {r.i for r in roots}
    sent = trigger.sent
    sent_start, sent_end = sent.start, sent.end  # Token.sent scans for its sentence each time
    seen: set[int] = set()
    while queue:
        tok = queue.pop(0)
        if tok.i in seen or not sent_start <= tok.i < sent_end:
            continue
        seen.add(tok.i)
        m = _covering(literal, tok.i)
        if m is not None:
            return m
        if tok.i not in root_ids or tok.dep_ in {"relcl", "acl"}:
            ana = _anaphor(doc, tok, trigger.start)
            if ana is not None:
                return ana
        for child in tok.children:
            if child.dep_ not in _ATTACH_SKIP:
                queue.append(child)
    return None


REPORTING_WORDS = speech_verbs("reporting_place") | words("place_words", "reporting_nouns")


def _reporting_place(doc: Doc, mention: PlaceMention) -> bool:
    """Where someone spoke, not where the event happened: "told reporters in Baghdad",
    "a spokesman in Kabul said", "the ministry in Moscow"; not where a reporting noun is the
    object of another verb ("stormed the foreign ministry in Beirut", "killed an official in
    Kandahar")."""
    root = doc[mention.start : mention.end].root
    if root.dep_ != "pobj" or root.head.lower_ not in _REPORTING_PREPS:
        return False
    governor = root.head.head
    if governor.lemma_.lower() not in REPORTING_WORDS:
        return False
    return not (
        governor.pos_ in {"NOUN", "PROPN"}
        and governor.dep_ == "dobj"
        and governor.head.lemma_.lower() not in REPORTING_WORDS
    )


def event_location(doc: Doc, trigger: Span) -> Location | None:
    """Where the event of ``trigger`` happened (docs/geoparsing.md for the order of rules).

    Places where a source spoke ("told reporters in Baghdad") are never taken.
    """
    view = _DocView.of(doc)
    literal = view.literal
    if not literal and not view.any_mention:
        return None
    hit = _covering(literal, trigger.root.i) or _attached(doc, trigger, literal)
    if hit is not None:
        # "in Cairo's Abbasiya district": the district, not the city that owns it
        part = next(
            (
                m
                for m in literal
                if m.district_of is hit and 0 <= m.start - hit.end <= 2 and m.place is not None
            ),
            None,
        )
        return _location(part or hit)
    sent = trigger.sent
    in_sent = [m for m in literal if sent.start <= m.start < sent.end]
    if in_sent:
        specific = [m for m in in_sent if m.place is not None and not m.place.is_area]
        pool = specific or in_sent
        best = min(pool, key=lambda m: abs(m.start - trigger.start))
        return _location(best)
    para = view.paragraph(trigger)
    in_para = [m for m in literal if para[0] <= m.start < para[1]]
    if in_para:
        counts = Counter(m.place.geonameid for m in in_para if m.place is not None)
        top = max(in_para, key=lambda m: (counts[m.place.geonameid] if m.place else 0, -m.start))
        return _location(top)
    before = [
        m
        for m in literal
        if m.start < trigger.start and m.place is not None and not m.place.is_area
    ]
    if before:
        return _location(before[-1])
    return None


class _DocView:
    """What event location reads of a Doc, computed once for all its events (the last Doc's
    view is kept): the literal mentions that can be an event's place, token start offsets,
    paragraph breaks."""

    _last: tuple[Doc, object, _DocView] | None = None

    def __init__(self, doc: Doc) -> None:
        self.literal = [m for m in _literal(doc) if not _reporting_place(doc, m)]
        self.any_mention = bool(doc._.fw_toponyms)
        self.text = doc_text(doc)
        self.starts = doc.to_array(IDX).tolist() if len(doc) else []
        self.n = len(doc)

    @classmethod
    def of(cls, doc: Doc) -> _DocView:
        last = cls._last
        source = doc._.fw_toponyms
        if last is not None and last[0] is doc and last[1] is source:
            return last[2]
        view = cls(doc)
        cls._last = (doc, source, view)
        return view

    def paragraph(self, trigger: Span) -> tuple[int, int]:
        """Token range of the paragraph (text between blank lines) holding the trigger."""
        text = self.text
        start = text.rfind("\n\n", 0, trigger.start_char)
        end = text.find("\n\n", trigger.end_char)
        start_char = 0 if start < 0 else start
        end_char = len(text) if end < 0 else end
        first = bisect.bisect_left(self.starts, start_char)
        last = bisect.bisect_left(self.starts, end_char)
        return (first if first < self.n else 0, last or self.n)


def describe(mention: PlaceMention) -> dict[str, Any]:
    """A JSON-friendly summary of a mention (for debugging and scripts)."""
    p = mention.place
    return {
        "text": mention.text,
        "span": list(mention.span),
        "role": mention.role,
        "place": p.name if p else None,
        "geonameid": p.geonameid if p else None,
        "feature": mention.feature,
        "relation": mention.relation,
        "bearing": mention.bearing,
        "distance_km": mention.distance_km,
        "score": mention.score,
    }
