"""Issue 14's acceptance on the seed article with the samples, through the commands a user runs.

``frontwatch ingest /work/shared/seed --published 2014-07-22`` and ``frontwatch ingest
samples/articles`` into one store; then ``frontwatch export --format acled-csv`` holds none of
the gold negatives, no toll of 100,000 or more and no empty ``event_date``, and ``frontwatch
situation`` gives the seed's control, materiel (each item with its own sentence) and
displacement (Christians from Mosul, by Islamic State, at least 1,000) right. What the
extraction half of issue 14 still has to do is left out and said so.

The seed lives beside the project (``../shared``), never inside it, like the gold sets of the
accuracy gate.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from frontwatch.cli import cli
from frontwatch.eval.gold import read_gold
from frontwatch.records import MAX_EVENT_TOLL

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FRONTWATCH_GOLD_DIR") or ROOT.parent / "shared" / "gold").parent
SEED_DIR = SHARED / "seed"
SEED_GOLD = SHARED / "gold" / "seed.gold.jsonl"
SAMPLES = ROOT / "samples" / "articles"
ISLAMIC_STATE = "Islamic State"
HUMVEES = (
    "They have captured 1,500 Humvees, 4,000 PKC machine guns, and 52 M198 155-millimeter "
    "howitzers."
)

pytestmark = pytest.mark.skipif(
    not SEED_GOLD.is_file() and not os.environ.get("CI"),
    reason=f"the seed is not at {SEED_DIR}",
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("seed") / "seed.duckdb")
    runner = CliRunner()
    for args in (
        ["ingest", str(SEED_DIR), "--published", "2014-07-22"],
        ["ingest", str(SAMPLES)],
    ):
        result = runner.invoke(cli, [*args, "--db", db, "--no-progress"], obj={})
        assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def acled_rows(store: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(cli, ["export", "--format", "acled-csv", "--db", store], obj={})
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.fixture(scope="module")
def situation(store: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["situation", "--db", store, "--format", "json"], obj={})
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _negatives() -> list[str]:
    (seed,) = [g for g in read_gold(SEED_GOLD) if g.negatives]
    return [n.evidence for n in seed.negatives or []]


def test_seed_export_rows_all_dated_no_huge_toll(acled_rows: list[dict[str, str]]) -> None:
    assert acled_rows
    assert [r["event_id_cnty"] for r in acled_rows if not r["event_date"]] == []
    assert all(int(r["fatalities"]) < MAX_EVENT_TOLL for r in acled_rows)
    assert all(r["fatalities"].isdigit() for r in acled_rows)  # never 1e+06
    assert all(r["tags"].startswith(("modality=asserted", "modality=reported")) for r in acled_rows)


@pytest.mark.parametrize("negative", _negatives() if SEED_GOLD.is_file() else [])
def test_seed_export_holds_no_gold_negative(
    acled_rows: list[dict[str, str]], negative: str
) -> None:
    assert [r["notes"] for r in acled_rows if negative in r["notes"]] == []


def test_seed_situation_control(situation: dict[str, Any]) -> None:
    held = {
        (c["place"], c["controller"], c["status"])
        for c in situation["control"]
        if c["country"] in ("IQ", "SY")
    }
    assert held == {
        ("Mosul", ISLAMIC_STATE, "held"),
        ("Tikrīt", ISLAMIC_STATE, "held"),
        ("Trebil border crossing", ISLAMIC_STATE, "held"),
        ("Shaar gas field", ISLAMIC_STATE, "held"),
    }  # Deir ez-Zor airport (contested) needs an event extraction does not give yet


def test_seed_situation_materiel_with_their_own_evidence(situation: dict[str, Any]) -> None:
    gained = [
        (m["actor"], m["item"], m["count"], [q["text"] for q in m["quotes"]])
        for m in situation["materiel"]
        if m["direction"] == "gained" and m["actor"] == ISLAMIC_STATE
    ]
    assert gained == [
        (ISLAMIC_STATE, "Humvee", 1500.0, [HUMVEES]),
        (ISLAMIC_STATE, "M198 howitzer", 52.0, [HUMVEES]),
        (ISLAMIC_STATE, "PKC machine gun", 4000.0, [HUMVEES]),
    ]


def test_seed_situation_deployments_in_the_ledger(situation: dict[str, Any]) -> None:
    deployed = [
        (m["item"], m["count"], m["place"])
        for m in situation["materiel"]
        if m["direction"] == "deployed" and m["place"] == "Baghdad International Airport"
    ]
    assert deployed == [("Apache helicopter", 6.0, "Baghdad International Airport"),
                        ("troops", 200.0, "Baghdad International Airport")]  # fmt: skip


def test_seed_situation_displacement(situation: dict[str, Any]) -> None:
    christians = [
        (d["who"], d["place"], d["by"], d["count"], d["at_least"])
        for d in situation["displacement"]
        if d["who"] == "Christians"
    ]
    assert christians == [("Christians", "Mosul", ISLAMIC_STATE, 1000.0, True)]
