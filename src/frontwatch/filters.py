"""Event filters shared by the store, queries, exports and the HTTP API.

One typed object, validated once, so that every caller filters the same way:

>>> f = EventFilter(start="2014-07-01", country="iq", bbox=(38.0, 29.0, 49.0, 38.0))
>>> f.start, f.country
(datetime.date(2014, 7, 1), 'IQ')
"""

from __future__ import annotations

import datetime as dt
import math

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .records import Event


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``"min_lon,min_lat,max_lon,max_lat"`` to four finite numbers; ValueError otherwise.

    Callers (CLI options, API parameters) word their own error; the range is checked by
    :class:`EventFilter`."""
    numbers = [float(part) for part in value.split(",")]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise ValueError("expected four finite numbers min_lon,min_lat,max_lon,max_lat")
    return numbers[0], numbers[1], numbers[2], numbers[3]


class EventFilter(BaseModel):
    """Which events to keep. Every field is optional; all given fields must hold.

    * ``start``/``end``: the event's date interval overlaps ``[start, end]`` (events without a
      resolved date are kept only when no date bound is given);
    * ``country``: ISO 3166-1 alpha-2 of the event's location;
    * ``actor``: case-insensitive substring of either actor's canonical name or text (members
      included);
    * ``event_type``: an ACLED event type ("Battles"), ACLED sub-type ("Air/drone strike"), PLOVER
      type ("FIGHT") or category ("protest"), case-insensitive;
    * ``bbox``: ``(min_lon, min_lat, max_lon, max_lat)`` containing the event's location;
    * ``modality``: allowed modalities (default: any);
    * ``min_sources``: at least this many independent sources (needs the store's clusters;
      callers without source counts ignore it).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: dt.date | None = None
    end: dt.date | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    actor: str | None = Field(None, min_length=1, max_length=200)
    event_type: str | None = Field(None, min_length=1, max_length=100)
    bbox: tuple[float, float, float, float] | None = None
    modality: frozenset[str] | None = None
    min_sources: int | None = Field(None, ge=1)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @field_validator("bbox")
    @classmethod
    def _bbox(
        cls, value: tuple[float, float, float, float] | None
    ) -> tuple[float, float, float, float] | None:
        if value is None:
            return value
        min_lon, min_lat, max_lon, max_lat = value
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise ValueError("bbox must be min_lon,min_lat,max_lon,max_lat within the globe")
        return value

    @model_validator(mode="after")
    def _range(self) -> EventFilter:
        if self.start and self.end and self.start > self.end:
            raise ValueError("start is after end")
        return self

    def matches(self, event: Event, sources: int | None = None) -> bool:
        """Whether ``event`` passes; ``sources`` is its number of independent sources."""
        if self.start or self.end:
            date = event.date
            if date is None or date.start is None or date.end is None:
                return False
            if self.start and date.end < self.start:
                return False
            if self.end and date.start > self.end:
                return False
        loc = event.location
        if self.country and (loc is None or loc.country != self.country):
            return False
        if self.bbox:
            if loc is None or loc.lat is None or loc.lon is None:
                return False
            min_lon, min_lat, max_lon, max_lat = self.bbox
            if not (min_lon <= loc.lon <= max_lon and min_lat <= loc.lat <= max_lat):
                return False
        if self.actor and not self._actor_matches(event):
            return False
        if self.event_type and not self._type_matches(event):
            return False
        if self.modality is not None and event.modality not in self.modality:
            return False
        return not (self.min_sources and sources is not None and sources < self.min_sources)

    def _actor_matches(self, event: Event) -> bool:
        needle = (self.actor or "").casefold()
        for actor in (event.actor1, event.actor2):
            if actor is None:
                continue
            for one in (actor, *actor.members):
                if needle in (one.name or "").casefold() or needle in one.text.casefold():
                    return True
        return False

    def _type_matches(self, event: Event) -> bool:
        wanted = (self.event_type or "").casefold()
        names = [event.category, event.plover.type if event.plover else None]
        if event.acled:
            names += [event.acled.event_type, event.acled.sub_event_type]
        return any(name is not None and name.casefold() == wanted for name in names)
