"""What the learned coder costs: extraction's CPU time with the learned coder and with the rules
alone, on the same parsed documents, in one process.

Run: ``.venv/bin/python bench/bench_learned.py [--gold DIR] [--repeat N] [--json OUT]``.
The documents (conflict news: the conflict articles of ``bench/corpus/mixed.jsonl``, the seed
article read at run time, ``samples/articles``) are parsed once
(``nlp.pipe``, timed: the part both sides share); then assembly runs on every Doc with the rules
alone and with the learned coder, interleaved, ``--repeat`` times each; the best pass of each
side counts (other work on the machine only slows a pass down). The ratio is
``(parse + assembly with the coder) / (parse + assembly with the rules)``: issue 12 allows 1.15.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from frontwatch.assembly import assemble
from frontwatch.coder import load_coder
from frontwatch.ingest import iter_documents
from frontwatch.pipeline import Extractor
from frontwatch.records import Document

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = Path("/work/shared/gold")


def documents(gold_dir: Path, corpus: Path) -> list[Document]:
    """Conflict news: the conflict articles of the generated stream, the gold sets' full
    articles (seed) and the sample articles."""
    out: list[Document] = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("topic") == "conflict":
            out.append(Document(id=row["id"], text=row["text"], published=row.get("published")))
    seed = gold_dir / "seed.gold.jsonl"
    if seed.exists():
        for n, line in enumerate(seed.read_text(encoding="utf-8").splitlines()):
            rec = json.loads(line)
            text = rec.get("text") or (gold_dir / rec["text_file"]).read_text(encoding="utf-8")
            out.append(Document(id=f"seed-{n}", text=text))
    samples = iter_documents([ROOT / "samples" / "articles"])
    out.extend(d for d in samples if isinstance(d, Document))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--gold", type=Path, default=GOLD_DIR)
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus" / "mixed.jsonl")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    docs = documents(args.gold, args.corpus)
    extractor = Extractor()
    extractor.coder = None
    coder = load_coder()
    started = time.process_time()
    parsed = list(extractor.parse_many(docs))
    parse = time.process_time() - started
    rules: list[float] = []
    learned: list[float] = []
    for _ in range(args.repeat):
        for side, out in ((None, rules), (coder, learned)):
            started = time.process_time()
            for doc in parsed:
                assemble(doc, coder=side)
            out.append(time.process_time() - started)
    chars = sum(len(d.text) for d in docs)
    figures = {
        "documents": len(docs),
        "characters": chars,
        "parse_cpu_s": round(parse, 3),
        "assemble_rules_cpu_s": round(min(rules), 3),
        "assemble_learned_cpu_s": round(min(learned), 3),
        "ratio": round((parse + min(learned)) / (parse + min(rules)), 4),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
