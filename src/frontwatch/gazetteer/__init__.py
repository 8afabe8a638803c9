"""Offline gazetteer: an SQLite index of GeoNames places, countries, divisions and airports.

:mod:`.names` (name keys) -> :mod:`.index` (the read-only :class:`Gazetteer`) -> :mod:`.rows`
(the row format and its writer) -> :mod:`.geonames_dump` (rows of a GeoNames dump) ->
:mod:`.build` (rows of the bundled data; :func:`open_gazetteer` builds the default index on
first use).
"""

from __future__ import annotations

from .build import build_gazetteer, open_gazetteer
from .index import Gazetteer, Place
from .names import fold_key, name_key, synthetic_id

__all__ = [
    "Gazetteer",
    "Place",
    "build_gazetteer",
    "fold_key",
    "name_key",
    "open_gazetteer",
    "synthetic_id",
]
