"""Reviews: an analyst's verdicts on events and corrections of their fields (docs/store.md).

The review log (table ``reviews``) is append-only: each entry records who, when, the action
(``accept``, ``reject``, ``correct``, ``merge``, ``split``), the values before and after, and a
note. Reviews are kept apart from the extraction and applied whenever events are read
(:class:`ReviewBook`), so re-ingesting a document or re-extracting it never overwrites one.

An entry names its event by id, and also records the event's document and trigger span: when
re-extraction gives the event another id (its PLOVER type changed, say), the review follows
the event of the same document with the same trigger. An entry whose event is gone altogether
is *orphaned*: kept, applied to nothing, listed by ``frontwatch review history --orphaned``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..records import Event
from .reading import IN_LIST

logger = logging.getLogger(__name__)

Con = duckdb.DuckDBPyConnection
Verdict = Literal["accept", "reject", "correct"]
Action = Literal[Verdict, "merge", "split"]
ReviewStatus = Literal["accepted", "rejected", "corrected"]  # in the order of Verdict
ReviewField = Literal[
    "acled.event_type",
    "acled.sub_event_type",
    "plover.type",
    "plover.mode",
    "actor1.name",
    "actor2.name",
    "location",
    "date.start",
    "date.end",
    "quantities",
    "modality",
    "status",
]
LocationKey = Literal["name", "country", "admin1", "geonameid", "lat", "lon", "precision"]

ACCEPT, REJECT, CORRECT = get_args(Verdict)
MERGE, SPLIT = get_args(Action)[len(get_args(Verdict)) :]
ACCEPTED, REJECTED, CORRECTED = get_args(ReviewStatus)
#: The verdict of each action on its event (merges and splits give none).
VERDICTS: dict[str, ReviewStatus] = dict(
    zip(get_args(Verdict), get_args(ReviewStatus), strict=True)
)
#: The fields a correction may change, as the API names them.
FIELDS: tuple[str, ...] = get_args(ReviewField)
#: The keys of a corrected ``location`` (the keys left out become null).
LOCATION_KEYS: tuple[str, ...] = get_args(LocationKey)
MAX_NAME = 200
OTHER = "other"  # the category of a PLOVER type without one
NO_SPAN = (0, 0)  # a value the analyst gave: it is not in the text


class ReviewProblem(ValueError):
    """A correction that cannot be applied (the message says why)."""


class ReviewEntry(BaseModel):
    """One entry of the review log."""

    model_config = ConfigDict(extra="forbid")

    id: int
    event_id: str
    doc_id: str | None = None
    trigger: tuple[int, int] | None = None
    action: Action
    at: dt.datetime = Field(description="when (UTC)")
    by: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str | None = None

    def summary(self) -> str:
        """One line: the action, the event, what changed, the note."""
        line = f"{self.action} {self.event_id}"
        if self.action == CORRECT:
            line += f" ({', '.join(sorted(self.after or {}))})"
        if self.action == MERGE:
            line += " with " + ", ".join((self.after or {}).get("events", [])[1:])
        return line + (f": {self.note}" if self.note else "")


class ReviewState(BaseModel):
    """Where an event stands after its reviews (the ``review`` object of the API)."""

    model_config = ConfigDict(extra="forbid")

    status: ReviewStatus
    at: dt.datetime
    by: str
    note: str | None = None
    fields: list[str] = Field(default_factory=list, description="corrected fields, sorted")

    @property
    def rejected(self) -> bool:
        return bool(self.status == REJECTED)


@dataclass(frozen=True)
class Vocabulary:
    """The codes corrections are checked against (``taxonomy.json``, via the lexicon)."""

    acled_types: Mapping[str, Sequence[str]]  # event type -> sub-event types
    acled_categories: Mapping[str, str]  # event type -> category
    plover_modes: Mapping[str, Sequence[str]]  # PLOVER type -> modes
    plover_categories: Mapping[str, str]  # PLOVER type -> category


# -- the value of a field, and a change to it ----------------------------------------------


def field_value(event: Event, name: str) -> Any:
    """The JSON value of field ``name`` (one of :data:`FIELDS`) of ``event``."""
    if name not in FIELDS:
        raise ReviewProblem(f"unknown field {name!r}; fields: {', '.join(FIELDS)}")
    record, _, attribute = name.partition(".")
    match record:
        case "acled" | "plover" | "date":
            part = getattr(event, record)
            value = getattr(part, attribute) if part is not None else None
            return value.isoformat() if isinstance(value, dt.date) else value
        case "actor1" | "actor2":
            actor = getattr(event, record)
            return (actor.name or actor.text or None) if actor else None
        case "location":
            loc = event.location
            return None if loc is None else {key: getattr(loc, key) for key in LOCATION_KEYS}
        case "quantities":
            return [q.model_dump(mode="json") for q in event.quantities]
        case _:
            return getattr(event, record)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        raise ReviewProblem(f"{name} must be a non-empty string of at most {MAX_NAME} characters")
    return value.strip()


def _number(value: Any, name: str, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ReviewProblem(f"{name} must be a number")
    if not low <= value <= high:
        raise ReviewProblem(f"{name} must be between {low:g} and {high:g}")
    return float(value)


def _location(current: dict[str, Any] | None, value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ReviewProblem("location must be an object or null")
    unknown = sorted(set(value) - {*LOCATION_KEYS, "approximate"})
    if unknown:
        raise ReviewProblem(f"location: unknown keys {unknown}; keys: {', '.join(LOCATION_KEYS)}")
    lat = _number(value.get("lat"), "location.lat", -90, 90)
    lon = _number(value.get("lon"), "location.lon", -180, 180)
    if (lat is None) != (lon is None):
        raise ReviewProblem("location: give both lat and lon, or neither")
    country = value.get("country")
    if country is not None and not (
        isinstance(country, str) and len(country) == 2 and country.isalpha()
    ):
        raise ReviewProblem("location.country must be an ISO 3166-1 alpha-2 code")
    name = value.get("name")
    if name is not None:
        name = _text(name, "location.name")
    out: dict[str, Any] = dict(current) if current else dict(text=name or "", span=NO_SPAN)
    out.update({key: value.get(key) for key in LOCATION_KEYS})
    out.update(
        name=name,
        lat=lat,
        lon=lon,
        country=country.upper() if country else None,
        feature=None,
        approximate=bool(value.get("approximate", False)),
    )
    return out


def _date(data: dict[str, Any], which: str, value: Any) -> dict[str, Any] | None:
    if value is not None:
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None:
            raise ReviewProblem(f"date.{which} must be a date YYYY-MM-DD or null")
        value = day
    date = dict(data["date"]) if data["date"] else dict(text=None, span=None)
    date[which] = value
    start, end = date.get("start"), date.get("end")
    if start is None and end is None:
        return None
    if start is None:
        raise ReviewProblem("date.end needs a date.start")
    if end is None:
        end = date["end"] = start
    if end < start:
        raise ReviewProblem("date.end is before date.start")
    date["precision"] = "day" if start == end else "range"
    date["inferred"] = False
    return date


def _set_acled_type(data: dict[str, Any], value: Any, vocabulary: Vocabulary) -> None:
    if value is None:
        data["acled"] = None
        return
    value = _text(value, "acled.event_type")
    if value not in vocabulary.acled_types:
        raise ReviewProblem(f"{value!r} is not an ACLED event type")
    sub = data["acled"]["sub_event_type"] if data["acled"] else None
    if sub not in vocabulary.acled_types[value]:
        sub = None
    data["acled"] = dict(event_type=value, sub_event_type=sub)
    data["category"] = vocabulary.acled_categories[value]


def _set_plover_type(data: dict[str, Any], value: Any, vocabulary: Vocabulary) -> None:
    if value is None:
        data["plover"] = None
        return
    value = _text(value, "plover.type").upper()
    if value not in vocabulary.plover_modes:
        raise ReviewProblem(f"{value!r} is not a PLOVER event type")
    mode = data["plover"]["mode"] if data["plover"] else None
    if mode not in vocabulary.plover_modes[value]:
        mode = None
    data["plover"] = dict(type=value, mode=mode)
    if data["acled"] is None:
        data["category"] = vocabulary.plover_categories.get(value, OTHER)


def _set_acled_sub_type(data: dict[str, Any], value: Any, vocabulary: Vocabulary) -> None:
    if data["acled"] is None:
        raise ReviewProblem("the event has no ACLED event type: set acled.event_type too")
    kind = data["acled"]["event_type"]
    if value is not None and value not in vocabulary.acled_types.get(kind, ()):
        raise ReviewProblem(f"{value!r} is not a sub-event type of {kind!r}")
    data["acled"]["sub_event_type"] = value


def _set_plover_mode(data: dict[str, Any], value: Any, vocabulary: Vocabulary) -> None:
    if data["plover"] is None:
        raise ReviewProblem("the event has no PLOVER type: set plover.type too")
    kind = data["plover"]["type"]
    if value is not None and value not in vocabulary.plover_modes.get(kind, ()):
        raise ReviewProblem(f"{value!r} is not a mode of PLOVER type {kind!r}")
    data["plover"]["mode"] = value


def _set_actor_name(data: dict[str, Any], name: str, value: Any) -> None:
    key = name.partition(".")[0]
    if value is None:
        data[key] = None
    elif data[key] is None:
        data[key] = dict(text="", span=NO_SPAN, name=_text(value, name))
    else:
        data[key]["name"] = _text(value, name)


def apply_change(event: Event, name: str, value: Any, vocabulary: Vocabulary) -> Event:
    """``event`` with field ``name`` set to ``value``; :class:`ReviewProblem` if it cannot be.

    Setting an ACLED event type sets the event's category to the type's; a sub-type of
    another event type is dropped. A PLOVER mode that is not a mode of a new PLOVER type is
    dropped. ``null`` removes an actor, the place or the date. An actor or a place the text
    does not name gets the empty span ``[0, 0)``.
    """
    data = event.model_dump()
    match name:
        case "acled.event_type":
            _set_acled_type(data, value, vocabulary)
        case "acled.sub_event_type":
            _set_acled_sub_type(data, value, vocabulary)
        case "plover.type":
            _set_plover_type(data, value, vocabulary)
        case "plover.mode":
            _set_plover_mode(data, value, vocabulary)
        case "actor1.name" | "actor2.name":
            _set_actor_name(data, name, value)
        case "location":
            data["location"] = _location(data["location"], value)
        case "date.start" | "date.end":
            data["date"] = _date(data, name.partition(".")[2], value)
        case "quantities":
            if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
                raise ReviewProblem("quantities must be a list of objects")
            data["quantities"] = [dict(text="", span=NO_SPAN) | item for item in value]
        case "modality" | "status":
            data[name] = value
        case _:
            raise ReviewProblem(f"unknown field {name!r}; fields: {', '.join(FIELDS)}")
    try:
        return Event.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or name
        raise ReviewProblem(f"{where}: {first.get('msg', 'invalid')}") from err


def apply_changes(
    event: Event, changes: Mapping[str, Any], vocabulary: Vocabulary
) -> tuple[Event, dict[str, Any], dict[str, Any]]:
    """Apply a correction; returns the event and the values before and after, by field."""
    if not changes:
        raise ReviewProblem("a correction needs at least one field in 'changes'")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in changes:
        if name not in FIELDS:
            raise ReviewProblem(f"unknown field {name!r}; fields: {', '.join(FIELDS)}")
    for name, value in changes.items():
        before[name] = field_value(event, name)
        event = apply_change(event, name, value, vocabulary)
        after[name] = field_value(event, name)
    return event, before, after


# -- the state of an event after its reviews ---------------------------------------------


def fold(entries: Iterable[ReviewEntry]) -> ReviewState | None:
    """The state after ``entries`` (one event's, in log order); ``None``: no verdict."""
    state: ReviewState | None = None
    fields: set[str] = set()
    for entry in entries:
        verdict = VERDICTS.get(entry.action)
        if verdict is None:
            continue
        if entry.action == CORRECT:
            fields |= set(entry.after or {})
        status: ReviewStatus = verdict
        if verdict == ACCEPTED and fields:
            status = CORRECTED
        state = ReviewState(status=status, at=entry.at, by=entry.by, note=entry.note)
    if state is not None:
        state.fields = sorted(fields)
    return state


class ReviewBook:
    """The review log resolved against the events stored now: the state and the corrected
    values of each reviewed event, the merge and split constraints, the orphans."""

    def __init__(
        self,
        entries: Sequence[ReviewEntry],
        targets: Mapping[int, str | None],
        vocabulary: Vocabulary | None,
        present: Iterable[str] = (),
    ) -> None:
        """``targets``: review id -> the event it applies to now (:func:`resolve`);
        ``present``: the ids, among those of merges, of events stored now."""
        self.entries = list(entries)
        self.targets = dict(targets)
        self.vocabulary = vocabulary
        self._present = frozenset(present)
        self._by_event: dict[str, list[ReviewEntry]] = defaultdict(list)
        for entry in self.entries:
            target = self.targets.get(entry.id)
            if target is not None:
                self._by_event[target].append(entry)
        self.states: dict[str, ReviewState] = {}
        for event_id, mine in self._by_event.items():
            state = fold(mine)
            if state is not None:
                self.states[event_id] = state

    def __bool__(self) -> bool:
        return bool(self.entries)

    @property
    def rejected(self) -> frozenset[str]:
        return frozenset(e for e, s in self.states.items() if s.rejected)

    def orphans(self) -> list[ReviewEntry]:
        return [e for e in self.entries if self.targets.get(e.id) is None]

    def has(self, event_id: str) -> bool:
        """Whether any entry applies to the event."""
        return event_id in self._by_event

    def history(self, event_id: str) -> list[ReviewEntry]:
        """The entries that apply to the event now."""
        return list(self._by_event.get(event_id, ()))

    def log_of(self, event_id: str) -> list[ReviewEntry]:
        """The entries that apply to the event, and those made under this id whose event is
        gone, in log order."""
        return [
            e for e in self.entries if self.targets.get(e.id) == event_id or e.event_id == event_id
        ]

    def apply(self, event: Event) -> tuple[Event, ReviewState | None]:
        """The event with its corrections, and its state (``None``: no verdict)."""
        mine = self._by_event.get(event.id)
        if not mine:
            return event, None
        if self.vocabulary is not None:
            for entry in mine:
                if entry.action != CORRECT:
                    continue
                for name, value in (entry.after or {}).items():
                    try:
                        event = apply_change(event, name, value, self.vocabulary)
                    except ReviewProblem as err:  # the taxonomy changed since the review
                        logger.warning("review %s of %s not applied: %s", entry.id, event.id, err)
        return event, self.states.get(event.id)

    def constraints(self) -> tuple[list[list[str]], list[str]]:
        """``(together, apart)``: groups of event ids an analyst merged into one cluster, and
        events split out of the cluster the clustering gives them, replaying merges and
        splits in log order: a split takes the event out of the groups merged before it; a
        merge after a split joins the split event to the others without bringing back the
        rest of its former cluster."""
        groups: list[set[str]] = []
        apart: set[str] = set()
        for entry in self.entries:
            target = self.targets.get(entry.id)
            if entry.action == MERGE:
                now = (self._now(i) for i in (entry.after or {}).get("events", []))
                merged: set[str] = {i for i in now if i is not None}
                keep = []
                for group in groups:
                    if group & merged:
                        merged |= group
                    else:
                        keep.append(group)
                groups = [*keep, merged]
            elif entry.action == SPLIT and target is not None:
                apart.add(target)
                for group in groups:
                    group.discard(target)
                groups = [g for g in groups if len(g) > 1]
        return sorted(sorted(g) for g in groups if len(g) > 1), sorted(apart)

    def _now(self, event_id: str) -> str | None:
        """The id an event of a merge has now (the first event of a merge is its target)."""
        for entry in self.entries:
            if entry.event_id == event_id and self.targets.get(entry.id) is not None:
                return self.targets[entry.id]
        return event_id if event_id in self._present else None


# -- the table ------------------------------------------------------------------------------

_COLUMNS = (
    "id, event_id, doc_id, trigger_start, trigger_end, action, reviewed_at, reviewer, before, "
    "after, note"
)


def load(con: Con, *, since: int = 0) -> list[ReviewEntry]:
    """Entries after ``since`` (a review id), in log order."""
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM reviews WHERE id > $1 ORDER BY id", [since]
    ).fetchall()
    return [
        ReviewEntry(
            id=row[0],
            event_id=row[1],
            doc_id=row[2],
            trigger=(row[3], row[4]) if row[3] is not None else None,
            action=row[5],
            at=row[6].replace(tzinfo=dt.UTC),
            by=row[7],
            before=json.loads(row[8]) if row[8] is not None else None,
            after=json.loads(row[9]) if row[9] is not None else None,
            note=row[10],
        )
        for row in rows
    ]


def append(
    con: Con,
    *,
    event: Event,
    action: Action,
    by: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    note: str | None,
    at: dt.datetime | None = None,
) -> ReviewEntry:
    """Add an entry to the log (inside the caller's transaction)."""
    row = con.execute("SELECT coalesce(max(id), 0) + 1 FROM reviews").fetchone()
    entry = ReviewEntry(
        id=int(row[0]) if row else 1,
        event_id=event.id,
        doc_id=event.doc_id,
        trigger=event.trigger.span,
        action=action,
        at=at or dt.datetime.now(dt.UTC),
        by=by,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        note=note,
    )
    con.execute(
        f"INSERT INTO reviews ({_COLUMNS}) VALUES ({', '.join(f'${i}' for i in range(1, 12))})",
        [
            entry.id,
            entry.event_id,
            entry.doc_id,
            entry.trigger[0] if entry.trigger else None,
            entry.trigger[1] if entry.trigger else None,
            entry.action,
            entry.at.astimezone(dt.UTC).replace(tzinfo=None),
            entry.by,
            json.dumps(entry.before, ensure_ascii=False) if entry.before is not None else None,
            json.dumps(entry.after, ensure_ascii=False) if entry.after is not None else None,
            entry.note,
        ],
    )
    return entry


def resolve(con: Con, entries: Sequence[ReviewEntry]) -> dict[int, str | None]:
    """Review id -> the id of the stored event it applies to (``None``: orphaned)."""
    if not entries:
        return {}
    present = present_ids(con, sorted({e.event_id for e in entries}))
    missing_docs = sorted(
        {e.doc_id for e in entries if e.event_id not in present and e.doc_id is not None}
    )
    by_trigger: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    if missing_docs:
        for event_id, doc_id, data in con.execute(
            f"SELECT id, doc_id, data FROM events WHERE doc_id {IN_LIST}",
            {"ids": missing_docs},
        ).fetchall():
            span = json.loads(data)["trigger"]["span"]
            by_trigger[(doc_id, span[0], span[1])].append(event_id)
    out: dict[int, str | None] = {}
    for entry in entries:
        if entry.event_id in present:
            out[entry.id] = entry.event_id
            continue
        found = None
        if entry.doc_id is not None and entry.trigger is not None:
            same = by_trigger.get((entry.doc_id, *entry.trigger), [])
            found = same[0] if len(same) == 1 else None
        out[entry.id] = found
    return out


def book(con: Con, vocabulary: Vocabulary | None) -> ReviewBook:
    """The whole log, resolved against the events stored now."""
    entries = load(con)
    merged = sorted(
        {i for e in entries if e.action == MERGE for i in (e.after or {}).get("events", [])}
    )
    return ReviewBook(entries, resolve(con, entries), vocabulary, present_ids(con, merged))


def present_ids(con: Con, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` that are ids of stored events."""
    if not ids:
        return set()
    rows = con.execute(
        f"SELECT DISTINCT id FROM events WHERE id {IN_LIST}", {"ids": list(ids)}
    ).fetchall()
    return {row[0] for row in rows}
