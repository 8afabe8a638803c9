"""Reference routes of the API: place labels, place search, nearest place, country names and the
coding taxonomy (a hand-written gazetteer slice; an empty store)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontwatch.api.app import create_app
from frontwatch.api.limits import ApiLimits
from frontwatch.gazetteer.rows import PlaceRow, write_index
from frontwatch.settings import load_settings
from frontwatch.store import Store


def _rows() -> list[PlaceRow]:
    return [
        PlaceRow(99237, "Iraq", 33.0, 44.0, "IQ", fclass="A", fcode="PCLI", population=38_000_000),
        PlaceRow(
            -5,
            "Nineveh",
            36.2,
            42.6,
            "IQ",
            "15",
            "Nineveh",
            "A",
            "ADM1",
            3_000_000,
            names=["Nineveh", "Ninawa"],
        ),
        PlaceRow(98182, "Baghdad", 33.34, 44.4, "IQ", "07", None, "P", "PPLC", 7_200_000),
        PlaceRow(99072, "Mosul", 36.335, 43.119, "IQ", "15", "Nineveh", "P", "PPLA", 1_700_000),
        PlaceRow(7002, "Bartella", 36.35, 43.38, "IQ", "15", "Nineveh", "P", "PPL", 0),
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("reference")
    write_index(folder / "gazetteer.sqlite", _rows())
    Store.open(folder / "empty.duckdb").close()
    app = create_app(
        folder / "empty.duckdb",
        settings=load_settings(),
        limits=ApiLimits(read_rate=None, write_rate=None),
        drain_interval=None,
        gazetteer=folder / "gazetteer.sqlite",
    )
    with TestClient(app) as test_client:
        yield test_client


def _get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_api_reference_labels(client: TestClient) -> None:
    body = _get(client, "/api/gazetteer/labels", bbox="42,32,46,37", zoom=6)
    assert body == {
        "items": [
            {
                "geonameid": 98182,
                "name": "Baghdad",
                "lat": 33.34,
                "lon": 44.4,
                "country": "IQ",
                "population": 7_200_000,
                "kind": "capital",
            },
            {
                "geonameid": 99072,
                "name": "Mosul",
                "lat": 36.335,
                "lon": 43.119,
                "country": "IQ",
                "population": 1_700_000,
                "kind": "place",
            },
        ]
    }
    names = [
        p["name"]
        for p in _get(client, "/api/gazetteer/labels", bbox="-180,-90,180,90", zoom=3)["items"]
    ]
    assert names == ["Iraq", "Mosul"]  # Baghdad's label would cover Iraq's
    assert (
        _get(client, "/api/gazetteer/labels", bbox="42,32,46,37", zoom=6, limit=1)["items"][0][
            "name"
        ]
        == "Baghdad"
    )


@pytest.mark.parametrize(
    "params",
    [
        {"zoom": "6"},
        {"bbox": "42,32,46,37"},
        {"bbox": "46,32,42,37", "zoom": "6"},
        {"bbox": "42,32,46", "zoom": "6"},
        {"bbox": "-200,32,46,37", "zoom": "6"},
        {"bbox": "42,32,46,37", "zoom": "21"},
        {"bbox": "42,32,46,37", "zoom": "6", "limit": "301"},
    ],
)
def test_api_reference_labels_invalid(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/api/gazetteer/labels", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_api_reference_search(client: TestClient) -> None:
    assert _get(client, "/api/gazetteer/search", q="ninaw") == {
        "items": [
            {
                "geonameid": -5,
                "name": "Nineveh",
                "lat": 36.2,
                "lon": 42.6,
                "country": "IQ",
                "admin1": "15",
                "admin1_name": "Nineveh",
                "feature": "ADM1",
                "population": 3_000_000,
                "precision": 3,
            }
        ]
    }
    found = _get(client, "/api/gazetteer/search", q="mos")["items"]
    assert [(p["name"], p["precision"]) for p in found] == [("Mosul", 1)]
    assert _get(client, "/api/gazetteer/search", q="<script>")["items"] == []


@pytest.mark.parametrize("q", ["", "m", "x" * 101])
def test_api_reference_search_invalid(client: TestClient, q: str) -> None:
    assert client.get("/api/gazetteer/search", params={"q": q}).status_code == 422


def test_api_reference_nearest(client: TestClient) -> None:
    body = _get(client, "/api/gazetteer/nearest", lat=36.36, lon=43.37)
    assert body["place"]["name"] == "Bartella" and body["distance_km"] == 1.43
    assert body["place"]["precision"] == 1 and body["place"]["feature"] == "PPL"
    assert _get(client, "/api/gazetteer/nearest", lat=0, lon=0) == {
        "place": None,
        "distance_km": None,
    }
    assert client.get("/api/gazetteer/nearest", params={"lat": 91, "lon": 0}).status_code == 422


def test_api_reference_countries(client: TestClient) -> None:
    assert _get(client, "/api/gazetteer/countries") == {"items": [{"code": "IQ", "name": "Iraq"}]}


def test_api_reference_taxonomy(client: TestClient) -> None:
    body = _get(client, "/api/taxonomy")
    acled = {t["event_type"]: t["sub_event_types"] for t in body["acled"]}
    assert acled["Battles"] == [
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ]
    assert len(acled) == 6
    plover = {t["type"]: t["modes"] for t in body["plover"]}
    assert plover["AGREE"] == ["settle", "mediate", "ceasefire", "merge"]
    assert body["modalities"] == ["asserted", "reported", "negated", "hypothetical", "future"]
    assert body["statuses"] == ["completed", "attempted", "failed", "ongoing"]
    assert "killed" in body["quantity_kinds"]


def test_api_reference_gazetteer_missing(tmp_path: Path) -> None:
    Store.open(tmp_path / "empty.duckdb").close()
    (tmp_path / "broken.sqlite").write_bytes(b"not a database")
    app = create_app(
        tmp_path / "empty.duckdb",
        settings=load_settings(),
        drain_interval=None,
        gazetteer=tmp_path / "broken.sqlite",
    )
    with TestClient(app) as test_client:
        response = test_client.get("/api/gazetteer/countries")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
