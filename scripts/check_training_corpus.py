"""Check the learned coder's written training corpus (src/frontwatch/data/training/).

    python scripts/check_training_corpus.py            # validate, print counts
    python scripts/check_training_corpus.py --card     # counts as Markdown tables
    python scripts/check_training_corpus.py FILE ...   # only these files

Validates every record against the data card (README.md beside the corpus): fields, label and
code agreement with taxonomy.json, lengths (the rules of
:func:`frontwatch.training.corpus.check_record`, the record format of
``data/lexicon/corpus_labels.json``). Reports near-duplicates inside the corpus and any
8-word sequence shared with a gold set's text (the gold sets are read at run time only, to prove
that no example copies them; nothing of theirs is written anywhere).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

from frontwatch.training.corpus import corpus_lines, load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src/frontwatch/data/training/corpus"
GOLD = ROOT.parent / "shared/gold"

WORD = re.compile(r"[a-z0-9]+")


def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--card", action="store_true", help="print the counts as Markdown")
    ap.add_argument("--no-gold", action="store_true", help="skip the overlap check with gold")
    args = ap.parse_args(argv)
    tax = load_taxonomy()
    files = args.files or sorted(CORPUS.glob("*.jsonl"))
    records = []
    errors = 0
    for item in corpus_lines(files, tax):
        for message in item.messages():
            print(message)
        errors += bool(item.problems)
        if item.record is not None:
            records.append(item.record)
    # near-duplicates inside the corpus and overlap with gold
    seen: dict[tuple[str, ...], str] = {}
    dup = 0
    for rec in records:
        for sh in shingles(rec["text"], 10):
            other = seen.setdefault(sh, rec["id"])
            if other != rec["id"]:
                dup += 1
                print(f"near-duplicate: {rec['id']} shares 10 words with {other}")
                break
    if not args.no_gold and GOLD.is_dir():
        gold_sh: set[tuple[str, ...]] = set()
        for g in GOLD.glob("*.jsonl"):
            for line in g.read_text(encoding="utf-8").splitlines():
                gold_sh |= shingles(json.loads(line).get("text", ""))
        for rec in records:
            hit = shingles(rec["text"]) & gold_sh
            if hit:
                errors += 1
                print(f"{rec['id']}: shares 8 words with a gold text: {' '.join(next(iter(hit)))}")
    counts = {
        k: collections.Counter(str(r.get(k)) for r in records)
        for k in ("label", "plover", "region", "register", "modality", "none_kind")
    }
    countries = collections.Counter(r["country"] for r in records)
    if args.card:
        for k, c in counts.items():
            print(f"\n| {k} | examples |\n|---|---|")
            for v, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])):
                print(f"| `{v}` | {n} |")
        print(f"\n{len(records)} examples, {len(countries)} countries")
    else:
        for k, c in counts.items():
            print(k + ": " + ", ".join(f"{v} {n}" for v, n in sorted(c.items())))
        print(
            f"{len(records)} examples, {len(countries)} countries, {errors} with errors, "
            f"{dup} near-duplicates"
        )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
