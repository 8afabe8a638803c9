"""``frontwatch watch FEEDS_FILE``: poll feeds and ingest new articles into the store.

Exit codes: 0 success; 1 with ``--once``, some feeds failed (each reported with its error
code); 2 usage or fatal error (bad option, invalid feeds file E101, invalid settings).

The sink is made by :func:`make_sink` (tests replace it): each feed's new documents are
extracted and stored in one transaction; the store is opened for that batch only, so other
writers (``ingest``, ``serve``) get the database between rounds, and a batch that finds the
database locked is queued in its spool.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from ..errors import DocumentError, FrontwatchError
from ..ingest.feeds import DEFAULT_USER_AGENT, FeedsFile, Sink, Watcher, parse_duration
from ..records import Document
from .options import EXIT_FATAL, EXIT_SKIPPED, db_option, obj, open_store, settings

logger = logging.getLogger(__name__)


def make_sink(ctx: click.Context, db: str) -> Sink:
    """Extract events from a batch of documents and store both in ``db``."""
    from ..store import extract_pairs
    from .store import report_ingest

    state = obj(ctx)
    extractor = state.get("extractor")
    if extractor is None:
        from ..pipeline import Extractor

        extractor = state["extractor"] = Extractor(settings(ctx))

    def sink(documents: list[Document]) -> None:
        skipped: list[DocumentError] = []

        def pairs() -> Iterator[tuple[Document, Any]]:
            for item in extract_pairs(extractor, documents):
                if isinstance(item, DocumentError):
                    skipped.append(item)
                    click.echo(f"skipped: {item}", err=True)
                else:
                    yield item

        with open_store(ctx, db) as store:
            report_ingest(store, store.ingest(pairs()))

    return sink


def _duration(ctx: click.Context, param: click.Parameter, value: str) -> dt.timedelta:
    try:
        return parse_duration(value, allow_zero=param.name == "politeness")
    except ValueError as err:
        raise click.BadParameter(str(err), ctx=ctx, param=param) from None


@click.command()
@click.argument("feeds_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--every",
    default="15m",
    show_default=True,
    callback=_duration,
    metavar="DURATION",
    help="Time between two polls of a feed (30s, 15m, 1h, 1h30m, 2d; bare numbers are seconds). "
    "A feed's own every in the feeds file wins.",
)
@db_option(
    "The DuckDB database file. Each feed's new documents are stored in one transaction; the "
    "database is opened for that batch only, so ingest and serve can write between rounds. When "
    "another process holds the database, the batch is queued in its spool."
)
@click.option(
    "--once",
    is_flag=True,
    help="Poll every feed once (whether due or not), print one line per feed, and exit.",
)
@click.option(
    "--politeness",
    default="2s",
    show_default=True,
    callback=_duration,
    metavar="DURATION",
    help="Least time from the end of one request to a host to the start of the next request to "
    "the same host (feeds and article pages alike). 0s allowed.",
)
@click.option(
    "--timeout",
    default="20s",
    show_default=True,
    callback=_duration,
    metavar="DURATION",
    help="Socket timeout of one request (connecting, and each read); a response body must also "
    "arrive within three timeouts in all, so a server that trickles bytes is cut off.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    metavar="N",
    help="Retries of a request that timed out, was reset or refused, or got HTTP 408, 425, 429, "
    "500, 502, 503 or 504, waiting 1 s, 2 s, 4 s... between attempts. Other HTTP errors and "
    "feeds that do not parse are not retried.",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    show_default="DB.watch.json",
    help="The state file: HTTP validators and the entries already seen, per feed.",
)
@click.option(
    "--user-agent",
    default=DEFAULT_USER_AGENT,
    show_default="frontwatch/VERSION (+https://github.com/frontwatch/frontwatch)",
    help="The User-Agent header sent with every request.",
)
@click.pass_context
def watch(
    ctx: click.Context,
    feeds_file: str,
    every: dt.timedelta,
    db: str,
    once: bool,
    politeness: dt.timedelta,
    timeout: dt.timedelta,
    retries: int,
    state_path: str | None,
    user_agent: str,
) -> None:
    """Poll the RSS/Atom feeds of FEEDS_FILE and ingest every new article into the database.

    FEEDS_FILE lists http(s) URLs, file:// URLs or paths of feed files, or is one RSS or Atom
    feed itself; local feeds are read offline (docs/feeds.md)."""
    try:
        feeds = FeedsFile.load(feeds_file)
        config = settings(ctx)
        sink = make_sink(ctx, db)
        open_store(ctx, db).close()  # a store that cannot be used stops it now (E3xx, exit 2)
    except FrontwatchError as err:
        click.echo(f"error: {err}", err=True)
        ctx.exit(EXIT_FATAL)
        return
    watcher = Watcher(
        feeds.feeds,
        sink,
        every=every,
        politeness=politeness,
        retries=retries,
        timeout=timeout,
        user_agent=user_agent,
        state_path=state_path or f"{db}.watch.json",
        settings=config,
    )
    if once:
        result = watcher.run_once()
        for feed in result.feeds:
            click.echo(f"{feed.url}: {feed.status}, {feed.documents} new documents", err=True)
            for error in feed.errors:
                click.echo(f"skipped: {error}", err=True)
        if result.failed:
            ctx.exit(EXIT_SKIPPED)
        return
    stop = threading.Event()
    click.echo(f"watching {len(feeds.feeds)} feeds every {every}; Ctrl-C stops", err=True)
    with _stop_on_sigterm(stop):
        try:
            watcher.run_forever(stop)
        except KeyboardInterrupt:
            stop.set()
    click.echo("stopped", err=True)


@contextmanager
def _stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    """SIGTERM sets ``stop`` (the round in progress finishes) while in the block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
