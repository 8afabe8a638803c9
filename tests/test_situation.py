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
    Mention,
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
HOLD = ("holds", "Battles", "Non-state actor overtakes territory")
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
        # a holding told in the present ("HTS still holds the town"), no ACLED code: held
        (
            [
                make_event("e1", RETAKE, "2020-01-01", ARMY),
                make_event("e2", HOLD, "2020-01-04", HTS, status="ongoing").model_copy(
                    update={"acled": None}
                ),
            ],
            [("Saraqib", "Hayat Tahrir al-Sham", "held", "2020-01-04")],
        ),
        # the holder of a contested place still holding it: contested still
        (
            [
                make_event("e1", RETAKE, "2020-01-01", ARMY),
                make_event("e2", ATTACK, "2020-01-03", HTS, status="ongoing"),
                make_event("e3", HOLD, "2020-01-03", ARMY, status="ongoing").model_copy(
                    update={"acled": None}
                ),
            ],
            [("Saraqib", "Military Forces of Syria", "contested", "2020-01-03")],
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
        (["--country", "Sirya"], "'Sirya' is not a country; give an ISO 3166-1 alpha-2 code"),
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


# -- issue 14: evidence, deployments, parts of places, people, dates -------------------------

ISLAMIC_STATE = Actor(text="ISIS", span=(0, 4), name="Islamic State", type="rebel_group")
CHRISTIANS = Actor(text="Christians", span=(0, 10), name="Christians", type="civilians")
CIVILIANS = Actor(text="civilians", span=(0, 9), name="Civilians", type="civilians")
GUNMEN = Actor(text="gunmen", span=(0, 6), name="Unidentified Armed Group", type="rebel_group")
SOLDIERS = Actor(text="troops", span=(0, 6), name="Military Forces of Iraq", type="state_forces")
MOSUL = Location(
    text="Mosul", span=(0, 5), name="Mosul", geonameid=99072, lat=36.335, lon=43.11889,
    country="IQ", admin1="Nineveh", feature="PPL", precision=1,
)  # fmt: skip
DEPLOY = ("sent", "Strategic developments", "Change to group/activity")


def said(
    event_id: str,
    kind: tuple[str, str, str],
    sentence: str,
    counts: list[tuple[str, str, float, str | None]],
    *,
    actor1: Actor | None = None,
    actor2: Actor | None = None,
    location: Location | None = MOSUL,
    day: str = "2016-11-01",
    inferred: bool = False,
    category: str = "political_violence",
    doc_id: str = "doc",
    offset: int = 0,
    mention: str | None = None,
    **fields: Any,
) -> Event:
    """An event stated by ``sentence`` (at ``offset`` in its document), with quantities
    ``(kind, text, count, item)`` found in it (or in ``mention``, a second sentence)."""
    trigger, event_type, sub = kind
    text = mention or sentence
    base = offset if mention is None else offset + len(sentence) + 1
    quantities = []
    for qkind, qtext, count, item in counts:
        at = text.index(qtext) + base
        quantities.append(
            Quantity(kind=qkind, item=item, count=count, text=qtext, span=(at, at + len(qtext)))
        )
    evidence = TextSpan(text=sentence, span=(offset, offset + len(sentence)))
    mentions = []
    if mention is not None:
        mentions.append(
            Mention(
                trigger=TextSpan(text=trigger, span=(base, base + len(trigger))),
                evidence=TextSpan(text=mention, span=(base, base + len(mention))),
            )
        )
    start = dt.date.fromisoformat(day)
    at = sentence.find(trigger)
    return Event(
        id=event_id,
        doc_id=doc_id,
        plover=Plover(type="FIGHT"),
        acled=Acled(event_type=event_type, sub_event_type=sub),
        category=category,
        actor1=actor1,
        actor2=actor2,
        location=location,
        date=EventDate(start=start, end=start, precision="day", inferred=inferred),
        quantities=quantities,
        status="completed",
        modality="asserted",
        trigger=TextSpan(text=trigger, span=(offset + max(at, 0), offset + max(at, 0) + 7)),
        evidence=evidence,
        mentions=mentions,
        confidence=fields.pop("confidence", 0.9),
        extractor_version="test",
        **fields,
    )


def one_document(*events: Event, published: str = "2016-11-02") -> list[EventCluster]:
    doc_id = events[0].doc_id
    document = Document(
        id=doc_id, text="x", published=dt.date.fromisoformat(published), outlet="Wire"
    )
    return cluster_events([(document, DocumentResult(doc_id=doc_id, events=list(events)))])


def test_situation_materiel_points_at_the_sentence_of_its_count() -> None:
    capture = said(
        "e1",
        CAPTURE,
        "ISIS is seizing large amounts of weaponry abandoned in the country.",
        [
            ("materiel", "1,500 Humvees", 1500, "Humvee"),
            ("materiel", "52 M198 howitzers", 52, "M198 howitzer"),
        ],
        actor1=ISLAMIC_STATE,
        mention="They have captured 1,500 Humvees and 52 M198 howitzers.",
    )
    report = build_situation(one_document(capture))
    assert [
        (m.actor, m.item, m.count, m.direction, m.evidence, [q.text for q in m.quotes])
        for m in report.materiel
    ] == [
        (
            "Islamic State",
            "Humvee",
            1500.0,
            "gained",
            ["e1"],
            ["They have captured 1,500 Humvees and 52 M198 howitzers."],
        ),
        (
            "Islamic State",
            "M198 howitzer",
            52.0,
            "gained",
            ["e1"],
            ["They have captured 1,500 Humvees and 52 M198 howitzers."],
        ),
    ]
    assert report.materiel[0].quotes[0].span == (68, 123)


def test_situation_materiel_evidence_is_the_member_that_states_the_count() -> None:
    # two records of one capture clustered together: the count is in the second one
    first = said("e1", CAPTURE, "ISIS seized the crossing.", [], actor1=ISLAMIC_STATE)
    second = said(
        "e2",
        CAPTURE,
        "ISIS captured 30 tanks there.",
        [("materiel", "30 tanks", 30, "tank")],
        actor1=ISLAMIC_STATE,
        offset=30,
        confidence=0.5,
    )
    (cluster,) = one_document(first, second)
    assert cluster.event.id == "e1"
    (entry,) = build_situation([cluster]).materiel
    assert (entry.evidence, [q.text for q in entry.quotes]) == (
        ["e2"],
        ["ISIS captured 30 tanks there."],
    )


def test_situation_materiel_deployments() -> None:
    sent = said(
        "e1",
        DEPLOY,
        "Two hundred troops and six Apache helicopters were sent to the airport.",
        [
            ("troops", "Two hundred troops", 200, None),
            ("materiel", "six Apache helicopters", 6, "Apache helicopter"),
        ],
        location=TOWN,
    )
    rushed = said(
        "e2",
        DEPLOY,
        "The US rushed six teams of special forces to Mosul.",
        [("troops", "six teams", 6, "team")],
        actor1=Actor(
            text="US",
            span=(4, 6),
            name="Military Forces of the United States",
            type="state_forces",
            country="US",
        ),
        offset=80,
    )
    report = build_situation(one_document(sent, rushed))
    assert [(m.actor, m.item, m.count, m.direction, m.place) for m in report.materiel] == [
        ("Military Forces of the United States", "team", 6.0, "deployed", "Mosul"),
        (None, "Apache helicopter", 6.0, "deployed", "Saraqib"),
        (None, "troops", 200.0, "deployed", "Saraqib"),
    ]
    assert to_eval_situation(report).materiel == []  # the gold ledger: gains and losses


def test_situation_control_part_of_a_town_is_contested_not_flipped() -> None:
    district = MOSUL.model_copy(update={"text": "Gogjali neighbourhood", "precision": 2})
    held = make_event("e1", CAPTURE, "2016-06-10", ISLAMIC_STATE, location=MOSUL)
    part = make_event("e2", RETAKE, "2016-11-01", SOLDIERS, location=district)
    assert states(clusters_of(held, part), "2016-11-30") == [
        ("Mosul", "Islamic State", "contested", "2016-11-01")
    ]
    # the whole town taken: flipped
    whole = make_event("e3", RETAKE, "2017-07-09", SOLDIERS, location=MOSUL)
    assert states(clusters_of(held, part, whole), "2017-07-31") == [
        ("Mosul", "Military Forces of Iraq", "held", "2017-07-09")
    ]
    # a place near a town ("near Mosul": the text names the town itself) is not part of it
    near = MOSUL.model_copy(update={"precision": 2})
    assert states(clusters_of(make_event("e4", RETAKE, "2016-11-01", SOLDIERS, location=near)),
                  "2016-11-30") == []  # fmt: skip


def test_situation_inferred_dates_are_marked_wherever_shown() -> None:
    taken = said("e1", CAPTURE, "ISIS took the town.", [], actor1=ISLAMIC_STATE, inferred=True)
    fled = said(
        "e2",
        ("fled", "Strategic developments", "Other"),
        "Over one thousand Christians are fleeing Mosul.",
        [("displaced", "Over one thousand Christians", 1000, None)],
        actor1=CHRISTIANS,
        inferred=True,
        offset=40,
    )
    report = build_situation(one_document(taken, fled))
    (place,) = report.control
    assert (place.since_precision, place.since_inferred, place.timeline[0].inferred) == (
        "day",
        True,
        True,
    )
    (moved,) = report.displacement
    assert moved.inferred is True
    table = format_table(report)
    assert "  Mosul  IQ       Islamic State  held    2016-11-01 (inferred)  e1" in table
    assert "2016-11-01 (inferred)  e2" in table


@pytest.mark.parametrize(
    ("as_of", "first_line"),
    [
        (None, "situation as of 2016-11-01 (the latest event)"),
        ("2016-12-31", "situation as of 2016-12-31"),
    ],
)
def test_situation_header_shows_its_actual_as_of_date(as_of: str | None, first_line: str) -> None:
    clusters = one_document(said("e1", CAPTURE, "ISIS took Mosul.", [], actor1=ISLAMIC_STATE))
    day = dt.date.fromisoformat(as_of) if as_of else None
    assert format_table(build_situation(clusters, as_of=day)).splitlines()[0] == first_line
    assert format_table(build_situation([])).splitlines()[0] == "situation: no events"


def test_situation_displacement_who_from_where_and_by_whom() -> None:
    expel = said(
        "e1",
        ("expel", "Violence against civilians", "Attack"),
        "ISIS forces have proceeded to expel Christians from Mosul.",
        [],
        actor1=ISLAMIC_STATE,
        actor2=CHRISTIANS,
    )
    flee = said(
        "e2",
        ("fleeing", "Strategic developments", "Other"),
        "Over one thousand Christians are reportedly fleeing the city.",
        [("displaced", "Over one thousand Christians", 1000, None)],
        actor1=CHRISTIANS,
        offset=60,
    )
    flee.quantities[0] = flee.quantities[0].model_copy(update={"count": None, "low": 1000.0})
    report = build_situation(one_document(expel, flee))
    assert [
        (d.who, d.place, d.country, d.by, d.count, d.at_least, d.evidence)
        for d in report.displacement
    ] == [("Christians", "Mosul", "IQ", "Islamic State", 1000.0, True, ["e2"])]
    table = format_table(report)
    assert (
        "  Christians  Mosul  IQ       Islamic State  at least 1000  -      2016-11-01  e2" in table
    )


def test_situation_casualties_say_whose_dead_and_wounded_they_are() -> None:
    retake = said(
        "e1",
        RETAKE,
        "The troops recaptured the district. At least 12 soldiers were wounded.",
        [("injured", "At least 12 soldiers", 12, None)],
        actor1=SOLDIERS,
        actor2=ISLAMIC_STATE,
    )
    shelled = said(
        "e2",
        ("shelled", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
        "ISIS shelled the market, killing 27 people.",
        [("killed", "27 people", 27, None)],
        actor1=ISLAMIC_STATE,
        offset=80,
    )
    report = build_situation(one_document(retake, shelled))
    assert [
        (c.place, c.perpetrator, c.victims, c.killed, c.injured, c.evidence)
        for c in report.casualties
    ] == [
        ("Mosul", "Islamic State", "Military Forces of Iraq", 0.0, 12.0, ["e1"]),
        ("Mosul", "Islamic State", "people", 27.0, 0.0, ["e2"]),
    ]
    assert (
        "  place  country  perpetrator    victims                  killed  injured  evidence"
        in format_table(report)
    )


def test_situation_casualties_count_a_number_of_one_sentence_once() -> None:
    sentence = "Gunmen attacked the village of Ogossagou, killing at least 30 civilians."
    count = [("killed", "at least 30 civilians", 30, None)]
    mali = Actor(text="Mali", span=(0, 4), name="Government of Mali", type="state_forces")
    on_village = said("e1", ATTACK, sentence, count, actor1=GUNMEN, actor2=mali)
    on_people = said("e2", ATTACK, sentence, count, actor1=GUNMEN, actor2=CIVILIANS)
    clusters = one_document(on_village, on_people)
    assert len(clusters) == 2  # two records, one number
    report = build_situation(clusters)
    assert [(c.perpetrator, c.victims, c.killed, c.evidence) for c in report.casualties] == [
        ("Unidentified Armed Group", "Civilians", 30.0, ["e2"])
    ]


def test_situation_casualties_leave_out_disasters_crime_background_and_huge_tolls() -> None:
    quake = said(
        "e1",
        ("struck", "", ""),
        "An earthquake struck, killing more than 4,000 people.",
        [("killed", "more than 4,000 people", 4000, None)],
        category="natural_disaster",
    ).model_copy(update={"acled": None})
    robbery = said(
        "e2",
        ATTACK,
        "Robbers shot dead 3 people.",
        [("killed", "3 people", 3, None)],
        category="crime",
        offset=60,
        day="2016-09-01",
    )
    war = said(
        "e3",
        ATTACK,
        "A war that took the lives of 1,000,000 people.",
        [("killed", "1,000,000 people", 1_000_000, None)],
        aggregate=True,
        offset=100,
        day="2007-01-01",
    )
    toll = said(
        "e4",
        ATTACK,
        "The shelling killed 150,000 people.",
        [("killed", "150,000 people", 150_000, None)],
        offset=160,
    )
    report = build_situation(one_document(quake, robbery, war, toll))
    assert report.casualties == []
    assert [(w.kind, w.value, w.evidence) for w in report.withheld] == [
        ("killed", 150000.0, ["e4"])
    ]
    table = format_table(report)
    assert "withheld from the totals (1)" in table
    assert (
        "  killed  150000  one event's toll of 100,000 or more: check it before counting it  e4"
        in table
    )


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # one sentence: the counts add up
        ([("killed", "3 soldiers", 3, None), ("killed", "2 civilians", 2, None)], 5.0),
        # a lower bound counts as its bound
        ([("killed", "over 40 people", None, None)], 40.0),
    ],
)
def test_situation_stated_values_in_one_sentence(
    counts: list[tuple[str, str, float | None, str | None]], expected: float
) -> None:
    from frontwatch.situation.dedup import stated_values

    event = said(
        "e1", ATTACK, "Shelling killed 3 soldiers and 2 civilians; over 40 people died.", []
    )
    quantities = []
    for kind, text, count, item in counts:
        at = event.evidence.text.index(text)
        low = 40.0 if count is None else None
        span = (at, at + len(text))
        quantities.append(
            Quantity(kind=kind, item=item, count=count, low=low, text=text, span=span)
        )
    stated = stated_values(event.model_copy(update={"quantities": quantities}))
    assert stated["killed"].value == expected


def test_situation_stated_values_restated_in_another_sentence_count_once() -> None:
    from frontwatch.situation.dedup import stated_values

    event = said(
        "e1",
        ATTACK,
        "Gunmen kill 30 in Mali",
        [("killed", "30", 30, None)],
        mention="Gunmen killed at least 30 civilians on Saturday.",
    )
    body = event.mentions[0].evidence
    at = body.span[0] + body.text.index("at least 30 civilians")
    again = Quantity(
        kind="killed", count=30, low=30, text="at least 30 civilians", span=(at, at + 21)
    )
    headline = event.quantities[0].model_copy(update={"span": (12, 14)})
    stated = stated_values(event.model_copy(update={"quantities": [headline, again]}))
    assert (stated["killed"].value, stated["killed"].at_least) == (30.0, False)


def test_situation_control_words_are_no_deeds() -> None:
    """A statement or threat whose trigger is a gain's ("will take up new positions") moves no
    control: with no ACLED coding, a verbal or claim event is no gain."""
    held = make_event("e1", CAPTURE, "2016-06-10", ISLAMIC_STATE, location=MOSUL)
    said = make_event("e2", ("take", "x", "x"), "2016-11-01", SOLDIERS, location=MOSUL)
    said = said.model_copy(
        update={"acled": None, "category": "verbal", "plover": Plover(type="THREATEN")}
    )
    assert states(clusters_of(held, said), "2016-11-30") == [
        ("Mosul", "Islamic State", "held", "2016-06-10")
    ]
    deed = said.model_copy(
        update={"category": "political_violence", "plover": Plover(type="FIGHT")}
    )
    assert states(clusters_of(held, deed), "2016-11-30") == [
        ("Mosul", "Military Forces of Iraq", "held", "2016-11-01")
    ]
