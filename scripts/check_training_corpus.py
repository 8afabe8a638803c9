"""Check the learned coder's written training corpus (src/frontwatch/data/training/).

    python scripts/check_training_corpus.py            # validate, print counts
    python scripts/check_training_corpus.py --card     # counts as Markdown tables
    python scripts/check_training_corpus.py FILE ...   # only these files

Validates every record against the data card (README.md beside the corpus): fields, label and
code agreement with taxonomy.json, lengths. Reports near-duplicates inside the corpus and any
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

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src/frontwatch/data/training/corpus"
TAXONOMY = ROOT / "src/frontwatch/data/lexicon/taxonomy.json"
CASE_LABELS = ROOT / "src/frontwatch/data/lexicon/case2021_labels.json"
GOLD = ROOT.parent / "shared/gold"

OUT_OF_SCOPE = {
    "DIPLO": None,
    "ATTRIB": {"ACCUSE"},
    "ORG_CRIME": {"CRIME"},
    "NATURAL_DISASTER": {"DISASTER"},
    "MAN_MADE_DISASTER": {"ACCIDENT"},
}
MODALITIES = {"asserted", "reported", "negated", "hypothetical", "future"}
NONE_KINDS = {
    "opinion",
    "analysis",
    "hypothetical",
    "negated",
    "threat_plan",
    "historical",
    "aggregate_toll",
    "background",
    "unrelated",
}
REGIONS = {
    "Western Africa",
    "Middle Africa",
    "Eastern Africa",
    "Southern Africa",
    "Northern Africa",
    "Middle East",
    "South Asia",
    "Southeast Asia",
    "East Asia",
    "Caucasus and Central Asia",
    "Europe",
    "South America",
    "Central America",
    "Caribbean",
    "North America",
    "Oceania",
}
REGISTERS = {
    "wire",
    "local_press",
    "ngo_report",
    "un_report",
    "acled_note",
    "government_statement",
    "translated_press",
    "headline",
    "radio",
    "social_media",
    "analysis",
}
FIELDS = {
    "id",
    "text",
    "label",
    "acled",
    "plover",
    "plover_mode",
    "modality",
    "none_kind",
    "country",
    "region",
    "register",
    "pair",
    "note",
}
WORD = re.compile(r"[a-z0-9]+")


def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def check_record(rec: dict, acled_to_case: dict, plover: dict) -> list[str]:
    errs: list[str] = []
    missing = {"id", "text", "label", "modality", "country", "region", "register"} - rec.keys()
    if missing:
        return [f"missing {sorted(missing)}"]
    extra = rec.keys() - FIELDS
    if extra:
        errs.append(f"unknown fields {sorted(extra)}")
    text = rec["text"]
    if not isinstance(text, str) or not 40 <= len(text) <= 700:
        errs.append(f"text length {len(text) if isinstance(text, str) else text!r}")
    label = rec["label"]
    case_to_acled = {v: k for k, v in acled_to_case.items()}
    acled = rec.get("acled")
    if label in case_to_acled:
        if acled != case_to_acled[label]:
            errs.append(f"acled {acled!r} != {case_to_acled[label]!r} for {label}")
    elif label in OUT_OF_SCOPE or label == "NONE":
        if acled is not None:
            errs.append(f"acled must be null for {label}")
        allowed = OUT_OF_SCOPE.get(label)
        if allowed and rec.get("plover") not in allowed:
            errs.append(f"plover {rec.get('plover')!r} not in {sorted(allowed)} for {label}")
    else:
        errs.append(f"unknown label {label!r}")
    ptype = rec.get("plover")
    mode = rec.get("plover_mode")
    if ptype is not None and ptype not in plover:
        errs.append(f"unknown plover {ptype!r}")
    elif ptype is not None and mode is not None and mode not in plover[ptype]["modes"]:
        errs.append(f"mode {mode!r} not a mode of {ptype}")
    elif ptype is None and mode is not None:
        errs.append("mode without plover type")
    if rec["modality"] not in MODALITIES:
        errs.append(f"modality {rec['modality']!r}")
    if label == "NONE":
        if rec.get("none_kind") not in NONE_KINDS:
            errs.append(f"none_kind {rec.get('none_kind')!r}")
    elif rec.get("none_kind") is not None:
        errs.append("none_kind on a labelled event")
    if not (isinstance(rec["country"], str) and re.fullmatch(r"[A-Z]{2}", rec["country"])):
        errs.append(f"country {rec['country']!r}")
    if rec["region"] not in REGIONS:
        errs.append(f"region {rec['region']!r}")
    if rec["register"] not in REGISTERS:
        errs.append(f"register {rec['register']!r}")
    return errs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--card", action="store_true", help="print the counts as Markdown")
    ap.add_argument("--no-gold", action="store_true", help="skip the overlap check with gold")
    args = ap.parse_args(argv)
    taxonomy = json.loads(TAXONOMY.read_text())
    acled_to_case = json.loads(CASE_LABELS.read_text())["acled_to_case"]
    files = args.files or sorted(CORPUS.glob("*.jsonl"))
    records = []
    errors = 0
    ids: set[str] = set()
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{path.name}:{n}: bad JSON: {exc}")
                errors += 1
                continue
            errs = check_record(rec, acled_to_case, taxonomy["plover"])
            if rec.get("id") in ids:
                errs.append(f"duplicate id {rec.get('id')}")
            ids.add(rec.get("id"))
            for e in errs:
                print(f"{path.name}:{n}: {rec.get('id')}: {e}")
            errors += bool(errs)
            records.append(rec)
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
