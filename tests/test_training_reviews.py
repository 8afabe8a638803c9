"""Reviewed events as training examples (``frontwatch review export``): exact records, the
reasons events are left out, and a file the trainer's validator accepts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from frontwatch.cli import review as review_commands
from frontwatch.eval.case import load_case_mapping
from frontwatch.records import Acled, Document, Event, Location, Plover, TextSpan
from frontwatch.settings import load_settings
from frontwatch.store import ReviewState, Store
from frontwatch.training.corpus import corpus_problems, read_corpus
from frontwatch.training.reviews import acled_regions, example_text, review_examples

TEXT = (
    "Gunmen killed four farmers near Bama on Monday, police said. They fled. "
    "The army said it had not fought in the area. Residents protested in Maiduguri."
)
AT = dt.datetime(2024, 5, 2, 9, 30, tzinfo=dt.UTC)


def piece(phrase: str) -> TextSpan:
    start = TEXT.index(phrase)
    return TextSpan(text=phrase, span=(start, start + len(phrase)))


def event(ident: str, trigger: str, evidence: str, **fields: object) -> Event:
    values: dict[str, object] = {
        "category": "political_violence",
        "modality": "asserted",
        "confidence": 0.4,
        "extractor_version": "test",
        "location": Location(text="Bama", span=piece("Bama").span, name="Bama", country="NG"),
    }
    values.update(fields)
    return Event(id=ident, doc_id="d1", trigger=piece(trigger), evidence=piece(evidence), **values)


ATTACK = event(
    "e-attack",
    "killed",
    "Gunmen killed four farmers near Bama on Monday, police said.",
    acled=Acled(event_type="Violence against civilians", sub_event_type="Attack"),
    plover=Plover(type="ASSAULT", mode="firearms"),
    modality="reported",
)
FLED = event("e-fled", "fled", "They fled.", plover=Plover(type="RETREAT"))
DENIED = event(
    "e-denied",
    "fought",
    "The army said it had not fought in the area.",
    acled=Acled(event_type="Battles", sub_event_type="Armed clash"),
    plover=Plover(type="FIGHT", mode="small-arms"),
    modality="negated",
)
NOWHERE = event(
    "e-nowhere",
    "protested",
    "Residents protested in Maiduguri.",
    acled=Acled(event_type="Protests", sub_event_type="Peaceful protest"),
    plover=Plover(type="PROTEST"),
    location=None,
)
DOCUMENT = Document(id="d1", text=TEXT, published=dt.date(2024, 5, 1))


def state(status: str, note: str | None = None) -> ReviewState:
    return ReviewState(status=status, at=AT, by="ana", note=note)  # type: ignore[arg-type]


def test_training_reviews_records_exact() -> None:
    out = review_examples(
        [
            (ATTACK, state("accepted", "clear case"), DOCUMENT),
            (FLED, state("rejected"), DOCUMENT),
            (DENIED, state("corrected"), DOCUMENT),
            (NOWHERE, state("accepted"), DOCUMENT),
        ],
        label_of=load_case_mapping().label,
        register="local_press",
    )
    assert out.records == [
        {
            "id": "review-e-attack",
            "text": "Gunmen killed four farmers near Bama on Monday, police said.",
            "label": "ATTACK",
            "acled": "Violence against civilians/Attack",
            "plover": "ASSAULT",
            "plover_mode": "firearms",
            "modality": "reported",
            "none_kind": None,
            "country": "NG",
            "region": "Western Africa",
            "register": "local_press",
            "pair": "review-d1",
            "note": "clear case",
        },
        {
            "id": "review-e-fled",
            "text": "They fled. The army said it had not fought in the area.",
            "label": "NONE",
            "acled": None,
            "plover": None,
            "plover_mode": None,
            "modality": "asserted",
            "none_kind": "unrelated",
            "country": "NG",
            "region": "Western Africa",
            "register": "local_press",
            "pair": "review-d1",
            "note": None,
        },
        {
            "id": "review-e-denied",
            "text": "The army said it had not fought in the area.",
            "label": "NONE",
            "acled": None,
            "plover": "FIGHT",
            "plover_mode": "small-arms",
            "modality": "negated",
            "none_kind": "negated",
            "country": "NG",
            "region": "Western Africa",
            "register": "local_press",
            "pair": "review-d1",
            "note": None,
        },
    ]
    assert dict(out.skipped) == {"no country": 1}
    assert out.summary() == "3 training examples; 1 left out: no country"


def test_training_reviews_text_bounds() -> None:
    assert example_text(FLED, None) is None  # too short, and no document to extend it from
    long = FLED.model_copy(update={"evidence": TextSpan(text="x " * 400, span=(0, 800))})
    assert example_text(long, DOCUMENT) is None
    assert len(acled_regions()) == 240 and acled_regions()["UA"] == "Europe"


def test_training_reviews_export_command_validates(tmp_path: Path) -> None:
    from frontwatch.records import DocumentResult
    from frontwatch.situation import cluster_events

    db = tmp_path / "t.duckdb"
    with Store.open(db, clusterer=cluster_events) as store:
        store.ingest([(DOCUMENT, DocumentResult(doc_id="d1", events=[ATTACK, FLED, DENIED]))])
        store.review("e-attack", "accept", by="ana")
        store.review("e-fled", "reject", by="ana", note="not an event")
        store.review(
            "e-denied",
            "correct",
            changes={"modality": "asserted"},  # it did fight there
            by="ana",
        )
    out = tmp_path / "reviews.jsonl"
    result = CliRunner().invoke(
        review_commands.export_reviews,
        ["--db", str(db), "-o", str(out)],
        obj={"settings": load_settings()},
    )
    assert result.exit_code == 0, result.output
    assert "3 training examples" in result.output
    assert corpus_problems([out]) == []
    records = read_corpus([out])
    assert [(r["id"], r["label"]) for r in records] == [
        ("review-e-attack", "ATTACK"),
        ("review-e-denied", "ARMED_CLASH"),
        ("review-e-fled", "NONE"),
    ]
    denied = json.loads(out.read_text(encoding="utf-8").splitlines()[1])
    assert (denied["acled"], denied["modality"]) == ("Battles/Armed clash", "asserted")
