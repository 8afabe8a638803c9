"""An in-memory, columnar index of the stored events, as reviewed, rebuilt as the store changes.

The store is the truth; this index makes the event list fast enough for a map that redraws as a
timeline moves (100,000 events: a filtered page in about a millisecond, docs/api.md). Filters
select with numpy masks over per-event columns and inverted lists (types, actors), and give
exactly what :meth:`frontwatch.filters.EventFilter.matches` gives (tested). Events are kept
as their JSON (compact); the list endpoint joins pre-serialised summaries.

Each event is prepared once (:class:`EventRecord`: its JSON, its filter columns, its summary)
and kept by the server per document (:class:`DocEntry`), so that a new index after a change
re-prepares only the documents that changed and the events whose reviews changed.

Events an analyst rejected stay in the index, marked; listings leave them out unless asked.

Order: by date (start of the event's date interval), undated events last, then by id; the same
order as the store's ``events()``. A cursor is the key of the last item of a page.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
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
from ..store.reviews import ReviewBook, ReviewState
from .highlights import document_highlights
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


def _compact(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(eq=False)
class EventRecord:
    """One event prepared for the index: its JSON, filter columns, summary and aggregates."""

    id: str
    doc_id: str
    key: tuple[int, str]
    start: int
    end: int
    lat: float
    lon: float
    country: str | None
    modality: str
    confidence: float
    background: bool  # historical, or an aggregate over a whole war (records.is_background)
    types: frozenset[str]
    actor_texts: frozenset[str]
    actors: tuple[tuple[str, str | None, str | None], ...]  # (name, type, country), unique
    place: tuple[tuple[int, str], dict[str, Any]] | None  # the key and the fields of a PlaceEntry
    date: dt.date | None
    full: bytes
    base: dict[str, Any]  # the summary's JSON values, without sources, cluster and review
    _summary: tuple[tuple[Any, ...], bytes] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, event: Event) -> EventRecord:
        date, loc = event.date, event.location
        dated = date is not None and date.start is not None and date.end is not None
        start = date.start.toordinal() if dated and date and date.start else UNDATED
        end = date.end.toordinal() if dated and date and date.end else -1
        has_point = loc is not None and loc.lat is not None and loc.lon is not None
        names = {event.category, event.plover.type if event.plover else None}
        if event.acled:
            names |= {event.acled.event_type, event.acled.sub_event_type}
        texts: set[str] = set()
        actors: dict[str, tuple[str, str | None, str | None]] = {}
        for actor in (event.actor1, event.actor2):
            for one in (actor, *actor.members) if actor is not None else ():
                if one.text:
                    texts.add(one.text.casefold())
                if one.name:
                    texts.add(one.name.casefold())
                name = _name(one) or ""
                if name and name.casefold() not in actors:
                    actors[name.casefold()] = (name, one.type, one.country)
        place = None
        if loc is not None:
            name = loc.name or loc.text
            place = (
                (loc.geonameid or 0, "" if loc.geonameid else name.casefold()),
                {
                    "name": name,
                    "geonameid": loc.geonameid,
                    "country": loc.country,
                    "admin1": loc.admin1,
                    "lat": loc.lat,
                    "lon": loc.lon,
                },
            )
        flat = FlatEvent.of(event)
        fatalities, withheld = _fatalities(event)  # counted once, huge tolls withheld
        summary = EventSummary(
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
            sources=1,
            cluster_id=None,
            review=None,
            evidence=flat.evidence,
        )
        return cls(
            id=event.id,
            doc_id=event.doc_id,
            key=(start, event.id),
            start=start,
            end=end,
            lat=loc.lat if has_point and loc and loc.lat is not None else float("nan"),
            lon=loc.lon if has_point and loc and loc.lon is not None else float("nan"),
            country=loc.country if loc else None,
            modality=event.modality,
            confidence=event.confidence,
            background=is_background(event),
            types=frozenset(n.casefold() for n in names if n is not None),
            actor_texts=frozenset(texts),
            actors=tuple(actors.values()),
            place=place,
            date=date.start if date is not None else None,
            full=event.model_dump_json().encode(),
            base=summary.model_dump(mode="json"),
        )

    def summary(self, info: ClusterInfo | None, review: ReviewState | None) -> bytes:
        """The summary's JSON with its cluster and review (kept until they change)."""
        state = review.model_dump(mode="json") if review is not None else None
        stamp = (info.id if info else None, info.sources if info else 1, json.dumps(state))
        if self._summary is None or self._summary[0] != stamp:
            values = dict(self.base)
            values.update(sources=stamp[1], cluster_id=stamp[0], review=state)
            self._summary = (stamp, _compact(values))
        return self._summary[1]


@dataclass(frozen=True)
class DocEntry:
    """What the index keeps of a document: its metadata, highlights and events as extracted."""

    meta: DocumentMeta
    highlights: tuple[Highlight, ...]
    events: tuple[EventRecord, ...]

    @classmethod
    def of(cls, document: Document, result: DocumentResult) -> DocEntry:
        return cls(
            meta=DocumentMeta(
                id=document.id,
                title=document.title,
                url=document.url,
                outlet=document.outlet,
                published=document.published,
            ),
            highlights=tuple(document_highlights(result)),
            events=tuple(EventRecord.of(e) for e in result.events),
        )


class EventIndex:
    """Immutable once built; a new store version gets a new index.

    ``book`` is the review log: reviewed events are indexed with their corrections and their
    review state; rejected ones are left out of :meth:`select` unless asked for.
    """

    def __init__(
        self,
        results: Iterable[tuple[Document, DocumentResult]] = (),
        clusters: Sequence[Any] = (),
        book: ReviewBook | None = None,
        *,
        docs: Mapping[str, DocEntry] | None = None,
        previous: EventIndex | None = None,
    ) -> None:
        if docs is None:
            docs = {d.id: DocEntry.of(d, r) for d, r in results}
        self.docs = dict(docs)
        self.book = book
        self.clusters = list(clusters)
        cluster_of = _cluster_infos(self.clusters)
        self.documents: dict[str, DocumentMeta] = {k: v.meta for k, v in self.docs.items()}
        self.doc_highlights = {k: v.highlights for k, v in self.docs.items()}
        cache = previous.reviewed_records if previous is not None else {}
        self.reviewed_records: dict[tuple[str, bytes, tuple[int, ...]], EventRecord] = {}
        records: list[EventRecord] = []
        states: dict[str, ReviewState] = dict(book.states) if book is not None else {}
        for entry in self.docs.values():
            for record in entry.events:
                if book is not None and book.has(record.id):
                    record = self._reviewed(record, book, cache)
                records.append(record)
        records.sort(key=lambda r: r.key)
        n = len(records)
        self.records = records
        self.keys: list[tuple[int, str]] = [r.key for r in records]
        self.ids: dict[str, int] = {r.id: i for i, r in enumerate(records)}
        self.doc_ids: list[str] = [r.doc_id for r in records]
        self.doc_events: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(records):
            self.doc_events[r.doc_id].append(i)
        self.start = np.fromiter((r.start for r in records), dtype=np.int64, count=n)
        self.end = np.fromiter((r.end for r in records), dtype=np.int64, count=n)
        self.lat = np.fromiter((r.lat for r in records), dtype=np.float64, count=n)
        self.lon = np.fromiter((r.lon for r in records), dtype=np.float64, count=n)
        countries: dict[str, int] = {}
        modalities: dict[str, int] = {}
        self.country = np.fromiter(
            (countries.setdefault(r.country, len(countries)) if r.country else -1 for r in records),
            dtype=np.int32,
            count=n,
        )
        self.modality = np.fromiter(
            (modalities.setdefault(r.modality, len(modalities)) for r in records),
            dtype=np.int32,
            count=n,
        )
        self.background = np.fromiter((r.background for r in records), dtype=bool, count=n)
        self.countries = countries
        self.modalities = modalities
        self.review: list[ReviewState | None] = [states.get(r.id) for r in records]
        self.rejected = np.fromiter(
            (s is not None and s.rejected for s in self.review), dtype=bool, count=n
        )
        self.cluster_of: list[ClusterInfo | None] = [cluster_of.get(r.id) for r in records]
        self.sources = np.fromiter(
            (info.sources if info else 1 for info in self.cluster_of), dtype=np.int64, count=n
        )
        types: dict[str, list[int]] = defaultdict(list)
        actors: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(records):
            for name in r.types:
                types[name].append(i)
            for text in r.actor_texts:
                actors[text].append(i)
        self.types = {k: np.asarray(v, dtype=np.int64) for k, v in types.items()}
        self.actor_postings = {k: np.asarray(v, dtype=np.int64) for k, v in actors.items()}
        self.summaries: list[bytes] = [
            r.summary(self.cluster_of[i], self.review[i]) for i, r in enumerate(records)
        ]
        kept = [r for r, out in zip(records, self.rejected, strict=True) if not out]
        self.actors = self._aggregate_actors(kept)
        self.places = self._aggregate_places(kept)
        unreviewed = [i for i, s in enumerate(self.review) if s is None]
        unreviewed.sort(key=lambda i: (records[i].confidence, records[i].id, records[i].doc_id))
        self.queue = np.asarray(unreviewed, dtype=np.int64)
        logger.info("indexed %s events of %s documents", n, len(self.documents))

    def __len__(self) -> int:
        return len(self.keys)

    # -- building ------------------------------------------------------------------------

    def _reviewed(
        self,
        record: EventRecord,
        book: ReviewBook,
        cache: Mapping[tuple[str, bytes, tuple[int, ...]], EventRecord],
    ) -> EventRecord:
        """The record of the event with its reviews applied (reused while they are the same)."""
        key = (record.id, record.full, tuple(e.id for e in book.history(record.id)))
        found = cache.get(key)
        if found is None:
            event, _ = book.apply(Event.model_validate_json(record.full))
            found = EventRecord.of(event)
        self.reviewed_records[key] = found
        return found

    @staticmethod
    def _aggregate_actors(records: Sequence[EventRecord]) -> list[ActorEntry]:
        groups: dict[str, dict[str, Any]] = {}
        for record in records:
            for name, kind, country in record.actors:
                entry = groups.setdefault(
                    name.casefold(),
                    {"name": name, "type": None, "country": None, "events": 0, "dates": []},
                )
                entry["events"] += 1
                entry["type"] = entry["type"] or kind
                entry["country"] = entry["country"] or country
                if record.date is not None:
                    entry["dates"].append(record.date)
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

    @staticmethod
    def _aggregate_places(records: Sequence[EventRecord]) -> list[PlaceEntry]:
        groups: dict[tuple[int, str], dict[str, Any]] = {}
        for record in records:
            if record.place is None:
                continue
            key, fields = record.place
            entry = groups.setdefault(key, {**fields, "events": 0, "dates": []})
            entry["events"] += 1
            if record.date is not None:
                entry["dates"].append(record.date)
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

    def select(self, flt: EventFilter, *, include_rejected: bool = False) -> Positions:
        """Positions (in index order) of the events that pass ``flt``."""
        n = len(self.keys)
        mask = np.ones(n, dtype=bool) if include_rejected else ~self.rejected
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
        self,
        flt: EventFilter,
        *,
        limit: int,
        offset: int = 0,
        cursor: str | None = None,
        include_rejected: bool = False,
    ) -> Page:
        """One page of the events that pass ``flt``; raises :class:`CursorError`."""
        selected = self.select(flt, include_rejected=include_rejected)
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
        return None if i is None else Event.model_validate_json(self.records[i].full)

    def events(self, positions: Iterable[int]) -> Iterator[Event]:
        for p in positions:
            yield Event.model_validate_json(self.records[int(p)].full)

    def review_of(self, event_id: str) -> ReviewState | None:
        i = self.ids.get(event_id)
        return None if i is None else self.review[i]

    def reviews(self) -> dict[str, str]:
        """Event id -> review status, for every reviewed event."""
        return {r.id: s.status for r, s in zip(self.records, self.review, strict=True) if s}

    def sources_of(self, event_id: str) -> tuple[int, ClusterInfo | None]:
        i = self.ids[event_id]
        return int(self.sources[i]), self.cluster_of[i]

    def date_range(self) -> tuple[dt.date | None, dt.date | None]:
        dated = self.start[self.start != UNDATED]
        if not len(dated):
            return None, None
        return dt.date.fromordinal(int(dated.min())), dt.date.fromordinal(int(self.end.max()))
