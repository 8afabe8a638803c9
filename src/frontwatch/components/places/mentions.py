"""Place mentions and what recognising them reads: :class:`PlaceMention`, the demonyms and
area-code tables, the word lists of ``place_words.json``, and small geometry helpers."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Literal

from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_STOP, LOWER, ORTH
from spacy.tokens import Doc, Token

from frontwatch.gazetteer.index import Candidate, Place, name_key
from frontwatch.gazetteer.names import ARTICLES
from frontwatch.lexicon import DATA_DIR, read, table, words
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_doc_id)
from frontwatch.nlp.extensions import doc_text
from frontwatch.records import PlaceRole

logger = logging.getLogger(__name__)


DEMONYMS_PATH = DATA_DIR / "gazetteer" / "demonyms.json"


AREA_CODES_PATH = DATA_DIR / "gazetteer" / "area_codes.tsv"


Relation = Literal["near", "bearing", "distance"]


_ENTITY_LABELS = frozenset({"GPE", "LOC", "FAC"})


_MAX_NGRAM = 6


_BEARINGS: dict[str, str] = table("place_words", "bearings")


_NEAR_WORDS = words("place_words", "near_words")


_DIST_UNITS: dict[str, float] = table("place_words", "distance_units_km")


# nouns that make "X <noun>" a feature phrase of the place X (docs/geoparsing.md)
FEATURE_WORDS: dict[str, str] = table("place_words", "feature_words")
# several words that stand for one feature word ("local government area": "lga"), longest first
_FEATURE_PHRASES: dict[str, str] = table("place_words", "feature_phrases")


def feature_phrase(doc: Doc, j: int) -> tuple[str, int] | None:
    """The feature word that the words from token ``j`` stand for, and how many they are
    ("local government area": ``("lga", 3)``)."""
    for phrase, word in _FEATURE_PHRASES.items():
        size = len(phrase.split())
        if " ".join(t.lower_ for t in doc[j : j + size]) == phrase:
            return word, size
    return None


_SHORT_NAMES = frozenset({"US", "UK", "U.S.", "U.K.", "UAE", "DRC", "CAR"})


# "the village of X", "X village": a head noun that says the name is a settlement's
_SETTLEMENT_WORDS = words("place_words", "settlement_words")


# "in X", "near X", "the village of X": a name in the place of a place
_LOCATIVE_PREPS = words("place_words", "locative_preps")
_LOCATIVE_VERBS = words("place_words", "locative_verbs")  # "entered Timbuktu"


# words that alone name no place ("Centre", "Southern District"): such a division is taken only
# with a division word after it, or inside the document's focus
_GENERIC_WORDS = words("place_words", "generic_place_words")


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
# nouns whose "of" names a place ("the centre of X", "control of X"), and calendar words that
# are never a place's name ("in March")
_OF_PLACE_HEADS = words("place_words", "of_place_heads")
_CALENDAR_WORDS = frozenset(table("time_words", "months")) | frozenset(
    table("time_words", "weekdays")
)


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
    # a place the gazetteer lacks, located at the unit the text names around it ("al-Bara in
    # the Ariha district"), or at the document's division or country (docs/geoparsing.md)
    unit: PlaceMention | None = field(default=None, repr=False)
    unit_level: Literal["named", "division", "country"] | None = None
    settlement: bool = False  # "the village of X", "X village": the text says it is a place

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
        data = read(path)
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


def _covering(mentions: Iterable[PlaceMention], i: int) -> PlaceMention | None:
    for m in mentions:
        if m.start <= i < m.end:
            return m
    return None


def _article_free(name: str) -> str:
    """The name key without Arabic articles: "Al Qamishli" and "Qamishli" are one name."""
    return " ".join(t for t in name_key(name).split() if t not in ARTICLES)


#: entity labels that are never a place's name
_NOT_PLACE_LABELS = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
)


def _name_part(tok: Token) -> bool:
    """A word of a name before its last: a capitalised proper noun, or an Arabic article
    with its hyphen ("al-Suwaida")."""
    if tok.text in {"-", "–"}:
        return True
    if tok.lower_ in _ARTICLE_WORDS:
        return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].text in {"-", "–"}
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.dep_ == "compound"
