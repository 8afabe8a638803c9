"""The situation: control over time, materiel ledger, eval output, command (docs/situation.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from frontwatch.cli.situation import situation as situation_command
from frontwatch.eval.gold import read_gold
from frontwatch.eval.report import evaluate, run_eval
from frontwatch.eval.situation import situation_for_eval, to_eval_situation
from frontwatch.records import (
    Acled,
    Actor,
    Document,
    DocumentResult,
    Event,
    EventDate,
    Location,
    Plover,
    Quantity,
    TextSpan,
)
from frontwatch.situation import (
    EventCluster,
    build_situation,
    cluster_events,
    format_table,
)

CORPUS = Path(__file__).parent / "corpus"
GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "seed.gold.jsonl"

TOWN = Location(
    text="Saraqib", span=(0, 7), name="Saraqib", geonameid=164816, lat=35.8624, lon=36.8006,
    country="SY", admin1="Idlib Governorate", feature="PPL", precision=1,
)  # fmt: skip
CITY = Location(
    text="Kupiansk", span=(0, 8), name="Kupyansk", geonameid=703656, lat=49.7106, lon=37.6156,
    country="UA", feature="PPL", precision=1,
)  # fmt: skip
PROVINCE = Location(
    text="Idlib province", span=(0, 14), name="Idlib", country="SY", admin1="Idlib",
    feature="ADM1", precision=3,
)  # fmt: skip
ARMY = Actor(
    text="Syrian army", span=(0, 11), name="Military Forces of Syria", type="state_forces",
    country="SY",
)  # fmt: skip
HTS = Actor(text="HTS", span=(0, 3), name="Hayat Tahrir al-Sham", type="rebel_group", country="SY")
TROOPS = Actor(text="government troops", span=(0, 17), type="state_forces")

# (trigger, ACLED type, sub-type) of the event kinds the tests use
CAPTURE = ("captured", "Battles", "Non-state actor overtakes territory")
RETAKE = ("recaptured", "Battles", "Government regains territory")
RETREAT = ("withdrew", "Strategic developments", "Non-violent transfer of territory")
ATTACK = ("attacking", "Battles", "Armed clash")
SEIZE = ("seized", "Strategic developments", "Other")
DESTROY = ("destroyed", "Strategic developments", "Looting/property destruction")


def make_event(
    event_id: str,
    kind: tuple[str, str, str],
    day: str,
    actor1: Actor | None,
    actor2: Actor | None = None,
    location: Location | None = TOWN,
    status: str = "completed",
    modality: str = "asserted",
    quantities: list[Quantity] | None = None,
    precision: str = "day",
) -> Event:
    trigger, event_type, sub = kind
    start = dt.date.fromisoformat(day)
    end = start.replace(day=28) if precision == "month" else start
    return Event(
        id=event_id,
        doc_id="d-" + event_id,
        plover=Plover(type="FIGHT"),
        acled=Acled(event_type=event_type, sub_event_type=sub),
        category="political_violence",
        actor1=actor1,
        actor2=actor2,
        location=location,
        date=EventDate(start=start, end=end, precision=precision),
        quantities=quantities or [],
        status=status,
        modality=modality,
        trigger=TextSpan(text=trigger, span=(0, len(trigger))),
        evidence=TextSpan(text="x" * 40, span=(0, 40)),
        confidence=0.9,
        extractor_version="test",
    )


def tanks(count: float, item: str = "tank") -> Quantity:
    return Quantity(kind="materiel", item=item, count=count, text=str(count), span=(0, 2))


def clusters_of(*events: Event) -> list[EventCluster]:
    pairs = [
        (
            Document(id=e.doc_id, text="x" * 40, outlet="Outlet " + e.id),
            DocumentResult(doc_id=e.doc_id, events=[e]),
        )
        for e in events
    ]
    return cluster_events(pairs)


def states(clusters: list[EventCluster], day: str) -> list[tuple[str, str | None, str, str]]:
    report = build_situation(clusters, as_of=dt.date.fromisoformat(day))
    return [(r.place, r.controller, r.status, r.since.isoformat()) for r in report.control]


# -- control ---------------------------------------------------------------------------------

HISTORY = [
    make_event("c1", RETAKE, "2020-02-08", ARMY),
    make_event("c2", ATTACK, "2020-02-25", HTS, status="ongoing"),
    make_event("c3", CAPTURE, "2020-02-27", HTS),
    make_event("c4", RETREAT, "2020-02-27", TROOPS),  # the losers retreat the same day
    make_event("c5", RETAKE, "2020-03-02", ARMY),
    make_event("c6", RETAKE, "2020-03-05", ARMY, status="failed"),  # never counts
    make_event("c7", CAPTURE, "2020-03-06", HTS, modality="hypothetical", status="ongoing"),
]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2020-02-07", []),
        ("2020-02-08", [("Saraqib", "Military Forces of Syria", "held", "2020-02-08")]),
        ("2020-02-26", [("Saraqib", "Military Forces of Syria", "contested", "2020-02-25")]),
        ("2020-02-27", [("Saraqib", "Hayat Tahrir al-Sham", "held", "2020-02-27")]),
        ("2020-03-10", [("Saraqib", "Military Forces of Syria", "held", "2020-03-02")]),
    ],
)
def test_situation_control_timeline(day: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert states(clusters_of(*HISTORY), day) == expected


def test_situation_control_timeline_lists_every_change_with_evidence() -> None:
    (record,) = build_situation(clusters_of(*HISTORY)).control
    steps = [(c.date.isoformat(), c.controller, c.status, c.evidence) for c in record.timeline]
    assert steps == [
        ("2020-02-08", "Military Forces of Syria", "held", ["c1"]),
        ("2020-02-25", "Military Forces of Syria", "contested", ["c2"]),
        ("2020-02-27", "Military Forces of Syria", "lost", ["c4"]),
        ("2020-02-27", "Hayat Tahrir al-Sham", "held", ["c3"]),
        ("2020-03-02", "Military Forces of Syria", "held", ["c5"]),
    ]
    assert record.evidence == ["c5"]
    assert record.geonameid == 164816


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # a retreat by the holder: lost by it
        (
            [
                make_event("e1", CAPTURE, "2020-01-01", HTS),
                make_event("e2", RETREAT, "2020-01-05", HTS),
            ],
            [("Saraqib", "Hayat Tahrir al-Sham", "lost", "2020-01-05")],
        ),
        # a handover: held by actor2
        (
            [make_event("e1", RETREAT, "2020-01-05", HTS, ARMY)],
            [("Saraqib", "Military Forces of Syria", "held", "2020-01-05")],
        ),
        # the attackers pull back from a contested place: held again by the holder
        (
            [
                make_event("e1", RETAKE, "2020-01-01", ARMY),
                make_event("e2", ATTACK, "2020-01-03", HTS, status="ongoing"),
                make_event("e3", RETREAT, "2020-01-06", HTS),
            ],
            [("Saraqib", "Military Forces of Syria", "held", "2020-01-06")],
        ),
        # an ongoing attack on a place of unknown holder: contested, held by the attacked
        (
            [make_event("e1", ATTACK, "2020-01-03", HTS, ARMY, status="ongoing")],
            [("Saraqib", "Military Forces of Syria", "contested", "2020-01-03")],
        ),
        # a raid that is over does not change control
        ([make_event("e1", ATTACK, "2020-01-03", HTS)], []),
        # the holder's own fighting changes nothing; unnamed state forces are the state's side
        (
            [
                make_event("e1", RETAKE, "2020-01-01", ARMY),
                make_event("e2", ATTACK, "2020-01-03", TROOPS, status="ongoing"),
            ],
            [("Saraqib", "Military Forces of Syria", "held", "2020-01-01")],
        ),
        # a province is not a place one event makes anyone hold
        ([make_event("e1", CAPTURE, "2020-01-01", HTS, location=PROVINCE)], []),
        # an ongoing capture: contested
        (
            [
                make_event("e1", RETAKE, "2020-01-01", ARMY),
                make_event("e2", CAPTURE, "2020-01-02", HTS, status="ongoing"),
            ],
            [("Saraqib", "Military Forces of Syria", "contested", "2020-01-02")],
        ),
    ],
)
def test_situation_control_rules(
    events: list[Event], expected: list[tuple[str, str, str, str]]
) -> None:
    assert states(clusters_of(*events), "2020-12-31") == expected


def test_situation_country_filter() -> None:
    clusters = clusters_of(
        make_event("e1", CAPTURE, "2020-01-01", HTS),
        make_event("e2", CAPTURE, "2020-01-01", ARMY, location=CITY),
    )
    assert [r.place for r in build_situation(clusters, country="ua").control] == ["Kupyansk"]
    assert [r.place for r in build_situation(clusters, country="SY").control] == ["Saraqib"]


# -- materiel --------------------------------------------------------------------------------


def test_situation_materiel_ledger() -> None:
    clusters = clusters_of(
        make_event("m1", SEIZE, "2020-02-27", HTS, ARMY, quantities=[tanks(3)]),
        make_event("m2", SEIZE, "2020-03-10", HTS, quantities=[tanks(2), tanks(1, "howitzer")]),
        make_event("m3", DESTROY, "2020-03-01", ARMY, HTS, quantities=[tanks(4)]),
        make_event("m4", RETREAT, "2020-03-02", HTS, quantities=[tanks(5, "truck")]),
        make_event("m5", SEIZE, "2020-03-03", HTS, quantities=[tanks(9)], modality="negated"),
    )
    report = build_situation(clusters, as_of=dt.date(2020, 3, 5))
    ledger = [(m.actor, m.item, m.count, m.direction, m.evidence) for m in report.materiel]
    assert ledger == [
        ("Hayat Tahrir al-Sham", "tank", 3.0, "gained", ["m1"]),
        ("Hayat Tahrir al-Sham", "tank", 4.0, "lost", ["m3"]),
        ("Hayat Tahrir al-Sham", "truck", 5.0, "lost", ["m4"]),
        ("Military Forces of Syria", "tank", 4.0, "destroyed", ["m3"]),
        ("Military Forces of Syria", "tank", 3.0, "lost", ["m1"]),
    ]
    later = build_situation(clusters)
    gained = [(m.item, m.count) for m in later.materiel if m.direction == "gained"]
    assert gained == [("howitzer", 1.0), ("tank", 5.0)]


# -- eval output -----------------------------------------------------------------------------


def test_situation_to_eval_situation() -> None:
    clusters = clusters_of(
        make_event("e1", CAPTURE, "2014-06-01", HTS, precision="month"),
        make_event("e2", SEIZE, "2014-07-20", HTS, quantities=[tanks(52, "M198 howitzer")]),
        make_event("e3", CAPTURE, "2014-06-01", HTS, location=CITY),
        make_event("e4", RETREAT, "2014-07-01", HTS, location=CITY),
    )
    situation_ = to_eval_situation(build_situation(clusters, as_of=dt.date(2014, 7, 22)))
    assert [c.model_dump() for c in situation_.control] == [
        {
            "place": "Saraqib",
            "country": "SY",
            "controller": "Hayat Tahrir al-Sham",
            "status": "held",
            "since": "2014-06",
        }
    ]  # a place lost is not listed
    assert [m.model_dump() for m in situation_.materiel] == [
        {
            "actor": "Hayat Tahrir al-Sham",
            "item": "M198 howitzer",
            "count": 52.0,
            "direction": "gained",
        }
    ]


@pytest.mark.skipif(not GOLD.exists(), reason="gold data not available")
def test_situation_seed_acceptance() -> None:
    from frontwatch.pipeline import extract

    gold = read_gold(GOLD)
    seed = next(g for g in gold if g.control is not None)
    document = Document(id=seed.doc_id, text=seed.text, published=seed.published)
    result = extract(document)
    report = build_situation(cluster_events([(document, result)]), as_of=dt.date(2014, 7, 22))
    scores = evaluate([seed], [result], {seed.doc_id: to_eval_situation(report)})
    assert (scores.value("control.recall") or 0) >= 0.8
    assert (scores.value("materiel.recall") or 0) >= 0.8
    assert scores.value("control.precision") == 1.0
    assert scores.value("materiel.precision") == 1.0
    again = run_eval(GOLD, lambda g: result, situation=situation_for_eval)
    assert again.value("control.recall") == scores.value("control.recall")
    assert again.value("materiel.recall") == scores.value("materiel.recall")
    cited = {s.name for s in report.sources if s.kind == "cited"}
    assert set(seed.sources or []) <= cited
    held = {(r.place, r.controller, r.since.isoformat()[:7]) for r in report.control}
    assert ("Tikrīt", "Islamic State", "2014-06") in held
    assert ("Mosul", "Islamic State", "2014-06") in held


# -- the test corpus -------------------------------------------------------------------------


def test_situation_corpus_control_at_dates(
    corpus_clusters: list[EventCluster], expected: dict[str, Any]
) -> None:
    assert len(expected["control"]) >= 3
    for day, want in expected["control"].items():
        report = build_situation(corpus_clusters, as_of=dt.date.fromisoformat(day))
        got = [
            {
                "place": r.place,
                "controller": r.controller,
                "status": r.status,
                "since": str(r.since),
            }
            for r in report.control
        ]
        assert sorted(got, key=str) == sorted(want, key=str), day


def test_situation_corpus_materiel_and_displacement(
    corpus_clusters: list[EventCluster], expected: dict[str, Any]
) -> None:
    spec = expected["materiel"]
    report = build_situation(
        corpus_clusters, as_of=dt.date.fromisoformat(spec["as_of"]), country=spec["country"]
    )
    ledger = [
        {"actor": m.actor, "item": m.item, "count": m.count, "direction": m.direction}
        for m in report.materiel
    ]
    assert ledger == spec["entries"]
    shown = [
        {"place": d.place, "count": d.count, "low": d.low, "high": d.high}
        for d in report.displacement
    ]
    assert shown == expected["displacement"]["entries"]
    assert all(r.country == "SY" for r in report.control)


def test_situation_corpus_table(corpus_clusters: list[EventCluster]) -> None:
    table = format_table(build_situation(corpus_clusters, as_of=dt.date(2020, 2, 29)))
    lines = table.splitlines()
    assert lines[0] == "situation as of 2020-02-29"
    row = next(line for line in lines if line.startswith("  Saraqib"))
    assert row.split()[:6] == ["Saraqib", "SY", "Hayat", "Tahrir", "al-Sham", "held"]


# -- command ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def database(
    corpus: list[tuple[Document, DocumentResult]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    from frontwatch.store.db import Store

    path = tmp_path_factory.mktemp("situation") / "corpus.duckdb"
    with Store.open(path) as store:
        store.ingest(corpus)
    return path


def test_situation_command_table_and_json(database: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(situation_command, ["--db", str(database), "--as-of", "2020-02-29"])
    assert table.exit_code == 0, table.output
    assert "Hayat Tahrir al-Sham" in table.output
    result = runner.invoke(
        situation_command,
        ["--db", str(database), "--as-of", "2022-09-30", "--country", "ua", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == "2022-09-30"
    assert data["country"] == "UA"
    assert [(c["place"], c["controller"], c["since"]) for c in data["control"]] == [
        ("Kupyansk", "Military Forces of Ukraine", "2022-09-10")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2020-13-01"], "not a valid ISO date"),
        (["--country", "Syria"], "not an ISO 3166-1 alpha-2 code"),
        (["--format", "xml"], "Invalid value"),
    ],
)
def test_situation_command_bad_options(database: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(situation_command, ["--db", str(database), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_situation_command_missing_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(situation_command, ["--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "error:" in result.output
