"""The quantity lexicon (``quantity_kinds.json``, ``materiel.json``): kinds of counts,
modifiers, vague counts, units, currencies and materiel items; unit conversion with pint."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from frontwatch.errors import Errors, FrontwatchError

from ...lexicon import LEXICON_DIR, read, words

logger = logging.getLogger(__name__)


KINDS_PATH = LEXICON_DIR / "quantity_kinds.json"
MATERIEL_PATH = LEXICON_DIR / "materiel.json"
PEOPLE_KINDS: frozenset[str] = frozenset({"killed", "injured", "displaced", "detained"})
SIDE_KINDS: frozenset[str] = frozenset({"distance", "percent"})
RANGE_CONNECTORS = words("number_words", "range_connectors")  # "5 to 7", "two or three"
VAGUE_MULTIPLIERS = words("number_words", "vague_multipliers")  # "several hundred"
DOLLAR_COUNTRIES = words("number_words", "dollar_countries")  # "US$ 5 million"
COUNTRY_ABBREVIATIONS = words("number_words", "country_abbreviations")
CONVERSION_TOLERANCE = 0.03
CLAUSE_DEPS = frozenset(
    {"conj", "ccomp", "advcl", "xcomp", "parataxis", "relcl", "acl", "csubj", "pcomp"}
)


SUBJECT_DEPS = frozenset({"nsubj", "csubj", "expl"})
OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "obj", "oprd", "attr", "dative"})
if not Doc.has_extension("fw_quantities"):
    Doc.set_extension("fw_quantities", default=None)
if not Doc.has_extension("fw_flags"):
    Doc.set_extension("fw_flags", default=None)


@dataclass(frozen=True)
class Modifier:
    """A word before a number that bounds it ("at least", "up to") or makes it approximate."""

    bound: str  # "low", "high" or "none"
    approx: bool


@dataclass(frozen=True)
class MaterielItem:
    name: str
    category: str


@dataclass
class QuantityLexicon:
    """Cue words and item dictionary (from quantity_kinds.json and materiel.json)."""

    verbs_object: dict[str, str]
    verbs_subject: dict[str, str]
    kind_nouns: dict[str, str]
    kind_adjectives: dict[str, str]
    toll_nouns: dict[str, str]
    troop_nouns: frozenset[str]
    troop_units: frozenset[str]
    troop_units_need_troops: frozenset[str]
    modifiers: dict[str, Modifier]
    vague: dict[str, tuple[float | None, float | None]]
    vague_need_of: frozenset[str]
    currency_symbols: dict[str, str]
    currency_nouns: dict[str, str | None]
    currency_adjectives: dict[str, str]
    distance_units: dict[str, str]
    production_units: dict[str, str]
    percent_words: frozenset[str]
    person_nouns: frozenset[str]
    rate_words: dict[str, str]
    calibre_units: dict[str, str]
    time_units: frozenset[str]
    growth_words: frozenset[str]
    materiel: dict[str, MaterielItem]
    version: str = "unknown"
    max_modifier_len: int = field(init=False, default=1)

    def __post_init__(self) -> None:
        lengths = [len(k.split()) for k in [*self.modifiers, *self.vague]]
        self.max_modifier_len = max(lengths, default=1)

    @classmethod
    def load(
        cls, kinds_path: Path = KINDS_PATH, materiel_path: Path = MATERIEL_PATH
    ) -> QuantityLexicon:
        """Read the two data files; a broken file raises E101."""
        kinds = read(kinds_path)
        materiel = read(materiel_path)
        try:
            return cls.from_data(kinds, materiel)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise FrontwatchError(
                Errors.E101, path=f"{kinds_path} or {materiel_path}", detail=repr(err)
            ) from err

    @classmethod
    def from_data(cls, kinds: dict[str, Any], materiel: dict[str, Any]) -> QuantityLexicon:
        verbs_object: dict[str, str] = {}
        verbs_subject: dict[str, str] = {}
        kind_nouns: dict[str, str] = {}
        kind_adjectives: dict[str, str] = {}
        for kind, cues in kinds["kinds"].items():
            for verb in cues.get("verbs_object", []):
                verbs_object.setdefault(verb, kind)
            for verb in cues.get("verbs_subject", []):
                verbs_subject.setdefault(verb, kind)
            for noun in cues.get("nouns", []):
                kind_nouns.setdefault(noun, kind)
            for adj in cues.get("adjectives", []):
                kind_adjectives.setdefault(adj, kind)
        items: dict[str, MaterielItem] = {}
        irregular = materiel.get("irregular_plurals", {})
        for entry in materiel["items"]:
            item = MaterielItem(str(entry["name"]), str(entry["category"]))
            for form in entry["forms"]:
                form = str(form).lower()
                items.setdefault(form, item)
                last = form.split()[-1]
                if last in irregular:
                    continue
                plural = last + ("es" if last.endswith(("s", "x", "ch", "sh")) else "s")
                items.setdefault(" ".join([*form.split()[:-1], plural]), item)
        units = kinds["units"]
        return cls(
            verbs_object=verbs_object,
            verbs_subject=verbs_subject,
            kind_nouns=kind_nouns,
            kind_adjectives=kind_adjectives,
            toll_nouns=dict(kinds.get("toll_nouns", {})),
            troop_nouns=frozenset(kinds["troop_nouns"]),
            troop_units=frozenset(kinds["troop_units"]),
            troop_units_need_troops=frozenset(kinds.get("troop_unit_only_with_troops", [])),
            modifiers={
                k: Modifier(str(v["bound"]), bool(v["approx"]))
                for k, v in kinds["modifiers"].items()
            },
            vague={
                k: (_opt_float(v.get("low")), _opt_float(v.get("high")))
                for k, v in kinds["vague"].items()
            },
            vague_need_of=frozenset(kinds.get("vague_words_need_of", [])),
            currency_symbols=dict(kinds["currency_symbols"]),
            currency_nouns=dict(kinds["currency_nouns"]),
            currency_adjectives=dict(kinds.get("currency_adjectives", {})),
            distance_units=dict(units["distance"]),
            production_units=dict(units["production"]),
            percent_words=frozenset(units["percent"]),
            person_nouns=frozenset(kinds.get("person_nouns", [])),
            rate_words=dict(kinds.get("rate_words", {})),
            calibre_units=dict(kinds.get("calibre_units", {})),
            time_units=frozenset(kinds.get("time_units", [])),
            growth_words=frozenset(kinds.get("growth_words", [])),
            materiel=items,
            version=str(kinds.get("version", "unknown")),
        )


def _opt_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def default_lexicon() -> QuantityLexicon:
    """The shipped lexicon, read once (lazily, not at import)."""
    return QuantityLexicon.load()


@lru_cache(maxsize=1)
def _unit_registry() -> Any:
    import pint  # deferred: building the registry takes a fraction of a second

    return pint.UnitRegistry()


def convert(value: float, unit: str, target: str) -> float | None:
    """``value`` in ``unit`` expressed in ``target`` (pint names), or None if incompatible."""
    ureg = _unit_registry()
    try:
        return float((value * ureg(unit)).to(target).magnitude)
    except Exception:  # pint raises several unrelated types for unknown/incompatible units
        logger.debug("cannot convert %s %s to %s", value, unit, target)
        return None
