"""Quantities: counts of people and materiel, money, production, distances, percentages.

The spaCy component ``fw_quantities`` (after ``ner``) finds number expressions, reads their value
(numerals, number words, scales, vague counts and bounds), finds the counted noun through the
dependency parse and gives each quantity a kind (killed, injured, displaced, detained, troops,
materiel, money, production, distance, percent, other). It assigns

- ``doc._.fw_quantities: list[Quantity]`` in text order;
- ``doc._.fw_flags: list[Flag]``: malformed numbers ("180, 0000"), unit conversions that
  disagree ("76 miles (200 kilometers)"), percentages over 100.

:func:`event_quantities` picks the quantities that belong to one event trigger. Conventions for
vague counts and bounds are in docs/quantities.md.
"""

from __future__ import annotations

import itertools
import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.attrs import IDX, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from frontwatch.errors import Errors, FrontwatchError
from frontwatch.nlp.batching import BatchedPipe
from frontwatch.nlp.extensions import doc_text
from frontwatch.records import Flag, Quantity, QuantityKind

from .numbers import (
    NUMBER_WORDS,
    SCALES,
    SMALL_NUMBERS,
    find_malformed_numbers,
    parse_number_words,
    parse_numeral,
)

logger = logging.getLogger(__name__)

LEXICON_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicon"
KINDS_PATH = LEXICON_DIR / "quantity_kinds.json"
MATERIEL_PATH = LEXICON_DIR / "materiel.json"

PEOPLE_KINDS: frozenset[str] = frozenset({"killed", "injured", "displaced", "detained"})
SIDE_KINDS: frozenset[str] = frozenset({"distance", "percent"})
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


# --------------------------------------------------------------------------- resources


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
        kinds = _read_json(kinds_path)
        materiel = _read_json(materiel_path)
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


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise FrontwatchError(Errors.E101, path=str(path), detail=str(err)) from err
    if not isinstance(data, dict):
        raise FrontwatchError(Errors.E101, path=str(path), detail="expected a JSON object")
    return data


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


# --------------------------------------------------------------------------- number mentions


@dataclass
class NumberMention:
    """A number expression in the text, as tokens, with its value and bounds."""

    start: int  # first token (modifier or currency symbol included)
    end: int  # one past the last token of the number itself
    count: float | None
    low: float | None = None
    high: float | None = None
    approx: bool = False
    currency: str | None = None
    malformed: bool = False
    value_tokens: tuple[int, int] = (0, 0)  # the number proper, without modifiers


@dataclass
class QuantityMention:
    """A quantity with the tokens it was read from (kept for event assembly)."""

    quantity: Quantity
    number: NumberMention
    anchor: int  # token index of the counted noun, or of the number's head
    end: int  # one past the last token of the quantity's span
    unit_value: float | None = None  # count in `pint_unit`, for conversion checks
    pint_unit: str | None = None


def _is_numeric_token(token: Token) -> bool:
    text = token.text.lower()
    if text in NUMBER_WORDS or text == "dozen":
        return True
    if parse_numeral(token.text) is not None:
        return True
    return bool(token.like_num and any(ch.isdigit() for ch in text))


def _year_like(token: Token) -> bool:
    text = token.text
    return len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2100


class NumberFinder:
    """Finds number expressions (with modifiers, ranges, vague words) in a Doc."""

    def __init__(self, lexicon: QuantityLexicon) -> None:
        self.lexicon = lexicon
        # the words a number expression can start with, besides tokens with a digit:
        # number words, "a"/"an" ("a dozen"), currency symbols, and the first word of a vague
        # count; every other token is passed over without reading its neighbours
        self._starters = frozenset(
            [
                *NUMBER_WORDS,
                "dozen",
                "a",
                "an",
                "us",
                "u.s.",
                *lexicon.currency_symbols,
                *(phrase.split(" ")[0] for phrase in lexicon.vague),
            ]
        )

    def find(self, doc: Doc, malformed_chars: list[tuple[int, int]]) -> list[NumberMention]:
        mentions: list[NumberMention] = []
        i = 0
        n = len(doc)
        strings = doc.vocab.strings
        starters = self._starters
        lowers = [strings[h] for h in doc.to_array(LOWER).tolist()]
        malformed_starts = {start for start, _ in malformed_chars}
        idx = doc.to_array(IDX).tolist() if malformed_starts else []
        while i < n:
            lower = lowers[i]
            if not (
                lower in starters
                or (not lower.isalpha() and any(ch.isdigit() for ch in lower))
                or (malformed_starts and idx[i] in malformed_starts)
            ):
                i += 1  # no number, vague count or currency can start here
                continue
            mention = self._at(doc, i, malformed_chars)
            if mention is None:
                i += 1
                continue
            mentions.append(mention)
            i = max(mention.end, i + 1)
        return mentions

    def _at(self, doc: Doc, i: int, malformed_chars: list[tuple[int, int]]) -> NumberMention | None:
        lex = self.lexicon
        token = doc[i]
        # malformed numbers: one mention over the whole malformed stretch, no value
        for start_char, end_char in malformed_chars:
            if token.idx == start_char:
                j = i
                while j < len(doc) and doc[j].idx < end_char:
                    j += 1
                return NumberMention(i, j, None, malformed=True, value_tokens=(i, j))
        vague = self._vague_at(doc, i)
        if vague is not None:
            return vague
        currency: str | None = None
        j = i
        if token.text.lower() in lex.currency_symbols and j + 1 < len(doc):
            currency = lex.currency_symbols[token.text.lower()]
            j += 1
        elif token.text.lower() in {"us", "u.s."} and j + 1 < len(doc) and doc[j + 1].text in {"$"}:
            currency = "USD"
            j += 2
        value_start = j
        words: list[str] = []
        while j < len(doc) and self._number_part(doc, j, words):
            words.append(doc[j].text)
            j += 1
        while words and words[-1].lower() in {"and", "-", "–", "a", "an"}:
            words.pop()
            j -= 1
        if not words or not any(w.lower() not in {"a", "an", "and", "-", "–"} for w in words):
            return None
        if words[0].lower() in {"a", "an"} and len(words) == 1:
            return None
        value = parse_number_words(words)
        if value is None:
            return None
        start = i
        count: float | None = value
        low: float | None = None
        high: float | None = None
        approx = words[0].lower() in {"a", "an"} and words[-1].lower() == "dozen"
        # a range: "5 to 7", "5-7", "between 5 and 7", "two or three"
        range_end = self._range_end(doc, j)
        if range_end is not None:
            second, j = range_end
            low, high, count = min(value, second), max(value, second), None
        # modifiers before the number (or before the currency symbol)
        mod_start, modifier = self._modifier_before(doc, start)
        if modifier is not None:
            start = mod_start
            approx = approx or modifier.approx
            if count is not None and modifier.bound == "low":
                low = count
            elif count is not None and modifier.bound == "high":
                high = count
        if range_end is not None and start > 0 and doc[start - 1].lower_ == "between":
            start -= 1
        if start > 0 and doc[start - 1].text.lower() in lex.currency_symbols and currency is None:
            currency = lex.currency_symbols[doc[start - 1].text.lower()]
            start -= 1
        return NumberMention(
            start, j, count, low, high, approx, currency, value_tokens=(value_start, j)
        )

    def _number_part(self, doc: Doc, j: int, words: list[str]) -> bool:
        token = doc[j]
        lower = token.text.lower()
        if _is_numeric_token(token):
            # two numerals in a row are two numbers ("2003 2011"), except scale words
            if (
                words
                and parse_numeral(token.text) is not None
                and parse_numeral(words[-1]) is not None
            ):
                return False
            return not (words and lower in SCALES and parse_numeral(token.text) is not None)
        if lower in {"and", "-", "–"} and words:
            if j + 1 >= len(doc):
                return False
            nxt = doc[j + 1].text.lower()
            last = words[-1].lower()
            if lower != "and":  # "twenty-five"; "5-7" is a range, read apart
                return (last in SMALL_NUMBERS and nxt in SMALL_NUMBERS) or (
                    last == "half" and nxt == "dozen"  # "a half-dozen"
                )
            if nxt in {"a", "an"}:  # "two and a half"
                return True
            # "one hundred and fifty", but not "5 and 7" (a range)
            return last in SCALES and nxt in SMALL_NUMBERS
        if lower in {"a", "an"}:
            if j + 1 >= len(doc):
                return False
            nxt = doc[j + 1].text.lower()
            return nxt in SCALES or nxt in {"dozen", "half", "quarter"}
        return False

    def _range_end(self, doc: Doc, j: int) -> tuple[float, int] | None:
        """Second number of a range starting at token ``j`` ("to 7", "- 7", "and 7", "or 3")."""
        if j + 1 >= len(doc):
            return None
        connector = doc[j].text.lower()
        if connector not in {"to", "-", "–", "and", "or"}:
            return None
        if connector == "and" and not any(t.lower_ == "between" for t in doc[max(0, j - 6) : j]):
            return None
        k = j + 1
        words: list[str] = []
        while k < len(doc) and self._number_part(doc, k, words):
            words.append(doc[k].text)
            k += 1
        if not words:
            return None
        value = parse_number_words(words)
        if value is None:
            return None
        return value, k

    def _modifier_before(self, doc: Doc, start: int) -> tuple[int, Modifier | None]:
        lex = self.lexicon
        for size in range(lex.max_modifier_len, 0, -1):
            if start - size < 0:
                continue
            phrase = " ".join(t.lower_ for t in doc[start - size : start])
            if phrase in lex.modifiers:
                return start - size, lex.modifiers[phrase]
        return start, None

    def _vague_at(self, doc: Doc, i: int) -> NumberMention | None:
        """Vague counts: "dozens", "hundreds of thousands", "several", "a handful"."""
        lex = self.lexicon
        for size in range(min(lex.max_modifier_len, 3), 0, -1):
            if i + size > len(doc):
                continue
            phrase = " ".join(t.lower_ for t in doc[i : i + size])
            if phrase not in lex.vague:
                continue
            end = i + size
            nxt = doc[end] if end < len(doc) else None
            if phrase in lex.vague_need_of and (nxt is None or nxt.lower_ != "of"):
                return None
            low, high = lex.vague[phrase]
            # "several hundred": the vague word multiplies a following scale word;
            # a bare vague word still counts ("thousands fled")
            if nxt is not None and nxt.lower_ in SCALES and phrase in {"several", "a few"}:
                scale = float(SCALES[nxt.lower_])
                low = None if low is None else low * scale
                high = None if high is None else high * scale
                end += 1
            return NumberMention(i, end, None, low, high, True, value_tokens=(i, end))
        return None


# --------------------------------------------------------------------------- the component


@dataclass
class QuantityResults:
    mentions: list[QuantityMention]
    flags: list[Flag]


class QuantityRecognizer(BatchedPipe):
    """The ``fw_quantities`` component: quantities and number flags."""

    def __init__(
        self, nlp: Language, name: str = "fw_quantities", lexicon: QuantityLexicon | None = None
    ) -> None:
        self.name = name
        self.lexicon = lexicon if lexicon is not None else default_lexicon()
        self.finder = NumberFinder(self.lexicon)

    def __call__(self, doc: Doc) -> Doc:
        results = self.predict(doc)
        self.set_annotations(doc, results)
        return doc

    def set_annotations(self, doc: Doc, results: QuantityResults) -> None:
        doc._.fw_quantities = [m.quantity for m in results.mentions]
        doc._.fw_flags = results.flags

    # -- compute

    def predict(self, doc: Doc) -> QuantityResults:
        flags: list[Flag] = []
        text = doc_text(doc)  # Doc.text joins every token: read it once
        malformed = find_malformed_numbers(text)
        for bad in malformed:
            flags.append(
                Flag(
                    kind="malformed_number",
                    text=bad.text,
                    span=(bad.start, bad.end),
                    message=f"Malformed number {bad.text!r}: {bad.reason}.",
                )
            )
        numbers = self.finder.find(doc, [(m.start, m.end) for m in malformed])
        mentions: list[QuantityMention] = []
        for number in numbers:
            if self._skip(doc, number):
                continue
            mention = self._classify(doc, number, text)
            if mention is not None:
                mentions.append(mention)
        mentions, conversion_flags = _conversion_flags(doc, mentions)
        flags.extend(conversion_flags)
        flags.extend(self._percent_flags(doc, mentions))
        flags.sort(key=lambda f: f.span)
        return QuantityResults(mentions, flags)

    def _percent_flags(self, doc: Doc, mentions: list[QuantityMention]) -> list[Flag]:
        """Percentages over 100, unless they measure a change ("rose by 150 percent")."""
        flags = []
        for mention in mentions:
            q = mention.quantity
            if q.kind != "percent" or q.count is None or q.count <= 100:
                continue
            if _growth_context(doc, mention, self.lexicon.growth_words):
                continue
            flags.append(
                Flag(
                    kind="percent_over_100",
                    text=q.text,
                    span=q.span,
                    message=f"Percentage {q.text!r} is over 100.",
                )
            )
        return flags

    def _skip(self, doc: Doc, number: NumberMention) -> bool:
        """Dates, times, ordinals, years and "one of" are not quantities."""
        lex = self.lexicon
        v_start, v_end = number.value_tokens
        tokens = doc[v_start:v_end]
        if not len(tokens):
            return True
        if any(t.ent_type_ in {"ORDINAL", "TIME"} for t in tokens):
            return True
        numerals = [t for t in tokens if t.like_num and any(ch.isdigit() for ch in t.text)]
        if number.currency is None and numerals and all(_year_like(t) for t in numerals):
            return True
        if (
            number.currency is None
            and any(_year_like(t) for t in numerals)
            and (number.count is None or any(t.text in {"-", "–", "/"} for t in tokens))
        ):
            return True  # "2003-2011", "2020-09": dates, not ranges
        root = tokens.root
        head = root.head
        if head.i >= v_end and self._time_unit(head):
            return True
        if v_end < len(doc) and self._time_unit(doc[v_end]):
            return True
        if self._time_unit(head) and root.dep_ in {"nummod", "npadvmod", "compound"}:
            return True
        # "one of the ..." and "one" as a pronoun
        if len(tokens) == 1 and root.lower_ == "one" and root.dep_ != "nummod":
            verb = root.head
            return not (verb.lemma_.lower() in lex.verbs_object and root.dep_ in OBJECT_DEPS)
        # parts of a calibre ("155-millimeter") are read with the item
        return bool(
            v_end < len(doc)
            and doc[v_end].text in {"-", "–"}
            and v_end + 1 < len(doc)
            and doc[v_end + 1].lower_ in lex.calibre_units
        )

    def _time_unit(self, token: Token) -> bool:
        """A noun of time ("months", "June", "pm"), not a verb that looks like one ("marched")."""
        return token.pos_ in {"NOUN", "PROPN", "NUM"} and _lemma(token) in self.lexicon.time_units

    def _calibre_at(self, doc: Doc, i: int) -> bool:
        """Token ``i`` is the number of a calibre: "155-millimeter", "155 mm"."""
        units = self.lexicon.calibre_units
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if nxt is not None and nxt.text in {"-", "–"} and i + 2 < len(doc):
            nxt = doc[i + 2]
        return nxt is not None and nxt.lower_ in units

    def _counted_noun(self, doc: Doc, number: NumberMention) -> tuple[Token | None, Token]:
        """The noun a number counts, and the number's own head token."""
        v_start, v_end = number.value_tokens
        root = doc[v_start:v_end].root
        # the root first, then any other token of the number that modifies a later noun
        for token in [root, *doc[v_start:v_end]]:
            head = token.head
            if (
                token.dep_ in {"nummod", "quantmod", "amod", "compound", "nmod", "det"}
                and head.i >= v_end
                and head.pos_ in {"NOUN", "PROPN", "ADJ", "NUM", "SYM", "X"}
            ):
                while (
                    head.pos_ == "NUM"
                    and head.head.i > head.i
                    and head.dep_ in {"nummod", "compound"}
                ):
                    head = head.head
                between = doc[v_end : head.i]
                if any(
                    _is_numeric_token(t) and t.pos_ == "NUM" and not self._calibre_at(doc, t.i)
                    for t in between
                ):
                    break  # "€3 million and 2.5 million dollars": the noun is the later number's
                return head, root
        # "hundreds of families", "dozens of others"
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and pobj.pos_ in {"NOUN", "PROPN", "ADJ"}:
                        return pobj, root
        # parse errors: a noun right after the number ("2.5 million dollars" parsed as conj)
        if v_end < len(doc):
            nxt = doc[v_end]
            if nxt.lower_ in self.lexicon.percent_words:
                return nxt, root
            if nxt.pos_ == "NOUN" and not self._time_unit(nxt):
                return nxt, root
        return None, root

    def _classify(self, doc: Doc, number: NumberMention, text: str) -> QuantityMention | None:
        lex = self.lexicon
        noun, root = self._counted_noun(doc, number)
        nominal = noun if noun is not None else root
        end = number.end
        if noun is not None and noun.i >= number.end:
            end = noun.i + 1
            # "six teams of American Special Forces"
            of_obj = _of_object(noun)
            if of_obj is not None and noun.lemma_.lower() in lex.troop_units:
                end = of_obj.i + 1
        elif noun is not None and _of_object(root) == noun:
            end = noun.i + 1  # "hundreds of families", "dozens of others"
        kind: QuantityKind
        item: str | None = None
        unit: str | None = None
        detail: str | None = None
        unit_value: float | None = None
        pint_unit: str | None = None
        lemma = _lemma(nominal)
        phrase = _noun_phrase(doc, number.end, nominal) if noun is not None else []
        phrase_text = " ".join(t.lower_ for t in phrase)
        count, low, high = number.count, number.low, number.high
        currency = number.currency or self._currency(nominal, phrase)
        if (
            number.currency is not None
            or (noun is not None and currency is not None)
            or (noun is not None and _lemma(noun) in lex.currency_nouns)
        ):
            kind = "money"
            detail = currency
        elif lemma in lex.percent_words or phrase_text in lex.percent_words:
            kind, unit = "percent", "percent"
        elif noun is not None and (
            lemma in lex.distance_units or nominal.lower_ in lex.distance_units
        ):
            kind = "distance"
            unit = lex.distance_units.get(lemma) or lex.distance_units[nominal.lower_]
            pint_unit = unit
            unit_value = count
            if count is not None:
                km = convert(count, unit, "kilometer")
                if km is not None:
                    detail = f"{_fmt(km)} km"
        elif noun is not None and (
            lemma in lex.production_units or nominal.lower_ in lex.production_units
        ):
            base = lex.production_units.get(lemma) or lex.production_units[nominal.lower_]
            rate, rate_end = self._rate_after(doc, nominal.i + 1)
            kind = "production" if rate is not None or "/" in base else "other"
            unit = f"{base}/{rate}" if rate is not None else base
            item = base.split("/")[0]
            if rate_end is not None:
                end = rate_end
        else:
            materiel = self._materiel(doc, number, nominal, phrase) if noun is not None else None
            people_kind = self._people_kind(nominal, number)
            if materiel is not None and people_kind not in PEOPLE_KINDS - {"detained"}:
                kind = "materiel"
                item, detail = materiel
            elif people_kind is not None:
                kind = people_kind  # type: ignore[assignment]
                if kind == "troops":
                    item = self._troop_item(nominal)
            else:
                kind = "other"
                item = lemma if noun is not None else None
        start_char = doc[number.start].idx
        end_tok = doc[end - 1]
        end_char = end_tok.idx + len(end_tok.text)
        quantity = Quantity(
            kind=kind,
            item=item,
            count=count,
            low=low,
            high=high,
            approx=number.approx,
            unit=unit,
            detail=detail,
            text=text[start_char:end_char],
            span=(start_char, end_char),
        )
        return QuantityMention(quantity, number, nominal.i, end, unit_value, pint_unit)

    # -- kinds

    def _people_kind(self, nominal: Token, number: NumberMention) -> str | None:
        """killed/injured/displaced/detained from the governing predicate, else troops."""
        lex = self.lexicon
        lemma = _lemma(nominal)
        # "hundreds of families fled": the vague number holds the clause position
        position = nominal
        v_start, v_end = number.value_tokens
        if _of_object(nominal.doc[v_start:v_end].root) == nominal:
            position = nominal.doc[v_start:v_end].root
        verb_kind = self._verb_kind(position, number)
        if verb_kind in {"detained", "displaced"} and not self._person_like(nominal, number):
            verb_kind = None  # "seized 5 villages", "left 3 bases"
        if verb_kind is not None:
            return verb_kind
        if lemma in lex.kind_nouns:
            return lex.kind_nouns[lemma]
        for child in nominal.children:
            if child.dep_ in {"amod", "acl"} and _lemma(child) in lex.kind_adjectives:
                return lex.kind_adjectives[_lemma(child)]
            if child.dep_ == "amod" and child.lower_ in lex.kind_adjectives:
                return lex.kind_adjectives[child.lower_]
        # "the lives of 12 people", "the bodies of 30 civilians"
        if nominal.dep_ == "pobj" and nominal.head.lower_ == "of":
            owner = nominal.head.head
            if _lemma(owner) in lex.kind_nouns:
                return lex.kind_nouns[_lemma(owner)]
            owner_kind = self._verb_kind(owner, None)
            if owner_kind is not None and _lemma(owner) in lex.troop_units | {"group"}:
                return owner_kind
        # "the death toll rose to 41"
        toll = self._toll_kind(position)
        if toll is not None:
            return toll
        if self._is_troops(nominal):
            return "troops"
        return None

    def _person_like(self, nominal: Token, number: NumberMention) -> bool:
        """The counted noun names people (or there is none: "arrested 12")."""
        lex = self.lexicon
        if number.value_tokens[0] <= nominal.i < number.value_tokens[1]:
            return True
        lemma = _lemma(nominal)
        if lemma in lex.person_nouns or lemma in lex.kind_nouns or self._is_troops(nominal):
            return True
        if nominal.ent_type_ in {"NORP", "PERSON"}:
            return True
        return any(
            c.ent_type_ == "NORP" or _lemma(c) in lex.person_nouns
            for c in nominal.children
            if c.dep_ in {"amod", "compound"}
        )

    def _verb_kind(self, nominal: Token, number: NumberMention | None) -> str | None:
        lex = self.lexicon
        token = nominal
        if (
            number is not None
            and token.dep_ == "pobj"
            and number.start <= token.head.i < number.value_tokens[0]
        ):
            # "kidnapped up to 16 advisers" parsed with "up" as a particle, "to" a preposition:
            # the count is the verb's object
            verb = token.head
            while verb.pos_ not in {"VERB", "AUX"} and verb.head != verb:
                verb = verb.head
            lemma = _lemma(verb)
            return lex.verbs_object.get(lemma)
        # climb out of coordination: "killed 2 youths and wounded 5 others" keeps its own verb,
        # "1,500 Humvees, 4,000 guns" share the first conjunct's verb
        while token.dep_ == "conj" and token.head.pos_ in {"NOUN", "PROPN", "NUM", "PRON", "ADJ"}:
            token = token.head
        if token.dep_ == "appos":
            token = token.head
        verb = token.head
        dep = token.dep_
        if dep == "pobj" and verb.lower_ in {"by"} and verb.head.pos_ == "VERB":
            return None
        if verb.pos_ not in {"VERB", "AUX", "ADJ"}:
            return None
        lemma = _lemma(verb)
        phrase = _verb_phrase(verb)
        kind: str | None = None
        if dep in OBJECT_DEPS or (dep == "nsubj" and _passive_like(verb)):
            kind = lex.verbs_object.get(phrase) or lex.verbs_object.get(lemma)
        if kind is None and dep in SUBJECT_DEPS:
            kind = lex.verbs_subject.get(phrase) or lex.verbs_subject.get(lemma)
        if kind is None and dep == "nsubj" and verb.pos_ == "VERB" and verb.tag_ == "VBN":
            # gapping: "12 were killed and 30 wounded" parses "30" as subject of "wounded"
            kind = lex.verbs_object.get(lemma)
        if kind is None and dep in {"nsubj", "nsubjpass"}:
            # "30 were hurt", "12 are dead": a predicate adjective
            for child in verb.children:
                if child.dep_ in {"acomp", "oprd"} and _lemma(child) in lex.kind_adjectives:
                    return lex.kind_adjectives[_lemma(child)]
        if kind is None and dep in {"dobj"} and lemma in {"leave", "keep"}:
            for child in verb.children:
                if child.dep_ in {"oprd", "ccomp", "xcomp", "acomp"} and (
                    _lemma(child) in lex.kind_adjectives
                ):
                    return lex.kind_adjectives[_lemma(child)]
        if kind is None:
            return None
        # "killing or wounding 50": a disjunction of different kinds is not one kind
        for other in [*verb.conjuncts]:
            other_kind = lex.verbs_object.get(_lemma(other))
            if other_kind is not None and other_kind != kind and _has_cc(verb, other, "or"):
                return "other"
        return kind

    def _toll_kind(self, nominal: Token) -> str | None:
        lex = self.lexicon
        head = nominal.head
        if nominal.dep_ == "pobj" and head.pos_ == "ADP":
            head = head.head
        elif nominal.dep_ not in {"attr", "dobj", "npadvmod", "appos"}:
            return None
        candidates = [c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if head.pos_ == "NOUN":
            candidates.append(head)
        for cand in candidates:
            words = [c.lower_ for c in cand.children if c.dep_ == "compound"] + [_lemma(cand)]
            joined = " ".join(words)
            if joined in lex.toll_nouns:
                return lex.toll_nouns[joined]
            if _lemma(cand) in lex.toll_nouns:
                return lex.toll_nouns[_lemma(cand)]
        return None

    def _is_troops(self, nominal: Token) -> bool:
        lex = self.lexicon
        lemma = _lemma(nominal)
        if lemma in lex.troop_nouns or nominal.lower_ in lex.troop_nouns:
            return True
        if lemma in lex.troop_units:
            of_obj = _of_object(nominal)
            if of_obj is not None:
                return _lemma(of_obj) in lex.troop_nouns or of_obj.lower_ in lex.troop_nouns
            return lemma not in lex.troop_units_need_troops
        return False

    def _troop_item(self, nominal: Token) -> str | None:
        lemma = _lemma(nominal)
        return lemma if lemma in self.lexicon.troop_units else None

    def _currency(self, nominal: Token, phrase: list[Token]) -> str | None:
        lex = self.lexicon
        lemma = _lemma(nominal)
        if lemma not in lex.currency_nouns:
            return None
        adjectives = [t.lower_ for t in phrase if t.i < nominal.i]
        for adj in adjectives:
            code = _pycountry_currency(f"{adj} {lemma}")
            if code is not None:
                return code
            if adj in lex.currency_adjectives:
                return lex.currency_adjectives[adj]
        return lex.currency_nouns[lemma]

    def _rate_after(self, doc: Doc, i: int) -> tuple[str | None, int | None]:
        for size in (2, 1):
            phrase = " ".join(t.lower_ for t in doc[i : i + size])
            if i + size <= len(doc) and phrase in self.lexicon.rate_words:
                return self.lexicon.rate_words[phrase], i + size
        return None, None

    def _materiel(
        self, doc: Doc, number: NumberMention, nominal: Token, phrase: list[Token]
    ) -> tuple[str, str | None] | None:
        """Normalised item name and calibre detail, from the counted noun phrase."""
        lex = self.lexicon
        words = [t for t in phrase if t.i >= number.end]
        calibre: str | None = None
        kept: list[Token] = []
        k = 0
        while k < len(words):
            token = words[k]
            # "155-millimeter", "155 mm", ".50-caliber"
            if token.like_num and k + 1 < len(words):
                nxt = words[k + 1]
                if (
                    nxt.text in {"-", "–"}
                    and k + 2 < len(words)
                    and words[k + 2].lower_ in lex.calibre_units
                ):
                    calibre = f"{token.text} {lex.calibre_units[words[k + 2].lower_]}"
                    k += 3
                    continue
                if nxt.lower_ in lex.calibre_units:
                    calibre = f"{token.text} {lex.calibre_units[nxt.lower_]}"
                    k += 2
                    continue
            kept.append(token)
            k += 1
        if not kept:
            return None
        lowered = [t.lower_ for t in kept]
        lowered[-1] = nominal.lower_
        for size in range(len(kept), 0, -1):
            form = " ".join(lowered[-size:])
            lemma_form = " ".join([*lowered[-size:-1], _lemma(nominal)])
            entry = lex.materiel.get(form) or lex.materiel.get(lemma_form)
            if entry is None:
                continue
            designations = [t.text for t in kept[: len(kept) - size] if _is_designation(t)]
            name = " ".join([*designations, entry.name])
            return name, calibre
        return None


def _is_designation(token: Token) -> bool:
    """A model designation in front of an item: "M198", "PKC", "Apache", "T-72"."""
    text = token.text
    if token.ent_type_ in {"NORP", "GPE"} or token.lower_ in {"us", "u.s.", "uk"}:
        return False
    if any(ch.isdigit() for ch in text) and any(ch.isalpha() for ch in text):
        return True
    if len(text) >= 2 and text.isupper() and text.isalpha():
        return True
    return token.pos_ == "PROPN" and text[:1].isupper()


def _lemma(token: Token) -> str:
    lemma = token.lemma_.lower()
    text = token.lower_
    if token.pos_ == "PROPN" and text.endswith("s") and lemma == text:
        return text[:-1] if not text.endswith("ss") else text
    return lemma


def _verb_phrase(verb: Token) -> str:
    """The verb with its particle or fixed object ("round up", "shoot dead", "hold hostage")."""
    parts = [_lemma(verb)]
    for child in verb.children:
        if child.dep_ in {"prt", "acomp", "oprd"} and child.i > verb.i:
            parts.append(child.lower_)
            break
    return " ".join(parts)


def _passive_like(verb: Token) -> bool:
    return any(c.dep_ == "auxpass" for c in verb.children)


def _has_cc(first: Token, second: Token, word: str) -> bool:
    lo, hi = sorted((first.i, second.i))
    doc = first.doc
    return any(t.lower_ == word for t in doc[lo:hi])


def _of_object(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def _noun_phrase(doc: Doc, start: int, nominal: Token) -> list[Token]:
    """The tokens from ``start`` up to the counted noun (its pre-modifiers and itself)."""
    if nominal.i < start:
        return [nominal]
    return [t for t in doc[start : nominal.i + 1] if not t.is_punct or t.text in {"-", "–"}]


@lru_cache(maxsize=256)
def _pycountry_currency(name: str) -> str | None:
    """ISO 4217 code of a currency name such as "iraqi dinar", via pycountry."""
    import pycountry

    for currency in pycountry.currencies:
        if currency.name.lower() == name:
            return str(currency.alpha_3)
    return None


def _fmt(value: float) -> str:
    """122.31 -> "122.3", 0.03 -> "0.03": one decimal, three for values under 1."""
    text = f"{value:.1f}" if abs(value) >= 1 else f"{value:.3f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --------------------------------------------------------------------------- flags


def _conversion_pairs(
    doc: Doc, mentions: list[QuantityMention]
) -> list[tuple[QuantityMention, QuantityMention, int]]:
    """(stated, conversion in parentheses, end token) for "76 miles (122 kilometers)"."""
    pairs = []
    for first, second in itertools.pairwise(mentions):
        if first.pint_unit is None or second.pint_unit is None:
            continue
        between = doc[first.end : second.number.start]
        if len(between) != 1 or between[0].text not in {"(", "["}:
            continue
        close = second.end
        if close < len(doc) and doc[close].text in {")", "]"}:
            pairs.append((first, second, close + 1))
    return pairs


def _rounding_unit(value: float) -> float:
    """10 for 20, 100 for 300, 1 for 122: the precision a stated round number implies."""
    if value != int(value) or value == 0:
        return 0.0
    unit = 1.0
    number = int(abs(value))
    while number % 10 == 0:
        number //= 10
        unit *= 10
    return unit


def _flag_text(doc: Doc, start: int, end: int) -> tuple[str, tuple[int, int]]:
    start_char = doc[start].idx
    last = doc[end - 1]
    end_char = last.idx + len(last.text)
    return doc_text(doc)[start_char:end_char], (start_char, end_char)


def _growth_context(doc: Doc, mention: QuantityMention, growth: frozenset[str]) -> bool:
    token = doc[mention.anchor]
    for ancestor in [token, *token.ancestors][:3]:
        if _lemma(ancestor) in growth:
            return True
    return any(_lemma(c) in growth for c in token.children)


def _conversion_flags(
    doc: Doc, mentions: list[QuantityMention]
) -> tuple[list[QuantityMention], list[Flag]]:
    flags: list[Flag] = []
    dropped: set[int] = set()
    for first, second, end in _conversion_pairs(doc, mentions):
        dropped.add(id(second))
        a, b = first.unit_value, second.unit_value
        if a is None or b is None or first.pint_unit is None or second.pint_unit is None:
            continue
        converted = convert(a, first.pint_unit, second.pint_unit)
        if converted is None or b == 0:
            continue
        tolerance = CONVERSION_TOLERANCE * abs(b)
        if first.quantity.approx:  # "some 30 km (20 miles)": the conversion is rounded too
            tolerance = max(tolerance, _rounding_unit(b) / 2)
        if abs(converted - b) > tolerance:
            text, span = _flag_text(doc, first.number.start, end)
            flags.append(
                Flag(
                    kind="inconsistent_conversion",
                    text=text,
                    span=span,
                    message=(
                        f"{first.quantity.text!r} is {_fmt(converted)} {second.pint_unit}, "
                        f"not {_fmt(b)} as stated."
                    ),
                )
            )
    kept = [m for m in mentions if id(m) not in dropped]
    return kept, flags


# --------------------------------------------------------------------------- factory


@Language.factory(
    "fw_quantities",
    default_config={"kinds_path": None, "materiel_path": None},
    assigns=["doc._.fw_quantities", "doc._.fw_flags"],
    requires=["token.dep", "token.lemma", "token.pos", "doc.ents"],
)
def make_quantities(
    nlp: Language, name: str, kinds_path: str | None, materiel_path: str | None
) -> QuantityRecognizer:
    """``nlp.add_pipe("fw_quantities", after="ner")``; paths override the shipped lexicons."""
    if kinds_path is None and materiel_path is None:
        lexicon = default_lexicon()
    else:
        lexicon = QuantityLexicon.load(
            Path(kinds_path) if kinds_path else KINDS_PATH,
            Path(materiel_path) if materiel_path else MATERIEL_PATH,
        )
    return QuantityRecognizer(nlp, name, lexicon=lexicon)


# --------------------------------------------------------------------------- event assembly


def event_quantities(doc: Doc, trigger: Span) -> list[Quantity]:
    """The quantities that belong to the event of ``trigger``.

    Kept: quantities in the trigger's syntactic subtree (its objects and subjects, passive
    subjects, their conjuncts), unless they sit under another clause (a conjoined or
    subordinate verb), except casualty clauses (killed/injured/displaced/detained counts
    attached to the trigger: "an attack that killed 12", "stormed ..., killing 12"); and
    casualty counts of a verb that governs a nominal trigger ("12 were killed in an attack").
    Distances and percentages only when nothing else is found.
    """
    quantities: list[Quantity] = doc._.fw_quantities or []
    if not quantities or not len(trigger):
        return []
    trig = trigger.root
    sent = trig.sent
    chosen: list[Quantity] = []
    for quantity in quantities:
        start, end = quantity.span
        if start < sent.start_char or end > sent.end_char:
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        anchor = _anchor(span)
        if _belongs(anchor, trig, trigger, quantity.kind):
            chosen.append(quantity)
    main = [q for q in chosen if q.kind not in SIDE_KINDS]
    return main if main else chosen


def _anchor(span: Span) -> Token:
    """The quantity's syntactic head: the counted noun, or the number itself."""
    root = span.root
    return root


def _belongs(anchor: Token, trig: Token, trigger: Span, kind: str) -> bool:
    if trigger.start <= anchor.i < trigger.end:
        return True
    path = [anchor, *anchor.ancestors]
    if trig in path:
        between = path[1 : path.index(trig)]
        return all(_same_event(token, kind) for token in [anchor, *between] if token != trig)
    # a nominal trigger under the quantity's own predicate, or a coordinated casualty
    # predicate: "12 were killed and 30 wounded in the blast"
    if kind in PEOPLE_KINDS and trig.pos_ in {"NOUN", "PROPN"}:
        quantity_verb = _governing_verb(anchor)
        trigger_verb = _governing_verb(trig)
        if quantity_verb is None or trigger_verb is None:
            return False
        trig_path = [trig, *trig.ancestors]
        between = trig_path[1 : trig_path.index(trigger_verb)]
        if any(t.pos_ in {"VERB", "AUX"} and t.dep_ in CLAUSE_DEPS for t in between):
            return False
        return quantity_verb == trigger_verb or quantity_verb in trigger_verb.conjuncts
    return False


def _governing_verb(token: Token) -> Token | None:
    for ancestor in token.ancestors:
        if ancestor.pos_ in {"VERB", "AUX"}:
            return ancestor
    return None


def _same_event(token: Token, kind: str) -> bool:
    """False for a token heading another clause (another event), unless a casualty clause."""
    if token.dep_ not in CLAUSE_DEPS or token.pos_ not in {"VERB", "AUX"}:
        return True
    lexicon = default_lexicon()
    lemma = _lemma(token)
    cue = lexicon.verbs_object.get(lemma) or lexicon.verbs_subject.get(lemma)
    return kind in PEOPLE_KINDS and cue is not None
