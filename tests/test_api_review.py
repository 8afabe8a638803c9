"""The review API: the queue, an event's review log, accept/reject/correct/merge/split, the
guards of every write (token, cross-site, Host, read-only server), and what a review changes in
listings, the situation and exports, also after the same documents are ingested again and
reprocessed."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontwatch.api.app import ServeError, create_app
from frontwatch.export import write_export
from frontwatch.records import DocumentResult
from frontwatch.settings import load_settings
from frontwatch.situation import EventCluster, cluster_events
from frontwatch.store import Store
from test_api import OPEN, corpus

TOKEN = "review-token-for-tests-0001"
HOST = "127.0.0.1:8000"
BASE = f"http://{HOST}"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review-template") / "review.duckdb"
    with Store.open(path, clusterer=cluster_events) as store:
        store.ingest(corpus())
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "review.duckdb"
    shutil.copyfile(template, path)
    return path


def make_client(db: Path, **options: Any) -> TestClient:
    options.setdefault("review", True)
    options.setdefault("review_token", TOKEN if options["review"] else None)
    app = create_app(
        db,
        settings=load_settings(),
        store=Store.open(db, clusterer=cluster_events),
        drain_interval=None,
        limits=OPEN,
        hosts={HOST, "localhost:8000"},
        **options,
    )
    return TestClient(app, base_url=BASE)


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with make_client(db) as test_client:
        yield test_client


def review(client: TestClient, event_id: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(f"/api/events/{event_id}/review", json=body, headers={**AUTH, **headers})


def ids(client: TestClient, **params: str) -> list[str]:
    """The events listed, whatever their modality (the API lists facts only by default)."""
    body = client.get("/api/events", params={"modality": "all", **params}).json()
    return [item["id"] for item in body["items"]]


def error_body(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    return body


# -- reads ------------------------------------------------------------------------------------


def test_api_review_health_says_whether_reviews_are_on(db: Path) -> None:
    with make_client(db, review=False) as client:
        assert client.get("/api/health").json()["review"] is False
    with make_client(db) as client:
        assert client.get("/api/health").json()["review"] is True


def test_api_review_queue_least_confident_first(client: TestClient) -> None:
    body = client.get("/api/review/queue").json()
    assert body["total"] == 5
    assert [e["id"] for e in body["events"]] == [
        "ev-capture",
        "ev-protest",
        "ev-recap",
        "ev-shelling",
        "ev-threat",
    ]  # equal confidence (0.8): by id
    assert all(e["review"] is None for e in body["events"])
    review(client, "ev-protest", {"action": "accept"})
    body = client.get("/api/review/queue", params={"limit": 2, "offset": 1}).json()
    assert (body["total"], [e["id"] for e in body["events"]]) == (4, ["ev-recap", "ev-shelling"])


def test_api_review_history_exact(client: TestClient) -> None:
    assert client.get("/api/events/ev-threat/reviews").json() == {"reviews": []}
    review(client, "ev-threat", {"action": "reject", "note": "a rumour", "by": "ana"})
    review(client, "ev-threat", {"action": "accept"})
    reviews = client.get("/api/events/ev-threat/reviews").json()["reviews"]
    for item in reviews:
        assert dt.datetime.fromisoformat(item.pop("at")).tzinfo is not None
    assert reviews == [
        {
            "id": 1,
            "by": "ana",
            "action": "reject",
            "before": {"review": None},
            "after": {"review": "rejected"},
            "note": "a rumour",
        },
        {
            "id": 2,
            "by": "api",
            "action": "accept",
            "before": {"review": "rejected"},
            "after": {"review": "accepted"},
            "note": None,
        },
    ]
    assert client.get("/api/events/nope/reviews").json() == {
        "error": {"code": "not_found", "message": "no event with this id"}
    }


# -- writes: the guards -----------------------------------------------------------------------


def test_api_review_read_only_server_refuses(db: Path) -> None:
    with make_client(db, review=False) as client:
        response = review(client, "ev-threat", {"action": "reject"})
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "read_only",
            "message": "the server is read-only; start it with --review to review",
        }
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer wrong-token-of-some-length"},
        {"Authorization": f"Bearer {TOKEN}x"},
    ],
)
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/events/ev-threat/review", {"action": "reject"}),
        ("/api/review/merge", {"events": ["ev-capture", "ev-recap"]}),
        ("/api/review/split", {"event": "ev-recap"}),
    ],
)
def test_api_review_writes_need_the_token(
    client: TestClient, headers: dict[str, str], path: str, body: dict[str, Any]
) -> None:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {
        "error": {
            "code": "unauthorized",
            "message": "the review token is required (Authorization: Bearer TOKEN)",
        }
    }
    assert client.get("/api/events/ev-threat/reviews").json() == {"reviews": []}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            {"Origin": "http://evil.example"},
            "refused: a request from another origin (http://evil.example)",
        ),
        ({"Origin": "null"}, "refused: a request from another origin (null)"),
        (
            {"Origin": "http://127.0.0.1:9999"},
            "refused: a request from another origin (http://127.0.0.1:9999)",
        ),
        ({"Sec-Fetch-Site": "cross-site"}, "refused: a cross-site request (Sec-Fetch-Site)"),
        ({"Sec-Fetch-Site": "same-site"}, "refused: a same-site request (Sec-Fetch-Site)"),
        (
            {"Host": "evil.example:8000"},
            "refused: Host 'evil.example:8000' is not an address of this server",
        ),
        (
            {"Host": "127.0.0.1:8001"},
            "refused: Host '127.0.0.1:8001' is not an address of this server",
        ),
    ],
)
def test_api_review_cross_site_refused(
    client: TestClient, headers: dict[str, str], message: str
) -> None:
    response = review(client, "ev-threat", {"action": "reject"}, **headers)
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "cross_site", "message": message}}
    assert ids(client) == ["ev-recap", "ev-capture", "ev-shelling", "ev-protest", "ev-threat"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": BASE},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none", "Origin": BASE},
        {"Host": "localhost:8000", "Origin": "http://localhost:8000"},
    ],
)
def test_api_review_same_site_allowed(client: TestClient, headers: dict[str, str]) -> None:
    assert review(client, "ev-threat", {"action": "accept"}, **headers).status_code == 200


@pytest.mark.parametrize(
    ("content", "kind", "message"),
    [
        (b'{"action": "accept"}', "text/plain", "Content-Type must be application/json"),
        (
            b"action=accept",
            "application/x-www-form-urlencoded",
            "Content-Type must be application/json",
        ),
        (b"not json", "application/json", "body: Invalid JSON: expected ident at line 1 column 2"),
        (
            b'{"action": "approve"}',
            "application/json",
            "action: Input should be 'accept', 'reject' or 'correct'",
        ),
        (
            b'{"action": "accept", "why": 1}',
            "application/json",
            "why: Extra inputs are not permitted",
        ),
        (
            b'{"action": "correct", "changes": []}',
            "application/json",
            "changes: Input should be an object",
        ),
    ],
)
def test_api_review_bad_body(client: TestClient, content: bytes, kind: str, message: str) -> None:
    response = client.post(
        "/api/events/ev-threat/review", content=content, headers={**AUTH, "Content-Type": kind}
    )
    assert response.status_code == 422
    assert response.json() == {"error": {"code": "invalid_review", "message": message}}


def test_api_review_unknown_event_and_bad_change(client: TestClient) -> None:
    missing = review(client, "nope", {"action": "accept"})
    assert (missing.status_code, missing.json()) == (
        404,
        {"error": {"code": "not_found", "message": "no event with this id"}},
    )
    bad = review(client, "ev-threat", {"action": "correct", "changes": {"plover.mode": "naval"}})
    assert bad.status_code == 422
    assert bad.json() == {
        "error": {
            "code": "E306",
            "message": "[E306] Review of event ev-threat: 'naval' is not a mode of PLOVER type "
            "'THREATEN'.",
        }
    }


def test_api_review_needs_a_strong_token(db: Path) -> None:
    with Store.open(db) as store, pytest.raises(ServeError, match="--review needs a token"):
        create_app(db, settings=load_settings(), store=store, review=True, review_token="short")


# -- writes: what they change -----------------------------------------------------------------


def test_api_review_accept_returns_the_event(client: TestClient) -> None:
    response = review(client, "ev-protest", {"action": "accept", "note": "seen it", "by": "ana"})
    assert response.status_code == 200
    body = response.json()
    state = body["event"]["review"]
    assert dt.datetime.fromisoformat(state.pop("at")).tzinfo is not None
    assert state == {"status": "accepted", "by": "ana", "note": "seen it", "fields": []}
    assert body["event"]["id"] == "ev-protest"
    assert set(body) == {"event", "sources", "cluster", "document"}
    item = next(i for i in client.get("/api/events").json()["items"] if i["id"] == "ev-protest")
    assert item["review"]["status"] == "accepted"


def test_api_review_rejected_event_leaves_listings_situation_and_exports(
    client: TestClient,
) -> None:
    before = client.get("/api/situation").json()
    assert any("ev-shelling" in c["evidence"] for c in before["casualties"])
    assert review(client, "ev-shelling", {"action": "reject"}).status_code == 200
    assert ids(client) == ["ev-recap", "ev-capture", "ev-protest", "ev-threat"]
    assert "ev-shelling" in ids(client, include_rejected="true")
    after = client.get("/api/situation").json()
    assert all("ev-shelling" not in c["evidence"] for c in after["casualties"])
    kept = client.get("/api/situation", params={"include_rejected": "true"}).json()
    assert any("ev-shelling" in c["evidence"] for c in kept["casualties"])
    geo = json.loads(client.get("/api/export", params={"format": "geojson"}).text)
    assert "ev-shelling" not in {f["properties"]["id"] for f in geo["features"]}
    assert client.get("/api/events/ev-shelling").json()["event"]["review"]["status"] == "rejected"
    assert client.get("/api/review/queue").json()["total"] == 4


def test_api_review_corrected_place_moves_the_event(client: TestClient) -> None:
    place = {"name": "Tal Afar", "country": "IQ", "geonameid": 9003, "lat": 36.37, "lon": 42.45}
    body = {"action": "correct", "changes": {"location": {**place, "precision": 2}}}
    response = review(client, "ev-shelling", body)
    assert response.status_code == 200
    event = response.json()["event"]
    assert (event["location"]["name"], event["location"]["lat"], event["location"]["lon"]) == (
        "Tal Afar",
        36.37,
        42.45,
    )
    assert event["review"]["status"] == "corrected"
    assert event["review"]["fields"] == ["location"]
    item = next(i for i in client.get("/api/events").json()["items"] if i["id"] == "ev-shelling")
    assert (item["place"], item["lat"], item["lon"]) == ("Tal Afar", 36.37, 42.45)
    inside = ids(client, bbox="42.0,36.0,43.0,37.0")
    assert inside == ["ev-shelling"]
    geo = json.loads(client.get("/api/export", params={"format": "geojson"}).text)
    feature = next(f for f in geo["features"] if f["properties"]["id"] == "ev-shelling")
    assert feature["geometry"]["coordinates"] == [42.45, 36.37]
    assert feature["properties"]["reviewed"] == "corrected"


def test_api_review_merge_and_split(client: TestClient) -> None:
    detail = client.get("/api/events/ev-capture").json()
    assert sorted(r["event_id"] for r in detail["cluster"]["reports"]) == [
        "ev-capture",
        "ev-recap",
    ]
    split = client.post(
        "/api/review/split", json={"event": "ev-recap", "note": "older"}, headers=AUTH
    )
    assert split.status_code == 200
    done = split.json()
    assert done["indexed"] is True
    assert (done["review"]["action"], done["review"]["after"], done["review"]["note"]) == (
        "split",
        {"apart": True},
        "older",
    )
    cluster = client.get("/api/events/ev-capture").json()["cluster"]
    assert [r["event_id"] for r in cluster["reports"]] == ["ev-capture"]
    merged = client.post(
        "/api/review/merge", json={"events": ["ev-capture", "ev-shelling"]}, headers=AUTH
    )
    assert merged.status_code == 200
    cluster = client.get("/api/events/ev-shelling").json()["cluster"]
    assert sorted(r["event_id"] for r in cluster["reports"]) == ["ev-capture", "ev-shelling"]
    one = client.post("/api/review/merge", json={"events": ["ev-capture"]}, headers=AUTH)
    assert one.status_code == 422
    assert one.json()["error"]["code"] == "invalid_review"
    unknown = client.post("/api/review/split", json={"event": "nope"}, headers=AUTH)
    assert unknown.status_code == 404


class Again:
    """An extractor that gives the corpus's results again (a reprocess that changes nothing)."""

    def extract_many(self, items: Any) -> Any:
        results = {d.id: r for d, r in corpus()}
        for document in items:
            yield DocumentResult.model_validate(results[document.id].model_dump())


def test_api_review_survives_ingest_again_and_reprocess(db: Path) -> None:
    place = {"name": "Tal Afar", "country": "IQ", "lat": 36.37, "lon": 42.45}
    with make_client(db) as client:
        review(client, "ev-threat", {"action": "reject"})
        review(client, "ev-shelling", {"action": "correct", "changes": {"location": place}})
        # another process ingests the same documents again, then reprocesses them
        with Store.open(db, clusterer=cluster_events) as other:
            assert other.ingest(corpus()).unchanged == 4
            assert other.reprocess(Again(), everything=True).replaced == 4
        backend = client.app.state.backend  # type: ignore[attr-defined]
        backend.maintain()
        assert "ev-threat" not in ids(client)
        item = next(
            i for i in client.get("/api/events").json()["items"] if i["id"] == "ev-shelling"
        )
        assert (item["place"], item["review"]["status"]) == ("Tal Afar", "corrected")


# -- the GeoJSON export kept ready (issue 18) -------------------------------------------------


def geojson_as_made(client: TestClient) -> str:
    """The GeoJSON export written from the store's events and clusters as records (nothing kept
    ready), as `frontwatch export` writes it."""
    store = client.app.state.backend.store  # type: ignore[attr-defined]
    out = io.StringIO()
    write_export(
        "geojson",
        store.events(),
        out,
        clusters=store.clusters(EventCluster),
        documents={d.id: d for d in store.documents()},
        reviews={k: v.status for k, v in store.review_states().items()},
    )
    return out.getvalue()


KALVAR = [43.5, 36.25]


def features(text: str) -> dict[str, tuple[str | None, str | None, list[float]]]:
    """Feature id -> (cluster, reviewed, coordinates)."""
    return {
        f["id"]: (
            f["properties"]["cluster"],
            f["properties"]["reviewed"],
            f["geometry"]["coordinates"],
        )
        for f in json.loads(text)["features"]
    }


def test_api_review_geojson_kept_ready_follows_reviews_and_reprocessing(db: Path) -> None:
    """The server keeps each cluster's GeoJSON feature ready (frontwatch.api.clusters): after
    each review, merge, split and a reprocess by another process, its export is the one made
    from the store's records, byte for byte."""
    with make_client(db) as client:
        backend = client.app.state.backend  # type: ignore[attr-defined]

        def exported() -> str:
            text = client.get("/api/export", params={"format": "geojson"}).text
            assert text == geojson_as_made(client)
            return text

        capture, shelling = ("27163276228d3ce4", None, KALVAR), ("387c7cc7d28ea244", None, KALVAR)
        protest = ("302231a4c7869912", None, [45.0, 12.75])
        # ev-threat has no coordinates; ev-recap is in the cluster of ev-capture
        assert features(exported()) == {
            "ev-capture": capture,
            "ev-shelling": shelling,
            "ev-protest": protest,
        }
        review(client, "ev-recap", {"action": "accept"})
        capture = (capture[0], "accepted", KALVAR)
        assert features(exported())["ev-capture"] == capture
        place = {"name": "Tal Afar", "country": "IQ", "lat": 36.37, "lon": 42.45}
        review(client, "ev-shelling", {"action": "correct", "changes": {"location": place}})
        review(client, "ev-protest", {"action": "reject"})
        shelling = (shelling[0], "corrected", [42.45, 36.37])
        assert features(exported()) == {"ev-capture": capture, "ev-shelling": shelling}
        client.post("/api/review/split", json={"event": "ev-recap"}, headers=AUTH)
        recap = ("1ff40100f3ec2c95", "accepted", KALVAR)
        assert features(exported()) == {
            "ev-recap": recap,
            "ev-capture": ("e814d7dae8f8f5b8", None, KALVAR),
            "ev-shelling": shelling,
        }
        client.post("/api/review/merge", json={"events": ["ev-capture", "ev-threat"]}, headers=AUTH)
        merged = {
            "ev-recap": recap,
            "ev-capture": ("de1d2d127674661d", None, KALVAR),
            "ev-shelling": shelling,
        }
        assert features(exported()) == merged
        with Store.open(db, clusterer=cluster_events) as other:
            assert other.reprocess(Again(), everything=True).replaced == 4
        backend.maintain()
        assert features(exported()) == merged
