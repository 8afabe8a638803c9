"""Check a conflict-zone development set (devsets/README.md) against its format and the gazetteer.

    .venv/bin/python devsets/check_devset.py [devsets/conflict-zones.gold.jsonl] [--list]

Checks, for every document: the fields of the format; `doc_id` (``cz-<cc>-<nnnn>``, unique, cc
the location's country); one event whose `evidence` is a verbatim substring of the text; the
ACLED label is one of the codebook's sub-types; `precision`, `tolerance_km` and `unit` agree; the
point lies inside the country (the box around the country's populated places in the gazetteer,
with a margin); a `geonameid` matches the gazetteer record it names (within 2 km); and
`in_gazetteer` / `kind` are re-checked against the index:

- `in_gazetteer` and `transliteration`: the place (geonameid) is in the index; for
  `in_gazetteer` the name as written must find it (normalised or folded key);
- `homonym`: the name as written finds the local place and also a namesake in another country
  (how many namesakes are more populous than the local place is reported);
- `not_in_gazetteer`: the name as written finds no place of that country within 100 km of the
  gold point (so a correct system cannot find the village itself);
- `unit_only`: precision 2 or 3 and a `unit`.

Ends with counts by country, kind and precision. Exits non-zero on any error.
Reads the gazetteer only (never rebuilds it).
"""

from __future__ import annotations

import collections
import json
import math
import re
import sqlite3
import sys
from pathlib import Path

from frontwatch.gazetteer.index import Gazetteer, default_index_path, name_key

ACLED = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {
        "Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
        "Suicide bomb", "Grenade", "Chemical weapon",
    },
    "Violence against civilians": {"Attack", "Abduction/forced disappearance", "Sexual violence"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
        "Headquarters or base established", "Looting/property destruction",
        "Non-violent transfer of territory", "Other",
    },
}
KINDS = {"in_gazetteer", "not_in_gazetteer", "homonym", "transliteration", "unit_only"}
TOLERANCE = {1: 25, 2: 50, 3: 161}
LOCATION_FIELDS = (
    "name", "country", "admin1", "geonameid", "lat", "lon", "tolerance_km", "precision",
    "in_gazetteer", "unit", "kind",
)
ID_RE = re.compile(r"^cz-([a-z]{2})-(\d{4})$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SENT_END = re.compile(r"[.!?](?:\s|$)")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(a))


def acled_ok(label: str) -> bool:
    for event_type, subs in ACLED.items():
        if label.startswith(event_type + "/") and label[len(event_type) + 1 :] in subs:
            return True
    return False


class Boxes:
    """The box around each country's populated places in the gazetteer."""

    def __init__(self, path: Path) -> None:
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        self.box = {
            cc: (a, b, c, d)
            for cc, a, b, c, d in conn.execute(
                "SELECT country, min(lat), max(lat), min(lon), max(lon) FROM places "
                "WHERE fcode LIKE 'PPL%' GROUP BY country"
            )
        }
        conn.close()

    def inside(self, cc: str, lat: float, lon: float, margin: float = 0.3) -> bool:
        if cc not in self.box:
            return False
        a, b, c, d = self.box[cc]
        return a - margin <= lat <= b + margin and c - margin <= lon <= d + margin


def check(path: Path, listing: bool = False) -> int:
    gaz = Gazetteer.open(default_index_path())
    boxes = Boxes(default_index_path())
    errors: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()
    by_country: collections.Counter[str] = collections.Counter()
    by_kind: collections.Counter[str] = collections.Counter()
    by_prec: collections.Counter[int] = collections.Counter()
    by_acled: collections.Counter[str] = collections.Counter()
    translit_found = 0
    homonym_larger = 0
    docs = 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        docs += 1
        where = f"line {lineno}"
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: bad JSON ({exc})")
            continue
        did = doc.get("doc_id", "")
        where = f"{did or where}"
        m = ID_RE.match(did)
        if not m:
            errors.append(f"{where}: doc_id is not cz-<cc>-<nnnn>")
        if did in seen:
            errors.append(f"{where}: duplicate doc_id")
        seen.add(did)
        if not DATE_RE.match(str(doc.get("published", ""))):
            errors.append(f"{where}: published is not YYYY-MM-DD")
        text = doc.get("text", "")
        events = doc.get("events")
        if not isinstance(events, list) or len(events) != 1:
            errors.append(f"{where}: events must list exactly one event")
            continue
        ev = events[0]
        evidence = ev.get("evidence", "")
        if not evidence or evidence not in text:
            errors.append(f"{where}: evidence is not a verbatim substring of the text")
        ends = len(SENT_END.findall(text))
        if not 1 <= ends <= 5:
            notes.append(f"{where}: {ends} sentence ends")
        label = ev.get("acled", "")
        if not acled_ok(label):
            errors.append(f"{where}: unknown ACLED label {label!r}")
        by_acled[next((t for t in ACLED if label.startswith(t + "/")), "?")] += 1
        loc = ev.get("location") or {}
        missing = [f for f in LOCATION_FIELDS if f not in loc]
        if missing:
            errors.append(f"{where}: location lacks {missing}")
            continue
        cc, prec, kind = loc["country"], loc["precision"], loc["kind"]
        lat, lon = loc["lat"], loc["lon"]
        if m and m.group(1) != cc.lower():
            errors.append(f"{where}: doc_id country {m.group(1)} but location in {cc}")
        if kind not in KINDS:
            errors.append(f"{where}: unknown kind {kind!r}")
        if prec not in TOLERANCE or loc["tolerance_km"] != TOLERANCE.get(prec):
            errors.append(f"{where}: precision {prec} with tolerance {loc['tolerance_km']}")
        if prec in (2, 3) and not loc["unit"]:
            errors.append(f"{where}: precision {prec} needs a unit")
        if kind in ("not_in_gazetteer", "unit_only") and prec == 1:
            errors.append(f"{where}: {kind} cannot have precision 1")
        if not boxes.inside(cc, lat, lon):
            errors.append(f"{where}: ({lat}, {lon}) is outside {cc}")
        gid = loc["geonameid"]
        if gid is not None:
            place = gaz.get(gid)
            if place is None:
                errors.append(f"{where}: geonameid {gid} not in the gazetteer")
            else:
                if place.country != cc:
                    errors.append(f"{where}: geonameid {gid} is in {place.country}, not {cc}")
                if km(lat, lon, place.lat, place.lon) > 2:
                    errors.append(f"{where}: point is not at geonameid {gid} ({place.name})")
        name = loc["name"]
        found = gaz.lookup(name, limit=500)
        ids = {c.place.geonameid for c in found}
        if kind == "in_gazetteer":
            if not loc["in_gazetteer"] or gid not in ids:
                errors.append(f"{where}: {name!r} does not find geonameid {gid}")
        elif kind == "homonym":
            local = [c.place for c in found if c.place.geonameid == gid]
            if not local:
                errors.append(f"{where}: homonym {name!r} does not find the local place {gid}")
            else:
                abroad = [c.place for c in found if c.place.country != cc]
                if not abroad:
                    errors.append(f"{where}: homonym {name!r} has no namesake abroad")
                elif max(p.population for p in abroad) >= local[0].population:
                    homonym_larger += 1
        elif kind == "transliteration":
            if not loc["in_gazetteer"] or gid is None:
                errors.append(f"{where}: transliteration needs the place's geonameid")
            else:
                place = gaz.get(gid)
                if place is not None and name_key(place.name) == name_key(name):
                    errors.append(f"{where}: {name!r} is the gazetteer's own spelling")
                if gid in ids:
                    translit_found += 1
        elif kind == "not_in_gazetteer":
            if loc["in_gazetteer"]:
                errors.append(f"{where}: not_in_gazetteer with in_gazetteer true")
            near = [
                c.place for c in found
                if c.place.country == cc and km(lat, lon, c.place.lat, c.place.lon) <= 100
            ]
            if near:
                errors.append(
                    f"{where}: {name!r} finds {near[0].name} ({near[0].geonameid}) "
                    f"{km(lat, lon, near[0].lat, near[0].lon):.0f} km from the gold point"
                )
            if prec == 1:
                errors.append(f"{where}: a village missing from the gazetteer has precision 1")
        by_country[cc] += 1
        by_kind[kind] += 1
        by_prec[prec] += 1
        if listing:
            print(f"{did}\t{kind}\tp{prec}\t{name}\t{loc['admin1']}\t{lat},{lon}\t{loc['unit'] or ''}")
    for n in notes:
        print("note:", n)
    for e in errors:
        print("ERROR:", e)
    print(f"\n{docs} documents, {len(errors)} errors")
    print("by country:", ", ".join(f"{k} {v}" for k, v in sorted(by_country.items())))
    print(f"countries: {len(by_country)}")
    print("by kind:", ", ".join(f"{k} {v} ({100 * v / max(docs, 1):.0f}%)" for k, v in by_kind.most_common()))
    print("by precision:", ", ".join(f"{k}: {v}" for k, v in sorted(by_prec.items())))
    print("by ACLED event type:", ", ".join(f"{k} {v}" for k, v in by_acled.most_common()))
    print(f"homonyms with a more populous namesake abroad: {homonym_larger}/{by_kind['homonym']}")
    print(f"transliterations that the index finds as written: {translit_found}/{by_kind['transliteration']}")
    return 1 if errors else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    default = Path(__file__).resolve().parent / "conflict-zones.gold.jsonl"
    sys.exit(check(Path(args[0]) if args else default, listing="--list" in sys.argv))
