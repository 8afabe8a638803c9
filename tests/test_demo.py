"""``make demo``: what it prints from the sample articles, row by row (issue 14).

The demo's own commands run in-process on ``samples/articles`` (``frontwatch ingest``, then
``frontwatch situation``): every table it prints must be non-empty and each row right for its
sample. ``RIGHT`` holds the rows as they should be and are; ``MISSES`` the rows extraction
still gets wrong (written down for the extraction work in samples/articles/README.md): each is
an expected failure that fails the suite once fixed, so that its row moves to ``RIGHT``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from frontwatch.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "articles"

Row = tuple[Any, ...]
IZIUM = (
    "In Izium, Ukrainian soldiers captured 20 Russian tanks and 15 armoured vehicles left behind "
    "by the retreating units."
)

RIGHT: dict[str, list[Row]] = {
    # place, country, controller, status, since, inferred
    "control": [
        ("Avdiyivka", "UA", "Military Forces of Ukraine", "lost", "2024-02-17", False),
        ("Bakhmut", "UA", "Military Forces of Ukraine", "contested", "2022-12-12", False),
        ("Izyum", "UA", "Military Forces of Ukraine", "held", "2022-09-10", False),
        ("Kherson", "UA", "Military Forces of Ukraine", "held", "2022-11-11", False),
    ],
    # place, date, controller, status, by
    "control over time": [
        (
            "Avdiyivka",
            "2024-02-17",
            "Military Forces of Ukraine",
            "lost",
            "Military Forces of Ukraine",
        ),
        (
            "Bakhmut",
            "2022-12-12",
            "Military Forces of Ukraine",
            "contested",
            "Military Forces of Russia",
        ),
        ("Izyum", "2022-04-01", "Military Forces of Russia", "held", "Military Forces of Russia"),
        ("Izyum", "2022-09-10", "Military Forces of Russia", "lost", "Military Forces of Russia"),
        ("Izyum", "2022-09-10", "Military Forces of Ukraine", "held", "Military Forces of Ukraine"),
        ("Kherson", "2022-03-02", "Military Forces of Russia", "held", "Military Forces of Russia"),
        ("Kherson", "2022-11-09", "Military Forces of Russia", "lost", "Military Forces of Russia"),
        (
            "Kherson",
            "2022-11-11",
            "Military Forces of Ukraine",
            "held",
            "Military Forces of Ukraine",
        ),
    ],
    # actor, item, count, direction, to, the sentences that state the count
    "materiel": [
        (
            "Military Forces of Ukraine",
            "armoured vehicle",
            15.0,
            "gained",
            None,
            (IZIUM,),
        ),
        (
            "Military Forces of Ukraine",
            "tank",
            20.0,
            "gained",
            None,
            (IZIUM,),
        ),
    ],
    # who, from, country, by, count, at least, start, end, inferred
    "displacement": [
        ("Civilians", "Al-Junaynah", "SD", "RSF", 12000.0, True, "2023-06-12", "2023-06-18", False),
        ("people", "El Fasher", "SD", None, 40000.0, True, "2024-05-13", "2024-05-13", True),
        ("people", "Mosul", "IQ", None, 3000.0, False, None, None, False),
    ],
    # place, country, perpetrator, victims, killed, injured
    "casualties": [
        ("El Fasher", "SD", "RSF", "people", 27.0, 0.0),
        ("Kherson", "UA", "Military Forces of Russia", "Civilians", 10.0, 54.0),
        # Ogossagou is not in the bundled gazetteer: the place is the country (precision 3)
        ("Mali", "ML", "Unidentified Armed Group", "Civilians", 30.0, 0.0),
        ("Mosul", "IQ", "Islamic State", "Military Forces of Iraq", 0.0, 12.0),
        ("Nairobi", "KE", "Police Forces of Kenya", "people", 5.0, 0.0),
    ],
    # name, kind, documents
    "sources": [
        ("Frontwatch Sample Feed", "outlet", 3),
        ("Frontwatch Samples", "outlet", 2),
        ("Frontwatch Wire", "outlet", 9),
        ("Kharkiv Daily", "outlet", 3),
        ("Agence France-Presse", "cited", 1),
        ("defence ministry", "cited", 1),
        ("Russia's defence ministry", "cited", 1),
        ("Ukraine", "cited", 1),
        ("Ukraine's defence ministry", "cited", 1),
        ("UNHCR", "cited", 1),
        ("United Nations", "cited", 1),
    ],
}


@dataclass(frozen=True)
class Miss:
    """A row extraction gets wrong today: the right row (None: there should be none) and the
    row it gives instead (None: it gives none)."""

    table: str
    right: Row | None
    given: Row | None
    why: str


MISSES = [
    Miss(
        "control over time",
        (
            "Avdiyivka",
            "2024-02-17",
            "Military Forces of Russia",
            "held",
            "Military Forces of Russia",
        ),
        None,
        "'Russian forces took control of the town' (Avdiivka) is not placed at the town",
    ),
    Miss(
        "materiel",
        (
            "Military Forces of Russia",
            "tank",
            20.0,
            "lost",
            None,
            (IZIUM,),
        ),
        None,
        "'left behind by the retreating units' does not give the capture an actor2",
    ),
    Miss(
        "materiel",
        (
            "Government of Kenya",
            "troops",
            400.0,
            "deployed",
            "Port-au-Prince",
            (
                "Kenya deployed 400 police officers to Port-au-Prince on Tuesday to lead a "
                "multinational mission against the armed gangs that control much of the Haitian "
                "capital, the Kenyan government said.",
            ),
        ),
        None,
        "'400 police officers' deployed is a quantity of kind other, not troops",
    ),
    Miss(
        "sources",
        None,
        ("Reporters Without Borders", "cited", 1),
        "'RSF positions' (Rapid Support Forces) is read as the source Reporters Without Borders",
    ),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the demo's commands print: the situation as JSON and as a table."""
    db = str(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    runner = CliRunner()
    ingest = runner.invoke(cli, ["ingest", str(SAMPLES), "--db", db, "--no-progress"], obj={})
    assert ingest.exit_code == 0, ingest.output
    table = runner.invoke(cli, ["situation", "--db", db], obj={})
    assert table.exit_code == 0, table.output
    report = runner.invoke(cli, ["situation", "--db", db, "--format", "json"], obj={})
    assert report.exit_code == 0, report.output
    data: dict[str, Any] = json.loads(report.stdout)
    data["table"] = table.stdout
    return data


def rows(demo: dict[str, Any], table: str) -> list[Row]:
    if table == "control":
        return [
            (c["place"], c["country"], c["controller"], c["status"], c["since"],
             c["since_inferred"])
            for c in demo["control"]
        ]  # fmt: skip
    if table == "control over time":
        return [
            (c["place"], step["date"], step["controller"], step["status"], step["by"])
            for c in demo["control"]
            for step in c["timeline"]
        ]
    if table == "materiel":
        return [
            (m["actor"], m["item"], m["count"], m["direction"], m["place"],
             tuple(q["text"] for q in m["quotes"]))
            for m in demo["materiel"]
        ]  # fmt: skip
    if table == "displacement":
        return [
            (d["who"], d["place"], d["country"], d["by"], d["count"], d["at_least"], d["start"],
             d["end"], d["inferred"])
            for d in demo["displacement"]
        ]  # fmt: skip
    if table == "casualties":
        return [
            (c["place"], c["country"], c["perpetrator"], c["victims"], c["killed"], c["injured"])
            for c in demo["casualties"]
        ]
    return [(s["name"], s["kind"], len(s["documents"])) for s in demo["sources"]]


@pytest.mark.parametrize("table", list(RIGHT))
def test_demo_rows_are_right(demo: dict[str, Any], table: str) -> None:
    """Every row of every table: the right rows, plus the known misses' wrong rows."""
    given = [m.given for m in MISSES if m.table == table and m.given is not None]
    assert sorted(rows(demo, table), key=repr) == sorted(RIGHT[table] + given, key=repr)


@pytest.mark.parametrize(
    "miss",
    [pytest.param(m, marks=pytest.mark.xfail(strict=True, reason=m.why)) for m in MISSES],
    ids=[re.sub(r"\W+", "-", m.why)[:60] for m in MISSES],
)
def test_demo_known_extraction_misses(demo: dict[str, Any], miss: Miss) -> None:
    got = rows(demo, miss.table)
    assert miss.given is None or miss.given not in got
    assert miss.right is None or miss.right in got


def test_demo_tables_are_not_empty(demo: dict[str, Any]) -> None:
    table = demo["table"]
    for title in ("control", "control over time", "materiel", "displacement", "casualties"):
        assert re.search(rf"^{title} \([1-9]\d*\)$", table, re.MULTILINE), title
    assert table.splitlines()[0] == "situation as of 2024-06-25 (the latest event)"


def test_demo_materiel_points_at_the_event_of_its_count(demo: dict[str, Any]) -> None:
    (event,) = {e for m in demo["materiel"] for e in m["evidence"]}
    assert {q["event_id"] for m in demo["materiel"] for q in m["quotes"]} == {event}


def test_demo_says_where_to_look() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = makefile[makefile.index("\ndemo:") : makefile.index("\nlint:")]
    for needle in (
        "where to look",
        "$(OUT)/situation.txt",
        "$(OUT)/situation.json",
        "$(OUT)/events.jsonl",
        "$(OUT)/events.csv",
        "frontwatch query --db $(OUT)/demo.duckdb",
        "frontwatch serve --db $(OUT)/demo.duckdb",
        "http://127.0.0.1:8000",
    ):
        assert needle in demo, needle
