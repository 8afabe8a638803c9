"""The store's rows of a record: the ``events`` and ``mentions`` rows of an event (the columns
of :mod:`.schema`, in order), and an event filter's conditions as SQL on the ``events`` table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..filters import Condition
from ..records import Event, FlatEvent


def sql_conditions(conditions: Sequence[Condition]) -> tuple[list[str], list[Any]] | None:
    """The conditions of an event filter as SQL on the ``events`` table (parameters only);
    ``None`` when no event can pass (no modality allowed). The actor and source-count tests
    are left to :meth:`EventFilter.matches`, on the records."""
    where: list[str] = []
    params: list[Any] = []
    for condition in conditions:
        kind, value = condition.kind, condition.value
        if kind == "dated":
            where.append("date_start IS NOT NULL AND date_end IS NOT NULL")
        elif kind == "ends_on_or_after":
            where.append("date_end >= ?")
            params.append(value)
        elif kind == "starts_on_or_before":
            where.append("date_start <= ?")
            params.append(value)
        elif kind == "country":
            where.append("country = ?")
            params.append(value)
        elif kind == "bbox":
            where.append("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?")
            min_lon, min_lat, max_lon, max_lat = value
            params += [min_lon, max_lon, min_lat, max_lat]
        elif kind == "modality":
            if not value:
                return None
            wanted = sorted(value)
            where.append(f"modality IN ({', '.join('?' * len(wanted))})")
            params += wanted
        elif kind == "type":
            where.append(
                "(lower(category) = ? OR lower(plover_type) = ? OR lower(acled_event_type) = ? "
                "OR lower(acled_sub_event_type) = ?)"
            )
            params += [value] * 4
    return where, params


def event_row(event: Event, ord_: int) -> tuple[Any, ...]:
    """The ``events`` row of ``event`` (schema.py's columns, in order)."""
    flat = FlatEvent.of(event)
    killed = [
        q.count if q.count is not None else q.low for q in event.quantities if q.kind == "killed"
    ]
    known = [k for k in killed if k is not None]
    fatalities = sum(known) if known else None
    return (
        flat.id,
        flat.doc_id,
        ord_,
        event.model_dump_json(),
        flat.date_start,
        flat.date_end,
        flat.date_precision,
        flat.country,
        flat.admin1,
        flat.place,
        flat.geonameid,
        flat.latitude,
        flat.longitude,
        flat.geo_precision,
        flat.acled_event_type,
        flat.acled_sub_event_type,
        flat.plover_type,
        flat.plover_mode,
        flat.category,
        flat.modality,
        flat.status,
        flat.actor1_text,
        flat.actor1_name,
        flat.actor1_type,
        flat.actor1_country,
        flat.actor2_text,
        flat.actor2_name,
        flat.actor2_type,
        flat.actor2_country,
        fatalities,
        flat.historical,
        flat.confidence,
        flat.extractor_version,
    )


def mention_rows(event: Event) -> list[tuple[Any, ...]]:
    pairs = [(m.trigger, m.evidence) for m in event.mentions] or [(event.trigger, event.evidence)]
    return [
        (event.id, event.doc_id, i, t.text, t.span[0], t.span[1], e.text, e.span[0], e.span[1])
        for i, (t, e) in enumerate(pairs)
    ]
