"""Exports: ACLED CSV read back with csv, GeoJSON checked by a schema, Parquet read by DuckDB."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pytest
from click.testing import CliRunner

from frontwatch.cli import export as export_command
from frontwatch.export import (
    ACLED_COLUMNS,
    FLAT_COLUMNS,
    FORMATS,
    acled_date,
    acled_disorder_type,
    write_export,
)
from frontwatch.records import (
    Acled,
    Actor,
    Attribution,
    Document,
    DocumentResult,
    Event,
    EventDate,
    Location,
    Plover,
    Quantity,
    TextSpan,
)

STAMP = 1_700_000_000

# Texts written for these tests.
TEXT_A = "Rebels and allied tribal fighters seized Kidal on Tuesday, killing 12 soldiers."
TEXT_B = "Students marched through central Bamako on Friday."
TEXT_C = "The minister said that talks would resume next month."


def _loc(text: str, start: int, **kw: Any) -> Location:
    return Location(text=text, span=(start, start + len(text)), **kw)


def _event(
    event_id: str,
    doc_id: str,
    text: str,
    trigger: str,
    *,
    acled: Acled | None = None,
    plover: Plover | None = None,
    category: str = "political_violence",
    **kw: Any,
) -> Event:
    start = text.index(trigger)
    return Event(
        id=event_id,
        doc_id=doc_id,
        acled=acled,
        plover=plover,
        category=category,
        modality=kw.pop("modality", "asserted"),
        trigger=TextSpan(text=trigger, span=(start, start + len(trigger))),
        evidence=TextSpan(text=text, span=(0, len(text))),
        confidence=0.9,
        extractor_version="0.1.0",
        **kw,
    )


KIDAL = _event(
    "ev-kidal",
    "doc-a",
    TEXT_A,
    "seized",
    acled=Acled(event_type="Battles", sub_event_type="Non-state actor overtakes territory"),
    plover=Plover(type="FIGHT", mode="occupy"),
    actor1=Actor(
        text="Rebels and allied tribal fighters",
        span=(0, 33),
        members=[
            Actor(text="Rebels", span=(0, 6), type="rebel_group"),
            Actor(
                text="allied tribal fighters",
                span=(11, 33),
                name="Tribal militia",
                type="identity_militia",
            ),
        ],
    ),
    actor2=Actor(text="soldiers", span=(70, 78), type="state_forces", country="ML"),
    location=_loc(
        "Kidal",
        41,
        name="Kidal",
        geonameid=2455290,
        lat=18.44111,
        lon=1.40778,
        country="ML",
        admin1="Kidal",
        feature="PPLA",
        precision=1,
    ),
    date=EventDate(
        text="Tuesday",
        span=(50, 57),
        start=dt.date(2024, 3, 12),
        end=dt.date(2024, 3, 12),
        precision="day",
    ),
    quantities=[Quantity(kind="killed", count=12, text="12 soldiers", span=(67, 78))],
    status="completed",
)
BAMAKO = _event(
    "ev-bamako",
    "doc-b",
    TEXT_B,
    "marched",
    acled=Acled(event_type="Protests", sub_event_type="Peaceful protest"),
    plover=Plover(type="PROTEST", mode="demonstrate"),
    category="protest",
    actor1=Actor(text="Students", span=(0, 8), name="Students", type="protesters"),
    location=_loc("Bamako", 33, name="Bamako", country="ML"),  # no coordinates
    date=EventDate(start=dt.date(2024, 3, 11), end=dt.date(2024, 3, 17), precision="week"),
)
TALKS = _event(
    "ev-talks",
    "doc-c",
    TEXT_C,
    "resume",
    plover=Plover(type="CONSULT"),
    category="verbal",
    modality="future",
    attribution=Attribution(speaker="The minister", speaker_span=(0, 12), source="Radio Sahel"),
)
EVENTS = [KIDAL, BAMAKO, TALKS]
DOCUMENTS = {
    "doc-a": Document(id="doc-a", text=TEXT_A, outlet="Sahel Courier"),
    "doc-b": Document(id="doc-b", text=TEXT_B, outlet=None),
    # the talks have no date in the text: they take the publication date
    "doc-c": Document(id="doc-c", text=TEXT_C, published=dt.date(2024, 3, 15)),
}


def _export(fmt: str, events: list[Event] | None = None, **kw: Any) -> tuple[str, Any]:
    out = io.StringIO()
    documents = kw.pop("documents", DOCUMENTS)
    stats = write_export(
        fmt, EVENTS if events is None else events, out, documents=documents, timestamp=STAMP, **kw
    )
    return out.getvalue(), stats


# -- ACLED CSV -------------------------------------------------------------------------------


def test_export_acled_csv_read_back() -> None:
    text, stats = _export("acled-csv")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == (*ACLED_COLUMNS, "reviewed")
    rows = list(reader)
    assert (stats.written, stats.skipped) == (2, {"not ACLED-coded": 1})
    assert rows[0] == {
        "event_id_cnty": "ev-kidal",
        "event_date": "2024-03-12",
        "year": "2024",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Battles",
        "sub_event_type": "Non-state actor overtakes territory",
        "actor1": "Rebels",
        "assoc_actor_1": "Tribal militia",
        "inter1": "2",
        "actor2": "soldiers",
        "assoc_actor_2": "",
        "inter2": "1",
        "interaction": "12",
        "civilian_targeting": "",
        "iso": "466",
        "region": "",
        "country": "Mali",
        "admin1": "Kidal",
        "admin2": "",
        "admin3": "",
        "location": "Kidal",
        "latitude": "18.4411",
        "longitude": "1.40778",
        "geo_precision": "1",
        "source": "Sahel Courier",
        "source_scale": "",
        "notes": TEXT_A,
        "fatalities": "12",
        "tags": "modality=asserted; date precision=day",
        "timestamp": str(STAMP),
        "reviewed": "",
    }
    bamako = rows[1]
    assert (bamako["disorder_type"], bamako["inter1"], bamako["interaction"]) == (
        "Demonstrations",
        "6",
        "60",
    )
    assert (bamako["event_date"], bamako["time_precision"], bamako["fatalities"]) == (
        "2024-03-14",
        "2",
        "0",
    )
    assert (bamako["latitude"], bamako["source"]) == ("", "")
    assert bamako["tags"] == "modality=asserted; date precision=week"


@pytest.mark.parametrize(
    ("event_type", "sub", "disorder"),
    [
        ("Battles", "Armed clash", "Political violence"),
        ("Explosions/Remote violence", "Air/drone strike", "Political violence"),
        ("Protests", "Peaceful protest", "Demonstrations"),
        ("Riots", "Violent demonstration", "Demonstrations"),
        ("Riots", "Mob violence", "Political violence; Demonstrations"),
        (
            "Violence against civilians",
            "Excessive force against protesters",
            "Political violence; Demonstrations",
        ),
        ("Strategic developments", "Arrests", "Strategic developments"),
    ],
)
def test_export_acled_disorder_type(event_type: str, sub: str, disorder: str) -> None:
    assert acled_disorder_type(event_type, sub) == disorder


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        ((2024, 3, 12), (2024, 3, 12), "day", ((2024, 3, 12), 1)),
        ((2024, 3, 11), (2024, 3, 17), "week", ((2024, 3, 14), 2)),
        ((2024, 3, 10), (2024, 3, 12), "range", ((2024, 3, 11), 2)),
        ((2024, 3, 1), (2024, 3, 31), "month", ((2024, 3, 16), 3)),
        ((2024, 1, 1), (2024, 12, 31), "year", ((2024, 7, 1), 3)),
    ],
)
def test_export_acled_date(
    start: tuple[int, int, int],
    end: tuple[int, int, int],
    precision: str,
    expected: tuple[tuple[int, int, int], int],
) -> None:
    date = EventDate(start=dt.date(*start), end=dt.date(*end), precision=precision)
    event = KIDAL.model_copy(update={"date": date})
    assert acled_date(event) == (dt.date(*expected[0]), expected[1])


def test_export_acled_civilian_targeting() -> None:
    attack = KIDAL.model_copy(
        update={
            "acled": Acled(event_type="Violence against civilians", sub_event_type="Attack"),
            "actor2": Actor(text="villagers", span=(0, 9), type="civilians"),
        }
    )
    text, _ = _export("acled-csv", [attack])
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["inter2"], row["interaction"], row["civilian_targeting"]) == (
        "7",
        "27",
        "Civilian targeting",
    )


def test_export_acled_actor_names_with_their_country() -> None:
    # ACLED names unnamed crowds, civilians and armed groups with the country, so rows join
    attack = KIDAL.model_copy(
        update={
            "acled": Acled(event_type="Violence against civilians", sub_event_type="Attack"),
            "actor1": Actor(
                text="gunmen", span=(0, 6), name="Unidentified Armed Group", type="rebel_group"
            ),
            "actor2": Actor(
                text="Malian protesters",
                span=(0, 9),
                name="Protesters",
                type="protesters",
                country="ML",
                members=[
                    Actor(text="protesters", span=(0, 9), name="Protesters", country="ML"),
                    Actor(text="students", span=(0, 9), name="Students"),
                ],
            ),
        }
    )
    text, _ = _export("acled-csv", [attack])
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["actor1"], row["actor2"], row["assoc_actor_2"]) == (
        "Unidentified Armed Group (Mali)",  # the event's country
        "Protesters (Mali)",  # the actor's own
        "Students (Mali)",
    )


# -- PLOVER JSON -----------------------------------------------------------------------------


def test_export_plover_json() -> None:
    text, stats = _export("plover-json")
    records = json.loads(text)
    assert (stats.written, stats.skipped) == (3, {})
    assert [r["event_type"] for r in records] == ["FIGHT", "PROTEST", "CONSULT"]
    assert records[2] == {
        "id": "ev-talks",
        "cluster": None,
        "doc_id": "doc-c",
        "date": "2024-03-15",
        "date_end": "2024-03-15",
        "date_precision": "day",
        "date_inferred": True,
        "event_type": "CONSULT",
        "mode": None,
        "context": [],
        "quad": "verbal cooperation",
        "actor": None,
        "recipient": None,
        "location": None,
        "quantities": [],
        "modality": "future",
        "status": None,
        "historical": False,
        "aggregate": False,
        "fatalities_withheld": None,
        "source": ["Radio Sahel"],
        "sources": None,
        "attribution": {
            "source": "Radio Sahel",
            "speaker": "The minister",
            "speaker_span": [0, 12],
            "default": False,
        },
        "text": TEXT_C,
        "evidence_span": [0, len(TEXT_C)],
        "trigger": "resume",
        "trigger_span": [35, 41],
        "confidence": 0.9,
        "version": "0.1.0",
        "reviewed": None,
    }
    kidal = records[0]
    assert kidal["actor"]["members"] == ["Rebels", "Tribal militia"]
    assert kidal["recipient"] == {
        "name": "soldiers",
        "text": "soldiers",
        "span": [70, 78],
        "type": "state_forces",
        "country": "ML",
        "wikidata": None,
        "members": [],
    }
    assert (kidal["location"]["geonameid"], kidal["location"]["approximate"]) == (2455290, False)
    assert kidal["date_inferred"] is False
    assert kidal["quad"] == "material conflict"


def test_export_plover_json_empty_and_skipped() -> None:
    text, stats = _export("plover-json", [KIDAL.model_copy(update={"plover": None})])
    assert (json.loads(text), stats.written, stats.skipped) == ([], 0, {"no PLOVER type": 1})


# -- GeoJSON ---------------------------------------------------------------------------------

GEOJSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": ["string", "number"]},
                    "geometry": {
                        "type": "object",
                        "required": ["type", "coordinates"],
                        "properties": {
                            "type": {"const": "Point"},
                            "coordinates": {
                                "type": "array",
                                "minItems": 2,
                                "maxItems": 3,
                                "prefixItems": [
                                    {"type": "number", "minimum": -180, "maximum": 180},
                                    {"type": "number", "minimum": -90, "maximum": 90},
                                ],
                                "items": {"type": "number"},
                            },
                        },
                    },
                    "properties": {"type": ["object", "null"]},
                },
            },
        },
    },
}


def test_export_geojson_schema_and_skips() -> None:
    text, stats = _export("geojson")
    collection = json.loads(text)
    jsonschema.validate(collection, GEOJSON_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert (stats.written, stats.skipped) == (1, {"no coordinates": 2})
    (feature,) = collection["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [1.40778, 18.44111]}
    props = feature["properties"]
    assert set(props) == set(FLAT_COLUMNS)
    assert (props["date"], props["acled_sub_event_type"], props["fatalities"]) == (
        "2024-03-12",
        "Non-state actor overtakes territory",
        12,
    )
    assert props["evidence"] == TEXT_A


def test_export_geojson_empty_is_valid() -> None:
    text, _ = _export("geojson", [])
    assert json.loads(text) == {"type": "FeatureCollection", "features": []}


# -- Parquet ---------------------------------------------------------------------------------


def test_export_parquet_read_back(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    stats = write_export("parquet", EVENTS, path, documents=DOCUMENTS)
    assert stats.written == 3
    assert not (tmp_path / "events.parquet.part").exists()
    con = duckdb.connect(":memory:")
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        assert [(row[0], row[1]) for row in described] == list(FLAT_COLUMNS.items())
        rows = con.execute(
            f"SELECT id, date, acled_event_type, actor1, latitude, fatalities, outlets "
            f"FROM read_parquet('{path}') ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("ev-bamako", dt.date(2024, 3, 11), "Protests", "Students", None, None, None),
        ("ev-kidal", dt.date(2024, 3, 12), "Battles", "Rebels and allied tribal fighters",
         18.44111, 12.0, "Sahel Courier"),
        ("ev-talks", dt.date(2024, 3, 15), None, None, None, None, "Radio Sahel"),
    ]  # fmt: skip


def test_export_parquet_to_binary_stream() -> None:
    out = io.BytesIO()
    assert write_export("parquet", [KIDAL], out).written == 1
    assert out.getvalue()[:4] == b"PAR1"


# -- clusters, paths, errors -----------------------------------------------------------------


def test_export_clusters_merge_reports() -> None:
    records = pytest.importorskip("frontwatch.situation.records")
    other = KIDAL.model_copy(update={"id": "ev-kidal-2", "doc_id": "doc-d"})
    spread = records.ValueSpread(
        kind="killed",
        values=[
            records.SourcedValue(doc_id="doc-a", event_id="ev-kidal", outlet="A", value=15),
            records.SourcedValue(doc_id="doc-d", event_id="ev-kidal-2", outlet="B", value=12),
        ],
        low=12,
        best=13.5,
        high=15,
    )
    cluster = records.EventCluster(
        id="cl-kidal",
        event=KIDAL,
        members=["ev-kidal", "ev-kidal-2"],
        reports=[
            records.Report(doc_id="doc-a", event_id="ev-kidal", outlet="Sahel Courier"),
            records.Report(doc_id="doc-d", event_id="ev-kidal-2", outlet="Desert Post"),
        ],
        sources=2,
        conflicts={"killed": spread},
    )
    text, stats = _export("acled-csv", [other, KIDAL, BAMAKO], clusters=[cluster])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert (stats.written, stats.merged) == (2, 1)
    assert [(r["event_id_cnty"], r["source"], r["fatalities"]) for r in rows] == [
        ("cl-kidal", "Sahel Courier; Desert Post", "12"),
        ("ev-bamako", "", "0"),
    ]
    plover, _ = _export("plover-json", [KIDAL, other], clusters=[cluster])
    (record,) = json.loads(plover)
    assert (record["cluster"], record["sources"]) == ("cl-kidal", 2)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "parquet"])
def test_export_text_formats_to_path(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "out"
    write_export(fmt, EVENTS, path, timestamp=STAMP)
    stream = io.StringIO()
    write_export(fmt, EVENTS, stream, timestamp=STAMP)
    assert path.read_text(encoding="utf-8") == stream.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_export_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown export format 'kml'"):
        write_export("kml", EVENTS, io.StringIO())


# -- issue 14: dates, tolls, numbers, what to trust, spreadsheets -----------------------------

UNDATED = KIDAL.model_copy(update={"id": "ev-undated", "doc_id": "doc-u", "date": None})
WAR = KIDAL.model_copy(
    update={
        "id": "ev-war",
        "quantities": [
            Quantity(kind="killed", count=1_000_000, low=1_000_000, text="a million", span=(0, 9))
        ],
        "location": KIDAL.location.model_copy(update={"approximate": True})
        if KIDAL.location
        else None,
        "date": EventDate(start=dt.date(2024, 3, 11), end=dt.date(2024, 3, 17), precision="week",
                          inferred=True),
        "historical": True,
    }
)  # fmt: skip


def test_export_every_row_has_a_date() -> None:
    published = {"doc-u": Document(id="doc-u", text=TEXT_A, published=dt.date(2024, 3, 20))}
    text, stats = _export("acled-csv", [UNDATED], documents=published)
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["event_date"], row["time_precision"], row["tags"]) == (
        "2024-03-20",
        "1",
        "modality=asserted; date=publication date; date precision=day",
    )
    text, stats = _export("acled-csv", [UNDATED, KIDAL], documents={})
    assert [r["event_id_cnty"] for r in csv.DictReader(io.StringIO(text))] == ["ev-kidal"]
    assert stats.skipped == {"no date (none in the text, and no publication date)": 1}
    assert stats.summary() == (
        "1 records written (acled-csv); "
        "1 skipped: no date (none in the text, and no publication date)"
    )


def test_export_huge_toll_withheld_and_tags_say_what_to_trust() -> None:
    text, _ = _export("acled-csv", [WAR])
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["fatalities"], row["tags"]) == (
        "0",
        "modality=asserted; date=inferred; date precision=week; location=approximate; "
        "background=historical; fatalities withheld=1000000 (one event's toll, to check)",
    )
    geojson, _ = _export("geojson", [WAR])
    props = json.loads(geojson)["features"][0]["properties"]
    assert {k: props[k] for k in (
        "fatalities", "fatalities_withheld", "date_inferred", "location_approximate",
        "historical", "aggregate", "modality", "date_precision", "geo_precision",
    )} == {
        "fatalities": None, "fatalities_withheld": 1_000_000.0, "date_inferred": True,
        "location_approximate": True, "historical": True, "aggregate": False,
        "modality": "asserted", "date_precision": "week", "geo_precision": 1,
    }  # fmt: skip
    plover, _ = _export("plover-json", [WAR])
    (record,) = json.loads(plover)
    assert (record["fatalities_withheld"], record["historical"]) == (1_000_000.0, True)


@pytest.mark.parametrize(
    ("count", "written"), [(12.0, "12"), (99_999.0, "99999"), (2.6, "3"), (1500.0, "1500")]
)
def test_export_fatalities_are_integers(count: float, written: str) -> None:
    event = KIDAL.model_copy(
        update={"quantities": [Quantity(kind="killed", count=count, text="x", span=(0, 1))]}
    )
    text, _ = _export("acled-csv", [event])
    assert next(csv.DictReader(io.StringIO(text)))["fatalities"] == written


def test_export_bom_for_spreadsheets() -> None:
    text, _ = _export("acled-csv", [KIDAL], bom=True)
    assert text.startswith("\ufeffevent_id_cnty,event_date,")
    assert next(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))["event_id_cnty"] == (
        "ev-kidal"
    )
    with pytest.raises(ValueError, match="a byte order mark is for CSV formats"):
        write_export("geojson", [KIDAL], io.StringIO(), bom=True)


# -- the export command ----------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    store_module = pytest.importorskip("frontwatch.store")
    path = tmp_path / "events.duckdb"
    texts = {"doc-a": TEXT_A, "doc-b": TEXT_B, "doc-c": TEXT_C}
    pairs = [
        (
            Document(
                id=doc_id,
                text=text,
                outlet="Sahel Courier" if doc_id == "doc-a" else None,
                published=DOCUMENTS[doc_id].published,
            ),
            DocumentResult(doc_id=doc_id, events=[e for e in EVENTS if e.doc_id == doc_id]),
        )
        for doc_id, text in texts.items()
    ]
    with store_module.Store.open(path, clusterer=None) as store:
        store.ingest(pairs)
    return path


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        ([], ["ev-kidal", "ev-bamako"]),
        (["--start", "2024-03-12", "--end", "2024-03-12"], ["ev-kidal", "ev-bamako"]),
        (["--end", "2024-03-11"], ["ev-bamako"]),
        (["--country", "ml", "--type", "protests"], ["ev-bamako"]),
        (["--actor", "tribal"], ["ev-kidal"]),
        (["--bbox", "0,15,5,20"], ["ev-kidal"]),
        (["--country", "IQ"], []),
    ],
)
def test_export_command_filters(db: Path, args: list[str], ids: list[str]) -> None:
    result = CliRunner().invoke(
        export_command.export, ["--format", "acled-csv", "--db", str(db), *args], obj={}
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["event_id_cnty"] for r in rows) == sorted(ids)
    assert f"{len(ids)} records written (acled-csv)" in result.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_command_formats_to_file(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    args = ["--format", fmt, "--db", str(db), "-o", str(out), "--no-merge"]
    result = CliRunner().invoke(export_command.export, args, obj={})
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    if fmt == "parquet":
        con = duckdb.connect(":memory:")
        try:
            count = con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()
        finally:
            con.close()
        assert count == (2,)  # the talks are future: facts only by default


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        ([], ["ev-bamako", "ev-kidal"]),
        (["--modality", "all"], ["ev-bamako", "ev-kidal", "ev-talks"]),
        (["--modality", "future"], ["ev-talks"]),
        (["--modality", "asserted", "--modality", "future"], ["ev-bamako", "ev-kidal", "ev-talks"]),
    ],
)
def test_export_command_facts_by_default(db: Path, args: list[str], ids: list[str]) -> None:
    runner = CliRunner()
    command = ["--format", "plover-json", "--db", str(db), "--no-merge", *args]
    result = runner.invoke(export_command.export, command, obj={})
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ids


def test_export_command_background_only_when_asked(tmp_path: Path) -> None:
    store_module = pytest.importorskip("frontwatch.store")
    path = tmp_path / "b.duckdb"
    war = WAR.model_copy(update={"doc_id": "doc-a"})
    aggregate = KIDAL.model_copy(update={"id": "ev-aggregate", "aggregate": True})
    pairs = [
        (
            DOCUMENTS["doc-a"],
            DocumentResult(doc_id="doc-a", events=[KIDAL, war, aggregate]),
        )
    ]
    with store_module.Store.open(path, clusterer=None) as store:
        store.ingest(pairs)
    base = ["--format", "acled-csv", "--db", str(path), "--no-merge"]
    for extra, ids in (
        ([], ["ev-kidal"]),
        (["--background"], ["ev-war", "ev-aggregate", "ev-kidal"]),
    ):
        result = CliRunner().invoke(export_command.export, [*base, *extra], obj={})
        assert result.exit_code == 0, result.output
        rows = csv.DictReader(io.StringIO(result.stdout))
        assert sorted(r["event_id_cnty"] for r in rows) == sorted(ids)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--modality", "maybe"], "unknown modality 'maybe'"),
        (["--start", "2024-13-01"], "is not a date YYYY-MM-DD"),
        (["--bbox", "1,2,3"], "expected four numbers"),
        (["--bbox", "5,0,1,1"], "invalid filter: bbox: bbox must be"),
        (["--start", "2024-03-02", "--end", "2024-03-01"], "start is after end"),
        (["--country", "Malli"], "'Malli' is not a country; give an ISO 3166-1 alpha-2 code"),
        (["--format", "kml"], "Invalid value for '--format'"),
    ],
)
def test_export_command_usage_errors(db: Path, args: list[str], message: str) -> None:
    base = ["--db", str(db)] if "--format" in args else ["--format", "geojson", "--db", str(db)]
    result = CliRunner().invoke(export_command.export, [*base, *args], obj={})
    assert result.exit_code == 2
    assert message in result.stderr


def test_export_command_no_database(tmp_path: Path) -> None:
    pytest.importorskip("frontwatch.store")
    missing = tmp_path / "none.duckdb"
    result = CliRunner().invoke(
        export_command.export, ["--format", "geojson", "--db", str(missing)], obj={}
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: [E303] No database at")
