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

from frontwatch.records import Event, QuantityKind

ControlStatus = Literal["held", "contested", "lost"]
MaterielDirection = Literal["gained", "lost", "destroyed"]


class SituationRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourcedValue(SituationRecord):
    """One value as one report states it."""

    doc_id: str
    event_id: str
    outlet: str | None = None
    value: float


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
    precision: str = "day"
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
    evidence: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    timeline: list[ControlChange] = Field(default_factory=list)


class MaterielRecord(SituationRecord):
    """Materiel an actor gained, lost or destroyed (summed over events; best value each)."""

    actor: str
    item: str
    count: float | None = None
    direction: MaterielDirection
    evidence: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)


class DisplacementRecord(SituationRecord):
    """People displaced from a place: how many (low/best/high over sources), when."""

    place: str | None = None
    country: str | None = None
    count: float
    low: float
    high: float
    start: dt.date | None = None
    end: dt.date | None = None
    by: str | None = Field(None, description="the actor who displaced them, when stated")
    evidence: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)


class CasualtyRecord(SituationRecord):
    """People killed and injured in events of one actor at one place (summed, best values)."""

    actor: str | None = Field(None, description="the acting side (actor1); None: not stated")
    place: str | None = None
    country: str | None = None
    killed: float = 0
    injured: float = 0
    evidence: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)


class SourceRecord(SituationRecord):
    """A source behind the situation: an outlet that published reports, or one they cite."""

    name: str
    kind: Literal["outlet", "cited"]
    documents: list[str] = Field(default_factory=list)


class SituationReport(SituationRecord):
    as_of: dt.date | None = None
    country: str | None = None
    control: list[ControlRecord] = Field(default_factory=list)
    materiel: list[MaterielRecord] = Field(default_factory=list)
    displacement: list[DisplacementRecord] = Field(default_factory=list)
    casualties: list[CasualtyRecord] = Field(default_factory=list)
    sources: list[SourceRecord] = Field(default_factory=list)
