"""The rows of the gazetteer index and how they are written (the file format of
docs/geoparsing.md): :class:`PlaceRow`, :func:`keep_alternate_name`, :func:`write_index`.

Rows come from the bundled data (:mod:`.build`) or from a GeoNames dump (:mod:`.geonames_dump`).
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .index import INDEX_VERSION, default_home
from .names import fold_key, name_key


@dataclass
class PlaceRow:
    """One place to write, with all its names (the first is the main name)."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None = None
    admin1: str | None = None
    admin1_name: str | None = None
    fclass: str = "P"
    fcode: str = "PPL"
    population: int = 0
    approximate: bool = False
    source: str = "geonames"
    names: list[str] = field(default_factory=list)


def keep_alternate_name(alt: str) -> bool:
    """Whether an alternate name is worth indexing: not a code, a number or a short form."""
    alt = alt.strip()
    if len(alt) < 3 or alt.isdigit():
        return False
    if alt.isupper() and len(alt) <= 4:  # codes: IATA, abbreviations
        return False
    return bool(name_key(alt))


SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE places (geonameid INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL,
  country TEXT, admin1 TEXT, admin1_name TEXT, fclass TEXT, fcode TEXT, population INTEGER,
  approximate INTEGER, source TEXT);
CREATE TABLE names (key TEXT, fold TEXT, geonameid INTEGER, prim INTEGER);
"""


def write_index(
    out_path: Path,
    rows: Iterable[PlaceRow],
    meta: dict[str, str] | None = None,
) -> int:
    """Write ``rows`` into a new SQLite index at ``out_path`` (atomically); returns the count."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(out_path.parent)
    fd, tmp = tempfile.mkstemp(
        prefix=f"{TMP_PREFIX}{os.getpid()}-", suffix=".sqlite", dir=out_path.parent
    )
    os.close(fd)
    try:
        count = _write(tmp, rows, meta)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)  # an error or Ctrl-C leaves no half-written file
        raise
    return count


#: A build writes into ``<dir>/gazetteer-build-<pid>-<random>.sqlite`` and renames it at the end.
TMP_PREFIX = "gazetteer-build-"
#: A temporary file not written to for this long belongs to a build that died.
STALE_SECONDS = 3600.0
_TMP_PID = re.compile(re.escape(TMP_PREFIX) + r"(\d+)-")


def remove_stale_builds(directory: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files that killed builds left in ``directory``: those of a process
    that no longer runs, and those not written to for ``STALE_SECONDS`` (also the ``tmp*.sqlite``
    files of older versions, in the default cache directory only). A running build's file is
    kept. Returns the files removed."""
    now = time.time() if now is None else now
    paths = list(directory.glob(f"{TMP_PREFIX}*.sqlite"))
    if directory.resolve() == default_home().resolve():
        paths += directory.glob("tmp*.sqlite")
    removed: list[Path] = []
    for path in paths:
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:
            continue  # another process removed it
        found = _TMP_PID.match(path.name)
        dead = found is not None and not _running(int(found.group(1)))
        if dead or age > STALE_SECONDS:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it runs, as another user
    return True


def _write(tmp: str, rows: Iterable[PlaceRow], meta: dict[str, str] | None) -> int:
    conn = sqlite3.connect(tmp)
    count = 0
    try:
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        seen: set[int] = set()
        batch_p: list[tuple[object, ...]] = []
        batch_n: list[tuple[object, ...]] = []
        for r in rows:
            if r.geonameid in seen:
                continue
            seen.add(r.geonameid)
            batch_p.append(
                (
                    r.geonameid,
                    r.name,
                    round(r.lat, 5),
                    round(r.lon, 5),
                    r.country,
                    r.admin1,
                    r.admin1_name,
                    r.fclass,
                    r.fcode,
                    r.population,
                    int(r.approximate),
                    r.source,
                )
            )
            keys: set[str] = set()
            for i, nm in enumerate(r.names or [r.name]):
                k = name_key(nm)
                if k and k not in keys:
                    keys.add(k)
                    batch_n.append((k, fold_key(nm), r.geonameid, int(i == 0)))
            count += 1
            if len(batch_n) > 50000:
                conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", batch_p)
                conn.executemany("INSERT INTO names VALUES (?,?,?,?)", batch_n)
                batch_p, batch_n = [], []
        conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", batch_p)
        conn.executemany("INSERT INTO names VALUES (?,?,?,?)", batch_n)
        conn.execute("CREATE INDEX names_key ON names(key)")
        conn.execute("CREATE INDEX names_fold ON names(fold)")
        conn.execute("CREATE INDEX places_country ON places(country, fcode)")
        values = {"version": INDEX_VERSION, **(meta or {})}
        conn.executemany("INSERT INTO meta VALUES (?, ?)", list(values.items()))
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
    return count
