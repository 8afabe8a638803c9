"""Typed records that leave the pipeline.

Every value that frontwatch extracts from text keeps the character span it came from:
``span`` is ``[start, end)`` in the document text exactly as :func:`frontwatch.extract` read it,
so ``document.text[start:end] == record.text``. Unknown values are ``None``; nothing is guessed
silently (guesses are marked, e.g. :attr:`EventDate.inferred`).

The JSON Schema in ``frontwatch/schema/event.schema.json`` is generated from :class:`Event`
(``python -m frontwatch.records``) and checked against it by the tests.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Span = tuple[int, int]

Category = Literal[
    "political_violence",
    "protest",
    "strategic",
    "verbal",
    "claim",
    "natural_disaster",
    "industrial_accident",
    "crime",
    "other",
]
Modality = Literal["asserted", "reported", "negated", "hypothetical", "future"]
#: Every modality, in the order of the schema.
MODALITIES: tuple[Modality, ...] = typing.get_args(Modality)
#: The modalities of events that happened (as opposed to negated, hypothetical, future ones).
FACTUAL_MODALITIES: frozenset[str] = frozenset({"asserted", "reported"})
#: The categories of events that are words, not deeds (a statement, a claim or a blame).
STATEMENT_CATEGORIES: frozenset[str] = frozenset({"verbal", "claim"})
Status = Literal["completed", "attempted", "failed", "ongoing"]
DatePrecision = Literal["day", "week", "month", "year", "range", "unknown"]
ActorType = Literal[
    "state_forces",
    "rebel_group",
    "political_militia",
    "identity_militia",
    "rioters",
    "protesters",
    "civilians",
    "external_other",
]
QuantityKind = Literal[
    "killed",
    "injured",
    "displaced",
    "detained",
    "materiel",
    "troops",
    "money",
    "production",
    "distance",
    "percent",
    "other",
]
PlaceRole = Literal["literal", "demonym", "metonym"]


class Record(BaseModel):
    """Base of all records: strict fields, JSON-friendly."""

    model_config = ConfigDict(extra="forbid", frozen=False)


class TextSpan(Record):
    """A piece of the document text and its offsets."""

    text: str
    span: Span


class Qualifier(Record):
    """A qualifier kept on an actor: "US-backed", "Al Qaeda-linked", "allied with ISIS"."""

    text: str
    span: Span
    relation: Literal["backed_by", "linked_to", "allied_with", "loyal_to", "other"] = "other"
    name: str | None = Field(None, description="canonical name of the related actor, if known")


class Actor(Record):
    text: str
    span: Span
    name: str | None = Field(None, description="canonical name from the actor dictionary")
    type: ActorType | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2")
    wikidata: str | None = None
    qualifiers: list[Qualifier] = Field(default_factory=list)
    members: list[Actor] = Field(
        default_factory=list,
        description="for coordinated actors ('Iraqi troops and allied militia'): every member",
    )
    guessed: bool = Field(False, description="type guessed: the actor is not in the dictionary")
    role: Literal["party", "place"] = Field(
        "party",
        description=(
            "place: no party is named as the target, the place is ('imposed a curfew in "
            "Algiers'), as PLOVER codes it; ACLED exports leave it out"
        ),
    )


class Location(Record):
    text: str
    span: Span
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature: str | None = Field(None, description="GeoNames feature code, e.g. PPLA, ADM1, AIRP")
    precision: Literal[1, 2, 3] | None = Field(None, description="ACLED geo precision")
    approximate: bool = False


class EventDate(Record):
    text: str | None = None
    span: Span | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    precision: DatePrecision = "unknown"
    inferred: bool = Field(False, description="no date expression: default taken from context")


class Quantity(Record):
    kind: QuantityKind
    item: str | None = None
    count: float | None = None
    low: float | None = None
    high: float | None = None
    approx: bool = False
    unit: str | None = None
    detail: str | None = Field(None, description="e.g. calibre '155 mm' or currency 'USD'")
    text: str
    span: Span


class Attribution(Record):
    source: str | None = Field(None, description="outlet, document or organisation")
    speaker: str | None = Field(None, description="person or role who said it")
    source_span: Span | None = None
    speaker_span: Span | None = None
    text: str | None = Field(None, description="the attribution phrase")
    span: Span | None = None
    default: bool = Field(False, description="no explicit source: the document's own outlet")


class Plover(Record):
    type: str
    mode: str | None = None


class Acled(Record):
    event_type: str
    sub_event_type: str | None = None


class Mention(Record):
    """One mention of an event in the document (headline, lead, later recap)."""

    trigger: TextSpan
    evidence: TextSpan


class Event(Record):
    id: str
    doc_id: str
    plover: Plover | None = None
    acled: Acled | None = None
    category: Category
    actor1: Actor | None = None
    actor2: Actor | None = None
    location: Location | None = None
    date: EventDate | None = None
    quantities: list[Quantity] = Field(default_factory=list)
    status: Status | None = None
    modality: Modality
    attribution: Attribution | None = None
    trigger: TextSpan
    evidence: TextSpan
    mentions: list[Mention] = Field(default_factory=list)
    historical: bool = Field(False, description="background: well before publication")
    aggregate: bool = Field(
        False,
        description=(
            "not one event: a toll or count over a multi-year span, a whole war or campaign "
            "('a war that took over a million lives')"
        ),
    )
    confidence: float = Field(ge=0.0, le=1.0)
    extractor_version: str


def _stated_total(event: Event, kind: QuantityKind) -> float | None:
    """The sum of the stated counts of ``kind`` (ranges without a count left out)."""
    counts = [q.count for q in event.quantities if q.kind == kind and q.count is not None]
    return float(sum(counts)) if counts else None


@dataclass(frozen=True, slots=True)
class FlatEvent:
    """An :class:`Event` with its nested fields as flat scalars (``None`` where the event has
    no such field): the one flattening of an event, read by the CSV output, the store's
    columns, the exports' flat rows, the API's summaries and the query table. Each of those
    picks and names its own columns; how it counts casualties is its own too (the store and
    the API sum the stated counts, an export takes its cluster's).

    >>> flat = FlatEvent.of(event)  # doctest: +SKIP
    >>> flat.actor1  # the canonical name, else the text  # doctest: +SKIP
    """

    id: str
    doc_id: str
    plover_type: str | None
    plover_mode: str | None
    acled_event_type: str | None
    acled_sub_event_type: str | None
    category: Category
    actor1: str | None  # the canonical name, else the text
    actor1_name: str | None
    actor1_text: str | None
    actor1_type: ActorType | None
    actor1_country: str | None
    actor2: str | None
    actor2_name: str | None
    actor2_text: str | None
    actor2_type: ActorType | None
    actor2_country: str | None
    place: str | None  # the gazetteer's name, else the text
    location_name: str | None
    geonameid: int | None
    latitude: float | None
    longitude: float | None
    country: str | None
    admin1: str | None
    geo_precision: int | None
    feature: str | None
    approximate: bool
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: DatePrecision | None
    date_inferred: bool | None
    status: Status | None
    modality: Modality
    attribution_source: str | None
    attribution_speaker: str | None
    trigger: str
    trigger_start: int
    trigger_end: int
    evidence: str
    evidence_start: int
    evidence_end: int
    mentions: int
    fatalities: float | None  # the sum of the stated 'killed' counts
    injured: float | None  # the sum of the stated 'injured' counts
    historical: bool
    aggregate: bool
    confidence: float
    extractor_version: str

    @classmethod
    def of(cls, event: Event) -> FlatEvent:
        a1, a2, loc, date, attr = (
            event.actor1,
            event.actor2,
            event.location,
            event.date,
            event.attribution,
        )
        if a2 is not None and a2.role == "place":
            a2 = None  # a place named as the target is no actor (it stays in the JSON record)
        return cls(
            id=event.id,
            doc_id=event.doc_id,
            plover_type=event.plover.type if event.plover else None,
            plover_mode=event.plover.mode if event.plover else None,
            acled_event_type=event.acled.event_type if event.acled else None,
            acled_sub_event_type=event.acled.sub_event_type if event.acled else None,
            category=event.category,
            actor1=(a1.name or a1.text) if a1 else None,
            actor1_name=a1.name if a1 else None,
            actor1_text=a1.text if a1 else None,
            actor1_type=a1.type if a1 else None,
            actor1_country=a1.country if a1 else None,
            actor2=(a2.name or a2.text) if a2 else None,
            actor2_name=a2.name if a2 else None,
            actor2_text=a2.text if a2 else None,
            actor2_type=a2.type if a2 else None,
            actor2_country=a2.country if a2 else None,
            place=(loc.name or loc.text) if loc else None,
            location_name=loc.name if loc else None,
            geonameid=loc.geonameid if loc else None,
            latitude=loc.lat if loc else None,
            longitude=loc.lon if loc else None,
            country=loc.country if loc else None,
            admin1=loc.admin1 if loc else None,
            geo_precision=loc.precision if loc else None,
            feature=loc.feature if loc else None,
            approximate=loc.approximate if loc else False,
            date_start=date.start if date else None,
            date_end=date.end if date else None,
            date_precision=date.precision if date else None,
            date_inferred=date.inferred if date else None,
            status=event.status,
            modality=event.modality,
            attribution_source=attr.source if attr else None,
            attribution_speaker=attr.speaker if attr else None,
            trigger=event.trigger.text,
            trigger_start=event.trigger.span[0],
            trigger_end=event.trigger.span[1],
            evidence=event.evidence.text,
            evidence_start=event.evidence.span[0],
            evidence_end=event.evidence.span[1],
            mentions=len(event.mentions),
            fatalities=_stated_total(event, "killed"),
            injured=_stated_total(event, "injured"),
            historical=event.historical,
            aggregate=event.aggregate,
            confidence=event.confidence,
            extractor_version=event.extractor_version,
        )


class Flag(Record):
    """A document-level problem in the text: malformed or inconsistent numbers, ..."""

    kind: str
    text: str
    span: Span
    message: str


class Source(Record):
    """A source named in the document (outlet, organisation, document, person)."""

    name: str
    kind: Literal["outlet", "organisation", "document", "person", "unknown"] = "unknown"
    text: str
    span: Span


class Toponym(Record):
    """A place mention and its resolution, for `frontwatch geoparse`."""

    doc_id: str
    text: str
    span: Span
    role: PlaceRole = "literal"
    geonameid: int | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature_code: str | None = None
    score: float | None = None


class Document(Record):
    """An input document, as read. ``text`` is what every span points into."""

    id: str
    text: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    path: str | None = Field(None, description="where it was read from")


class DocumentResult(Record):
    """Everything extracted from one document."""

    doc_id: str
    events: list[Event] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    toponyms: list[Toponym] = Field(default_factory=list)


#: No single event's toll of this size or more enters a casualty total or an export's
#: fatalities: it is withheld and flagged, for an analyst to check ("a war that took the lives
#: of over a million people" is not one event's toll).
MAX_EVENT_TOLL = 100_000


def is_background(event: Event) -> bool:
    """Background, not news: a historical event or an aggregate over many events. Such
    records stay out of casualty totals, exports and the map's totals unless asked for."""
    return event.historical or event.aggregate


def event_json_schema() -> dict[str, object]:
    schema = Event.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://frontwatch.invalid/schema/event.schema.json"
    return schema


SCHEMA_PATH = Path(__file__).parent / "schema" / "event.schema.json"


if __name__ == "__main__":  # regenerate the shipped schema
    SCHEMA_PATH.write_text(json.dumps(event_json_schema(), indent=2) + "\n", encoding="utf-8")
    print(SCHEMA_PATH)
