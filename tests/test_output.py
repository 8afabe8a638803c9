"""ResultWriter: JSON Lines, a JSON array and flat CSV, on records built by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from frontwatch.output import CSV_COLUMNS, FORMATS, ResultWriter, event_row
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
)

#          0         1         2         3         4         5         6         7
#          0123456789012345678901234567890123456789012345678901234567890123456789012345
TEXT = "Soldiers shot dead 3 rioters in Gao on Monday, the mayor told Reuters."


def _ts(text: str) -> TextSpan:
    start = TEXT.index(text)
    return TextSpan(text=text, span=(start, start + len(text)))


@pytest.fixture
def full_event() -> Event:
    return Event(
        id="a1b2c3d4e5f60718",
        doc_id="gao-1",
        plover=Plover(type="ASSAULT", mode="firearms"),
        acled=Acled(event_type="Protests", sub_event_type="Excessive force against protesters"),
        category="protest",
        actor1=Actor(
            text="Soldiers",
            span=(0, 8),
            name="Military Forces of Mali",
            type="state_forces",
            country="ML",
        ),
        actor2=Actor(text="rioters", span=(21, 28), name="Rioters", type="rioters", country="ML"),
        location=Location(
            text="Gao",
            span=(32, 35),
            name="Gao",
            geonameid=2457163,
            lat=16.27167,
            lon=-0.04472,
            country="ML",
            admin1="Gao",
            feature="PPLA",
            precision=1,
        ),
        date=EventDate(
            text="Monday",
            span=(39, 45),
            start=dt.date(2024, 3, 11),
            end=dt.date(2024, 3, 11),
            precision="day",
        ),
        quantities=[Quantity(kind="killed", count=3, text="3 rioters", span=(19, 28))],
        status="completed",
        modality="reported",
        attribution=Attribution(
            source="Reuters",
            speaker="the mayor",
            source_span=(62, 69),
            speaker_span=(47, 56),
            text="the mayor told Reuters",
            span=(47, 69),
        ),
        trigger=_ts("shot dead"),
        evidence=_ts(TEXT),
        mentions=[Mention(trigger=_ts("shot dead"), evidence=_ts(TEXT))],
        confidence=0.9,
        extractor_version="0.1.0",
    )


@pytest.fixture
def bare_event() -> Event:
    return Event(
        id="0000000000000001",
        doc_id="gao-1",
        category="other",
        modality="asserted",
        trigger=TextSpan(text="shot", span=(9, 13)),
        evidence=TextSpan(text="Soldiers shot", span=(0, 13)),
        confidence=0.25,
        extractor_version="0.1.0",
    )


BARE_JSON = (
    '{"id": "0000000000000001", "doc_id": "gao-1", "plover": null, "acled": null, '
    '"category": "other", "actor1": null, "actor2": null, "location": null, "date": null, '
    '"quantities": [], "status": null, "modality": "asserted", "attribution": null, '
    '"trigger": {"text": "shot", "span": [9, 13]}, '
    '"evidence": {"text": "Soldiers shot", "span": [0, 13]}, "mentions": [], '
    '"historical": false, "aggregate": false, "confidence": 0.25, "extractor_version": "0.1.0"}'
)


def _write(results: list[DocumentResult], fmt: str, *, documents: bool = False) -> tuple[str, int]:
    out = io.StringIO()
    writer = ResultWriter(out, fmt, documents=documents)
    for result in results:
        writer.write(result)
    writer.close()
    return out.getvalue(), writer.count


def test_output_formats() -> None:
    assert FORMATS == ("jsonl", "json", "csv")


def test_output_unknown_format_raises() -> None:
    with pytest.raises(ValueError):
        ResultWriter(io.StringIO(), "xml")


def test_output_jsonl_one_event_a_line(bare_event: Event) -> None:
    result = DocumentResult(doc_id="gao-1", events=[bare_event, bare_event])
    text, count = _write([result], "jsonl")
    assert text == BARE_JSON + "\n" + BARE_JSON + "\n"
    assert count == 2


def test_output_jsonl_full_event_round_trips(full_event: Event) -> None:
    text, _ = _write([DocumentResult(doc_id="gao-1", events=[full_event])], "jsonl")
    line = json.loads(text)
    assert Event.model_validate(line) == full_event
    assert line["date"] == {
        "text": "Monday",
        "span": [39, 45],
        "start": "2024-03-11",
        "end": "2024-03-11",
        "precision": "day",
        "inferred": False,
    }
    assert line["quantities"] == [
        {
            "kind": "killed",
            "item": None,
            "count": 3.0,
            "low": None,
            "high": None,
            "approx": False,
            "unit": None,
            "detail": None,
            "text": "3 rioters",
            "span": [19, 28],
        }
    ]


def test_output_json_array(bare_event: Event) -> None:
    results = [
        DocumentResult(doc_id="a", events=[bare_event]),
        DocumentResult(doc_id="b", events=[bare_event]),
    ]
    text, count = _write(results, "json")
    assert text == "[\n" + BARE_JSON + ",\n" + BARE_JSON + "\n]\n"
    assert count == 2
    assert len(json.loads(text)) == 2


def test_output_json_empty_is_an_empty_array() -> None:
    text, count = _write([DocumentResult(doc_id="a")], "json")
    assert (text, count) == ("[]\n", 0)
    assert json.loads(text) == []


def test_output_jsonl_documents_mode(bare_event: Event) -> None:
    flag = Flag(kind="malformed_number", text="3", span=(19, 20), message="check")
    source = Source(name="Reuters", kind="outlet", text="Reuters", span=(62, 69))
    result = DocumentResult(doc_id="gao-1", events=[bare_event], flags=[flag], sources=[source])
    text, count = _write([result, DocumentResult(doc_id="empty")], "jsonl", documents=True)
    lines = text.splitlines()
    assert count == 2
    assert lines[1] == (
        '{"doc_id": "empty", "events": [], "flags": [], "sources": [], "toponyms": []}'
    )
    first = json.loads(lines[0])
    assert list(first) == ["doc_id", "events", "flags", "sources", "toponyms"]
    assert first["events"] == [json.loads(BARE_JSON)]
    assert first["flags"] == [
        {"kind": "malformed_number", "text": "3", "span": [19, 20], "message": "check"}
    ]
    assert first["sources"] == [
        {"name": "Reuters", "kind": "outlet", "text": "Reuters", "span": [62, 69]}
    ]


def test_output_csv_columns() -> None:
    assert CSV_COLUMNS == [
        "id",
        "doc_id",
        "plover_type",
        "plover_mode",
        "acled_event_type",
        "acled_sub_event_type",
        "category",
        "actor1_name",
        "actor1_text",
        "actor1_type",
        "actor1_country",
        "actor2_name",
        "actor2_text",
        "actor2_type",
        "actor2_country",
        "location_name",
        "geonameid",
        "latitude",
        "longitude",
        "country",
        "admin1",
        "geo_precision",
        "location_approximate",
        "date_start",
        "date_end",
        "date_precision",
        "date_inferred",
        "status",
        "modality",
        "attribution_source",
        "attribution_speaker",
        "quantities",
        "trigger",
        "trigger_start",
        "trigger_end",
        "evidence",
        "evidence_start",
        "evidence_end",
        "mentions",
        "historical",
        "aggregate",
        "confidence",
        "extractor_version",
    ]


def test_output_csv_full_row(full_event: Event) -> None:
    text, count = _write([DocumentResult(doc_id="gao-1", events=[full_event])], "csv")
    lines = text.split("\r\n")
    assert count == 1
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert lines[2:] == [""]
    row = next(csv.DictReader(io.StringIO(text)))
    assert row == {
        "id": "a1b2c3d4e5f60718",
        "doc_id": "gao-1",
        "plover_type": "ASSAULT",
        "plover_mode": "firearms",
        "acled_event_type": "Protests",
        "acled_sub_event_type": "Excessive force against protesters",
        "category": "protest",
        "actor1_name": "Military Forces of Mali",
        "actor1_text": "Soldiers",
        "actor1_type": "state_forces",
        "actor1_country": "ML",
        "actor2_name": "Rioters",
        "actor2_text": "rioters",
        "actor2_type": "rioters",
        "actor2_country": "ML",
        "location_name": "Gao",
        "geonameid": "2457163",
        "latitude": "16.27167",
        "longitude": "-0.04472",
        "country": "ML",
        "admin1": "Gao",
        "geo_precision": "1",
        "location_approximate": "False",
        "date_start": "2024-03-11",
        "date_end": "2024-03-11",
        "date_precision": "day",
        "date_inferred": "False",
        "status": "completed",
        "modality": "reported",
        "attribution_source": "Reuters",
        "attribution_speaker": "the mayor",
        "quantities": '[{"kind": "killed", "item": null, "count": 3.0, "low": null, '
        '"high": null, "approx": false, "unit": null, "detail": null, "text": "3 rioters", '
        '"span": [19, 28]}]',
        "trigger": "shot dead",
        "trigger_start": "9",
        "trigger_end": "18",
        "evidence": TEXT,
        "evidence_start": "0",
        "evidence_end": "70",
        "mentions": "1",
        "historical": "False",
        "aggregate": "False",
        "confidence": "0.9",
        "extractor_version": "0.1.0",
    }


def test_output_csv_bare_row_has_empty_cells(bare_event: Event) -> None:
    text, _ = _write([DocumentResult(doc_id="gao-1", events=[bare_event])], "csv")
    assert text.split("\r\n")[1] == (
        "0000000000000001,gao-1,,,,,other,,,,,,,,,,,,,,,,,,,,,,asserted,,,[],shot,9,13,"
        "Soldiers shot,0,13,0,False,False,0.25,0.1.0"
    )


def test_output_csv_documents_mode_writes_every_event(bare_event: Event) -> None:
    result = DocumentResult(doc_id="gao-1", events=[bare_event, bare_event])
    text, _ = _write([result], "csv", documents=True)
    assert len(list(csv.DictReader(io.StringIO(text)))) == 2


def test_output_event_row_keys_are_the_columns(full_event: Event, bare_event: Event) -> None:
    assert list(event_row(full_event)) == CSV_COLUMNS
    assert list(event_row(bare_event)) == CSV_COLUMNS


def test_output_spans_of_the_hand_built_event(full_event: Event) -> None:
    for value in (full_event.actor1, full_event.actor2, full_event.location, full_event.date):
        assert value is not None and value.span is not None
        assert TEXT[value.span[0] : value.span[1]] == value.text
    assert full_event.attribution is not None and full_event.attribution.span == (47, 69)
    assert TEXT[47:69] == "the mayor told Reuters"
