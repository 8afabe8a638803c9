"""Field comparisons and the scores of docs/gold-format.md ("Scores reported").

Each comparison takes a gold record and a prediction and returns ``True``/``False``, or ``None``
when the gold does not state the field (not scored). Names are compared after
:func:`normalise_name` (case-folded, quotes and spaces unified, a leading "the" dropped).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from frontwatch.eval.align import find_all, overlaps
from frontwatch.eval.gold import (
    GoldControl,
    GoldDocument,
    GoldEvent,
    GoldLocation,
    GoldMateriel,
    GoldQuantity,
)
from frontwatch.records import Actor, DocumentResult, Event, Quantity, Toponym

logger = logging.getLogger(__name__)

G = TypeVar("G")
P = TypeVar("P")

EARTH_RADIUS_KM = 6371.0088
DEFAULT_TOLERANCE_KM = 25.0
WIDE_TOLERANCE_KM = 161.0
FAR_KM = 1000.0  # a place this far off is a far-off guess (docs/eval.md)
DATE_WIDENING_DAYS = 31
APPROX_QUANTITY_SHARE = 0.10

#: Per-field scores, in report order.
FIELDS: tuple[str, ...] = (
    "plover",
    "acled_type",
    "acled_subtype",
    "actor1",
    "actor2",
    "location@25km",
    "location@161km",
    "date",
    "status",
    "modality",
    "quantities",
    "attribution",
)

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"[a-z0-9]+")


# -- names --------------------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    text = _SPACES.sub(" ", name.translate(_QUOTES).casefold()).strip()
    return text.removeprefix("the ").strip(" .,;:")


def names_equal(gold: str, predicted: str | None) -> bool:
    return predicted is not None and normalise_name(gold) == normalise_name(predicted)


def names_contain(gold: str, predicted: str | None) -> bool:
    """Equal, or one name contains the other on word boundaries (case-insensitive)."""
    if predicted is None:
        return False
    a, b = normalise_name(gold), normalise_name(predicted)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return re.search(r"(?<!\w)" + re.escape(short) + r"(?!\w)", long) is not None


def _item_words(item: str) -> frozenset[str]:
    words = _WORDS.findall(item.translate(_QUOTES).casefold())
    return frozenset(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def items_match(gold: str, predicted: str | None) -> bool:
    """Materiel items: the words of one (plurals folded) are all among the other's."""
    if predicted is None:
        return False
    a, b = _item_words(gold), _item_words(predicted)
    return bool(a and b) and (a <= b or b <= a)


# -- event fields -------------------------------------------------------------------------------


def _actor_names(actor: Actor) -> list[str]:
    names = [actor.text] + ([actor.name] if actor.name else [])
    for member in actor.members:
        names.extend(_actor_names(member))
    return names


def actor_matches(gold: list[str] | None, predicted: Actor | None) -> bool | None:
    """The predicted actor's canonical name or text (or a coordinated member's) is acceptable."""
    if gold is None:
        return None
    if predicted is None:
        return False
    names = _actor_names(predicted)
    return any(names_equal(g, n) for g in gold for n in names)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def location_matches(gold: GoldLocation | None, event: Event, wide: bool = False) -> bool | None:
    """@25 km (``tolerance_km`` if given), or @161 km when ``wide`` (or the larger tolerance).

    With gold coordinates: great-circle distance. Without: same country and, if given, same
    admin1; a gold location with neither coordinates nor country is matched by name against
    the predicted location's name or text.
    """
    if gold is None:
        return None
    predicted = event.location
    if predicted is None:
        return False
    if gold.lat is not None and gold.lon is not None:
        if predicted.lat is None or predicted.lon is None:
            return False
        tolerance = gold.tolerance_km or DEFAULT_TOLERANCE_KM
        if wide:
            tolerance = max(tolerance, WIDE_TOLERANCE_KM)
        return haversine_km(gold.lat, gold.lon, predicted.lat, predicted.lon) <= tolerance
    if gold.country is not None:
        if (predicted.country or "").upper() != gold.country:
            return False
        return gold.admin1 is None or names_equal(gold.admin1, predicted.admin1)
    return names_equal(gold.name, predicted.name) or names_equal(gold.name, predicted.text)


#: Event location outcomes over the gold events with coordinates, missed events included
#: (docs/eval.md).
LOCATION_SCORES: tuple[str, ...] = (
    "within_tolerance",
    "within_161km",
    "abstained",
    "over_1000km",
    "precision",
    "fallback",
)


def location_outcomes(gold: GoldLocation | None, event: Event | None) -> dict[str, bool | None]:
    """Outcomes of one gold event's location against its paired prediction (``None``: missed):
    ``within_tolerance`` (the gold ``tolerance_km``, default 25 km), ``within_161km`` (or the
    larger tolerance), ``abstained`` (missed, or no predicted coordinates), ``over_1000km``,
    ``precision`` (the predicted ACLED precision is the gold's ``precision``) and ``fallback``
    (for a town missing from the gazetteer, ``in_gazetteer: false``: located within 161 km at
    precision 2 or 3). ``None``: not scored for this event."""
    if gold is None or gold.lat is None or gold.lon is None:
        return dict.fromkeys(LOCATION_SCORES)
    predicted = event.location if event is not None else None
    distance = None
    if predicted is not None and predicted.lat is not None and predicted.lon is not None:
        distance = haversine_km(gold.lat, gold.lon, predicted.lat, predicted.lon)
    tolerance = gold.tolerance_km or DEFAULT_TOLERANCE_KM
    within = distance is not None and distance <= max(tolerance, WIDE_TOLERANCE_KM)
    precision = predicted.precision if predicted is not None else None
    return {
        "within_tolerance": distance is not None and distance <= tolerance,
        "within_161km": within,
        "abstained": distance is None,
        "over_1000km": distance is not None and distance > FAR_KM,
        "precision": None if gold.precision is None else precision == gold.precision,
        "fallback": None if gold.in_gazetteer is not False else within and precision in (2, 3),
    }


def date_matches(gold: GoldEvent, event: Event) -> bool | None:
    """Overlap with the gold interval, and no wider than it by more than 31 days."""
    if gold.date is None:
        return None
    predicted = event.date
    if predicted is None or (predicted.start is None and predicted.end is None):
        return False
    start = predicted.start or predicted.end
    end = predicted.end or predicted.start
    assert start is not None and end is not None
    if end < start:
        start, end = end, start
    if start > gold.date.end or end < gold.date.start:
        return False
    return (end - start).days <= (gold.date.end - gold.date.start).days + DATE_WIDENING_DAYS


def quantity_matches(gold: GoldQuantity, predicted: Quantity) -> bool:
    if predicted.kind != gold.kind:
        return False
    if gold.item is not None and not items_match(gold.item, predicted.item):
        return False
    margin = APPROX_QUANTITY_SHARE * abs(gold.count) if gold.approx else 0.0
    if predicted.count is not None:
        return abs(predicted.count - gold.count) <= margin
    if predicted.low is not None and predicted.high is not None:
        return predicted.low - margin <= gold.count <= predicted.high + margin
    return False


def quantities_match(gold: list[GoldQuantity] | None, event: Event) -> bool | None:
    """Every gold quantity is matched by a distinct predicted quantity."""
    if not gold:
        return None
    available = list(event.quantities)
    for quantity in gold:
        found = next((q for q in available if quantity_matches(quantity, q)), None)
        if found is None:
            return False
        available.remove(found)
    return True


def attribution_matches(gold: GoldEvent, event: Event) -> bool | None:
    """Source or speaker matches an entry; gold ``null`` wants no explicit attribution."""
    if not gold.stated("attribution"):
        return None
    predicted = event.attribution
    if gold.attribution is None:
        return predicted is None or predicted.default
    if predicted is None:
        return False
    return any(
        names_contain(g, predicted.source) or names_contain(g, predicted.speaker)
        for g in gold.attribution
    )


def acled_matches(gold: GoldEvent, event: Event, sub_type: bool) -> bool | None:
    """ACLED event type (or type and sub-type); ``"Type/*"`` accepts any sub-type."""
    if not gold.stated("acled"):
        return None
    predicted = event.acled
    if gold.acled is None:
        return predicted is None
    if predicted is None:
        return False
    for pair in gold.acled:
        if pair.event_type.casefold() != predicted.event_type.casefold():
            continue
        if not sub_type or pair.sub_event_type is None:
            return True
        if (predicted.sub_event_type or "").casefold() == pair.sub_event_type.casefold():
            return True
    return False


def field_results(gold: GoldEvent, event: Event) -> dict[str, bool | None]:
    """Every field comparison of one aligned pair, keyed as :data:`FIELDS`."""
    plover: bool | None = None
    if gold.plover is not None:
        plover = event.plover is not None and event.plover.type.casefold() in {
            p.casefold() for p in gold.plover
        }
    status = None if gold.status is None else event.status == gold.status
    modality = None if gold.modality is None else event.modality == gold.modality
    return {
        "plover": plover,
        "acled_type": acled_matches(gold, event, sub_type=False),
        "acled_subtype": acled_matches(gold, event, sub_type=True),
        "actor1": actor_matches(gold.actor1, event.actor1),
        "actor2": actor_matches(gold.actor2, event.actor2),
        "location@25km": location_matches(gold.location, event),
        "location@161km": location_matches(gold.location, event, wide=True),
        "date": date_matches(gold, event),
        "status": status,
        "modality": modality,
        "quantities": quantities_match(gold.quantities, event),
        "attribution": attribution_matches(gold, event),
    }


def agreement(gold: GoldEvent, event: Event) -> float:
    """Share of the stated fields on which the prediction agrees (0 when none is stated)."""
    results = [r for r in field_results(gold, event).values() if r is not None]
    return sum(results) / len(results) if results else 0.0


# -- CASE 2021 snippet classification -----------------------------------------------------------


@dataclass
class ClassScores:
    weighted_f1: float | None
    accuracy: float | None
    acled_accuracy: float | None
    n: int
    n_acled: int
    per_label: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)


def classification_scores(
    pairs: Sequence[tuple[str, str | None]], acled_labels: Iterable[str]
) -> ClassScores:
    """Weighted F1 over the gold labels present, overall accuracy, accuracy on ACLED labels.

    ``pairs`` are (gold label, predicted label or ``None``). Per label: precision, recall, F1,
    support; the weighted F1 averages F1 by support (as scikit-learn's ``average="weighted"``
    restricted to the gold labels).
    """
    acled = set(acled_labels)
    support = Counter(g for g, _ in pairs)
    predicted = Counter(p for _, p in pairs if p is not None)
    hits = Counter(g for g, p in pairs if g == p)
    per_label: dict[str, tuple[float, float, float, int]] = {}
    weighted = 0.0
    for label, count in sorted(support.items()):
        precision = hits[label] / predicted[label] if predicted[label] else 0.0
        recall = hits[label] / count
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = (precision, recall, f1, count)
        weighted += f1 * count
    n = len(pairs)
    acled_pairs = [(g, p) for g, p in pairs if g in acled]
    return ClassScores(
        weighted_f1=weighted / n if n else None,
        accuracy=sum(hits.values()) / n if n else None,
        acled_accuracy=(
            sum(g == p for g, p in acled_pairs) / len(acled_pairs) if acled_pairs else None
        ),
        n=n,
        n_acled=len(acled_pairs),
        per_label=per_label,
    )


# -- toponyms -----------------------------------------------------------------------------------


@dataclass
class ToponymCounts:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    with_id: int = 0
    exact_id: int = 0
    with_coordinates: int = 0
    within_161km: int = 0
    over_1000km: int = 0
    errors_km: list[float] = field(default_factory=list)


def score_toponyms(gold: GoldDocument, predicted: Sequence[Toponym], counts: ToponymCounts) -> None:
    """Match predicted toponyms to gold ones by span overlap (largest overlap first, 1:1)."""
    items = gold.toponyms or []
    counts.gold += len(items)
    counts.predicted += len(predicted)
    candidates = []
    for g, gt in enumerate(items):
        for p, pt in enumerate(predicted):
            if overlaps(gt.span, pt.span):
                shared = min(gt.span[1], pt.span[1]) - max(gt.span[0], pt.span[0])
                candidates.append((-shared, g, p))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, g, p in sorted(candidates):
        if g in used_gold or p in used_pred:
            continue
        used_gold.add(g)
        used_pred.add(p)
        gt, pt = items[g], predicted[p]
        counts.matched += 1
        if gt.geonameid is not None:
            counts.with_id += 1
            counts.exact_id += pt.geonameid == gt.geonameid
        if gt.lat is not None and gt.lon is not None:
            counts.with_coordinates += 1
            if pt.lat is not None and pt.lon is not None:
                error = haversine_km(gt.lat, gt.lon, pt.lat, pt.lon)
                counts.errors_km.append(error)
                counts.within_161km += error <= WIDE_TOLERANCE_KM
                counts.over_1000km += error > FAR_KM


# -- flags and sources --------------------------------------------------------------------------


@dataclass
class SetCounts:
    """Recall and precision counts of a matched set."""

    gold: int = 0
    predicted: int = 0
    gold_found: int = 0
    predicted_correct: int = 0


def score_flags(gold: GoldDocument, result: DocumentResult, counts: SetCounts) -> None:
    """A predicted flag matches a gold flag of the same kind whose evidence it overlaps."""
    items = gold.flags or []
    regions = [find_all(gold.text, flag.evidence) for flag in items]

    def hit(g: int, p: int) -> bool:
        flag = result.flags[p]
        return flag.kind.casefold() == items[g].kind.casefold() and any(
            overlaps(flag.span, region) for region in regions[g]
        )

    counts.gold += len(items)
    counts.predicted += len(result.flags)
    counts.gold_found += sum(
        any(hit(g, p) for p in range(len(result.flags))) for g in range(len(items))
    )
    counts.predicted_correct += sum(
        any(hit(g, p) for g in range(len(items))) for p in range(len(result.flags))
    )


def score_sources(gold: GoldDocument, result: DocumentResult, counts: SetCounts) -> None:
    """Case-insensitive name containment between gold names and predicted name or text."""
    items = gold.sources or []
    predicted: dict[str, list[str]] = {}
    for source in result.sources:
        predicted.setdefault(normalise_name(source.name), []).extend((source.name, source.text))
    counts.gold += len(items)
    counts.predicted += len(predicted)
    counts.gold_found += sum(
        any(names_contain(g, n) for names in predicted.values() for n in names) for g in items
    )
    counts.predicted_correct += sum(
        any(names_contain(g, n) for g in items for n in names) for names in predicted.values()
    )


# -- situation: control and materiel ------------------------------------------------------------


class SituationRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ControlEntry(SituationRecord):
    """Who controls a place, as the situation module states it."""

    place: str
    country: str | None = None
    controller: str
    status: Literal["held", "contested"] = "held"
    since: str | None = None


class MaterielEntry(SituationRecord):
    """Materiel gained or lost by an actor, as the situation module states it."""

    actor: str
    item: str
    count: float | None = None
    direction: str


class Situation(SituationRecord):
    """The situation output of one document, scored against ``control`` and ``materiel``."""

    control: list[ControlEntry] = Field(default_factory=list)
    materiel: list[MaterielEntry] = Field(default_factory=list)


def control_matches(gold: GoldControl, predicted: ControlEntry) -> bool:
    """Same place (name containment), country when both give one, controller and status."""
    if not names_contain(gold.place, predicted.place):
        return False
    if gold.country and predicted.country and gold.country != predicted.country.upper():
        return False
    if not any(names_equal(c, predicted.controller) for c in gold.controller):
        return False
    return predicted.status == gold.status


def materiel_matches(gold: GoldMateriel, predicted: MaterielEntry) -> bool:
    """Same actor, item (plurals folded), direction, and count when gold gives one."""
    if not any(names_equal(a, predicted.actor) for a in gold.actor):
        return False
    if not items_match(gold.item, predicted.item):
        return False
    if predicted.direction.casefold() != gold.direction.casefold():
        return False
    return gold.count is None or predicted.count == gold.count


def score_set(
    gold: Sequence[G], predicted: Sequence[P], match: Callable[[G, P], bool], counts: SetCounts
) -> None:
    """Recall and precision counts of ``predicted`` against ``gold`` under ``match(g, p)``."""
    counts.gold += len(gold)
    counts.predicted += len(predicted)
    counts.gold_found += sum(any(match(g, p) for p in predicted) for g in gold)
    counts.predicted_correct += sum(any(match(g, p) for g in gold) for p in predicted)
