"""Soak test on loopback: the API serves reads while ``watch`` ingests (docs/reliability.md).

    .venv/bin/python bench/soak.py                     # 2 minutes, 300 articles (the default)
    .venv/bin/python bench/soak.py --minutes 6 --articles 600 --json bench/results/soak.json

1. Builds a store of ``--events`` synthetic events (bench/load_api.py's generator).
2. Starts a feed server on 127.0.0.1 in this process: ``--feeds`` RSS feeds that publish
   ``--articles`` generated English articles between them, a few at a time over the first 60%
   of the run, each entry linking to its article page.
3. Starts the API server (a subprocess, as ``frontwatch serve`` makes it, reads not rate
   limited, looking for changes every second) and ``frontwatch watch --every 2s`` (a
   subprocess, with a stub extractor: no spaCy, so that the run measures storage and serving,
   not NLP). Both share the store (docs/store.md): watch writes its batches itself, the server
   refreshes its index from what changed.
4. ``--workers`` threads send a mix of GET requests (events with filters and cursor pages,
   health, situation, actors, places, documents) for ``--minutes`` minutes.
5. Stops watch (SIGTERM: the round in progress finishes), waits for the spool to drain, stops
   the server and counts the stored documents.

Prints throughput, p50/p95/p99 latency (ms), errors, articles published and stored. Exit 1 if
any request failed or any article was lost (stored != published).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_api

HOST = load_api.HOST
MAX_MINUTES = 60.0
WORDS = [
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
    "square",
]
READS: list[tuple[str, dict[str, str]]] = [
    *(("/api/events", q) for q in load_api.QUERIES),
    ("/api/health", {}),
    ("/api/situation", {}),
    ("/api/actors", {"q": "front"}),
    ("/api/places", {"q": "town"}),
]


# --------------------------------------------------------------------------- feeds


def article_text(feed: int, item: int) -> str:
    rng = random.Random(feed * 100_000 + item)
    sentences = [f"Report {item} from desk {feed}: the patrol reached the bridge at dawn."]
    for _ in range(8):
        a, b, c, d = (rng.choice(WORDS) for _ in range(4))
        sentences.append(f"The {a} said that the {b} was near the {c} of the {d}.")
    return " ".join(sentences)


@dataclass
class FeedSite:
    """Feeds that publish ``per_feed`` articles each, evenly over ``release_s`` seconds."""

    feeds: int
    per_feed: int
    release_s: float
    started: float = field(default_factory=time.monotonic)
    pages: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def visible(self) -> int:
        share = (time.monotonic() - self.started) / self.release_s
        return min(self.per_feed, math.ceil(self.per_feed * share))

    def rss(self, base: str, feed: int) -> bytes:
        items = "".join(
            f"<item><title>Desk {feed} report {i}</title><link>{base}/a/{feed}/{i}</link>"
            f"<guid>urn:soak:{feed}:{i}</guid>"
            f"<pubDate>Fri, 08 Mar 2024 09:00:00 GMT</pubDate></item>"
            for i in range(self.visible())
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk {feed}</title>'
            f"{items}</channel></rss>"
        ).encode()


def feed_handler(site: FeedSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            if len(parts) == 2 and parts[0] == "feed":
                body = site.rss(f"http://{self.headers['Host']}", int(parts[1]))
                kind = "application/rss+xml"
            elif len(parts) == 3 and parts[0] == "a":
                text = article_text(int(parts[1]), int(parts[2]))
                body = f"<html><body><article><p>{text}</p></article></body></html>".encode()
                kind = "text/html; charset=utf-8"
                with site.lock:
                    site.pages += 1
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


# --------------------------------------------------------------------------- subprocesses


def serve(db: Path, port: int) -> None:
    """The API server: as ``frontwatch serve`` makes it, reads not rate limited."""
    import uvicorn

    from frontwatch.api.app import create_app
    from frontwatch.api.limits import ApiLimits
    from frontwatch.settings import load_settings

    app = create_app(
        db, settings=load_settings(), limits=ApiLimits(read_rate=None), drain_interval=1.0
    )
    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


class StubExtractor:
    """No NLP: every document gives an empty result."""

    def extract_many(self, items: Iterable[Any]) -> Iterator[Any]:
        from frontwatch.errors import DocumentError
        from frontwatch.records import DocumentResult

        for item in items:
            yield item if isinstance(item, DocumentError) else DocumentResult(doc_id=item.id)


def watch(feeds_file: str, db: str) -> None:
    from frontwatch.cli import watch as watch_command

    args = [feeds_file, "--db", db, "--every", "2s", "--politeness", "0s", "--timeout", "10s"]
    watch_command.watch.main(args, obj={"extractor": StubExtractor()}, standalone_mode=False)


# --------------------------------------------------------------------------- load


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def reader(port: int, deadline: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    cursor: str | None = None
    while time.monotonic() < deadline:
        path, params = rng.choice(READS)
        if path == "/api/events" and cursor is not None and rng.random() < 0.3:
            params = {"cursor": cursor}
        url = path + ("?" + urlencode(params) if params else "")
        began = time.perf_counter()
        try:
            conn.request("GET", url)
            response = conn.getresponse()
            body = response.read()
            error = None if response.status == 200 else f"{url}: HTTP {response.status}"
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            body, error = b"", f"{url}: {err!r}"
        elapsed = time.perf_counter() - began
        with tally.lock:
            tally.latencies.append(elapsed)
            if error is not None:
                tally.errors.append(error)
        if error is None and path == "/api/events":
            cursor = json.loads(body).get("next")
    conn.close()


def health(port: int) -> dict[str, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", "/api/health")
        return dict(json.loads(conn.getresponse().read()))
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.0, help=f"at most {MAX_MINUTES:g}")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--feeds", type=int, default=6)
    parser.add_argument("--events", type=int, default=10_000, help="events stored beforehand")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--watch", nargs=2, metavar=("FEEDS", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return 0
    if args.watch:
        watch(*args.watch)
        return 0
    if not 0 < args.minutes <= MAX_MINUTES:
        parser.error(f"--minutes must be in (0, {MAX_MINUTES:g}]")
    if args.articles < args.feeds:
        parser.error("--articles must be at least --feeds")
    duration = args.minutes * 60
    per_feed = args.articles // args.feeds
    published = per_feed * args.feeds

    folder = Path(tempfile.mkdtemp(prefix="fw-soak-"))
    db = folder / "soak.duckdb"
    load_api.build_db(db, args.events)
    from frontwatch.store import Store

    with Store.open(db, read_only=True) as store:
        seeded = len(store.documents())

    site = FeedSite(args.feeds, per_feed, release_s=duration * 0.6)
    feed_server = ThreadingHTTPServer((HOST, 0), feed_handler(site))
    threading.Thread(target=feed_server.serve_forever, daemon=True).start()
    feeds_file = folder / "feeds.txt"
    feed_base = f"http://{HOST}:{feed_server.server_address[1]}"
    feeds_file.write_text(
        "".join(f"{feed_base}/feed/{n}\n" for n in range(args.feeds)), encoding="utf-8"
    )

    port = load_api.free_port()
    me = [sys.executable, __file__]
    server = subprocess.Popen([*me, "--serve", str(db), str(port)])
    watcher: subprocess.Popen[bytes] | None = None
    tally = Tally()
    try:
        load_api.wait_ready(port, timeout=120)
        site.started = time.monotonic()
        watcher = subprocess.Popen(
            [*me, "--watch", str(feeds_file), str(db)],
            stderr=open(folder / "watch.log", "wb"),  # noqa: SIM115
        )
        began = time.monotonic()
        deadline = began + duration
        threads = [
            threading.Thread(target=reader, args=(port, deadline, tally, seed))
            for seed in range(args.workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        # every article is out after 60% of the run; let watch take the last ones, then stop it
        settle = time.monotonic() + 60
        while time.monotonic() < settle and health(port)["documents"] < seeded + published:
            time.sleep(1)
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=120)
        spool = db.with_name(db.name + ".spool")
        while time.monotonic() < settle and any(spool.glob("*.jsonl")):
            time.sleep(0.5)
        rss_mb = load_api.resident_mb(server.pid)
    finally:
        if watcher is not None and watcher.poll() is None:
            watcher.kill()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        feed_server.shutdown()

    with Store.open(db, read_only=True) as store:
        stored = len(store.documents()) - seeded
    latencies = tally.latencies
    figures = {
        "minutes": args.minutes,
        "workers": args.workers,
        "seed_events": args.events,
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * load_api.percentile(latencies, 0.50), 1),
        "p95_ms": round(1000 * load_api.percentile(latencies, 0.95), 1),
        "p99_ms": round(1000 * load_api.percentile(latencies, 0.99), 1),
        "errors": len(tally.errors),
        "articles_published": published,
        "pages_fetched": site.pages,
        "articles_stored": stored,
        "lost": published - stored,
        "server_rss_mb": rss_mb,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    print(json.dumps(figures, indent=2))
    for error in tally.errors[:10]:
        print(f"error: {error}", file=sys.stderr)
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 1 if tally.errors or stored != published else 0


if __name__ == "__main__":
    raise SystemExit(main())
