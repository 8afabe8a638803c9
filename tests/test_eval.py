from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from frontwatch.errors import FrontwatchError
from frontwatch.eval import (
    ControlEntry,
    GoldDocument,
    MaterielEntry,
    Situation,
    evaluate,
    read_gold,
    run_eval,
    split_sentences,
)
from frontwatch.eval.align import align_document, maximum_weight_matching
from frontwatch.eval.case import load_case_mapping
from frontwatch.eval.gold import (
    ACLED_TYPES,
    GoldEvent,
    GoldLocation,
    parse_acled,
    parse_published,
)
from frontwatch.eval.score import (
    LOCATION_SCORES,
    agreement,
    classification_scores,
    field_results,
    haversine_km,
    location_outcomes,
)
from frontwatch.records import (
    Acled,
    Actor,
    Attribution,
    DocumentResult,
    Event,
    EventDate,
    Flag,
    Location,
    Mention,
    Plover,
    Quantity,
    Source,
    TextSpan,
    Toponym,
)

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
SHARED_GOLD = Path("/work/shared/gold")
NF = "Northern Front"


def span_of(text: str, piece: str, after: int = 0) -> tuple[int, int]:
    start = text.index(piece, after)
    return (start, start + len(piece))


def make_event(
    text: str,
    evidence: str,
    trigger: str,
    *,
    modality: str = "asserted",
    confidence: float = 0.5,
    category: str = "political_violence",
    **fields: Any,
) -> Event:
    evidence_span = span_of(text, evidence)
    trigger_span = span_of(text, trigger, evidence_span[0])
    return Event.model_validate(
        {
            "id": f"e{trigger_span[0]}",
            "doc_id": "test",
            "category": category,
            "modality": modality,
            "confidence": confidence,
            "trigger": TextSpan(text=trigger, span=trigger_span),
            "evidence": TextSpan(text=evidence, span=evidence_span),
            "extractor_version": "test",
            **fields,
        }
    )


def actor(text: str, name: str | None = None, **fields: Any) -> Actor:
    return Actor.model_validate({"text": text, "span": (0, len(text)), "name": name, **fields})


# Records are built through model_validate: mypy without the pydantic plugin does not see the
# defaults given with Field(None, description=...).
def location(**fields: Any) -> Location:
    return Location.model_validate(fields)


def event_date(**fields: Any) -> EventDate:
    return EventDate.model_validate(fields)


def attribution(**fields: Any) -> Attribution:
    return Attribution.model_validate(fields)


def quantity(**fields: Any) -> Quantity:
    return Quantity.model_validate(fields)


@pytest.fixture(scope="module")
def multi() -> GoldDocument:
    return read_gold(FIXTURES / "multi.gold.jsonl")[0]


@pytest.fixture(scope="module")
def case_gold() -> list[GoldDocument]:
    return read_gold(FIXTURES / "case.gold.jsonl")


def kessa_event(text: str, **fields: Any) -> Event:
    """A prediction that agrees with the first gold event of multi.gold.jsonl on every field."""
    values: dict[str, Any] = {
        "plover": Plover(type="coerce"),
        "acled": Acled(event_type="Battles", sub_event_type="Non-state actor overtakes territory"),
        "actor1": actor("Fighters of the Northern Front", NF),
        "actor2": actor("government troops"),
        "location": location(text="Kessa", span=span_of(text, "Kessa"), lat=35.1, lon=38.1),
        "date": event_date(start=dt.date(2024, 3, 4), end=dt.date(2024, 3, 4), precision="day"),
        "status": "completed",
        "modality": "reported",
        "quantities": [quantity(kind="killed", count=13, text="12", span=span_of(text, "12"))],
        "attribution": attribution(source="Reuters", speaker="a local official"),
    }
    values.update(fields)
    return make_event(
        text, "Fighters of the Northern Front captured the town of Kessa", "captured", **values
    )


def dorra_event(text: str, **fields: Any) -> Event:
    values: dict[str, Any] = {
        "plover": Plover(type="ASSAULT"),
        "acled": Acled(event_type="Explosions/Remote violence", sub_event_type="Air/drone strike"),
        "location": location(
            text="Dorra", span=span_of(text, "Dorra"), country="SY", admin1="idlib"
        ),
        "date": event_date(start=dt.date(2024, 3, 3), end=dt.date(2024, 3, 3)),
    }
    values.update(fields)
    return make_event(text, "an air strike hit a market in Dorra", "strike", **values)


# -- gold reading ------------------------------------------------------------------------------


def test_eval_read_gold_fixtures(multi: GoldDocument) -> None:
    assert multi.doc_id == "toy-kessa"
    assert multi.published == dt.date(2024, 3, 5)
    assert [e.optional for e in multi.events] == [False, False, True]
    assert [e.required for e in multi.events] == [True, True, False]
    first, second, _ = multi.events
    assert first.plover == ["FIGHT", "COERCE"]
    assert first.acled is not None
    assert first.acled[0].sub_event_type == "Non-state actor overtakes territory"
    assert first.date is not None and first.date.start == dt.date(2024, 3, 4)
    assert second.stated("actor1") and second.actor1 is None
    assert not second.stated("actor2")
    assert second.stated("attribution") and second.attribution is None
    assert multi.negatives is not None and multi.negatives[0].why == "hypothetical"
    assert multi.sources == ["Reuters"]
    assert multi.toponyms is None


def test_eval_read_gold_text_file_and_extra_keys() -> None:
    (document,) = read_gold(FIXTURES / "textfile.gold.jsonl")
    assert document.text == (FIXTURES / "article.txt").read_text(encoding="utf-8")
    assert document.line == 2
    assert document.model_extra == {"gsr_id": "X-1", "markup": None}
    assert document.events[0].model_extra == {"mode": "demo"}
    assert document.events[0].plover == ["PROTEST"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2014-07-22", dt.date(2014, 7, 22)),
        ("Wed Nov 23, 2016 | 3:02pm EST", dt.date(2016, 11, 23)),
        ("December 13, 2016 8:52PM EST", dt.date(2016, 12, 13)),
        ("", None),
        ("sometime last year", None),
    ],
)
def test_eval_parse_published(value: str, expected: dt.date | None) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    ("value", "event_type", "sub_type"),
    [
        ("Battles/Armed clash", "Battles", "Armed clash"),
        ("Explosions/Remote violence/Suicide bomb", "Explosions/Remote violence", "Suicide bomb"),
        (
            "Explosions/Remote violence/Remote explosive/landmine/IED",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        ("Strategic developments/*", "Strategic developments", None),
        ("riots/mob violence", "Riots", "Mob violence"),
    ],
)
def test_eval_parse_acled(value: str, event_type: str, sub_type: str | None) -> None:
    pair = parse_acled(value)
    assert (pair.event_type, pair.sub_event_type) == (event_type, sub_type)


def _line(**fields: Any) -> str:
    document: dict[str, Any] = {
        "doc_id": "d1",
        "text": "Troops shelled the village.",
        "events": [{"evidence": "Troops shelled the village."}],
    }
    document.update(fields)
    return json.dumps(document)


def _event_line(**fields: Any) -> str:
    return _line(events=[{"evidence": "Troops shelled the village.", **fields}])


@pytest.mark.parametrize(
    ("lines", "line", "detail"),
    [
        (["{not json"], 1, "not valid JSON"),
        (["", "[1, 2]"], 2, "expected a JSON object"),
        ([json.dumps({"doc_id": "d1", "text": "x"})], 1, "missing required field 'events'"),
        ([json.dumps({"doc_id": "d1", "events": []})], 1, "exactly one of 'text' or 'text_file'"),
        ([_line(text_file="a.txt")], 1, "exactly one of 'text' or 'text_file'"),
        (
            [_line(text=None, text_file="missing.txt").replace('"text": null, ', "")],
            1,
            "cannot be read",
        ),
        ([_line(doc_id="")], 1, "field 'doc_id'"),
        ([_event_line(status="done")], 1, "field 'events[0].status'"),
        ([_event_line(modality="certain")], 1, "field 'events[0].modality'"),
        ([_event_line(acled="Battles")], 1, "known ACLED event type"),
        ([_event_line(acled="Battles/Skirmish")], 1, "unknown ACLED sub-event type"),
        ([_event_line(plover=[])], 1, "field 'events[0].plover'"),
        ([_event_line(actor1="Troops")], 1, "field 'events[0].actor1'"),
        ([_event_line(date={"start": "2024-3-1", "end": "2024-03-02"})], 1, "ISO date"),
        ([_event_line(date={"start": "2024-03-05", "end": "2024-03-02"})], 1, "is before start"),
        (
            [_event_line(location={"name": "X", "country": "Syria"})],
            1,
            "events[0].location.country",
        ),
        ([_event_line(location={"name": "X", "lat": 3.0})], 1, "lat and lon must be given"),
        (
            [_event_line(quantities=[{"kind": "dead", "count": 3}])],
            1,
            "events[0].quantities[0].kind",
        ),
        ([_event_line(case_label="WAR")], 1, "unknown CASE 2021 label"),
        ([_line(negatives=[{"evidence": "Troops", "why": "doubt"}])], 1, "negatives[0].why"),
        ([_line(toponyms=[{"text": "village", "span": [0, 6]}])], 1, "reads 'Troops'"),
        ([_line(), _line()], 2, "doc_id 'd1' already used on line 1"),
    ],
)
def test_eval_read_gold_e201(tmp_path: Path, lines: list[str], line: int, detail: str) -> None:
    path = tmp_path / "bad.gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FrontwatchError) as caught:
        read_gold(path)
    assert caught.value.code == "E201"
    assert caught.value.details["line"] == line
    assert detail in str(caught.value)


@pytest.mark.parametrize(
    ("line", "evidence"),
    [
        (_event_line(evidence="Troops shelled the town."), "Troops shelled the town."),
        (_event_line(also=["the shelling"]), "the shelling"),
        (_line(negatives=[{"evidence": "troops", "why": "negated"}]), "troops"),
        (_line(flags=[{"evidence": "1,0000", "kind": "malformed_number"}]), "1,0000"),
    ],
)
def test_eval_read_gold_e202(tmp_path: Path, line: str, evidence: str) -> None:
    path = tmp_path / "bad.gold.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(FrontwatchError) as caught:
        read_gold(path)
    assert caught.value.code == "E202"
    assert caught.value.details == {"doc_id": "d1", "evidence": evidence}


@pytest.mark.skipif(not SHARED_GOLD.is_dir(), reason="shared gold folder absent")
@pytest.mark.parametrize(
    ("name", "documents"),
    [("seed", 1), ("plover-dev", 184), ("case2021-dev", 538), ("trnews-dev", 49)],
)
def test_eval_read_gold_shared_sets(name: str, documents: int) -> None:
    assert len(read_gold(SHARED_GOLD / f"{name}.gold.jsonl")) == documents


# -- sentences and matching --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Shells fell at dawn. Two died.", ["Shells fell at dawn.", "Two died."]),
        ("Headline here\n\nBody starts. It ends!", ["Headline here", "Body starts.", "It ends!"]),
        ('He said "we left." Then the army came.', ['He said "we left."', "Then the army came."]),
        ("U.S. troops left. Gen. Adams stayed.", ["U.S. troops left.", "Gen. Adams stayed."]),
        ("A line\nwrapped here. Next one.", ["A line\nwrapped here.", "Next one."]),
        ("Prices rose 2.5 percent. 12 were hurt.", ["Prices rose 2.5 percent.", "12 were hurt."]),
        ("no capital. after this", ["no capital. after this"]),
    ],
)
def test_eval_split_sentences(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


@pytest.mark.parametrize(
    ("weights", "pairs"),
    [
        ([[3.0, 2.0], [2.0, 0.0]], [(0, 1), (1, 0)]),  # greedy on 3 would leave row 1 alone
        ([[0.0, 5.0, 1.0]], [(0, 1)]),
        ([[1.0], [4.0], [2.0]], [(1, 0)]),
        ([[0.0, 0.0], [0.0, 0.0]], []),
        ([], []),
    ],
)
def test_eval_maximum_weight_matching(
    weights: list[list[float]], pairs: list[tuple[int, int]]
) -> None:
    assert maximum_weight_matching(weights) == pairs


# -- detection ---------------------------------------------------------------------------------


def _counts(report: Any) -> tuple[Any, ...]:
    names = (
        "true_positives",
        "false_positives",
        "missed",
        "duplicates",
        "optional_found",
        "not_factual_ignored",
    )
    return tuple(report.value(f"detection.{n}") for n in names)


def test_eval_detection_perfect(multi: GoldDocument) -> None:
    text = multi.text
    result = DocumentResult(doc_id=multi.doc_id, events=[kessa_event(text), dorra_event(text)])
    report = evaluate([multi], [result])
    assert _counts(report) == (2, 0, 0, 0, 0, 0)
    assert report.value("detection.precision") == 1.0
    assert report.value("detection.recall") == 1.0
    assert report.value("detection.f1") == 1.0


def test_eval_detection_aligns_through_also(multi: GoldDocument) -> None:
    text = multi.text
    headline = make_event(text, "Rebels seize river town", "seize")
    report = evaluate([multi], [DocumentResult(doc_id=multi.doc_id, events=[headline])])
    assert _counts(report) == (1, 0, 1, 0, 0, 0)
    assert report.value("detection.recall") == 0.5
    assert [f.text for f in report.findings if f.kind == "missed"] == [
        "an air strike hit a market in Dorra on Sunday"
    ]


def test_eval_detection_aligns_through_mentions(multi: GoldDocument) -> None:
    text = multi.text
    event = make_event(text, "The army did not comment.", "comment")
    event.mentions = [
        Mention(
            trigger=TextSpan(text="hit", span=span_of(text, "hit")),
            evidence=TextSpan(text="a market", span=span_of(text, "a market")),
        )
    ]
    report = evaluate([multi], [DocumentResult(doc_id=multi.doc_id, events=[event])])
    assert _counts(report) == (1, 0, 1, 0, 0, 0)


def test_eval_detection_duplicates(multi: GoldDocument) -> None:
    text = multi.text
    events = [dorra_event(text), make_event(text, "hit a market in Dorra", "hit")]
    report = evaluate([multi], [DocumentResult(doc_id=multi.doc_id, events=events)])
    assert _counts(report) == (1, 0, 1, 1, 0, 0)
    # counted apart from false positives, but a second record of one event is not a right one
    assert report.value("detection.precision") == 0.5
    assert report.value("detection.precision_spec") == 1.0
    (duplicate,) = [f for f in report.findings if f.kind == "duplicate"]
    assert duplicate.text == "hit a market in Dorra"


def test_eval_detection_best_agreement_wins(multi: GoldDocument) -> None:
    """Two gold events in one sentence: each prediction goes to the event it agrees with."""
    text = multi.text
    clash = make_event(
        text,
        "two days of fighting",
        "fighting",
        plover=Plover(type="FIGHT"),
        acled=Acled(event_type="Battles", sub_event_type="Armed clash"),
        actor1=actor("Northern Front", NF),
    )
    report = evaluate(
        [multi], [DocumentResult(doc_id=multi.doc_id, events=[clash, kessa_event(text)])]
    )
    assert _counts(report) == (1, 0, 1, 0, 1, 0)
    assert (report.value("detection.optional_right"), report.value("detection.optional_wrong")) == (
        1,
        0,
    )
    assert report.value("detection.precision") == 1.0
    assert report.score("field.acled_subtype").model_dump() == {
        "name": "field.acled_subtype",
        "n": 2,
        "value": 1.0,
        "kind": "rate",
    }


@pytest.mark.parametrize(
    ("fields", "wrong"),
    [
        ({"plover": Plover(type="PROTEST")}, "plover"),
        ({"acled": Acled(event_type="Protests", sub_event_type="Peaceful protest")}, "acled_type"),
        ({"actor1": actor("government troops")}, "actor1"),
    ],
)
def test_eval_detection_optional_wrongly_coded_is_wrong(
    multi: GoldDocument, fields: dict[str, Any], wrong: str
) -> None:
    """A prediction of an optional event that contradicts its coding is a wrong event."""
    text = multi.text
    coded: dict[str, Any] = {
        "plover": Plover(type="FIGHT"),
        "acled": Acled(event_type="Battles", sub_event_type="Armed clash"),
        "actor1": actor("Northern Front", NF),
        **fields,
    }
    clash = make_event(text, "two days of fighting", "fighting", **coded)
    report = evaluate(
        [multi], [DocumentResult(doc_id=multi.doc_id, events=[clash, kessa_event(text)])]
    )
    assert _counts(report) == (1, 0, 1, 0, 1, 0)
    assert (report.value("detection.optional_right"), report.value("detection.optional_wrong")) == (
        0,
        1,
    )
    assert report.value("detection.precision") == 0.5  # one right event of two
    assert report.value("detection.precision_spec") == 1.0
    (finding,) = [f for f in report.findings if f.kind == "optional_wrong"]
    assert (finding.text, finding.detail) == (
        "two days of fighting",
        f"trigger 'fighting': wrong {wrong}",
    )


def test_eval_detection_optional_without_actor_is_not_wrong(multi: GoldDocument) -> None:
    """A missing actor1 is an abstention, not a contradiction."""
    text = multi.text
    clash = make_event(
        text,
        "two days of fighting",
        "fighting",
        plover=Plover(type="FIGHT"),
        acled=Acled(event_type="Battles", sub_event_type="Armed clash"),
    )
    report = evaluate(
        [multi], [DocumentResult(doc_id=multi.doc_id, events=[clash, kessa_event(text)])]
    )
    assert (report.value("detection.optional_right"), report.value("detection.optional_wrong")) == (
        1,
        0,
    )


def test_eval_detection_optional_is_not_false_positive(multi: GoldDocument) -> None:
    text = multi.text
    clash = make_event(text, "two days of fighting", "fighting")
    report = evaluate(
        [multi], [DocumentResult(doc_id=multi.doc_id, events=[clash, dorra_event(text)])]
    )
    # the lone prediction goes to the required event of its sentence, not to the optional one
    assert _counts(report) == (2, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("modality", "counts", "negatives_hit"),
    [
        ("asserted", (1, 1, 1, 0, 0, 0), 1.0),
        ("reported", (1, 1, 1, 0, 0, 0), 1.0),
        ("hypothetical", (1, 0, 1, 0, 0, 1), 0.0),
        ("future", (1, 0, 1, 0, 0, 1), 0.0),
    ],
)
def test_eval_detection_negatives(
    multi: GoldDocument, modality: str, counts: tuple[int, ...], negatives_hit: float
) -> None:
    text = multi.text
    march = make_event(text, "the rebels could march on the capital", "march", modality=modality)
    result = DocumentResult(doc_id=multi.doc_id, events=[kessa_event(text), march])
    report = evaluate([multi], [result])
    assert _counts(report) == counts
    assert report.value("negatives.as_factual_events") == negatives_hit
    hits = [f for f in report.findings if f.kind == "negative_as_event"]
    assert len(hits) == int(negatives_hit)


def test_eval_detection_unaligned_false_positive(multi: GoldDocument) -> None:
    text = multi.text
    events = [kessa_event(text), dorra_event(text), make_event(text, "did not comment", "comment")]
    report = evaluate([multi], [DocumentResult(doc_id=multi.doc_id, events=events)])
    assert _counts(report) == (2, 1, 0, 0, 0, 0)
    assert report.value("detection.precision") == pytest.approx(2 / 3)
    assert report.value("detection.f1") == pytest.approx(0.8)


def test_eval_detection_non_factual_prediction_ignored(multi: GoldDocument) -> None:
    text = multi.text
    events = [kessa_event(text), dorra_event(text, modality="negated")]
    report = evaluate([multi], [DocumentResult(doc_id=multi.doc_id, events=events)])
    assert _counts(report) == (1, 0, 1, 0, 0, 1)


def test_eval_detection_aggregate_prediction_ignored(multi: GoldDocument) -> None:
    """A war's toll marked as an aggregate is no event: not a duplicate, not a false positive."""
    text = multi.text
    aggregate = dorra_event(text).model_copy(update={"aggregate": True})
    events = [kessa_event(text), dorra_event(text), aggregate]
    report = evaluate([multi], [DocumentResult(doc_id=multi.doc_id, events=events)])
    assert _counts(report) == (2, 0, 0, 0, 0, 1)
    assert report.value("detection.aggregates_ignored") == 1
    assert report.value("detection.precision") == 1.0


# -- primary-event rule ------------------------------------------------------------------------


SHORT_TEXT = "Gunmen abducted two aid workers near Gao on Friday. Talks on a truce went on."


def _short_gold(text: str = SHORT_TEXT) -> GoldDocument:
    return GoldDocument.model_validate(
        {
            "doc_id": "short",
            "text": text,
            "events": [
                {
                    "evidence": "Gunmen abducted two aid workers near Gao on Friday.",
                    "plover": "ASSAULT",
                    "acled": "Violence against civilians/Abduction/forced disappearance",
                }
            ],
        }
    )


@pytest.mark.parametrize(
    ("confidences", "modalities", "plover", "counts"),
    [
        # the most confident event answers even though it sits in another sentence
        ((0.4, 0.9), ("asserted", "asserted"), 0.0, (1, 0, 0, 0, 0, 0)),
        ((0.9, 0.4), ("asserted", "asserted"), 1.0, (1, 0, 0, 0, 0, 0)),
        # a non-factual event is never the primary one
        ((0.4, 0.9), ("asserted", "hypothetical"), 1.0, (1, 0, 0, 0, 0, 0)),
        ((0.4, 0.9), ("negated", "hypothetical"), None, (0, 0, 1, 0, 0, 0)),
    ],
)
def test_eval_primary_event_rule(
    confidences: tuple[float, float],
    modalities: tuple[str, str],
    plover: float | None,
    counts: tuple[int, ...],
) -> None:
    gold = _short_gold()
    abduction = make_event(
        SHORT_TEXT,
        "Gunmen abducted two aid workers",
        "abducted",
        confidence=confidences[0],
        modality=modalities[0],
        plover=Plover(type="ASSAULT"),
    )
    talks = make_event(
        SHORT_TEXT,
        "Talks on a truce went on.",
        "Talks",
        confidence=confidences[1],
        modality=modalities[1],
        plover=Plover(type="CONSULT"),
    )
    report = evaluate([gold], [DocumentResult(doc_id="short", events=[abduction, talks])])
    assert _counts(report) == counts
    # without a factual event there is no primary one: both events are set aside
    assert report.value("detection.not_primary_ignored") == (1 if counts[0] else 2)
    assert report.value("field.plover") == plover


def test_eval_primary_rule_only_for_short_documents() -> None:
    filler = "Markets opened late in the afternoon. " * 40
    text = SHORT_TEXT + " " + filler
    assert len(text) >= 1500
    gold = _short_gold(text)
    stray = make_event(text, "Talks on a truce went on.", "Talks", confidence=0.9)
    abduction = make_event(text, "Gunmen abducted two aid workers", "abducted", confidence=0.1)
    report = evaluate([gold], [DocumentResult(doc_id="short", events=[stray, abduction])])
    # alignment decides; with one gold event the text is not exhaustively annotated
    assert _counts(report) == (1, 0, 0, 0, 0, 0)
    assert report.value("detection.unaligned_unscored") == 1


# -- fields ------------------------------------------------------------------------------------


ALL_RIGHT = {
    "plover": True,
    "acled_type": True,
    "acled_subtype": True,
    "actor1": True,
    "actor2": True,
    "location@25km": True,
    "location@161km": True,
    "date": True,
    "status": True,
    "modality": True,
    "quantities": True,
    "attribution": True,
}


def _fields(gold: GoldDocument, event: Event, index: int = 0) -> dict[str, bool | None]:
    return field_results(gold.events[index], event)


def test_eval_fields_all_right(multi: GoldDocument) -> None:
    assert _fields(multi, kessa_event(multi.text)) == ALL_RIGHT
    assert agreement(multi.events[0], kessa_event(multi.text)) == 1.0


@pytest.mark.parametrize(
    ("changes", "wrong"),
    [
        ({"plover": Plover(type="PROTEST")}, {"plover"}),
        ({"plover": None}, {"plover"}),
        ({"acled": Acled(event_type="Battles", sub_event_type="Armed clash")}, {"acled_subtype"}),
        (
            {"acled": Acled(event_type="Riots", sub_event_type="Mob violence")},
            {"acled_type", "acled_subtype"},
        ),
        ({"acled": None}, {"acled_type", "acled_subtype"}),
        ({"actor1": actor("NF")}, set()),  # an alias as text
        ({"actor1": actor("the rebels", "northern front")}, set()),  # canonical name, any case
        ({"actor1": actor("rebels")}, {"actor1"}),
        ({"actor1": None}, {"actor1"}),
        ({"actor1": actor("rebels and allies", members=[actor("NF")])}, set()),
        ({"actor2": actor("Government troops")}, set()),
        ({"actor2": actor("troops")}, {"actor2"}),
        # 35.0,38.0 -> 35.3,38.0 is 33.4 km: out at 25 km, in at 161 km
        ({"location": location(text="Kessa", span=(0, 5), lat=35.3, lon=38.0)}, {"location@25km"}),
        (
            {"location": location(text="Kessa", span=(0, 5), lat=37.0, lon=38.0)},
            {"location@25km", "location@161km"},
        ),
        (
            {"location": location(text="Kessa", span=(0, 5), country="SY")},
            {"location@25km", "location@161km"},
        ),
        ({"date": event_date(start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31))}, set()),
        ({"date": event_date(start=dt.date(2024, 3, 1), end=dt.date(2024, 4, 1))}, set()),
        ({"date": event_date(start=dt.date(2024, 3, 1), end=dt.date(2024, 4, 2))}, {"date"}),
        ({"date": event_date(start=dt.date(2024, 3, 5), end=dt.date(2024, 3, 6))}, {"date"}),
        ({"date": event_date(start=dt.date(2024, 3, 4))}, set()),
        ({"date": event_date(precision="unknown")}, {"date"}),
        ({"date": None}, {"date"}),
        ({"status": "attempted"}, {"status"}),
        ({"status": None}, {"status"}),
        ({"modality": "asserted"}, {"modality"}),
        (
            {"quantities": [quantity(kind="killed", count=10.7, text="x", span=(0, 1))]},
            {"quantities"},
        ),
        ({"quantities": [quantity(kind="killed", low=10, high=12, text="x", span=(0, 1))]}, set()),
        (
            {"quantities": [quantity(kind="injured", count=12, text="x", span=(0, 1))]},
            {"quantities"},
        ),
        ({"quantities": []}, {"quantities"}),
        ({"attribution": attribution(speaker="the local official")}, set()),
        ({"attribution": attribution(source="AFP")}, {"attribution"}),
        ({"attribution": None}, {"attribution"}),
    ],
)
def test_eval_fields_one_wrong(
    multi: GoldDocument, changes: dict[str, Any], wrong: set[str]
) -> None:
    results = _fields(multi, kessa_event(multi.text, **changes))
    assert {name for name, ok in results.items() if ok is False} == wrong
    assert all(ok is not None for ok in results.values())


def test_eval_fields_not_stated_are_not_scored(multi: GoldDocument) -> None:
    results = _fields(multi, dorra_event(multi.text), index=1)
    assert results == {
        "plover": True,
        "acled_type": True,
        "acled_subtype": True,
        "actor1": None,  # null: not stated
        "actor2": None,  # absent
        "location@25km": True,  # no coordinates: country and admin1
        "location@161km": True,
        "date": True,
        "status": None,
        "modality": True,
        "quantities": None,
        "attribution": True,  # null: no explicit attribution wanted
    }
    wrong_admin1 = dorra_event(
        multi.text, location=location(text="Dorra", span=(0, 5), country="SY", admin1="Hama")
    )
    assert _fields(multi, wrong_admin1, index=1)["location@25km"] is False
    attributed = dorra_event(multi.text, attribution=attribution(source="Reuters"))
    assert _fields(multi, attributed, index=1)["attribution"] is False
    by_default = dorra_event(multi.text, attribution=attribution(source="Daily", default=True))
    assert _fields(multi, by_default, index=1)["attribution"] is True


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ({"acled": None}, None, True),
        ({"acled": None}, Acled(event_type="Battles", sub_event_type="Armed clash"), False),
        (
            {"acled": "Strategic developments/*"},
            Acled(event_type="Strategic developments", sub_event_type="Arrests"),
            True,
        ),
        (
            {"acled": ["Riots/Mob violence", "Battles/Armed clash"]},
            Acled(event_type="battles", sub_event_type="armed clash"),
            True,
        ),
        ({}, None, None),
    ],
)
def test_eval_fields_acled(gold: dict[str, Any], predicted: Acled | None, expected: Any) -> None:
    event_gold = GoldEvent.model_validate({"evidence": "x", **gold})
    event = make_event("x", "x", "x", acled=predicted)
    assert field_results(event_gold, event)["acled_subtype"] is expected


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        (
            [{"kind": "materiel", "item": "M198 howitzer", "count": 52}],
            [("materiel", "M198 155-millimeter howitzers", 52)],
            True,
        ),
        ([{"kind": "materiel", "item": "tank", "count": 3}], [("materiel", "rifles", 3)], False),
        ([{"kind": "money", "count": 1000, "approx": True}], [("money", None, 1090)], True),
        ([{"kind": "money", "count": 1000, "approx": True}], [("money", None, 1110)], False),
        (
            [{"kind": "killed", "count": 2}, {"kind": "killed", "count": 2}],
            [("killed", None, 2)],
            False,
        ),
        (
            [{"kind": "killed", "count": 2}, {"kind": "injured", "count": 5}],
            [("injured", None, 5), ("killed", None, 2)],
            True,
        ),
    ],
)
def test_eval_fields_quantities(
    gold: list[dict[str, Any]], predicted: list[tuple[str, str | None, float]], expected: bool
) -> None:
    event_gold = GoldEvent.model_validate({"evidence": "x", "quantities": gold})
    quantities = [quantity(kind=k, item=i, count=c, text="x", span=(0, 1)) for k, i, c in predicted]
    event = make_event("x", "x", "x", quantities=quantities)
    assert field_results(event_gold, event)["quantities"] is expected


def test_eval_fields_location_by_name_only() -> None:
    gold = GoldEvent.model_validate({"evidence": "x", "location": {"name": "Gorazde"}})
    right = make_event("x", "x", "x", location=location(text="Gorazde", span=(0, 7)))
    wrong = make_event("x", "x", "x", location=location(text="Sarajevo", span=(0, 8)))
    assert field_results(gold, right)["location@25km"] is True
    assert field_results(gold, wrong)["location@161km"] is False


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        # a village missing from the gazetteer located at its district (precision 2): right
        (
            {"lat": 35.81, "lon": 36.61, "tolerance_km": 50, "precision": 2, "in_gazetteer": False},
            {"lat": 35.9, "lon": 36.6, "precision": 2},
            {"within_tolerance": True, "within_161km": True, "abstained": False}
            | {"over_1000km": False, "precision": True, "fallback": True},
        ),
        # the same point given as the town itself (precision 1): within reach, not a fallback
        (
            {"lat": 35.81, "lon": 36.61, "tolerance_km": 50, "precision": 2, "in_gazetteer": False},
            {"lat": 35.9, "lon": 36.6, "precision": 1},
            {"within_tolerance": True, "within_161km": True, "abstained": False}
            | {"over_1000km": False, "precision": False, "fallback": False},
        ),
        # Nayrab read as Nairobi: more than 1,000 km off
        (
            {"lat": 36.18, "lon": 37.22, "precision": 1, "in_gazetteer": True},
            {"lat": -1.28, "lon": 36.82, "precision": 1},
            {"within_tolerance": False, "within_161km": False, "abstained": False}
            | {"over_1000km": True, "precision": True, "fallback": None},
        ),
        # no location: wrong, not far off
        (
            {"lat": 36.18, "lon": 37.22, "precision": 1},
            None,
            {"within_tolerance": False, "within_161km": False, "abstained": True}
            | {"over_1000km": False, "precision": False, "fallback": None},
        ),
        # no gold coordinates: nothing scored
        ({"country": "SY"}, None, dict.fromkeys(LOCATION_SCORES)),
    ],
)
def test_eval_location_outcomes(
    gold: dict[str, Any], predicted: dict[str, Any] | None, expected: dict[str, bool | None]
) -> None:
    gold_location = GoldLocation.model_validate({"name": "x", **gold})
    event = None
    if predicted is not None:
        event = make_event("x", "x", "x", location=location(text="x", span=(0, 1), **predicted))
    assert location_outcomes(gold_location, event) == expected


def test_eval_location_scores_count_missed_events(multi: GoldDocument) -> None:
    gold = multi.model_copy(deep=True)
    gold.events[0].location = GoldLocation(name="Kessa", lat=35.0, lon=38.0, precision=1)
    result = DocumentResult(doc_id=multi.doc_id, events=[dorra_event(multi.text)])
    report = evaluate([gold], [result])
    # Kessa's event is missed: its location counts as wrong (of 1 gold event with coordinates)
    assert (report.score("location.within_161km").n, report.value("location.within_161km")) == (
        1,
        0.0,
    )
    assert report.value("location.over_1000km") == 0.0
    assert report.value("location.abstained") == 1.0


def test_eval_fields_report_numbers(multi: GoldDocument) -> None:
    text = multi.text
    events = [
        kessa_event(text, status="ongoing", actor2=None),
        dorra_event(text, plover=Plover(type="COERCE")),
    ]
    report = evaluate([multi], [DocumentResult(doc_id=multi.doc_id, events=events)])
    values = {s.name: (s.n, s.value) for s in report.scores if s.name.startswith("field.")}
    assert values == {
        "field.plover": (2, 0.5),
        "field.acled_type": (2, 1.0),
        "field.acled_subtype": (2, 1.0),
        "field.actor1": (1, 1.0),
        "field.actor2": (1, 0.0),
        "field.location@25km": (2, 1.0),
        "field.location@161km": (2, 1.0),
        "field.date": (2, 1.0),
        "field.status": (1, 0.0),
        "field.modality": (2, 1.0),
        "field.quantities": (1, 1.0),
        "field.attribution": (2, 1.0),
    }


# -- CASE 2021 ---------------------------------------------------------------------------------


def test_eval_case_mapping_covers_acled() -> None:
    mapping = load_case_mapping()
    names = {f"{t}/{s}" for t, subs in ACLED_TYPES.items() for s in subs}
    assert set(mapping.acled_to_case) == names
    assert len(set(mapping.acled_to_case.values())) == 25


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"acled": Acled(event_type="Riots", sub_event_type="Mob violence")}, "MOB_VIOL"),
        (
            {
                "acled": Acled(event_type="Strategic developments", sub_event_type="Arrests"),
                "plover": Plover(type="CRIME"),
            },
            "ARREST",
        ),
        ({"acled": Acled(event_type="Battles"), "plover": Plover(type="AGREE")}, "DIPLO"),
        ({"category": "natural_disaster", "plover": Plover(type="AID")}, "NATURAL_DISASTER"),
        ({"category": "industrial_accident"}, "MAN_MADE_DISASTER"),
        ({"category": "crime", "plover": Plover(type="CRIME")}, "ORG_CRIME"),
        ({"category": "verbal", "plover": Plover(type="ACCUSE")}, "ATTRIB"),
        ({"category": "verbal", "plover": Plover(type="sanction")}, "DIPLO"),
        ({"category": "other", "plover": Plover(type="MOBILIZE")}, None),
        ({"category": "other"}, None),
    ],
)
def test_eval_case_label_rules(fields: dict[str, Any], label: str | None) -> None:
    assert load_case_mapping().label(make_event("x", "x", "x", **fields)) == label


def test_eval_case_label_falls_through_by_confidence() -> None:
    mapping = load_case_mapping()
    unlabelled = make_event("x", "x", "x", confidence=0.9, plover=Plover(type="MOBILIZE"))
    low = make_event("x", "x", "x", confidence=0.2, plover=Plover(type="AGREE"))
    mid = make_event("x", "x", "x", confidence=0.5, category="industrial_accident")
    hypothetical = make_event(
        "x", "x", "x", confidence=0.95, modality="hypothetical", category="natural_disaster"
    )
    assert mapping.document_label([low, unlabelled, mid, hypothetical]) == "MAN_MADE_DISASTER"
    assert mapping.document_label([hypothetical]) == "NATURAL_DISASTER"
    assert mapping.document_label([]) is None


def test_eval_case_scores_on_toy_set(case_gold: list[GoldDocument]) -> None:
    texts = {d.doc_id: d.text for d in case_gold}

    def whole(doc_id: str, **fields: Any) -> Event:
        text = texts[doc_id]
        return make_event(text, text, text.split()[0], **fields)

    results = [
        DocumentResult(
            doc_id="toy-clash",
            events=[
                whole("toy-clash", acled=Acled(event_type="Battles", sub_event_type="Armed clash"))
            ],
        ),
        DocumentResult(
            doc_id="toy-clash-2",
            events=[whole("toy-clash-2", category="verbal", plover=Plover(type="AGREE"))],
        ),
        DocumentResult(
            doc_id="toy-diplo",
            events=[whole("toy-diplo", category="verbal", plover=Plover(type="CONSULT"))],
        ),
        DocumentResult(doc_id="toy-flood"),
    ]
    report = evaluate(case_gold, results)
    assert report.score("case.weighted_f1").n == 4
    assert report.value("case.weighted_f1") == pytest.approx(0.5)
    assert report.value("case.accuracy") == 0.5
    assert (report.score("case.acled_accuracy").n, report.value("case.acled_accuracy")) == (2, 0.5)
    assert report.case_labels["DIPLO"].model_dump() == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": pytest.approx(2 / 3),
        "support": 1,
    }
    assert report.value("detection.recall") == 0.75


def test_eval_classification_scores_weighted_f1() -> None:
    pairs = [("A", "A"), ("A", "B"), ("B", "B"), ("C", None)]
    scores = classification_scores(pairs, ["A", "B"])
    # A: p=1 r=.5 f=2/3 (2); B: p=.5 r=1 f=2/3 (1); C: f=0 (1)
    assert scores.weighted_f1 == pytest.approx(0.5)
    assert (scores.accuracy, scores.acled_accuracy, scores.n_acled) == (0.5, 2 / 3, 3)


# -- toponyms, flags, sources, situation -------------------------------------------------------


def test_eval_toponyms() -> None:
    (gold,) = read_gold(FIXTURES / "toponyms.gold.jsonl")
    assert gold.published == dt.date(2016, 11, 23)
    text = gold.text

    def top(piece: str, geonameid: int | None, lat: float | None, lon: float | None) -> Toponym:
        start, end = span_of(text, piece)
        return Toponym(
            doc_id=gold.doc_id, text=piece, span=(start, end), geonameid=geonameid, lat=lat, lon=lon
        )

    predicted = [
        top("Vienna", 2761369, 48.20849, 16.37208),
        top("Lyon were", 1, 46.74846, 4.84671),  # overlaps "Lyon", one degree north
        top("buses", None, None, None),
    ]
    report = evaluate([gold], [DocumentResult(doc_id=gold.doc_id, toponyms=predicted)])
    one_degree = haversine_km(45.74846, 4.84671, 46.74846, 4.84671)
    assert one_degree == pytest.approx(111.195, abs=0.001)
    assert report.value("toponyms.recall") == pytest.approx(2 / 3)
    assert report.value("toponyms.precision") == pytest.approx(2 / 3)
    assert report.value("toponyms.geonameid_exact") == 0.5
    assert report.value("toponyms.accuracy@161km") == 1.0
    assert report.value("toponyms.over_1000km") == 0.0
    assert report.value("toponyms.median_error_km") == pytest.approx(one_degree / 2)
    assert report.value("toponyms.mean_error_km") == pytest.approx(one_degree / 2)
    assert report.value("detection.recall") is None


def test_eval_flags_sources_and_situation(multi: GoldDocument) -> None:
    text = multi.text
    result = DocumentResult(
        doc_id=multi.doc_id,
        flags=[
            Flag(kind="malformed_number", text="1,0000", span=span_of(text, "1,0000"), message=""),
            Flag(kind="malformed_number", text="12", span=span_of(text, "12"), message=""),
        ],
        sources=[
            Source(name="Reuters", kind="outlet", text="Reuters", span=span_of(text, "Reuters")),
            Source(name="AFP", kind="outlet", text="AFP", span=(0, 0)),
        ],
    )
    situation = Situation(
        control=[
            ControlEntry(place="town of Kessa", country="SY", controller="northern front"),
            ControlEntry(place="Dorra", controller="Northern Front", status="contested"),
        ],
        materiel=[MaterielEntry(actor="NF", item="tanks", count=3, direction="gained")],
    )
    report = evaluate([multi], [result], situations={multi.doc_id: situation})
    got = {
        s.name: (s.n, s.value)
        for s in report.scores
        if s.name.split(".")[0] in {"flags", "sources", "control", "materiel"}
    }
    assert got == {
        "flags.recall": (1, 1.0),
        "flags.precision": (2, 0.5),
        "sources.recall": (1, 1.0),
        "sources.precision": (2, 0.5),
        "control.recall": (1, 1.0),
        "control.precision": (2, 0.5),
        "materiel.recall": (1, 1.0),
        "materiel.precision": (1, 1.0),
    }
    unscored = evaluate([multi], [result])
    assert unscored.value("control.recall") is None
    assert "control.recall                      0  not scored" in unscored.to_table()


# -- report and run_eval -----------------------------------------------------------------------


def test_eval_report_table_and_json(multi: GoldDocument) -> None:
    text = multi.text
    result = DocumentResult(doc_id=multi.doc_id, events=[kessa_event(text)])
    report = evaluate([multi], [result], gold_name="multi")
    table = report.to_table().splitlines()
    assert table[0] == "gold: multi  documents: 1"
    assert "detection.recall                    2       0.500" in table
    assert "detection.missed                    1           1" in table
    data = report.to_json()
    assert data["documents"] == 1
    assert {"name": "detection.recall", "n": 2, "value": 0.5, "kind": "rate"} in data["scores"]
    assert json.loads(json.dumps(data)) == data


def test_eval_run_eval_writes_predictions(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def predict(document: GoldDocument) -> DocumentResult:
        text = document.text
        event = make_event(
            text,
            text,
            text.split()[0],
            acled=Acled(event_type="Battles", sub_event_type="Armed clash"),
        )
        return DocumentResult(doc_id=document.doc_id, events=[event])

    out = tmp_path / "predictions.jsonl"
    report = run_eval(
        FIXTURES / "case.gold.jsonl",
        predict,
        predictions_out=out,
        progress=lambda done, total: calls.append((done, total)),
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [DocumentResult.model_validate_json(line).doc_id for line in lines] == [
        "toy-clash",
        "toy-clash-2",
        "toy-diplo",
        "toy-flood",
    ]
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert report.value("case.acled_accuracy") == 1.0
    assert report.documents == 4


def test_eval_align_document_pairs(multi: GoldDocument) -> None:
    text = multi.text
    events = [dorra_event(text), kessa_event(text)]
    alignment = align_document(multi, DocumentResult(doc_id="x", events=events), agreement)
    assert alignment.pairs == [(1, 0), (0, 1)]
    assert alignment.true_positives(multi) == [(1, 0), (0, 1)]
    assert not alignment.primary_rule


PLAN_TEXT = "Militants raided a checkpoint on Monday. The army will launch an offensive next week."


@pytest.mark.parametrize(
    ("modality", "counts", "modality_score"),
    [
        # a factual prediction of a future event is a false positive, as for a negative
        ("asserted", (1, 1, 0, 0, 0, 0), (1, 1.0)),
        # a future prediction pairs with the future gold event: its fields are scored
        ("future", (1, 0, 0, 0, 1, 0), (2, 1.0)),
        ("hypothetical", (1, 0, 0, 0, 1, 0), (2, 0.5)),
    ],
)
def test_eval_detection_non_factual_gold_event(
    modality: str, counts: tuple[int, ...], modality_score: tuple[int, float]
) -> None:
    gold = GoldDocument.model_validate(
        {
            "doc_id": "plan",
            "text": PLAN_TEXT,
            "events": [
                {"evidence": "Militants raided a checkpoint", "modality": "asserted"},
                {"evidence": "The army will launch an offensive", "modality": "future"},
            ],
        }
    )
    raid = make_event(PLAN_TEXT, "Militants raided a checkpoint", "raided")
    plan = make_event(
        PLAN_TEXT, "The army will launch an offensive", "offensive", modality=modality
    )
    report = evaluate([gold], [DocumentResult(doc_id="plan", events=[raid, plan])])
    assert _counts(report) == counts
    score = report.score("field.modality")
    assert (score.n, score.value) == modality_score


def _best_total(weights: list[list[float]]) -> float:
    """Brute force: the best total weight over all matchings (0-weight pairs dropped)."""
    rows, cols = len(weights), len(weights[0])
    best = 0.0
    for chosen in itertools.permutations(range(cols), min(rows, cols)) if rows <= cols else []:
        best = max(best, sum(max(0.0, weights[r][c]) for r, c in enumerate(chosen)))
    for chosen in itertools.permutations(range(rows), cols) if rows > cols else []:
        best = max(best, sum(max(0.0, weights[r][c]) for c, r in enumerate(chosen)))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_eval_maximum_weight_matching_is_optimal(seed: int) -> None:
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 5), rng.randint(1, 5)
    weights = [
        [rng.choice([0.0, 0.0, rng.uniform(0.5, 9.0)]) for _ in range(cols)] for _ in range(rows)
    ]
    pairs = maximum_weight_matching(weights)
    assert len({r for r, _ in pairs}) == len({c for _, c in pairs}) == len(pairs)
    assert all(weights[r][c] > 0 for r, c in pairs)
    assert sum(weights[r][c] for r, c in pairs) == pytest.approx(_best_total(weights))
