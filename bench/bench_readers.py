"""Reading time of large inputs: is each reader linear in the size of its input?

    .venv/bin/python bench/bench_readers.py                        # JSON arrays and feeds
    .venv/bin/python bench/bench_readers.py --array 50000 100000 200000 400000 --json out.json

For each size, writes a file to a temporary folder and times ``iter_documents`` over it (reading,
screening, ids; no NLP): a ``.json`` array of short documents, a ``.jsonl`` file of the same, an
RSS feed of that many entries (``--feed``). ``max_chars`` is raised so that each file is read
whole (at the default, 1,000,000 characters, a ``.json`` file over 4 MB is refused: E004).
Prints seconds and microseconds per item; a linear reader keeps the second column flat.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

from frontwatch.errors import DocumentError
from frontwatch.ingest import iter_documents
from frontwatch.settings import load_settings

TEXT = "Rebels attacked the army post near the river crossing on day {n}, residents said."


def write_array(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        for i in range(n):
            sep = ",\n" if i else ""
            fh.write(sep + json.dumps({"id": f"a-{i}", "text": TEXT.format(n=i)}))
        fh.write("\n]\n")


def write_lines(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"a-{i}", "text": TEXT.format(n=i)}) + "\n")


def write_feed(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>\n')
        for i in range(n):
            fh.write(
                f"<item><title>Report {i}</title><guid>g-{i}</guid>"
                f"<description>{TEXT.format(n=i)}</description></item>\n"
            )
        fh.write("</channel></rss>\n")


WRITERS = {"array": (".json", write_array), "jsonl": (".jsonl", write_lines)}


def time_read(path: Path, max_chars: int) -> tuple[float, int, int]:
    settings = load_settings(max_chars=max_chars)
    began = time.perf_counter()
    documents = errors = 0
    for item in iter_documents([path], settings=settings):
        if isinstance(item, DocumentError):
            errors += 1
        else:
            documents += 1
    return time.perf_counter() - began, documents, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--array", type=int, nargs="*", default=[50_000, 100_000, 200_000, 400_000])
    parser.add_argument("--jsonl", type=int, nargs="*", default=[100_000, 400_000])
    parser.add_argument("--feed", type=int, nargs="*", default=[2_500, 5_000, 10_000, 20_000])
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="frontwatch-readers-") as tmp:
        warm = Path(tmp) / "warm.jsonl"  # first use loads the screen's word lists
        write_lines(warm, 100)
        time_read(warm, max_chars=1_000_000)
        plan = [("array", n) for n in args.array] + [("jsonl", n) for n in args.jsonl]
        plan += [("feed", n) for n in args.feed]
        for kind, n in plan:
            suffix, write = WRITERS.get(kind, (".rss", write_feed))
            path = Path(tmp) / f"{kind}-{n}{suffix}"
            write(path, n)
            size = path.stat().st_size
            seconds, documents, errors = time_read(path, max_chars=size + 1)
            path.unlink()
            row = {
                "reader": kind,
                "items": n,
                "mb": round(size / 1e6, 1),
                "seconds": round(seconds, 2),
                "us_per_item": round(1e6 * seconds / n, 1),
                "documents": documents,
                "errors": errors,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    figures = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, python {platform.python_version()}",
        "rows": rows,
    }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0 if all(r["documents"] == r["items"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
