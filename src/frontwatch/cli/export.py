"""``frontwatch export``: the stored events as ACLED CSV, PLOVER JSON, GeoJSON or Parquet.

Exit codes: 0 success; 2 usage or fatal error (bad filter, no database, database being
migrated). Formats: docs/exports.md.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import click
from pydantic import ValidationError

from ..export import FORMATS
from .options import (
    EXIT_FATAL,
    bom_option,
    db_option,
    filter_error,
    filter_options,
    format_option,
    output_option,
)


@click.command()
@format_option(FORMATS, default=None, help="The export format (docs/exports.md).")
@db_option("The DuckDB database file, opened read-only. A missing database is an error (exit 2).")
@output_option
@filter_options(checked=True)
@click.option(
    "--merge/--no-merge",
    default=True,
    show_default=True,
    help="--merge: one record per real event: reports of the same event in several documents "
    "(the store's clusters) are written once, as the cluster's representative event, with "
    "every outlet and the number of independent sources. --no-merge: one record per event of "
    "each document.",
)
@bom_option
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
    modality: frozenset[str] | None,
    background: bool,
    min_sources: int | None,
    merge: bool,
    bom: bool,
) -> None:
    """Export the stored events that pass the filters."""
    from ..export import CSV_FORMATS, write_export
    from ..filters import EventFilter
    from ..situation import EventCluster, cluster_events
    from ..store import Store, StoreError

    if bom and fmt not in CSV_FORMATS:
        raise click.UsageError(f"--bom is for CSV output ({', '.join(CSV_FORMATS)})", ctx)
    try:
        event_filter = EventFilter(
            start=start,
            end=end,
            country=country,
            actor=actor,
            event_type=event_type,
            bbox=bbox,
            modality=modality,
            background=background,
            min_sources=min_sources,
        )
    except ValidationError as err:
        raise click.UsageError(filter_error(err), ctx) from None
    try:
        with Store.open(db, read_only=True, clusterer=cluster_events) as store:
            events = store.events(event_filter)
            clusters: list[Any] | None = store.clusters(EventCluster) if merge else None
            documents = {doc.id: doc for doc in store.documents()}
    except StoreError as err:
        click.echo(f"error: {err}", err=True)
        ctx.exit(EXIT_FATAL)
        return
    if output is None or output == "-":
        target: Any = sys.stdout.buffer if fmt == "parquet" else sys.stdout
    else:
        target = output
    stats = write_export(fmt, events, target, clusters=clusters, documents=documents, bom=bom)
    click.echo(stats.summary(), err=True)
