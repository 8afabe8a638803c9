"""``frontwatch serve``: the HTTP API and the web UI over a store (docs/api.md)."""

from __future__ import annotations

import logging
import secrets
import socket
from pathlib import Path
from typing import Literal, get_args

import click

from ..errors import FrontwatchError
from .options import EXIT_FATAL, db_option, settings

logger = logging.getLogger(__name__)


@click.command()
@db_option(
    help="The store to serve. Other commands can use it meanwhile; the server shows what they "
    "store within seconds (docs/store.md)."
)
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
    help="Port to listen on (0: a free port, printed).",
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
    "--review",
    "review",
    is_flag=True,
    help="Enable review writes (accept, reject, correct, merge, split: docs/api.md). They need the "
    "review token, and are refused from other sites and to other Host names. Without it the "
    "server is read-only.",
)
@click.option(
    "--review-token",
    envvar="FRONTWATCH_REVIEW_TOKEN",
    default=None,
    metavar="TOKEN",
    show_default="generated and printed",
    help="The bearer token of review writes, at least 16 characters. The address printed at start "
    "carries it after # (http://127.0.0.1:PORT/#token=TOKEN): the page keeps it for the session "
    "and removes it from the address bar.",
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
    review: bool,
    review_token: str | None,
    tiles: str | None,
) -> None:
    """Serve the HTTP API (/api, docs at /api/docs) and the web map (/) over the store DB."""
    import duckdb
    import uvicorn

    from ..api.app import ServeError, create_app

    if port == 0:
        port = _free_port(host)
    if review and review_token is None:
        review_token = secrets.token_urlsafe()
    try:
        config = settings(ctx)
        if token is not None and not allow_ingest:
            click.echo("note: --token given without --allow-ingest: writes stay disabled", err=True)
        if review_token is not None and not review:
            click.echo("note: --review-token given without --review: reviews stay off", err=True)
        app = create_app(
            Path(db),
            settings=config,
            allow_ingest=allow_ingest,
            token=token,
            tiles_url=tiles,
            review=review,
            review_token=review_token,
            hosts=_hosts(host, port),
        )
    except (ServeError, FrontwatchError) as err:
        click.echo(f"error: {err}", err=True)
        ctx.exit(EXIT_FATAL)
    except (duckdb.Error, OSError) as err:
        click.echo(f"error: cannot serve {db}: {err}", err=True)
        ctx.exit(EXIT_FATAL)
    if host not in LOOPBACK:
        click.echo(
            f"warning: listening on {host}: the API is reachable from other machines", err=True
        )
    base = f"http://{_netloc(host, port)}/"
    click.echo(f"serving {db} at {base} (API docs: /api/docs)", err=True)
    if review:
        click.echo(f"review enabled: open {base}#token={review_token}", err=True)
    # the client address comes from the app (trusted_proxies), never from uvicorn
    uvicorn.run(
        app, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False
    )


Loopback = Literal["127.0.0.1", "localhost", "::1"]
LOOPBACK: tuple[str, ...] = get_args(Loopback)


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _hosts(host: str, port: int) -> set[str]:
    """The Host headers of requests to this server: its address (all loopback names when it
    listens on loopback), with the port, and without it for port 80."""
    names = set(LOOPBACK) if host in LOOPBACK else {host}
    out = {_netloc(name, port) for name in names}
    if port == 80:
        out |= {f"[{name}]" if ":" in name else name for name in names}
    return out


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port
