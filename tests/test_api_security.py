"""Hostile input to the HTTP API: injections, tokens, size and rate limits, the single writer."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontwatch.api.app import ServeError, create_app
from frontwatch.api.limits import ApiLimits, Rate, RateLimiter
from frontwatch.cli.serve import serve
from frontwatch.errors import DocumentError, Errors
from frontwatch.records import Document, DocumentResult, Event, TextSpan
from frontwatch.settings import load_settings
from frontwatch.store import Store, StoreError, canonical_dump
from frontwatch.store.spool import write_spool
from test_api import OPEN, build_store, fixed_clusters

TOKEN = "s3cret-token-for-tests-only"
INJECTIONS = [
    "' OR 1=1 --",
    '"; DROP TABLE events; --',
    "1; DELETE FROM documents",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "%27",
    "%00",
    "\x00",
    "../../etc/passwd",
    "Ωμέγα 😀 حلب",
    "\u202e\u0000\ufeff",
    "a" * 150,
    "${jndi:ldap://x}",
    "*",
    "%",
    "_",
]
TEXT_PARAMS = {
    "/api/events": ["start", "end", "bbox", "country", "actor", "type", "modality", "cursor"],
    "/api/export": ["start", "end", "bbox", "country", "actor", "type", "modality", "format"],
    "/api/actors": ["q"],
    "/api/places": ["q", "country"],
    "/api/situation": ["as_of", "country"],
}


def fake_extract(document: Document) -> DocumentResult:
    """A stand-in extractor: one event on the first word; French text is refused."""
    if document.text.startswith("Bonjour"):
        raise DocumentError(Errors.E005, name=document.id, detail="test")
    if document.text.startswith("Crash"):
        raise RuntimeError("the pipeline failed")
    word = document.text.split()[0]
    event = Event(
        id=f"{document.id}-e1",
        doc_id=document.id,
        category="political_violence",
        modality="asserted",
        confidence=0.5,
        extractor_version="test",
        trigger=TextSpan(text=word, span=(0, len(word))),
        evidence=TextSpan(text=document.text, span=(0, len(document.text))),
    )
    return DocumentResult(doc_id=document.id, events=[event])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "sec.duckdb"
    build_store(path).close()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the test database for every test."""
    path = tmp_path / "sec.duckdb"
    shutil.copyfile(template, path)
    return path


def make_client(db: Path, **options: Any) -> TestClient:
    options.setdefault("limits", OPEN)
    app = create_app(
        db,
        settings=load_settings(),
        store=Store.open(db, clusterer=fixed_clusters),
        extract=fake_extract,
        drain_interval=None,
        **options,
    )
    return TestClient(app)


@pytest.fixture
def writer(db: Path) -> Iterator[TestClient]:
    with make_client(db, allow_ingest=True, token=TOKEN) as client:
        yield client


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def doc(text: str = "Militias attacked a convoy near the border.", **fields: Any) -> dict[str, Any]:
    return {"documents": [{"text": text, **fields}]}


# -- injections ---------------------------------------------------------------------------


def test_api_security_injections_change_nothing(db: Path) -> None:
    with Store.open(db, clusterer=fixed_clusters) as store:
        before = canonical_dump(store)
    with make_client(db) as client:
        for path, params in TEXT_PARAMS.items():
            for param in params:
                for value in INJECTIONS:
                    query: dict[str, str] = {param: value}
                    if path == "/api/export" and param != "format":
                        query["format"] = "geojson"
                    response = client.get(path, params=query)
                    assert response.status_code in (200, 400, 422), (path, param, value)
                    assert response.headers["content-type"].startswith(
                        ("application/json", "application/geo+json")
                    )
                    if response.status_code != 200:
                        assert set(response.json()) == {"error"}
        for value in INJECTIONS:
            for route in ("/api/events/", "/api/documents/"):
                response = client.get(route + quote(value, safe=""))
                assert response.status_code in (404, 422), (route, value)
        assert client.get("/api/health").json()["events"] == 5
    with Store.open(db, clusterer=fixed_clusters) as store:
        assert canonical_dump(store) == before


@pytest.mark.parametrize("value", INJECTIONS[:6])
def test_api_security_injected_actor_matches_nothing(db: Path, value: str) -> None:
    with make_client(db) as client:
        body = client.get("/api/events", params={"actor": value}).json()
    assert (body["items"], body["total"]) == ([], 0)


@pytest.fixture(scope="module")
def reader(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("reader") / "read.duckdb"
    shutil.copyfile(template, path)
    with make_client(path) as client:
        yield client


QUERY_PARAMS = sorted(
    {(path, p) for path, params in TEXT_PARAMS.items() for p in params}
    | {
        ("/api/events", "limit"),
        ("/api/events", "offset"),
        ("/api/events", "min_sources"),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=st.sampled_from(QUERY_PARAMS),
    value=st.one_of(st.text(max_size=40), st.from_regex(r"-?[0-9]{1,12}", fullmatch=True)),
)
def test_api_security_any_query_value_is_answered(
    reader: TestClient, target: tuple[str, str], value: str
) -> None:
    path, param = target
    response = reader.get(
        path,
        params={
            param: value,
            **({"format": "geojson"} if path.endswith("export") and param != "format" else {}),
        },
    )
    assert response.status_code in (200, 400, 422)
    if response.status_code != 200:
        assert set(response.json()) == {"error"}


# -- the write route ----------------------------------------------------------------------


def test_api_security_ingest_disabled_by_default(db: Path) -> None:
    with make_client(db) as client:
        response = client.post("/api/documents", json=doc(), headers=auth())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "ingest_disabled"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthorized"),
        ({"Authorization": ""}, 401, "unauthorized"),
        ({"Authorization": "Bearer"}, 401, "unauthorized"),
        ({"Authorization": "Bearer "}, 401, "unauthorized"),
        ({"Authorization": f"Basic {TOKEN}"}, 401, "unauthorized"),
        ({"Authorization": "Bearer wrong-token-of-some-length"}, 403, "forbidden"),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403, "forbidden"),
        ({"Authorization": f"Bearer {TOKEN[:-1]}"}, 403, "forbidden"),
        ({"Authorization": "Bearer ' OR 1=1 --"}, 403, "forbidden"),
    ],
)
def test_api_security_token_required(
    writer: TestClient, headers: dict[str, str], status: int, code: str
) -> None:
    response = writer.post("/api/documents", json=doc(), headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    assert writer.get("/api/health").json()["documents"] == 4


def test_api_security_ingest_with_token(writer: TestClient) -> None:
    response = writer.post(
        "/api/documents",
        json={
            "documents": [
                {
                    "id": "new-1",
                    "text": "Militias attacked a convoy.",
                    "published": "2024-05-01",
                    "outlet": "Border News",
                },
                {"id": "new-2", "text": "Bonjour tout le monde."},
            ]
        },
        headers=auth(),
    )
    assert response.status_code == 201, response.text
    assert response.json() == {
        "stored": ["new-1"],
        "events": 1,
        "skipped": [
            {
                "index": 1,
                "id": "new-2",
                "code": "E005",
                "message": "[E005] Document new-2 does not look like English (test); "
                "only English is supported.",
            }
        ],
        "indexed": True,
    }
    assert writer.get("/api/health").json()["documents"] == 5
    assert writer.get("/api/events/new-1-e1").json()["document"]["outlet"] == "Border News"
    assert writer.get("/api/documents/new-1").json()["text"] == "Militias attacked a convoy."


def test_api_security_ingest_one_failing_document(writer: TestClient) -> None:
    body = {"documents": [doc()["documents"][0], {"id": "c1", "text": "Crash here."}]}
    response = writer.post("/api/documents", json=body, headers=auth())
    assert response.status_code == 201
    assert response.json()["skipped"] == [
        {
            "index": 1,
            "id": "c1",
            "code": "E014",
            "message": "[E014] Document c1 could not be processed and was skipped: "
            "RuntimeError: the pipeline failed.",
        }
    ]


def test_api_security_ingest_all_skipped(writer: TestClient) -> None:
    response = writer.post("/api/documents", json=doc("Bonjour."), headers=auth())
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "E005"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"{}",
        b'{"documents": []}',
        b'{"documents": [{"text": ""}]}',
        b'{"documents": [{"text": "x", "published": "yesterday"}]}',
        b'{"documents": [{"text": "x", "extra": 1}]}',
        b"[1, 2]",
        b'{"documents": "x"}',
    ],
)
def test_api_security_ingest_invalid_body(writer: TestClient, body: bytes) -> None:
    response = writer.post(
        "/api/documents", content=body, headers={**auth(), "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_document"


def test_api_security_token_checked_before_the_body(writer: TestClient) -> None:
    response = writer.post("/api/documents", content=b"x" * 3_000_000)
    assert response.status_code == 401


def test_api_security_upload_limit(db: Path) -> None:
    limits = ApiLimits(read_rate=None, write_rate=None, max_body_bytes=1000, max_documents=2)
    with make_client(db, allow_ingest=True, token=TOKEN, limits=limits) as client:
        big = client.post("/api/documents", json=doc("x" * 2000), headers=auth())
        assert big.status_code == 413
        assert big.json()["error"] == {
            "code": "payload_too_large",
            "message": "the body is over the limit of 1000 bytes",
        }

        def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it comes
            for _ in range(20):
                yield b"y" * 100

        streamed = client.post("/api/documents", content=chunks(), headers=auth())
        assert streamed.status_code == 413
        many = client.post(
            "/api/documents", json={"documents": [{"text": "a b"}] * 3}, headers=auth()
        )
        assert many.status_code == 413
        assert client.get("/api/health").json()["documents"] == 4


def test_api_security_default_upload_limit_is_2mb(writer: TestClient) -> None:
    response = writer.post("/api/documents", json=doc("word " * 420_000), headers=auth())
    assert response.status_code == 413


@pytest.mark.parametrize("token", [None, "", "short"])
def test_api_security_ingest_needs_a_strong_token(db: Path, token: str | None) -> None:
    with (
        Store.open(db, clusterer=fixed_clusters) as store,
        pytest.raises(ServeError, match="at least 16 characters"),
    ):
        create_app(db, settings=load_settings(), allow_ingest=True, token=token, store=store)


# -- rate limits ----------------------------------------------------------------------------


def test_api_security_write_rate_limit(db: Path) -> None:
    limits = ApiLimits(read_rate=None, write_rate=Rate(per_second=0.01, burst=2))
    with make_client(db, allow_ingest=True, token=TOKEN, limits=limits) as client:
        codes = [
            client.post(
                "/api/documents", json=doc(f"Attack number {i}.", id=f"r{i}"), headers=auth()
            ).status_code
            for i in range(3)
        ]
        assert codes == [201, 201, 429]
        limited = client.post("/api/documents", json=doc(), headers=auth())
        assert limited.json()["error"]["code"] == "rate_limited"
        assert int(limited.headers["retry-after"]) >= 1


def test_api_security_read_rate_limit(db: Path) -> None:
    limits = ApiLimits(read_rate=Rate(per_second=0.01, burst=3))
    with make_client(db, limits=limits) as client:
        codes = [client.get("/api/events").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_api_security_rate_limiter_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(Rate(per_second=2.0, burst=2), clock=lambda: now[0], max_clients=2)
    assert [limiter.take("a"), limiter.take("a")] == [0.0, 0.0]
    assert limiter.take("a") == 0.5
    assert limiter.take("b") == 0.0  # clients have their own buckets
    now[0] = 0.5
    assert limiter.take("a") == 0.0
    now[0] = 10.0
    limiter.take("c")
    limiter.take("d")
    assert len(limiter._buckets) <= 2


# -- the single writer --------------------------------------------------------------------


def test_api_security_server_drains_the_spool(db: Path) -> None:
    with make_client(db) as client:
        assert client.get("/api/health").json()["documents"] == 4
        document = Document(id="spooled", text="Gunmen raided a village.")
        write_spool(db, [(document, fake_extract(document))])
        backend = client.app.state.backend  # type: ignore[attr-defined]
        assert backend.drain() == 1
        assert backend.wait_indexed(10.0)  # the index is rebuilt in the background
        assert client.get("/api/health").json()["documents"] == 5
        assert client.get("/api/events/spooled-e1").status_code == 200


def test_api_security_drainer_thread_stores_spooled_batches(db: Path) -> None:
    app = create_app(
        db,
        settings=load_settings(),
        store=Store.open(db, clusterer=fixed_clusters),
        extract=fake_extract,
        drain_interval=0.05,
        limits=OPEN,
    )
    with TestClient(app) as client:
        document = Document(id="queued", text="Drones struck a depot.")
        write_spool(db, [(document, fake_extract(document))])
        for _ in range(100):
            if client.get("/api/health").json()["documents"] == 5:
                break
            time.sleep(0.05)
        assert client.get("/api/events/queued-e1").status_code == 200


def test_api_security_serve_shares_the_store(db: Path) -> None:
    # another store object stands for another process: both use the database in turn
    with Store.open(db, clusterer=fixed_clusters) as other, make_client(db) as client:
        other.ingest(
            [
                (
                    Document(id="later", text="Gunmen raided a village."),
                    DocumentResult(doc_id="later"),
                )
            ]
        )
        backend = client.app.state.backend  # type: ignore[attr-defined]
        backend.maintain()
        assert client.get("/api/health").json()["documents"] == 5


def test_api_security_serve_drops_a_document_stored_again_under_its_new_id(db: Path) -> None:
    """Another process stores a file under its path id (``north/report``) that an earlier
    version stored under its stem (``report``): the store replaces it, and so does the
    server's index (no stale copy left listed)."""
    text = "Gunmen raided a village near the river crossing."

    def pair(doc_id: str) -> tuple[Document, DocumentResult]:
        document = Document(id=doc_id, text=text, path="in/north/report.txt")
        return document, fake_extract(document)

    with Store.open(db, clusterer=fixed_clusters) as other, make_client(db) as client:
        backend = client.app.state.backend  # type: ignore[attr-defined]
        other.ingest([pair("report")])
        backend.maintain()
        assert client.get("/api/documents/report").status_code == 200
        assert other.ingest([pair("north/report")]).replaced == 1
        backend.maintain()
        assert client.get("/api/health").json()["documents"] == 5
        assert client.get("/api/documents/report").status_code == 404
        ids = [e["id"] for e in client.get("/api/events?limit=100").json()["items"]]
        assert "north/report-e1" in ids and "report-e1" not in ids


def test_api_security_serve_waits_for_a_busy_store_then_e301(db: Path) -> None:
    with Store.open(db) as holder:
        assert holder.connection  # held until closed, as a long transaction would
        with pytest.raises(StoreError, match=r"^\[E301\] Database .* within 0.2 s"):
            create_app(db, settings=load_settings(store_wait=0.2))


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--allow-ingest"], "at least 16 characters"),
        (["--allow-ingest", "--token", "short"], "at least 16 characters"),
    ],
)
def test_api_security_serve_command_errors(db: Path, args: list[str], fragment: str) -> None:
    result = CliRunner().invoke(serve, ["--db", str(db), *args], env={"FRONTWATCH_TOKEN": None})
    assert result.exit_code == 2
    assert fragment in result.output


def test_api_security_serve_command_defaults_to_loopback(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_run(app: Any, **kwargs: Any) -> None:
        calls.append(kwargs)
        app.state.backend.close()

    monkeypatch.setattr("uvicorn.run", fake_run)
    result = CliRunner().invoke(
        serve, ["--db", str(db), "--port", "8123"], env={"FRONTWATCH_TOKEN": None}
    )
    assert result.exit_code == 0, result.output
    assert calls == [
        {
            "host": "127.0.0.1",
            "port": 8123,
            "log_level": "warning",
            "access_log": False,
            "proxy_headers": False,  # X-Forwarded-For is the app's business (trusted_proxies)
        }
    ]


# -- proxies and headers ----------------------------------------------------------------------


def _read_codes(db: Path, proxies: list[str], peer: str, forwarded: list[str]) -> list[int]:
    limits = ApiLimits(read_rate=Rate(per_second=0.01, burst=2))
    app = create_app(
        db,
        settings=load_settings(trusted_proxies=proxies),
        store=Store.open(db, clusterer=fixed_clusters),
        extract=fake_extract,
        drain_interval=None,
        limits=limits,
    )
    with TestClient(app, client=(peer, 50000)) as client:
        return [
            client.get("/api/events", headers={"X-Forwarded-For": value}).status_code
            for value in forwarded
        ]


ROTATING = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]


def test_api_security_forwarded_for_ignored_by_default(db: Path) -> None:
    # a local client rotating X-Forwarded-For is still one client: limited after its burst
    assert _read_codes(db, [], "127.0.0.1", ROTATING) == [200, 200, 429, 429]


def test_api_security_forwarded_for_from_a_trusted_proxy(db: Path) -> None:
    # behind a trusted proxy each forwarded client has its own bucket
    assert _read_codes(db, ["127.0.0.1"], "127.0.0.1", ROTATING) == [200, 200, 200, 200]
    # an untrusted peer cannot use the header
    assert _read_codes(db, ["10.0.0.0/8"], "192.0.2.7", ROTATING) == [200, 200, 429, 429]


@pytest.mark.parametrize(
    ("peer", "header", "client"),
    [
        ("127.0.0.1", "198.51.100.9", "198.51.100.9"),
        # a client's own forged entries stand before what the proxy appended: not believed
        ("127.0.0.1", "1.2.3.4, 198.51.100.9", "198.51.100.9"),
        # a chain of trusted proxies is walked from the right
        ("127.0.0.1", "198.51.100.9, 10.1.2.3", "198.51.100.9"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("192.0.2.7", "198.51.100.9", "192.0.2.7"),  # not a trusted proxy
        ("::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_api_security_client_address(peer: str, header: str, client: str) -> None:
    from starlette.requests import Request

    from frontwatch.api.headers import client_address, parse_proxies

    scope = {
        "type": "http",
        "client": (peer, 1),
        "headers": [(b"x-forwarded-for", header.encode())] if header else [],
    }
    proxies = parse_proxies(["127.0.0.1", "10.0.0.0/8", "::1"])
    assert client_address(Request(scope), proxies) == client


def test_api_security_content_security_policy_on_every_response(db: Path) -> None:
    with make_client(db, tiles_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png") as client:
        responses = [
            client.get(path)
            for path in ("/", "/app.js", "/api/health", "/api/docs", "/api/none", "/openapi.json")
        ]
    policies = {r.headers["content-security-policy"] for r in responses}
    assert policies == {
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob: https://*.tiles.example.org; font-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    }


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        (None, None),
        ("https://tile.example.org/{z}/{x}/{y}.png", "https://tile.example.org"),
        ("http://{s}.example.org:8080/{z}/{x}/{y}.png", "http://*.example.org:8080"),
        ("javascript:alert(1)", None),
        ("https://a.example.org; script-src *", None),
    ],
)
def test_api_security_tile_origin(template: str | None, origin: str | None) -> None:
    from frontwatch.api.headers import tile_origin

    assert tile_origin(template) == origin


def test_api_security_docs_page_has_no_inline_script(db: Path) -> None:
    with make_client(db) as client:
        page = client.get("/api/docs").text
        if "/api/docs-assets/" not in page:
            pytest.skip("swagger-ui-bundle is not installed")
        script = client.get("/api/docs/start.js")
    assert "<script>" not in page and 'src="/api/docs/start.js"' in page
    assert script.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle(" in script.text


# -- exports: bounded at once -----------------------------------------------------------------


def test_api_security_exports_limited_per_client_and_in_total(db: Path) -> None:
    limits = ApiLimits(read_rate=None, max_exports=3, max_exports_per_client=2)
    with make_client(db, limits=limits) as client:
        slots = client.app.state.export_slots  # type: ignore[attr-defined]
        assert client.get("/api/export?format=geojson").status_code == 200
        slots.take("testclient")
        slots.take("testclient")  # two of this client's exports are being written
        refused = client.get("/api/export?format=geojson")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "5"
        assert refused.json()["error"] == {
            "code": "rate_limited",
            "message": "too many exports are being written; retry later",
        }
        slots.give_back("testclient")
        slots.take("another")
        slots.take("a third")  # three in all: the limit, whoever holds them
        assert client.get("/api/export?format=geojson").status_code == 429
        slots.give_back("another")
        assert client.get("/api/export?format=acled-csv").status_code == 200
        assert slots._held == {"testclient": 1, "a third": 1}


def test_api_security_slots() -> None:
    from frontwatch.api.limits import Slots

    slots = Slots(total=2, per_client=1)
    assert [slots.take("a"), slots.take("a"), slots.take("b"), slots.take("c")] == [
        True,
        False,
        True,
        False,
    ]
    assert [slots.give_back("a"), slots.give_back("b"), slots.give_back("b")] == [1, 0, 0]
    with pytest.raises(ValueError, match="max_exports_per_client"):
        ApiLimits(max_exports=1, max_exports_per_client=2)


def test_api_security_identical_exports_at_once_are_written_once(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import threading

    import httpx

    from frontwatch import export as export_module

    real = export_module.write_export
    written: list[str] = []
    release = threading.Event()

    def slow_write(fmt: str, *args: Any, **kwargs: Any) -> Any:
        written.append(fmt)
        release.wait(10)  # every request below arrives while the first file is written
        return real(fmt, *args, **kwargs)

    monkeypatch.setattr(export_module, "write_export", slow_write)
    limits = ApiLimits(read_rate=None, max_exports=2, max_exports_per_client=2)
    app = create_app(
        db,
        settings=load_settings(),
        store=Store.open(db, clusterer=fixed_clusters),
        extract=fake_extract,
        drain_interval=None,
        limits=limits,
    )

    async def burst() -> list[tuple[int, bytes]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            waves = [["geojson"] * 6, ["acled-csv"] * 2, ["plover-json"]]  # the third: 429
            tasks = []
            for wave in waves:
                tasks += [asyncio.create_task(client.get(f"/api/export?format={f}")) for f in wave]
                await asyncio.sleep(0.3)
            release.set()
            return [(r.status_code, r.content) for r in await asyncio.gather(*tasks)]

    with TestClient(app):  # runs the lifespan
        results = asyncio.run(burst())
    assert sorted(written) == ["acled-csv", "geojson"]
    assert [status for status, _ in results] == [200] * 8 + [429]
    assert len({body for _, body in results[:6]}) == 1 and b"FeatureCollection" in results[0][1]
    flights = app.state.export_flights
    assert flights._flights == {}
    assert app.state.export_slots._held == {}
