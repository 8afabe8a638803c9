"""Reading gold files (docs/gold-format.md): JSON Lines, one annotated document a line.

:func:`read_gold` returns typed :class:`GoldDocument` records. Reading is strict: a malformed
line or field raises ``FrontwatchError(E201)`` with the line number and the field path, and an
evidence that is not a verbatim substring of the document text raises ``E202``. Keys the format
does not define (``gsr_id``, ``markup``, ``mode``, ``license``...) are allowed and kept in
``model_extra``.

A section that a gold set leaves out is ``None`` (not scored); an empty list is scored. For event
fields, whether the annotator stated a field is read from ``model_fields_set``: an absent key is
never scored, while ``"acled": null`` states that the event has no ACLED type.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from frontwatch import records
from frontwatch.dates import parse_stamp as parse_published  # the gold format's stamps
from frontwatch.errors import Errors, FrontwatchError
from frontwatch.eval.case import case_labels

logger = logging.getLogger(__name__)

#: ACLED event types and their sub-event types, as written in the ACLED codebook.
ACLED_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

GoldStatus = Literal["completed", "attempted", "failed", "ongoing"]
GoldModality = Literal["asserted", "reported", "negated", "hypothetical", "future"]
GoldQuantityKind = Literal[
    "killed", "injured", "displaced", "detained", "materiel", "troops", "money", "other"
]
#: A gold event without a modality counts as factual.
FACTUAL_MODALITIES: frozenset[str | None] = frozenset({*records.FACTUAL_MODALITIES, None})

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class AcledPair(BaseModel):
    """One acceptable ACLED coding; ``sub_event_type`` ``None`` stands for ``*`` (any)."""

    model_config = ConfigDict(frozen=True)

    event_type: str
    sub_event_type: str | None


def parse_acled(value: str) -> AcledPair:
    """Parse ``"Event type/Sub-event type"`` (or ``"Event type/*"``) by known type prefixes.

    Event types and sub-types may contain slashes themselves
    (``"Explosions/Remote violence/Remote explosive/landmine/IED"``), so the string is matched
    against the known event types rather than split. Raises ``ValueError`` when unknown.
    """
    for event_type, subs in ACLED_TYPES.items():
        prefix = event_type + "/"
        if value.casefold().startswith(prefix.casefold()):
            sub = value[len(prefix) :]
            if sub == "*":
                return AcledPair(event_type=event_type, sub_event_type=None)
            for known in subs:
                if known.casefold() == sub.casefold():
                    return AcledPair(event_type=event_type, sub_event_type=known)
            raise ValueError(f"unknown ACLED sub-event type {sub!r} for {event_type!r}")
    raise ValueError(f"{value!r} is not 'Event type/Sub-event type' with a known ACLED event type")


class GoldRecord(BaseModel):
    """Base of gold records: unknown keys are kept (``model_extra``), known keys are checked."""

    model_config = ConfigDict(extra="allow")


class GoldLocation(GoldRecord):
    name: str
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    admin1: str | None = None
    geonameid: int | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    tolerance_km: float | None = Field(None, gt=0)
    precision: Literal[1, 2, 3] | None = Field(
        None, description="ACLED geo-precision a correct system gives (frontwatch's dev sets)"
    )
    in_gazetteer: bool | None = Field(
        None, description="false: the town is missing from the bundled gazetteer"
    )

    @model_validator(mode="after")
    def _lat_lon_together(self) -> GoldLocation:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon must be given together")
        return self

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None


class GoldDate(GoldRecord):
    start: dt.date
    end: dt.date

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> GoldDate:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class GoldQuantity(GoldRecord):
    kind: GoldQuantityKind
    item: str | None = None
    count: float
    approx: bool = False


class GoldEvent(GoldRecord):
    evidence: str = Field(min_length=1)
    also: list[str] = Field(default_factory=list)
    plover: list[str] | None = None
    acled: list[AcledPair] | None = None
    actor1: list[str] | None = None
    actor2: list[str] | None = None
    location: GoldLocation | None = None
    date: GoldDate | None = None
    status: GoldStatus | None = None
    modality: GoldModality | None = None
    quantities: list[GoldQuantity] | None = None
    attribution: list[str] | None = None
    optional: bool = False
    case_label: str | None = None

    @field_validator("plover", mode="before")
    @classmethod
    def _plover_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and not value:
            raise ValueError("an empty list accepts nothing; leave the field out instead")
        return value

    @field_validator("acled", mode="before")
    @classmethod
    def _acled_pairs(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise ValueError("expected 'Event type/Sub-event type', a non-empty list, or null")
        pairs = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"expected a string, got {item!r}")
            pairs.append(parse_acled(item))
        return pairs

    @field_validator("case_label")
    @classmethod
    def _case_label(cls, value: str | None) -> str | None:
        if value is not None and value not in case_labels():
            raise ValueError(f"unknown CASE 2021 label {value!r}")
        return value

    @property
    def required(self) -> bool:
        """Counted for detection recall: not optional, and factual."""
        return not self.optional and self.modality in FACTUAL_MODALITIES

    def stated(self, field: str) -> bool:
        """The annotator wrote this key (``null`` included)."""
        return field in self.model_fields_set

    def mentions(self) -> list[str]:
        return [self.evidence, *self.also]


class GoldNegative(GoldRecord):
    evidence: str = Field(min_length=1)
    why: Literal["negated", "hypothetical", "opinion"]


class GoldControl(GoldRecord):
    place: str
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    controller: list[str] = Field(min_length=1)
    status: Literal["held", "contested"]
    since: str | None = None

    @field_validator("controller", mode="before")
    @classmethod
    def _controller_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class GoldMateriel(GoldRecord):
    actor: list[str] = Field(min_length=1)
    item: str
    count: float | None = None
    direction: str

    @field_validator("actor", mode="before")
    @classmethod
    def _actor_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class GoldFlag(GoldRecord):
    evidence: str = Field(min_length=1)
    kind: str


class GoldToponym(GoldRecord):
    text: str
    span: tuple[int, int]
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None


class GoldDocument(GoldRecord):
    doc_id: str = Field(min_length=1)
    published: dt.date | None = None
    published_raw: str | None = Field(None, description="the 'published' value as written")
    text: str
    text_file: str | None = None
    events: list[GoldEvent]
    negatives: list[GoldNegative] | None = None
    control: list[GoldControl] | None = None
    materiel: list[GoldMateriel] | None = None
    flags: list[GoldFlag] | None = None
    sources: list[str] | None = None
    toponyms: list[GoldToponym] | None = None
    line: int = Field(0, description="line number in the gold file (1-based)")

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value: Any) -> Any:
        return parse_published(value) if isinstance(value, str) else value


def read_gold(path: str | Path) -> list[GoldDocument]:
    """Read a gold file (JSON Lines). Blank lines are skipped; ``doc_id`` must be unique."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise FrontwatchError(
            Errors.E201, path=path, line=0, detail=f"cannot be read ({err})"
        ) from err
    documents: list[GoldDocument] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        document = parse_gold_line(line, path, number)
        if document.doc_id in seen:
            raise FrontwatchError(
                Errors.E201,
                path=path,
                line=number,
                detail=f"doc_id {document.doc_id!r} already used on line {seen[document.doc_id]}",
            )
        seen[document.doc_id] = number
        documents.append(document)
    logger.info("read %s gold documents from %s", len(documents), path)
    return documents


def parse_gold_line(line: str, path: str | Path, number: int) -> GoldDocument:
    """Parse line ``number`` of gold file ``path``; ``text_file`` is relative to its folder."""
    path = Path(path)

    def fail(detail: str) -> FrontwatchError:
        return FrontwatchError(Errors.E201, path=path, line=number, detail=detail)

    try:
        raw = json.loads(line)
    except json.JSONDecodeError as err:
        raise fail(f"not valid JSON ({err.msg} at column {err.colno})") from err
    if not isinstance(raw, dict):
        raise fail("expected a JSON object (one document)")
    if "events" not in raw:
        raise fail("missing required field 'events'")
    has_text, has_file = "text" in raw, "text_file" in raw
    if has_text == has_file:
        raise fail("give exactly one of 'text' or 'text_file'")
    if has_file:
        if not isinstance(raw["text_file"], str) or not raw["text_file"]:
            raise fail("field 'text_file' must be a non-empty path string")
        text_path = path.parent / raw["text_file"]
        try:
            raw["text"] = text_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise fail(f"text_file {str(text_path)!r} cannot be read ({err})") from err
    if isinstance(raw.get("published"), str):
        raw["published_raw"] = raw["published"]
    raw["line"] = number
    try:
        document = GoldDocument.model_validate(raw)
    except ValidationError as err:
        raise fail(_describe(err)) from err
    _check_evidence(document)
    _check_toponyms(document, fail)
    return document


def _describe(err: ValidationError) -> str:
    """The first validation problem as 'field path: message' (plus how many others)."""
    problems = err.errors(include_url=False)
    first = problems[0]
    location = ""
    for part in first["loc"]:
        location += (
            f"[{part}]" if isinstance(part, int) else (f".{part}" if location else str(part))
        )
    message = first["msg"].removeprefix("Value error, ")
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"field {location!r}: {message}{more}" if location else f"{message}{more}"


def _check_evidence(document: GoldDocument) -> None:
    quoted: list[str] = []
    for event in document.events:
        quoted.extend(event.mentions())
    quoted.extend(n.evidence for n in document.negatives or [])
    quoted.extend(f.evidence for f in document.flags or [])
    for evidence in quoted:
        if evidence not in document.text:
            raise FrontwatchError(Errors.E202, doc_id=document.doc_id, evidence=evidence)


def _check_toponyms(document: GoldDocument, fail: Any) -> None:
    for index, toponym in enumerate(document.toponyms or []):
        start, end = toponym.span
        if not 0 <= start < end <= len(document.text):
            raise fail(f"field 'toponyms[{index}].span': {list(toponym.span)} is outside the text")
        if document.text[start:end] != toponym.text:
            raise fail(
                f"field 'toponyms[{index}]': span {list(toponym.span)} reads "
                f"{document.text[start:end]!r}, not {toponym.text!r}"
            )
