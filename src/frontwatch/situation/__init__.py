"""The situation that many articles describe (docs/situation.md).

Pure functions over records, no database: :func:`cluster_events` merges the reports of the same
real event across documents; :func:`build_situation` derives control of places over time, the
materiel ledger, displacement, casualties and sources. What the eval scores of it is in
:mod:`frontwatch.eval.situation`.
"""

from __future__ import annotations

from .dedup import cluster_events
from .records import (
    CasualtyRecord,
    ControlChange,
    ControlRecord,
    DisplacementRecord,
    EventCluster,
    MaterielRecord,
    Quote,
    Report,
    SituationReport,
    SourcedValue,
    SourceRecord,
    ValueSpread,
    WithheldValue,
)
from .report import build_situation
from .table import format_since, format_table

__all__ = [
    "CasualtyRecord",
    "ControlChange",
    "ControlRecord",
    "DisplacementRecord",
    "EventCluster",
    "MaterielRecord",
    "Quote",
    "Report",
    "SituationReport",
    "SourceRecord",
    "SourcedValue",
    "ValueSpread",
    "WithheldValue",
    "build_situation",
    "cluster_events",
    "format_since",
    "format_table",
]
