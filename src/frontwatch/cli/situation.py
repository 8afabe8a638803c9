"""``frontwatch situation``: the situation of a store as of a date, as a table or JSON.

Exit codes: 0 success; 2 usage or fatal error (bad date or country, unreadable database).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import click

from ..dates import parse_iso_date
from .options import (
    country_callback,
    db_option,
    format_option,
    include_rejected_option,
    open_store,
)

logger = logging.getLogger(__name__)


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_iso_date(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a valid ISO date (YYYY-MM-DD)") from None


@click.command()
@db_option()
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM-DD",
    callback=_as_of,
    show_default="everything stored",
    help="The state on this date: events dated after it are left out.",
)
@click.option(
    "--country",
    default=None,
    metavar="COUNTRY",
    callback=country_callback,
    help="Only events located in this country: an ISO 3166-1 alpha-2 code (SY, any case), an "
    "alpha-3 code (SYR) or an English name (Syria).",
)
@include_rejected_option
@format_option(["table", "json"], default="table", help="Output format.")
@click.pass_context
def situation(
    ctx: click.Context,
    db: str,
    as_of: dt.date | None,
    country: str | None,
    include_rejected: bool,
    fmt: str,
) -> None:
    """Control of places, materiel, displacement, casualties and sources, as of a date.

    Built from the events as reviewed (frontwatch review): corrected values, rejected events
    left out unless --include-rejected, reports merged or split as the analysts said.
    """
    from ..situation import build_situation, cluster_events, format_table

    with open_store(ctx, db, read_only=True) as store:
        results, duplicates, constraints = store.cluster_inputs(include_rejected=include_rejected)
    clusters = cluster_events(results, duplicates, **constraints)
    report = build_situation(clusters, as_of=as_of, country=country)
    logger.info("%s clusters from %s documents", len(clusters), len(results))
    if fmt == "json":
        click.echo(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        click.echo(format_table(report), nl=False)
