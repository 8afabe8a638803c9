"""Number expressions (:class:`NumberFinder`: digits, number words, ranges, modifiers,
vague counts) and quantity mentions, with small helpers on tokens."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.attrs import IDX, LOWER
from spacy.tokens import Doc, Token

from frontwatch.records import Quantity

from .numbers import (
    ARTICLES,
    FRACTIONS,
    NUMBER_WORDS,
    SCALES,
    SMALL_NUMBERS,
    parse_number_words,
    parse_numeral,
)
from .words import (
    COUNTRY_ABBREVIATIONS,
    DOLLAR_COUNTRIES,
    RANGE_CONNECTORS,
    VAGUE_MULTIPLIERS,
    Modifier,
    QuantityLexicon,
)


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
                *ARTICLES,
                *DOLLAR_COUNTRIES,
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
        elif (
            token.text.lower() in DOLLAR_COUNTRIES and j + 1 < len(doc) and doc[j + 1].text in {"$"}
        ):
            currency = "USD"
            j += 2
        value_start = j
        words: list[str] = []
        while j < len(doc) and self._number_part(doc, j, words):
            words.append(doc[j].text)
            j += 1
        while words and (words[-1].lower() in {"and", "-", "–"} or words[-1].lower() in ARTICLES):
            words.pop()
            j -= 1
        if not words or all(w.lower() in ARTICLES or w.lower() in {"and", "-", "–"} for w in words):
            return None
        if words[0].lower() in ARTICLES and len(words) == 1:
            return None
        value = parse_number_words(words)
        if value is None:
            return None
        start = i
        count: float | None = value
        low: float | None = None
        high: float | None = None
        approx = words[0].lower() in ARTICLES and words[-1].lower() == "dozen"
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
            if nxt in ARTICLES:  # "two and a half"
                return True
            # "one hundred and fifty", but not "5 and 7" (a range)
            return last in SCALES and nxt in SMALL_NUMBERS
        if lower in ARTICLES:
            if j + 1 >= len(doc):
                return False
            nxt = doc[j + 1].text.lower()
            return nxt in SCALES or nxt == "dozen" or nxt in FRACTIONS
        return False

    def _range_end(self, doc: Doc, j: int) -> tuple[float, int] | None:
        """Second number of a range starting at token ``j`` ("to 7", "- 7", "and 7", "or 3")."""
        if j + 1 >= len(doc):
            return None
        connector = doc[j].text.lower()
        if connector not in RANGE_CONNECTORS and connector not in {"-", "–"}:
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
            if nxt is not None and nxt.lower_ in SCALES and phrase in VAGUE_MULTIPLIERS:
                scale = float(SCALES[nxt.lower_])
                low = None if low is None else low * scale
                high = None if high is None else high * scale
                end += 1
            return NumberMention(i, end, None, low, high, True, value_tokens=(i, end))
        return None


def _is_designation(token: Token) -> bool:
    """A model designation in front of an item: "M198", "PKC", "Apache", "T-72"."""
    text = token.text
    if token.ent_type_ in {"NORP", "GPE"} or token.lower_ in COUNTRY_ABBREVIATIONS:
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
