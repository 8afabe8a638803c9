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

==================  ============================================================
module              what
==================  ============================================================
:mod:`.mentions`    :class:`PlaceMention`, demonyms, area codes, word lists
:mod:`.resolve`     ranking the candidates of the mentions of a document
:mod:`.recognise`   the ``fw_places`` component: recognition, roles, then resolution
:mod:`.link`        :func:`event_location` and :func:`toponyms`, for event assembly
==================  ============================================================
"""

from __future__ import annotations

from .link import REPORTING_WORDS, describe, event_location, toponyms
from .mentions import DISTRICT_KM, FEATURE_WORDS, AreaCodes, Demonyms, PlaceMention
from .recognise import PlaceRecognizer, add_places, make_places

__all__ = [
    "DISTRICT_KM",
    "FEATURE_WORDS",
    "REPORTING_WORDS",
    "AreaCodes",
    "Demonyms",
    "PlaceMention",
    "PlaceRecognizer",
    "add_places",
    "describe",
    "event_location",
    "make_places",
    "toponyms",
]
