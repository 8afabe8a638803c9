"""The CASE 2021 labels (``data/lexicon/case2021_labels.json``): the label of an event and of a
document, and the set of labels a gold file may use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from frontwatch.errors import Errors, FrontwatchError
from frontwatch.lexicon import LEXICON_DIR, load
from frontwatch.records import FACTUAL_MODALITIES, Event

#: The five CASE 2021 labels outside ACLED's 25 sub-types.
CASE_EXTRA_LABELS: tuple[str, ...] = (
    "DIPLO",
    "ATTRIB",
    "ORG_CRIME",
    "NATURAL_DISASTER",
    "MAN_MADE_DISASTER",
)


@dataclass(frozen=True)
class CaseMapping:
    """The label tables of ``data/lexicon/case2021_labels.json``."""

    version: str
    acled_to_case: dict[str, str]
    category_to_case: dict[str, str]
    crime_plover: dict[str, str]
    attribution_label: str
    attribution_plover: frozenset[str]
    attribution_categories: frozenset[str]
    diplomacy_label: str
    diplomacy_plover: frozenset[str]

    def label(self, event: Event) -> str | None:
        """The CASE label of one event, or ``None`` when no rule applies."""
        if event.acled is not None and event.acled.sub_event_type:
            key = f"{event.acled.event_type}/{event.acled.sub_event_type}".casefold()
            for name, code in self.acled_to_case.items():
                if name.casefold() == key:
                    return code
        if event.category in self.category_to_case:
            return self.category_to_case[event.category]
        plover = event.plover.type.upper() if event.plover else None
        if plover in self.crime_plover:
            return self.crime_plover[plover]
        if plover in self.attribution_plover or event.category in self.attribution_categories:
            return self.attribution_label
        if plover in self.diplomacy_plover:
            return self.diplomacy_label
        return None

    def document_label(self, events: Sequence[Event]) -> str | None:
        """The first event with a label, factual events first, by decreasing confidence."""
        ordered = sorted(
            events,
            key=lambda e: (e.modality not in FACTUAL_MODALITIES, -e.confidence),
        )
        for event in ordered:
            label = self.label(event)
            if label is not None:
                return label
        return None


@lru_cache(maxsize=1)
def load_case_mapping() -> CaseMapping:
    path = LEXICON_DIR / "case2021_labels.json"
    try:
        raw = load("case2021_labels")
        return CaseMapping(
            version=str(raw["version"]),
            acled_to_case=dict(raw["acled_to_case"]),
            category_to_case=dict(raw["category_to_case"]),
            crime_plover={k.upper(): v for k, v in raw["crime_plover"].items()},
            attribution_label=raw["attribution"]["label"],
            attribution_plover=frozenset(p.upper() for p in raw["attribution"]["plover"]),
            attribution_categories=frozenset(raw["attribution"]["categories"]),
            diplomacy_label=raw["diplomacy"]["label"],
            diplomacy_plover=frozenset(p.upper() for p in raw["diplomacy"]["plover"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise FrontwatchError(Errors.E101, path=str(path), detail=str(err)) from err


@lru_cache(maxsize=1)
def case_labels() -> frozenset[str]:
    """The 30 CASE 2021 labels: the codes of the 25 ACLED sub-types and the five extra labels."""
    return frozenset(load_case_mapping().acled_to_case.values()) | frozenset(CASE_EXTRA_LABELS)
