"""Atheris target: fuzzed query strings and paths -> the HTTP API -> never a 5xx.

    .venv/bin/python tests/fuzz/fuzz_api.py -atheris_runs=20000 -max_len=512 -timeout=10

The app runs in process over the small store of tests/test_api.py, with ingest enabled; the
first byte picks the route, the rest is the raw query string (or the POST body).
"""

from __future__ import annotations

import sys
import urllib.parse

import atheris

with atheris.instrument_imports(include=["frontwatch"]):
    from _common import WORKDIR
    from fastapi.testclient import TestClient

    from frontwatch.api.app import create_app
    from frontwatch.ingest.screen import screen
    from frontwatch.records import Document, DocumentResult
    from frontwatch.settings import load_settings
    from frontwatch.store import Store
    from test_api import OPEN, build_store, fixed_clusters
    from test_api_security import TOKEN, fake_extract

ROUTES = (
    ("GET", "/api/events"),
    ("GET", "/api/export"),
    ("GET", "/api/actors"),
    ("GET", "/api/places"),
    ("GET", "/api/situation"),
    ("GET", "/api/events/ev-capture"),
    ("GET", "/api/documents/north-1"),
    ("GET", "/api/health"),
    ("GET", "/"),
    ("POST", "/api/documents"),
)


SETTINGS = load_settings()


def _extract(document: Document) -> DocumentResult:
    """The test stand-in extractor behind the real extractor's screen."""
    screen(document, SETTINGS)
    return fake_extract(document)


def _client() -> TestClient:
    db = WORKDIR / "fuzz.duckdb"
    build_store(db).close()
    app = create_app(
        db,
        settings=SETTINGS,
        store=Store.open(db, clusterer=fixed_clusters),
        extract=_extract,
        drain_interval=None,
        allow_ingest=True,
        token=TOKEN,
        limits=OPEN,
    )
    client = TestClient(app)
    client.__enter__()
    return client


CLIENT = _client()


def test_one_input(data: bytes) -> None:
    if not data:
        return
    method, path = ROUTES[data[0] % len(ROUTES)]
    rest = data[1:]
    if method == "POST":
        response = CLIENT.post(
            path,
            content=rest,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
    else:
        query = urllib.parse.quote(rest, safe="=&%")  # any bytes, as a client would send them
        response = CLIENT.get(f"{path}?{query}")
    assert response.status_code < 500, (method, path, rest, response.text[:300])


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
