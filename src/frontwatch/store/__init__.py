"""The corpus store: documents, events and situation clusters in DuckDB (docs/store.md)."""

from __future__ import annotations

from .db import (
    DEFAULT_PATH,
    IngestStats,
    Store,
    StoreError,
    StoreLocked,
    canonical_dump,
    extract_pairs,
)

__all__ = [
    "DEFAULT_PATH",
    "IngestStats",
    "Store",
    "StoreError",
    "StoreLocked",
    "canonical_dump",
    "extract_pairs",
]
