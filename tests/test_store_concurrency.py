"""One store, many users: the commands on one store at the same time, in pairs and all at once,
and each of them killed with SIGKILL in the middle (docs/store.md, "Many processes, one file").

Every command runs in a process of its own (``multiprocessing`` with a fork server that has
frontwatch loaded, so a process starts in milliseconds instead of seconds), through the real
command line (``frontwatch.cli``) with a stub extractor that takes a little time per document.
After each scenario: every command exited 0, the server answered throughout and showed every
event within seconds, the store equals the one the same commands give one after the other
(documents in another ingest order only), and the spool is empty. With all commands at once,
each is also killed with SIGKILL halfway through its work and run again after the others.
``pytest -s`` prints one line a scenario: each command's seconds, the server's answers, what
the store held after the kill and at the end.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing as mp
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from frontwatch.about import EXTRACTOR_VERSION
from frontwatch.records import Actor, Document, DocumentResult, Event, EventDate, TextSpan

WRITERS = ("ingest", "watch", "reprocess", "review")
READERS = ("query", "situation", "export")
COMMANDS = (*WRITERS, *READERS, "serve")
BASE_DOCS = 16
NEW_DOCS = 16
FEED_ITEMS = 5
DELAY = 0.02  # seconds of "extraction" a document
TOKEN = "concurrency-review-token"
_ACTORS = ("Rebels", "Soldiers", "Police", "Militiamen", "Gunmen")
_SENTENCE = re.compile(r"([A-Z]\w+) attacked in (\w+)")
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
]


# -- the stub extraction, the documents ------------------------------------------------------


def text_of(i: int) -> str:
    words = [_WORDS[(i * 7 + k * 3) % len(_WORDS)] for k in range(8)]
    filler = " ".join(
        f"The {a} was near the {b} of the town and it was there that the people of {i} met."
        for a, b in zip(words[::2], words[1::2], strict=True)
    )
    return f"{_ACTORS[i % len(_ACTORS)]} attacked in Town{i % 6} on day {i}. {filler}"


def result_of(document: Document) -> DocumentResult:
    events = [
        Event(
            id=f"{document.id}-e{k}",
            doc_id=document.id,
            category="political_violence",
            actor1=Actor(text=m.group(1), span=m.span(1)),
            date=EventDate(start=document.published, end=document.published, precision="day")
            if document.published
            else None,
            modality="asserted",
            trigger=TextSpan(text="attacked", span=m.span(0)),
            evidence=TextSpan(text=m.group(0), span=m.span(0)),
            confidence=0.3 + 0.01 * k,
            extractor_version=EXTRACTOR_VERSION,  # as reprocess records: the same either way
        )
        for k, m in enumerate(_SENTENCE.finditer(document.text))
    ]
    return DocumentResult(doc_id=document.id, events=events)


class SlowStub:
    """Extraction without NLP that takes ``DELAY`` seconds a document."""

    def extract_many(self, items: Iterable[Any]) -> Iterator[Any]:
        from frontwatch.errors import DocumentError

        for item in items:
            time.sleep(DELAY)
            yield item if isinstance(item, DocumentError) else result_of(item)


def base_documents() -> list[Document]:
    import datetime as dt

    return [
        Document(
            id=f"base{i:02d}",
            text=text_of(i),
            published=dt.date(2024, 1, 1) + dt.timedelta(days=i % 9),
            outlet=f"outlet{i % 3}",
        )
        for i in range(BASE_DOCS)
    ]


# -- the processes --------------------------------------------------------------------------


def command_process(runs: Sequence[Sequence[str]], log: str, wait: float = 30.0) -> None:
    """A child process: run ``frontwatch ARGS`` for each of ``runs``, output to ``log``; exit
    with the first non-zero code, 99 on an uncaught exception."""
    import click

    from frontwatch.cli import cli
    from frontwatch.settings import load_settings

    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    code = 0
    for args in runs:
        try:
            obj = {"extractor": SlowStub(), "settings": load_settings(store_wait=wait)}
            returned = cli.main(list(args), obj=obj, standalone_mode=False)
            code = returned if isinstance(returned, int) else 0
        except click.exceptions.Exit as err:
            code = err.exit_code
        except click.ClickException as err:
            err.show()
            code = err.exit_code
        except SystemExit as err:
            code = int(err.code or 0)
        except BaseException:
            traceback.print_exc()
            code = 99
        print(f"exit {code}", flush=True)
        if code:
            break
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


_CONTEXT: Any = None


def context() -> Any:
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = mp.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(
            [
                "frontwatch.cli",
                "frontwatch.store",
                "frontwatch.situation",
                "frontwatch.api.app",
                __name__,  # the targets of the processes live here
            ]
        )
    return _CONTEXT


class Run:
    """One command in its process."""

    def __init__(self, name: str, runs: Sequence[Sequence[str]], log: Path) -> None:
        self.name = name
        self.log = log
        self.process = context().Process(
            target=command_process, args=(runs, str(log)), name=f"fw-{name}", daemon=False
        )

    def start(self) -> Run:
        self.process.start()
        return self

    def wait(self, timeout: float = 120.0) -> int:
        self.process.join(timeout)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join(10)
            raise AssertionError(f"{self.name} did not finish: {self.output()[-2000:]}")
        return int(self.process.exitcode)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8") if self.log.exists() else ""

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
            self.process.join(10)


# -- the scenario's world: a store, an input file, a feed, a server port --------------------


class FeedHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        base = f"http://{self.headers['Host']}"
        if self.path == "/feed":
            items = "".join(
                f"<item><title>Item {i}</title><link>{base}/a/{i}</link><guid>urn:c:{i}</guid>"
                f"<pubDate>Fri, 08 Mar 2024 09:00:00 GMT</pubDate></item>"
                for i in range(FEED_ITEMS)
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
            kind = "application/rss+xml"
        elif self.path.startswith("/a/"):
            i = int(self.path.rsplit("/", 1)[1])
            text = f"Desk report {i}: the patrol met the convoy near the bridge. " + text_of(i + 50)
            body = f"<html><body><article><p>{text}</p></article></body></html>"
            kind = "text/html; charset=utf-8"
        else:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from frontwatch.situation import cluster_events
    from frontwatch.store import Store

    folder = tmp_path_factory.mktemp("concurrency")
    template = folder / "template.duckdb"
    with Store.open(template, clusterer=cluster_events) as store:
        store.ingest([(d, result_of(d)) for d in base_documents()], batch_size=8)
        events = [e.id for e in store.events()]
    new = folder / "new.jsonl"
    new.write_text(
        "".join(
            json.dumps({"id": f"new{i:02d}", "text": text_of(i + 100), "published": "2024-02-01"})
            + "\n"
            for i in range(NEW_DOCS)
        ),
        encoding="utf-8",
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    feeds = folder / "feeds.txt"
    feeds.write_text(f"http://127.0.0.1:{server.server_address[1]}/feed\n", encoding="utf-8")
    try:
        yield {
            "folder": folder,
            "template": template,
            "new": new,
            "feeds": feeds,
            "accept": events[0],
            "reject": events[1],
            "expected": {},
        }
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def runs_of(name: str, db: Path, world: dict[str, Any], port: int = 0) -> list[list[str]]:
    d = ["--db", str(db)]
    if name == "ingest":
        return [["ingest", str(world["new"]), *d, "--batch-size", "4", "--no-progress"]]
    if name == "watch":
        return [["watch", str(world["feeds"]), *d, "--once", "--politeness", "0s"]]
    if name == "reprocess":
        return [["reprocess", *d, "--all", "--no-progress"]]
    if name == "review":
        return [
            ["review", "accept", world["accept"], *d, "--by", "ana"],
            ["review", "reject", world["reject"], *d, "--by", "ana", "--note", "no"],
        ]
    if name == "query":
        return [["query", *d, "--format", "json"]] * 3
    if name == "situation":
        return [["situation", *d, "--format", "json"]] * 2
    if name == "export":
        out = str(db.with_suffix(".geojson"))
        return [["export", "--format", "geojson", *d, "-o", out]] * 2
    if name == "serve":
        return [["serve", *d, "--port", str(port), "--review", "--review-token", TOKEN]]
    raise ValueError(name)


def normalized(db: Path) -> dict[str, Any]:
    """The canonical dump without ``documents.seq``: concurrent writers interleave their
    documents, so the ingest order (and only it) may differ from a run one after the other."""
    from frontwatch.store import Store, canonical_dump

    with Store.open(db, read_only=True) as store:
        dump = canonical_dump(store)
    dump["documents"] = sorted(row[:1] + row[2:] for row in dump["documents"])
    return dump


def spool_left(db: Path) -> list[str]:
    folder = db.with_name(db.name + ".spool")
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def expected(world: dict[str, Any], writers: Iterable[str]) -> dict[str, Any]:
    """The store after the writers, one after the other (cached)."""
    key = tuple(sorted(set(writers)))
    cache: dict[tuple[str, ...], dict[str, Any]] = world["expected"]
    if key not in cache:
        db = world["folder"] / f"expected-{'-'.join(key) or 'none'}.duckdb"
        db.write_bytes(world["template"].read_bytes())
        for name in WRITERS:  # in a fixed order
            if name in key:
                run = Run(name, runs_of(name, db, world), db.with_suffix(f".{name}.log"))
                assert run.start().wait() == 0, run.output()
        cache[key] = normalized(db)
    return cache[key]


def api(port: int, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return json.loads(response.read())


def wait_for_server(port: int, run: Run, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not run.process.is_alive():
            raise AssertionError(f"serve stopped: {run.output()[-2000:]}")
        try:
            api(port, "/api/health")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise AssertionError("serve did not answer")


#: What a writer has done, read from the store, and when it is done: it is killed between.
PROGRESS = {
    "ingest": ("SELECT count(*) FROM documents WHERE id LIKE 'new%'", NEW_DOCS),
    "review": ("SELECT count(*) FROM reviews", 2),
}


def count(db: Path, sql: str) -> int:
    from frontwatch.store import Store

    with Store.open(db, read_only=True) as store, store.read() as con:
        return int(con.execute(sql).fetchone()[0])


class VictimDone(Exception):
    """The command to kill ended before its time to be killed came."""


def stored(db: Path) -> dict[str, int]:
    """Documents, events and review entries in the store (read while others may write)."""
    from frontwatch.store import Store

    with Store.open(db, read_only=True) as store, store.read() as con:
        return {
            table: int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("documents", "events", "reviews")
        }


def kill_midway(
    world: dict[str, Any], db: Path, run: Run, began: float, kill_at: float
) -> dict[str, Any]:
    """Kill ``run`` with SIGKILL in the middle of its work (see :func:`scenario`)."""
    facts: dict[str, Any] = {}
    seconds = world["seconds"]
    when = began + kill_at * seconds.get(run.name, max(seconds.values()))
    sql, total = PROGRESS.get(run.name, ("", 0)) if kill_at == 0 else ("", 0)
    while run.process.is_alive():
        if sql and 0 < count(db, sql) < total:
            facts["done_at_kill"] = f"{count(db, sql)} of {total}"
            break
        if not sql and time.monotonic() >= when:
            break
        time.sleep(0.01)
    if not run.process.is_alive():
        raise VictimDone(run.name)
    run.process.kill()
    run.process.join(10)
    assert run.process.exitcode == -signal.SIGKILL
    facts["killed_after"] = round(time.monotonic() - began, 2)
    return facts


def wait_all(
    runs: dict[str, Run],
    waiting: set[str],
    server: Run | None,
    port: int,
    began: float,
    ready: bool,
) -> dict[str, Any]:
    """Wait for the ``waiting`` runs, asking the server (if it runs) for events meanwhile;
    each must exit 0 without a traceback (``ready``: the server answered already). Returns
    their seconds and the server's answers."""
    seconds: dict[str, float] = {}
    answers = 0
    while waiting:
        for name in sorted(waiting):
            if not runs[name].process.is_alive():
                seconds[name] = round(time.monotonic() - began, 2)
                waiting.discard(name)
        if server is not None and server.process.is_alive():
            try:
                api(port, "/api/events?limit=5")  # the server keeps answering meanwhile
                answers += 1
                ready = True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert not ready, "the server stopped answering"
        time.sleep(0.05)
        assert time.monotonic() - began < 180, f"still running: {waiting}"
    for name in seconds:
        code = runs[name].wait()
        out = runs[name].output()
        assert code == 0, f"{name} exited {code}: {out[-3000:]}"
        assert "Traceback" not in out, out[-3000:]
    return {"seconds": seconds, "answers": answers}


def check_server(server: Run, port: int, want: dict[str, Any], rejected: int) -> None:
    """The server lists every event within 20 s (rejected ones left out), then stops cleanly."""
    events = len(want["events"])
    deadline = time.monotonic() + 20

    def shown() -> tuple[int, int]:  # events indexed; events listed (not rejected)
        return api(port, "/api/health")["events"], api(port, "/api/events")["total"]

    while shown() != (events, events - rejected) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert shown() == (events, events - rejected)
    server.process.terminate()
    assert server.wait(30) in (0, -signal.SIGTERM), server.output()[-3000:]
    assert "Traceback" not in server.output()


def scenario(
    world: dict[str, Any],
    names: Sequence[str],
    tag: str,
    victim: str | None = None,
    kill_at: float = 0.5,
    server_first: bool = False,
) -> dict[str, Any]:
    """Run ``names`` at once on a copy of the template and check the outcome. With
    ``server_first`` the server starts first and the others once it answers. ``victim`` is
    killed with SIGKILL ``kill_at`` of the way through its work (by the time it took when all
    the commands ran without a kill; the server: by the slowest other command; 0: when
    :data:`PROGRESS` shows part of its writes stored), then run again alone once the others
    are done. Returns what happened: each command's seconds, the server's answers meanwhile,
    what the store held after the kill and at the end."""
    db = world["folder"] / f"{tag}.duckdb"
    db.write_bytes(world["template"].read_bytes())
    port = free_port()
    runs = {
        name: Run(name, runs_of(name, db, world, port), db.with_suffix(f".{name}.log"))
        for name in names
    }
    facts: dict[str, Any] = {"commands": list(names)}
    server = runs.get("serve")
    try:
        if server is not None and server_first:
            wait_for_server(port, server.start())
        began = time.monotonic()
        for run in runs.values():
            if not run.process.is_alive() and run.process.exitcode is None:
                run.start()
        if victim is not None:
            facts |= kill_midway(world, db, runs[victim], began, kill_at)
        waiting = {n for n in runs if n not in ("serve", victim)}
        watched = server if victim != "serve" else None
        facts |= wait_all(runs, waiting, watched, port, began, ready=server_first)
        if server is not None and victim != "serve":
            wait_for_server(port, server)
        if victim is not None:
            facts["after_kill"] = stored(db)
            again = Run(victim, runs_of(victim, db, world, port), db.with_suffix(".again.log"))
            runs[victim] = again.start()
            if victim == "serve":
                server = again
                wait_for_server(port, server)
            else:
                assert again.wait() == 0, again.output()[-3000:]
        writers = [n for n in names if n in WRITERS]
        want = expected(world, writers)
        if server is not None:
            check_server(server, port, want, 1 if "review" in writers else 0)
        assert spool_left(db) == []
        assert normalized(db) == want
        facts["final"] = stored(db)
        return facts
    finally:
        for run in runs.values():
            run.stop()


PAIRS = [*itertools.combinations(COMMANDS, 2), ("ingest", "ingest")]


@pytest.mark.parametrize("pair", PAIRS, ids=["+".join(p) for p in PAIRS])
def test_store_concurrency_pairs(world: dict[str, Any], pair: tuple[str, str]) -> None:
    if pair == ("ingest", "ingest"):
        db = world["folder"] / "ingest-twice.duckdb"
        db.write_bytes(world["template"].read_bytes())
        runs = [
            Run("ingest", runs_of("ingest", db, world), db.with_suffix(f".{i}.log")).start()
            for i in range(2)
        ]
        assert [r.wait() for r in runs] == [0, 0], [r.output()[-2000:] for r in runs]
        assert spool_left(db) == []
        assert normalized(db) == expected(world, ["ingest"])
        return
    scenario(world, pair, "+".join(pair))


def report(facts: dict[str, Any]) -> None:
    """One line of what a scenario did, for ``pytest -s`` (docs/reliability.md quotes them)."""
    print(f"\n{json.dumps(facts, sort_keys=True)}")


def all_at_once(world: dict[str, Any]) -> dict[str, Any]:
    if "seconds" not in world:
        facts = scenario(world, COMMANDS, "all", server_first=True)
        world["seconds"] = facts["seconds"]
        report(facts)
    return dict(world["seconds"])


def test_store_concurrency_all_at_once(world: dict[str, Any]) -> None:
    assert sorted(all_at_once(world)) == sorted(n for n in COMMANDS if n != "serve")


@pytest.mark.parametrize("name", COMMANDS)
def test_store_concurrency_all_at_once_sigkill_each(world: dict[str, Any], name: str) -> None:
    """Every command at once, ``name`` killed with SIGKILL in the middle of its work: ingest
    with part of its documents stored, review between its two reviews, the others halfway
    through the time they took without a kill (a quarter, an eighth if they ended sooner: the
    machine's load varies). The others finish; ``name`` run again alone ends with the store of
    a clean run, the spool empty, and the server (restarted, if it was the one killed)
    listing every event."""
    all_at_once(world)
    tries = (0.0, 0.0, 0.0) if name in PROGRESS else (0.5, 0.25, 0.125)
    for attempt, kill_at in enumerate(tries):
        try:
            tag = f"all-kill-{name}-{attempt}"
            facts = scenario(world, COMMANDS, tag, name, kill_at, server_first=True)
        except VictimDone:
            continue
        report({"killed": name, "kill_at": kill_at, "attempt": attempt, **facts})
        return
    pytest.fail(f"{name} always ended before it could be killed")


def hold(db: str, seconds: float) -> None:
    """A child that holds the database for writing (a long transaction), then exits."""
    from frontwatch.store import Store

    with Store.open(db) as store:
        assert store.connection is not None
        time.sleep(seconds)
    os._exit(0)


def spool_slowly(db: str) -> None:
    """A child that writes a spool file slowly (it is killed in the middle)."""
    from frontwatch.store.spool import write_spool

    def items() -> Iterator[tuple[Document, DocumentResult]]:
        for document in base_documents():
            yield document, result_of(document)
            time.sleep(0.2)

    write_spool(Path(db), items())
    os._exit(0)


def test_store_concurrency_busy_store_spools_and_is_drained(world: dict[str, Any]) -> None:
    """A store held longer than the wait: ingest queues its batches (W003), exits 0; a writer
    killed while writing a spool file leaves a .tmp that the next writer removes (W005)."""
    db = world["folder"] / "busy.duckdb"
    db.write_bytes(world["template"].read_bytes())
    holder = context().Process(target=hold, args=(str(db), 4.0))
    holder.start()
    time.sleep(1.0)
    log = db.with_suffix(".ingest.log")
    ingest = context().Process(
        target=command_process, args=(runs_of("ingest", db, world), str(log), 0.2)
    )
    ingest.start()
    ingest.join(60)
    assert ingest.exitcode == 0, log.read_text()
    assert f"warning: [W003] Database {db} stayed busy for 0.2 s: {NEW_DOCS} documents" in (
        log.read_text()
    )
    assert len([p for p in spool_left(db) if p.endswith(".jsonl")]) == NEW_DOCS // 4
    killed = context().Process(target=spool_slowly, args=(str(db),))
    killed.start()
    deadline = time.monotonic() + 30
    while not any(p.endswith(".tmp") for p in spool_left(db)) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # a few lines into it
    killed.kill()
    killed.join(10)
    assert [p for p in spool_left(db) if p.endswith(".tmp")] != [], spool_left(db)
    holder.join(30)
    assert holder.exitcode == 0
    query = Run("query", runs_of("query", db, world)[:1], db.with_suffix(".query.log")).start()
    assert query.wait() == 0
    assert spool_left(db) != []  # readers do not write: the spool waits for a writer
    review = Run("review", runs_of("review", db, world), db.with_suffix(".review.log")).start()
    assert review.wait() == 0, review.output()
    assert "[W005] Removed the unfinished spool file" in review.output()
    assert spool_left(db) == []
    assert normalized(db) == expected(world, ["ingest", "review"])


def test_store_concurrency_foreign_file_coded_error(tmp_path: Path) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_text("these are my notes, not a database\n", encoding="utf-8")
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("http://127.0.0.1:9/feed\n", encoding="utf-8")
    d = ["--db", str(db)]
    for name, runs in (
        ("ingest", [["ingest", str(tmp_path / "in.jsonl"), *d]]),
        ("watch", [["watch", str(feeds), *d, "--once"]]),
        ("reprocess", [["reprocess", *d, "--all"]]),
        ("review", [["review", "accept", "x-e1", *d, "--by", "ana"]]),
        ("query", [["query", *d]]),
        ("situation", [["situation", *d]]),
        ("export", [["export", "--format", "geojson", *d, "-o", str(tmp_path / "out.json")]]),
        ("serve", [["serve", *d, "--port", str(free_port())]]),
    ):
        (tmp_path / "in.jsonl").write_text('{"id": "x", "text": "Rebels attacked in Gao."}\n')
        run = Run(name, runs, tmp_path / f"{name}.log").start()
        assert run.wait() == 2, run.output()
        assert (
            f"error: [E304] {db} is not a frontwatch database or is damaged (not a DuckDB "
            "database file); it was not changed." in run.output()
        )
    assert db.read_text(encoding="utf-8") == "these are my notes, not a database\n"
