"""Toponyms: recognition, resolution against the gazetteer, and event location.

The component ``fw_places`` (after ``parser`` and ``ner``) finds place mentions from

- spaCy entities GPE, LOC and FAC; ORG entities only when the gazetteer strongly supports
  them (a country, a division or a large place: "Homs" tagged as an organisation);
- a gazetteer-driven matcher over capitalised n-grams, for names the model splits or
  misses ("Deir ez-Zor airport", "the Shaar gas field"), longest match first;
- demonyms and adjectives of place ("Turkish", "Iraqi"), from ``data/gazetteer/demonyms.json``.

Each mention gets a role: ``literal``; ``demonym`` (also a place name used as a modifier:
"US-backed", "US weaponry"); ``metonym`` (a country or capital acting as an agent:
"Washington said", "the US rushed troops"). Relative phrases ("east of Homs",
"76 miles from Baghdad", "near X") and feature phrases ("X gas field" when the field is not
itself in the gazetteer) are kept on the mention of the anchor place.

Resolution ranks the candidates of a name by population, feature (countries and divisions
first when the name is theirs), the countries and divisions of the document's other places,
containment ("Plymouth, Massachusetts") and whether the name matched exactly or only through
transliteration folding. See docs/geoparsing.md.
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_STOP, LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from frontwatch.gazetteer.build import open_gazetteer
from frontwatch.gazetteer.index import Candidate, Gazetteer, Place, name_key
from frontwatch.lexicon import speech_verbs, table, words
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_doc_id)
from frontwatch.nlp.batching import BatchedPipe
from frontwatch.nlp.extensions import doc_text
from frontwatch.records import Location, PlaceRole, Toponym

logger = logging.getLogger(__name__)

DEMONYMS_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "demonyms.json"
AREA_CODES_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "area_codes.tsv"

Relation = Literal["near", "bearing", "distance"]

_ENTITY_LABELS = frozenset({"GPE", "LOC", "FAC"})
_MAX_NGRAM = 6
_BEARINGS: dict[str, str] = table("place_words", "bearings")
_NEAR_WORDS = words("place_words", "near_words")
_DIST_UNITS: dict[str, float] = table("place_words", "distance_units_km")
# nouns that make "X <noun>" a feature phrase of the place X (docs/geoparsing.md)
FEATURE_WORDS: dict[str, str] = table("place_words", "feature_words")
_SHORT_NAMES = frozenset({"US", "UK", "U.S.", "U.K.", "UAE", "DRC", "CAR"})
_ARTICLE_WORDS = words("place_words", "transliterated_articles")
_QUALIFIERS = words("place_words", "qualifiers")
_ADMIN_WORDS = words("place_words", "admin_words")
_COUNTY_WORDS = words("place_words", "county_words")
# a named building: placed at the town the text puts it in (docs/geoparsing.md)
_VENUE_WORDS = words("place_words", "venue_words")
_AIRPORT_WORDS = words("place_words", "airport_words")
_DISTRICT_WORDS = words("place_words", "district_words")
DISTRICT_KM = 50.0  # a district's reading must lie this close to the place it is part of
_ANAPHORA: dict[str, str] = table("place_words", "anaphora")
_METONYM_HEADS = words("place_words", "metonym_heads")
_NEAR_OF_WORDS = words("place_words", "near_of_words")  # "on the outskirts of X"
_RELATIVE_PREPS = words("place_words", "relative_preps")  # "east of X", "76 miles from X"
_FEATURE_MODIFIERS = words("place_words", "feature_modifiers")  # "the X gas field"
_DANGLING_ENDS = words("place_words", "gram_dangling_ends")  # n-grams never end with these
_NOT_PLACE_STARTS = words("place_words", "not_place_starts")
_LEADING_ARTICLES = words("place_words", "leading_articles")
_INDEFINITE_ARTICLES = words("place_words", "indefinite_articles")
_SAINT_WORDS = words("place_words", "saint_words")
_TOWN_WORDS = words("place_words", "town_words")
_ANAPHORA_DETERMINERS = words("place_words", "anaphora_determiners")
_REPORTING_PREPS = words("place_words", "reporting_preps")
# a place that may be taken from the matcher alone, or from an ORG entity, must be one of these
ADMIN_CONTEXT = 0.7  # a division the document names (docs/geoparsing.md)
HOME_CONTEXT = 1.5  # the document's home division: dateline, local phone numbers
NEIGHBOUR = 1.2  # a reading near a reading of another name of the document
NEIGHBOUR_KM = 30.0
_NEIGHBOUR_READINGS = 6  # readings of each other name looked at (most populous first)
_MODIFIER_POP = 15_000  # a town that starts an organisation or event name ("Enfield Council")
# a North American phone number: (519) 661-5670, 519-661-5670, 1-304-399-6500
_PHONE = re.compile(r"(?<![\d-])(?:1[-. ])?\(?([2-9]\d\d)\)?[-. ]?[2-9]\d\d[-. ]\d{4}(?!\d)")
_DATELINE_END = frozenset({"(", "-", "–", "—", ":"})
_STRONG_POP = 100_000
_ATTACH_SKIP = frozenset(
    {
        "nsubj",
        "nsubjpass",
        "csubj",
        "relcl",
        "advcl",
        "conj",
        "cc",
        "parataxis",
        "punct",
        "mark",
        "aux",
        "auxpass",
        "neg",
    }
)

if not Doc.has_extension("fw_toponyms"):
    Doc.set_extension("fw_toponyms", default=None)


@dataclass
class PlaceMention:
    """One place mention. ``start``/``end`` are token offsets, ``span`` character offsets."""

    start: int
    end: int
    span: tuple[int, int]
    text: str
    role: PlaceRole = "literal"
    place: Place | None = None
    score: float = 0.0
    feature: str | None = None
    feature_span: tuple[int, int] | None = None
    relation: Relation | None = None
    relation_span: tuple[int, int] | None = None
    bearing: str | None = None
    distance_km: float | None = None
    candidates: list[Candidate] = field(default_factory=list, repr=False)
    admin_phrase: bool = False
    county: bool = False  # "<name> County" that the gazetteer lacks: a fallback reading
    venue: bool = False  # a named building ("St. Mark's Cathedral"): placed at its town
    fallback: bool = False  # resolved to the document's division for want of a candidate
    # "Cairo's Abbasiya district": the place the district is part of
    district_of: PlaceMention | None = field(default=None, repr=False)

    @property
    def approximate(self) -> bool:
        return bool(
            self.relation
            or self.feature
            or self.fallback
            or (self.place and self.place.approximate)
        )


@dataclass(frozen=True)
class Demonyms:
    """Demonym -> ISO country code, and regional adjectives -> gazetteer name."""

    countries: dict[str, str]
    regions: dict[str, str]

    @classmethod
    def load(cls, path: Path = DEMONYMS_PATH) -> Demonyms:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(dict(data.get("countries", {})), dict(data.get("regions", {})))


@lru_cache(maxsize=1)
def _default_demonyms() -> Demonyms:
    return Demonyms.load()


@dataclass(frozen=True)
class AreaCodes:
    """North American area code -> (country code, division name), from
    ``data/gazetteer/area_codes.tsv``: a local phone number tells the document's division."""

    divisions: dict[str, tuple[str, str]]

    @classmethod
    def load(cls, path: Path = AREA_CODES_PATH) -> AreaCodes:
        divisions: dict[str, tuple[str, str]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#") or line.startswith("area_code"):
                continue
            code, country, admin1 = line.split("\t")[:3]
            divisions[code] = (country, admin1)
        return cls(divisions)


@lru_cache(maxsize=1)
def _default_area_codes() -> AreaCodes:
    return AreaCodes.load()


@lru_cache(maxsize=65_536)
def _alike(key: str, name: str) -> bool:
    """A transliteration still looks like the place's name (memoised: difflib is slow)."""
    return SequenceMatcher(None, key, name_key(name)).ratio() >= 0.5


# words that continue a capitalised n-gram besides capitalised words and feature words
_GRAM_CONTINUATIONS = words("place_words", "gram_continuations")


@dataclass(frozen=True)
class _Words:
    """What n-gram matching reads of every token, taken from the Doc once.

    Reading these as token arrays instead of building a Token per test is most of the speed
    of :meth:`PlaceRecognizer._match`; ``text[starts[i] : ends[j - 1]]`` is ``doc[i:j].text``.
    """

    text: str
    texts: list[str]
    lowers: list[str]
    starts: list[int]
    ends: list[int]
    is_stop: list[int]  # 1 or 0
    is_punct: list[int]
    is_alpha: list[int]

    @classmethod
    def read(cls, doc: Doc) -> _Words:
        strings = doc.vocab.strings
        orth, lower, idx, is_stop, is_punct, is_alpha = (
            doc.to_array([ORTH, LOWER, IDX, IS_STOP, IS_PUNCT, IS_ALPHA]).T.tolist()
            if len(doc)
            else ([], [], [], [], [], [])
        )
        texts = [strings[h] for h in orth]
        return cls(
            text=doc_text(doc),
            texts=texts,
            lowers=[strings[h] for h in lower],
            starts=idx,
            ends=[start + len(word) for start, word in zip(idx, texts, strict=True)],
            is_stop=is_stop,
            is_punct=is_punct,
            is_alpha=is_alpha,
        )


class PlaceRecognizer(BatchedPipe):
    """The ``fw_places`` component: recognise, resolve, classify place mentions."""

    def __init__(
        self,
        nlp: Language | None = None,
        name: str = "fw_places",
        gazetteer: Gazetteer | None = None,
        demonyms: Demonyms | None = None,
        area_codes: AreaCodes | None = None,
    ) -> None:
        self.name = name
        self._gazetteer = gazetteer
        self.demonyms = demonyms or _default_demonyms()
        self.area_codes = area_codes if area_codes is not None else _default_area_codes()
        self._firsts: tuple[dict[str, str], frozenset[str]] | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = open_gazetteer()
        return self._gazetteer

    def __call__(self, doc: Doc) -> Doc:
        mentions = self.predict(doc)
        self.set_annotations(doc, mentions)
        return doc

    def set_annotations(self, doc: Doc, mentions: list[PlaceMention]) -> None:
        doc._.fw_toponyms = mentions

    # -- recognition ----------------------------------------------------------------------
    def predict(self, doc: Doc) -> list[PlaceMention]:
        gz = self.gazetteer
        spans: dict[tuple[int, int], str] = {}  # token span -> how found
        for ent in doc.ents:
            start = ent.start
            while start < ent.end and doc[start].lower_ in _LEADING_ARTICLES:
                start += 1
            if start >= ent.end:
                continue
            end, label = ent.end, ent.label_  # a slice of the Doc has no label: keep it
            if doc[end - 1].text in {"'s", "’s"} and end - 1 > start:
                end -= 1
            if label in _ENTITY_LABELS:
                spans[(start, end)] = "ent"
            elif label in {"ORG", "NORP", "PERSON"}:
                spans[(start, end)] = label
            elif label == "EVENT":  # "the Venice film festival": a name like an ORG's
                spans[(start, end)] = "ORG"
        place_texts = {doc[s:e].text for (s, e), how in spans.items() if how == "ent"}
        words = _Words.read(doc)
        matched = self._match(doc, gz, words)
        found: list[PlaceMention] = []
        deferred: list[PlaceMention] = []
        weak: list[PlaceMention] = []  # small places: kept inside a division the text names
        taken: set[int] = set()
        regions = self.demonyms.regions
        firsts = self._region_firsts()
        for i in range(len(doc) - 1):  # "South East Asian": a regional adjective of words
            if words.texts[i] not in firsts:
                continue
            for n in (3, 2):
                if i + n <= len(doc) and not any(k in taken for k in range(i, i + n)):
                    phrase = words.text[words.starts[i] : words.ends[i + n - 1]]
                    if phrase in regions:
                        dm = self._demonym(doc, i, i + n)
                        if dm is not None:
                            taken.update(range(i, i + n))
                            found.append(dm)
        for vs, ve in self._venue_runs(words):  # "the Stade de France", "St. Mark's Cathedral"
            if not any(k in taken for k in range(vs, ve)):
                lead: list[Candidate] = []  # "Toronto General Hospital": in Toronto
                saint = words.lowers[vs] in _SAINT_WORDS  # "St. Michael's Hospital"
                for k in (vs + 2, vs + 1):
                    if (
                        k < ve - 1
                        and not lead
                        and not saint
                        and words.lowers[k] not in {"'s", "’s"}
                    ):
                        got = [
                            c
                            for c in gz.lookup(doc[vs:k].text, fold=False)
                            if c.place.feature_class == "P"
                        ]
                        lead = got if _town(got) else []
                v = self._mention(doc, vs, ve, lead)
                v.venue = True
                taken.update(range(vs, ve))
                found.append(v)
        # gazetteer matches, longest first; they win over shorter place entities they cover
        for s, e in sorted(matched, key=lambda k: (k[0] - k[1], k[0])):
            if any(i in taken for i in range(s, e)):
                continue
            over = [k for k in spans if k[0] < e and s < k[1]]
            if any(
                spans[k] == "ent" and k[0] <= s and k[1] >= e and k[1] - k[0] > e - s for k in over
            ):
                continue  # inside a longer place entity ("Stade de France")
            cands = gz.lookup(doc[s:e].text, fold=False)
            labels = {spans[k] for k in over}
            if "ent" in labels:
                m = self._mention(doc, s, e, cands)
            elif "ORG" in labels:
                if e < len(doc) and words.lowers[e] in _COUNTY_WORDS and words.texts[e].istitle():
                    continue  # "Laurel County Sheriff's Office": the county, found below
                modifier = any(
                    spans[k] == "ORG" and k[0] == s and k[1] > e and doc[e - 1].dep_ == "compound"
                    for k in over
                )  # a place that starts the name: "Enfield Council", "Cannes Grand Prix"
                if not self._strong(cands, doc[s:e], org=True) and not (modifier and _town(cands)):
                    if cands and all(t.pos_ == "PROPN" for t in doc[s:e]):
                        weak.append(self._mention(doc, s, e, cands))
                    continue
                m = self._mention(doc, s, e, cands)
                if any(
                    spans[k] == "ORG" and k[0] <= s and k[1] >= e and k[1] - k[0] > e - s
                    for k in over
                ):
                    m.role = "demonym"  # a place modifying a name: "Toronto Police"
            elif any(t.ent_type_ for t in doc[s:e]):
                if any(k[0] <= s and k[1] >= e and k[1] - k[0] > e - s for k in over):
                    continue  # part of a longer name: "Michael Jordan"
                if self._strong(cands, doc[s:e], org=True, ents=False):
                    deferred.append(self._mention(doc, s, e, cands))
                elif cands and doc[s:e].text in place_texts:
                    # a place entity elsewhere in the document ("Heathrow" tagged as a person)
                    deferred.append(self._mention(doc, s, e, cands))
                elif cands and all(t.pos_ == "PROPN" for t in doc[s:e]):
                    weak.append(self._mention(doc, s, e, cands))
                continue
            elif self._strong(cands, doc[s:e]):
                m = self._mention(doc, s, e, cands)
            else:
                if cands and all(t.pos_ == "PROPN" for t in doc[s:e]):
                    weak.append(self._mention(doc, s, e, cands))
                continue
            taken.update(range(s, e))
            found.append(m)
        for (s, e), how in sorted(spans.items()):
            if any(i in taken for i in range(s, e)):
                continue
            text = doc[s:e].text
            if text in self.demonyms.countries or text in self.demonyms.regions:
                dm = self._demonym(doc, s, e)
                if dm is not None:
                    taken.update(range(s, e))
                    found.append(dm)
                continue
            venue = any(
                words.lowers[k] in _VENUE_WORDS and words.texts[k][:1].isupper()
                for k in range(s, e)
            )
            if how != "ent" and not (how == "ORG" and venue):
                continue
            cands = self._filter_fold(text, gz.lookup(text))
            if venue:  # "St. Mark's Cathedral", "Stade de France": a building, never the town
                found.append(
                    self._mention(doc, s, e, [c for c in cands if c.place.feature_class == "S"])
                )
                found[-1].venue = True
                taken.update(range(s, e))
                continue
            k = s
            while not cands and k < e - 1 and doc[k].lower_ in _QUALIFIERS:
                k += 1  # "Far North Queensland" -> Queensland
                cands = self._filter_fold(doc[k:e].text, gz.lookup(doc[k:e].text))
            county = False
            if not cands and e - s > 1 and doc[e - 1].lower_ in _ADMIN_WORDS:
                name = doc[s : e - 1].text  # "Guangxi province" -> Guangxi (+ admin phrase)
                cands = [
                    c for c in gz.lookup(name, fold=False) if c.place.feature_code.startswith("ADM")
                ]
                if cands:
                    e -= 1
                elif doc[e - 1].lower_ in _COUNTY_WORDS:  # "Laurel County": a fallback reading
                    county = True
                    cands = [
                        c
                        for c in gz.lookup(name, fold=False)
                        if c.place.feature_class == "P" and c.exact
                    ]
            if not cands and not county and not any(t.pos_ == "PROPN" for t in doc[s:e]):
                continue  # "Gunmen" tagged as a place at the start of a sentence
            taken.update(range(s, e))
            found.append(self._mention(doc, s, e, cands))
            found[-1].county = county
        demonyms = self.demonyms.countries
        for i, word in enumerate(words.texts):  # demonyms the model did not tag
            if i not in taken and word in demonyms and doc[i].pos_ != "VERB":
                dm = self._demonym(doc, i, i + 1)
                if dm is not None:
                    taken.add(i)
                    found.append(dm)
        if deferred:  # names the model gave to persons: kept when the document's places agree
            countries = {c.place.country for m in found for c in m.candidates[:1]}
            for m in deferred:
                best = next((c for c in m.candidates if c.exact), None)
                if (
                    best is not None
                    and (
                        best.place.is_country
                        or best.place.country in countries
                        or m.text in place_texts
                    )
                    and not any(i in taken for i in range(m.start, m.end))
                ):
                    taken.update(range(m.start, m.end))
                    found.append(m)
        if weak:  # "Heathrow and Gatwick": a conjunct of a place is a place
            starts = {m.start for m in found}
            for m in list(weak):
                head = doc[m.end - 1]
                if (
                    head.dep_ == "conj"
                    and head.head.i in starts
                    and any(c.exact for c in m.candidates)
                    and not any(i in taken for i in range(m.start, m.end))
                ):
                    weak.remove(m)
                    taken.update(range(m.start, m.end))
                    found.append(m)
        for i, word in enumerate(words.lowers):  # "Laurel County" that the gazetteer lacks
            if word not in _COUNTY_WORDS or not words.texts[i][:1].isupper() or i == 0:
                continue
            s = i - 1
            while s > 0 and s > i - 3 and doc[s - 1].pos_ == "PROPN" and doc[s - 1].is_title:
                s -= 1
            if any(k in taken for k in range(s, i + 1)) or doc[s].pos_ != "PROPN":
                continue
            name = doc[s:i].text
            towns = [
                c for c in gz.lookup(name, fold=False) if c.place.feature_class == "P" and c.exact
            ]
            m = self._mention(doc, s, i + 1, towns)
            m.county = True
            taken.update(range(s, i + 1))
            found.append(m)
        if weak:
            divisions = {
                (c.place.country, c.place.admin1)
                for m in found
                for c in m.candidates[:1]
                if c.place.is_admin1 and c.exact
            }
            for m in weak:
                inside = [c for c in m.candidates if (c.place.country, c.place.admin1) in divisions]
                if inside and not any(i in taken for i in range(m.start, m.end)):
                    m.candidates = inside
                    taken.update(range(m.start, m.end))
                    found.append(m)
        found.sort(key=lambda m: m.start)
        if self._districts(doc, found, taken, words):
            found.sort(key=lambda m: m.start)
        for m in found:
            if m.role == "literal":
                self._phrases(doc, m)
                m.role = self._role(doc, m)
        self._resolve(doc, found, words.text)
        return found

    def _region_firsts(self) -> frozenset[str]:
        """First words of the multi-word regional adjectives ("South" of "South East Asian")."""
        regions = self.demonyms.regions
        if self._firsts is None or self._firsts[0] is not regions:
            self._firsts = (regions, frozenset(k.split()[0] for k in regions if " " in k))
        return self._firsts[1]

    def _districts(
        self, doc: Doc, found: list[PlaceMention], taken: set[int], words: _Words
    ) -> bool:
        """A district of a place: "Cairo's Abbasiya district", "the city's Haram
        neighbourhood", "the Cincinnati suburb of West Chester", "Douma, a suburb of
        Damascus". Its readings must lie near that place (else it takes the place's position).
        Returns whether a mention was added."""
        added = False
        n = len(doc)

        def mention_at(s: int, e: int) -> PlaceMention | None:
            return next((f for f in found if f.start == s and f.end == e), None)

        for i in range(1, n):
            if words.lowers[i] not in _DISTRICT_WORDS:
                continue
            name: tuple[int, int] | None = None
            container: PlaceMention | None = None
            s = i
            while (
                s > 0 and i - s < 3 and doc[s - 1].pos_ == "PROPN" and doc[s - 1].text[:1].isupper()
            ):
                s -= 1
            if s < i and s >= 2 and doc[s - 1].text in {"'s", "’s"}:  # "Cairo's Abbasiya district"
                name = (s, i)
                owner = doc[s - 2]
                container = _covering(found, owner.i)
                if container is None and owner.lower_ in _TOWN_WORDS:
                    container = next(
                        (
                            m
                            for m in reversed(found)
                            if m.end <= owner.i
                            and m.role == "literal"
                            and m.candidates
                            and m.candidates[0].place.feature_class == "P"
                        ),
                        None,
                    )
            elif i + 2 < n and doc[i + 1].lower_ == "of":
                before = next((f for f in found if f.end == i), None)
                after = next((f for f in found if f.start == i + 2), None)
                if before is not None:  # "the Cincinnati suburb of West Chester"
                    container = before
                    if after is not None:
                        name = (after.start, after.end)
                    else:
                        e = i + 2
                        while (
                            e < n
                            and e - i < 6
                            and doc[e].pos_ == "PROPN"
                            and doc[e].text[:1].isupper()
                        ):
                            e += 1
                        name = (i + 2, e) if e > i + 2 else None
                elif (
                    after is not None
                    and i >= 3
                    and doc[i - 1].lower_ in _INDEFINITE_ARTICLES
                    and doc[i - 2].text == ","
                ):  # "Douma, a suburb of Damascus"
                    inner = next((f for f in found if f.end == i - 2), None)
                    if inner is not None:
                        container, name = after, (inner.start, inner.end)
            if (
                name is None
                or container is None
                or not container.candidates
                or container.candidates[0].place.is_area  # "the Idlib area of Syria"
            ):
                continue
            m = mention_at(*name)
            if m is None:
                if any(k in taken for k in range(*name)):
                    continue
                m = self._mention(
                    doc, name[0], name[1], self.gazetteer.lookup(doc[slice(*name)].text)
                )
                taken.update(range(*name))
                found.append(m)
                added = True
            if m is not container:
                m.district_of = container
        return added

    def _match(self, doc: Doc, gz: Gazetteer, words: _Words) -> set[tuple[int, int]]:
        """Capitalised n-grams (and "X <feature word>") that name a gazetteer place."""
        grams: dict[str, list[tuple[int, int]]] = {}
        n = len(doc)
        texts, lowers, text = words.texts, words.lowers, words.text
        starts, ends = words.starts, words.ends
        is_stop, is_punct, is_alpha = words.is_stop, words.is_punct, words.is_alpha
        for i in range(n):
            word, lower = texts[i], lowers[i]
            article = (
                lower in _ARTICLE_WORDS
                and i + 2 < n
                and texts[i + 1] == "-"
                and texts[i + 2][:1].isupper()
            )  # "al-Mawsil"
            if not article and (
                not (word[:1].isupper() and word.replace(".", "").isalpha())
                or is_stop[i]
                or len(word) < 2
                or lower in _NOT_PLACE_STARTS
            ):
                continue
            for j in range(i + 1, min(n, i + _MAX_NGRAM) + 1):
                last, last_lower = texts[j - 1], lowers[j - 1]
                last_cap = (last[:1].isupper() and is_alpha[j - 1]) or last in {"-", "–"}
                if j - 1 > i and not (
                    last_cap or last_lower in FEATURE_WORDS or last_lower in _GRAM_CONTINUATIONS
                ):
                    break
                if is_punct[j - 1] and last not in {"-", "–"}:
                    break
                key = name_key(text[starts[i] : ends[j - 1]])
                if key and (j - i > 1 or len(key) >= 3 or word in _SHORT_NAMES):
                    grams.setdefault(key, []).append((i, j))
        known = gz.known_keys(list(grams))
        out: set[tuple[int, int]] = set()
        for key in known:
            for s, e in grams[key]:
                if texts[e - 1] in {"-", "–"} or lowers[e - 1] in _DANGLING_ENDS:
                    continue
                out.add((s, e))
        return out

    def _strong(
        self, cands: list[Candidate], span: Span, org: bool = False, ents: bool = True
    ) -> bool:
        """Enough gazetteer support to take a span that no place entity backs."""
        if not cands:
            return False
        if len(span) == 1 and span[0].is_sent_start and span[0].pos_ != "PROPN":
            return False
        if ents and any(
            t.ent_type_ in {"PERSON", "NORP", "DATE", "CARDINAL", "MONEY", "WORK_OF_ART"}
            for t in span
        ):
            return False
        if not org and any(t.ent_type_ == "ORG" for t in span):
            return False
        for c in cands:
            p = c.place
            if not c.exact:
                continue
            if p.is_country or p.is_admin1 or p.source.startswith("supplement"):
                return True
            if p.feature_code == "AIRP" and len(span) > 1 and span[-1].lower_ in _AIRPORT_WORDS:
                return True
            if p.population >= _STRONG_POP and (c.primary or len(span) > 1):
                return True
        return False

    @staticmethod
    def _filter_fold(text: str, cands: list[Candidate]) -> list[Candidate]:
        """Transliteration matches only when the names still look alike."""
        key = name_key(text)
        return [
            c
            for c in cands
            if c.exact
            or (
                (c.place.population >= 1000 or c.place.source.startswith("supplement"))
                and _alike(key, c.place.name)
            )
        ]

    def _mention(self, doc: Doc, s: int, e: int, cands: list[Candidate]) -> PlaceMention:
        sp = doc[s:e]
        return PlaceMention(s, e, (sp.start_char, sp.end_char), sp.text, candidates=cands)

    def _demonym(self, doc: Doc, s: int, e: int) -> PlaceMention | None:
        text = doc[s:e].text
        code = self.demonyms.countries.get(text)
        cands: list[Candidate] = []
        if code:
            try:
                cands = [Candidate(self.gazetteer.country(code), True, True)]
            except KeyError:
                return None
        elif text in self.demonyms.regions:
            cands = [c for c in self.gazetteer.lookup(self.demonyms.regions[text]) if c.exact][:1]
        if not cands:
            return None
        m = self._mention(doc, s, e, cands)
        m.role = "demonym"
        return m

    def _phrases(self, doc: Doc, m: PlaceMention) -> None:
        """Feature phrase after the mention, relative phrase before it."""
        j = m.end
        words: list[str] = []
        while (
            j < len(doc)
            and j < m.end + 3
            and doc[j].lower_ in FEATURE_WORDS.keys() | _FEATURE_MODIFIERS | _ADMIN_WORDS
        ):
            words.append(doc[j].lower_)
            j += 1
        if words and words[-1] in _ADMIN_WORDS:
            m.admin_phrase = True
        elif words and words[-1] in FEATURE_WORDS:
            m.feature = " ".join(words)
            m.feature_span = (doc[m.end].idx, doc[j - 1].idx + len(doc[j - 1]))
        i = m.start - 1
        if i < 0:
            return
        prev = doc[i]
        if prev.lower_ in _NEAR_WORDS or (
            prev.lower_ == "of" and i > 0 and doc[i - 1].lower_ in _NEAR_OF_WORDS
        ):
            m.relation = "near"
            m.relation_span = (doc[i - 1 if prev.lower_ == "of" else i].idx, m.span[0])
        if prev.lower_ in _RELATIVE_PREPS and i > 0:
            b = doc[i - 1].lower_
            if b in _BEARINGS:
                m.relation, m.bearing = "bearing", _BEARINGS[b]
                m.relation_span = (doc[i - 1].idx, m.span[0])
            k = i - 1
            while k >= max(0, i - 10) and not doc[k].is_sent_start:
                unit = _DIST_UNITS.get(doc[k].lower_)
                if unit and k > 0 and doc[k - 1].like_num:
                    value = _number(doc[k - 1].text)
                    if value is not None:
                        m.distance_km = round(value * unit, 1)
                        if m.relation is None:
                            m.relation = "distance"
                        m.relation_span = (doc[k - 1].idx, m.span[0])
                    break
                k -= 1

    def _role(self, doc: Doc, m: PlaceMention) -> PlaceRole:
        last = doc[m.end - 1]
        nxt = doc[m.end] if m.end < len(doc) else None
        if (
            nxt is not None
            and nxt.text in {"-", "–"}
            and m.end + 1 < len(doc)
            and doc[m.end + 1].pos_ in {"VERB", "ADJ"}
            and doc[m.end + 1].lower_ not in FEATURE_WORDS
        ):
            return "demonym"  # "US-backed", "Saudi-led"
        cands = m.candidates
        big = bool(cands) and (cands[0].place.is_country or cands[0].place.feature_code == "PPLC")
        if (
            last.dep_ in {"compound", "amod"}
            and last.head.i >= m.end
            and last.head.ent_type_ not in _ENTITY_LABELS
            and last.head.lower_ not in FEATURE_WORDS
            and last.head.lower_ not in _ADMIN_WORDS
            and big
        ):
            return "demonym"  # "US weaponry", "US withdrawal"
        if big and last.dep_ == "nsubj" and last.head.pos_ in {"VERB", "AUX"}:
            return "metonym"  # "Washington said", "the US rushed troops"
        if big and last.dep_ == "poss" and last.head.lower_ in _METONYM_HEADS:
            return "metonym"
        return "literal"

    # -- resolution -----------------------------------------------------------------------
    def _resolve(self, doc: Doc, mentions: list[PlaceMention], text: str | None = None) -> None:
        """Rank every mention's candidates; see docs/geoparsing.md.

        The document context of a mention (the countries and divisions of the other places)
        leaves out the mentions of the same name, so that a name does not vote for its own
        reading ("London" five times is not evidence for England).
        """
        keys = [name_key(m.text) for m in mentions]
        evidence: list[tuple[str, str | None, str | None]] = []  # (key, country, admin1)
        for k, m in zip(keys, mentions, strict=True):
            if not m.candidates:
                continue
            top = m.candidates[0]
            # unambiguous places only: countries, demonyms, names with a single reading
            if (
                (top.place.is_country and top.exact)
                or m.role == "demonym"
                or len(m.candidates) == 1
            ):
                evidence.append((k, top.place.country, None))
        links = [self._links(doc, mentions, idx) for idx in range(len(mentions))]
        home = self._home(doc, mentions, links, doc_text(doc) if text is None else text)
        near = _neighbours(keys, mentions)
        at_home: list[tuple[str, str | None, str | None]] = [
            ("#home", country, admin1) for country, admin1 in sorted(home)
        ]
        evidence.extend(at_home)
        for _ in range(2):  # a second pass uses the first pass's divisions and countries
            context = _Context.of(evidence)
            towns: dict[tuple[str | None, str | None], list[tuple[str, int]]] = {}
            for k, other in zip(keys, mentions, strict=True):
                if other.place is not None and other.place.feature_class == "P":
                    towns.setdefault((other.place.country, other.place.admin1), []).append(
                        (k, other.place.population)
                    )
            for idx, m in enumerate(mentions):
                if not m.candidates:
                    continue
                countries, admins = context.without(keys[idx])
                container, inner = links[idx]
                cities = [
                    c.place
                    for c in m.candidates
                    if c.exact and c.place.feature_class == "P" and c.place.population >= 500_000
                ]
                big = bool(cities)
                # "Montreal ... Quebec": a larger town of the division is named, so the name is
                # the division's rather than its city's
                outgrown = {
                    (q.country, q.admin1)
                    for q in cities
                    if any(
                        k2 != keys[idx] and pop > q.population
                        for k2, pop in towns.get((q.country, q.admin1), ())
                    )
                }
                scored = sorted(
                    (
                        (
                            self._score(
                                c,
                                m,
                                countries,
                                admins,
                                container,
                                big and (c.place.country, c.place.admin1) not in outgrown,
                                inner,
                                home,
                            )
                            + (NEIGHBOUR if (idx, c.place.geonameid) in near else 0.0),
                            c,
                        )
                        for c in m.candidates
                    ),
                    key=lambda x: -x[0],
                )
                best, cand = scored[0]
                second = scored[1][0] if len(scored) > 1 else best - 3.0
                m.place = cand.place
                m.score = round(1.0 / (1.0 + math.exp(-(best - second) * 1.5)), 3)
            evidence = [
                (k, m.place.country, m.place.admin1 if m.place.is_admin1 else None)
                for k, m in zip(keys, mentions, strict=True)
                if m.place and m.place.country
            ] + at_home
        self._one_sense(keys, mentions, links)
        self._fallback(mentions, links, home, _Context.of(evidence))

    @staticmethod
    def _venue_runs(words: _Words) -> list[tuple[int, int]]:
        """Capitalised runs naming a building: capitalised words ending in a venue word
        ("Thomas Memorial Hospital", "St. Mark's Cathedral")."""
        out: list[tuple[int, int]] = []
        texts, lowers, n = words.texts, words.lowers, len(words.texts)
        for i in range(n):
            if lowers[i] not in _VENUE_WORDS or not texts[i][:1].isupper():
                continue
            s = i
            while s > 0 and (
                (texts[s - 1][:1].isupper() and texts[s - 1].rstrip(".").isalpha())
                or (lowers[s - 1] in {"'s", "’s"} and s > 1 and texts[s - 2][:1].isupper())
            ):
                s -= 1
            e = i + 1  # not through "of": "University of Manitoba" names Manitoba
            if e - s >= 2 and not (out and out[-1][1] > s):
                out.append((s, e))
        return out

    @staticmethod
    def _venue_town(mentions: list[PlaceMention], idx: int, towns: Counter[int]) -> Place | None:
        """The town of a named building: the place right after it ("... Hospital in South
        Charleston", "University of Toronto"), else the document's most mentioned town."""
        m = mentions[idx]
        after = mentions[idx + 1] if idx + 1 < len(mentions) else None
        if (
            after is not None
            and after.place is not None
            and after.place.feature_class in {"P", "S"}
            and after.start - m.end <= 2
            and after.role in {"literal", "demonym"}
        ):
            return after.place
        if not towns:
            return None
        best = max(towns.values())
        for other in mentions:  # the first of the most mentioned towns
            p = other.place
            if p is not None and p.feature_class == "P" and towns.get(p.geonameid) == best:
                return p
        return None

    def _home(
        self,
        doc: Doc,
        mentions: list[PlaceMention],
        links: list[tuple[PlaceMention | None, PlaceMention | None]],
        text: str,
    ) -> set[tuple[str, str]]:
        """The document's home divisions (country, admin1 code): the division of a dateline
        ("LAUREL COUNTY, Ky. (WKYT) -") and of local phone numbers ("call 519-661-5670")."""
        gz = self.gazetteer
        home: set[tuple[str, str]] = set()
        if (
            mentions
            and mentions[0].start <= 2
            and all(t.is_punct for t in doc[: mentions[0].start])
        ):
            container = links[0][0]  # "LAUREL COUNTY, Ky. (WKYT)": a bare "WASHINGTON (AP)"
            # gives no home (it would vote for its own reading)
            if (
                container is not None
                and container.end < len(doc)
                and doc[container.end].text in _DATELINE_END
            ):
                for c in container.candidates[:1]:
                    if c.exact and c.place.is_admin1 and c.place.country and c.place.admin1:
                        home.add((c.place.country, c.place.admin1))
        for match in _PHONE.finditer(text):
            division = self.area_codes.divisions.get(match.group(1))
            if division is None:
                continue
            country, name = division
            for c in gz.lookup(name, fold=False):
                p = c.place
                if p.is_admin1 and p.country == country and p.admin1:
                    home.add((country, p.admin1))
                    break
        return home

    def _fallback(
        self,
        mentions: list[PlaceMention],
        links: list[tuple[PlaceMention | None, PlaceMention | None]],
        home: set[tuple[str, str]],
        context: _Context,
    ) -> None:
        """A county the gazetteer lacks ("Laurel County, Ky.") becomes the town of that name in
        the document's division, else the division itself (approximate); so does a name with
        no reading at all when the document has one division."""
        gz = self.gazetteer
        top = context.admins.most_common(2)
        sole: tuple[str, str] | None = None
        if len(home) == 1:
            sole = next(iter(home))
        elif not home and top and (len(top) == 1 or top[0][1] > top[1][1]):
            sole = top[0][0]
        for m in mentions:
            owner = m.district_of
            if owner is None or owner.place is None or owner.place.is_area:
                continue
            if m.place is not None and m.place.is_area:
                continue  # a country or division is no district
            op = owner.place
            near = [
                c
                for c in m.candidates
                if _km(c.place.lat, c.place.lon, op.lat, op.lon) <= DISTRICT_KM
            ]
            m.place, m.score, m.fallback = (near[0].place, 0.7, False) if near else (op, 0.5, True)
        town_counts = Counter(
            m.place.geonameid
            for m in mentions
            if m.role == "literal" and m.place is not None and m.place.feature_class == "P"
        )
        for idx, m in enumerate(mentions):
            if m.venue and m.place is None:
                town = self._venue_town(mentions, idx, town_counts)
                if town is not None:
                    m.place, m.score, m.fallback = town, 0.5, True
        for m, (container, _inner) in zip(mentions, links, strict=True):
            if m.venue:
                continue
            if (
                m.role != "literal"
                or m.district_of is not None
                or not (m.county or not m.candidates)
            ):
                continue
            division = sole
            if container is not None and container.place is not None:
                cp = container.place
                if cp.is_admin1 and cp.country and cp.admin1:
                    division = (cp.country, cp.admin1)
            if m.county:
                wanted = home | set(context.admins) if division is None else {division}
                towns = [c for c in m.candidates if (c.place.country, c.place.admin1) in wanted]
                if towns:
                    m.place, m.score, m.fallback = towns[0].place, 0.5, True
                    continue
                m.place = None
            if division is None:
                continue
            try:
                m.place = gz.admin1(*division)
            except KeyError:
                continue
            m.score, m.fallback = 0.5, True

    @staticmethod
    def _one_sense(
        keys: list[str],
        mentions: list[PlaceMention],
        links: list[tuple[PlaceMention | None, PlaceMention | None]],
    ) -> None:
        """A name that a containment phrase resolved ("Paris, Texas") keeps that reading in
        the rest of the document ("... in Paris")."""
        anchored: dict[str, PlaceMention] = {}
        for k, m, (container, inner) in zip(keys, mentions, links, strict=True):
            if m.place is not None and (container or inner) and k not in anchored:
                anchored[k] = m
        for k, m, (container, inner) in zip(keys, mentions, links, strict=True):
            anchor = anchored.get(k)
            if anchor is None or anchor is m or container or inner or anchor.place is None:
                continue
            gid = anchor.place.geonameid
            if any(c.place.geonameid == gid for c in m.candidates):
                m.place, m.score = anchor.place, anchor.score

    def _links(
        self, doc: Doc, mentions: list[PlaceMention], idx: int
    ) -> tuple[PlaceMention | None, PlaceMention | None]:
        """(container, inner) of mention ``idx``: "Plymouth, Massachusetts" links Plymouth
        to its container Massachusetts, and Massachusetts to its inner place Plymouth."""
        m = mentions[idx]
        container = inner = None
        after = mentions[idx + 1] if idx + 1 < len(mentions) else None
        if (
            after is not None
            and m.end < len(doc)
            and doc[m.end].text == ","
            and after.start == m.end + 1
        ):
            container = after
        before = mentions[idx - 1] if idx > 0 else None
        if (
            before is not None
            and m.start >= 2
            and doc[m.start - 1].text == ","
            and before.end == m.start - 1
        ):
            inner = before
        return container, inner

    def _score(
        self,
        c: Candidate,
        m: PlaceMention,
        countries: Counter[str],
        admins: Counter[tuple[str, str]],
        container: PlaceMention | None,
        big_city: bool = False,
        inner: PlaceMention | None = None,
        home: set[tuple[str, str]] | None = None,
    ) -> float:
        p = c.place
        pop = p.population // 3 if p.is_admin1 else 0 if p.feature_code == "AIRP" else p.population
        s = 0.5 * math.log10(pop + 10)
        if p.is_country:
            s += 3.0 if c.exact else 1.0
        elif p.is_admin1:
            s += (0.6 if c.primary else 0.0) if c.exact else 0.3
            if big_city and not m.admin_phrase:
                s -= 1.5  # "New York", "Homs": the city unless "province" follows
        elif p.feature_code == "PPLC":
            s += 1.2 if c.primary else 0.5
        elif p.feature_code in {"CONT", "RGN", "SEA", "GULF", "STRT", "OCN"} or p.source.startswith(
            "supplement"
        ):
            s += 2.5
        elif p.feature_code == "AIRP":
            s += 1.5 * p.population  # 2 international, 1 commercial (IATA code), 0 other
        if p.feature_class == "A" and m.admin_phrase:
            s += 2.0
        if m.feature and p.feature_code == FEATURE_WORDS.get(m.feature.split()[-1]):
            s += 2.0
        if c.primary:
            s += 0.5
        if not c.exact:
            s -= 1.5
        if p.country and countries.get(p.country):
            s += 0.9 + 0.15 * min(countries[p.country], 4)
        if p.country and p.admin1 and admins.get((p.country, p.admin1)):
            s += ADMIN_CONTEXT
        if home and p.country and p.admin1 and (p.country, p.admin1) in home:
            s += HOME_CONTEXT
        if container is not None and container.candidates:
            cp = container.place or container.candidates[0].place
            if cp.country == p.country:
                s += 1.0
                if cp.is_admin1 and (cp.admin1 == p.admin1 or cp.name == p.admin1_name):
                    s += 1.0
        if inner is not None and (p.is_country or p.is_admin1) and _contains(p, inner):
            s += 2.0  # "Churchill, Man.": the division that has a Churchill
        return s


@dataclass
class _Context:
    """Countries and divisions of the document's resolved places, by name key."""

    countries: Counter[str]
    admins: Counter[tuple[str, str]]
    by_key: dict[str, tuple[Counter[str], Counter[tuple[str, str]]]]

    @classmethod
    def of(cls, evidence: list[tuple[str, str | None, str | None]]) -> _Context:
        countries: Counter[str] = Counter()
        admins: Counter[tuple[str, str]] = Counter()
        by_key: dict[str, tuple[Counter[str], Counter[tuple[str, str]]]] = {}
        for key, country, admin1 in evidence:
            own = by_key.setdefault(key, (Counter(), Counter()))
            if country:
                countries[country] += 1
                own[0][country] += 1
                if admin1:
                    admins[(country, admin1)] += 1
                    own[1][(country, admin1)] += 1
        return cls(countries, admins, by_key)

    def without(self, key: str) -> tuple[Counter[str], Counter[tuple[str, str]]]:
        own = self.by_key.get(key)
        if own is None:
            return self.countries, self.admins
        return self.countries - own[0], self.admins - own[1]


def _neighbours(keys: list[str], mentions: list[PlaceMention]) -> set[tuple[int, int]]:
    """(mention index, geonameid) of the point readings that lie within ``NEIGHBOUR_KM`` of a
    reading of another name of the document: "Edmonton" beside "Enfield" is the London one."""
    grid: dict[tuple[int, int], list[tuple[str, float, float]]] = {}
    seen: set[tuple[str, int]] = set()
    for k, m in zip(keys, mentions, strict=True):
        for c in m.candidates[:_NEIGHBOUR_READINGS]:
            p = c.place
            if p.is_area or p.feature_class not in {"P", "S"} or (k, p.geonameid) in seen:
                continue
            seen.add((k, p.geonameid))
            grid.setdefault((int(p.lat // 0.5), int(p.lon // 0.5)), []).append((k, p.lat, p.lon))
    out: set[tuple[int, int]] = set()
    if len({k for k, _ in seen}) < 2:
        return out
    for idx, (k, m) in enumerate(zip(keys, mentions, strict=True)):
        if len(m.candidates) < 2:
            continue
        for c in m.candidates:
            p = c.place
            if p.is_area or p.feature_class not in {"P", "S"}:
                continue
            gy, gx = int(p.lat // 0.5), int(p.lon // 0.5)
            if any(
                other != k and _km(p.lat, p.lon, lat, lon) <= NEIGHBOUR_KM
                for dy in (-1, 0, 1)
                for dx in (-1, 0, 1)
                for other, lat, lon in grid.get((gy + dy, gx + dx), ())
            ):
                out.add((idx, p.geonameid))
    return out


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance in km (close enough under a few hundred km)."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def _town(cands: list[Candidate]) -> bool:
    """A town of some size under this exact name (a name may start with it)."""
    return any(
        c.exact and c.place.feature_class == "P" and c.place.population >= _MODIFIER_POP
        for c in cands
    )


def _contains(area: Place, inner: PlaceMention) -> bool:
    """Whether a country or division ``area`` holds one of the readings of ``inner``."""
    for c in inner.candidates:
        q = c.place
        if q.geonameid == area.geonameid or q.country != area.country:
            continue
        if area.is_country or (q.admin1 is not None and q.admin1 == area.admin1):
            return True
    return False


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


@Language.factory(
    "fw_places",
    assigns=["doc._.fw_toponyms"],
    requires=["token.dep", "doc.ents"],
    default_config={},
)
def make_places(nlp: Language, name: str) -> PlaceRecognizer:
    """Factory; the gazetteer is opened lazily (see :func:`add_places` to pass one)."""
    return PlaceRecognizer(nlp, name)


def add_places(
    nlp: Language,
    gazetteer: Gazetteer | None = None,
    demonyms: Demonyms | None = None,
    area_codes: AreaCodes | None = None,
) -> PlaceRecognizer:
    """Add ``fw_places`` to ``nlp`` with a given gazetteer (tests pass a small one)."""
    pipe = nlp.add_pipe("fw_places")
    assert isinstance(pipe, PlaceRecognizer)
    pipe._gazetteer = gazetteer
    if demonyms is not None:
        pipe.demonyms = demonyms
    if area_codes is not None:
        pipe.area_codes = area_codes
    return pipe


# -- records ------------------------------------------------------------------------------
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
    elif m.relation or m.feature or near or m.fallback:
        precision = 2  # also a district placed at the place it is part of
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


def _literal(doc: Doc) -> list[PlaceMention]:
    """Literal resolved mentions; a name with no reading of its own that only took the
    document's division ("Falcon Street" -> Ontario) is no event location."""
    return [
        m
        for m in _mentions(doc)
        if m.role == "literal"
        and m.place is not None
        and not (m.fallback and not m.county and m.district_of is None and not m.candidates)
    ]


def _covering(mentions: Iterable[PlaceMention], i: int) -> PlaceMention | None:
    for m in mentions:
        if m.start <= i < m.end:
            return m
    return None


def _anaphor(doc: Doc, tok: Token, before: int) -> PlaceMention | None:
    """ "the city" -> the most recent mention of a populated place before token ``before``."""
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
    "a spokesman in Kabul said", "the ministry in Moscow"."""
    root = doc[mention.start : mention.end].root
    if root.dep_ != "pobj" or root.head.lower_ not in _REPORTING_PREPS:
        return False
    governor = root.head.head
    return governor.lemma_.lower() in REPORTING_WORDS


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
