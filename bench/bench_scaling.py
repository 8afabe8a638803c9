"""Scaling benchmark: 1 and 2 workers, local processes and Dask, and peak memory per worker.

Run: ``.venv/bin/python bench/bench_scaling.py [--repeat N] [--copies K] [--json OUT]``.
The workload is the texts of the gold sets (read at run time) plus ``bench/corpus/mixed.jsonl``,
``--copies`` times, with the default settings (relevance screening off: every document parsed).
Workers are started and warmed up (pipeline loaded, one chunk extracted on each) before the
timed passes, which measure steady-state throughput through
:mod:`frontwatch.pipeline.parallel`'s own ordered, bounded streaming: a ``spawn`` process
pool (local) or a ``distributed.LocalCluster`` with one thread per worker process (Dask). Peak
memory is each worker's RSS high-water mark (``VmHWM``) after the passes. Helpers from
``bench_extract.py``. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_extract as common
from bench_extract import GOLD_DIR, Item, Timing
from bench_stream import CORPUS, corpus_items

from frontwatch.pipeline import parallel
from frontwatch.settings import load_settings


@dataclass(frozen=True)
class ScaleResult:
    timing: Timing
    start_seconds: float
    peak_rss_mb: list[float]


def _peak() -> float:
    time.sleep(0.2)  # keeps a worker busy so that the next probe lands on another
    return common._rss_mb()


def local(items: list[Item], workers: int, repeat: int) -> ScaleResult:
    settings = load_settings()
    settings_json = settings.model_dump_json()
    docs = common._documents(items)
    start = time.perf_counter()
    with ProcessPoolExecutor(
        workers,
        mp_context=mp.get_context("spawn"),
        initializer=parallel._init_worker,
        initargs=(settings_json,),
    ) as pool:
        warm = [
            pool.submit(parallel._extract_chunk, settings_json, docs[:8]) for _ in range(workers)
        ]
        for future in warm:
            future.result()
        started = time.perf_counter() - start
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            for _out in parallel._ordered(
                docs,
                lambda chunk: pool.submit(parallel._extract_chunk, settings_json, chunk),
                chunk_size=parallel.CHUNK_SIZE,
                in_flight=parallel.IN_FLIGHT * workers,
            ):
                pass
            runs.append(time.perf_counter() - t0)
        peaks = [f.result() for f in [pool.submit(_peak) for _ in range(workers)]]
    return ScaleResult(Timing(runs), started, peaks)


def dask(items: list[Item], workers: int, repeat: int) -> ScaleResult:
    from distributed import Client, LocalCluster

    settings = load_settings()
    docs = common._documents(items)
    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        for _out in parallel.extract_dask(docs[: 8 * workers], settings, client, partition_size=8):
            pass
        started = time.perf_counter() - start
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            for _out in parallel.extract_dask(docs, settings, client):
                pass
            runs.append(time.perf_counter() - t0)
        peaks = list(client.run(common._rss_mb).values())
    return ScaleResult(Timing(runs), started, peaks)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per setup (3)")
    parser.add_argument("--copies", type=int, default=1, help="times the workload is repeated")
    parser.add_argument("--engines", nargs="+", default=["local", "dask"])
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)

    items = (common.gold_items(GOLD_DIR) if GOLD_DIR.is_dir() else []) + corpus_items(CORPUS)[0]
    items = items * args.copies
    chars = sum(len(text) for _, text, _ in items)
    print(f"workload: {len(items)} documents, {chars} characters; best of {args.repeat} (median)")
    results: dict[str, dict[int, ScaleResult]] = {}
    runners: dict[str, Any] = {"local": local, "dask": dask}
    for engine in args.engines:
        results[engine] = {}
        for workers in (1, 2):
            result = runners[engine](items, workers, args.repeat)
            results[engine][workers] = result
            aps = f"{len(items) / result.timing.best:.1f} ({len(items) / result.timing.median:.1f})"
            peaks = ", ".join(f"{p:.0f}" for p in result.peak_rss_mb)
            print(
                f"{engine:<6} {workers} worker(s): start {result.start_seconds:.1f} s, "
                f"{aps} docs/s, peak RSS per worker MB: {peaks}"
            )
        one, two = results[engine][1].timing, results[engine][2].timing
        print(
            f"{engine}: 2 workers / 1 worker = {one.best / two.best:.2f} best, "
            f"{one.median / two.median:.2f} median"
        )
    if args.json:
        out = {
            "documents": len(items),
            "characters": chars,
            "repeat": args.repeat,
            "results": {
                engine: {str(n): asdict(r) for n, r in by.items()} for engine, by in results.items()
            },
            "machine": common.machine(),
        }
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
