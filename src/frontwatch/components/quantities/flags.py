"""Flags on the numbers of a document: conversions that do not agree ("5 km (10 miles)"),
suspicious rounding; see docs/quantities.md."""

from __future__ import annotations

import itertools

from spacy.tokens import Doc

from frontwatch.nlp.extensions import doc_text
from frontwatch.records import Flag

from .mentions import QuantityMention, _fmt, _lemma
from .words import CONVERSION_TOLERANCE, convert


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
