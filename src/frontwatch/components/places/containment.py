"""Containment phrases: "Matamoros, Tamaulipas", "Zamora, Michoacán".

A name followed by a comma and the name of a first-level division that holds one of its
readings is a place in that division, whatever the tagger called either name (the small model
reads "Matamoros" as an organisation and "Tamaulipas" as a person). Recognition takes both
names; resolution then reads the pair as it reads any containment phrase (docs/geoparsing.md,
"Containment").
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from .mentions import PlaceMention


def contained_pairs(
    doc: Doc, mentions: Iterable[PlaceMention]
) -> list[tuple[PlaceMention, PlaceMention]]:
    """(place, division) for each mention followed by ", " and a mention whose exact reading is
    a first-level division that holds an exact reading of the first (not a division itself)."""
    by_start = {m.start: m for m in mentions}
    pairs = []
    for m in by_start.values():
        if m.end + 1 >= len(doc) or doc[m.end].text != ",":
            continue
        unit = by_start.get(m.end + 1)
        if unit is None:
            continue
        divisions = {
            (c.place.country, c.place.admin1)
            for c in unit.candidates
            if c.exact and c.place.is_admin1 and c.place.country
        }
        if any(
            c.exact and not c.place.is_area and (c.place.country, c.place.admin1) in divisions
            for c in m.candidates
        ):
            pairs.append((m, unit))
    return pairs


def take_contained(
    doc: Doc,
    found: list[PlaceMention],
    pending: Iterable[list[PlaceMention]],
    taken: set[int],
) -> None:
    """Move the mentions of the ``pending`` lists (names the tagger did not call places) that
    stand in a containment phrase with another mention into ``found``."""
    lists = list(pending)
    free = {
        id(m): m
        for group in lists
        for m in group
        if not any(i in taken for i in range(m.start, m.end))
    }
    keep = {
        id(m)
        for pair in contained_pairs(doc, [*found, *free.values()])
        for m in pair
        if id(m) in free
    }
    for group in lists:
        for m in [m for m in group if id(m) in keep]:
            taken.update(range(m.start, m.end))
            found.append(m)
            group.remove(m)
