"""Reader for the official GeoNames dump format (``allCountries.zip``, ``XX.zip``, ``.txt``).

Each line has 19 tab-separated columns: geonameid, name, asciiname, alternatenames
(comma-separated), latitude, longitude, feature class, feature code, country code, cc2,
admin1, admin2, admin3, admin4, population, elevation, dem, timezone, modification date.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import Errors, FrontwatchError
from .rows import PlaceRow, keep_alternate_name

logger = logging.getLogger(__name__)

# Feature classes kept: admin areas, hydrography, areas, populated places, roads/railroads,
# spots (buildings, bases, airports, border posts), hypsography (mountains, islands).
KEEP_CLASSES = frozenset("AHLPRST")
#: Ids and populations must fit the index's 64-bit integers.
_INT64 = 1 << 63


def _lines(path: Path) -> Iterator[str]:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if n.endswith(".txt") and "readme" not in n]
            for member in members:
                with zf.open(member) as raw:
                    yield from io.TextIOWrapper(raw, encoding="utf-8")
    else:
        fh: IO[str]
        with path.open(encoding="utf-8") as fh:
            yield from fh


def read_dump(
    path: Path,
    admin_names: dict[tuple[str, str], str] | None = None,
) -> Iterator[PlaceRow]:
    """Places of a GeoNames dump, one :class:`PlaceRow` per kept line.

    Malformed lines (too few columns, numbers that do not parse, ids, populations or
    coordinates out of range) are skipped and counted; a file that is not UTF-8 text or not a zip
    archive raises ``FrontwatchError(E101)``.
    """
    try:
        yield from _read_rows(path, admin_names or {})
    except (UnicodeDecodeError, zipfile.BadZipFile, zipfile.LargeZipFile) as err:
        raise FrontwatchError(Errors.E101, path=path, detail=str(err)) from err


def _read_rows(path: Path, admin_names: dict[tuple[str, str], str]) -> Iterator[PlaceRow]:
    bad = 0
    for line in _lines(path):
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 15:
            bad += 1
            continue
        fclass = cols[6]
        if fclass not in KEEP_CLASSES:
            continue
        try:
            gid, lat, lon = int(cols[0]), float(cols[4]), float(cols[5])
            pop = int(cols[14] or 0)
        except ValueError:
            bad += 1
            continue
        in_range = 0 < gid < _INT64 and 0 <= pop < _INT64
        if not (in_range and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            bad += 1  # NaN and infinities fail the range test too
            continue
        cc, a1, fcode = cols[8], cols[10], cols[7]
        alts = [a for a in cols[3].split(",") if keep_alternate_name(a)] if cols[3] else []
        names = [cols[1], cols[2], *alts]
        yield PlaceRow(
            gid,
            cols[1],
            lat,
            lon,
            cc or None,
            a1 or None,
            admin_names.get((cc, a1)) if fcode != "ADM1" else cols[1],
            fclass,
            fcode,
            pop,
            False,
            "geonames dump",
            names,
        )
    if bad:
        logger.warning("Skipped %s malformed lines in %s", bad, path)
