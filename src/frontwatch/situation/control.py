"""Control of places over time: a small state machine over territorial events.

Each place (a precise point: a town, a crossing, an airport, a gas field; never a country or a
province) has a state: who holds it (``controller``), ``status`` held / contested / lost, and
``since``. Factual, settled events at the place move it, in date order (docs/situation.md):

* gain (capture, retake, fall, seizure) completed: held by actor1 since the event date; the
  same holder again only adds evidence;
* a holding told in the present ("rebels still hold the town"): as a completed gain, but by
  the holder only evidence (a contested place stays contested);
* gain still ongoing, a gain of only part of the place (a district or a building placed at its
  town: "recaptured the Gogjali neighbourhood" of Mosul), or an ongoing attack by someone
  other than the holder: contested (the holder stays; with no known holder, the attacked
  actor2 is the holder);
* withdrawal (retreat, pull-out, handover, surrender) by the holder or at a place of unknown
  holder: lost by actor1, or held by actor2 when actor1 hands it over; a withdrawal by the
  attackers of a contested place ends the contest: held again by the holder.

Events on the same day apply attacks first, then withdrawals, then gains (the outcome last).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from frontwatch.records import Actor, Location

from .records import ControlChange, ControlRecord, ControlStatus, EventCluster
from .roles import (
    Role,
    actor_label,
    combatant,
    fold,
    holdable,
    holding,
    is_settled,
    role,
    side,
    side_labels,
)

logger = logging.getLogger(__name__)

_RANK = {Role.ATTACK: 0, Role.WITHDRAW: 1, Role.GAIN: 2}


@dataclass
class _Step:
    date: dt.date
    precision: str
    inferred: bool
    role: Role
    ongoing: bool
    actor1: Actor | None
    actor2: Actor | None
    event_id: str
    cluster_id: str
    country: str | None = None
    holding: bool = False  # a holding told in the present ("still hold the town")


@dataclass
class _State:
    controller: str | None = None
    side: str | None = None
    status: ControlStatus | None = None
    since: dt.date | None = None
    precision: str = "day"
    inferred: bool = False
    timeline: list[ControlChange] = field(default_factory=list)

    def move(
        self,
        step: _Step,
        controller: str | None,
        controller_side: str | None,
        status: ControlStatus,
        by: Actor | None,
    ) -> None:
        if (controller_side, status) == (self.side, self.status) and self.timeline:
            self.evidence(step)
            return
        self.controller, self.side, self.status = controller, controller_side, status
        self.since, self.precision, self.inferred = step.date, step.precision, step.inferred
        self.timeline.append(
            ControlChange(
                date=step.date,
                precision=step.precision,
                inferred=step.inferred,
                controller=controller,
                status=status,
                by=actor_label(by),
                evidence=[step.event_id],
                clusters=[step.cluster_id],
            )
        )

    def evidence(self, step: _Step) -> None:
        last = self.timeline[-1]
        if step.event_id not in last.evidence:
            last.evidence.append(step.event_id)
        if step.cluster_id not in last.clusters:
            last.clusters.append(step.cluster_id)


def place_key(location: Location) -> str:
    if location.geonameid is not None:
        return f"id:{location.geonameid}"
    return f"name:{fold(location.name or location.text)}|{location.country or ''}"


def control_records(
    clusters: Sequence[EventCluster],
    as_of: dt.date | None = None,
    labels: Mapping[str, str] | None = None,
) -> list[ControlRecord]:
    """The state of every place touched by territorial events, as of ``as_of`` (default: all).

    ``labels`` names the sides (:func:`~frontwatch.situation.roles.side_labels`; default: from
    these clusters).
    """
    if labels is None:
        labels = side_labels(c.event for c in clusters)
    steps: dict[str, list[_Step]] = {}
    places: dict[str, Location] = {}
    for cluster in clusters:
        step = _step(cluster)
        location = cluster.event.location
        if step is None or location is None or (as_of is not None and step.date > as_of):
            continue
        key = place_key(location)
        steps.setdefault(key, []).append(step)
        current = places.get(key)
        if current is None or _place_rank(location) < _place_rank(current):
            places[key] = location
    records = []
    for key, place_steps in steps.items():
        place_steps.sort(key=lambda s: (s.date, _RANK[s.role], s.cluster_id))
        state = _run(place_steps, labels)
        if state.status is None or state.since is None:
            continue
        location = places[key]
        last = state.timeline[-1]
        records.append(
            ControlRecord(
                place=location.name or location.text,
                text=location.text,
                geonameid=location.geonameid,
                country=location.country,
                admin1=location.admin1,
                lat=location.lat,
                lon=location.lon,
                controller=state.controller,
                status=state.status,
                since=state.since,
                since_precision=state.precision,
                since_inferred=state.inferred,
                evidence=list(last.evidence),
                clusters=list(last.clusters),
                timeline=state.timeline,
            )
        )
    records.sort(key=lambda r: (r.country or "", fold(r.place)))
    return records


def _place_rank(location: Location) -> tuple[bool, bool]:
    """The location that names a place best: with a GeoNames id, the place itself."""
    return (location.geonameid is None, location.precision != 1)


def part_of_place(location: Location | None) -> bool:
    """A district, neighbourhood or building placed at its town (precision 2, the text naming
    something else than the town): taking it is taking part of the town."""
    if location is None or location.precision != 2 or location.name is None:
        return False
    whole = location.model_copy(update={"precision": 1})
    return holdable(whole) and fold(location.text) != fold(location.name)


def _step(cluster: EventCluster) -> _Step | None:
    event = cluster.event
    partial = part_of_place(event.location)
    if not is_settled(event) or not (holdable(event.location) or partial):
        return None
    what = role(event)
    if what not in _RANK or not combatant(event.actor1):
        return None
    holds = holding(event)  # "still hold": held, not contested
    ongoing = event.status == "ongoing" and not holds
    if what is Role.ATTACK and not ongoing:
        return None  # a raid that is over does not change who holds the place
    if partial and what is not Role.GAIN:
        return None  # a retreat from a district, fighting in one: the town's state stays
    date = event.date
    if date is not None and date.start is not None:
        day, precision, inferred = date.start, date.precision, date.inferred
    elif cluster.earliest is not None:
        day, precision, inferred = cluster.earliest, "day", True
    else:
        return None
    return _Step(
        date=day,
        precision=precision,
        inferred=inferred,
        role=what,
        ongoing=ongoing or partial,  # part of the place taken: contested, not flipped
        holding=holds,
        actor1=event.actor1,
        actor2=event.actor2,
        event_id=event.id,
        cluster_id=cluster.id,
        country=event.location.country if event.location else None,
    )


def _run(steps: Sequence[_Step], labels: Mapping[str, str]) -> _State:
    state = _State()

    def name(key: str | None) -> str | None:
        return labels.get(key) if key is not None else None

    for step in steps:
        actor, actor_side = step.actor1, side(step.actor1, step.country)
        other_side = side(step.actor2, step.country)
        held_by = state.side if state.status in ("held", "contested") else None
        if step.holding and actor_side == held_by:
            state.evidence(step)  # the holder still holds it: contested or not, it stays so
        elif step.role is Role.GAIN and not step.ongoing:
            state.move(step, name(actor_side), actor_side, "held", actor)
        elif step.role in (Role.GAIN, Role.ATTACK):
            if actor_side == held_by and state.status == "held":
                continue  # the holder fighting at its own place
            holder: str | None
            if held_by is not None:
                holder = held_by
            elif combatant(step.actor2) and other_side != actor_side:
                holder = other_side  # the attacked side held it
            else:
                holder = None
            state.move(step, name(holder), holder, "contested", actor)
        elif step.role is Role.WITHDRAW:
            if held_by is None or actor_side == held_by:
                if combatant(step.actor2) and other_side != actor_side:
                    state.move(step, name(other_side), other_side, "held", actor)  # handed over
                else:
                    state.move(step, name(actor_side), actor_side, "lost", actor)
            elif state.status == "contested":
                state.move(step, state.controller, state.side, "held", actor)  # attackers left
    return state
