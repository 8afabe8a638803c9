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
    bom_option,
    db_option,
    filter_error,
    filter_options,
    format_option,
    include_rejected_option,
    open_store,
    output_option,
)


@click.command()
@format_option(FORMATS, default=None, help="The export format (docs/exports.md).")
@db_option("The DuckDB database file, opened read-only. A missing database is an error (exit 2).")
@output_option
@filter_options(checked=True)
@include_rejected_option
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
    include_rejected: bool,
    merge: bool,
    bom: bool,
) -> None:
    """Export the stored events that pass the filters.

    Events are exported as reviewed (frontwatch review): corrected values, rejected events left
    out unless --include-rejected; the reviewed column or field says which were.
    """
    from ..export import CSV_FORMATS, write_export
    from ..filters import EventFilter
    from ..situation import EventCluster

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
    with open_store(ctx, db, read_only=True) as store:
        events = store.events(event_filter, include_rejected=include_rejected)
        clusters: list[Any] | None = store.clusters(EventCluster) if merge else None
        documents = {doc.id: doc for doc in store.documents()}
        reviews = {k: v.status for k, v in store.review_states().items()}
    if output is None or output == "-":
        target: Any = sys.stdout.buffer if fmt == "parquet" else sys.stdout
    else:
        target = output
    stats = write_export(
        fmt, events, target, clusters=clusters, documents=documents, bom=bom, reviews=reviews
    )
    click.echo(stats.summary(), err=True)
