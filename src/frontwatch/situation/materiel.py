"""Materiel ledger per actor: what each side gained, lost or destroyed, by item.

Counted materiel (quantities of kind ``materiel``) on a factual, settled event goes to the
ledger by the role of the event (docs/situation.md):

* gain (capture, seizure, looting): actor1 gained, actor2 lost;
* destruction: actor1 destroyed, actor2 lost;
* withdrawal (abandoning, handing over): actor1 lost, actor2 gained;
* aid (deliveries): actor2 gained.

An event's count is the best value of its cluster (the median over independent sources);
counts of different events add up. Unnamed actors are listed under their text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from frontwatch.records import Actor

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
}


def materiel_ledger(
    clusters: Sequence[EventCluster], labels: Mapping[str, str] | None = None
) -> list[MaterielRecord]:
    """The ledger; ``labels`` names the sides (default: from these clusters)."""
    if labels is None:
        labels = side_labels(c.event for c in clusters)
    entries: dict[tuple[str, str, str], MaterielRecord] = {}
    for cluster in clusters:
        event = cluster.event
        directions = _SIDES.get(role(event))
        if directions is None or not is_settled(event):
            continue
        for key, spread in cluster.conflicts.items():
            kind, item = quantity_key_parts(key)
            if kind != "materiel":
                continue
            for actor, direction in zip((event.actor1, event.actor2), directions, strict=True):
                if direction is None or not _party(actor):
                    continue
                key = event_side(actor, event) or ""
                label = labels.get(key) or actor_label(actor) or ""
                name = item or "materiel"
                entry_key = (key, fold(name), direction)
                entry = entries.get(entry_key)
                if entry is None:
                    entry = entries[entry_key] = MaterielRecord(
                        actor=label, item=name, count=0.0, direction=direction
                    )
                entry.count = (entry.count or 0.0) + spread.best
                entry.evidence.append(event.id)
                entry.clusters.append(cluster.id)
    return sorted(entries.values(), key=lambda e: (fold(e.actor), e.direction, fold(e.item)))


def _party(actor: Actor | None) -> bool:
    return actor is not None and combatant(actor)
