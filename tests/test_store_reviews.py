"""Reviews in the store: verdicts, corrections, merges and splits, applied on read, kept across
re-ingest and re-extraction; the review queue; the ``frontwatch review`` commands."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from frontwatch.cli import review as review_commands
from frontwatch.cli import store as store_commands
from frontwatch.errors import DocumentError
from frontwatch.filters import EventFilter
from frontwatch.records import (
    Actor,
    Document,
    DocumentResult,
    Event,
    Location,
    Quantity,
    TextSpan,
)
from frontwatch.settings import load_settings
from frontwatch.situation import EventCluster, cluster_events
from frontwatch.store import Store, StoreError, canonical_dump
from frontwatch.store.reviews import Vocabulary, apply_changes, fold

TEXTS = {
    "a": "Rebels attacked in Kidal at dawn. Soldiers shelled near Gao overnight.",
    "b": "Teachers protested in Kharkiv on Monday.",
    "c": "Rebels attacked in Kidal on Friday.",
}
PLACES = {"Kidal": (18.44, 1.41, "ML"), "Gao": (16.27, -0.04, "ML"), "Kharkiv": (50.0, 36.23, "UA")}
PUBLISHED = {"a": dt.date(2024, 3, 1), "b": dt.date(2024, 3, 2), "c": dt.date(2024, 3, 1)}
CONFIDENCE = {"attacked": 0.6, "shelled": 0.3, "protested": 0.45}
PATTERN = re.compile(r"([A-Z]\w+) (attacked|shelled|protested) (?:in|near) (\w+)[^.]*\.")
ACLED = {
    "attacked": ("Battles", "Armed clash"),
    "shelled": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "protested": ("Protests", "Peaceful protest"),
}


class Stub:
    """One event a sentence. ``version`` goes into the event ids: a new version gives the same
    events (same trigger) new ids, as a re-extraction that changes a PLOVER type does."""

    def __init__(self, version: str = "1") -> None:
        self.version = version

    def result(self, document: Document) -> DocumentResult:
        events = []
        for m in PATTERN.finditer(document.text):
            actor, verb, place = m.groups()
            lat, lon, country = PLACES[place]
            event_type, sub_type = ACLED[verb]
            events.append(
                Event(
                    id=f"{document.id}-{verb}-{self.version}",
                    doc_id=document.id,
                    category="protest" if verb == "protested" else "political_violence",
                    acled={"event_type": event_type, "sub_event_type": sub_type},
                    plover={"type": "PROTEST" if verb == "protested" else "FIGHT"},
                    actor1=Actor(text=actor, span=m.span(1)),
                    location=Location(
                        text=place, span=m.span(3), name=place, lat=lat, lon=lon, country=country
                    ),
                    date={"start": document.published, "end": document.published},
                    quantities=[Quantity(kind="killed", count=3, text=verb, span=m.span(2))]
                    if verb == "shelled"
                    else [],
                    modality="asserted",
                    trigger=TextSpan(text=verb, span=m.span(2)),
                    evidence=TextSpan(text=m.group(0), span=m.span(0)),
                    confidence=CONFIDENCE[verb],
                    extractor_version=f"0.{self.version}.0",
                )
            )
        return DocumentResult(doc_id=document.id, events=events)

    def extract_many(
        self, items: Iterable[Document | DocumentError]
    ) -> Iterator[DocumentResult | DocumentError]:
        for item in items:
            yield item if isinstance(item, DocumentError) else self.result(item)


def documents() -> list[Document]:
    return [
        Document(id=k, text=v, published=PUBLISHED[k], outlet=f"outlet-{k}")
        for k, v in TEXTS.items()
    ]


def pairs(version: str = "1") -> list[tuple[Document, DocumentResult]]:
    stub = Stub(version)
    return [(d, stub.result(d)) for d in documents()]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "r.duckdb"
    with Store.open(path, clusterer=cluster_events) as store:
        store.ingest(pairs())
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store.open(db, clusterer=cluster_events) as s:
        yield s


def entries(store: Store, event_id: str | None = None) -> list[dict[str, Any]]:
    return [e.model_dump(exclude={"at"}) for e in store.review_history(event_id)]


# -- verdicts and the review log ------------------------------------------------------------


def test_store_reviews_accept_reject_and_log(store: Store) -> None:
    _, state = store.review("a-attacked-1", "accept", note="checked", by="ana")
    assert state is not None
    assert (state.status, state.by, state.note, state.fields) == ("accepted", "ana", "checked", [])
    assert state.at.tzinfo == dt.UTC
    store.review("a-attacked-1", "reject", note="a drill, not an attack", by="ben")
    assert entries(store) == [
        {
            "id": 1,
            "event_id": "a-attacked-1",
            "doc_id": "a",
            "trigger": (7, 15),
            "action": "accept",
            "by": "ana",
            "before": {"review": None},
            "after": {"review": "accepted"},
            "note": "checked",
        },
        {
            "id": 2,
            "event_id": "a-attacked-1",
            "doc_id": "a",
            "trigger": (7, 15),
            "action": "reject",
            "by": "ben",
            "before": {"review": "accepted"},
            "after": {"review": "rejected"},
            "note": "a drill, not an attack",
        },
    ]
    assert store.review_states()["a-attacked-1"].status == "rejected"


def test_store_reviews_rejected_left_out_unless_asked(store: Store) -> None:
    store.review("b-protested-1", "reject", by="ana")
    assert [e.id for e in store.events()] == ["a-attacked-1", "a-shelled-1", "c-attacked-1"]
    assert [e.id for e in store.events(include_rejected=True)] == [
        "a-attacked-1",
        "a-shelled-1",
        "c-attacked-1",
        "b-protested-1",
    ]
    reviewed = store.results(reviewed=True)
    assert [[e.id for e in r.events] for _, r in reviewed] == [
        ["a-attacked-1", "a-shelled-1"],
        [],
        ["c-attacked-1"],
    ]
    assert all(c.event.id != "b-protested-1" for c in store.clusters(EventCluster))


def test_store_reviews_corrected_place_used_everywhere(store: Store) -> None:
    gao = {"name": "Gao", "country": "ML", "geonameid": 2457163, "lat": 16.27, "lon": -0.04}
    event, state = store.review(
        "c-attacked-1", "correct", changes={"location": {**gao, "precision": 1}}, by="ana"
    )
    assert state is not None and (state.status, state.fields) == ("corrected", ["location"])
    assert event.location is not None
    assert event.location.model_dump() == {
        "text": "Kidal",
        "span": (19, 24),
        "name": "Gao",
        "geonameid": 2457163,
        "lat": 16.27,
        "lon": -0.04,
        "country": "ML",
        "admin1": None,
        "feature": None,
        "precision": 1,
        "approximate": False,
    }
    box = EventFilter(bbox=(-1.0, 16.0, 0.0, 17.0))  # around Gao, not Kidal
    assert [e.id for e in store.events(box)] == ["a-shelled-1", "c-attacked-1"]
    assert entries(store)[0]["before"] == {
        "location": {
            "name": "Kidal",
            "country": "ML",
            "admin1": None,
            "geonameid": None,
            "lat": 18.44,
            "lon": 1.41,
            "precision": None,
        }
    }
    assert store.results()[2][1].events[0].location.name == "Kidal"  # as extracted


VOCABULARY = Vocabulary(
    acled_types={"Battles": ["Armed clash"], "Riots": ["Mob violence"]},
    acled_categories={"Battles": "political_violence", "Riots": "political_violence"},
    plover_modes={"FIGHT": ["small-arms"], "PROTEST": ["demonstrate"]},
    plover_categories={"FIGHT": "political_violence", "PROTEST": "protest"},
)


def _event() -> Event:
    return Stub().result(documents()[0]).events[0]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"acled.event_type": "Riots"}, {"acled": {"event_type": "Riots", "sub_event_type": None}}),
        ({"acled.event_type": None}, {"acled": None}),
        ({"plover.type": "protest"}, {"plover": {"type": "PROTEST", "mode": None}}),
        ({"plover.mode": "small-arms"}, {"plover": {"type": "FIGHT", "mode": "small-arms"}}),
        ({"actor1.name": "Ansar Dine"}, {"actor1.name": "Ansar Dine", "actor1.text": "Rebels"}),
        ({"actor2.name": "Soldiers"}, {"actor2.name": "Soldiers", "actor2.span": (0, 0)}),
        ({"actor1.name": None}, {"actor1": None}),
        ({"location": None}, {"location": None}),
        (
            {"date.start": "2024-02-27", "date.end": "2024-02-28"},
            {"date.start": "2024-02-27", "date.end": "2024-02-28", "date.precision": "range"},
        ),
        ({"date.start": "2024-02-27"}, {"date.start": "2024-02-27", "date.end": "2024-03-01"}),
        (
            {"quantities": [{"kind": "killed", "count": 4}]},
            {"quantities": [{"kind": "killed", "count": 4.0, "text": "", "span": (0, 0)}]},
        ),
        ({"modality": "negated", "status": "failed"}, {"modality": "negated", "status": "failed"}),
    ],
)
def test_store_reviews_corrections(changes: dict[str, Any], expected: dict[str, Any]) -> None:
    event, before, after = apply_changes(_event(), changes, VOCABULARY)
    data = event.model_dump(mode="python", exclude_none=False)
    for key, value in expected.items():
        found: Any = data
        for part in key.split("."):
            found = found[part] if found is not None else None
        if key == "quantities":
            found = [{k: v for k, v in q.items() if k in value[0]} for q in found]
        if key.startswith("date."):
            found = found.isoformat() if found is not None and part != "precision" else found
        assert found == value, key
    assert set(before) == set(after) == set(changes)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, "a correction needs at least one field in 'changes'"),
        ({"actor3.name": "x"}, "unknown field 'actor3.name'"),
        ({"acled.event_type": "Wars"}, "'Wars' is not an ACLED event type"),
        ({"acled.sub_event_type": "Mob violence"}, "'Mob violence' is not a sub-event type of"),
        ({"plover.type": "PARTY"}, "'PARTY' is not a PLOVER event type"),
        ({"plover.mode": "naval"}, "'naval' is not a mode of PLOVER type 'FIGHT'"),
        ({"location": {"name": "Gao", "lat": 16.2}}, "location: give both lat and lon"),
        ({"location": {"lat": 91, "lon": 0}}, "location.lat must be between -90 and 90"),
        ({"location": {"country": "Mali"}}, "location.country must be an ISO 3166-1 alpha-2"),
        ({"location": {"town": "Gao"}}, "location: unknown keys ['town']"),
        ({"date.start": "yesterday"}, "date.start must be a date YYYY-MM-DD or null"),
        ({"date.end": "2024-01-01"}, "date.end is before date.start"),
        ({"modality": "certain"}, "modality: Input should be"),
        ({"quantities": [{"kind": "deaths"}]}, "quantities.0.kind: Input should be"),
        ({"actor1.name": " "}, "actor1.name must be a non-empty string"),
    ],
)
def test_store_reviews_bad_corrections(changes: dict[str, Any], problem: str) -> None:
    from frontwatch.store.reviews import ReviewProblem

    with pytest.raises(ReviewProblem) as caught:
        apply_changes(_event(), changes, VOCABULARY)
    assert str(caught.value).startswith(problem)


def test_store_reviews_coded_errors(store: Store) -> None:
    with pytest.raises(StoreError, match=r"^\[E305\] No event nope in database .*r\.duckdb\.$"):
        store.review("nope", "accept", by="ana")
    with pytest.raises(StoreError) as caught:
        store.review("a-attacked-1", "correct", changes={"modality": "sure"}, by="ana")
    assert caught.value.code == "E306"
    assert str(caught.value).startswith("[E306] Review of event a-attacked-1: modality: ")
    with pytest.raises(StoreError, match=r"'changes' go with 'correct', not 'accept'"):
        store.review("a-attacked-1", "accept", changes={"modality": "negated"}, by="ana")
    assert store.review_history() == []


def test_store_reviews_fold_status() -> None:
    from frontwatch.store.reviews import ReviewEntry

    at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

    def entry(i: int, action: str, after: dict[str, Any] | None = None) -> ReviewEntry:
        return ReviewEntry(id=i, event_id="e", action=action, at=at, by="x", after=after)

    assert fold([]) is None
    assert fold([entry(1, "merge", {"events": ["e", "f"]})]) is None
    corrected = fold([entry(1, "correct", {"modality": "negated"}), entry(2, "accept")])
    assert corrected is not None and (corrected.status, corrected.fields) == (
        "corrected",
        ["modality"],
    )
    rejected = fold([entry(1, "correct", {"modality": "negated"}), entry(2, "reject")])
    assert rejected is not None and rejected.status == "rejected"
    back = fold([entry(1, "reject"), entry(2, "accept")])
    assert back is not None and back.status == "accepted"


# -- kept across re-ingest and re-extraction -----------------------------------------------


def test_store_reviews_survive_reingest_and_reprocess(db: Path) -> None:
    with Store.open(db, clusterer=cluster_events) as store:
        store.review("b-protested-1", "reject", by="ana")
        store.review(
            "a-shelled-1", "correct", changes={"actor1.name": "Malian Armed Forces"}, by="ana"
        )
        store.review("c-attacked-1", "accept", by="ana")
        store.ingest(pairs())  # the same files again
        assert [e.id for e in store.events()] == ["a-attacked-1", "a-shelled-1", "c-attacked-1"]
        stats = store.reprocess(Stub("2"), everything=True)  # new ids, same triggers
        assert stats.replaced == 3
        assert [e.id for e in store.events()] == ["a-attacked-2", "a-shelled-2", "c-attacked-2"]
        shelled = store.events(EventFilter(actor="malian"))
        assert [e.id for e in shelled] == ["a-shelled-2"]
        assert {k: v.status for k, v in store.review_states().items()} == {
            "a-shelled-2": "corrected",
            "b-protested-2": "rejected",
            "c-attacked-2": "accepted",
        }
        assert [e.event_id for e in store.review_history("a-shelled-2")] == ["a-shelled-1"]
        assert store.review_history(orphaned=True) == []


def test_store_reviews_orphaned_when_the_event_is_gone(db: Path) -> None:
    with Store.open(db, clusterer=cluster_events) as store:
        store.review("c-attacked-1", "reject", by="ana")
        changed = Document(id="c", text="Nothing happened in the valley on Sunday.")
        store.ingest([(changed, Stub().result(changed))])
        assert [e.event_id for e in store.review_history(orphaned=True)] == ["c-attacked-1"]
        assert [e.event_id for e in store.review_history("c-attacked-1")] == ["c-attacked-1"]
        assert store.review_states() == {}


# -- merges, splits and the clusters ---------------------------------------------------------


def _clusters(store: Store) -> list[list[str]]:
    return sorted(sorted(c.members) for c in store.clusters(EventCluster))


def test_store_reviews_merge_and_split_clusters(store: Store) -> None:
    assert _clusters(store) == [
        ["a-attacked-1", "c-attacked-1"],
        ["a-shelled-1"],
        ["b-protested-1"],
    ]
    entry = store.split("c-attacked-1", note="another day", by="ana")
    assert (entry.action, entry.before, entry.after) == (
        "split",
        {"cluster": entry.before["cluster"]},
        {"apart": True},
    )
    assert _clusters(store) == [
        ["a-attacked-1"],
        ["a-shelled-1"],
        ["b-protested-1"],
        ["c-attacked-1"],
    ]
    store.merge(["a-shelled-1", "c-attacked-1"], note="the same raid", by="ana")
    assert _clusters(store) == [
        ["a-attacked-1"],
        ["a-shelled-1", "c-attacked-1"],
        ["b-protested-1"],
    ]
    with pytest.raises(StoreError, match=r"^\[E306\] .*a merge needs two events or more"):
        store.merge(["a-shelled-1"], by="ana")
    with pytest.raises(StoreError, match=r"^\[E305\] No event zz"):
        store.merge(["a-shelled-1", "zz"], by="ana")
    assert store.review_states() == {}  # merges and splits are not verdicts


def test_store_reviews_cluster_events_constraints() -> None:
    results = pairs()
    plain = sorted(sorted(c.members) for c in cluster_events(results))
    assert plain == [["a-attacked-1", "c-attacked-1"], ["a-shelled-1"], ["b-protested-1"]]
    constrained = cluster_events(
        results, together=[["a-shelled-1", "b-protested-1", "unknown"]], apart=["c-attacked-1"]
    )
    assert sorted(sorted(c.members) for c in constrained) == [
        ["a-attacked-1"],
        ["a-shelled-1", "b-protested-1"],
        ["c-attacked-1"],
    ]


# -- the queue -------------------------------------------------------------------------------


def test_store_reviews_queue_least_confident_first(store: Store) -> None:
    total, events = store.review_queue(limit=10)
    assert (total, [e.id for e in events]) == (
        4,
        ["a-shelled-1", "b-protested-1", "a-attacked-1", "c-attacked-1"],
    )
    store.review("a-shelled-1", "accept", by="ana")
    store.split("b-protested-1", by="ana")  # not a verdict: stays in the queue
    total, events = store.review_queue(limit=2, offset=1)
    assert (total, [e.id for e in events]) == (3, ["a-attacked-1", "c-attacked-1"])


def test_store_reviews_canonical_dump_keeps_reviews(db: Path, tmp_path: Path) -> None:
    with Store.open(db, clusterer=cluster_events) as store:
        store.review("a-attacked-1", "accept", by="ana")
        dump = canonical_dump(store)
    assert dump["reviews"] == [
        tuple(
            json.dumps(v)
            for v in (
                1,
                "a-attacked-1",
                "a",
                7,
                15,
                "accept",
                "ana",
                '{"review": null}',
                '{"review": "accepted"}',
                None,
            )
        )
    ]


# -- the commands ----------------------------------------------------------------------------


def run(command: Any, args: list[str]) -> Any:
    obj = {"extractor": Stub(), "settings": load_settings(store_wait=0.5)}
    return CliRunner().invoke(command, args, obj=obj)


def test_store_reviews_commands(db: Path) -> None:
    base = ["--db", str(db)]
    queue = run(review_commands.queue, [*base, "--limit", "2"])
    assert queue.exit_code == 0, queue.output
    assert queue.output.splitlines() == [
        "4 events not reviewed; least confident first",
        "0.30  a-shelled-1  Shelling/artillery/missile attack  Soldiers shelled near Gao "
        "overnight.",
        "0.45  b-protested-1  Peaceful protest  Teachers protested in Kharkiv on Monday.",
    ]
    reject = run(
        review_commands.reject, ["b-protested-1", *base, "--note", "a drill", "--by", "ana"]
    )
    assert reject.exit_code == 0, reject.output
    assert "review      rejected by ana at " in reject.output
    correct = run(
        review_commands.correct,
        [
            "a-shelled-1",
            *base,
            "--set",
            "actor1.name=Malian Armed Forces",
            "--set",
            'location={"name": "Ansongo", "country": "ML", "lat": 15.66, "lon": 0.5}',
            "--by",
            "ana",
        ],
    )
    assert correct.exit_code == 0, correct.output
    assert "actors      Malian Armed Forces -> -" in correct.output
    assert "place       Ansongo (ML, 15.66, 0.5)" in correct.output
    bad = run(review_commands.correct, ["a-shelled-1", *base, "--set", "colour=red"])
    assert bad.exit_code == 2
    assert "'colour=red': expected FIELD=VALUE with FIELD one of acled.event_type" in bad.output
    missing = run(review_commands.accept, ["nope", *base])
    assert missing.exit_code == 2
    assert missing.output == f"error: [E305] No event nope in database {db}.\n"
    merged = run(review_commands.merge, ["a-attacked-1", "c-attacked-1", *base, "--by", "ana"])
    assert merged.exit_code == 0, merged.output
    assert merged.output.endswith("ana  merge a-attacked-1 with c-attacked-1\n")
    history = run(review_commands.history, [*base, "--format", "json"])
    assert [(e["action"], e["event_id"], e["by"]) for e in json.loads(history.output)] == [
        ("reject", "b-protested-1", "ana"),
        ("correct", "a-shelled-1", "ana"),
        ("merge", "a-attacked-1", "ana"),
    ]
    shown = json.loads(run(review_commands.show, ["a-shelled-1", *base, "--format", "json"]).output)
    assert shown["review"]["fields"] == ["actor1.name", "location"]
    assert [h["action"] for h in shown["history"]] == ["correct"]
    table = run(store_commands.query, [*base, "--format", "csv"]).output.splitlines()
    assert table[0].startswith("date,date_inferred,event_id,")
    assert table[0].endswith(",sources,reviewed")
    assert [row.split(",")[2] for row in table[1:]] == [
        "a-attacked-1",
        "a-shelled-1",
        "c-attacked-1",
    ]
    assert table[2].endswith(",corrected")
    rejected = run(store_commands.query, [*base, "--include-rejected", "--count"])
    assert rejected.output == "4\n"


def test_store_reviews_command_situation_and_export(db: Path, tmp_path: Path) -> None:
    from frontwatch.cli import export as export_commands
    from frontwatch.cli import situation as situation_commands

    base = ["--db", str(db)]
    run(review_commands.reject, ["a-shelled-1", *base])
    run(
        review_commands.correct,
        ["c-attacked-1", *base, "--set", 'location={"name": "Tessalit", "country": "ML"}'],
    )
    out = tmp_path / "events.csv"
    exported = run(
        export_commands.export, ["--format", "acled-csv", *base, "-o", str(out), "--no-merge"]
    )
    assert exported.exit_code == 0, exported.output
    rows = out.read_text(encoding="utf-8").splitlines()
    assert [(r.split(",")[0], r.split(",")[21], r.split(",")[-1]) for r in rows[1:]] == [
        ("a-attacked-1", "Kidal", ""),
        ("c-attacked-1", "Tessalit", "corrected"),
        ("b-protested-1", "Kharkiv", ""),
    ]
    situation = run(situation_commands.situation, [*base, "--format", "json"])
    report = json.loads(situation.output)
    assert all("a-shelled-1" not in c["evidence"] for c in report["casualties"])
    with_rejected = run(
        situation_commands.situation, [*base, "--format", "json", "--include-rejected"]
    )
    assert any(
        "a-shelled-1" in c["evidence"] for c in json.loads(with_rejected.output)["casualties"]
    )


def test_store_reviews_correct_help_lists_every_field() -> None:
    from frontwatch.store import REVIEW_FIELDS

    option = next(p for p in review_commands.correct.params if p.name == "changes")
    assert all(field in (option.help or "") for field in REVIEW_FIELDS)
