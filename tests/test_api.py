"""The HTTP API over a small hand-built store: every endpoint, filter and error."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontwatch.api.app import create_app
from frontwatch.api.limits import ApiLimits
from frontwatch.filters import EventFilter
from frontwatch.records import (
    Acled,
    Actor,
    Attribution,
    Document,
    DocumentResult,
    Event,
    EventDate,
    Location,
    Mention,
    Plover,
    Quantity,
    Source,
    TextSpan,
    Toponym,
)
from frontwatch.settings import load_settings
from frontwatch.situation import EventCluster, Report
from frontwatch.store import Store

# -- a small corpus written for these tests ---------------------------------------------------

TEXTS = {
    "north-1": (
        "Rebels of the Northern Front seized the town of Kalvar on Friday, a spokesman said. "
        "Two soldiers were killed in the fighting."
    ),
    "north-2": (
        "Government forces shelled Kalvar on Sunday. Residents said at least 12 civilians died."
    ),
    "south-1": (
        "Hundreds of teachers protested in Port Amal on Thursday over unpaid wages. "
        "Officials threatened to dismiss the strikers."
    ),
    "north-3": (
        "The Northern Front captured Kalvar last week, the Valley Times reported. "
        "<script>alert(1)</script> was found in a leaflet."
    ),
}
PUBLISHED = {
    "north-1": dt.date(2024, 3, 2),
    "north-2": dt.date(2024, 3, 10),
    "south-1": dt.date(2024, 4, 5),
    "north-3": dt.date(2024, 3, 4),
}
OUTLETS = {
    "north-1": "Desert Wire",
    "north-2": "Valley Times",
    "south-1": "Coast Daily",
    "north-3": "Hill Post",
}


def span(doc_id: str, phrase: str) -> tuple[int, int]:
    start = TEXTS[doc_id].index(phrase)
    return (start, start + len(phrase))


def piece(doc_id: str, phrase: str) -> TextSpan:
    return TextSpan(text=phrase, span=span(doc_id, phrase))


def kalvar(doc_id: str) -> Location:
    return Location(
        text="Kalvar",
        span=span(doc_id, "Kalvar"),
        name="Kalvar",
        geonameid=9001,
        lat=36.25,
        lon=43.5,
        country="IQ",
        admin1="Nineveh",
        precision=1,
    )


def front(doc_id: str, text: str) -> Actor:
    return Actor(
        text=text, span=span(doc_id, text), name="Northern Front", type="rebel_group", country="IQ"
    )


def day(doc_id: str, text: str, date: dt.date) -> EventDate:
    return EventDate(text=text, span=span(doc_id, text), start=date, end=date, precision="day")


def make_event(doc_id: str, ident: str, trigger: str, evidence: str, **fields: Any) -> Event:
    values: dict[str, Any] = {
        "category": "political_violence",
        "modality": "asserted",
        "confidence": 0.8,
        "extractor_version": "test",
    }
    values.update(fields)
    return Event(
        id=ident,
        doc_id=doc_id,
        trigger=piece(doc_id, trigger),
        evidence=piece(doc_id, evidence),
        **values,
    )


def corpus() -> list[tuple[Document, DocumentResult]]:
    capture = make_event(
        "north-1",
        "ev-capture",
        "seized",
        "Rebels of the Northern Front seized the town of Kalvar on Friday, a spokesman said.",
        acled=Acled(
            event_type="Strategic developments",
            sub_event_type="Non-state actor overtakes territory",
        ),
        plover=Plover(type="SEIZE"),
        category="strategic",
        modality="reported",
        actor1=front("north-1", "Northern Front"),
        location=kalvar("north-1"),
        date=day("north-1", "on Friday", dt.date(2024, 3, 1)),
        quantities=[
            Quantity(
                kind="killed",
                count=2,
                text="Two soldiers were killed",
                span=span("north-1", "Two soldiers were killed"),
            )
        ],
        attribution=Attribution(
            speaker="spokesman",
            speaker_span=span("north-1", "spokesman"),
            text="a spokesman said",
            span=span("north-1", "a spokesman said"),
        ),
        mentions=[
            Mention(
                trigger=piece("north-1", "killed"),
                evidence=piece("north-1", "Two soldiers were killed in the fighting."),
            )
        ],
    )
    shelling = make_event(
        "north-2",
        "ev-shelling",
        "shelled",
        "Government forces shelled Kalvar on Sunday.",
        acled=Acled(
            event_type="Explosions/Remote violence",
            sub_event_type="Shelling/artillery/missile attack",
        ),
        plover=Plover(type="ASSAULT"),
        actor1=Actor(
            text="Government forces",
            span=span("north-2", "Government forces"),
            type="state_forces",
            country="IQ",
        ),
        location=kalvar("north-2"),
        date=day("north-2", "on Sunday", dt.date(2024, 3, 10)),
        quantities=[
            Quantity(
                kind="killed",
                count=12,
                low=12,
                approx=True,
                text="at least 12 civilians",
                span=span("north-2", "at least 12 civilians"),
            )
        ],
    )
    protest = make_event(
        "south-1",
        "ev-protest",
        "protested",
        "Hundreds of teachers protested in Port Amal on Thursday over unpaid wages.",
        acled=Acled(event_type="Protests", sub_event_type="Peaceful protest"),
        plover=Plover(type="PROTEST"),
        category="protest",
        actor1=Actor(text="teachers", span=span("south-1", "teachers"), type="protesters"),
        location=Location(
            text="Port Amal",
            span=span("south-1", "Port Amal"),
            name="Port Amal",
            geonameid=9002,
            lat=12.75,
            lon=45.0,
            country="YE",
            precision=1,
        ),
        date=EventDate(
            text="on Thursday",
            span=span("south-1", "on Thursday"),
            start=dt.date(2024, 4, 4),
            end=dt.date(2024, 4, 4),
            precision="day",
        ),
    )
    threat = make_event(
        "south-1",
        "ev-threat",
        "threatened",
        "Officials threatened to dismiss the strikers.",
        plover=Plover(type="THREATEN"),
        category="verbal",
        modality="hypothetical",
        actor1=Actor(text="Officials", span=span("south-1", "Officials"), guessed=True),
        actor2=Actor(text="the strikers", span=span("south-1", "the strikers"), type="protesters"),
    )
    recap = make_event(
        "north-3",
        "ev-recap",
        "captured",
        "The Northern Front captured Kalvar last week, the Valley Times reported.",
        acled=Acled(
            event_type="Strategic developments",
            sub_event_type="Non-state actor overtakes territory",
        ),
        plover=Plover(type="SEIZE"),
        category="strategic",
        modality="reported",
        actor1=front("north-3", "Northern Front"),
        location=kalvar("north-3"),
        date=EventDate(
            text="last week",
            span=span("north-3", "last week"),
            start=dt.date(2024, 2, 26),
            end=dt.date(2024, 3, 3),
            precision="week",
        ),
        attribution=Attribution(
            source="Valley Times",
            source_span=span("north-3", "Valley Times"),
            text="the Valley Times reported",
            span=span("north-3", "the Valley Times reported"),
        ),
    )
    events = {
        "north-1": [capture],
        "north-2": [shelling],
        "south-1": [protest, threat],
        "north-3": [recap],
    }
    pairs = []
    for doc_id in ("north-1", "north-3", "north-2", "south-1"):
        document = Document(
            id=doc_id,
            text=TEXTS[doc_id],
            published=PUBLISHED[doc_id],
            outlet=OUTLETS[doc_id],
            title=f"Report {doc_id}",
        )
        extra: dict[str, Any] = {}
        if doc_id == "north-3":
            extra["sources"] = [
                Source(
                    name="Valley Times",
                    kind="outlet",
                    text="Valley Times",
                    span=span("north-3", "Valley Times"),
                )
            ]
            extra["toponyms"] = [
                Toponym(
                    doc_id=doc_id,
                    text="Kalvar",
                    span=span(doc_id, "Kalvar"),
                    name="Kalvar",
                    geonameid=9001,
                )
            ]
        pairs.append((document, DocumentResult(doc_id=doc_id, events=events[doc_id], **extra)))
    return pairs


def fixed_clusters(
    pairs: Sequence[tuple[Document, DocumentResult]],
    duplicates: Mapping[str, str] | None = None,
    **constraints: Any,
) -> list[EventCluster]:
    """The capture reported by two outlets is one event; a deterministic stand-in clusterer."""
    events = {e.id: (d, e) for d, r in pairs for e in r.events}
    if "ev-capture" not in events or "ev-recap" not in events:
        return []
    reports = [
        Report(
            doc_id=events[i][0].id,
            event_id=i,
            outlet=events[i][0].outlet,
            published=events[i][0].published,
        )
        for i in ("ev-capture", "ev-recap")
    ]
    return [
        EventCluster(
            id="cl-kalvar",
            event=events["ev-capture"][1],
            members=["ev-capture", "ev-recap"],
            reports=reports,
            sources=2,
            earliest=dt.date(2024, 3, 2),
            first_doc="north-1",
        )
    ]


ALL_IDS = ["ev-recap", "ev-capture", "ev-shelling", "ev-protest", "ev-threat"]
#: the events of the default filter: factual ones (ev-threat is hypothetical)
FACTUAL_IDS = ALL_IDS[:4]
ALL = {"modality": "all"}
OPEN = ApiLimits(read_rate=None, write_rate=None)


def build_store(path: Path) -> Store:
    store = Store.open(path, clusterer=fixed_clusters)
    store.ingest(corpus())
    return store


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "test.duckdb"
    build_store(path).close()
    return path


@pytest.fixture(scope="module")
def client(db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    static = tmp_path_factory.mktemp("static")
    (static / "index.html").write_text("<!doctype html><title>map</title>", encoding="utf-8")
    app = create_app(
        db_path,
        settings=load_settings(),
        limits=OPEN,
        static_dir=static,
        store=Store.open(db_path, clusterer=fixed_clusters),
        tiles_url=None,
    )
    with TestClient(app) as test_client:
        yield test_client


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    return str(body["error"]["message"])


# -- health, docs, static ----------------------------------------------------------------------


def test_api_health(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert (body["documents"], body["events"], body["ingest"]) == (4, 5, False)
    assert (body["max_page"], body["max_body_bytes"], body["tiles_url"]) == (500, 2_000_000, None)


def test_api_openapi_lists_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/health",
        "/api/events",
        "/api/events/{event_id}",
        "/api/documents/{doc_id}",
        "/api/actors",
        "/api/places",
        "/api/situation",
        "/api/export",
        "/api/documents",
        "/api/review/queue",
        "/api/events/{event_id}/reviews",
        "/api/events/{event_id}/review",
        "/api/review/merge",
        "/api/review/split",
        "/api/gazetteer/labels",
        "/api/gazetteer/search",
        "/api/gazetteer/nearest",
        "/api/gazetteer/countries",
        "/api/taxonomy",
    }
    assert "IngestRequest" in spec["components"]["schemas"]
    assert spec["paths"]["/api/documents"]["post"]["security"] == [{"bearer": []}]


def test_api_docs_page_is_offline(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    if "/api/docs-assets/" in page.text:
        assert client.get("/api/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_api_static_index_and_headers(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "<title>map</title>" in page.text
    assert page.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/static/../../../etc/passwd",
        "/api/../../etc/passwd",
        "/%00",
        "//etc/passwd",
    ],
)
def test_api_static_no_path_traversal(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "root:" not in response.text


@pytest.mark.parametrize("path", ["/api/nothing", "/api/events/x/y", "/api/"])
def test_api_unknown_route(client: TestClient, path: str) -> None:
    error(client.get(path), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/api/events", "GET"),
        ("DELETE", "/api/events/ev-capture", "GET"),
        ("GET", "/api/documents", "POST"),
        ("PUT", "/api/documents", "POST"),
        ("HEAD", "/api/health", "GET"),
    ],
)
def test_api_method_not_allowed(client: TestClient, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    if method != "HEAD":
        assert response.json()["error"]["code"] == "method_not_allowed"


# -- events ---------------------------------------------------------------------------------


def test_api_events_all_in_date_order(client: TestClient) -> None:
    response = client.get("/api/events", params=ALL)
    body = response.json()
    assert ids(response) == ALL_IDS
    assert (body["total"], body["limit"], body["offset"], body["next"]) == (5, 100, 0, None)


def test_api_events_facts_by_default(client: TestClient) -> None:
    """Asserted and reported events unless asked; background events only when asked."""
    assert ids(client.get("/api/events")) == FACTUAL_IDS
    assert client.get("/api/events").json()["total"] == 4


def test_api_events_summary_fields(client: TestClient) -> None:
    items = {i["id"]: i for i in client.get("/api/events", params=ALL).json()["items"]}
    assert items["ev-capture"] == {
        "id": "ev-capture",
        "doc_id": "north-1",
        "category": "strategic",
        "event_type": "Strategic developments",
        "sub_event_type": "Non-state actor overtakes territory",
        "plover_type": "SEIZE",
        "date_start": "2024-03-01",
        "date_end": "2024-03-01",
        "date_precision": "day",
        "place": "Kalvar",
        "geonameid": 9001,
        "lat": 36.25,
        "lon": 43.5,
        "country": "IQ",
        "admin1": "Nineveh",
        "geo_precision": 1,
        "approximate": False,
        "feature": None,
        "actor1": "Northern Front",
        "actor1_type": "rebel_group",
        "actor2": None,
        "actor2_type": None,
        "fatalities": 2.0,
        "fatalities_withheld": None,
        "injured": None,
        "modality": "reported",
        "status": None,
        "historical": False,
        "aggregate": False,
        "confidence": 0.8,
        "sources": 2,
        "cluster_id": "cl-kalvar",
        "review": None,
        "evidence": "Rebels of the Northern Front seized the town of Kalvar on Friday, "
        "a spokesman said.",
    }
    assert items["ev-threat"]["date_start"] is None and items["ev-threat"]["sources"] == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"start": "2024-03-02"}, ["ev-recap", "ev-shelling", "ev-protest"]),
        ({"end": "2024-02-29"}, ["ev-recap"]),
        ({"start": "2024-03-01", "end": "2024-03-01"}, ["ev-recap", "ev-capture"]),
        ({"start": "2024-05-01"}, []),
        ({"bbox": "40,30,50,40"}, ["ev-recap", "ev-capture", "ev-shelling"]),
        ({"bbox": "44.9,12.7,45.1,12.8"}, ["ev-protest"]),
        ({"bbox": "-10,-10,10,10"}, []),
        ({"country": "ye"}, ["ev-protest"]),
        ({"country": "IQ"}, ["ev-recap", "ev-capture", "ev-shelling"]),
        ({"country": "FR"}, []),
        ({"actor": "northern"}, ["ev-recap", "ev-capture"]),
        ({"actor": "STRIKERS"}, []),
        ({"actor": "STRIKERS", "modality": "all"}, ["ev-threat"]),
        ({"actor": "forces"}, ["ev-shelling"]),
        ({"actor": "nobody"}, []),
        ({"type": "Battles"}, []),
        ({"type": "shelling/artillery/missile attack"}, ["ev-shelling"]),
        ({"type": "SEIZE"}, ["ev-recap", "ev-capture"]),
        ({"type": "protest"}, ["ev-protest"]),
        ({"type": "verbal"}, []),
        ({"type": "verbal", "modality": "hypothetical"}, ["ev-threat"]),
        ({"modality": "asserted"}, ["ev-shelling", "ev-protest"]),
        ({"modality": "reported,hypothetical"}, ["ev-recap", "ev-capture", "ev-threat"]),
        ({"min_sources": "2"}, ["ev-recap", "ev-capture"]),
        ({"min_sources": "3"}, []),
        ({"country": "IQ", "actor": "front", "start": "2024-03-01"}, ["ev-recap", "ev-capture"]),
    ],
)
def test_api_events_filters(
    client: TestClient, params: dict[str, str], expected: list[str]
) -> None:
    response = client.get("/api/events", params=params)
    assert ids(response) == expected
    assert response.json()["total"] == len(expected)


def test_api_events_offset_pages(client: TestClient) -> None:
    first = client.get("/api/events", params={"limit": 2, **ALL}).json()
    second = client.get("/api/events", params={"limit": 2, "offset": 2, **ALL}).json()
    last = client.get("/api/events", params={"limit": 2, "offset": 4, **ALL}).json()
    assert [i["id"] for i in first["items"]] == ALL_IDS[:2]
    assert [i["id"] for i in second["items"]] == ALL_IDS[2:4]
    assert [i["id"] for i in last["items"]] == ALL_IDS[4:]
    assert last["next"] is None and first["total"] == second["total"] == 5
    beyond = client.get("/api/events", params={"offset": 50, **ALL}).json()
    assert (beyond["items"], beyond["total"], beyond["next"]) == ([], 5, None)


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_api_events_cursor_pages(client: TestClient, limit: int) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"limit": limit, **ALL}
    for _ in range(10):
        body = client.get("/api/events", params=params).json()
        assert body["total"] == 5
        seen += [i["id"] for i in body["items"]]
        if body["next"] is None:
            break
        params = {"limit": limit, "cursor": body["next"], **ALL}
    assert seen == ALL_IDS


def test_api_events_cursor_keeps_filters(client: TestClient) -> None:
    first = client.get("/api/events", params={"country": "IQ", "limit": 1}).json()
    second = client.get(
        "/api/events", params={"country": "IQ", "limit": 5, "cursor": first["next"]}
    ).json()
    assert [i["id"] for i in second["items"]] == ["ev-capture", "ev-shelling"]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start": "2024-13-01"}, "start"),
        ({"start": "yesterday"}, "start"),
        ({"end": "2024-3-1"}, "end"),
        ({"end": "2024-02-30"}, "end"),
        ({"start": "2024-04-01", "end": "2024-03-01"}, "start is after end"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "10,0,0,10"}, "bbox"),
        ({"bbox": "0,0,200,10"}, "bbox"),
        ({"bbox": "nan,0,1,1"}, "bbox"),
        ({"bbox": "inf,0,1,1"}, "bbox"),
        ({"country": "IRQ"}, "country"),
        ({"country": "1Q"}, "country"),
        ({"modality": "maybe"}, "modality"),
        ({"modality": ","}, "modality"),
        ({"min_sources": "0"}, "min_sources"),
        ({"min_sources": "many"}, "min_sources"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"actor": ""}, "actor"),
        ({"actor": "x" * 201}, "actor"),
        ({"offset": "2", "cursor": "MTox"}, "either offset or cursor"),
    ],
)
def test_api_events_invalid_parameters(
    client: TestClient, params: dict[str, str], fragment: str
) -> None:
    message = error(client.get("/api/events", params=params), 422, "invalid_parameter")
    assert fragment in message


@pytest.mark.parametrize("limit", [501, 100_000])
def test_api_events_page_too_large(client: TestClient, limit: int) -> None:
    message = error(client.get("/api/events", params={"limit": limit}), 400, "page_too_large")
    assert message == f"limit {limit} is over the maximum page size 500"


def test_api_events_largest_page_allowed(client: TestClient) -> None:
    assert ids(client.get("/api/events", params={"limit": 500, **ALL})) == ALL_IDS


@pytest.mark.parametrize("cursor", ["!!!", "bm90LWEtY3Vyc29y", "%27"])
def test_api_events_invalid_cursor(client: TestClient, cursor: str) -> None:
    error(client.get("/api/events", params={"cursor": cursor}), 400, "invalid_cursor")


def test_api_event_detail(client: TestClient) -> None:
    body = client.get("/api/events/ev-capture").json()
    assert body["sources"] == 2
    assert body["cluster"] == {
        "id": "cl-kalvar",
        "sources": 2,
        "reports": [
            {
                "doc_id": "north-1",
                "event_id": "ev-capture",
                "outlet": "Desert Wire",
                "published": "2024-03-02",
            },
            {
                "doc_id": "north-3",
                "event_id": "ev-recap",
                "outlet": "Hill Post",
                "published": "2024-03-04",
            },
        ],
    }
    assert body["document"] == {
        "id": "north-1",
        "title": "Report north-1",
        "url": None,
        "outlet": "Desert Wire",
        "published": "2024-03-02",
    }
    event = body["event"]
    assert event["trigger"] == {"text": "seized", "span": [29, 35]}
    assert event["evidence"]["span"] == [0, 83]
    assert event["mentions"] == [
        {
            "trigger": {"text": "killed", "span": [102, 108]},
            "evidence": {"text": "Two soldiers were killed in the fighting.", "span": [84, 125]},
        }
    ]
    assert event.pop("review") is None
    assert Event.model_validate(event).attribution is not None


def test_api_event_detail_of_member_has_cluster(client: TestClient) -> None:
    body = client.get("/api/events/ev-recap").json()
    assert (body["sources"], body["cluster"]["id"]) == (2, "cl-kalvar")


@pytest.mark.parametrize("ident", ["nope", "ev-capture ", "EV-CAPTURE", "%27%20OR%201%3D1"])
def test_api_event_unknown(client: TestClient, ident: str) -> None:
    assert error(client.get(f"/api/events/{ident}"), 404, "not_found") == "no event with this id"


# -- documents ------------------------------------------------------------------------------


def test_api_document_highlights(client: TestClient) -> None:
    body = client.get("/api/documents/north-1").json()
    assert body["text"] == TEXTS["north-1"]
    assert body["event_ids"] == ["ev-capture"]
    got = [(h["field"], h["start"], h["end"], h["label"]) for h in body["highlights"]]
    assert got == [
        ("evidence", 0, 83, None),
        ("actor1", 14, 28, "Northern Front"),
        ("trigger", 29, 35, "Strategic developments"),
        ("location", 48, 54, "Kalvar"),
        ("date", 55, 64, "2024-03-01"),
        ("attribution", 66, 82, "spokesman"),
        ("attribution_speaker", 68, 77, "spokesman"),
        ("mention_evidence", 84, 125, None),
        ("quantity", 84, 108, "killed 2"),
        ("mention_trigger", 102, 108, None),
    ]
    for h in body["highlights"]:
        assert h["event_id"] == "ev-capture"


def test_api_document_keeps_markup_as_text(client: TestClient) -> None:
    body = client.get("/api/documents/north-3").json()
    assert "<script>alert(1)</script>" in body["text"]
    fields = [
        (h["field"], h["label"], h["event_id"])
        for h in body["highlights"]
        if h["field"] in ("source", "toponym")
    ]
    assert fields == [("toponym", "Kalvar", None), ("source", "Valley Times", None)]


@pytest.mark.parametrize("ident", ["missing", "north", "NORTH-1"])
def test_api_document_unknown(client: TestClient, ident: str) -> None:
    error(client.get(f"/api/documents/{ident}"), 404, "not_found")


# -- actors, places, situation, export ------------------------------------------------------------


def test_api_actors(client: TestClient) -> None:
    body = client.get("/api/actors").json()
    assert body["total"] == 5
    assert body["items"][0] == {
        "name": "Northern Front",
        "type": "rebel_group",
        "country": "IQ",
        "events": 2,
        "first": "2024-02-26",
        "last": "2024-03-01",
    }
    assert [a["name"] for a in body["items"][1:]] == [
        "Government forces",
        "Officials",
        "teachers",
        "the strikers",
    ]
    found = client.get("/api/actors", params={"q": "STRIK"}).json()
    assert [a["name"] for a in found["items"]] == ["the strikers"]
    page = client.get("/api/actors", params={"limit": 2, "offset": 1}).json()
    assert [a["name"] for a in page["items"]] == ["Government forces", "Officials"]


def test_api_places(client: TestClient) -> None:
    body = client.get("/api/places").json()
    assert body["items"] == [
        {
            "name": "Kalvar",
            "geonameid": 9001,
            "country": "IQ",
            "admin1": "Nineveh",
            "lat": 36.25,
            "lon": 43.5,
            "events": 3,
            "first": "2024-02-26",
            "last": "2024-03-10",
        },
        {
            "name": "Port Amal",
            "geonameid": 9002,
            "country": "YE",
            "admin1": None,
            "lat": 12.75,
            "lon": 45.0,
            "events": 1,
            "first": "2024-04-04",
            "last": "2024-04-04",
        },
    ]
    assert [
        p["name"] for p in client.get("/api/places", params={"country": "ye"}).json()["items"]
    ] == ["Port Amal"]
    assert client.get("/api/places", params={"q": "zzz"}).json()["total"] == 0


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/actors", {"limit": "501"}),
        ("/api/places", {"limit": "501"}),
    ],
)
def test_api_entities_page_too_large(client: TestClient, path: str, params: dict[str, str]) -> None:
    error(client.get(path, params=params), 400, "page_too_large")


def test_api_situation(client: TestClient) -> None:
    body = client.get("/api/situation", params={"as_of": "2024-03-05", "country": "iq"}).json()
    assert (body["as_of"], body["country"]) == ("2024-03-05", "IQ")
    assert {"control", "materiel", "displacement", "casualties", "sources"} <= set(body)
    everything = client.get("/api/situation").json()
    assert everything["as_of"] is None


@pytest.mark.parametrize("params", [{"as_of": "03/05/2024"}, {"country": "Iraq"}])
def test_api_situation_invalid(client: TestClient, params: dict[str, str]) -> None:
    error(client.get("/api/situation", params=params), 422, "invalid_parameter")


EXPORT = importlib.util.find_spec("frontwatch.export") is not None


@pytest.mark.skipif(not EXPORT, reason="frontwatch.export is not written yet")
def test_api_export_geojson(client: TestClient) -> None:
    response = client.get("/api/export", params={"format": "geojson", "country": "IQ"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    assert 'filename="frontwatch-events.geojson"' in response.headers["content-disposition"]
    features = json.loads(response.content)["features"]
    assert [f["id"] for f in features] == ["ev-capture", "ev-shelling"]  # a cluster is one


@pytest.mark.skipif(not EXPORT, reason="frontwatch.export is not written yet")
def test_api_export_acled_csv_sources(client: TestClient) -> None:
    response = client.get("/api/export", params={"format": "acled-csv", "country": "IQ"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [(r["event_id_cnty"], r["source"]) for r in rows] == [
        ("cl-kalvar", "Desert Wire; Hill Post"),
        ("ev-shelling", "Valley Times"),
    ]


@pytest.mark.skipif(not EXPORT, reason="frontwatch.export is not written yet")
@pytest.mark.parametrize("fmt", ["acled-csv", "plover-json", "parquet"])
def test_api_export_formats(client: TestClient, fmt: str) -> None:
    response = client.get("/api/export", params={"format": fmt})
    assert response.status_code == 200 and response.content


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}, {"format": "geojson", "bbox": "x"}])
def test_api_export_invalid(client: TestClient, params: dict[str, str]) -> None:
    error(client.get("/api/export", params=params), 422, "invalid_parameter")


# -- the index gives what EventFilter.matches gives -------------------------------------------

FILTERS = [
    EventFilter(),
    EventFilter(start="2024-03-01"),
    EventFilter(end="2024-03-01"),
    EventFilter(country="IQ", actor="front"),
    EventFilter(bbox=(43.0, 36.0, 44.0, 37.0)),
    EventFilter(event_type="protests"),
    EventFilter(modality=frozenset({"hypothetical"})),
    EventFilter(modality=frozenset()),
    EventFilter(min_sources=2),
    EventFilter(actor="e"),
]


@pytest.mark.parametrize("flt", FILTERS)
def test_api_index_agrees_with_event_filter(flt: EventFilter) -> None:
    from frontwatch.api.index import EventIndex

    pairs = corpus()
    index = EventIndex(pairs, fixed_clusters(pairs))
    sources = {"ev-capture": 2, "ev-recap": 2}
    expected = sorted(
        (e for _, r in pairs for e in r.events if flt.matches(e, sources.get(e.id, 1))),
        key=lambda e: index.keys[index.ids[e.id]],
    )
    assert [index.keys[int(p)][1] for p in index.select(flt)] == [e.id for e in expected]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # headline and body restate one count: counted once
        ([("Gunmen kill 30", "30", 30.0), ("At least 30 were killed.", "At least 30", 30.0)],
         (30.0, None)),
        # one sentence, two counts: they add up
        ([("3 soldiers and 2 civilians died.", "3 soldiers", 3.0),
          ("3 soldiers and 2 civilians died.", "2 civilians", 2.0)], (5.0, None)),
        # one event's toll of 100,000 or more: withheld from the map's totals
        ([("A war took a million lives.", "a million", 1_000_000.0)], (None, 1_000_000.0)),
    ],
)  # fmt: skip
def test_api_summary_fatalities_counted_once_and_huge_tolls_withheld(
    counts: list[tuple[str, str, float]], expected: tuple[float | None, float | None]
) -> None:
    from frontwatch.api.index import _fatalities

    sentences = list(dict.fromkeys(sentence for sentence, _, _ in counts))
    starts = {
        sentence: sum(len(s) + 1 for s in sentences[:i]) for i, sentence in enumerate(sentences)
    }
    quantities = []
    for sentence, text, count in counts:
        at = starts[sentence] + sentence.index(text)
        quantities.append(
            Quantity(kind="killed", count=count, text=text, span=(at, at + len(text)))
        )
    first, *others = sentences
    event = Event.model_validate(
        {
            "id": "e", "doc_id": "d", "category": "political_violence", "modality": "asserted",
            "trigger": {"text": "k", "span": (0, 1)},
            "evidence": {"text": first, "span": (0, len(first))},
            "mentions": [
                {"trigger": {"text": "k", "span": (starts[o], starts[o] + 1)},
                 "evidence": {"text": o, "span": (starts[o], starts[o] + len(o))}}
                for o in others
            ],
            "quantities": quantities, "confidence": 0.5, "extractor_version": "test",
        }
    )  # fmt: skip
    assert _fatalities(event) == expected
