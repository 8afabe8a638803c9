"""Offline gazetteer: an SQLite index of GeoNames places, countries, divisions and airports."""

from __future__ import annotations

from .build import build_gazetteer
from .index import Gazetteer, Place, fold_key, name_key, synthetic_id

__all__ = ["Gazetteer", "Place", "build_gazetteer", "fold_key", "name_key", "synthetic_id"]
