"""Cross-document deduplication: reports of one real event merge into an :class:`EventCluster`.

Two event records are reports of the same event when (docs/situation.md):

* they have the same type family (:func:`frontwatch.situation.roles.family`) and are both
  factual or both not (a denial never merges with the claim it denies), and neither is a failed
  or attempted action unless both are;
* their actors are compatible, actor1 with actor1 and actor2 with actor2 (either way round for
  armed clashes): the same canonical name, state forces of the same country, or one unnamed
  ("gunmen", "troops") of a compatible type and country, or one absent;
* their places are compatible within the precision of the vaguer one: the same GeoNames id, or
  within 25 km (precision 1) or 50 km or the same province (precision 2), or inside the
  province or country of a precision-3 place; an absent place matches any;
* their dates overlap, allowing one day around a stated day and six days around an inferred
  date (no date expression in the text); an absent date matches any;
* and at least two of actor1, place and date are known on both sides and agree (named actors,
  town-level places or the same province, dates): an absent value never contradicts, but
  alone it proves nothing.

Clustering is greedy and complete-linkage: events are taken in date order, and an event joins
the first cluster all of whose members it is compatible with. The result does not depend on
the order of the input documents beyond ties, which are broken by document order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import statistics
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from frontwatch.lexicon import words
from frontwatch.records import (
    Actor,
    Document,
    DocumentResult,
    Event,
    EventDate,
    Location,
    Quantity,
    Span,
    TextSpan,
    Toponym,
)

from .records import EventCluster, Report, SourcedValue, ValueSpread
from .roles import Role, family, fold, holdable, is_factual, is_settled, role, side, unknown

logger = logging.getLogger(__name__)

NEAR_KM = 25.0
AREA_KM = 50.0
DAY_SLACK = dt.timedelta(days=1)
INFERRED_SLACK = dt.timedelta(days=6)
WINDOW = dt.timedelta(days=45)  # clusters older than this before an event are not compared
AGREEMENTS = 2  # of actor, place and date, how many must be known on both sides and agree
COUNTED_KINDS = frozenset({"killed", "injured", "displaced", "detained", "materiel", "troops"})
CITED_KINDS = frozenset({"outlet", "organisation", "document"})
_PRECISION_RANK = {"day": 0, "week": 1, "range": 2, "month": 3, "year": 4, "unknown": 5}
_ADMIN_WORDS = words("situation_words", "division_words")


@dataclass
class _Item:
    """One event record with what clustering needs to know about it."""

    event: Event
    document: Document
    order: tuple[int, int]
    location: Location | None
    family: str
    factual: bool
    settled: bool
    window: tuple[dt.date, dt.date] | None
    cited: list[str] = field(default_factory=list)


def cluster_events(
    results: Sequence[tuple[Document, DocumentResult]],
    duplicates: Mapping[str, str] | None = None,
    *,
    together: Sequence[Sequence[str]] = (),
    apart: Collection[str] = (),
) -> list[EventCluster]:
    """Merge the reports of the same real event across documents (see the module doc).

    ``duplicates`` maps a near-duplicate document id to the document it copies (the store's
    ``duplicates()``): such documents, and documents of the same outlet, count as one source.
    An analyst's decisions come last and win: each event of ``apart`` is taken out of its
    cluster into one of its own, then the clusters holding the events of each group of
    ``together`` become one (event ids not among the results are ignored).
    Clusters come out in date order; their ids are hashes of their sorted member event ids.
    """
    items = _items(results)
    items.sort(key=_sort_key)
    blocks: dict[tuple[str, bool], list[list[_Item]]] = {}
    for item in items:
        candidates = blocks.setdefault((item.family, item.factual), [])
        home = None
        for members in reversed(candidates):
            if _too_old(members, item):
                break
            if all(_compatible(item, member) for member in members):
                home = members
                break
        if home is None:
            candidates.append([item])
        else:
            home.append(item)
    groups = [members for block in blocks.values() for members in block]
    if together or apart:
        groups = _constrain(groups, together, apart)
    clusters = [_cluster(members, duplicates or {}) for members in groups]
    clusters.sort(key=_cluster_key)
    logger.debug("%s events in %s clusters", len(items), len(clusters))
    return clusters


def _constrain(
    groups: list[list[_Item]], together: Sequence[Sequence[str]], apart: Collection[str]
) -> list[list[_Item]]:
    """The groups with the events of ``apart`` alone and each set of ``together`` joined."""
    out: list[list[_Item]] = []
    for members in groups:
        alone = [m for m in members if m.event.id in apart]
        rest = [m for m in members if m.event.id not in apart]
        out.extend([m] for m in alone)
        if rest:
            out.append(rest)
    for ids in together:
        wanted = set(ids)
        joined = [g for g in out if any(m.event.id in wanted for m in g)]
        if len(joined) < 2:
            continue
        out = [g for g in out if not any(g is j for j in joined)]
        out.append([m for g in joined for m in g])
    return out


# -- items -----------------------------------------------------------------------------------


def _items(results: Sequence[tuple[Document, DocumentResult]]) -> list[_Item]:
    items: list[_Item] = []
    for d, (document, result) in enumerate(results):
        cited = sorted({s.name for s in result.sources if s.kind in CITED_KINDS})
        places = refined_locations(result.events, result.toponyms)
        for e, event in enumerate(result.events):
            items.append(
                _Item(
                    event=event,
                    document=document,
                    order=(d, e),
                    location=places.get(event.id, event.location),
                    family=family(event),
                    factual=is_factual(event),
                    settled=is_settled(event),
                    window=_window(event.date),
                    cited=cited,
                )
            )
    return items


def refined_locations(
    events: Sequence[Event], toponyms: Sequence[Toponym] = ()
) -> dict[str, Location]:
    """Places for events whose own place is missing or vague, from their sentence.

    * An event without a place takes the first precise place (a town, not a country or a
      province) that its sentence names ("the army seized Saraqib on Saturday").
    * "X attacked the gas field east of Homs and captured it": the capture's own place is the
      vague "Homs" (the pronoun has no place); the attack by the same actor in the same
      sentence names the precise place, which the capture takes.
    """
    out: dict[str, Location] = {}
    for event in events:
        if event.location is None:
            found = _sentence_place(event, toponyms)
            if found is not None:
                out[event.id] = found
                continue
        if holdable(event.location) or role(event) is not Role.GAIN:
            continue
        for other in events:
            if (
                other.id != event.id
                and other.evidence.span == event.evidence.span
                and role(other) is Role.ATTACK
                and holdable(other.location)
                and side(other.actor1) == side(event.actor1)
                and other.location is not None
            ):
                out[event.id] = other.location
                break
    return out


def _sentence_place(event: Event, toponyms: Sequence[Toponym]) -> Location | None:
    start, end = event.evidence.span
    for toponym in toponyms:
        if toponym.role != "literal" or toponym.geonameid is None:
            continue
        if not (start <= toponym.span[0] and toponym.span[1] <= end):
            continue
        location = Location(
            text=toponym.text,
            span=toponym.span,
            name=toponym.name,
            geonameid=toponym.geonameid,
            lat=toponym.lat,
            lon=toponym.lon,
            country=toponym.country,
            admin1=toponym.admin1,
            feature=toponym.feature_code,
            precision=1,
        )
        if holdable(location):
            return location  # the first point named: the object, before "in X province"
    return None


def _window(date: EventDate | None) -> tuple[dt.date, dt.date] | None:
    if date is None or date.start is None:
        return None
    end = date.end or date.start
    if date.inferred:
        return date.start - INFERRED_SLACK, end + INFERRED_SLACK
    if date.precision == "day":
        return date.start, end + DAY_SLACK  # two stated days match when a day apart
    return date.start, end


def _sort_key(item: _Item) -> tuple[int, dt.date, tuple[int, int]]:
    if item.window is None:
        return (1, dt.date.max, item.order)
    return (0, item.window[0], item.order)


def _too_old(members: list[_Item], item: _Item) -> bool:
    if item.window is None:
        return False
    ends = [m.window[1] for m in members if m.window is not None]
    return bool(ends) and len(ends) == len(members) and max(ends) + WINDOW < item.window[0]


# -- compatibility ---------------------------------------------------------------------------


def _compatible(a: _Item, b: _Item) -> bool:
    if a.family != b.family or a.factual != b.factual or a.settled != b.settled:
        return False
    if (
        a.window is not None
        and b.window is not None
        and (a.window[0] > b.window[1] or b.window[0] > a.window[1])
    ):
        return False
    if not places_compatible(a.location, b.location):
        return False
    x, y = a.event, b.event
    if actors_compatible(x.actor1, y.actor1) and actors_compatible(x.actor2, y.actor2):
        same = _same_actor(x.actor1, y.actor1)
    elif (
        x.acled is not None
        and x.acled.sub_event_type == "Armed clash"
        and actors_compatible(x.actor1, y.actor2)
        and actors_compatible(x.actor2, y.actor1)
    ):
        same = _same_actor(x.actor1, y.actor2)
    else:
        return False
    return same + _same_place(a.location, b.location) + _both_dated(a, b) >= AGREEMENTS


def _same_actor(a: Actor | None, b: Actor | None) -> bool:
    """Positive evidence: both actors known by name (compatible ones, already checked)."""
    return a is not None and b is not None and bool(a.name) and bool(b.name)


def _same_place(a: Location | None, b: Location | None) -> bool:
    """Positive evidence: both places known at town level (compatible ones, already checked), or
    both the same first-level division."""
    if a is None or b is None:
        return False
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    if _is_admin1(a) and _is_admin1(b):  # the same province (its row has no GeoNames id)
        return _admin_key(a) is not None and _admin_key(a) == _admin_key(b)
    return (a.precision or 1) <= 2 and (b.precision or 1) <= 2


def _both_dated(a: _Item, b: _Item) -> bool:
    return a.window is not None and b.window is not None


def actors_compatible(a: Actor | None, b: Actor | None) -> bool:
    """Same canonical name, state forces of one country, or one unnamed/absent and compatible."""
    if unknown(a) or unknown(b) or a is None or b is None:
        return True
    if a.role == "place" or b.role == "place":
        return True  # a place named as the target: says nothing about the party
    if a.members or b.members:
        left = a.members or [a]
        right = b.members or [b]
        return any(actors_compatible(m, n) for m in left for n in right)
    if a.name and b.name:
        return a.name == b.name or (side(a) == side(b) and side(a) is not None)
    if a.type and b.type and a.type != b.type:
        return False
    if a.country and b.country and a.country != b.country:
        return False
    if not a.name and not b.name and a.type is None and b.type is None:
        return fold(a.text) == fold(b.text)
    return True


def places_compatible(a: Location | None, b: Location | None) -> bool:
    """Within the precision of the vaguer place (see the module doc)."""
    if a is None or b is None:
        return True
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if _is_country(a) or _is_country(b):
        return True
    coarse = max(a.precision or 1, b.precision or 1)
    same_admin = _admin_key(a) is not None and _admin_key(a) == _admin_key(b)
    if coarse == 3 or _is_admin1(a) or _is_admin1(b):
        return same_admin or _admin_key(a) is None or _admin_key(b) is None
    distance = _distance(a, b)
    if coarse == 2:
        return same_admin or (distance is not None and distance <= AREA_KM)
    if distance is not None:
        return distance <= NEAR_KM
    return fold(a.name or a.text) == fold(b.name or b.text)


def _is_country(location: Location) -> bool:
    return (location.feature or "").startswith("PCL") or (
        location.precision == 3 and location.admin1 is None
    )


def _is_admin1(location: Location) -> bool:
    return (location.feature or "") == "ADM1"


def _admin_key(location: Location) -> str | None:
    if location.admin1 is None:
        return None
    words = [w for w in fold(location.admin1).replace("-", " ").split() if w not in _ADMIN_WORDS]
    return " ".join(words) or None


def _distance(a: Location, b: Location) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


# -- sources ---------------------------------------------------------------------------------


def _source_groups(reports: Sequence[Report], duplicates: Mapping[str, str]) -> dict[str, str]:
    """Document id -> a key shared by the documents of one source among these reports.

    Two reports are one source when they come from the same outlet or when one document is a
    near-duplicate of the other (or both copy a third). Computed within a cluster: an outlet
    that republishes a wire story is one source with the wire for that story only.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    for report in reports:
        doc = "doc:" + report.doc_id
        original, seen = report.doc_id, {report.doc_id}
        while original in duplicates and duplicates[original] not in seen:
            original = duplicates[original]
            seen.add(original)
        union(doc, "doc:" + original)
        if report.outlet:
            union(doc, "outlet:" + fold(report.outlet))
    return {r.doc_id: find("doc:" + r.doc_id) for r in reports}


# -- clusters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stated:
    """The value an event gives for one quantity key, and where the text states it."""

    value: float
    at_least: bool
    spans: list[Span]
    quote: TextSpan


def quantity_value(quantity: Quantity) -> float | None:
    """The number a quantity counts for: its count, else the lower bound of an open range
    ("over one thousand": 1000); None for a vague one ("dozens", "several")."""
    if quantity.count is not None:
        return quantity.count
    if quantity.low is not None and quantity.high is None:
        return quantity.low
    return None


def quantity_key(quantity: Quantity) -> str:
    return quantity.kind if quantity.item is None else f"{quantity.kind}:{quantity.item}"


def stated_values(event: Event) -> dict[str, Stated]:
    """The counted quantities of ``event`` by key (``killed``, ``materiel:tank``).

    Quantities stated in one sentence add up ("3 soldiers and 2 civilians"); a count restated
    in another sentence of the event (headline and body) counts once: the largest sentence
    total is the event's value. The quote is that sentence.
    """
    sentences = [m.evidence for m in event.mentions] + [event.evidence]
    groups: dict[str, dict[Span, list[Quantity]]] = {}
    quotes: dict[Span, TextSpan] = {}
    for quantity in event.quantities:
        if quantity.kind not in COUNTED_KINDS or quantity_value(quantity) is None:
            continue
        sentence = next(
            (
                s
                for s in sentences
                if s.span[0] <= quantity.span[0] and quantity.span[1] <= s.span[1]
            ),
            TextSpan(text=quantity.text, span=quantity.span),
        )
        quotes.setdefault(sentence.span, sentence)
        groups.setdefault(quantity_key(quantity), {}).setdefault(sentence.span, []).append(quantity)
    out: dict[str, Stated] = {}
    for key, by_sentence in groups.items():
        span, chosen = max(
            by_sentence.items(),
            key=lambda item: (sum(quantity_value(q) or 0.0 for q in item[1]), -item[0][0]),
        )
        out[key] = Stated(
            value=sum(quantity_value(q) or 0.0 for q in chosen),
            at_least=any(q.low is not None and q.high is None for q in chosen),
            spans=[q.span for q in chosen],
            quote=quotes[span],
        )
    return out


def quantity_key_parts(key: str) -> tuple[str, str | None]:
    kind, _, item = key.partition(":")
    return kind, item or None


def _cluster(members: list[_Item], duplicates: Mapping[str, str]) -> EventCluster:
    members = sorted(members, key=lambda m: m.order)
    reports = [_report(m) for m in members]
    roots = _source_groups(reports, duplicates)
    ids = sorted(m.event.id for m in members)
    digest = hashlib.sha1("|".join(ids).encode("utf-8")).hexdigest()[:16]
    dated = [r for r in reports if r.published is not None]
    first = min(dated, key=lambda r: r.published or dt.date.max) if dated else reports[0]
    return EventCluster(
        id=digest,
        event=_representative(members),
        members=ids,
        reports=reports,
        sources=len(set(roots.values())),
        earliest=first.published,
        first_doc=first.doc_id,
        conflicts=_spreads(members, reports, roots),
    )


def _report(member: _Item) -> Report:
    event = member.event
    stated = stated_values(event)
    return Report(
        doc_id=member.document.id,
        event_id=event.id,
        outlet=member.document.outlet,
        published=member.document.published,
        start=event.date.start if event.date else None,
        end=event.date.end if event.date else None,
        values={key: s.value for key, s in stated.items()},
        at_least=sorted(key for key, s in stated.items() if s.at_least),
        spans={key: s.spans for key, s in stated.items()},
        quotes={key: s.quote for key, s in stated.items()},
        cited=member.cited,
    )


def _spreads(
    members: list[_Item], reports: list[Report], roots: Mapping[str, str]
) -> dict[str, ValueSpread]:
    keys = sorted({k for r in reports for k in r.values})
    spreads: dict[str, ValueSpread] = {}
    for key in keys:
        stated = [r for r in reports if key in r.values]
        by_source: dict[str, tuple[dt.date, float]] = {}
        for r in stated:
            root = roots.get(r.doc_id, r.doc_id)
            rank = (r.published or dt.date.min, r.values[key])
            if root not in by_source or rank > by_source[root]:
                by_source[root] = rank  # a source's latest word counts (its highest that day)
        independent = sorted(v for _, v in by_source.values())
        kind, item = quantity_key_parts(key)
        spreads[key] = ValueSpread.model_validate(
            {
                "kind": kind,
                "item": item,
                "values": [
                    SourcedValue(
                        doc_id=r.doc_id,
                        event_id=r.event_id,
                        outlet=r.outlet,
                        value=r.values[key],
                        at_least=key in r.at_least,
                        spans=r.spans.get(key, []),
                        quote=r.quotes.get(key),
                    )
                    for r in stated
                ],
                "low": independent[0],
                "best": float(statistics.median(independent)),
                "high": independent[-1],
                "at_least": all(key in r.at_least for r in stated),
            }
        )
    return spreads


def _date_rank(date: EventDate | None) -> tuple[int, int]:
    if date is None or date.start is None:
        return (2, 9)
    return (1 if date.inferred else 0, _PRECISION_RANK.get(date.precision, 9))


def _location_rank(location: Location | None) -> tuple[int, int]:
    if location is None:
        return (9, 1)
    return (location.precision or 3, 0 if location.geonameid is not None else 1)


def _actor_rank(actor: Actor | None) -> int:
    if actor is None:
        return 3
    if actor.role == "place":
        return 2
    return 0 if actor.name else 1


def _representative(members: list[_Item]) -> Event:
    """The most complete report, its gaps filled from the others."""

    def completeness(m: _Item) -> tuple[object, ...]:
        e = m.event
        return (
            _location_rank(m.location),
            _actor_rank(e.actor1),
            _date_rank(e.date),
            -e.confidence,
            m.document.published or dt.date.max,
            m.order,
        )

    best = min(members, key=completeness)
    update: dict[str, object] = {}
    location = min(members, key=lambda m: (_location_rank(m.location), m.order)).location
    if location is not None and location != best.event.location:
        update["location"] = location
    for name in ("actor1", "actor2"):
        current = getattr(best.event, name)
        choice = min(members, key=lambda m: (_actor_rank(getattr(m.event, name)), m.order))
        candidate = getattr(choice.event, name)
        if _actor_rank(candidate) < _actor_rank(current):
            update[name] = candidate
    date = _consensus_date(members)
    if date is not None and date != best.event.date:
        update["date"] = date
    return best.event.model_copy(update=update) if update else best.event


def _consensus_date(members: list[_Item]) -> EventDate | None:
    """The date the most reports give, among those dated best (stated before inferred, the
    finest precision); on a tie the first report's. One report that misreads "a day after"
    does not move the event."""
    rank = min(_date_rank(m.event.date) for m in members)
    dated = [m for m in members if _date_rank(m.event.date) == rank]
    votes = Counter(m.event.date.start for m in dated if m.event.date is not None)
    chosen = min(
        dated,
        key=lambda m: (-votes[m.event.date.start] if m.event.date is not None else 0, m.order),
    )
    return chosen.event.date


def _cluster_key(cluster: EventCluster) -> tuple[dt.date, dt.date, str]:
    date = cluster.event.date
    start = date.start if date is not None and date.start is not None else dt.date.max
    return (start, cluster.earliest or dt.date.max, cluster.id)
