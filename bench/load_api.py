"""Bounded load test of ``GET /api/events`` on loopback (docs/api.md has the last figures).

    .venv/bin/python bench/load_api.py                       # 100,000 events, 3000 requests
    .venv/bin/python bench/load_api.py --events 20000 --requests 500 --workers 2

1. Builds (or reuses, ``--db``) a store of synthetic events: ``--events`` events in documents of
   ten, one template sentence each (spans exact), stored through ``Store.ingest`` in batches of
   500 documents, without clustering (every event has one source).
2. Starts ``frontwatch.api`` in a subprocess on 127.0.0.1 and a free port (reads not rate limited;
   everything else as ``frontwatch serve``), and waits for ``/api/health``.
3. ``--workers`` threads, each with a keep-alive ``http.client`` connection, send at most
   ``--requests`` requests in at most ``--duration`` seconds, cycling through a mix of filters
   (none, dates, bbox, country, actor, type, modality, combinations, cursor pages).
4. Prints requests per second, p50/p95/p99 latency (ms) and errors; ``--json`` writes them.
   Stops the server. Exit 1 when any request failed or p95 is over ``--p95-target`` ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HOST = "127.0.0.1"
ACTORS = [
    ("Northern Front", "rebel_group"),
    ("Government forces", "state_forces"),
    ("Coastal Militia", "political_militia"),
    ("Hill Tribes Alliance", "identity_militia"),
    ("National Police", "state_forces"),
    ("Unidentified gunmen", None),
    ("Students", "protesters"),
    ("Farmers Union", "protesters"),
    ("Civilians", "civilians"),
    ("Border Guard", "state_forces"),
    ("Liberation Army", "rebel_group"),
    ("River Brigade", "political_militia"),
]
TYPES = [  # (category, ACLED type, ACLED sub-type, PLOVER, verb)
    ("political_violence", "Battles", "Armed clash", "FIGHT", "clashed with"),
    ("political_violence", "Explosions/Remote violence", "Air/drone strike", "ASSAULT", "bombed"),
    ("political_violence", "Violence against civilians", "Attack", "ASSAULT", "attacked"),
    ("protest", "Protests", "Peaceful protest", "PROTEST", "protested against"),
    (
        "strategic",
        "Strategic developments",
        "Non-state actor overtakes territory",
        "SEIZE",
        "seized positions of",
    ),
    ("verbal", None, None, "THREATEN", "threatened"),
]
COUNTRIES = [  # (code, min lon, min lat, max lon, max lat)
    ("IQ", 39.0, 29.5, 48.0, 37.0),
    ("SY", 36.0, 32.5, 42.0, 37.0),
    ("YE", 43.0, 12.8, 52.0, 18.0),
    ("UA", 23.0, 45.0, 40.0, 52.0),
    ("SD", 22.0, 9.0, 38.0, 22.0),
    ("ML", -12.0, 11.0, 4.0, 24.0),
]
MODALITIES = ["asserted"] * 6 + ["reported"] * 3 + ["negated", "hypothetical", "future"]
QUERIES = [
    {},
    {"start": "2024-06-01", "end": "2024-06-30"},
    {"bbox": "39,29,48,37"},
    {"country": "SY"},
    {"actor": "front"},
    {"type": "Battles"},
    {"modality": "asserted,reported"},
    {"country": "UA", "start": "2024-01-01", "type": "Explosions/Remote violence"},
    {"actor": "militia", "bbox": "30,10,50,40", "limit": "500"},
    {"start": "2025-01-01", "limit": "50"},
    {"type": "protest", "country": "YE", "end": "2024-12-31"},
    {"min_sources": "1", "limit": "200"},
]


def synthetic_pairs(n_events: int, per_doc: int = 10, seed: int = 7) -> Iterator[tuple[Any, Any]]:
    """(Document, DocumentResult) pairs with ``n_events`` events, spans exact."""
    from frontwatch.records import (
        Acled,
        Actor,
        Document,
        DocumentResult,
        Event,
        EventDate,
        Location,
        Plover,
        Quantity,
        TextSpan,
    )

    rng = random.Random(seed)
    base = dt.date(2023, 1, 1)
    made = 0
    doc_no = 0
    while made < n_events:
        doc_id = f"syn-{doc_no:06d}"
        published = base + dt.timedelta(days=rng.randrange(730))
        text = ""
        events = []
        for k in range(min(per_doc, n_events - made)):
            actor, actor_type = rng.choice(ACTORS)
            target, target_type = rng.choice(ACTORS)
            category, acled, sub, plover, verb = rng.choice(TYPES)
            country, lon0, lat0, lon1, lat1 = rng.choice(COUNTRIES)
            place = f"Town{rng.randrange(2000)}"
            day = published - dt.timedelta(days=rng.randrange(5))
            killed = rng.choice([None, None, rng.randrange(1, 40)])
            when = f"on {day.isoformat()}"
            sentence = f"{actor} {verb} {target} in {place} {when}"
            tail = f", killing {killed} people." if killed else "."
            start = len(text)
            text += sentence + tail + " "

            def at(piece: str, offset: int = start, within: str = text) -> tuple[int, int]:
                i = within.index(piece, offset)
                return (i, i + len(piece))

            quantities = []
            if killed:
                phrase = f"killing {killed} people"
                quantities.append(
                    Quantity(kind="killed", count=killed, text=phrase, span=at(phrase))
                )
            events.append(
                Event(
                    id=f"{doc_id}-{k}",
                    doc_id=doc_id,
                    category=category,  # type: ignore[arg-type]
                    acled=Acled(event_type=acled, sub_event_type=sub) if acled else None,
                    plover=Plover(type=plover),
                    modality=rng.choice(MODALITIES),  # type: ignore[arg-type]
                    actor1=Actor(text=actor, span=at(actor), name=actor, type=actor_type),  # type: ignore[arg-type]
                    actor2=Actor(
                        text=target,
                        span=at(target, start + len(actor)),
                        name=target,
                        type=target_type,
                    ),  # type: ignore[arg-type]
                    location=Location(
                        text=place,
                        span=at(place),
                        name=place,
                        country=country,
                        lat=round(rng.uniform(lat0, lat1), 4),
                        lon=round(rng.uniform(lon0, lon1), 4),
                        precision=1,
                    ),
                    date=EventDate(text=when, span=at(when), start=day, end=day, precision="day"),
                    quantities=quantities,
                    confidence=0.7,
                    extractor_version="bench",
                    trigger=TextSpan(text=verb, span=at(verb)),
                    evidence=TextSpan(
                        text=sentence + tail, span=(start, start + len(sentence + tail))
                    ),
                )
            )
            made += 1
        yield (
            Document(id=doc_id, text=text.rstrip(), published=published, outlet="Bench Wire"),
            DocumentResult(doc_id=doc_id, events=events),
        )
        doc_no += 1


def build_db(path: Path, n_events: int) -> float:
    from frontwatch.store import Store

    began = time.perf_counter()
    with Store.open(path, clusterer=None) as store:
        store.ingest(synthetic_pairs(n_events), batch_size=500)
    return time.perf_counter() - began


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def serve(db: Path, port: int) -> None:
    """The server process: the app as ``frontwatch serve`` makes it, reads not rate limited."""
    import uvicorn

    from frontwatch.api.app import create_app
    from frontwatch.api.limits import ApiLimits
    from frontwatch.settings import load_settings

    app = create_app(db, settings=load_settings(), limits=ApiLimits(read_rate=None))
    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


def wait_ready(port: int, timeout: float) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return time.perf_counter() - began
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server not ready after {timeout} s")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def worker(port: int, budget: list[int], deadline: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    cursor: str | None = None
    while time.perf_counter() < deadline:
        with tally.lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        params = dict(rng.choice(QUERIES))
        if cursor is not None and rng.random() < 0.3:
            params = {"cursor": cursor}
        began = time.perf_counter()
        try:
            conn.request("GET", "/api/events?" + urlencode(params))
            response = conn.getresponse()
            body = response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
            ok, body = False, b""
        elapsed = time.perf_counter() - began
        with tally.lock:
            tally.latencies.append(elapsed)
            tally.errors += not ok
        if ok:
            cursor = json.loads(body).get("next")
    conn.close()


def resident_mb(pid: int) -> float | None:
    """Resident memory of a process (Linux), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="reuse or build this database")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds, at most")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--p95-target", type=float, default=100.0, help="milliseconds")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return 0
    tmp = None
    db = args.db
    if db is None:
        tmp = tempfile.TemporaryDirectory(prefix="frontwatch-load-")
        db = Path(tmp.name) / "load.duckdb"
    build_seconds = 0.0
    if not db.exists():
        print(f"building {db} with {args.events} synthetic events ...", file=sys.stderr)
        build_seconds = build_db(db, args.events)
        print(f"built in {build_seconds:.1f} s", file=sys.stderr)
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(db), str(port)])
    try:
        startup = wait_ready(port, timeout=600)
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        conn.request("GET", "/api/health")
        health = json.loads(conn.getresponse().read())
        conn.close()
        print(f"server ready in {startup:.1f} s: {health['events']} events", file=sys.stderr)
        tally = Tally()
        budget = [args.requests]
        began = time.perf_counter()
        deadline = began + args.duration
        threads = [
            threading.Thread(target=worker, args=(port, budget, deadline, tally, i))
            for i in range(args.workers)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - began
    finally:
        rss_mb = resident_mb(server.pid)
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        if tmp is not None:
            tmp.cleanup()
    ms = [x * 1000 for x in tally.latencies]
    figures = {
        "events": health["events"],
        "requests": len(ms),
        "errors": tally.errors,
        "workers": args.workers,
        "seconds": round(wall, 2),
        "requests_per_second": round(len(ms) / wall, 1),
        "p50_ms": round(percentile(ms, 0.50), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "db_build_s": round(build_seconds, 1),
        "server_startup_s": round(startup, 1),
        "server_rss_mb": rss_mb,
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "date": dt.date.today().isoformat(),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 1 if tally.errors or figures["p95_ms"] > args.p95_target else 0


if __name__ == "__main__":
    raise SystemExit(main())
