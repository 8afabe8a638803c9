"""The ``frontwatch`` group: global options, logging, and the commands of every module.

A command's module is imported when the command runs (or is listed for help): ``frontwatch
extract`` does not import the store, the feeds or the API, and ``query``, ``situation``,
``export`` and ``serve`` never import spaCy (tests/test_cli_imports.py).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from ..about import __version__
from ..errors import FrontwatchError
from .options import EXIT_FATAL, obj

#: the commands, each by the function that imports its module (imports written out, so that
#: tests/test_architecture.py sees them)
COMMANDS = (
    "extract",
    "eval",
    "geoparse",
    "gazetteer",
    "schema",
    "ingest",
    "reprocess",
    "query",
    "situation",
    "watch",
    "export",
    "serve",
    "train",
    "review",
)


def _load(name: str) -> click.Command:
    """The command ``name`` of :data:`COMMANDS`, its module imported now."""
    if name in ("extract", "geoparse", "schema"):
        from . import extract

        return {"extract": extract.extract, "geoparse": extract.geoparse}.get(name, extract.schema)
    if name in ("ingest", "reprocess", "query"):
        from . import store

        return {"ingest": store.ingest, "reprocess": store.reprocess}.get(name, store.query)
    if name == "eval":
        from . import eval as eval_commands

        return eval_commands.eval_
    if name == "gazetteer":
        from . import gazetteer

        return gazetteer.gazetteer
    if name == "situation":
        from . import situation

        return situation.situation
    if name == "watch":
        from . import watch

        return watch.watch
    if name == "export":
        from . import export

        return export.export
    if name == "train":
        from . import train

        return train.train
    if name == "review":
        from . import review

        return review.review
    from . import serve

    return serve.serve


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
    """A :class:`~frontwatch.errors.FrontwatchError` out of any command exits 2; commands are
    imported from their module on first use (:data:`COMMANDS`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(_load(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

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


def all_commands(group: click.Group) -> dict[str, click.Command]:
    """Every command of ``group`` by name, each module imported (reference docs, tests)."""
    ctx = click.Context(group)
    found = {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


def main() -> None:
    cli(obj={})
