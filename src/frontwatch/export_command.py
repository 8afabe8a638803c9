"""``frontwatch export``: the stored events as ACLED CSV, PLOVER JSON, GeoJSON or Parquet.

Registered on the ``frontwatch`` group by :mod:`frontwatch.cli`. Exit codes: 0 success; 2 usage
or fatal error (bad filter, no database, database being migrated). Formats: docs/exports.md.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import click
from pydantic import ValidationError

from .export import FORMATS, write_export
from .filters import parse_bbox
from .ingest.watch_command import DEFAULT_DB

EXIT_FATAL = 2


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", ctx, param) from None


def _bbox(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        return parse_bbox(value)
    except ValueError:
        raise click.BadParameter(
            "expected four numbers: min_lon,min_lat,max_lon,max_lat", ctx, param
        ) from None


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Export format.")
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    default=DEFAULT_DB,
    show_default=True,
    help="The DuckDB database file.",
)
@click.option("-o", "--output", "output", default=None, help="Output file (default: stdout).")
@click.option("--start", callback=_date, metavar="YYYY-MM-DD", help="Events on or after this date.")
@click.option("--end", callback=_date, metavar="YYYY-MM-DD", help="Events on or before this date.")
@click.option("--country", default=None, help="ISO 3166-1 alpha-2 code of the event location.")
@click.option("--actor", default=None, help="Substring of either actor's name or text.")
@click.option(
    "--type",
    "event_type",
    default=None,
    help="ACLED type or sub-type, PLOVER type or category.",
)
@click.option(
    "--bbox",
    callback=_bbox,
    metavar="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT",
    help="Bounding box containing the event location.",
)
@click.option(
    "--min-sources",
    type=click.IntRange(min=1),
    default=None,
    help="At least this many independent sources.",
)
@click.option(
    "--merge/--no-merge",
    default=True,
    show_default=True,
    help="One record per real event (reports merged by the store's clusters), or per report.",
)
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    db: str,
    output: str | None,
    start: dt.date | None,
    end: dt.date | None,
    country: str | None,
    actor: str | None,
    event_type: str | None,
    bbox: tuple[float, float, float, float] | None,
    min_sources: int | None,
    merge: bool,
) -> None:
    """Export the stored events that pass the filters."""
    from .filters import EventFilter
    from .store import Store, StoreError

    try:
        event_filter = EventFilter(
            start=start,
            end=end,
            country=country,
            actor=actor,
            event_type=event_type,
            bbox=bbox,
            min_sources=min_sources,
        )
    except ValidationError as err:
        problems = "; ".join(str(e["msg"]) for e in err.errors())
        raise click.UsageError(f"invalid filter: {problems}", ctx) from None
    try:
        with Store.open(db, read_only=True) as store:
            events = store.events(event_filter)
            clusters: list[Any] | None = store.clusters() if merge else None
            documents = {doc.id: doc for doc in store.documents()}
    except StoreError as err:
        click.echo(f"error: {err}", err=True)
        ctx.exit(EXIT_FATAL)
        return
    if output is None or output == "-":
        target: Any = sys.stdout.buffer if fmt == "parquet" else sys.stdout
    else:
        target = output
    stats = write_export(fmt, events, target, clusters=clusters, documents=documents)
    click.echo(stats.summary(), err=True)
