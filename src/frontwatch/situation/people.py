"""People in the situation: who was displaced, from where and by whom; who was killed and
injured, by whom (docs/situation.md).

Whose dead, whose displaced: the noun that a count counts ("30 *civilians*", "12 *soldiers*",
"over one thousand *Christians*") is matched with the event's actors, by their words or, through
the actor dictionary's noun types, by their type ("soldiers" are state forces, as "troops"
are). The matched actor is the victims' side and the other actor the perpetrator; a noun that
matches no actor is listed as the text says it ("people"), and then the acting side (actor1)
is the perpetrator. Nothing is guessed beyond that: an unmatched side is left empty.

Only conflict events count (political violence and protests, not disasters, crime or
statements), never background (``historical``, ``aggregate``), and never a toll of
:data:`~frontwatch.records.MAX_EVENT_TOLL` or more from one event: such a value is withheld
and listed with its evidence, as an analyst would check it before counting it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from frontwatch.records import (
    MAX_EVENT_TOLL,
    STATEMENT_CATEGORIES,
    Actor,
    Event,
    Span,
    is_background,
)

from .counting import CountedOnce, quotes_of
from .dedup import quantity_key_parts
from .records import (
    CasualtyRecord,
    DisplacementRecord,
    EventCluster,
    SourcedValue,
    ValueSpread,
    WithheldValue,
)
from .roles import actor_label, combatant, fold, is_factual, side

#: The categories whose killed and injured are conflict casualties.
CONFLICT = frozenset({"political_violence", "protest"})

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class Sides:
    """Whose a count is (``victims``) and who caused it (``perpetrator``), with how sure."""

    victims: str | None
    perpetrator: str | None
    victims_actor: Actor | None
    matched: bool  # the counted noun matched one of the event's actors


def counted_noun(
    spread: ValueSpread, event: Event, siblings: Iterable[ValueSpread] = ()
) -> str | None:
    """The head noun a count counts ("at least 30 civilians" -> "civilians"), from the
    representative event's own statement when it has one. A count without a noun shares the
    noun of another count of its sentence ("killing 10 civilians and wounding 54"): the
    ``siblings`` are the other spreads of the event."""
    own = _noun(spread, event)
    if own is not None:
        return own
    sentence = _quote_of(spread, event)
    for other in siblings:
        if other is not spread and sentence is not None and _quote_of(other, event) == sentence:
            noun = _noun(other, event)
            if noun is not None:
                return noun
    return None


def _own_first(spread: ValueSpread, event: Event) -> list[SourcedValue]:
    return sorted(spread.values, key=lambda v: v.event_id != event.id)


def _quote_of(spread: ValueSpread, event: Event) -> Span | None:
    for value in _own_first(spread, event):
        if value.quote is not None:
            return value.quote.span
    return None


def _noun(spread: ValueSpread, event: Event) -> str | None:
    for value in _own_first(spread, event):
        quote = value.quote
        for start, end in value.spans:
            if quote is not None and quote.span[0] <= start and end <= quote.span[1]:
                text = quote.text[start - quote.span[0] : end - quote.span[0]]
                words = _WORD.findall(text)
                if words:
                    return str(words[-1])
    return None


def _matches(noun: str, actor: Actor) -> tuple[bool, bool]:
    """(by its words, by its type) whether ``actor`` is what ``noun`` counts."""
    folded = fold(noun)
    words = {w for name in (actor.text, actor.name or "") for w in fold(name).split()}
    by_words = folded in words or folded.rstrip("s") in {w.rstrip("s") for w in words}
    noun_type = _noun_types().get(folded)
    return by_words, noun_type is not None and noun_type == actor.type


@lru_cache(maxsize=1)
def _noun_types() -> Mapping[str, str]:
    """The actor component's noun -> actor type table ("soldiers" -> state forces), made from
    ``data/lexicon/actor_words.json``: the situation reads nouns as extraction does.

    Imported on first use: the actor component's module loads spaCy, which only the
    casualty and displacement views need.
    """
    from frontwatch.components.actors.mentions import NOUN_TYPES

    return NOUN_TYPES


def sides_of(event: Event, noun: str | None) -> Sides:
    """Victims and perpetrator of a count of ``noun`` in ``event`` (see the module doc)."""
    parties = [a for a in (event.actor1, event.actor2) if a is not None and a.role == "party"]
    matched: Actor | None = None
    if noun is not None:
        for level in (0, 1):  # words first, then type
            hits = [a for a in parties if _matches(noun, a)[level]]
            if len(hits) == 1:
                matched = hits[0]
                break
            if hits:
                break  # both actors fit: say nothing
    if matched is not None:
        others = [a for a in parties if a is not matched and combatant(a)]
        perpetrator = actor_label(others[0]) if others else None
        return Sides(actor_label(matched), perpetrator, matched, True)
    actor1 = event.actor1 if event.actor1 is not None and event.actor1.role == "party" else None
    return Sides(noun, actor_label(actor1) if combatant(actor1) else None, None, False)


def _counts(event: Event) -> bool:
    return (
        is_factual(event)
        and not is_background(event)
        and event.category not in STATEMENT_CATEGORIES
        and event.status not in ("failed", "attempted")
    )


def _withhold(cluster: EventCluster, spread: ValueSpread) -> WithheldValue:
    return WithheldValue(
        kind=spread.kind,
        value=spread.best,
        reason=f"one event's toll of {MAX_EVENT_TOLL:,} or more: check it before counting it",
        evidence=list(dict.fromkeys(v.event_id for v in spread.values)),
        clusters=[cluster.id],
        quotes=quotes_of(spread),
    )


def casualties(
    clusters: Sequence[EventCluster],
) -> tuple[list[CasualtyRecord], list[WithheldValue]]:
    """Killed and injured by place, perpetrator and victims, summed over conflict events; and
    the values withheld."""
    candidates: list[tuple[tuple[int, float, int], EventCluster, str, ValueSpread, Sides]] = []
    for order, cluster in enumerate(clusters):
        event = cluster.event
        if not _counts(event) or event.category not in CONFLICT:
            continue
        for key, spread in cluster.conflicts.items():
            kind = quantity_key_parts(key)[0]
            if kind not in ("killed", "injured"):
                continue
            noun = counted_noun(spread, event, cluster.conflicts.values())
            found = sides_of(event, noun)
            rank = (-(found.matched + (found.perpetrator is not None)), -event.confidence, order)
            candidates.append((rank, cluster, kind, spread, found))
    candidates.sort(key=lambda c: c[0])
    table: dict[tuple[str, str, str], CasualtyRecord] = {}
    withheld: list[WithheldValue] = []
    counted = CountedOnce()
    for _, cluster, kind, spread, found in candidates:
        if not counted.first(spread):
            continue  # a number that one sentence states, already counted with another event
        if spread.best >= MAX_EVENT_TOLL:
            withheld.append(_withhold(cluster, spread))
            continue
        location = cluster.event.location
        place = (location.name or location.text) if location else None
        row = (fold(place or ""), fold(found.perpetrator or ""), fold(found.victims or ""))
        record = table.get(row)
        if record is None:
            record = table[row] = CasualtyRecord(
                perpetrator=found.perpetrator,
                victims=found.victims,
                place=place,
                country=location.country if location else None,
            )
        if kind == "killed":
            record.killed += spread.best
        else:
            record.injured += spread.best
        _cite(record.evidence, dict.fromkeys(v.event_id for v in spread.values))
        _cite(record.clusters, [cluster.id])
        record.quotes.extend(q for q in quotes_of(spread) if q not in record.quotes)
    records = sorted(
        table.values(),
        key=lambda r: (fold(r.place or ""), fold(r.perpetrator or ""), fold(r.victims or "")),
    )
    return records, withheld


def displacement(clusters: Sequence[EventCluster]) -> list[DisplacementRecord]:
    """People displaced, one entry per event: who, from where, by whom, how many."""
    by_doc: dict[str, list[EventCluster]] = {}
    for cluster in clusters:
        for doc_id in dict.fromkeys(r.doc_id for r in cluster.reports):
            by_doc.setdefault(doc_id, []).append(cluster)
    candidates = []
    for order, cluster in enumerate(clusters):
        spread = cluster.conflicts.get("displaced")
        event = cluster.event
        if spread is None or not _counts(event):
            continue
        found = sides_of(event, counted_noun(spread, event))
        by = _displacer(cluster, found, by_doc)
        rank = (-(found.matched + (by is not None)), -event.confidence, order)
        candidates.append((rank, cluster, spread, found, by))
    candidates.sort(key=lambda c: c[0])
    out: list[tuple[int, DisplacementRecord]] = []
    counted = CountedOnce()
    for (_, _, order), cluster, spread, found, by in candidates:
        if not counted.first(spread):
            continue
        event = cluster.event
        location = event.location
        date = event.date
        record = DisplacementRecord(
            who=found.victims,
            place=(location.name or location.text) if location else None,
            country=location.country if location else None,
            by=by,
            count=spread.best,
            low=spread.low,
            high=spread.high,
            at_least=spread.at_least,
            start=date.start if date else None,
            end=date.end if date else None,
            inferred=bool(date and date.start and date.inferred),
            evidence=list(dict.fromkeys(v.event_id for v in spread.values)),
            clusters=[cluster.id],
            quotes=quotes_of(spread),
        )
        out.append((order, record))
    return [record for _, record in sorted(out, key=lambda item: item[0])]


def _displacer(
    cluster: EventCluster, found: Sides, by_doc: dict[str, list[EventCluster]]
) -> str | None:
    """Who displaced them: the event's own armed actor1 (not the displaced themselves), else
    the armed actor1 of an event of the same document done to the same people ("expel
    Christians from Mosul" for "over one thousand Christians are fleeing"), when the displaced
    are a named group (not "people")."""
    event = cluster.event
    if combatant(event.actor1) and event.actor1 is not found.victims_actor:
        return actor_label(event.actor1)
    displaced = found.victims_actor
    if displaced is None or displaced.name is None:
        return None  # "people" names no group: the same word is not the same people
    key = side(displaced)
    place = _place_key(event)
    for doc_id in dict.fromkeys(r.doc_id for r in cluster.reports):
        for other in by_doc.get(doc_id, []):
            cause = other.event
            if other is cluster or not is_factual(cause) or not combatant(cause.actor1):
                continue
            if cause.actor2 is None or side(cause.actor2) != key:
                continue
            if place is not None and _place_key(cause) not in (None, place):
                continue
            return actor_label(cause.actor1)
    return None


def _place_key(event: Event) -> str | None:
    location = event.location
    return fold(location.name or location.text) if location is not None else None


def _cite(into: list[str], items: Iterable[str]) -> None:
    into.extend(item for item in items if item not in into)
