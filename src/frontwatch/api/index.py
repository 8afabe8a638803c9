"""An in-memory, columnar index of the stored events, built once per store version.

The store is the truth; this index makes the event list fast enough for a map that redraws as a
timeline moves (100,000 events: a filtered page in about a millisecond, docs/api.md). Filters
select with numpy masks over per-event columns and inverted lists (types, actors), and give
exactly what :meth:`frontwatch.filters.EventFilter.matches` gives (tested). Events are kept
as their JSON (compact); the list endpoint joins pre-serialised summaries.

Order: by date (start of the event's date interval), undated events last, then by id; the same
order as the store's ``events()``. A cursor is the key of the last item of a page.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..filters import Condition, EventFilter
from ..records import (
    MAX_EVENT_TOLL,
    Actor,
    Document,
    DocumentResult,
    Event,
    FlatEvent,
    is_background,
)
from ..situation.dedup import stated_values
from .schemas import (
    ActorEntry,
    ClusterInfo,
    DocumentMeta,
    EventSummary,
    Highlight,
    PlaceEntry,
    ReportRef,
)

logger = logging.getLogger(__name__)

UNDATED = 10**7  # after every date ordinal (date.max is 3652059)
Positions = npt.NDArray[np.int64]


class CursorError(ValueError):
    """A cursor this index cannot read."""


@dataclass(frozen=True)
class Page:
    positions: Positions
    total: int
    next: str | None


def encode_cursor(key: tuple[int, str]) -> str:
    raw = f"{key[0]}:{key[1]}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
        ordinal, ident = raw.split(":", 1)
        return int(ordinal), ident
    except (binascii.Error, UnicodeDecodeError, ValueError) as err:
        raise CursorError(cursor) from err


def _name(actor: Actor | None) -> str | None:
    return None if actor is None else (actor.name or actor.text)


def _sum(event: Event, kind: str) -> float | None:
    """The event's count of ``kind``: the quantities of one sentence add up, a count restated
    in another sentence (headline and body) counts once (situation.dedup.stated_values)."""
    counts = [s.value for key, s in stated_values(event).items() if key.split(":")[0] == kind]
    return float(sum(counts)) if counts else None


def _fatalities(event: Event) -> tuple[float | None, float | None]:
    """(fatalities, withheld): a toll of MAX_EVENT_TOLL or more from one event is not summed
    by the map; it is flagged for review instead."""
    killed = _sum(event, "killed")
    if killed is not None and killed >= MAX_EVENT_TOLL:
        return None, killed
    return killed, None


def event_highlights(event: Event) -> Iterator[Highlight]:
    """The span of every field of ``event``."""
    eid = event.id
    yield Highlight(
        start=event.evidence.span[0], end=event.evidence.span[1], field="evidence", event_id=eid
    )
    yield Highlight(
        start=event.trigger.span[0],
        end=event.trigger.span[1],
        field="trigger",
        event_id=eid,
        label=event.acled.event_type if event.acled else event.category,
    )
    for mention in event.mentions:
        if mention.evidence.span != event.evidence.span:
            yield Highlight(
                start=mention.evidence.span[0],
                end=mention.evidence.span[1],
                field="mention_evidence",
                event_id=eid,
            )
        if mention.trigger.span != event.trigger.span:
            yield Highlight(
                start=mention.trigger.span[0],
                end=mention.trigger.span[1],
                field="mention_trigger",
                event_id=eid,
            )
    for field, actor in (("actor1", event.actor1), ("actor2", event.actor2)):
        if actor is not None:
            yield Highlight(
                start=actor.span[0],
                end=actor.span[1],
                field=field,
                event_id=eid,
                label=_name(actor),
            )
    if event.location is not None:
        loc = event.location
        yield Highlight(
            start=loc.span[0],
            end=loc.span[1],
            field="location",
            event_id=eid,
            label=loc.name or loc.text,
        )
    date = event.date
    if date is not None and date.span is not None:
        label = None
        if date.start is not None:
            label = date.start.isoformat()
            if date.end is not None and date.end != date.start:
                label += f"/{date.end.isoformat()}"
        yield Highlight(
            start=date.span[0], end=date.span[1], field="date", event_id=eid, label=label
        )
    for q in event.quantities:
        count = q.count if q.count is not None else q.low
        label = q.kind if count is None else f"{q.kind} {count:g}"
        yield Highlight(start=q.span[0], end=q.span[1], field="quantity", event_id=eid, label=label)
    attr = event.attribution
    if attr is not None and not attr.default:
        if attr.span is not None:
            yield Highlight(
                start=attr.span[0],
                end=attr.span[1],
                field="attribution",
                event_id=eid,
                label=attr.source or attr.speaker,
            )
        if attr.source_span is not None:
            yield Highlight(
                start=attr.source_span[0],
                end=attr.source_span[1],
                field="attribution_source",
                event_id=eid,
                label=attr.source,
            )
        if attr.speaker_span is not None:
            yield Highlight(
                start=attr.speaker_span[0],
                end=attr.speaker_span[1],
                field="attribution_speaker",
                event_id=eid,
                label=attr.speaker,
            )


def document_highlights(result: DocumentResult) -> Iterator[Highlight]:
    """Spans of the document-level fields: named sources, toponyms, flags."""
    for source in result.sources:
        yield Highlight(start=source.span[0], end=source.span[1], field="source", label=source.name)
    for toponym in result.toponyms:
        yield Highlight(
            start=toponym.span[0],
            end=toponym.span[1],
            field="toponym",
            label=toponym.name or toponym.text,
        )
    for flag in result.flags:
        yield Highlight(start=flag.span[0], end=flag.span[1], field="flag", label=flag.message)


def _cluster_infos(clusters: Iterable[Any]) -> dict[str, ClusterInfo]:
    """Event id -> its cluster, from the situation package's ``EventCluster`` objects."""
    out: dict[str, ClusterInfo] = {}
    for cluster in clusters:
        reports = [
            ReportRef(
                doc_id=r.doc_id,
                event_id=r.event_id,
                outlet=getattr(r, "outlet", None),
                published=getattr(r, "published", None),
            )
            for r in cluster.reports
        ]
        info = ClusterInfo(id=str(cluster.id), sources=int(cluster.sources), reports=reports)
        for report in reports:
            out[report.event_id] = info
        for member in getattr(cluster, "members", ()):
            out.setdefault(member, info)
        representative = getattr(getattr(cluster, "event", None), "id", None)
        if representative is not None:
            out.setdefault(representative, info)
    return out


class EventIndex:
    """Immutable once built; a new store version gets a new index."""

    def __init__(
        self,
        results: Iterable[tuple[Document, DocumentResult]],
        clusters: Sequence[Any] = (),
    ) -> None:
        self.clusters = list(clusters)
        cluster_of = _cluster_infos(self.clusters)
        events: list[Event] = []
        self.documents: dict[str, DocumentMeta] = {}
        self.doc_highlights: dict[str, tuple[Highlight, ...]] = {}
        for document, result in results:
            self.documents[document.id] = DocumentMeta(
                id=document.id,
                title=document.title,
                url=document.url,
                outlet=document.outlet,
                published=document.published,
            )
            self.doc_highlights[document.id] = tuple(document_highlights(result))
            events.extend(result.events)
        events.sort(key=self._key)
        n = len(events)
        self.keys: list[tuple[int, str]] = [self._key(e) for e in events]
        self.ids: dict[str, int] = {e.id: i for i, e in enumerate(events)}
        self.doc_ids: list[str] = [e.doc_id for e in events]
        self.doc_events: dict[str, list[int]] = defaultdict(list)
        self.start = np.full(n, UNDATED, dtype=np.int64)
        self.end = np.full(n, -1, dtype=np.int64)
        self.lat = np.full(n, np.nan)
        self.lon = np.full(n, np.nan)
        self.sources = np.ones(n, dtype=np.int64)
        countries: dict[str, int] = {}
        modalities: dict[str, int] = {}
        self.country = np.full(n, -1, dtype=np.int32)
        self.modality = np.full(n, -1, dtype=np.int32)
        self.background = np.zeros(n, dtype=bool)
        types: dict[str, list[int]] = defaultdict(list)
        actors: dict[str, list[int]] = defaultdict(list)
        self.cluster_of: list[ClusterInfo | None] = []
        self.summaries: list[bytes] = []
        self.full: list[bytes] = []
        for i, event in enumerate(events):
            self.doc_events[event.doc_id].append(i)
            date = event.date
            if date is not None and date.start is not None and date.end is not None:
                self.start[i] = date.start.toordinal()
                self.end[i] = date.end.toordinal()
            loc = event.location
            if loc is not None:
                if loc.lat is not None and loc.lon is not None:
                    self.lat[i], self.lon[i] = loc.lat, loc.lon
                if loc.country is not None:
                    self.country[i] = countries.setdefault(loc.country, len(countries))
            self.modality[i] = modalities.setdefault(event.modality, len(modalities))
            self.background[i] = is_background(event)
            for name in self._type_names(event):
                types[name].append(i)
            for text in self._actor_texts(event):
                actors[text].append(i)
            info = cluster_of.get(event.id)
            self.cluster_of.append(info)
            if info is not None:
                self.sources[i] = info.sources
            self.summaries.append(self._summary(event, info).model_dump_json().encode())
            self.full.append(event.model_dump_json().encode())
        self.countries = countries
        self.modalities = modalities
        self.types = {k: np.unique(np.asarray(v, dtype=np.int64)) for k, v in types.items()}
        self.actor_postings = {
            k: np.unique(np.asarray(v, dtype=np.int64)) for k, v in actors.items()
        }
        self.actors = self._aggregate_actors(events)
        self.places = self._aggregate_places(events)
        logger.info("indexed %s events of %s documents", n, len(self.documents))

    def __len__(self) -> int:
        return len(self.keys)

    # -- building ------------------------------------------------------------------------

    @staticmethod
    def _key(event: Event) -> tuple[int, str]:
        date = event.date
        if date is None or date.start is None or date.end is None:
            return (UNDATED, event.id)
        return (date.start.toordinal(), event.id)

    @staticmethod
    def _type_names(event: Event) -> set[str]:
        names = {event.category, event.plover.type if event.plover else None}
        if event.acled:
            names |= {event.acled.event_type, event.acled.sub_event_type}
        return {n.casefold() for n in names if n is not None}

    @staticmethod
    def _actor_texts(event: Event) -> set[str]:
        texts: set[str] = set()
        for actor in (event.actor1, event.actor2):
            if actor is None:
                continue
            for one in (actor, *actor.members):
                texts.add(one.text.casefold())
                if one.name:
                    texts.add(one.name.casefold())
        return texts

    @staticmethod
    def _summary(event: Event, info: ClusterInfo | None) -> EventSummary:
        flat = FlatEvent.of(event)
        fatalities, withheld = _fatalities(event)  # counted once, huge tolls withheld
        return EventSummary(
            id=flat.id,
            doc_id=flat.doc_id,
            category=flat.category,
            event_type=flat.acled_event_type,
            sub_event_type=flat.acled_sub_event_type,
            plover_type=flat.plover_type,
            date_start=flat.date_start,
            date_end=flat.date_end,
            date_precision=flat.date_precision,
            place=flat.place,
            geonameid=flat.geonameid,
            lat=flat.latitude,
            lon=flat.longitude,
            country=flat.country,
            admin1=flat.admin1,
            geo_precision=flat.geo_precision,
            approximate=flat.approximate,
            feature=flat.feature,
            actor1=flat.actor1,
            actor1_type=flat.actor1_type,
            actor2=flat.actor2,
            actor2_type=flat.actor2_type,
            fatalities=fatalities,
            fatalities_withheld=withheld,
            injured=_sum(event, "injured"),
            modality=flat.modality,
            status=flat.status,
            historical=flat.historical,
            aggregate=flat.aggregate,
            confidence=flat.confidence,
            sources=info.sources if info else 1,
            cluster_id=info.id if info else None,
            evidence=flat.evidence,
        )

    def _aggregate_actors(self, events: Sequence[Event]) -> list[ActorEntry]:
        groups: dict[str, dict[str, Any]] = {}
        for event in events:
            seen: set[str] = set()
            for actor in (event.actor1, event.actor2):
                for one in (actor, *actor.members) if actor is not None else ():
                    name = _name(one) or ""
                    key = name.casefold()
                    if not key or key in seen:
                        continue
                    seen.add(key)
                    entry = groups.setdefault(
                        key, {"name": name, "type": None, "country": None, "events": 0, "dates": []}
                    )
                    entry["events"] += 1
                    entry["type"] = entry["type"] or one.type
                    entry["country"] = entry["country"] or one.country
                    if event.date is not None and event.date.start is not None:
                        entry["dates"].append(event.date.start)
        return sorted(
            (
                ActorEntry(
                    name=g["name"],
                    type=g["type"],
                    country=g["country"],
                    events=g["events"],
                    first=min(g["dates"], default=None),
                    last=max(g["dates"], default=None),
                )
                for g in groups.values()
            ),
            key=lambda a: (-a.events, a.name.casefold()),
        )

    def _aggregate_places(self, events: Sequence[Event]) -> list[PlaceEntry]:
        groups: dict[tuple[int, str], dict[str, Any]] = {}
        for event in events:
            loc = event.location
            if loc is None:
                continue
            name = loc.name or loc.text
            key = (loc.geonameid or 0, "" if loc.geonameid else name.casefold())
            entry = groups.setdefault(
                key,
                {
                    "name": name,
                    "geonameid": loc.geonameid,
                    "country": loc.country,
                    "admin1": loc.admin1,
                    "lat": loc.lat,
                    "lon": loc.lon,
                    "events": 0,
                    "dates": [],
                },
            )
            entry["events"] += 1
            if event.date is not None and event.date.start is not None:
                entry["dates"].append(event.date.start)
        return sorted(
            (
                PlaceEntry(
                    name=g["name"],
                    geonameid=g["geonameid"],
                    country=g["country"],
                    admin1=g["admin1"],
                    lat=g["lat"],
                    lon=g["lon"],
                    events=g["events"],
                    first=min(g["dates"], default=None),
                    last=max(g["dates"], default=None),
                )
                for g in groups.values()
            ),
            key=lambda p: (-p.events, p.name.casefold()),
        )

    # -- queries -------------------------------------------------------------------------

    def select(self, flt: EventFilter) -> Positions:
        """Positions (in index order) of the events that pass ``flt``."""
        n = len(self.keys)
        mask = np.ones(n, dtype=bool)
        for condition in flt.conditions():  # the filter's one description (filters.py)
            part = self._mask(condition, n)
            if part is None:
                return np.empty(0, dtype=np.int64)
            mask &= part
        return np.flatnonzero(mask).astype(np.int64)

    def _mask(self, condition: Condition, n: int) -> npt.NDArray[np.bool_] | None:
        """The events that pass one condition (``None``: none can, an unknown country)."""
        kind, value = condition.kind, condition.value
        if kind == "dated":
            dated: npt.NDArray[np.bool_] = self.start != UNDATED
            return dated
        if kind in ("ends_on_or_after", "starts_on_or_before"):
            day: int = value.toordinal()
            return self.end >= day if kind == "ends_on_or_after" else self.start <= day
        if kind == "country":
            code = self.countries.get(value)
            return None if code is None else self.country == code
        if kind == "bbox":
            min_lon, min_lat, max_lon, max_lat = value
            with np.errstate(invalid="ignore"):
                inside: npt.NDArray[np.bool_] = (self.lon >= min_lon) & (self.lon <= max_lon)
                inside &= (self.lat >= min_lat) & (self.lat <= max_lat)
            return inside
        if kind == "modality":
            codes = [self.modalities[m] for m in value if m in self.modalities]
            return np.isin(self.modality, codes)
        if kind == "not_background":
            factual: npt.NDArray[np.bool_] = ~self.background
            return factual
        if kind == "min_sources":
            least: int = value
            return self.sources >= least
        if kind == "type":
            return self._posting_mask(self.types.get(value), n)
        hits = [p for text, p in self.actor_postings.items() if value in text]  # actor
        return self._posting_mask(np.concatenate(hits) if hits else None, n)

    @staticmethod
    def _posting_mask(positions: Positions | None, n: int) -> npt.NDArray[np.bool_]:
        mask = np.zeros(n, dtype=bool)
        if positions is not None:
            mask[positions] = True
        return mask

    def page(
        self, flt: EventFilter, *, limit: int, offset: int = 0, cursor: str | None = None
    ) -> Page:
        """One page of the events that pass ``flt``; raises :class:`CursorError`."""
        selected = self.select(flt)
        if cursor is not None:
            first = bisect.bisect_right(self.keys, decode_cursor(cursor))
            begin = int(np.searchsorted(selected, first))
        else:
            begin = offset
        chosen = selected[begin : begin + limit]
        more = begin + limit < len(selected)
        nxt = encode_cursor(self.keys[int(chosen[-1])]) if more and len(chosen) else None
        return Page(positions=chosen, total=len(selected), next=nxt)

    def summaries_json(self, positions: Positions) -> bytes:
        return b"[" + b",".join(self.summaries[int(p)] for p in positions) + b"]"

    def event(self, event_id: str) -> Event | None:
        i = self.ids.get(event_id)
        return None if i is None else Event.model_validate_json(self.full[i])

    def events(self, positions: Iterable[int]) -> Iterator[Event]:
        for p in positions:
            yield Event.model_validate_json(self.full[int(p)])

    def sources_of(self, event_id: str) -> tuple[int, ClusterInfo | None]:
        i = self.ids[event_id]
        return int(self.sources[i]), self.cluster_of[i]

    def date_range(self) -> tuple[dt.date | None, dt.date | None]:
        dated = self.start[self.start != UNDATED]
        if not len(dated):
            return None, None
        return dt.date.fromordinal(int(dated.min())), dt.date.fromordinal(int(self.end.max()))
