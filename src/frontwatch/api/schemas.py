"""Request and response models of the HTTP API (the OpenAPI document is generated from them).

Spans are ``[start, end)`` offsets in Unicode code points of the document text (Python string
indices); a JavaScript client converts them with ``Array.from(text)`` when the text has
characters outside the Basic Multilingual Plane.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..records import Event
from ..store.reviews import Action, ReviewState, Verdict


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(Schema):
    code: str = Field(description="stable error code: see docs/api.md")
    message: str


class ErrorResponse(Schema):
    error: ErrorBody


class EventSummary(Schema):
    """One event in a list: what a map marker and a table row need."""

    id: str
    doc_id: str
    category: str
    event_type: str | None = Field(None, description="ACLED event type")
    sub_event_type: str | None = Field(None, description="ACLED sub-event type")
    plover_type: str | None = None
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: str | None = None
    place: str | None = Field(None, description="resolved place name, else the text")
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    geo_precision: int | None = Field(
        None, description="ACLED geo precision of the location: 1 the place, 2 near it, 3 a region"
    )
    approximate: bool = Field(
        False, description="the coordinates are a centre standing for a larger area"
    )
    feature: str | None = Field(None, description="GeoNames feature code of the location")
    actor1: str | None = Field(None, description="canonical name, else the text")
    actor1_type: str | None = None
    actor2: str | None = None
    actor2_type: str | None = None
    fatalities: float | None = Field(
        None,
        description="the 'killed' count (counts of one sentence summed, a restated count once); "
        "null when withheld",
    )
    fatalities_withheld: float | None = Field(
        None, description="a toll of 100,000 or more from one event, kept out of the totals"
    )
    injured: float | None = Field(None, description="the 'injured' count, as fatalities")
    modality: str
    status: str | None = None
    historical: bool = False
    aggregate: bool = False
    confidence: float
    sources: int = Field(description="independent sources reporting the event")
    cluster_id: str | None = None
    review: ReviewState | None = Field(
        None, description="the analysts' review: null, or its status, time, reviewer, note, fields"
    )
    evidence: str = Field(description="the evidence sentence (plain text, not HTML)")


class EventPage(Schema):
    items: list[EventSummary]
    total: int = Field(description="events matching the filters")
    limit: int
    offset: int | None = Field(None, description="offset of the first item (offset paging)")
    next: str | None = Field(None, description="cursor of the next page; null on the last page")


class ReportRef(Schema):
    doc_id: str
    event_id: str
    outlet: str | None = None
    published: dt.date | None = None


class ClusterInfo(Schema):
    id: str
    sources: int
    reports: list[ReportRef]


class DocumentMeta(Schema):
    id: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None


class ReviewedEvent(Event):
    """An event as reviewed (corrected values) with its review (null: not reviewed)."""

    review: ReviewState | None = None


class EventDetail(Schema):
    """One event with all its mentions, evidence spans and the reports of the same event."""

    event: ReviewedEvent
    sources: int
    cluster: ClusterInfo | None = None
    document: DocumentMeta | None = None


HighlightField = Literal[
    "trigger",
    "evidence",
    "mention_trigger",
    "mention_evidence",
    "actor1",
    "actor2",
    "location",
    "date",
    "quantity",
    "attribution",
    "attribution_source",
    "attribution_speaker",
    "source",
    "toponym",
    "flag",
]


class Highlight(Schema):
    start: int
    end: int
    field: HighlightField
    event_id: str | None = Field(None, description="null for document-level fields")
    label: str | None = Field(None, description="what the span was read as, e.g. 'killed 12'")


class DocumentView(Schema):
    """A document's text and the spans of every extracted field (the client escapes, then marks)."""

    id: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    text: str
    event_ids: list[str]
    highlights: list[Highlight]


class ActorEntry(Schema):
    name: str
    type: str | None = None
    country: str | None = None
    events: int
    first: dt.date | None = None
    last: dt.date | None = None


class ActorPage(Schema):
    items: list[ActorEntry]
    total: int
    limit: int
    offset: int


class PlaceEntry(Schema):
    name: str
    geonameid: int | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    events: int
    first: dt.date | None = None
    last: dt.date | None = None


class PlacePage(Schema):
    items: list[PlaceEntry]
    total: int
    limit: int
    offset: int


class Health(Schema):
    status: Literal["ok"] = "ok"
    version: str
    extractor_version: str
    documents: int
    events: int
    ingest: bool = Field(description="whether POST /api/documents is enabled")
    review: bool = Field(description="whether review writes are enabled (serve --review)")
    tiles_url: str | None = Field(None, description="optional online basemap (tile URL template)")
    max_page: int
    max_body_bytes: int


class IngestDocument(Schema):
    text: str = Field(min_length=1)
    id: str | None = Field(None, min_length=1, max_length=200)
    published: dt.date | None = None
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=2000)
    outlet: str | None = Field(None, max_length=200)


class IngestRequest(Schema):
    documents: list[IngestDocument] = Field(min_length=1)


class IngestError(Schema):
    index: int
    id: str | None = None
    code: str
    message: str


class IngestResponse(Schema):
    stored: list[str] = Field(description="ids of the documents extracted and stored")
    events: int = Field(description="events extracted from them")
    skipped: list[IngestError] = Field(default_factory=list)
    indexed: bool = Field(
        description="whether reads already see them (else within seconds: the index is rebuilt)"
    )


# -- reviews ----------------------------------------------------------------------------------


class ReviewRequest(Schema):
    action: Verdict
    changes: dict[str, Any] = Field(
        default_factory=dict,
        description="field -> new value, for 'correct': acled.event_type, acled.sub_event_type, "
        "plover.type, plover.mode, actor1.name, actor2.name, location (object: name, country, "
        "geonameid, lat, lon, precision), date.start, date.end, quantities (list), modality, "
        "status",
    )
    note: str | None = Field(None, max_length=2000)
    by: str | None = Field(None, min_length=1, max_length=200)


class MergeRequest(Schema):
    events: list[str] = Field(min_length=2, max_length=100)
    note: str | None = Field(None, max_length=2000)
    by: str | None = Field(None, min_length=1, max_length=200)


class SplitRequest(Schema):
    event: str = Field(min_length=1, max_length=400)
    note: str | None = Field(None, max_length=2000)
    by: str | None = Field(None, min_length=1, max_length=200)


class ReviewItem(Schema):
    """One entry of the review log."""

    id: int
    at: dt.datetime
    by: str
    action: Action
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str | None = None


class ReviewHistory(Schema):
    reviews: list[ReviewItem] = Field(description="oldest first")


class ReviewQueue(Schema):
    total: int = Field(description="events without a review")
    events: list[EventSummary] = Field(description="least confident first")


class ReviewDone(Schema):
    """A merge or a split, recorded."""

    review: ReviewItem
    indexed: bool = Field(description="whether reads already show it (else within seconds)")
