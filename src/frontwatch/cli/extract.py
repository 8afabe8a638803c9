"""``frontwatch extract``, ``geoparse`` and ``schema``: events, places and the record schema."""

from __future__ import annotations

import json
import logging

import click

from ..errors import DocumentError
from ..output import BOM, FORMATS
from .options import (
    EXIT_SKIPPED,
    bom_option,
    format_option,
    inputs_total,
    loading_line,
    output_file,
    output_option,
    progress_bar,
    progress_option,
    published_option,
    settings,
    workers_option,
)

logger = logging.getLogger("frontwatch")


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@output_option
@format_option(
    FORMATS,
    default="jsonl",
    help="jsonl: one event a line (JSON Lines). json: one JSON array of events. csv: one flat "
    "row per event (the columns of docs/cli.md).",
)
@published_option
@click.option(
    "--with-flags",
    is_flag=True,
    help="One document a line instead of one event a line: a DocumentResult with the "
    "document's events, flags (malformed or inconsistent numbers), sources and toponyms. With "
    "--format csv the rows are still events.",
)
@progress_option
@workers_option
@bom_option
@click.pass_context
def extract(
    ctx: click.Context,
    inputs: tuple[str, ...],
    output: str | None,
    fmt: str,
    published: str | None,
    with_flags: bool,
    progress: bool | None,
    workers: int | None,
    bom: bool,
) -> None:
    """Extract events from INPUTS: .txt, .html, .jsonl, .json, feeds, folders, or - (stdin)."""
    from ..ingest import iter_documents
    from ..output import ResultWriter
    from ..pipeline import parse_date
    from ..pipeline.parallel import extract_parallel

    if bom and fmt != "csv":
        raise click.UsageError("--bom is for CSV output (--format csv)", ctx)
    config = settings(ctx)
    date = parse_date(published)
    skipped = 0
    total = inputs_total(progress, inputs)
    loading_line(progress)
    with (
        output_file(output) as out,
        progress_bar(progress, "extract", "doc", total=total) as bar,
    ):
        if bom:
            out.write(BOM)
        writer = ResultWriter(out, fmt, documents=with_flags)
        for item in extract_parallel(
            iter_documents(inputs, published=date, settings=config),
            config,
            workers=config.workers if workers is None else workers,
        ):
            bar.update(1)
            if isinstance(item, DocumentError):
                skipped += 1
                click.echo(f"skipped: {item}", err=True)
                continue
            writer.write(item)
            bar.set_postfix(events=writer.count)
        writer.close()
    logger.info(
        "%s %s written; %s inputs skipped",
        writer.count,
        "documents" if with_flags else "events",
        skipped,
    )
    if skipped:
        ctx.exit(EXIT_SKIPPED)


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@output_option
@published_option
@progress_option
@click.pass_context
def geoparse(
    ctx: click.Context,
    inputs: tuple[str, ...],
    output: str | None,
    published: str | None,
    progress: bool | None,
) -> None:
    """Every place mention in INPUTS, resolved to GeoNames (JSON Lines)."""
    from ..ingest import iter_documents
    from ..pipeline import Extractor, parse_date

    config = settings(ctx)
    total = inputs_total(progress, inputs)
    loading_line(progress)
    extractor = Extractor(config)
    skipped = 0
    with (
        output_file(output) as out,
        progress_bar(progress, "geoparse", "doc", total=total) as bar,
    ):
        for item in extractor.extract_many(
            iter_documents(inputs, published=parse_date(published), settings=config)
        ):
            bar.update(1)
            if isinstance(item, DocumentError):
                skipped += 1
                click.echo(f"skipped: {item}", err=True)
                continue
            for toponym in item.toponyms:
                out.write(json.dumps(toponym.model_dump(mode="json"), ensure_ascii=False) + "\n")
    if skipped:
        ctx.exit(EXIT_SKIPPED)


@click.command()
def schema() -> None:
    """Print the JSON Schema of the event record."""
    from ..records import event_json_schema

    click.echo(json.dumps(event_json_schema(), indent=2))
