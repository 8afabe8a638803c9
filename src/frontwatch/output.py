"""Writing extraction results: JSON Lines (one event a line), a JSON array, or flat CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, Literal, TextIO, get_args

from .records import DocumentResult, Event

FORMATS = ("jsonl", "json", "csv")

#: The columns of the flat CSV (their names are schema).
CsvColumn = Literal[
    "id",
    "doc_id",
    "plover_type",
    "plover_mode",
    "acled_event_type",
    "acled_sub_event_type",
    "category",
    "actor1_name",
    "actor1_text",
    "actor1_type",
    "actor1_country",
    "actor2_name",
    "actor2_text",
    "actor2_type",
    "actor2_country",
    "location_name",
    "geonameid",
    "latitude",
    "longitude",
    "country",
    "admin1",
    "geo_precision",
    "location_approximate",
    "date_start",
    "date_end",
    "date_precision",
    "date_inferred",
    "status",
    "modality",
    "attribution_source",
    "attribution_speaker",
    "quantities",
    "trigger",
    "trigger_start",
    "trigger_end",
    "evidence",
    "evidence_start",
    "evidence_end",
    "mentions",
    "historical",
    "aggregate",
    "confidence",
    "extractor_version",
]
CSV_COLUMNS: list[str] = list(get_args(CsvColumn))


def event_row(event: Event) -> dict[str, Any]:
    """One flat CSV row; nested lists (quantities) are JSON strings."""
    a1, a2, loc, date, attr = (
        event.actor1,
        event.actor2,
        event.location,
        event.date,
        event.attribution,
    )
    return {
        "id": event.id,
        "doc_id": event.doc_id,
        "plover_type": event.plover.type if event.plover else None,
        "plover_mode": event.plover.mode if event.plover else None,
        "acled_event_type": event.acled.event_type if event.acled else None,
        "acled_sub_event_type": event.acled.sub_event_type if event.acled else None,
        "category": event.category,
        "actor1_name": a1.name if a1 else None,
        "actor1_text": a1.text if a1 else None,
        "actor1_type": a1.type if a1 else None,
        "actor1_country": a1.country if a1 else None,
        "actor2_name": a2.name if a2 else None,
        "actor2_text": a2.text if a2 else None,
        "actor2_type": a2.type if a2 else None,
        "actor2_country": a2.country if a2 else None,
        "location_name": loc.name if loc else None,
        "geonameid": loc.geonameid if loc else None,
        "latitude": loc.lat if loc else None,
        "longitude": loc.lon if loc else None,
        "country": loc.country if loc else None,
        "admin1": loc.admin1 if loc else None,
        "geo_precision": loc.precision if loc else None,
        "location_approximate": loc.approximate if loc else None,
        "date_start": date.start.isoformat() if date and date.start else None,
        "date_end": date.end.isoformat() if date and date.end else None,
        "date_precision": date.precision if date else None,
        "date_inferred": date.inferred if date else None,
        "status": event.status,
        "modality": event.modality,
        "attribution_source": attr.source if attr else None,
        "attribution_speaker": attr.speaker if attr else None,
        "quantities": json.dumps([q.model_dump(mode="json") for q in event.quantities]),
        "trigger": event.trigger.text,
        "trigger_start": event.trigger.span[0],
        "trigger_end": event.trigger.span[1],
        "evidence": event.evidence.text,
        "evidence_start": event.evidence.span[0],
        "evidence_end": event.evidence.span[1],
        "mentions": len(event.mentions),
        "historical": event.historical,
        "aggregate": event.aggregate,
        "confidence": event.confidence,
        "extractor_version": event.extractor_version,
    }


class ResultWriter:
    """Writes results as they come. ``documents=True`` writes one DocumentResult a line
    (events with the document's flags and sources) instead of one event a line."""

    def __init__(self, out: TextIO, fmt: str = "jsonl", *, documents: bool = False) -> None:
        if fmt not in FORMATS:
            raise ValueError(fmt)
        self.out, self.fmt, self.documents = out, fmt, documents
        self.count = 0
        self._csv: csv.DictWriter[str] | None = None
        if fmt == "csv":
            self._csv = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
            self._csv.writeheader()
        elif fmt == "json":
            out.write("[")

    def _json(self, obj: Event | DocumentResult) -> str:
        return json.dumps(obj.model_dump(mode="json"), ensure_ascii=False)

    def write(self, result: DocumentResult) -> None:
        items: Iterable[Event | DocumentResult] = [result] if self.documents else result.events
        for item in items:
            if self._csv is not None:
                events = item.events if isinstance(item, DocumentResult) else [item]
                for event in events:
                    self._csv.writerow(event_row(event))
            elif self.fmt == "json":
                self.out.write(("," if self.count else "") + "\n" + self._json(item))
            else:
                self.out.write(self._json(item) + "\n")
            self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "]\n")
        self.out.flush()
