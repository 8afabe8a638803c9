"""Materiel ledger per actor: what each side gained, lost, destroyed or deployed, by item.

Counted materiel (quantities of kind ``materiel``) on a factual, settled event goes to the
ledger by the role of the event (docs/situation.md):

* gain (capture, seizure, looting): actor1 gained, actor2 lost;
* destruction: actor1 destroyed, actor2 lost;
* withdrawal (abandoning, handing over): actor1 lost, actor2 gained;
* aid (deliveries): actor2 gained;
* deployment (troops and equipment sent, reinforcements): actor1 deployed them to the event's
  place; troops (quantities of kind ``troops``) count here too.

An event's count is the best value of its cluster (the median over independent sources);
counts of different events add up, and a count that one sentence states counts once even when
several events carry it. Every entry points at the events and the sentences that state its
counts. Unnamed actors are listed under their text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from frontwatch.records import Actor

from .counting import CountedOnce, quotes_of
from .dedup import quantity_key_parts
from .records import EventCluster, MaterielDirection, MaterielRecord
from .roles import (
    Role,
    actor_label,
    combatant,
    event_side,
    fold,
    is_settled,
    role,
    side_labels,
)

_SIDES: dict[Role, tuple[MaterielDirection | None, MaterielDirection | None]] = {
    Role.GAIN: ("gained", "lost"),
    Role.DESTROY: ("destroyed", "lost"),
    Role.WITHDRAW: ("lost", "gained"),
    Role.AID: (None, "gained"),
    Role.DEPLOY: ("deployed", None),
}


def materiel_ledger(
    clusters: Sequence[EventCluster], labels: Mapping[str, str] | None = None
) -> list[MaterielRecord]:
    """The ledger; ``labels`` names the sides (default: from these clusters)."""
    if labels is None:
        labels = side_labels(c.event for c in clusters)
    entries: dict[tuple[str, str, str, str], MaterielRecord] = {}
    counted = CountedOnce()
    for cluster in clusters:
        event = cluster.event
        what = role(event)
        directions = _SIDES.get(what)
        if directions is None or not is_settled(event):
            continue
        kinds = ("materiel", "troops") if what is Role.DEPLOY else ("materiel",)
        for key, spread in cluster.conflicts.items():
            kind, item = quantity_key_parts(key)
            if kind not in kinds or not counted.first(spread):
                continue
            evidence = list(dict.fromkeys(v.event_id for v in spread.values))
            for actor, direction in zip((event.actor1, event.actor2), directions, strict=True):
                if direction is None:
                    continue
                if direction == "deployed":
                    side = event_side(actor, event) if _party(actor) else None
                    place = _place(cluster)
                else:
                    if not _party(actor):
                        continue
                    side, place = event_side(actor, event), None
                label = (labels.get(side) if side else None) or (
                    actor_label(actor) if _party(actor) else None
                )
                name = item or kind
                entry_key = (side or "", fold(name), direction, fold(place or ""))
                entry = entries.get(entry_key)
                if entry is None:
                    entry = entries[entry_key] = MaterielRecord(
                        actor=label, item=name, count=0.0, direction=direction, place=place
                    )
                entry.count = (entry.count or 0.0) + spread.best
                entry.evidence.extend(e for e in evidence if e not in entry.evidence)
                entry.clusters.append(cluster.id)
                entry.quotes.extend(q for q in quotes_of(spread) if q not in entry.quotes)
    return sorted(
        entries.values(),
        key=lambda e: (fold(e.actor or "~"), e.direction, fold(e.item), fold(e.place or "")),
    )


def _party(actor: Actor | None) -> bool:
    return actor is not None and combatant(actor)


def _place(cluster: EventCluster) -> str | None:
    location = cluster.event.location
    return (location.name or location.text) if location is not None else None
