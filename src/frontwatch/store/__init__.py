"""The corpus store: documents, events, situation clusters and reviews in DuckDB
(docs/store.md)."""

from __future__ import annotations

from .access import (
    DEFAULT_WAIT,
    StoreBusy,
    StoreError,
    StoreLocked,
    StoreMissing,
    StoreUnreadable,
)
from .db import DEFAULT_PATH, Store, canonical_dump, extract_pairs
from .reviews import FIELDS as REVIEW_FIELDS
from .reviews import ReviewEntry, ReviewState
from .writing import IngestStats

__all__ = [
    "DEFAULT_PATH",
    "DEFAULT_WAIT",
    "REVIEW_FIELDS",
    "IngestStats",
    "ReviewEntry",
    "ReviewState",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreLocked",
    "StoreMissing",
    "StoreUnreadable",
    "canonical_dump",
    "extract_pairs",
]
