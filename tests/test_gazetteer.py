from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontwatch.cli import cli
from frontwatch.gazetteer import Gazetteer, fold_key, name_key, synthetic_id
from frontwatch.gazetteer import build as build_module
from frontwatch.gazetteer.build import PlaceRow, _admin1, _admin2, _centre, _clustered, write_index
from frontwatch.gazetteer.geonames_dump import read_dump
from frontwatch.gazetteer.index import (
    INDEX_VERSION,
    data_fingerprint,
    default_index_path,
    prune_indexes,
)

FIXTURE = Path(__file__).parent / "fixtures" / "gazetteer" / "sample_dump.txt"


def _rows() -> list[PlaceRow]:
    return [
        PlaceRow(
            99237,
            "Iraq",
            33.0,
            44.0,
            "IQ",
            None,
            None,
            "A",
            "PCLI",
            38_000_000,
            True,
            "test",
            ["Iraq", "Republic of Iraq"],
        ),
        PlaceRow(
            143127,
            "Arak",
            34.09,
            49.69,
            "IR",
            "35",
            None,
            "P",
            "PPL",
            500_000,
            False,
            "test",
            ["Arak", "Iraq"],
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
            True,
            "test",
            ["Nineveh", "Ninawa"],
        ),
        PlaceRow(
            99072,
            "Mosul",
            36.335,
            43.11889,
            "IQ",
            "15",
            "Nineveh",
            "P",
            "PPLA",
            1_700_000,
            False,
            "test",
            ["Mosul", "Al Mawsil"],
        ),
    ]


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    path = tmp_path_factory.mktemp("gz") / "slice.sqlite"
    write_index(path, _rows())
    return Gazetteer.open(path)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Deir ez-Zor", "deir ez zor"),
        ("Ḩimş", "hims"),
        ("U.S.", "us"),
        ("St. Michael's", "st michaels"),
        ("Рим", ""),
    ],
)
def test_gazetteer_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mosul", "Mawsil"),
        ("al-Mawsil", "Mosul"),
        ("Deir ez-Zor", "Dayr az Zawr"),
        ("Deir ez-Zor", "Deir Ezzor"),
        ("Qamishli", "Kamishli"),
        ("Nabatiyeh", "Nabatieh"),
        ("Nabatiya", "An Nabatiyah"),
        ("Hodeidah", "Al Hudaydah"),
        ("Hawija", "Al Hawijah"),
        ("al-Suwaida", "As Suwayda"),
    ],
)
def test_gazetteer_fold_key_joins_transliterations(a: str, b: str) -> None:
    assert fold_key(a) == fold_key(b)


@pytest.mark.parametrize(("a", "b"), [("Homs", "Khums"), ("Mosul", "Basra")])
def test_gazetteer_fold_key_keeps_names_apart(a: str, b: str) -> None:
    assert fold_key(a) != fold_key(b)


def test_gazetteer_synthetic_id_is_stable_and_negative() -> None:
    assert synthetic_id("supplement", "Shaar gas field") == synthetic_id(
        "supplement", "Shaar gas field"
    )
    assert synthetic_id("supplement", "Shaar gas field") < 0
    assert synthetic_id("supplement", "a") != synthetic_id("airport", "a")


def test_gazetteer_candidates_by_population(gazetteer: Gazetteer) -> None:
    assert [p.geonameid for p in gazetteer.candidates("Iraq")] == [99237, 143127]


def test_gazetteer_lookup_exact_then_folded(gazetteer: Gazetteer) -> None:
    exact = gazetteer.lookup("al-Mawsil")
    assert [(c.place.geonameid, c.exact, c.primary) for c in exact] == [(99072, True, False)]
    folded = gazetteer.lookup("Mawsil")
    assert [(c.place.geonameid, c.exact) for c in folded] == [(99072, False)]
    assert gazetteer.lookup("Mawsil", fold=False) == []


def test_gazetteer_get_country_admin1(gazetteer: Gazetteer) -> None:
    mosul = gazetteer.get(99072)
    assert mosul is not None
    assert (mosul.name, mosul.country, mosul.admin1_name, mosul.feature_code) == (
        "Mosul",
        "IQ",
        "Nineveh",
        "PPLA",
    )
    assert gazetteer.get(1) is None
    assert gazetteer.country("iq").geonameid == 99237
    assert gazetteer.admin1("IQ", "15").name == "Nineveh"
    with pytest.raises(KeyError):
        gazetteer.country("ZZ")
    assert gazetteer.version() == INDEX_VERSION


def test_gazetteer_known_keys(gazetteer: Gazetteer) -> None:
    assert gazetteer.known_keys(["mosul", "al mawsil", "nowhere", ""]) == {"mosul", "al mawsil"}


def test_gazetteer_read_dump_official_format() -> None:
    rows = list(read_dump(FIXTURE, {("IQ", "15"): "Nineveh"}))
    assert [(r.geonameid, r.fcode, r.admin1_name) for r in rows] == [
        (99072, "PPLA", "Nineveh"),
        (170794, "PPLA", None),
        (9999001, "PSTB", None),
        (9999002, "GASF", None),
    ]
    assert rows[0].names == ["Mosul", "Mosul", "Al Mawsil", "Al-Mawsil", "Mawsil", "Mossoul"]
    assert rows[0].population == 1739800


def test_gazetteer_dump_rows_indexed(tmp_path: Path) -> None:
    path = tmp_path / "dump.sqlite"
    assert write_index(path, read_dump(FIXTURE)) == 4
    gz = Gazetteer.open(path)
    assert [p.feature_code for p in gz.candidates("Trebil")] == ["PSTB"]
    assert [p.geonameid for p in gz.candidates("Deir Ezzor")] == [170794]
    assert [p.geonameid for p in gz.candidates("Dayr az-Zawr")] == [170794]


@pytest.mark.parametrize(
    "first,second,expected",
    [
        (["mosul", "nowhere"], ["mosul", "al mawsil", "nowhere"], {"mosul", "al mawsil"}),
        (["nowhere"], ["nowhere", "mosul"], {"mosul"}),
        (["al mawsil"], ["al mawsil", ""], {"al mawsil"}),
    ],
)
def test_gazetteer_known_keys_remembered(
    gazetteer: Gazetteer, first: list[str], second: list[str], expected: set[str]
) -> None:
    gazetteer.known_keys(first)  # answers remembered from an earlier document
    assert gazetteer.known_keys(second) == expected
    assert gazetteer.known_keys(second) == expected


def test_gazetteer_country_remembered(gazetteer: Gazetteer) -> None:
    first = gazetteer.country("IQ")
    assert gazetteer.country("IQ") is first
    assert gazetteer.country("iq") == first
    with pytest.raises(KeyError):
        gazetteer.country("ZZ")
    with pytest.raises(KeyError):
        gazetteer.country("ZZ")


def _places(*points: tuple[float, float]) -> list[dict[str, float]]:
    return [{"latitude": lat, "longitude": lon} for lat, lon in points]


@pytest.mark.parametrize(
    ("points", "centre"),
    [
        # the box around all places, not their mean (which the crowded south pulls down)
        (
            ((-28.0, 153.0), (-27.5, 152.5), (-27.0, 153.0), (-10.0, 142.0), (-11.0, 142.5)),
            (-19.0, 147.5),
        ),
        # a place with no neighbour within two grid cells is left out (coded to the wrong
        # division): the box is that of the other four
        (
            ((31.0, 119.0), (32.0, 120.0), (33.0, 121.0), (34.0, 119.5), (29.0, 100.0)),
            (32.5, 120.0),
        ),
        # a division across the antimeridian: the box goes the short way round
        (((-16.0, 179.0), (-17.0, 179.5), (-16.5, -179.0), (-17.5, -178.0)), (-16.75, -179.5)),
    ],
)
def test_gazetteer_division_centre_is_box_of_clustered_places(
    points: tuple[tuple[float, float], ...], centre: tuple[float, float]
) -> None:
    lat, lon = _centre(_places(*points))
    assert (round(lat, 3), round(lon, 3)) == centre


def test_gazetteer_clustered_keeps_lone_division() -> None:
    assert _clustered([(10.0, 10.0)]) == [(10.0, 10.0)]


def test_gazetteer_fingerprint_covers_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    before = data_fingerprint()
    real = Path.read_bytes

    def patched(self: Path) -> bytes:
        data = real(self)
        return data + b"#changed" if self.name == "build.py" else data

    monkeypatch.setattr(Path, "read_bytes", patched)
    data_fingerprint.cache_clear()  # computed once a process
    assert data_fingerprint() != before
    data_fingerprint.cache_clear()


def _city(
    gid: int, name: str, lat: float, lon: float, cc: str, a1: str, pop: int
) -> dict[str, object]:
    return {
        "geonameid": gid,
        "name": name,
        "latitude": lat,
        "longitude": lon,
        "countrycode": cc,
        "admin1code": a1,
        "population": pop,
        "alternatenames": [],
    }


def test_gazetteer_admin1_named_by_geonames_code() -> None:
    cities = {
        str(c["geonameid"]): c
        for c in (
            _city(1, "Tarim", 16.05, 48.99, "YE", "04", 50_000),
            _city(2, "Sumy", 50.91, 34.80, "UA", "21", 260_000),
            _city(3, "Makurdi", 7.73, 8.52, "NG", "26", 300_000),
            _city(4, "Idlib", 35.93, 36.63, "SY", "12", 165_000),
        )
    }
    rows = {(r.country, r.admin1): r for r in _admin1(cities)}
    # names of the division codes, from GeoNames (the codes of the bundled places)
    assert rows[("YE", "04")].name == "Muhafazat Hadramaout"
    assert "Hadhramaut" in rows[("YE", "04")].names
    assert rows[("UA", "21")].name == "Sumy"
    assert rows[("NG", "26")].name == "Benue State"
    assert "Benue" in rows[("NG", "26")].names
    # a division with fewer than five places takes the ISO subdivision's centre
    idlib = rows[("SY", "12")]
    assert (idlib.fcode, idlib.approximate, idlib.lat, idlib.lon) == (
        "ADM1",
        True,
        35.8702,
        36.5482,
    )
    assert idlib.population == 165_000
    # an ISO subdivision that no code of the bundled places matched: its ISO code, its centre
    janub = [r for r in rows.values() if r.country == "LB" and r.admin1 == "LB-JA"]
    assert janub == [] or janub[0].geonameid < 0
    assert all(r.geonameid != 0 for r in rows.values())


def test_gazetteer_admin2_rows_with_short_names() -> None:
    rows = {(r.country, r.name): r for r in _admin2({("IQ", "15"): "Nineveh"})}
    sinjar = rows[("IQ", "Sinjar")]
    assert (sinjar.fcode, sinjar.fclass, sinjar.admin1, sinjar.admin1_name) == (
        "ADM2",
        "A",
        "15",
        "Nineveh",
    )
    assert sinjar.approximate and sinjar.geonameid < 0
    kurram = rows[("PK", "Kurram District")]
    assert kurram.names == ["Kurram District", "Kurram"]


def test_gazetteer_division_ranks_by_a_third_of_its_population(tmp_path: Path) -> None:
    path = tmp_path / "rank.sqlite"
    write_index(
        path,
        [
            PlaceRow(-1, "Cairo", 30.0, 31.3, "EG", "11", "Cairo", "A", "ADM1", 18_000_000),
            PlaceRow(360630, "Cairo", 30.06, 31.25, "EG", "11", "Cairo", "P", "PPLC", 9_600_000),
        ],
    )
    gz = Gazetteer.open(path)
    assert [c.place.feature_code for c in gz.lookup("Cairo")] == ["PPLC", "ADM1"]


def test_gazetteer_build_with_country_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `frontwatch gazetteer build --geonames IQ.zip --geonames SY.zip`: two country files in
    # the official format (written for the tests), indexed beside the bundled data (here
    # without the bundled towns, to keep the build small)
    real = build_module._gnc_data()
    gnc = tmp_path / "gnc"
    gnc.mkdir()
    for name in ("countries.json", "continents.json", "us_states.json"):
        (gnc / name).write_bytes((real / name).read_bytes())
    (gnc / "cities500.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(build_module, "_gnc_data", lambda: gnc)
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    files = []
    for cc in ("IQ", "SY"):
        path = tmp_path / f"{cc}.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(f"{cc}.txt", "\n".join(x for x in lines if f"\t{cc}\t" in x) + "\n")
        files += ["--geonames", str(path)]
    out = tmp_path / "index.sqlite"
    result = CliRunner().invoke(cli, ["gazetteer", "build", *files, "-o", str(out)])
    assert result.exit_code == 0, result.output
    gz = Gazetteer.open(out)
    # the border post from IQ.zip beside the bundled supplement's crossing (synthetic id)
    assert [(p.geonameid, p.source) for p in gz.candidates("Trebil") if p.geonameid > 0] == [
        (9999001, "geonames dump")
    ]
    towns = [p.geonameid for p in gz.candidates("Dayr az-Zawr") if p.feature_class == "P"]
    assert towns == [170794]  # the governorate's row is there too
    assert [p.geonameid for p in gz.candidates("Mossoul")] == [99072]


def test_gazetteer_default_index_named_by_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two installs sharing a home keep an index each (the file name carries the data's
    fingerprint); building keeps the three newest."""
    monkeypatch.setenv("FRONTWATCH_HOME", str(tmp_path))
    path = default_index_path()
    assert path == tmp_path / f"gazetteer-v{INDEX_VERSION}-{data_fingerprint()[:12]}.sqlite"
    names = ["gazetteer-v3.sqlite", *(f"gazetteer-v3-{x}.sqlite" for x in "abcd")]
    for n, name in enumerate(names):
        (tmp_path / name).write_bytes(b"")
        os.utime(tmp_path / name, (1_000_000 + n, 1_000_000 + n))
    (tmp_path / "other.sqlite").write_bytes(b"")
    removed = prune_indexes(tmp_path)
    assert sorted(p.name for p in removed) == ["gazetteer-v3-a.sqlite", "gazetteer-v3.sqlite"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "gazetteer-v3-b.sqlite",
        "gazetteer-v3-c.sqlite",
        "gazetteer-v3-d.sqlite",
        "other.sqlite",
    ]
