"""Faults: SIGKILLed ingest and watch runs, a full disk, two writers on one database.

Every scenario ends by comparing the store with one a clean run wrote (``canonical_dump``).
This file is also the worker of its subprocesses:

* ``python tests/test_faults.py ingest DB DELAY`` ingests the generated corpus of
  tests/test_store_crash.py with a stub extraction (no spaCy);
* ``python tests/test_faults.py watch FEEDS_FILE DB`` runs ``frontwatch watch --once`` with a
  stub extractor against the feeds of a local server.

A feed host that hangs, resets or serves garbage is tested in tests/test_feeds.py
(``test_feeds_good_feeds_reach_the_sink_bad_ones_are_isolated``).
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))

import test_store_crash as crash  # noqa: E402
from frontwatch.store.spool import spool_dir  # noqa: E402

KILLS = 5
FEEDS = 4
ITEMS = 25
SERVER_DELAY = 0.01
WORDS = crash._WORDS


# -- workers ------------------------------------------------------------------------------


def ingest_worker(db: str, delay: float) -> None:
    from frontwatch.store import Store

    def counted() -> Iterator[Any]:
        for i, pair in enumerate(crash.stub_pairs(crash.corpus(), delay)):
            if i and i % crash.BATCH == 0:
                print(f"committed {i // crash.BATCH}", flush=True)
            yield pair

    with Store.open(db, clusterer=crash.by_actor) as store:
        stats = store.ingest(counted(), batch_size=crash.BATCH)
    print(f"done new={stats.new} queued={stats.queued}", flush=True)


class StubExtractor:
    """No NLP: every document gives an empty result."""

    def extract_many(self, items: Iterable[Any]) -> Iterator[Any]:
        from frontwatch.errors import DocumentError
        from frontwatch.records import DocumentResult

        for item in items:
            yield item if isinstance(item, DocumentError) else DocumentResult(doc_id=item.id)


def watch_worker(feeds: str, db: str) -> None:
    from frontwatch.cli import watch as watch_command

    args = [feeds, "--db", db, "--once", "--politeness", "0s", "--timeout", "5s"]
    watch_command.watch.main(args, obj={"extractor": StubExtractor()}, standalone_mode=False)
    print("done", flush=True)


def _worker(*args: str, limit_bytes: int | None = None) -> list[str]:
    command = [sys.executable, str(HERE), *args]
    if limit_bytes is None:
        return command
    return [sys.executable, "-c", _LIMITED.format(limit=limit_bytes), str(HERE), *args]


# the worker under RLIMIT_FSIZE: writes past the limit fail with EFBIG (a full disk)
_LIMITED = (
    "import resource, runpy, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
    "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def _run(*args: str) -> str:
    done = subprocess.run(_worker(*args), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _dump(db: Path) -> dict[str, Any]:
    from frontwatch.store import Store, canonical_dump

    with Store.open(db, read_only=True) as store:
        return dict(canonical_dump(store))


@pytest.fixture(scope="module")
def clean_ingest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    assert _run("ingest", str(db), "0").splitlines()[-1] == f"done new={crash.DOCUMENTS} queued=0"
    return _dump(db)


# -- ingest: killed many times -------------------------------------------------------------


def test_faults_ingest_killed_many_times_equals_clean_run(
    tmp_path: Path, clean_ingest: dict[str, Any]
) -> None:
    rng = random.Random(8)
    db = tmp_path / "killed.duckdb"
    stored = [0]
    for _ in range(KILLS):
        after = rng.randint(1, 5)  # batches committed by this run before the kill
        with subprocess.Popen(
            _worker("ingest", str(db), "0.002"), stdout=subprocess.PIPE, text=True
        ) as proc:
            assert proc.stdout is not None
            committed = 0
            for line in proc.stdout:
                if line.startswith("committed"):
                    committed += 1
                    if committed == after:
                        time.sleep(rng.uniform(0, 0.04))  # somewhere inside the next batch
                        break
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        stored.append(len(_dump(db)["documents"]))
        assert stored[-1] >= stored[-2]  # nothing committed is ever lost
    assert stored[-1] < crash.DOCUMENTS
    last = _run("ingest", str(db), "0").splitlines()[-1]
    assert last == f"done new={crash.DOCUMENTS - stored[-1]} queued=0"
    assert _dump(db) == clean_ingest


# -- a full disk ----------------------------------------------------------------------------


def test_faults_full_disk_clear_error_and_database_opens(
    tmp_path: Path, clean_ingest: dict[str, Any]
) -> None:
    db = tmp_path / "full.duckdb"
    done = subprocess.run(
        _worker("ingest", str(db), "0", limit_bytes=200_000),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("_duckdb.TransactionException: TransactionContext Error: Failed to")
    assert f'Could not write file "{db}.wal": File too large' in last
    partial = _dump(db)  # still opens
    assert 0 < len(partial["documents"]) < crash.DOCUMENTS
    assert len(partial["documents"]) % crash.BATCH == 0  # whole batches only
    _run("ingest", str(db), "0")  # space again: the next run completes the store
    assert _dump(db) == clean_ingest


# -- two writers ------------------------------------------------------------------------------


def test_faults_two_writers_share_the_store(tmp_path: Path, clean_ingest: dict[str, Any]) -> None:
    db = tmp_path / "two.duckdb"
    procs = [
        subprocess.Popen(
            _worker("ingest", str(db), "0.003"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=120)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0]
    lasts = [out.splitlines()[-1] for out in outputs]
    news = [int(last.split()[1].removeprefix("new=")) for last in lasts]
    assert sum(news) == crash.DOCUMENTS  # batch by batch, each document stored once
    assert all(last.endswith(" queued=0") for last in lasts)
    assert not spool_dir(db).exists() or list(spool_dir(db).iterdir()) == []
    assert _dump(db) == clean_ingest


# -- watch: killed many times ------------------------------------------------------------------


def _article(feed: int, item: int) -> str:
    rng = random.Random(feed * 1000 + item)
    filler = " ".join(
        f"The {rng.choice(WORDS)} said that the {rng.choice(WORDS)} was near the "
        f"{rng.choice(WORDS)} of the {rng.choice(WORDS)}."
        for _ in range(8)
    )
    return f"Report {item} of desk {feed}: the patrol met the convoy at the bridge. {filler}"


def _rss(base: str, feed: int) -> bytes:
    items = "".join(
        f"<item><title>Desk {feed} report {i}</title><link>{base}/a/{feed}/{i}</link>"
        f"<guid>urn:faults:{feed}:{i}</guid><pubDate>Fri, 08 Mar 2024 09:00:00 GMT</pubDate>"
        f"<description>{_article(feed, i)}</description></item>"
        for i in range(ITEMS)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk {feed}</title>'
        f"{items}</channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        base = f"http://{self.headers['Host']}"
        parts = self.path.strip("/").split("/")
        time.sleep(SERVER_DELAY)
        if len(parts) == 2 and parts[0] == "feed":
            body, kind = _rss(base, int(parts[1])), "application/rss+xml"
        elif len(parts) == 3 and parts[0] == "a":
            text = _article(int(parts[1]), int(parts[2]))
            body = f"<html><body><article><p>{text}</p></article></body></html>".encode()
            kind = "text/html; charset=utf-8"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def feeds_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    path = tmp_path_factory.mktemp("feeds") / "feeds.txt"
    path.write_text("".join(f"{base}/feed/{n}\n" for n in range(FEEDS)), encoding="utf-8")
    yield path
    server.shutdown()
    server.server_close()


def test_faults_watch_killed_many_times_equals_clean_run(tmp_path: Path, feeds_file: Path) -> None:
    clean = tmp_path / "clean.duckdb"
    assert _run("watch", str(feeds_file), str(clean)).splitlines()[-1] == "done"
    expected = _dump(clean)
    assert len(expected["documents"]) == FEEDS * ITEMS

    rng = random.Random(88)
    db = tmp_path / "killed.duckdb"
    kills = 0
    for _ in range(3):
        with subprocess.Popen(
            _worker("watch", str(feeds_file), str(db)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            assert proc.stderr is not None
            stored = 0
            target = rng.randint(0, FEEDS - 2)
            for line in proc.stderr:  # one summary line a stored feed
                if line.startswith("documents:"):
                    stored += 1
                    if stored > target:
                        break
            time.sleep(rng.uniform(0, 0.3))  # inside the next feed's pages or batch
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            kills += proc.returncode == -signal.SIGKILL
    assert kills >= 1
    assert _run("watch", str(feeds_file), str(db)).splitlines()[-1] == "done"
    assert _dump(db) == expected


if __name__ == "__main__":
    if sys.argv[1] == "ingest":
        ingest_worker(sys.argv[2], float(sys.argv[3]))
    else:
        watch_worker(sys.argv[2], sys.argv[3])
