"""Reviewed events as training examples of the learned coder (``frontwatch review export``).

An analyst's verdict on an event is a label: an accepted or corrected event is an example of
its (corrected) type, a rejected one an example of ``NONE``. Each reviewed event becomes one
record of the corpus format (``data/training/README.md``), checked by the corpus validator
(:func:`~.corpus.check_record`) before it is written, so the trainer reads the file as it reads
the written corpus (``python -m frontwatch.training --extra reviews.jsonl``).

* ``text``: the event's evidence sentence; a sentence under 40 characters is extended with the
  sentences after it (then before it) in its document, up to 700 characters.
* ``label``: the CASE 2021 label of the event as reviewed (``label_of``, the eval's
  ``CaseMapping.label``); ``NONE`` for a rejected event, and for an accepted one that did not
  happen as stated (negated, hypothetical, future, historical), with ``none_kind`` from its
  modality (``negated``, ``hypothetical``, ``threat_plan``, ``historical``; a rejected event
  otherwise: ``unrelated``, with no PLOVER type).
* ``country`` and ``region`` (``data/training/acled_regions.json``) of the event's place;
  ``register`` as given; ``pair`` ``review-<document id>``, so that the examples of one document
  stay in one cross-validation fold; ``note`` the review's note.

Events that cannot make a valid record (no country, no label, a text out of bounds) are left
out and counted by reason.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import Errors, FrontwatchError
from ..lexicon import DATA_DIR
from ..records import Document, Event
from ..store.reviews import ReviewState
from .corpus import Taxonomy, check_record, load_taxonomy

REGIONS_FILE = DATA_DIR / "training" / "acled_regions.json"
LABELS_FILE = DATA_DIR / "training" / "review_labels.json"
MIN_TEXT = 40
MAX_TEXT = 700
NONE = "NONE"
# why an event is left out
NO_COUNTRY = "no country"
NO_REGION = "country without an ACLED region"
NO_LABEL = "no CASE 2021 label"
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?:\s+|$)")

LabelOf = Callable[[Event], str | None]


@lru_cache(maxsize=1)
def acled_regions(path: Path = REGIONS_FILE) -> dict[str, str]:
    """ISO 3166-1 alpha-2 -> ACLED region."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {code: region for region, codes in data["regions"].items() for code in codes}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise FrontwatchError(Errors.E101, path=path, detail=err) from err


@dataclass(frozen=True)
class NoneKinds:
    """The ``none_kind`` of an example that is not an event (``review_labels.json``)."""

    by_modality: Mapping[str, str]
    historical: str
    rejected: str


@lru_cache(maxsize=1)
def none_kinds(path: Path = LABELS_FILE) -> NoneKinds:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return NoneKinds(
            by_modality=dict(data["none_kind_by_modality"]),
            historical=str(data["historical"]),
            rejected=str(data["rejected"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise FrontwatchError(Errors.E101, path=path, detail=err) from err


@dataclass
class ReviewExport:
    """The records written, and the reviewed events left out by reason."""

    records: list[dict[str, Any]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        parts = [f"{len(self.records)} training examples"]
        parts += [f"{n} left out: {why}" for why, n in sorted(self.skipped.items())]
        return "; ".join(parts)


def example_text(event: Event, document: Document | None) -> str | None:
    """The evidence, extended to at least :data:`MIN_TEXT` characters from its document;
    ``None`` when it cannot be made to fit :data:`MIN_TEXT`-:data:`MAX_TEXT`."""
    text = event.evidence.text.strip()
    if len(text) < MIN_TEXT and document is not None:
        start, end = event.evidence.span
        body = document.text
        while end < len(body) and len(body[start:end].strip()) < MIN_TEXT:
            found = _SENTENCE_END.search(body, end + 1)
            end = found.end() if found else len(body)
        while start > 0 and len(body[start:end].strip()) < MIN_TEXT:
            before = [m.end() for m in _SENTENCE_END.finditer(body, 0, max(0, start - 1))]
            start = before[-1] if before else 0
        text = " ".join(body[start:end].split())
    return text if MIN_TEXT <= len(text) <= MAX_TEXT else None


def _none_kind(event: Event, rejected: bool) -> str | None:
    """The ``none_kind`` of a ``NONE`` example, ``None`` when the event is a real event."""
    kinds = none_kinds()
    if event.modality in kinds.by_modality:
        return kinds.by_modality[event.modality]
    if event.historical:
        return kinds.historical
    return kinds.rejected if rejected else None


def review_record(
    event: Event,
    state: ReviewState,
    document: Document | None,
    *,
    label_of: LabelOf,
    register: str,
    taxonomy: Taxonomy,
    regions: Mapping[str, str],
) -> tuple[dict[str, Any] | None, str | None]:
    """The corpus record of one reviewed event, or ``None`` and why it is left out."""
    text = example_text(event, document)
    if text is None:
        return None, f"evidence not within {MIN_TEXT}-{MAX_TEXT} characters"
    country = event.location.country if event.location else None
    if country is None:
        return None, NO_COUNTRY
    if country not in regions:
        return None, NO_REGION
    rejected = state.rejected
    kind = _none_kind(event, rejected)
    plover = event.plover.type if event.plover and kind != none_kinds().rejected else None
    mode = event.plover.mode if event.plover and plover else None
    acled = None
    label = NONE if kind is not None else label_of(event)
    if label is None:
        return None, NO_LABEL
    if label in taxonomy.case_to_acled:
        acled = taxonomy.case_to_acled[label]
    record = {
        "id": f"review-{event.id}",
        "text": text,
        "label": label,
        "acled": acled,
        "plover": plover,
        "plover_mode": mode,
        "modality": event.modality,
        "none_kind": kind,
        "country": country,
        "region": regions[country],
        "register": register,
        "pair": f"review-{event.doc_id}",
        "note": state.note,
    }
    problems = check_record(record, taxonomy)
    if problems:
        return None, f"not a valid corpus record ({problems[0]})"
    return record, None


def review_examples(
    reviewed: Iterable[tuple[Event, ReviewState, Document | None]],
    *,
    label_of: LabelOf,
    register: str = "wire",
    taxonomy: Taxonomy | None = None,
    regions: Mapping[str, str] | None = None,
) -> ReviewExport:
    """The corpus records of reviewed events (each with its review and its document)."""
    tax = taxonomy or load_taxonomy()
    table = acled_regions() if regions is None else regions
    out = ReviewExport()
    for event, state, document in reviewed:
        record, why = review_record(
            event,
            state,
            document,
            label_of=label_of,
            register=register,
            taxonomy=tax,
            regions=table,
        )
        if record is None:
            out.skipped[why or "left out"] += 1
        else:
            out.records.append(record)
    return out
