"""The DuckDB store: idempotent ingest, replacement, near-duplicates, filters, lock and spool."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from frontwatch.cli import store as commands
from frontwatch.errors import DocumentError, Errors
from frontwatch.filters import EventFilter
from frontwatch.records import (
    Actor,
    Document,
    DocumentResult,
    Event,
    EventDate,
    Flag,
    Location,
    Quantity,
    Source,
    TextSpan,
    Toponym,
)
from frontwatch.settings import load_settings
from frontwatch.store import IngestStats, Store, StoreError, StoreLocked, canonical_dump
from frontwatch.store.schema import SCHEMA_VERSION
from frontwatch.store.spool import spool_dir

PLACES = {
    "Kharkiv": (50.0, 36.23, "UA"),
    "Gao": (16.27, -0.04, "ML"),
    "Kidal": (18.44, 1.41, "ML"),
}
_SENTENCE = re.compile(r"([A-Z]\w+) (attacked|shelled|protested) (?:in|near) (\w+)[^.]*\.")


class StubExtractor:
    """A deterministic extraction: one event a sentence "<Actor> <verb> in <Place> ...".

    Unknown places are not resolved; a text starting with "Bad" is rejected (E005).
    """

    def __init__(self, version: str = "0.1.0") -> None:
        self.version = version
        self.seen: list[str] = []

    def result(self, document: Document) -> DocumentResult:
        events = []
        for i, m in enumerate(_SENTENCE.finditer(document.text)):
            actor, verb, place = m.group(1), m.group(2), m.group(3)
            lat_lon = PLACES.get(place)
            events.append(
                Event(
                    id=f"{document.id}-e{i}",
                    doc_id=document.id,
                    category="protest" if verb == "protested" else "political_violence",
                    actor1=Actor(text=actor, span=m.span(1), name=actor.upper()),
                    location=Location(
                        text=place,
                        span=m.span(3),
                        name=place if lat_lon else None,
                        lat=lat_lon[0] if lat_lon else None,
                        lon=lat_lon[1] if lat_lon else None,
                        country=lat_lon[2] if lat_lon else None,
                    ),
                    date=EventDate(
                        start=document.published, end=document.published, precision="day"
                    )
                    if document.published
                    else None,
                    quantities=[Quantity(kind="killed", count=3, text="3", span=m.span(2))]
                    if verb == "shelled"
                    else [],
                    # "... could follow" in the sentence: a hypothetical event
                    modality="hypothetical" if "could" in m.group(0) else "asserted",
                    trigger=TextSpan(text=verb, span=m.span(2)),
                    evidence=TextSpan(text=m.group(0), span=m.span(0)),
                    confidence=0.5,
                    extractor_version=self.version,
                )
            )
        return DocumentResult(doc_id=document.id, events=events)

    def extract_many(
        self, items: Iterable[Document | DocumentError]
    ) -> Iterator[DocumentResult | DocumentError]:
        for item in items:
            if isinstance(item, DocumentError):
                yield item
            elif item.text.startswith("Bad"):
                yield DocumentError(Errors.E005, name=item.id, detail="stub")
            else:
                self.seen.append(item.id)
                yield self.result(item)


def doc(doc_id: str, text: str, published: str | None = "2024-03-01", **kw: Any) -> Document:
    return Document(
        id=doc_id,
        text=text,
        published=dt.date.fromisoformat(published) if published else None,
        **kw,
    )


def pairs(
    docs: Sequence[Document], version: str = "0.1.0"
) -> list[tuple[Document, DocumentResult]]:
    stub = StubExtractor(version)
    return [(d, stub.result(d)) for d in docs]


LONG_A = (
    "Rebels attacked in Kidal at dawn on Monday, residents said. The fighters came on pickup "
    "trucks from the north and exchanged fire with the garrison for several hours before the "
    "soldiers withdrew towards the airport, according to two local officials."
)
# the same wire copy with a new last clause: Jaccard of 5-word shingles about 0.85
LONG_A_COPY = LONG_A.replace("according to two local officials.", "according to officials.")
LONG_B = (
    "Soldiers shelled near Gao overnight, a hospital worker said. Three people were killed when "
    "a shell hit a market stall and the town's main road was closed to traffic on Tuesday "
    "morning while engineers checked the damaged bridge."
)


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.open(":memory:", clusterer=None) as s:
        yield s


# -- ingest and idempotency ---------------------------------------------------------------


def test_store_ingest_round_trip(store: Store) -> None:
    d = doc("a", LONG_A, title="Kidal", url="http://x.invalid/a", outlet="Wire", path="a.txt")
    result = (
        StubExtractor()
        .result(d)
        .model_copy(
            update={
                "flags": [Flag(kind="number", text="two", span=(10, 13), message="odd")],
                "sources": [
                    Source(name="residents", kind="person", text="residents", span=(45, 54))
                ],
                "toponyms": [Toponym(doc_id="a", text="Kidal", span=(19, 24), geonameid=2455290)],
            }
        )
    )
    stats = store.ingest([(d, result)])
    assert stats == IngestStats(new=1, events=1)
    assert list(store.results()) == [(d, result)]
    assert store.document("a") == d
    assert store.document("missing") is None
    assert store.connection.execute("SELECT name, events FROM actors").fetchall() == [("REBELS", 1)]
    assert store.connection.execute("SELECT geonameid, mentions FROM places").fetchall() == [
        (2455290, 1)
    ]


def test_store_ingest_same_twice_changes_nothing(store: Store) -> None:
    items = pairs([doc("a", LONG_A), doc("b", LONG_B)])
    store.ingest(items)
    before = canonical_dump(store)
    stats = store.ingest(items)
    assert stats == IngestStats(unchanged=2)
    assert canonical_dump(store) == before


def test_store_ingest_changed_text_replaces(store: Store) -> None:
    store.ingest(pairs([doc("a", LONG_A), doc("b", LONG_B)]))
    changed = doc("a", "Police attacked in Gao. Crowds protested in Kharkiv.")
    stats = store.ingest(pairs([changed]))
    assert stats == IngestStats(replaced=1, events=2)
    assert [e.id for e in store.events() if e.doc_id == "a"] == ["a-e0", "a-e1"]
    assert [d.id for d in store.documents()] == ["a", "b"]  # keeps its place in the order
    assert store.connection.execute(
        "SELECT count(*) FROM mentions WHERE doc_id = 'a'"
    ).fetchone() == (2,)


@pytest.mark.parametrize(
    ("stored", "incoming", "expected"),
    [
        ("0.1.0", "0.2.0", IngestStats(replaced=1, events=1)),
        ("0.2.0", "0.1.0", IngestStats(unchanged=1)),
        ("0.1.0", "0.1.0", IngestStats(unchanged=1)),
    ],
)
def test_store_ingest_extractor_version(
    store: Store, stored: str, incoming: str, expected: IngestStats
) -> None:
    store.ingest(pairs([doc("a", LONG_A)], stored))
    assert store.ingest(pairs([doc("a", LONG_A)], incoming)) == expected


def test_store_ingest_batch_rolls_back_on_error(store: Store) -> None:
    good = pairs([doc("a", LONG_A), doc("b", LONG_B)])
    bad = (doc("c", LONG_B), StubExtractor().result(doc("x", LONG_B)))  # mismatched pair
    with pytest.raises(ValueError, match="paired with document c"):
        store.ingest([*good, pairs([doc("d", LONG_A)])[0], bad], batch_size=2)
    assert [d.id for d in store.documents()] == ["a", "b"]
    assert store.connection.execute("SELECT count(*) FROM events").fetchone() == (2,)


# -- near-duplicates ----------------------------------------------------------------------


def test_store_near_duplicates_linked_to_earliest(store: Store) -> None:
    store.ingest(
        pairs([doc("a", LONG_A), doc("b", LONG_B), doc("a2", LONG_A_COPY), doc("a3", LONG_A)])
    )
    assert store.duplicates() == {"a2": "a", "a3": "a"}


@pytest.mark.parametrize(
    "other",
    [
        "Rebels attacked in Kidal.",  # too short to compare
        LONG_A.split(". ", 1)[1],  # shares its second half only
    ],
)
def test_store_near_duplicates_not_linked(store: Store, other: str) -> None:
    store.ingest(pairs([doc("a", LONG_A), doc("o", other)]))
    assert store.duplicates() == {}


def test_store_near_duplicate_relinked_when_original_changes(store: Store) -> None:
    store.ingest(pairs([doc("a", LONG_A), doc("a2", LONG_A_COPY)]))
    store.ingest(pairs([doc("a", LONG_B)]))
    assert store.duplicates() == {}


# -- event queries ------------------------------------------------------------------------


@pytest.fixture
def corpus(store: Store) -> Store:
    store.ingest(
        pairs(
            [
                doc(
                    "k1", "Police attacked in Kharkiv. Students protested in Kharkiv.", "2024-03-02"
                ),
                doc("m1", "Soldiers shelled near Gao. Rebels attacked in Kidal.", "2024-02-10"),
                doc("m2", "Rebels attacked in Kidal again.", "2024-03-20"),
                doc("u1", "Gunmen attacked in Nowhere.", None),
            ]
        )
    )
    return store


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (None, ["m1-e0", "m1-e1", "k1-e0", "k1-e1", "m2-e0", "u1-e0"]),
        (EventFilter(start="2024-03-01"), ["k1-e0", "k1-e1", "m2-e0"]),
        (EventFilter(start="2024-02-01", end="2024-03-02"), ["m1-e0", "m1-e1", "k1-e0", "k1-e1"]),
        (EventFilter(country="ml"), ["m1-e0", "m1-e1", "m2-e0"]),
        (EventFilter(bbox=(-1.0, 15.0, 1.0, 17.0)), ["m1-e0"]),
        (EventFilter(actor="rebel"), ["m1-e1", "m2-e0"]),
        (EventFilter(event_type="PROTEST"), ["k1-e1"]),
        (EventFilter(modality=frozenset({"negated"})), []),
        (EventFilter(min_sources=2), ["m1-e0", "m1-e1", "k1-e0", "k1-e1", "m2-e0", "u1-e0"]),
    ],
)
def test_store_events_filter(corpus: Store, flt: EventFilter | None, expected: list[str]) -> None:
    assert [e.id for e in corpus.events(flt)] == expected


@dataclass
class _Report:
    doc_id: str
    event_id: str


class _Cluster:
    """The part of frontwatch.situation.EventCluster that the store reads."""

    def __init__(self, event: Event, reports: list[_Report], sources: int) -> None:
        self.id = f"c-{event.id}"
        self.event = event
        self.reports = reports
        self.sources = sources
        self.earliest = event.date.start if event.date else None

    def model_dump_json(self) -> str:
        return json.dumps({"id": self.id, "sources": self.sources})


def _cluster_by_place(
    results: Sequence[tuple[Document, DocumentResult]], duplicates: Mapping[str, str] | None
) -> list[_Cluster]:
    groups: dict[str, list[Event]] = {}
    for _, result in results:
        for event in result.events:
            groups.setdefault(event.location.text if event.location else "", []).append(event)
    out = []
    for events in groups.values():
        docs = {(duplicates or {}).get(e.doc_id, e.doc_id) for e in events}
        out.append(_Cluster(events[0], [_Report(e.doc_id, e.id) for e in events], len(docs)))
    return out


def test_store_events_min_sources_from_clusters(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    with Store.open(db, clusterer=_cluster_by_place) as store:
        store.ingest(
            pairs(
                [
                    doc("m1", "Rebels attacked in Kidal.", "2024-02-10"),
                    doc("m2", "Rebels attacked in Kidal again.", "2024-02-11"),
                    doc("g1", "Soldiers shelled near Gao.", "2024-02-12"),
                ]
            )
        )
        assert [e.id for e in store.events(EventFilter(min_sources=2))] == ["m1-e0", "m2-e0"]
        assert store.source_counts() == {"m1-e0": 2, "m2-e0": 2, "g1-e0": 1}
        # a crash between the batch and the clusters leaves them marked stale: redone on open
        store.connection.execute("DELETE FROM clusters")
        store.connection.execute("UPDATE meta SET value = '1' WHERE key = 'clusters_stale'")
    with Store.open(db, clusterer=_cluster_by_place) as store:
        assert store.source_counts() == {"m1-e0": 2, "m2-e0": 2, "g1-e0": 1}


# -- reprocess ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected_seen"),
    [
        ({}, ["old"]),
        ({"older_than": "0.1.0"}, ["old"]),
        ({"older_than": "0.0.1"}, []),
        ({"everything": True}, ["old", "cur"]),
    ],
)
def test_store_reprocess(store: Store, kwargs: dict[str, Any], expected_seen: list[str]) -> None:
    store.ingest(pairs([doc("old", LONG_A)], "0.0.9"))
    store.ingest(pairs([doc("cur", LONG_B)], "0.1.0"))
    stub = StubExtractor("0.1.0")
    stats = store.reprocess(stub, version="0.1.0", **kwargs)
    assert stub.seen == expected_seen
    assert stats.replaced == len(expected_seen)
    assert store.document_versions()["old"] == ("0.1.0" if expected_seen else "0.0.9")


def test_store_reprocess_keeps_rejected_documents(store: Store) -> None:
    store.ingest(pairs([doc("bad", "Bad text. Rebels attacked in Kidal.")], "0.0.9"))
    stats = store.reprocess(StubExtractor(), version="0.1.0")
    assert (stats.skipped, stats.replaced) == (1, 0)
    assert store.document_versions() == {"bad": "0.0.9"}


# -- opening, schema, lock and spool ------------------------------------------------------


def test_store_open_read_only_missing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"^\[E303\] No database at"):
        Store.open(tmp_path / "none.duckdb", read_only=True)


def test_store_schema_too_new_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db, clusterer=None) as store:
        store.connection.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)]
        )
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}"):
        Store.open(db)


def test_store_second_writer_spools_and_holder_drains(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Store.open(db, clusterer=None) as holder:
        holder.ingest(pairs([doc("a", LONG_A)]))
        assert holder.connection  # held from now until close: another process must wait
        second = Store.open(db, clusterer=None, wait=0.2)
        assert second.ingest(pairs([doc("b", LONG_B), doc("a", LONG_A)])) == IngestStats(queued=2)
        with pytest.raises(StoreLocked, match=r"^\[E301\] Database .* did not come free within"):
            second.documents()
        second.close()
        assert holder.spooled() == 1
        assert [d.id for d in holder.documents()] == ["a"]
        stats = holder.drain_spool()
        assert stats == IngestStats(new=1, unchanged=1, events=1, drained=2)
        assert [d.id for d in holder.documents()] == ["a", "b"]
        assert holder.spooled() == 0
        assert list(spool_dir(db).iterdir()) == []


def test_store_next_writer_drains_spool_on_open(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    holder = Store.open(db, clusterer=None)
    assert holder.connection
    with Store.open(db, clusterer=None, wait=0.1) as second:
        assert second.ingest(pairs([doc("b", LONG_B)])).queued == 1
    holder.close()
    with Store.open(db, clusterer=None) as store:
        assert [d.id for d in store.documents()] == ["b"]
        assert store.spooled() == 0


# -- commands -----------------------------------------------------------------------------


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kidal.txt").write_text("Rebels attacked in Kidal on Monday morning.\n")
    (folder / "gao.txt").write_text("Soldiers shelled near Gao during the night.\n")
    return folder


def _invoke(command: Any, args: list[str], stub: StubExtractor | None = None) -> Any:
    obj = {"extractor": stub or StubExtractor(), "settings": load_settings(store_wait=0.2)}
    return CliRunner().invoke(command, args, obj=obj)


def test_store_command_ingest_and_query(tmp_path: Path, articles: Path) -> None:
    db = str(tmp_path / "q.duckdb")
    first = _invoke(commands.ingest, [str(articles), "--db", db, "--published", "2024-03-04"])
    assert first.exit_code == 0, first.output
    assert "documents: 2 new, 0 unchanged, 0 replaced, 0 skipped; 2 events" in first.output
    again = _invoke(commands.ingest, [str(articles), "--db", db])
    assert "documents: 0 new, 2 unchanged" in again.output
    count = _invoke(commands.query, ["--db", db, "--country", "ML", "--count"])
    assert count.output == "2\n"
    table = _invoke(commands.query, ["--db", db, "--actor", "rebels"])
    lines = table.output.splitlines()
    assert lines[0].split() == list(commands._TABLE_COLUMNS)
    assert lines[1].split()[:6] == [
        "2024-03-04",
        "kidal-e0",
        "kidal",
        "political_violence",
        "REBELS",
        "Kidal",
    ]
    series = _invoke(commands.query, ["--db", db, "--series", "month", "--format", "csv"])
    assert series.output == "period,events\n2024-03,2\n"
    as_json = json.loads(_invoke(commands.query, ["--db", db, "--format", "json"]).output)
    assert [e["id"] for e in as_json] == ["gao-e0", "kidal-e0"]


def test_store_command_ingest_skipped_exit_1(tmp_path: Path, articles: Path) -> None:
    (articles / "bad.txt").write_text("Bad input that the stub rejects.\n")
    result = _invoke(commands.ingest, [str(articles), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert "skipped: [E005]" in result.output
    assert "2 new" in result.output


def test_store_command_ingest_spools_when_locked(tmp_path: Path, articles: Path) -> None:
    db = tmp_path / "l.duckdb"
    with Store.open(db, clusterer=None) as holder:
        assert holder.connection
        result = _invoke(commands.ingest, [str(articles), "--db", str(db)])
        assert result.exit_code == 0
        assert result.output.splitlines()[-1] == (
            f"warning: [W003] Database {db} stayed busy for 0.2 s: 2 documents queued in "
            f"{db}.spool; the next process that writes the database stores them."
        )
        assert holder.drain_spool().new == 2


def test_store_command_reprocess(tmp_path: Path, articles: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    _invoke(commands.ingest, [str(articles), "--db", db], StubExtractor("0.0.1"))
    result = _invoke(commands.reprocess, ["--db", db])
    assert result.exit_code == 0
    assert "reprocessed 2 documents; 2 events; 0 skipped" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2024-05-01", "--end", "2024-01-01"], "start is after end"),
        (["--bbox", "1,2,3"], "bbox needs four numbers"),
        (["--count", "--series", "day"], "cannot be combined"),
    ],
)
def test_store_command_query_bad_filters(tmp_path: Path, args: list[str], message: str) -> None:
    result = _invoke(commands.query, ["--db", str(tmp_path / "x.duckdb"), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_store_command_query_facts_by_default(tmp_path: Path, articles: Path) -> None:
    (articles / "maybe.txt").write_text("Rebels attacked near Gao and more could follow.\n")
    db = str(tmp_path / "m.duckdb")
    _invoke(commands.ingest, [str(articles), "--db", db, "--published", "2024-03-04"])
    for args, count in (
        ([], "2\n"),
        (["--modality", "all"], "3\n"),
        (["--modality", "hypothetical"], "1\n"),
        (["--modality", "asserted,hypothetical"], "3\n"),
    ):
        result = _invoke(commands.query, ["--db", db, "--count", *args])
        assert (args, result.output) == (args, count)


def test_store_command_query_marks_inferred_dates(tmp_path: Path) -> None:
    db = tmp_path / "i.duckdb"
    text = "Rebels attacked in Kidal on Monday."
    stated = StubExtractor().result(doc("kidal", text, published="2024-03-05"))
    event = stated.events[0]
    inferred = event.model_copy(
        update={
            "id": "kidal-e1",
            "date": event.date.model_copy(update={"inferred": True}) if event.date else None,
        }
    )
    with Store.open(db, clusterer=None) as store:
        store.ingest(
            [
                (
                    doc("kidal", text, "2024-03-05"),
                    stated.model_copy(update={"events": [event, inferred]}),
                )
            ]
        )
    table = _invoke(commands.query, ["--db", str(db)]).output.splitlines()
    assert [line.split("  ")[0] for line in table[1:]] == ["2024-03-05", "2024-03-05 (inferred)"]
    rows = _invoke(commands.query, ["--db", str(db), "--format", "csv"]).output.splitlines()
    assert rows[0].startswith("date,date_inferred,event_id,")
    assert [r.split(",")[:3] for r in rows[1:]] == [
        ["2024-03-05", "False", "kidal-e0"],
        ["2024-03-05", "True", "kidal-e1"],
    ]


def test_store_command_query_country_by_name(tmp_path: Path, articles: Path) -> None:
    db = str(tmp_path / "c.duckdb")
    _invoke(commands.ingest, [str(articles), "--db", db, "--published", "2024-03-04"])
    for given in ("Mali", "mali", "MLI", "ml"):
        assert _invoke(commands.query, ["--db", db, "--country", given, "--count"]).output == "2\n"
    wrong = _invoke(commands.query, ["--db", db, "--country", "Malli"])
    assert wrong.exit_code == 2
    assert wrong.output.splitlines()[-1] == (
        "Error: Invalid value for '--country': 'Malli' is not a country; give an ISO 3166-1 "
        "alpha-2 code (IQ for Iraq) or a country's English name; did you mean ML (Mali)?"
    )
    assert "validation error" not in wrong.output


def test_store_command_query_missing_db(tmp_path: Path) -> None:
    result = _invoke(commands.query, ["--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert f"error: [E303] No database at {tmp_path / 'none.duckdb'}" in result.output


def test_store_clusters_from_situation(tmp_path: Path) -> None:
    from frontwatch.situation import EventCluster, cluster_events

    with Store.open(tmp_path / "s.duckdb", clusterer=cluster_events) as store:
        store.ingest(
            pairs(
                [
                    doc("x1", "Rebels attacked in Kidal.", "2024-02-10", outlet="Wire One"),
                    doc("x2", "Rebels attacked in Kidal overnight.", "2024-02-10", outlet="Two"),
                    doc("x3", "Soldiers shelled near Gao.", "2024-02-12", outlet="Two"),
                ]
            )
        )
        clusters = store.clusters(EventCluster)
        assert all(isinstance(c, EventCluster) for c in clusters)
        assert sorted((sorted(r.event_id for r in c.reports), c.sources) for c in clusters) == [
            (["x1-e0", "x2-e0"], 2),
            (["x3-e0"], 1),
        ]
        assert [e.id for e in store.events(EventFilter(min_sources=2))] == ["x1-e0", "x2-e0"]


def test_store_unreadable_spool_file_set_aside(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    folder = spool_dir(db)
    folder.mkdir()
    (folder / "00000000000000000001-1.jsonl").write_text('{"document": {"id": 1}}\n')
    with Store.open(db, clusterer=None) as store:
        assert store.connection
        second = Store.open(db, clusterer=None, wait=0.1)
        second.ingest(pairs([doc("b", LONG_B)]))
        second.close()
        assert store.drain_spool().new == 1
    assert sorted(p.name for p in folder.iterdir()) == ["00000000000000000001-1.jsonl.bad"]


def test_store_command_ingest_bad_date(tmp_path: Path, articles: Path) -> None:
    result = _invoke(
        commands.ingest, [str(articles), "--db", str(tmp_path / "d.duckdb"), "--published", "x"]
    )
    assert result.exit_code == 2
    assert "[E009]" in result.output


# -- one bad record costs only itself (issue 18) --------------------------------------------


def _poisoned_extractor() -> Any:
    """The real Extractor over a cheap pipeline whose last component fails on one text."""
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc

    import frontwatch.components.events  # noqa: F401 - registers the Doc extensions
    from frontwatch.pipeline import Extractor
    from frontwatch.settings import load_settings

    if "test_store_poison" not in Language.factories:

        @Language.component("test_store_poison")
        def poison(doc: Doc) -> Doc:
            if "POISON" in doc.text:
                raise ValueError("a component failed")
            return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("test_store_poison")
    return Extractor(load_settings(), nlp=nlp)


def test_store_command_ingest_2001_lines_one_poisoned_of_each_kind(tmp_path: Path) -> None:
    line = '{{"id": "d{n}", "text": "Rebels attacked in Kidal on day {n}."}}\n'
    good = [line.format(n=n).encode() for n in range(1, 2001)]
    poison = [
        b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
        b'{"id": ' + b"7" * 4400 + b', "text": "Rebels attacked."}\n',
        b'{"id": "s", "text": "Rebels \\ud800 attacked."}\n',
        b'{"id": "\\udfff", "text": "Rebels attacked."}\n',
        b'{"id": "u", "text": "Rebels \xff attacked."}\n',
        b'{"id": "p", "text": "Rebels attacked: POISON for the pipeline."}\n',
    ]
    lines = list(good)
    for n, bad in enumerate(poison):  # lines 301, 602, 903, ... of 2,006
        lines.insert(300 * (n + 1) + n, bad)
    source = tmp_path / "news.jsonl"
    source.write_bytes(b"".join(lines))
    db = tmp_path / "p.duckdb"
    result = CliRunner().invoke(
        commands.ingest, [str(source), "--db", str(db)], obj={"extractor": _poisoned_extractor()}
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    skipped = [x for x in result.output.splitlines() if x.startswith("skipped: ")]
    assert [x.split("]")[0] for x in skipped] == [
        "skipped: [E012",
        "skipped: [E012",
        "skipped: [E013",
        "skipped: [E013",
        "skipped: [E003",
        "skipped: [E014",
    ]
    assert [f"{n * 301 + 301}" in x for n, x in enumerate(skipped[:5])] == [True] * 5
    assert skipped[5] == (
        f"skipped: [E014] Document p ({source}) could not be processed and was skipped: "
        "ValueError: a component failed."
    )
    with Store.open(db, read_only=True) as store:
        assert sorted(d.id for d in store.documents()) == sorted(f"d{n}" for n in range(1, 2001))


def test_store_command_ingest_folder_loop_and_same_names(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for rel in ("north/report.txt", "south/report.txt", "report.txt"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(f"Rebels attacked in Kidal, says {rel}.\n")
    (folder / "north" / "back").symlink_to(folder, target_is_directory=True)
    db = tmp_path / "f.duckdb"
    result = _invoke(commands.ingest, [str(folder), "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert f"skipped: [E016] Link {folder / 'north' / 'back'} was not followed" in result.output
    assert "documents: 3 new, 0 unchanged, 0 replaced, 1 skipped" in result.output
    again = _invoke(commands.ingest, [str(folder), "--db", str(db)])
    assert "documents: 0 new, 3 unchanged, 0 replaced, 1 skipped" in again.output
    with Store.open(db, read_only=True) as store:
        assert sorted(d.id for d in store.documents()) == ["north/report", "report", "south/report"]


def test_store_ingest_replaces_documents_stored_under_their_former_id(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "north").mkdir(parents=True)
    path = folder / "north" / "report.txt"
    path.write_text(LONG_A)
    db = tmp_path / "m.duckdb"
    text = path.read_text()
    with Store.open(db, clusterer=None) as store:  # as an earlier version stored it
        store.ingest(pairs([doc("report", text, published=None, path=str(path))]))
        store.ingest(pairs([doc("copy", text, published=None, path="elsewhere.txt")]))
        assert store.duplicates() == {"copy": "report"}
    result = _invoke(commands.ingest, [str(folder), "--db", str(db)])
    assert "documents: 0 new, 0 unchanged, 1 replaced, 0 skipped" in result.output
    with Store.open(db, read_only=True, clusterer=None) as store:
        assert [d.id for d in store.documents()] == ["north/report", "copy"]
        assert store.duplicates() == {"copy": "north/report"}
        assert sorted(e.id for e in store.events()) == ["copy-e0", "north/report-e0"]
