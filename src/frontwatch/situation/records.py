"""Typed records of the situation: event clusters across documents and the derived views.

Everything here is computed from :class:`~frontwatch.records.Event` records by pure functions
(:func:`frontwatch.situation.cluster_events`, :func:`frontwatch.situation.build_situation`);
every entry names the events it rests on (``evidence``: event ids) and their clusters
(``clusters``: cluster ids), so that an analyst can go back to the sentences.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from frontwatch.records import Event, QuantityKind, Span, TextSpan

ControlStatus = Literal["held", "contested", "lost"]
MaterielDirection = Literal["gained", "lost", "destroyed", "deployed"]


class SituationRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Quote(SituationRecord):
    """The sentence of a document that states a value: where an analyst checks a row."""

    doc_id: str
    event_id: str
    text: str
    span: Span


class SourcedValue(SituationRecord):
    """One value as one report states it."""

    doc_id: str
    event_id: str
    outlet: str | None = None
    value: float
    at_least: bool = Field(False, description="the text gives a lower bound ('over 1,000')")
    spans: list[Span] = Field(
        default_factory=list, description="the quantities stating it, in the document text"
    )
    quote: TextSpan | None = Field(None, description="the sentence that states it")


class ValueSpread(SituationRecord):
    """The values that the reports of one event give for one quantity, side by side.

    ``low``/``high`` are the extremes over independent sources; ``best`` is their median (a
    source that several near-duplicate documents repeat counts once).
    """

    kind: QuantityKind
    item: str | None = None
    values: list[SourcedValue]
    low: float
    best: float
    high: float
    at_least: bool = Field(False, description="every source gives its value as a lower bound")

    @property
    def conflicting(self) -> bool:
        return self.low != self.high


class Report(SituationRecord):
    """One document's report of a clustered event (one event record of that document)."""

    doc_id: str
    event_id: str
    outlet: str | None = None
    published: dt.date | None = None
    start: dt.date | None = Field(None, description="the event date as this report gives it")
    end: dt.date | None = None
    values: dict[str, float] = Field(
        default_factory=dict, description="quantity key ('killed', 'materiel:tank') -> value"
    )
    at_least: list[str] = Field(
        default_factory=list, description="the keys whose value the text gives as a lower bound"
    )
    spans: dict[str, list[Span]] = Field(
        default_factory=dict, description="quantity key -> the spans of the quantities stating it"
    )
    quotes: dict[str, TextSpan] = Field(
        default_factory=dict, description="quantity key -> the sentence that states it"
    )
    cited: list[str] = Field(
        default_factory=list, description="outlets and organisations the document cites"
    )


class EventCluster(SituationRecord):
    """Reports of one real event across documents.

    ``event`` is the representative event (the most complete report), with its missing actors,
    a vaguer place and an inferred date completed from the other reports. ``sources`` counts
    independent sources: near-duplicate documents and documents of the same outlet count once.
    """

    id: str
    event: Event
    members: list[str] = Field(description="ids of every clustered event, sorted")
    reports: list[Report]
    sources: int
    earliest: dt.date | None = Field(None, description="publication date of the first report")
    first_doc: str | None = Field(None, description="the document of the first report")
    conflicts: dict[str, ValueSpread] = Field(default_factory=dict)


class ControlChange(SituationRecord):
    """One step of a place's timeline."""

    date: dt.date
    precision: str = Field("day", description="of the date: day, week, month, year, range")
    inferred: bool = Field(
        False, description="no date in the text: taken from the publication date"
    )
    controller: str | None
    status: ControlStatus
    by: str | None = Field(None, description="the actor whose action changed the state")
    evidence: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)


class ControlRecord(SituationRecord):
    """Who holds a place as of the report date, since when, and the timeline behind it."""

    place: str
    text: str = Field(description="the place as the text names it")
    geonameid: int | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    controller: str | None
    status: ControlStatus
    since: dt.date
    since_precision: str = "day"
    since_inferred: bool = Field(False, description="the date of the change is inferred")
    evidence: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    timeline: list[ControlChange] = Field(default_factory=list)


class MaterielRecord(SituationRecord):
    """Materiel an actor gained, lost, destroyed or deployed (summed over events; best value
    each). Deployed: troops and equipment sent somewhere (``place``)."""

    actor: str | None = Field(description="the side; None: the text does not say whose")
    item: str
    count: float | None = None
    direction: MaterielDirection
    place: str | None = Field(None, description="where it was deployed")
    evidence: list[str] = Field(default_factory=list, description="the events that state the count")
    clusters: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list, description="the sentences stating it")


class DisplacementRecord(SituationRecord):
    """People displaced: who, from where, by whom, how many (low/best/high over sources),
    when."""

    who: str | None = Field(None, description="the people displaced, as named")
    place: str | None = Field(None, description="the place they fled or were driven from")
    country: str | None = None
    by: str | None = Field(None, description="the actor who displaced them, when stated")
    count: float
    low: float
    high: float
    at_least: bool = Field(False, description="the count is a lower bound ('over 1,000')")
    start: dt.date | None = None
    end: dt.date | None = None
    inferred: bool = Field(False, description="no date in the text: the publication date")
    evidence: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)


class CasualtyRecord(SituationRecord):
    """People killed and injured in conflict events at one place, by whom and among whom
    (summed, best values)."""

    perpetrator: str | None = Field(
        None, description="the side that killed or injured them; None: not stated"
    )
    victims: str | None = Field(
        None, description="whose dead and wounded they are, as the text names them"
    )
    place: str | None = None
    country: str | None = None
    killed: float = 0
    injured: float = 0
    evidence: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)


class WithheldValue(SituationRecord):
    """A value kept out of the totals, and why (a toll too large for one event)."""

    kind: QuantityKind
    value: float
    reason: str
    evidence: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)


class SourceRecord(SituationRecord):
    """A source behind the situation: an outlet that published the reports, or one they cite."""

    name: str
    kind: Literal["outlet", "cited"]
    documents: list[str] = Field(default_factory=list)


class SituationReport(SituationRecord):
    as_of: dt.date | None = Field(None, description="the date asked for; None: everything")
    latest: dt.date | None = Field(None, description="the date of the latest event counted")
    country: str | None = None
    control: list[ControlRecord] = Field(default_factory=list)
    materiel: list[MaterielRecord] = Field(default_factory=list)
    displacement: list[DisplacementRecord] = Field(default_factory=list)
    casualties: list[CasualtyRecord] = Field(default_factory=list)
    withheld: list[WithheldValue] = Field(default_factory=list)
    sources: list[SourceRecord] = Field(default_factory=list)
