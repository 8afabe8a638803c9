"""Place labels, place search and nearest place over a hand-written slice of the gazetteer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from frontwatch.gazetteer.labels import PlaceLabels
from frontwatch.gazetteer.rows import PlaceRow, write_index


def _rows() -> list[PlaceRow]:
    def town(gid: int, name: str, lat: float, lon: float, cc: str, code: str, pop: int) -> PlaceRow:
        return PlaceRow(gid, name, lat, lon, cc, fclass="P", fcode=code, population=pop)

    return [
        PlaceRow(99237, "Iraq", 33.0, 44.0, "IQ", fclass="A", fcode="PCLI", population=38_000_000),
        PlaceRow(
            163843, "Syria", 35.0, 38.0, "SY", fclass="A", fcode="PCLI", population=17_000_000
        ),
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
        town(98182, "Baghdad", 33.34, 44.40, "IQ", "PPLC", 7_200_000),
        town(170654, "Damascus", 33.51, 36.29, "SY", "PPLC", 2_500_000),
        town(170063, "Aleppo", 36.2, 37.16, "SY", "PPLA", 2_000_000),
        town(99072, "Mosul", 36.335, 43.119, "IQ", "PPLA", 1_700_000),
        town(7001, "Tel Kaif", 36.49, 43.12, "IQ", "PPL", 20_000),
        town(7002, "Bartella", 36.35, 43.38, "IQ", "PPL", 0),
        town(7003, "Mosul Old City", 36.34, 43.125, "IQ", "PPL", 0),
    ]


@pytest.fixture(scope="module")
def labels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlaceLabels]:
    path = tmp_path_factory.mktemp("labels") / "slice.sqlite"
    write_index(path, _rows())
    places = PlaceLabels.open(path)
    yield places
    places.close()


def test_gazetteer_labels_reads_populated_places(labels: PlaceLabels) -> None:
    assert len(labels) == 7
    assert labels.country_names() == {"IQ": "Iraq", "SY": "Syria"}


@pytest.mark.parametrize(
    ("bbox", "zoom", "expected"),
    [
        # zoomed out: countries first; Syria, Baghdad and Damascus would overlap Iraq's label
        ((-180.0, -85.0, 180.0, 85.0), 2, [("Iraq", "country")]),
        # a country view: capitals first, then the most populous; Tel Kaif (20,000) is under
        # the floor of zoom 6 (50,000), Bartella has no population
        (
            (35.0, 30.0, 46.0, 38.0),
            6,
            [
                ("Baghdad", "capital"),
                ("Damascus", "capital"),
                ("Aleppo", "place"),
                ("Mosul", "place"),
            ],
        ),
        ((42.5, 36.0, 43.6, 36.8), 8, [("Mosul", "place"), ("Tel Kaif", "place")]),
        # close in every place is named, but the Old City's label would cover Mosul's
        (
            (42.5, 36.0, 43.6, 36.8),
            11,
            [("Mosul", "place"), ("Tel Kaif", "place"), ("Bartella", "place")],
        ),
        ((0.0, 0.0, 10.0, 10.0), 6, []),
    ],
)
def test_gazetteer_labels_by_zoom(
    labels: PlaceLabels,
    bbox: tuple[float, float, float, float],
    zoom: int,
    expected: list[tuple[str, str]],
) -> None:
    assert [(p.name, p.kind) for p in labels.labels(bbox, zoom)] == expected


def test_gazetteer_labels_limit(labels: PlaceLabels) -> None:
    found = labels.labels((35.0, 30.0, 46.0, 38.0), 6, limit=2)
    assert [p.name for p in found] == ["Baghdad", "Damascus"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mos", ["Mosul", "Mosul Old City"]),
        ("Mosul", ["Mosul", "Mosul Old City"]),
        ("Ninawa", ["Nineveh"]),
        ("BAGH", ["Baghdad"]),
        ("  ", []),
        ("Zzz", []),
    ],
)
def test_gazetteer_labels_search(labels: PlaceLabels, text: str, expected: list[str]) -> None:
    assert [p.name for p in labels.search(text)] == expected


def test_gazetteer_labels_search_returns_places(labels: PlaceLabels) -> None:
    (nineveh,) = labels.search("ninawa")
    assert (nineveh.geonameid, nineveh.feature_code, nineveh.country) == (-5, "ADM1", "IQ")


def test_gazetteer_labels_nearest(labels: PlaceLabels) -> None:
    found = labels.nearest(36.36, 43.37)
    assert found is not None
    place, km = found
    assert (place.name, km) == ("Bartella", 1.43)
    assert labels.nearest(0.0, 0.0) is None
    assert labels.nearest(36.36, 43.37, max_km=1.0) is None
