"""The HTTP API fuzzed from its own OpenAPI document, every write behind the token, no traversal.

schemathesis generates requests for every operation of ``/openapi.json`` (query parameters,
path parameters and the ingest body) and sends them in process; none may get a 5xx. The
injection, size and rate-limit tests are in tests/test_api_security.py; the browser test that
shows a ``<script>``/``onerror=`` article as text is
``tests/test_web_browser.py::test_web_browser_hostile_article_shown_as_text``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from frontwatch.api.app import create_app
from frontwatch.ingest.screen import screen
from frontwatch.records import Document, DocumentResult
from frontwatch.settings import load_settings
from frontwatch.store import Store
from test_api import OPEN, build_store, fixed_clusters
from test_api_security import TOKEN, fake_extract

WRITE_METHODS = {"post", "put", "patch", "delete"}
SETTINGS = load_settings()
#: Generated requests per operation in CI; FW_FUZZ_EXAMPLES raises it for a long run.
EXAMPLES = int(os.environ.get("FW_FUZZ_EXAMPLES", "25"))


def screened_extract(document: Document) -> DocumentResult:
    """The stand-in extractor behind the real one's screen (E001 empty, E004, E005)."""
    screen(document, SETTINGS)
    return fake_extract(document)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("fuzzapi")
    db = folder / "fuzz.duckdb"
    build_store(db).close()
    static = folder / "static"
    static.mkdir()
    (static / "index.html").write_text("<!doctype html><title>ui</title>", encoding="utf-8")
    (folder / "secret.txt").write_text("do not serve", encoding="utf-8")
    application = create_app(
        db,
        settings=load_settings(),
        store=Store.open(db, clusterer=fixed_clusters),
        extract=screened_extract,
        drain_interval=None,
        allow_ingest=True,
        token=TOKEN,
        review=True,
        review_token=TOKEN,
        static_dir=static,
        limits=OPEN,
    )
    with TestClient(application):  # runs the lifespan: the store stays open for the module
        yield application


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture(scope="module")
def api_schema(app: FastAPI) -> Any:
    return schemathesis.openapi.from_dict(app.openapi())


def _operations(api_schema: Any) -> list[Any]:
    return [result.ok() for result in api_schema.get_all_operations()]


def test_fuzz_api_no_server_error(api_schema: Any, client: TestClient) -> None:
    operations = _operations(api_schema)
    assert len(operations) >= 8
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            headers = {str(k): str(v) for k, v in (case.headers or {}).items()}
            if case.method.lower() in WRITE_METHODS:
                headers["Authorization"] = f"Bearer {TOKEN}"
            response = client.request(
                case.method,
                case.formatted_path,
                params=case.query,
                headers=headers,
                json=case.body if isinstance(case.body, dict | list) else None,
            )
            assert response.status_code < 500, (case.method, case.formatted_path, response.text)
            if response.status_code >= 400 and response.headers.get("content-type", "").startswith(
                "application/json"
            ):
                assert "error" in response.json()

        check()


def _write_operations(app: FastAPI) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method in WRITE_METHODS
    ]


WRITE_BODIES: dict[str, Any] = {
    "/api/documents": {"documents": [{"text": "Militias attacked a convoy near the border."}]},
    "/api/events/{event_id}/review": {"action": "reject"},
    "/api/review/merge": {"events": ["ev-capture", "ev-recap"]},
    "/api/review/split": {"event": "ev-recap"},
}


def test_fuzz_api_every_write_needs_the_token(app: FastAPI, client: TestClient) -> None:
    operations = _write_operations(app)
    assert operations == [("POST", path) for path in WRITE_BODIES]
    for method, path in operations:
        wrong = 403 if path == "/api/documents" else 401  # ingest: 403 for a wrong token
        for headers, status in (
            ({}, 401),
            ({"Authorization": TOKEN}, 401),
            ({"Authorization": "Basic " + TOKEN}, 401),
            ({"Authorization": "Bearer wrong-token-wrong-token"}, wrong),
            ({"Authorization": f"Bearer {TOKEN}x"}, wrong),
        ):
            url = path.replace("{event_id}", "ev-threat")
            response = client.request(method, url, json=WRITE_BODIES[path], headers=headers)
            assert response.status_code == status, (method, path, headers)
        assert app.openapi()["paths"][path][method.lower()]["security"] == [{"bearer": []}]


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/static/../../secret.txt",
        "/%252e%252e/secret.txt",
        "/....//secret.txt",
        "/..\\secret.txt",
        "/%00/../secret.txt",
        "/api/docs-assets/../../secret.txt",
        "/api/docs-assets/%2e%2e/%2e%2e/secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/%2fetc%2fpasswd",
    ],
)
def test_fuzz_api_static_mount_no_path_traversal(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert "do not serve" not in response.text
    assert "root:" not in response.text


def test_fuzz_api_static_mount_serves_its_own_files(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.text == "<!doctype html><title>ui</title>"


def test_fuzz_api_atheris_short_run(tmp_path: Path) -> None:
    from test_fuzz_readers import run_target

    run_target("fuzz_api", tmp_path, 3000, max_len=512)
