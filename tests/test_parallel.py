"""Multi-process and Dask extraction: results equal a single-process run, record for record."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from frontwatch.errors import DocumentError, Errors
from frontwatch.pipeline import Extractor
from frontwatch.pipeline.parallel import (
    _ordered,
    extract_dask,
    extract_parallel,
    read_parquet,
    resolve_workers,
    write_parquet,
)
from frontwatch.records import Document, DocumentResult
from frontwatch.settings import Settings, load_settings

SENTENCES = [
    "Rebels seized the town of Kidal on Tuesday, residents said.",
    "Police fired tear gas at protesters outside parliament on Monday.",
    "The central bank left interest rates unchanged for a third month.",
    "Two soldiers were killed when a roadside bomb hit their convoy near Gao.",
    "The orchestra opened its season with a new symphony by a young composer.",
    "Militants abducted five aid workers on the road to Maiduguri last week.",
    "Heavy rain is expected along the coast until Thursday evening.",
    "Government troops recaptured two villages after days of fighting.",
]


def _documents(n: int) -> list[Document]:
    return [
        Document(
            id=f"d{i:03d}",
            text=f"{SENTENCES[i % len(SENTENCES)]} Report number {i}.",
            published=dt.date(2024, 3, 1 + i % 28),
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="module")
def expected(settings: Settings) -> list[DocumentResult | DocumentError]:
    return list(Extractor(settings).extract_many(_documents(24)))


class _Done:
    def __init__(self, value: list[DocumentResult | DocumentError]) -> None:
        self.value = value

    def result(self) -> list[DocumentResult | DocumentError]:
        return self.value


@pytest.mark.parametrize(("chunk_size", "in_flight"), [(1, 1), (3, 2), (16, 4)])
def test_parallel_ordered_keeps_input_order_and_errors(chunk_size: int, in_flight: int) -> None:
    error = DocumentError(Errors.E004, name="big.txt", size=9, limit=1)
    items: list[Document | DocumentError] = [*_documents(5)]
    items.insert(2, error)
    submitted: list[int] = []

    def submit(docs: list[Document]) -> _Done:
        submitted.append(len(docs))
        return _Done(
            [  # a worker gives E014 for a document that failed in its pipeline
                DocumentResult(doc_id=d.id)
                if d.id != "d003"
                else DocumentError(Errors.E014, doc_id=d.id, name=d.id, detail="ValueError: x")
                for d in docs
            ]
        )

    out = list(_ordered(items, submit, chunk_size=chunk_size, in_flight=in_flight))  # type: ignore[arg-type]
    assert [o.doc_id if isinstance(o, DocumentResult) else o.code for o in out] == [
        "d000",
        "d001",
        "E004",
        "d002",
        "E014",
        "d004",
    ]
    assert max(submitted) <= chunk_size


@pytest.mark.parametrize(("workers", "expected_n"), [(1, 1), (3, 3)])
def test_parallel_resolve_workers(workers: int, expected_n: int) -> None:
    assert resolve_workers(workers) == expected_n


def test_parallel_resolve_workers_zero_is_all_cores() -> None:
    assert resolve_workers(0) >= 1


def test_parallel_two_workers_equal_single_process(
    settings: Settings, expected: list[DocumentResult | DocumentError]
) -> None:
    got = list(extract_parallel(_documents(24), settings, workers=2, chunk_size=4, local_below=8))
    assert got == expected


def test_parallel_small_input_runs_in_process(
    settings: Settings, expected: list[DocumentResult | DocumentError]
) -> None:
    got = list(extract_parallel(_documents(24)[:3], settings, workers=2))
    assert got == expected[:3]


def test_parallel_parquet_round_trip(
    tmp_path: Path, expected: list[DocumentResult | DocumentError]
) -> None:
    docs = _documents(4)
    results = [r for r in expected[:4] if isinstance(r, DocumentResult)]
    write_parquet(tmp_path / "part-000000.parquet", docs, results)
    assert list(read_parquet(tmp_path)) == list(zip(docs, results, strict=True))


def test_parallel_dask_local_cluster_equals_single_process(
    tmp_path: Path, settings: Settings, expected: list[DocumentResult | DocumentError]
) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = list(extract_dask(_documents(24), settings, client, partition_size=4))
        assert got == expected
        out = tmp_path / "parts"
        assert list(extract_dask(_documents(24), settings, client, to_parquet=out)) == []
    stored = list(read_parquet(out))
    assert [d.id for d, _ in stored] == [d.id for d in _documents(24)]
    assert [r for _, r in stored] == expected


# -- the ingest command's engine options ------------------------------------------------------


def _ingest(args: list[str]) -> Any:
    from click.testing import CliRunner

    from frontwatch.cli import store as commands

    return CliRunner().invoke(commands.ingest, [*args, "--no-progress"], obj={})


def _count(db: Path) -> str:
    from click.testing import CliRunner

    from frontwatch.cli import store as commands

    return CliRunner().invoke(commands.query, ["--db", str(db), "--count"], obj={}).output


def test_parallel_ingest_parquet_round_trip_equals_direct(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(
            d.model_dump_json(include={"id", "text", "published"}) + "\n" for d in _documents(6)
        ),
        encoding="utf-8",
    )
    direct = _ingest([str(source), "--db", str(tmp_path / "a.duckdb"), "--workers", "1"])
    assert direct.exit_code == 0, direct.output
    parts = tmp_path / "parts"
    written = _ingest([str(source), "--to-parquet", str(parts), "--workers", "1"])
    assert written.exit_code == 0, written.output
    assert sorted(p.name for p in parts.iterdir()) == ["part-000000.parquet"]
    loaded = _ingest(["--from-parquet", str(parts), "--db", str(tmp_path / "b.duckdb")])
    assert loaded.exit_code == 0, loaded.output
    assert int(_count(tmp_path / "a.duckdb")) > 0
    assert _count(tmp_path / "a.duckdb") == _count(tmp_path / "b.duckdb")
    assert [d.id for d, _ in read_parquet(parts)] == [d.id for d in _documents(6)]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["x.txt", "--engine", "dask"],
        ["x.txt", "--from-parquet", "."],
    ],
)
def test_parallel_ingest_usage_errors(args: list[str]) -> None:
    result = _ingest(args)
    assert result.exit_code == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_parallel_extractor_workers_option(
    settings: Settings, expected: list[DocumentResult | DocumentError], workers: int
) -> None:
    got = list(Extractor(settings).extract_many(_documents(24), workers=workers))
    assert got == expected


# -- workers stop with their parent (real processes) -----------------------------------------

_PARENT = """
import os, sys, time
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from frontwatch.pipeline.parallel import watch_parent

if __name__ == "__main__":
    pool = ProcessPoolExecutor(
        2, mp_context=mp.get_context("spawn"), initializer=watch_parent, initargs=(os.getpid(),)
    )
    futures = [pool.submit(time.sleep, 120) for _ in range(4)]
    while len(pool._processes) < 2:
        time.sleep(0.05)
    print("ready", flush=True)
    time.sleep(120)
"""


def _descendants(pid: int, wanted: int, timeout: float = 120.0) -> list[psutil.Process]:
    """The processes below ``pid`` once there are at least ``wanted`` of them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = psutil.Process(pid).children(recursive=True)
        if len(found) >= wanted:
            return found
        time.sleep(0.1)
    raise AssertionError(f"fewer than {wanted} processes below {pid} after {timeout} s")


def _all_gone(processes: list[psutil.Process], timeout: float = 15.0) -> list[str]:
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    leftovers = [" ".join(p.cmdline()[:4]) for p in alive if p.is_running()]
    for p in alive:
        p.kill()
    return leftovers


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_parallel_workers_stop_with_their_parent(tmp_path: Path, sig: signal.Signals) -> None:
    script = tmp_path / "parent.py"
    script.write_text(_PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert parent.stdout is not None and parent.stdout.readline() == "ready\n"
        below = _descendants(parent.pid, 3)  # two workers and the resource tracker
        parent.send_signal(sig)
        parent.wait(timeout=30)
        assert _all_gone(below) == []
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()  # type: ignore[union-attr]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_parallel_extract_workers_stop_with_the_command(
    tmp_path: Path, sig: signal.Signals
) -> None:
    source = tmp_path / "many.jsonl"
    with source.open("w") as fh:
        for document in _documents(400):
            fh.write(document.model_dump_json() + "\n")
    frontwatch = str(Path(sys.executable).parent / "frontwatch")
    command = [frontwatch, "extract", "--workers", "2", str(source)]
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as err:
        parent = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
    try:
        below = _descendants(parent.pid, 3)
        time.sleep(1.0)  # the workers are starting (loading the pipeline), or working
        parent.send_signal(sig)
        parent.wait(timeout=60)
        assert _all_gone(below) == []
        assert "Traceback" not in errors.read_text()
    finally:
        parent.kill()
        parent.wait()
