"""Killing an ingest (SIGKILL) mid-way and re-running it gives the database a clean run gives.

This file is also the worker: ``python tests/test_store_crash.py DB`` ingests the generated
corpus with a stub extraction (no spaCy), printing ``committed N`` when N batches are stored.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

DOCUMENTS = 400
BATCH = 20
KILL_AFTER = 6  # batches committed before the kill
_WORDS = [
    "convoy",
    "road",
    "bridge",
    "market",
    "village",
    "checkpoint",
    "river",
    "hospital",
    "school",
    "airport",
    "district",
    "morning",
    "evening",
    "patrol",
    "officials",
    "residents",
    "witnesses",
    "statement",
    "army",
    "police",
    "militia",
    "fighters",
    "civilians",
    "town",
    "border",
    "hills",
    "camp",
    "station",
    "factory",
    "mosque",
    "church",
    "square",
]
_ACTORS = ("Rebels", "Soldiers", "Police", "Militiamen", "Gunmen")
_PLACES = ("Kidal", "Gao", "Mopti", "Timbuktu", "Menaka")
_SENTENCE = re.compile(r"([A-Z]\w+) attacked in (\w+)")


def corpus() -> Iterator[Any]:
    """Deterministic documents; every tenth is a wire copy of an earlier one."""
    from frontwatch.records import Document

    texts: list[str] = []
    for i in range(DOCUMENTS):
        rng = random.Random(i)
        if i % 10 == 9:
            text = texts[i - 3].replace(" ok.", " as reported.")
        else:
            filler = " ".join(rng.choice(_WORDS) for _ in range(40))
            text = (
                f"{rng.choice(_ACTORS)} attacked in {rng.choice(_PLACES)} on day {i}. {filler} ok."
            )
        texts.append(text)
        yield Document(
            id=f"d{i:04d}",
            text=text,
            published=dt.date(2024, 1, 1) + dt.timedelta(days=i % 60),
            outlet=f"outlet{i % 4}",
        )


def stub_pairs(documents: Iterator[Any], delay: float) -> Iterator[Any]:
    from frontwatch.records import Actor, DocumentResult, Event, EventDate, TextSpan

    for document in documents:
        events = [
            Event(
                id=f"{document.id}-e{k}",
                doc_id=document.id,
                category="political_violence",
                actor1=Actor(text=m.group(1), span=m.span(1)),
                date=EventDate(start=document.published, end=document.published),
                modality="asserted",
                trigger=TextSpan(text="attacked", span=m.span(0)),
                evidence=TextSpan(text=m.group(0), span=m.span(0)),
                confidence=0.5,
                extractor_version="0.1.0",
            )
            for k, m in enumerate(_SENTENCE.finditer(document.text))
        ]
        if delay:
            time.sleep(delay)
        yield document, DocumentResult(doc_id=document.id, events=events)


def by_actor(results: Sequence[Any], duplicates: Mapping[str, str] | None) -> list[Any]:
    """A tiny deterministic clusterer: one cluster per first actor."""
    from types import SimpleNamespace

    groups: dict[str, list[Any]] = {}
    for _, result in results:
        for event in result.events:
            groups.setdefault(event.actor1.text, []).append(event)
    out = []
    for name, events in sorted(groups.items()):
        sources = len({(duplicates or {}).get(e.doc_id, e.doc_id) for e in events})
        reports = [SimpleNamespace(doc_id=e.doc_id, event_id=e.id) for e in events]
        out.append(
            SimpleNamespace(
                id=f"c-{name}",
                event=events[0],
                reports=reports,
                sources=sources,
                earliest=min(e.date.start for e in events),
                model_dump_json=lambda name=name, n=sources: f'{{"id": "c-{name}", "n": {n}}}',
            )
        )
    return out


def worker(db: str, delay: float) -> None:
    from frontwatch.store import Store

    def counted() -> Iterator[Any]:
        for i, pair in enumerate(stub_pairs(corpus(), delay)):
            if i and i % BATCH == 0:  # the previous batch is committed before this is pulled
                print(f"committed {i // BATCH}", flush=True)
            yield pair

    with Store.open(db, clusterer=by_actor) as store:
        stats = store.ingest(counted(), batch_size=BATCH)
    print(f"done {stats.new} {stats.duplicates}", flush=True)


def _run(db: Path, *, delay: float = 0.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, __file__, str(db), str(delay)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_store_crash_rerun_equals_clean_run(tmp_path: Path) -> None:
    from frontwatch.store import Store, canonical_dump

    clean_db = tmp_path / "clean.duckdb"
    assert _run(clean_db).stdout.splitlines()[-1] == f"done {DOCUMENTS} {DOCUMENTS // 10}"

    crashed_db = tmp_path / "crashed.duckdb"
    with subprocess.Popen(
        [sys.executable, __file__, str(crashed_db), "0.002"], stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == f"committed {KILL_AFTER}":
                break
        proc.send_signal(signal.SIGKILL)  # in the middle of the next batch
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with Store.open(crashed_db, read_only=True) as partial:
        stored = len(partial.documents())
    assert KILL_AFTER * BATCH <= stored < DOCUMENTS

    rerun = _run(crashed_db)
    assert rerun.stdout.splitlines()[-1].startswith(f"done {DOCUMENTS - stored} ")
    with Store.open(clean_db, read_only=True) as a, Store.open(crashed_db, read_only=True) as b:
        clean, crashed = canonical_dump(a), canonical_dump(b)
        assert len(clean["documents"]) == DOCUMENTS
        assert len(clean["clusters"]) == len(_ACTORS)
        assert len(a.duplicates()) == DOCUMENTS // 10
    assert crashed == clean


if __name__ == "__main__":
    worker(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 0.0)
