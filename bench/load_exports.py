"""Concurrent GeoJSON exports against a real server process on loopback (docs/reliability.md).

    .venv/bin/python bench/load_exports.py                          # 100,000 events, 40 clients
    .venv/bin/python bench/load_exports.py --events 20000 --clients 10 --json out.json

1. Builds (or reuses, ``--db``) a store of synthetic events (bench/load_api.py's generator).
2. Starts ``frontwatch serve`` in a subprocess on 127.0.0.1 and a free port, with default
   limits, and ``trusted_proxies = ["127.0.0.1"]`` so that each simulated client sends its own
   ``X-Forwarded-For`` address and counts as a client of its own (``--one-client``: all the
   clients are the one loopback address).
3. ``--clients`` threads each ask for ``GET /api/export?format=geojson`` at the same moment
   (``--distinct``: each client with its own date filter, so that no two exports are the
   same); a 429 answer is retried after its ``Retry-After`` seconds, at most ``--tries``
   times; meanwhile one thread reads ``/api/events`` every second (its latencies are reported
   too).
4. Samples the server's resident memory every 0.5 s during the load and for ``--settle``
   seconds after it; reports the base, the peak, and when it was back under ``--memory-mb``.
   Stops the server. Exit 1 when a request got a 5xx or an error, took over ``--max-seconds``,
   a client never got its export, or memory did not come back under ``--memory-mb``.

Every loop is bounded in count and time, and only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_api  # the synthetic store and the server helpers

HOST = load_api.HOST


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    exports: list[dict[str, Any]] = field(default_factory=list)  # one per request
    reads: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds)
    served: int = 0
    gave_up: int = 0


def request(
    port: int, path: str, headers: dict[str, str], timeout: float
) -> tuple[int, float, dict[str, str], int]:
    """(status, seconds, headers, body bytes); status 0 for a connection error or timeout."""
    started = time.monotonic()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        size = 0
        while chunk := resp.read(1 << 16):
            size += len(chunk)
        got = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, time.monotonic() - started, got, size
    except (OSError, http.client.HTTPException):
        return 0, time.monotonic() - started, {}, 0
    finally:
        conn.close()


def client(
    port: int, n: int, start: threading.Event, tally: Tally, args: argparse.Namespace
) -> None:
    headers = {} if args.one_client else {"X-Forwarded-For": f"198.51.100.{n + 1}"}
    path = "/api/export?format=geojson"
    if args.distinct:  # another export for each client: events from its own start date on
        path += f"&start=2020-01-{n % 28 + 1:02d}&end=2030-{n // 28 + 1:02d}-01"
    start.wait()
    for attempt in range(args.tries):
        status, seconds, got, size = request(port, path, headers, args.deadline)
        with tally.lock:
            tally.exports.append(
                {"client": n, "try": attempt, "status": status, "s": seconds, "bytes": size}
            )
        if status == 200:
            with tally.lock:
                tally.served += 1
            return
        if status != 429:
            return
        time.sleep(min(30.0, float(got.get("retry-after", "1"))))
    with tally.lock:
        tally.gave_up += 1


def reader(port: int, stop: threading.Event, tally: Tally) -> None:
    while not stop.wait(1.0):
        status, seconds, _, _ = request(port, "/api/events?limit=50", {}, 60.0)
        with tally.lock:
            tally.reads.append((status, seconds))


def sampler(pid: int, stop: threading.Event, samples: list[tuple[float, float]]) -> None:
    t0 = time.monotonic()
    while not stop.wait(0.5):
        mb = load_api.resident_mb(pid)
        if mb is not None:
            samples.append((time.monotonic() - t0, mb))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="reuse or build the store here")
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--tries", type=int, default=200, help="requests per client at most")
    parser.add_argument("--one-client", action="store_true", help="no X-Forwarded-For")
    parser.add_argument("--distinct", action="store_true", help="another export each client")
    parser.add_argument("--max-seconds", type=float, default=30.0)
    parser.add_argument("--memory-mb", type=float, default=1024.0)
    parser.add_argument("--settle", type=float, default=60.0, help="seconds watched after")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds for the load")
    parser.add_argument("--ready-timeout", type=float, default=600.0, help="server start, s")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="frontwatch-exports-")
    db = args.db or Path(tmp.name) / "events.duckdb"
    if not db.exists():
        seconds = load_api.build_db(db, args.events)
        print(f"built {db} ({args.events} events) in {seconds:.1f} s", flush=True)
    port = load_api.free_port()
    command = [str(Path(sys.executable).parent / "frontwatch")]
    if not args.one_client:
        config = Path(tmp.name) / "settings.toml"
        config.write_text('trusted_proxies = ["127.0.0.1"]\n')
        command += ["--config", str(config)]
    command += ["serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    tally = Tally()
    samples: list[tuple[float, float]] = []
    try:
        ready = load_api.wait_ready(port, args.ready_timeout)
        base = load_api.resident_mb(server.pid) or 0.0
        print(f"server ready in {ready:.1f} s, {base:.0f} MB", flush=True)
        stop_sampling, stop_reading, start = threading.Event(), threading.Event(), threading.Event()
        threads = [
            threading.Thread(
                target=client,
                args=(port, n, start, tally, args),
            )
            for n in range(args.clients)
        ]
        helpers = [
            threading.Thread(target=sampler, args=(server.pid, stop_sampling, samples)),
            threading.Thread(target=reader, args=(port, stop_reading, tally)),
        ]
        for thread in (*helpers, *threads):
            thread.start()
        t0 = time.monotonic()
        start.set()
        for thread in threads:
            thread.join(timeout=max(1.0, args.deadline - (time.monotonic() - t0)))
        load_seconds = time.monotonic() - t0
        stop_reading.set()
        time.sleep(args.settle)
        stop_sampling.set()
        for thread in helpers:
            thread.join(timeout=10)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        tmp.cleanup()

    statuses: dict[str, int] = {}
    for e in tally.exports:
        statuses[str(e["status"])] = statuses.get(str(e["status"]), 0) + 1
    served = [e for e in tally.exports if e["status"] == 200]
    peak = max((mb for _, mb in samples), default=0.0)
    after = [(t, mb) for t, mb in samples if t >= load_seconds]
    back_under = next((t - load_seconds for t, mb in after if mb < args.memory_mb), None)
    figures = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "events": args.events,
        "clients": args.clients,
        "one_client": args.one_client,
        "distinct": args.distinct,
        "load_seconds": round(load_seconds, 1),
        "statuses": statuses,
        "served": tally.served,
        "gave_up": tally.gave_up,
        "slowest_export_s": round(max((e["s"] for e in tally.exports), default=0.0), 2),
        "slowest_200_s": round(max((e["s"] for e in served), default=0.0), 2),
        "export_mb": round(max((e["bytes"] for e in served), default=0) / 1e6, 1),
        "reads": len(tally.reads),
        "read_errors": sum(1 for status, _ in tally.reads if status != 200),
        "slowest_read_s": round(max((s for _, s in tally.reads), default=0.0), 2),
        "server_base_mb": round(base, 1),
        "server_peak_mb": round(peak, 1),
        "server_end_mb": round(samples[-1][1], 1) if samples else None,
        "back_under_limit_after_s": None if back_under is None else round(back_under, 1),
    }
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    failed = (
        any(s not in ("200", "429") for s in statuses)
        or figures["slowest_export_s"] > args.max_seconds
        or figures["slowest_read_s"] > args.max_seconds
        or tally.served < args.clients
        or back_under is None
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
