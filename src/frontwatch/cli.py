"""The ``frontwatch`` command: a thin layer over the library.

Exit codes: 0 success; 1 some inputs were skipped (each reported with its error code);
2 usage or fatal error (bad option, invalid settings or data file).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click
from tqdm import tqdm

from .about import __version__
from .errors import DocumentError, FrontwatchError
from .settings import Settings, load_settings

logger = logging.getLogger("frontwatch")

EXIT_SKIPPED = 1
EXIT_FATAL = 2


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def _settings(ctx: click.Context) -> Settings:
    obj: dict[str, Any] = ctx.ensure_object(dict)
    if "settings" not in obj:
        obj["settings"] = load_settings(obj.get("config"))  # E102 exits 2 via _Group
    settings: Settings = obj["settings"]
    return settings


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        yield fh
    tmp.replace(target)  # a crash never leaves a half-written output under the real name


def _progress(show: bool, desc: str, unit: str, total: int | None = None) -> tqdm:
    return tqdm(total=total, desc=desc, unit=unit, disable=not show, file=sys.stderr, leave=False)


def _show_progress(flag: bool | None) -> bool:
    return sys.stderr.isatty() if flag is None else flag


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FrontwatchError as err:
            click.echo(f"error: {err}", err=True)
            ctx.exit(EXIT_FATAL)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="frontwatch")
@click.option(
    "--config", type=click.Path(dir_okay=False), help="Settings file (TOML) over the defaults."
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.pass_context
def cli(ctx: click.Context, config: str | None, verbose: int, quiet: bool) -> None:
    """frontwatch: conflict news in, events with evidence out."""
    _configure_logging(verbose, quiet)
    ctx.ensure_object(dict)["config"] = config


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "output", default=None, help="Output file (default: stdout).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv"]),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--published",
    default=None,
    metavar="YYYY-MM-DD",
    help="Publication date for documents without one.",
)
@click.option(
    "--with-flags", is_flag=True, help="One document a line: its events, flags and sources."
)
@click.option(
    "--progress/--no-progress",
    "progress",
    default=None,
    help="Progress bar (default: when stderr is a terminal).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Worker processes (default: the `workers` setting; 0: one per CPU core).",
)
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
) -> None:
    """Extract events from INPUTS: .txt, .html, .jsonl, .json, feeds, folders, or - (stdin)."""
    from .ingest import iter_documents
    from .output import ResultWriter
    from .parallel import extract_parallel
    from .pipeline import parse_date

    settings = _settings(ctx)
    date = parse_date(published)
    skipped = 0
    with _output(output) as out, _progress(_show_progress(progress), "extract", "doc") as bar:
        writer = ResultWriter(out, fmt, documents=with_flags)
        for item in extract_parallel(
            iter_documents(inputs, published=date, settings=settings),
            settings,
            workers=settings.workers if workers is None else workers,
        ):
            if isinstance(item, DocumentError):
                skipped += 1
                click.echo(f"skipped: {item}", err=True)
                continue
            writer.write(item)
            bar.update(1)
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


@cli.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--predictions-out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the predictions (JSON Lines of document results).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option(
    "--progress/--no-progress",
    "progress",
    default=None,
    help="Progress bar (default: when stderr is a terminal).",
)
@click.pass_context
def eval_(
    ctx: click.Context, gold: str, predictions_out: str | None, as_json: bool, progress: bool | None
) -> None:
    """Score extraction on a GOLD file (format: docs/gold-format.md)."""
    from .eval.runner import evaluate_extractor
    from .pipeline import Extractor

    extractor = Extractor(_settings(ctx))
    with _progress(_show_progress(progress), "eval", "doc") as bar:

        def tick(done: int, total: int) -> None:
            bar.total = total
            bar.update(1)

        report = evaluate_extractor(extractor, gold, predictions_out=predictions_out, progress=tick)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(report.to_table())


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "output", default=None, help="Output file (default: stdout).")
@click.option(
    "--published",
    default=None,
    metavar="YYYY-MM-DD",
    help="Publication date for documents without one.",
)
@click.option(
    "--progress/--no-progress",
    "progress",
    default=None,
    help="Progress bar (default: when stderr is a terminal).",
)
@click.pass_context
def geoparse(
    ctx: click.Context,
    inputs: tuple[str, ...],
    output: str | None,
    published: str | None,
    progress: bool | None,
) -> None:
    """Every place mention in INPUTS, resolved to GeoNames (JSON Lines)."""
    from .ingest import iter_documents
    from .pipeline import Extractor, parse_date

    settings = _settings(ctx)
    extractor = Extractor(settings)
    skipped = 0
    with _output(output) as out, _progress(_show_progress(progress), "geoparse", "doc") as bar:
        for item in extractor.extract_many(
            iter_documents(inputs, published=parse_date(published), settings=settings)
        ):
            if isinstance(item, DocumentError):
                skipped += 1
                click.echo(f"skipped: {item}", err=True)
                continue
            for toponym in item.toponyms:
                out.write(json.dumps(toponym.model_dump(mode="json"), ensure_ascii=False) + "\n")
            bar.update(1)
    if skipped:
        ctx.exit(EXIT_SKIPPED)


@cli.group()
def gazetteer() -> None:
    """The offline GeoNames gazetteer index."""


@gazetteer.command(name="build")
@click.option(
    "--geonames",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="An official GeoNames dump (allCountries.zip, XX.zip or .txt) to index in full.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Index file (default: the cache directory).",
)
@click.option(
    "--if-needed",
    is_flag=True,
    help="Only when the index is missing or was built from older data.",
)
def gazetteer_build(geonames: str | None, output: str | None, if_needed: bool) -> None:
    """Build the gazetteer index from the bundled GeoNames data (or a full dump)."""
    from .gazetteer.build import build_gazetteer
    from .gazetteer.index import default_index_path, is_current

    target = Path(output) if output else default_index_path()
    if if_needed and geonames is None and is_current(target):
        click.echo(str(target))
        return
    path = build_gazetteer(
        target,
        Path(geonames) if geonames else None,
        progress=lambda msg: click.echo(msg, err=True),
    )
    click.echo(str(path))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the event record."""
    from .records import event_json_schema

    click.echo(json.dumps(event_json_schema(), indent=2))


def _register_commands() -> None:
    """Commands whose code lives with the library part they drive."""
    from .api.commands import serve
    from .export_command import export
    from .ingest.watch_command import watch
    from .situation.commands import situation
    from .store.commands import ingest, query, reprocess

    for command in (ingest, reprocess, query, situation, watch, export, serve):
        cli.add_command(command)


_register_commands()


def main() -> None:
    cli(obj={})


if __name__ == "__main__":
    main()
