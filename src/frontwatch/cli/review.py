"""``frontwatch review``: an analyst's verdicts and corrections of stored events.

The review log is append-only and kept apart from the extraction, so re-ingesting or
re-extracting never overwrites it (docs/store.md, "Reviews"). Every other command shows events
as reviewed.

Exit codes: 0 success; 2 usage or fatal error (no such event E305, a change that cannot be
applied E306, a store that cannot be used E3xx).
"""

from __future__ import annotations

import getpass
import json
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..training.corpus import REGISTERS
from .options import db_option, fail, format_option, open_store, output_file, output_option

if TYPE_CHECKING:  # the store loads only when a review command runs
    from ..records import Event
    from ..store import ReviewEntry, ReviewState, Store

F = TypeVar("F", bound=Callable[..., Any])
TABLE = "table"  # the output formats
JSON = "json"
TEXT = "text"


def _reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "cli"


def writer_options(command: F) -> F:
    """``--note`` and ``--by``, shared by the commands that write a review."""
    command = click.option(
        "--by",
        default=None,
        metavar="NAME",
        show_default="the user name of this session",
        help="Who reviews (stored with the review).",
    )(command)
    return click.option("--note", default=None, metavar="TEXT", help="Why: kept with the review.")(
        command
    )


def _describe(event: Event, state: ReviewState | None) -> str:
    acled = "-"
    if event.acled is not None:
        acled = event.acled.event_type + (
            f" / {event.acled.sub_event_type}" if event.acled.sub_event_type else ""
        )
    plover = f"{event.plover.type}/{event.plover.mode or '-'}" if event.plover else "-"
    actor1 = (event.actor1.name or event.actor1.text) if event.actor1 else "-"
    actor2 = (event.actor2.name or event.actor2.text) if event.actor2 else "-"
    loc = event.location
    place = "-"
    if loc is not None:
        place = f"{loc.name or loc.text} ({loc.country or '?'}"
        place += (
            f", {loc.lat:g}, {loc.lon:g})" if loc.lat is not None and loc.lon is not None else ")"
        )
    date = event.date
    when = "-"
    if date is not None and date.start is not None:
        when = date.start.isoformat()
        if date.end is not None and date.end != date.start:
            when += f"/{date.end.isoformat()}"
    counts = ", ".join(
        _count(q.kind, q.count if q.count is not None else q.low) for q in event.quantities
    )
    review = "not reviewed"
    if state is not None:
        review = f"{state.status} by {state.by} at {state.at.isoformat(timespec='seconds')}"
        if state.fields:
            review += f" ({', '.join(state.fields)})"
        if state.note:
            review += f": {state.note}"
    lines = [
        f"event       {event.id} (document {event.doc_id})",
        f"ACLED       {acled}",
        f"PLOVER      {plover}",
        f"actors      {actor1} -> {actor2}",
        f"place       {place}",
        f"date        {when}",
        f"counts      {counts or '-'}",
        f"modality    {event.modality}; status {event.status or '-'}",
        f"confidence  {event.confidence:g}",
        f"review      {review}",
        "evidence    " + "\n            ".join(textwrap.wrap(event.evidence.text, 86)),
    ]
    return "\n".join(lines)


def _count(kind: str, value: float | None) -> str:
    return kind if value is None else f"{kind} {value:g}"


def _entry_json(entry: ReviewEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "event_id": entry.event_id,
        "at": entry.at.isoformat(),
        "by": entry.by,
        "action": entry.action,
        "before": entry.before,
        "after": entry.after,
        "note": entry.note,
    }


def _entry_line(entry: ReviewEntry) -> str:
    return f"{entry.id:>5}  {entry.at.isoformat(timespec='seconds')}  {entry.by}  {entry.summary()}"


def _write(ctx: click.Context, db: str, action: Callable[[Store], Any]) -> Any:
    from ..store import StoreError

    with open_store(ctx, db) as store:
        try:
            return action(store)
        except StoreError as err:
            fail(ctx, err)


@click.group()
def review() -> None:
    """Review stored events: accept, reject, correct, merge and split, with a note.

    Reviews are kept in the store, apart from the extraction: ingesting the same documents
    again or reprocessing them never overwrites a review. query, export, situation and serve
    show the events as reviewed and leave rejected events out.
    """


@review.command("queue")
@db_option()
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    metavar="N",
    help="Events to list.",
)
@click.option(
    "--offset",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="N",
    help="Events to skip first.",
)
@format_option([TABLE, JSON], default=TABLE, help="Output format.")
@click.pass_context
def queue(ctx: click.Context, db: str, limit: int, offset: int, fmt: str) -> None:
    """Events not reviewed yet, least confident first."""
    with open_store(ctx, db, read_only=True) as store:
        total, events = store.review_queue(limit=limit, offset=offset)
    if fmt == JSON:
        body = {"total": total, "events": [e.model_dump(mode="json") for e in events]}
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    click.echo(f"{total} events not reviewed; least confident first")
    for event in events:
        kind = (
            event.acled.sub_event_type or event.acled.event_type if event.acled else event.category
        )
        click.echo(f"{event.confidence:.2f}  {event.id}  {kind}  {event.evidence.text[:70]}")


@review.command("show")
@click.argument("event_id")
@db_option()
@format_option([TEXT, JSON], default=TEXT, help="Output format.")
@click.pass_context
def show(ctx: click.Context, event_id: str, db: str, fmt: str) -> None:
    """An event as reviewed, its review and its review log."""
    from ..store import StoreError

    with open_store(ctx, db, read_only=True) as store:
        try:
            event, state = store.reviewed_event(event_id)
        except StoreError as err:
            fail(ctx, err)
        history = store.review_history(event_id)
    if fmt == JSON:
        body = {
            "event": event.model_dump(mode="json"),
            "review": state.model_dump(mode="json") if state else None,
            "history": [_entry_json(e) for e in history],
        }
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    click.echo(_describe(event, state))
    for entry in history:
        click.echo("  " + _entry_line(entry))


def _verdict(
    ctx: click.Context,
    db: str,
    event_id: str,
    action: str,
    note: str | None,
    by: str | None,
    changes: dict[str, Any] | None = None,
) -> None:
    event, state = _write(
        ctx,
        db,
        lambda store: store.review(
            event_id, action, changes=changes, note=note, by=by or _reviewer()
        ),
    )
    click.echo(_describe(event, state))


@review.command("accept")
@click.argument("event_id")
@db_option()
@writer_options
@click.pass_context
def accept(ctx: click.Context, event_id: str, db: str, note: str | None, by: str | None) -> None:
    """Confirm that an event is coded right."""
    _verdict(ctx, db, event_id, "accept", note, by)


@review.command("reject")
@click.argument("event_id")
@db_option()
@writer_options
@click.pass_context
def reject(ctx: click.Context, event_id: str, db: str, note: str | None, by: str | None) -> None:
    """Reject an event (no such event was stated): it leaves listings, exports, the situation."""
    _verdict(ctx, db, event_id, "reject", note, by)


def _changes(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> dict[str, Any]:
    from ..store import REVIEW_FIELDS

    out: dict[str, Any] = {}
    for item in values:
        name, sep, raw = item.partition("=")
        if not sep or name.strip() not in REVIEW_FIELDS:
            raise click.BadParameter(
                f"{item!r}: expected FIELD=VALUE with FIELD one of {', '.join(REVIEW_FIELDS)}",
                ctx,
                param,
            )
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw  # a bare string: --set actor1.name=Wagner Group
        out[name.strip()] = value
    if not out:
        raise click.BadParameter("give at least one --set FIELD=VALUE", ctx, param)
    return out


@review.command("correct")
@click.argument("event_id")
@click.option(
    "--set",
    "changes",
    multiple=True,
    required=True,
    metavar="FIELD=VALUE",
    callback=_changes,
    help="A corrected field; repeat for several. FIELD: acled.event_type, acled.sub_event_type, "
    "plover.type, plover.mode, actor1.name, actor2.name, location, date.start, date.end, "
    "quantities, modality or status (docs/store.md, Reviews). VALUE "
    'is JSON (null, a number, "text", an object or a list), or else plain text: '
    '--set acled.sub_event_type="Armed clash", --set location=\'{"name": "Gao", "country": '
    '"ML", "lat": 16.27, "lon": -0.04, "precision": 1}\', --set date.start=2024-03-01.',
)
@db_option()
@writer_options
@click.pass_context
def correct(
    ctx: click.Context,
    event_id: str,
    changes: dict[str, Any],
    db: str,
    note: str | None,
    by: str | None,
) -> None:
    """Correct fields of an event (docs/store.md lists the fields and their values)."""
    _verdict(ctx, db, event_id, "correct", note, by, changes)


@review.command("merge")
@click.argument("event_ids", nargs=-1, required=True)
@db_option()
@writer_options
@click.pass_context
def merge(
    ctx: click.Context, event_ids: tuple[str, ...], db: str, note: str | None, by: str | None
) -> None:
    """Report EVENT_IDS as one real event: their situation clusters become one."""
    entry = _write(
        ctx, db, lambda store: store.merge(list(event_ids), note=note, by=by or _reviewer())
    )
    click.echo(_entry_line(entry))


@review.command("split")
@click.argument("event_id")
@db_option()
@writer_options
@click.pass_context
def split(ctx: click.Context, event_id: str, db: str, note: str | None, by: str | None) -> None:
    """Take an event out of its situation cluster: it is a real event of its own."""
    entry = _write(ctx, db, lambda store: store.split(event_id, note=note, by=by or _reviewer()))
    click.echo(_entry_line(entry))


@review.command("history")
@click.argument("event_id", required=False)
@click.option(
    "--orphaned",
    is_flag=True,
    help="Only the reviews whose event is no longer stored (re-extraction changed it).",
)
@db_option()
@format_option([TABLE, JSON], default=TABLE, help="Output format.")
@click.pass_context
def history(ctx: click.Context, event_id: str | None, orphaned: bool, db: str, fmt: str) -> None:
    """The review log, oldest first: all of it, or of EVENT_ID."""
    with open_store(ctx, db, read_only=True) as store:
        entries = store.review_history(event_id, orphaned=orphaned)
    if fmt == JSON:
        click.echo(json.dumps([_entry_json(e) for e in entries], indent=2, ensure_ascii=False))
        return
    for entry in entries:
        click.echo(_entry_line(entry))


@review.command("export")
@db_option()
@output_option
@click.option(
    "--register",
    type=click.Choice(sorted(REGISTERS)),
    default="wire",
    show_default=True,
    help="The register of the reviewed texts (a field of the training corpus).",
)
@click.pass_context
def export_reviews(ctx: click.Context, db: str, output: str | None, register: str) -> None:
    """Write the reviewed events as training examples of the learned coder (JSON Lines in the
    corpus format of src/frontwatch/data/training/README.md; python -m frontwatch.training
    --extra FILE reads them)."""
    from ..eval.case import load_case_mapping
    from ..training.reviews import review_examples

    with open_store(ctx, db, read_only=True) as store:
        reviewed = store.reviewed()
        documents = {d.id: d for d in store.documents()}
    mapping = load_case_mapping()
    result = review_examples(
        ((event, state, documents.get(event.doc_id)) for event, state in reviewed),
        label_of=mapping.label,
        register=register,
    )
    with output_file(output) as fh:
        for record in result.records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    click.echo(result.summary(), err=True)
