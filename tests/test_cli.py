"""Tests for the ``frontwatch`` command (frontwatch.cli) and the result writer it uses.

Commands run in-process with click's CliRunner; every Extractor the commands make shares one
pipeline built for the module, so that the tests stay fast. Inputs are the sample articles
(written for the project) and texts written here.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from spacy.language import Language

from frontwatch import pipeline
from frontwatch.cli import cli
from frontwatch.gazetteer.index import Gazetteer
from frontwatch.output import CSV_COLUMNS
from frontwatch.pipeline import local
from frontwatch.pipeline.build import build_nlp
from frontwatch.records import DocumentResult, Event
from frontwatch.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "articles"
SAHEL = SAMPLES / "sahel-attack.txt"
MOSUL = SAMPLES / "mosul-offensive.txt"
GOLD = Path(__file__).resolve().parent / "fixtures" / "events" / "tiny.gold.jsonl"
EVENT_FIELDS = set(Event.model_fields)
MENAKA = "Rebels captured the town of Menaka on Monday.\n"


@pytest.fixture(scope="module", autouse=True)
def _one_pipeline() -> Iterator[None]:
    """Every Extractor a command makes reuses one pipeline (same default settings)."""
    shared = build_nlp(load_settings())

    class SharedExtractor(pipeline.Extractor):
        def __init__(
            self,
            settings: Settings | None = None,
            *,
            nlp: Language | None = None,
            gazetteer: Gazetteer | None = None,
        ) -> None:
            super().__init__(settings, nlp=nlp or shared, gazetteer=gazetteer)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "Extractor", SharedExtractor)
        mp.setattr(local, "LocalExtractor", SharedExtractor)  # extract's one-process path
        yield


def _run(args: list[str], stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, args, input=stdin, obj={}, catch_exceptions=False)


def _lines(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def jsonl_events() -> list[dict[str, Any]]:
    """The events of the two sample texts as JSON Lines (the default format)."""
    result = _run(["extract", str(SAHEL), str(MOSUL), "--published", "2016-11-02"])
    assert result.exit_code == 0, result.stderr
    return _lines(result)


def test_cli_extract_jsonl_lines_are_events(jsonl_events: list[dict[str, Any]]) -> None:
    assert jsonl_events
    for line in jsonl_events:
        assert set(line) == EVENT_FIELDS
        event = Event.model_validate(line)
        assert event.id and event.trigger.text and event.evidence.text
    assert {line["doc_id"] for line in jsonl_events} == {"sahel-attack", "mosul-offensive"}


def test_cli_extract_spans_index_the_input(jsonl_events: list[dict[str, Any]]) -> None:
    texts = {
        "sahel-attack": SAHEL.read_text(encoding="utf-8"),
        "mosul-offensive": MOSUL.read_text(encoding="utf-8"),
    }
    for line in jsonl_events:
        text = texts[line["doc_id"]]
        for part in (line["trigger"], line["evidence"]):
            start, end = part["span"]
            assert text[start:end] == part["text"]


def test_cli_extract_ids_stable_across_runs(jsonl_events: list[dict[str, Any]]) -> None:
    again = _lines(_run(["extract", str(SAHEL), str(MOSUL), "--published", "2016-11-02"]))
    assert [e["id"] for e in again] == [e["id"] for e in jsonl_events]


def test_cli_extract_json_array(jsonl_events: list[dict[str, Any]]) -> None:
    result = _run(
        ["extract", str(SAHEL), str(MOSUL), "--published", "2016-11-02", "--format", "json"]
    )
    assert result.exit_code == 0
    array = json.loads(result.stdout)
    assert isinstance(array, list)
    assert array == jsonl_events


def test_cli_extract_json_array_empty() -> None:
    result = _run(
        ["extract", "-", "--format", "json"], stdin="The weather in the valley was mild all week.\n"
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_cli_extract_csv(jsonl_events: list[dict[str, Any]]) -> None:
    result = _run(
        ["extract", str(SAHEL), str(MOSUL), "--published", "2016-11-02", "--format", "csv"]
    )
    assert result.exit_code == 0
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == CSV_COLUMNS
    rows = list(reader)
    assert [r["id"] for r in rows] == [e["id"] for e in jsonl_events]
    assert [(r["trigger"], int(r["trigger_start"]), int(r["trigger_end"])) for r in rows] == [
        (e["trigger"]["text"], *e["trigger"]["span"]) for e in jsonl_events
    ]
    assert [json.loads(r["quantities"]) for r in rows] == [e["quantities"] for e in jsonl_events]


def test_cli_extract_with_flags_lines_are_documents(jsonl_events: list[dict[str, Any]]) -> None:
    result = _run(["extract", str(SAHEL), str(MOSUL), "--published", "2016-11-02", "--with-flags"])
    assert result.exit_code == 0
    docs = [DocumentResult.model_validate(line) for line in _lines(result)]
    assert sorted(d.doc_id for d in docs) == ["mosul-offensive", "sahel-attack"]
    assert set(_lines(result)[0]) == set(DocumentResult.model_fields)
    events = [e.model_dump(mode="json") for d in docs for e in d.events]
    assert sorted(e["id"] for e in events) == sorted(e["id"] for e in jsonl_events)


def test_cli_extract_output_file(tmp_path: Path, jsonl_events: list[dict[str, Any]]) -> None:
    target = tmp_path / "events.jsonl"
    result = _run(
        ["extract", str(SAHEL), str(MOSUL), "--published", "2016-11-02", "-o", str(target)]
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl"]  # no .part left
    lines = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
    assert lines == jsonl_events


def test_cli_extract_stdin() -> None:
    result = _run(["extract", "-", "--published", "2024-03-14"], stdin=MENAKA)
    assert result.exit_code == 0
    (line,) = _lines(result)
    assert (line["trigger"]["text"], line["trigger"]["span"]) == ("captured", [7, 15])
    assert (line["date"]["start"], line["date"]["end"]) == ("2024-03-11", "2024-03-11")
    assert line["acled"] == {
        "event_type": "Battles",
        "sub_event_type": "Non-state actor overtakes territory",
    }


def test_cli_extract_folder_and_feeds() -> None:
    result = _run(["extract", str(SAMPLES / "wire"), "--with-flags"])
    assert result.exit_code == 0
    doc_ids = [line["doc_id"] for line in _lines(result)]
    assert len(doc_ids) >= 3
    assert len(set(doc_ids)) == len(doc_ids)
    assert "sudan-el-fasher" in doc_ids


def test_cli_extract_batch_with_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    good = tmp_path / "menaka.txt"
    good.write_text(MENAKA, encoding="utf-8")
    result = _run(["extract", str(empty), str(good), "--published", "2024-03-14"])
    assert result.exit_code == 1
    assert [(line["doc_id"], line["trigger"]["text"]) for line in _lines(result)] == [
        ("menaka", "captured")
    ]
    assert "skipped: [E001]" in result.stderr
    assert "empty" in result.stderr


def test_cli_extract_unsupported_input_is_skipped(tmp_path: Path) -> None:
    odd = tmp_path / "table.xlsx"
    odd.write_bytes(b"PK\x03\x04")
    result = _run(["extract", str(odd), "-"], stdin=MENAKA)
    assert result.exit_code == 1
    assert "[E010]" in result.stderr
    assert len(_lines(result)) == 1


@pytest.mark.parametrize("published", ["14/03/2024", "March 14"])
def test_cli_extract_bad_published(published: str) -> None:
    result = _run(["extract", "-", "--published", published], stdin=MENAKA)
    assert result.exit_code == 2
    assert "[E009]" in result.stderr
    assert result.stdout == ""


def test_cli_extract_bad_format() -> None:
    result = _run(["extract", "-", "--format", "xml"], stdin=MENAKA)
    assert result.exit_code == 2
    assert "xml" in result.stderr


def test_cli_schema() -> None:
    result = _run(["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) >= EVENT_FIELDS


def test_cli_eval_table() -> None:
    result = _run(["eval", str(GOLD)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"gold: {GOLD}  documents: 2"
    assert lines[1].split() == ["score", "n", "value"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:] if line.strip()}
    assert rows["detection.true_positives"] == ["3", "3"]
    assert rows["detection.missed"] == ["0", "0"]
    assert rows["field.attribution"] == ["0", "not", "scored"]


def test_cli_eval_json(tmp_path: Path) -> None:
    predictions = tmp_path / "predictions.jsonl"
    result = _run(["eval", str(GOLD), "--json", "--predictions-out", str(predictions)])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert set(report) == {"gold", "documents", "scores", "findings", "case_labels"}
    assert report["documents"] == 2
    scores = {s["name"]: s for s in report["scores"]}
    assert (scores["detection.recall"]["n"], scores["detection.recall"]["value"]) == (3, 1.0)
    lines = predictions.read_text(encoding="utf-8").splitlines()
    assert sorted(DocumentResult.model_validate_json(x).doc_id for x in lines) == [
        "tiny-gao",
        "tiny-menaka",
    ]


def test_cli_eval_bad_gold_is_fatal(tmp_path: Path) -> None:
    gold = tmp_path / "bad.gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "doc_id": "bad",
                "text": "Rebels took the town.",
                "events": [{"evidence": "The army left."}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = _run(["eval", str(gold)])
    assert result.exit_code == 2
    assert "[E202]" in result.stderr


def test_cli_entry_point_subprocess() -> None:
    exe = Path(sys.executable).parent / "frontwatch"
    version = subprocess.run(
        [str(exe), "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert version.stdout.startswith("frontwatch, version ")
    schema = subprocess.run(
        [str(exe), "schema"], capture_output=True, text=True, check=True, timeout=60
    )
    assert "trigger" in json.loads(schema.stdout)["properties"]


def test_cli_bad_settings_file_is_fatal(tmp_path: Path) -> None:
    config = tmp_path / "frontwatch.toml"
    config.write_text('colour = "red"\n', encoding="utf-8")
    result = _run(["--config", str(config), "extract", "-"], stdin=MENAKA)
    assert result.exit_code == 2
    assert f"[E102] Settings file {config} is invalid" in result.stderr
    assert result.stdout == ""


def test_cli_extract_progress_has_a_total_and_a_loading_line() -> None:
    result = _run(["extract", str(SAMPLES / "wire"), "--progress", "-o", "-"])
    assert result.exit_code == 0
    lines = result.stderr.replace("\r", "\n").splitlines()
    assert lines[0] == "loading the language model and the gazetteer..."
    assert any("8/8 [" in line and "<00:00" in line for line in lines), lines


def test_cli_extract_feed_dates_as_written_resolve_weekdays(tmp_path: Path) -> None:
    # publication dates as real feeds write them: read whole, and "on Tuesday" resolves
    lines = [
        {"id": "a", "published": "Wed Nov 23, 2016 | 3:02pm EST", "text": "Rebels attacked "
         "an army post near Kidal on Tuesday, officials said."},
        {"id": "b", "published": "24 November 2016", "text": "Soldiers shelled rebel positions "
         "near Gao on Tuesday, residents said."},
        {"id": "c", "published": "2016 Oct 10", "text": "Police arrested twelve protesters in "
         "Bamako on Sunday."},
    ]  # fmt: skip
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = _run(["extract", str(path), "--no-progress"])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["doc_id"], e["date"]["start"], e["date"]["inferred"]) for e in events] == [
        ("a", "2016-11-22", False),
        ("b", "2016-11-22", False),
        ("c", "2016-10-09", False),
    ]
