"""What the commands share: exit codes, settings loading, error reporting, output and progress,
and the option decorators (``--db``, the event filters, ``--output``, ``--progress``, ...).

Every command of :mod:`frontwatch.cli` takes its common options from here, as sqlite-utils'
commands take ``output_options``: an option is declared once, so its name, default and help
cannot drift between commands.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

import click
from pydantic import ValidationError
from tqdm import tqdm

from ..dates import parse_iso_date
from ..filters import country_code, parse_bbox, parse_modalities
from ..records import MODALITIES
from ..settings import Settings, load_settings

if TYPE_CHECKING:
    from ..store import Store

#: Some inputs were skipped (each reported with its error code); the others were processed.
EXIT_SKIPPED = 1
#: Usage or fatal error: bad option, invalid settings or data file, unusable database.
EXIT_FATAL = 2
#: The store of every command that reads or writes one (``frontwatch.store.DEFAULT_PATH``,
#: checked by the tests; not imported, so that the command line loads without the store).
DEFAULT_DB = "frontwatch.duckdb"

F = TypeVar("F", bound=Callable[..., Any])


def obj(ctx: click.Context) -> dict[str, Any]:
    """The context object: ``config`` (the ``--config`` path), ``settings`` once loaded, and
    ``extractor`` when a caller (a test) passes one in."""
    value: dict[str, Any] = ctx.ensure_object(dict)
    return value


def settings(ctx: click.Context) -> Settings:
    """The settings of this run, loaded once (``--config`` over the defaults)."""
    state = obj(ctx)
    if "settings" not in state:
        state["settings"] = load_settings(state.get("config"))  # E102: exit 2 via the group
    loaded: Settings = state["settings"]
    return loaded


def fail(ctx: click.Context, err: Exception | str) -> NoReturn:
    """Report ``err`` on standard error and exit with :data:`EXIT_FATAL`."""
    click.echo(f"error: {err}", err=True)
    ctx.exit(EXIT_FATAL)
    raise AssertionError("unreachable: ctx.exit raises")  # pragma: no cover


def open_store(ctx: click.Context, db: str, *, read_only: bool = False) -> Store:
    """The store at ``db`` for this command: clusters by ``frontwatch.situation``, the wait of
    the ``store_wait`` setting; a store that cannot be used is reported (its E3xx code) and
    ends the command with :data:`EXIT_FATAL`."""
    from ..situation import cluster_events
    from ..store import Store, StoreError

    try:
        return Store.open(
            db, read_only=read_only, clusterer=cluster_events, wait=settings(ctx).store_wait
        )
    except StoreError as err:
        fail(ctx, err)


def show_progress(flag: bool | None) -> bool:
    """``--progress``/``--no-progress``, else whether standard error is a terminal."""
    return sys.stderr.isatty() if flag is None else flag


def progress_bar(
    flag: bool | None, desc: str, unit: str, *, total: int | None = None, leave: bool = False
) -> tqdm:
    """A progress bar on standard error, shown as :func:`show_progress` says; with a
    ``total`` it shows the share done and the time left."""
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        disable=not show_progress(flag),
        file=sys.stderr,
        leave=leave,
    )


def inputs_total(flag: bool | None, inputs: tuple[str, ...]) -> int | None:
    """The number of documents in ``inputs`` when a bar is shown and it can be known
    beforehand (:func:`frontwatch.ingest.count.count_documents`), for the bar's total."""
    if not show_progress(flag):
        return None
    from ..ingest.count import count_documents

    return count_documents(inputs)


def loading_line(flag: bool | None) -> None:
    """One line on standard error while the pipeline loads (seconds before the first document
    moves the bar), shown with the bar."""
    if show_progress(flag):
        click.echo("loading the language model and the gazetteer...", err=True)


@contextmanager
def output_file(path: str | None) -> Iterator[TextIO]:
    """Standard output for ``None`` or ``-``; else ``PATH.part``, renamed to ``PATH`` at the
    end, so that a crash never leaves a half-written output under the real name."""
    if path is None or path == "-":
        yield sys.stdout
        return
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        yield fh
    tmp.replace(target)


# -- option decorators ------------------------------------------------------------------------


def db_option(
    help: str = "The DuckDB database file.", *, metavar: str = "PATH"
) -> Callable[[F], F]:
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False),
        default=DEFAULT_DB,
        show_default=True,
        metavar=metavar,
        help=help,
    )


progress_option = click.option(
    "--progress/--no-progress",
    "progress",
    default=None,
    show_default="a bar when standard error is a terminal",
    help="Show or hide the progress bar on standard error: a line while the model loads, "
    "then the documents done, with the total and the time left when the inputs can be counted "
    "beforehand (files and folders; not standard input).",
)

output_option = click.option(
    "-o",
    "--output",
    "output",
    default=None,
    metavar="FILE",
    show_default="standard output",
    help="Where to write (- is standard output too). A file is written to FILE.part and renamed "
    "to FILE at the end, so a crash never leaves a half-written file under the real name.",
)

published_option = click.option(
    "--published",
    default=None,
    metavar="YYYY-MM-DD",
    help="Publication date for documents without their own (plain text files, JSON Lines lines "
    'without "published"). Relative dates ("on Saturday", "last week") are resolved against '
    "it; without any date they keep their text and span but their start and end are null. A "
    "bad date is E009 (exit 2).",
)

bom_option = click.option(
    "--bom",
    is_flag=True,
    help="Start the CSV with a UTF-8 byte order mark, so that spreadsheet programs (Excel) read "
    "it as UTF-8 rather than in a local code page. CSV output only.",
)

workers_option = click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    show_default="the workers setting (0: one per CPU core)",
    help="Worker processes, each loading the pipeline once; documents go to them in chunks of "
    "16, a bounded number at a time, and the output keeps the input order. 1, or an input of "
    "fewer than two chunks per worker, extracts in the command's own process. The output is "
    "the same for any N.",
)


include_rejected_option = click.option(
    "--include-rejected",
    is_flag=True,
    help="Keep the events an analyst rejected (frontwatch review reject); by default they are "
    "left out. Reviewed values are used either way.",
)


def format_option(
    choices: list[str] | tuple[str, ...], default: str | None, help: str
) -> Callable[[F], F]:
    """``--format`` among ``choices``; required when there is no default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        required=default is None,
        show_default=default is not None,
        help=help,
    )


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_iso_date(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", ctx, param) from None


def _modalities(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> frozenset[str] | None:
    try:
        return parse_modalities(value)
    except ValueError as err:
        raise click.BadParameter(str(err), ctx, param) from None


def country_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--country``: an ISO 3166-1 alpha-2 code, an alpha-3 code or an English name, to the
    alpha-2 code; a usage error that says which code to use otherwise."""
    if value is None:
        return None
    try:
        return country_code(value)
    except ValueError as err:
        raise click.BadParameter(str(err), ctx, param) from None


def filter_error(err: ValidationError) -> str:
    """A filter's validation errors as a person reads them: ``field: message; ...``."""
    problems = []
    for error in err.errors():
        where = ".".join(str(part) for part in error.get("loc", ()))
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    return "invalid filter: " + "; ".join(problems)


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


def filter_options(*, checked: bool) -> Callable[[F], F]:
    """The event filters of :class:`frontwatch.filters.EventFilter`: ``--start``, ``--end``,
    ``--country``, ``--actor``, ``--type`` (parameter ``event_type``), ``--bbox``,
    ``--modality`` (a frozenset, or None for all; default the factual modalities),
    ``--background/--no-background`` and ``--min-sources``.

    ``checked``: ``--start``, ``--end`` and ``--bbox`` are parsed by the options (a bad value is
    a usage error naming the option: ``export``); otherwise the command gets the strings and
    builds the filter itself (``query``, which words its own errors).
    """
    dates: dict[str, Any] = {"callback": _date} if checked else {"default": None}
    box: dict[str, Any] = {"callback": _bbox} if checked else {"default": None}
    options = [
        click.option(
            "--start",
            metavar="YYYY-MM-DD",
            help="Events whose date interval ends on or after this date (undated events are left "
            "out when a date bound is given).",
            **dates,
        ),
        click.option(
            "--end",
            metavar="YYYY-MM-DD",
            help="Events whose date interval starts on or before this date.",
            **dates,
        ),
        click.option(
            "--country",
            default=None,
            metavar="COUNTRY",
            callback=country_callback,
            help="The country of the event location: an ISO 3166-1 alpha-2 code (IQ, any case), "
            "an alpha-3 code (IRQ) or an English name (Iraq).",
        ),
        click.option(
            "--actor",
            default=None,
            help="Case-insensitive substring of either actor's canonical name or text (members of "
            "coordinated actors included).",
        ),
        click.option(
            "--type",
            "event_type",
            default=None,
            help="An ACLED event type (Battles) or sub-type (Air/drone strike), a PLOVER type "
            "(FIGHT) or a category (protest), case-insensitive.",
        ),
        click.option(
            "--bbox",
            metavar="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT",
            help="Bounding box containing the event location.",
            **box,
        ),
    ]
    options += [
        click.option(
            "--modality",
            multiple=True,
            callback=_modalities,
            metavar="MODALITIES",
            show_default="asserted,reported",
            help="The modalities of the events: comma-separated or repeated "
            f"({', '.join(MODALITIES)}), or all. Default: the factual ones, asserted and "
            "reported.",
        ),
        click.option(
            "--background/--no-background",
            default=False,
            show_default=True,
            help="Also background events: historical ones (well before the publication) and "
            "aggregates (a toll over a whole war); they are left out by default.",
        ),
    ]
    options.append(
        click.option(
            "--min-sources",
            type=click.IntRange(min=1),
            default=None,
            metavar="N",
            help="Events confirmed by at least N independent sources (the store's situation "
            "clusters; an event in no cluster has one).",
        )
    )

    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate
