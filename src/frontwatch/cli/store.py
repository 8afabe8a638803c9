"""``frontwatch ingest``, ``reprocess`` and ``query``: thin commands over
:class:`~frontwatch.store.Store`.

The extractor is built from the settings in ``ctx.obj``; ``ctx.obj["extractor"]``, when set, is
used instead (tests pass a stub).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import click
import duckdb
from pydantic import ValidationError

from ..errors import DocumentError, Errors, FrontwatchError
from ..filters import EventFilter, parse_bbox
from ..output import BOM
from ..records import Document, Event, FlatEvent
from ..settings import Settings
from ..store import IngestStats, ReviewState, Store, StoreError
from ..store.db import ExtractorLike, Pair, extract_pairs
from .options import (
    EXIT_SKIPPED,
    bom_option,
    db_option,
    fail,
    filter_error,
    filter_options,
    format_option,
    include_rejected_option,
    inputs_total,
    loading_line,
    obj,
    open_store,
    progress_bar,
    progress_option,
    published_option,
    settings,
    workers_option,
)


def _extractor(ctx: click.Context) -> ExtractorLike:
    given: ExtractorLike | None = obj(ctx).get("extractor")
    if given is not None:
        return given
    from ..pipeline import Extractor

    return Extractor(settings(ctx))


def report_ingest(store: Store, stats: IngestStats) -> None:
    """The summary of an ingest on standard error, and W003 when documents wait in the spool."""
    click.echo(stats.summary(), err=True)
    if stats.queued and store.spooled():
        click.echo(
            "warning: "
            + Errors.W003.format(
                path=store.path, wait=f"{store.wait:g}", count=stats.queued, spool=store.spool
            ),
            err=True,
        )


@click.command()
@click.argument("inputs", nargs=-1)
@db_option("The DuckDB database file (created if missing).")
@published_option
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    metavar="N",
    help="Documents stored per transaction.",
)
@progress_option
@workers_option
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where extraction runs. local: processes on this machine. dask: a Dask cluster (pip "
    "install dask distributed): each Dask worker loads the pipeline once, documents travel in "
    "partitions of 16, results come back in input order to the database (or to Parquet). Needs "
    "--scheduler.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="The Dask scheduler, e.g. tcp://10.0.0.5:8786.",
)
@click.option(
    "--to-parquet",
    "to_parquet",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Write the results to Parquet partitions in DIR (part-NNNNNN.parquet: columns doc_id, "
    "document, result, the last two as JSON) instead of the database; with --engine dask the "
    "Dask workers write them (DIR must be on a file system they share).",
)
@click.option(
    "--from-parquet",
    "from_parquet",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    metavar="DIR",
    help="No extraction: store the documents and results of the Parquet partitions of DIR in the "
    "database (no INPUTS then).",
)
@click.pass_context
def ingest(
    ctx: click.Context,
    inputs: tuple[str, ...],
    db: str,
    published: str | None,
    batch_size: int,
    progress: bool | None,
    workers: int | None,
    engine: str,
    scheduler: str | None,
    to_parquet: str | None,
    from_parquet: str | None,
) -> None:
    """Extract events from INPUTS and store documents and events in the database."""
    from ..ingest import iter_documents
    from ..pipeline import parse_date

    _check_ingest_options(inputs, engine, scheduler, to_parquet, from_parquet)
    try:
        date = parse_date(published)
        config = settings(ctx)
        extractor = _extractor(ctx) if "extractor" in obj(ctx) else None
    except FrontwatchError as err:
        fail(ctx, err)
    skipped = 0

    def outputs() -> Iterator[Any]:
        from ..pipeline import parallel

        if from_parquet:
            yield from parallel.read_parquet(Path(from_parquet))
            return
        documents = iter_documents(inputs, published=date, settings=config)
        runner = _runner(engine, extractor, config, workers, scheduler, to_parquet)
        if to_parquet and engine != "dask":
            yield from _local_to_parquet(extract_pairs(runner, documents), Path(to_parquet))
            return
        if to_parquet:
            yield from runner.extract_many(documents)  # only errors: workers wrote the files
            return
        yield from extract_pairs(runner, documents)

    if to_parquet:
        try:
            for item in outputs():
                skipped += 1
                click.echo(f"skipped: {item}", err=True)
        except FrontwatchError as err:
            fail(ctx, err)
        click.echo(f"wrote Parquet partitions to {to_parquet}", err=True)
        if skipped:
            ctx.exit(EXIT_SKIPPED)
        return

    store = open_store(ctx, db)
    total = None if from_parquet else inputs_total(progress, inputs)
    if not from_parquet:
        loading_line(progress)
    with (
        store,
        progress_bar(progress, "ingest", "doc", total=total, leave=True) as bar,
    ):

        def pairs() -> Iterator[Pair]:
            nonlocal skipped
            for item in outputs():
                bar.update(1)
                if isinstance(item, DocumentError):
                    skipped += 1
                    click.echo(f"skipped: {item}", err=True)
                    continue
                yield item

        try:
            stats = store.ingest(pairs(), batch_size=batch_size)
        except (StoreError, FrontwatchError) as err:
            fail(ctx, err)
        except (duckdb.Error, OSError) as err:
            # a full disk or a failing device: the batch was rolled back, earlier batches stay
            fail(ctx, f"the database could not be written ({err}); committed batches are kept")
        stats.skipped += skipped
        report_ingest(store, stats)
    if skipped:
        ctx.exit(EXIT_SKIPPED)


def _check_ingest_options(
    inputs: tuple[str, ...],
    engine: str,
    scheduler: str | None,
    to_parquet: str | None,
    from_parquet: str | None,
) -> None:
    if bool(inputs) == bool(from_parquet):
        raise click.UsageError("give INPUTS, or --from-parquet DIR without INPUTS")
    if engine == "dask" and not scheduler:
        raise click.UsageError("--engine dask needs --scheduler ADDRESS")
    if to_parquet and from_parquet:
        raise click.UsageError("--to-parquet and --from-parquet exclude each other")


def _runner(
    engine: str,
    extractor: ExtractorLike | None,
    config: Settings,
    workers: int | None,
    scheduler: str | None,
    to_parquet: str | None,
) -> ExtractorLike | _Runner:
    """What extracts: the Dask engine, the extractor given in ``ctx.obj`` (tests), or local
    worker processes."""
    from ..pipeline import parallel

    if engine == "dask":
        out_dir = Path(to_parquet) if to_parquet else None
        return _Runner(
            lambda items: parallel.extract_dask(items, config, scheduler, to_parquet=out_dir)
        )
    if extractor is not None:
        return extractor
    n = config.workers if workers is None else workers
    return _Runner(lambda items: parallel.extract_parallel(items, config, workers=n))


class _Runner:
    """An ``extract_many`` made of a function (for :func:`extract_pairs`)."""

    def __init__(self, run: Callable[[Iterable[Document | DocumentError]], Iterator[Any]]) -> None:
        self.run = run

    def extract_many(self, items: Iterable[Document | DocumentError]) -> Iterator[Any]:
        return self.run(items)


def _local_to_parquet(
    pairs: Iterable[Pair | DocumentError], directory: Path, size: int = 256
) -> Iterator[DocumentError]:
    """Write (document, result) pairs as Parquet partitions of ``size``; yield the errors."""
    from ..pipeline.parallel import write_parquet

    directory.mkdir(parents=True, exist_ok=True)
    part: list[Pair] = []
    index = 0

    def flush() -> None:
        nonlocal index
        if part:
            docs, results = zip(*part, strict=True)
            write_parquet(directory / f"part-{index:06d}.parquet", list(docs), list(results))
            index += 1
            part.clear()

    for item in pairs:
        if isinstance(item, DocumentError):
            yield item
            continue
        part.append(item)
        if len(part) >= size:
            flush()
    flush()


@click.command()
@db_option()
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Re-extract every document, not only those by another extractor version.",
)
@progress_option
@click.pass_context
def reprocess(ctx: click.Context, db: str, everything: bool, progress: bool | None) -> None:
    """Re-extract stored documents made by another extractor version; replace their records."""
    try:
        extractor = _extractor(ctx)
    except FrontwatchError as err:
        fail(ctx, err)
    store = open_store(ctx, db)
    with store:
        try:
            orphans = len(store.review_history(orphaned=True))
            stats: IngestStats = store.reprocess(extractor, everything=everything)
            now = len(store.review_history(orphaned=True))
        except (StoreError, FrontwatchError) as err:
            fail(ctx, err)
        click.echo(
            f"reprocessed {stats.replaced + stats.unchanged} documents; {stats.events} events; "
            f"{stats.skipped} skipped",
            err=True,
        )
        if stats.queued and store.spooled():
            report_ingest(store, stats)
        if now > orphans:
            click.echo("warning: " + Errors.W006.format(count=now, path=db), err=True)
    if stats.skipped:
        ctx.exit(EXIT_SKIPPED)


_TABLE_COLUMNS = (
    "date",
    "event_id",
    "doc_id",
    "type",
    "actor1",
    "actor2",
    "location",
    "country",
    "fatalities",
    "sources",
    "reviewed",
)


def _row(event: Event, sources: int | None, review: ReviewState | None) -> dict[str, Any]:
    flat = FlatEvent.of(event)
    if flat.acled_event_type is not None:
        kind = flat.acled_sub_event_type or flat.acled_event_type
    else:
        kind = flat.plover_type if flat.plover_type is not None else flat.category
    return {
        "date": flat.date_start.isoformat() if flat.date_start else "",
        "date_inferred": bool(flat.date_start and flat.date_inferred),
        "event_id": flat.id,
        "doc_id": flat.doc_id,
        "type": kind,
        "actor1": flat.actor1 or "",
        "actor2": flat.actor2 or "",
        "location": flat.place or "",
        "country": flat.country or "",
        "fatalities": "" if flat.fatalities is None else _number(flat.fatalities),
        "sources": "" if sources is None else sources,
        "reviewed": review.status if review else "",
    }


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _period(day: dt.date, series: str) -> str:
    if series == "day":
        return day.isoformat()
    if series == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    widths = {c: max([len(c), *(len(str(r[c])) for r in rows)]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns).rstrip() for r in rows]
    return "\n".join(lines)


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().rstrip("\n")


@click.command()
@db_option("The DuckDB database file (opened read-only).")
@filter_options(checked=False)
@include_rejected_option
@click.option(
    "--count",
    "count_only",
    is_flag=True,
    help='Print the number of events only ({"count": N} with --format json).',
)
@click.option(
    "--series",
    type=click.Choice(["day", "week", "month"]),
    default=None,
    help="Events per day, ISO week (2024-W09) or month (2024-03) of their start date; undated "
    "events are counted apart. Not with --count.",
)
@format_option(
    ["table", "json", "csv"],
    default="table",
    help="table: aligned columns. json: the event records, each with its sources and its review "
    "(null, or status, at, by, note, fields). csv: the table's columns.",
)
@bom_option
@click.pass_context
def query(
    ctx: click.Context,
    db: str,
    start: str | None,
    end: str | None,
    country: str | None,
    actor: str | None,
    event_type: str | None,
    bbox: str | None,
    modality: frozenset[str] | None,
    background: bool,
    min_sources: int | None,
    include_rejected: bool,
    count_only: bool,
    series: str | None,
    fmt: str,
    bom: bool,
) -> None:
    """Stored events that pass the filters: a table, a count or a time series.

    Events are shown as reviewed (frontwatch review): corrected values, rejected events left
    out unless --include-rejected; the reviewed column says which were.
    """
    if count_only and series:
        raise click.UsageError("--count and --series cannot be combined")
    if bom and (fmt != "csv" or count_only):
        raise click.UsageError("--bom is for CSV output (--format csv)")
    mark = BOM if bom else ""
    try:
        try:
            box = parse_bbox(bbox) if bbox else None
        except ValueError:
            raise ValueError("bbox needs four numbers") from None
        flt = EventFilter(
            start=start,
            end=end,
            country=country,
            actor=actor,
            event_type=event_type,
            bbox=box,
            modality=modality,
            background=background,
            min_sources=min_sources,
        )
    except ValidationError as err:
        raise click.UsageError(filter_error(err)) from None
    except ValueError as err:
        raise click.UsageError(f"invalid filter: {err}") from None
    store = open_store(ctx, db, read_only=True)
    with store:
        events = store.events(flt, include_rejected=include_rejected)
        counts = store.source_counts() if store.has_clusters else None
        states = store.review_states()
    if count_only:
        click.echo(json.dumps({"count": len(events)}) if fmt == "json" else str(len(events)))
        return
    if series:
        per = Counter(
            _period(e.date.start, series) for e in events if e.date and e.date.start is not None
        )
        rows = [{"period": p, "events": n} for p, n in sorted(per.items())]
        undated = sum(1 for e in events if not (e.date and e.date.start))
        if fmt == "json":
            click.echo(json.dumps({"series": rows, "undated": undated}, indent=2))
        elif fmt == "csv":
            click.echo(mark + _csv(rows, ("period", "events")))
        else:
            click.echo(_table(rows, ("period", "events")))
            if undated:
                click.echo(f"({undated} undated events not in the series)")
        return
    if fmt == "json":
        out = []
        for event in events:
            data = event.model_dump(mode="json")
            data["sources"] = None if counts is None else counts.get(event.id, 1)
            state = states.get(event.id)
            data["review"] = state.model_dump(mode="json") if state else None
            out.append(data)
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    rows = [
        _row(e, None if counts is None else counts.get(e.id, 1), states.get(e.id)) for e in events
    ]
    if fmt == "csv":
        click.echo(mark + _csv(rows, (*_TABLE_COLUMNS[:1], "date_inferred", *_TABLE_COLUMNS[1:])))
        return
    for row in rows:  # a date the text does not give says so
        if row["date_inferred"]:
            row["date"] = f"{row['date']} (inferred)"
    click.echo(_table(rows, _TABLE_COLUMNS))
