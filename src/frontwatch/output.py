"""Writing extraction results: JSON Lines (one event a line), a JSON array, or flat CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, Literal, TextIO, get_args

from .records import DocumentResult, Event, FlatEvent

FORMATS = ("jsonl", "json", "csv")
#: The UTF-8 byte order mark, as the first character of a text file.
BOM = "\ufeff"

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
    """One flat CSV row: the :class:`~frontwatch.records.FlatEvent` columns of
    :data:`CSV_COLUMNS`; dates as ISO text, the quantities as a JSON string."""
    flat = FlatEvent.of(event)
    row: dict[str, Any] = {name: getattr(flat, name, None) for name in CSV_COLUMNS}
    row.update(
        date_start=flat.date_start.isoformat() if flat.date_start else None,
        date_end=flat.date_end.isoformat() if flat.date_end else None,
        quantities=json.dumps([q.model_dump(mode="json") for q in event.quantities]),
        location_approximate=flat.approximate if event.location else None,
    )
    return row


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
