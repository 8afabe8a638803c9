"""The ``frontwatch`` group: global options, logging, and the commands of every module."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from ..about import __version__
from ..errors import FrontwatchError
from . import eval as eval_commands
from . import export, extract, gazetteer, serve, situation, store, train, watch
from .options import EXIT_FATAL, obj


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


class _Group(click.Group):
    """A :class:`~frontwatch.errors.FrontwatchError` out of any command exits 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FrontwatchError as err:
            click.echo(f"error: {err}", err=True)
            ctx.exit(EXIT_FATAL)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="frontwatch")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="A settings file (TOML) over the defaults (docs/settings.md). Without it, the file named "
    "by the environment variable FRONTWATCH_CONFIG, if any.",
)
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="More log output on standard error: -v info (e.g. the count of events written), -vv "
    "debug. Default: warnings and errors.",
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors on standard error.")
@click.pass_context
def cli(ctx: click.Context, config: str | None, verbose: int, quiet: bool) -> None:
    """frontwatch: conflict news in, events with evidence out."""
    _configure_logging(verbose, quiet)
    obj(ctx)["config"] = config


for _command in (
    extract.extract,
    eval_commands.eval_,
    extract.geoparse,
    gazetteer.gazetteer,
    extract.schema,
    store.ingest,
    store.reprocess,
    store.query,
    situation.situation,
    watch.watch,
    export.export,
    serve.serve,
    train.train,
):
    cli.add_command(_command)


def main() -> None:
    cli(obj={})
