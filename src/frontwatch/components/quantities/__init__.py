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

===================  ==========================================================
module               what
===================  ==========================================================
:mod:`.numbers`      parsing numerals and number words (pure functions)
:mod:`.words`        :class:`QuantityLexicon` and unit conversion
:mod:`.mentions`     number expressions (:class:`NumberFinder`)
:mod:`.flags`        malformed and inconsistent numbers
:mod:`.kinds`        what a number counts
:mod:`.recognise`    the ``fw_quantities`` component
:mod:`.link`         :func:`event_quantities`, for event assembly
===================  ==========================================================
"""

from __future__ import annotations

from . import (
    flags,  # noqa: F401  (registers what it defines)
    kinds,  # noqa: F401  (registers what it defines)
    numbers,  # noqa: F401  (parse_numeral, parse_number_words, find_malformed_numbers)
)
from .link import event_quantities
from .mentions import NumberFinder, NumberMention, QuantityMention
from .recognise import QuantityRecognizer, QuantityResults, make_quantities
from .words import (
    PEOPLE_KINDS,
    SIDE_KINDS,
    MaterielItem,
    Modifier,
    QuantityLexicon,
    convert,
    default_lexicon,
)

__all__ = [
    "PEOPLE_KINDS",
    "SIDE_KINDS",
    "MaterielItem",
    "Modifier",
    "NumberFinder",
    "NumberMention",
    "QuantityLexicon",
    "QuantityMention",
    "QuantityRecognizer",
    "QuantityResults",
    "convert",
    "default_lexicon",
    "event_quantities",
    "make_quantities",
]
