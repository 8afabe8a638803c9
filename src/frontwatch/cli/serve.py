"""``frontwatch serve``: the HTTP API and the web UI over a store (docs/api.md)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from ..errors import FrontwatchError
from .options import EXIT_FATAL, db_option, settings

logger = logging.getLogger(__name__)


@click.command()
@db_option(help="The store to serve. The server becomes its single writer (docs/api.md).")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="HOST",
    help="Address to listen on. Anything but loopback prints a warning: the API has no TLS and "
    "no accounts; put it behind a reverse proxy to expose it.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    metavar="PORT",
    help="Port to listen on.",
)
@click.option(
    "--allow-ingest",
    is_flag=True,
    help="Enable POST /api/documents (needs --token).",
)
@click.option(
    "--token",
    envvar="FRONTWATCH_TOKEN",
    default=None,
    metavar="TOKEN",
    show_default="$FRONTWATCH_TOKEN",
    help="The bearer token of every write, at least 16 characters. Prefer the environment "
    "variable: a command line is visible to other users of the machine.",
)
@click.option(
    "--tiles",
    "tiles",
    default=None,
    metavar="URL",
    show_default="offline basemap only",
    help="A tile URL template (https://.../{z}/{x}/{y}.png) for an online basemap; the web UI "
    "reads it from GET /api/health (tiles_url).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    db: str,
    host: str,
    port: int,
    allow_ingest: bool,
    token: str | None,
    tiles: str | None,
) -> None:
    """Serve the HTTP API (/api, docs at /api/docs) and the web map (/) over the store DB."""
    import duckdb
    import uvicorn

    from ..api.app import ServeError, create_app
    from ..store import StoreError

    try:
        config = settings(ctx)
        if token is not None and not allow_ingest:
            click.echo("note: --token given without --allow-ingest: writes stay disabled", err=True)
        app = create_app(
            Path(db), settings=config, allow_ingest=allow_ingest, token=token, tiles_url=tiles
        )
    except (ServeError, FrontwatchError) as err:
        click.echo(f"error: {err}", err=True)
        ctx.exit(EXIT_FATAL)
    except (StoreError, duckdb.Error, OSError) as err:  # locked, too new, not a database
        click.echo(f"error: cannot serve {db}: {err}", err=True)
        ctx.exit(EXIT_FATAL)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            f"warning: listening on {host}: the API is reachable from other machines", err=True
        )
    click.echo(f"serving {db} at http://{host}:{port}/ (API docs: /api/docs)", err=True)
    # the client address comes from the app (trusted_proxies), never from uvicorn
    uvicorn.run(
        app, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False
    )
