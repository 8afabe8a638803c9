"""Places for a map: labels by zoom, search by name prefix, the nearest place, country names.

A map is readable when it names the places around the events, the bigger ones first, without
labels on top of each other. :class:`PlaceLabels` reads the populated places and countries of
the gazetteer index once (arrays of coordinates and ranks, about 235,000 places, 10 MB) and
answers, for a view (a bounding box and a zoom level of the Web Mercator map):

* the places to label: countries while the map is zoomed out, then capitals, then the most
  populous places, each only when its label does not overlap one already chosen and its
  population reaches the zoom's floor (:data:`POPULATION_FLOOR`), at most ``limit``;
* places whose name starts with what an analyst types (correcting an event's place);
* the place nearest to a clicked point.

Everything is read from the index file (offline); nothing is written.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .index import Gazetteer, Place, name_key

COUNTRY_CODES = ("PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR")
# The least population a place needs to be labelled at a zoom level (the last entry holds for
# every deeper zoom). A capital counts as a city of 2 million, a first-level seat as one of
# 50,000 and a second-level seat as one of 5,000, so that they show before bigger suburbs.
POPULATION_FLOOR = (
    *(5_000_000, 3_000_000, 2_000_000, 1_000_000, 400_000, 150_000),
    *(50_000, 15_000, 5_000, 1_000, 0),
)
SEAT_WEIGHT = {"PPLC": 2_000_000, "PPLA": 50_000, "PPLA2": 5_000}
COUNTRY_LABEL_MAX_ZOOM = 5  # countries are named up to this zoom
TILE = 256  # pixels of a Web Mercator tile
CHAR_PX = 7.0  # width of a label character, in pixels (12 px sans-serif)
LABEL_PAD = (14.0, 18.0)  # extra width (the dot and margins) and the height of a label
MAX_SCAN = 20_000  # candidates looked at for one view, at most
EARTH_KM = 6371.0
Floats = npt.NDArray[np.float64]
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PlaceLabel:
    """A place named on the map. ``kind``: ``country``, ``capital`` or ``place``."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None
    population: int
    kind: str


def _pixel(lat: Floats, lon: Floats, zoom: int) -> tuple[Floats, Floats]:
    """Web Mercator pixel coordinates at ``zoom``."""
    scale = TILE * 2.0**zoom
    phi = np.radians(np.clip(lat, -85.0511, 85.0511))
    x = (lon + 180.0) / 360.0 * scale
    y = (1.0 - np.log(np.tan(phi) + 1.0 / np.cos(phi)) / math.pi) / 2.0 * scale
    return x, y


def _box(x: float, y: float, name: str) -> Box:
    """The pixels a label covers: a dot at (x, y), the name to its right."""
    half = LABEL_PAD[1] / 2
    return (x - 5, y - half, x + CHAR_PX * len(name) + LABEL_PAD[0], y + half)


class _Boxes:
    """Label boxes already placed, bucketed by grid cell so that an overlap test is local."""

    CELL = 128.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box) -> list[tuple[int, int]]:
        x0, y0, x1, y1 = (int(v // self.CELL) for v in box)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def add_if_free(self, box: Box) -> bool:
        keys = self._keys(box)
        for key in keys:
            for other in self.cells.get(key, ()):
                if (
                    box[0] < other[2]
                    and other[0] < box[2]
                    and box[1] < other[3]
                    and other[1] < box[3]
                ):
                    return False
        for key in keys:
            self.cells.setdefault(key, []).append(box)
        return True


class PlaceLabels:
    """Label, search and nearest-place queries over a gazetteer index (read-only, thread-safe)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        rows = self._query(
            "SELECT geonameid, name, lat, lon, country, fcode, population FROM places "
            "WHERE fclass = 'P'",
            (),
        )
        n = len(rows)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
        population = np.fromiter((r[6] or 0 for r in rows), dtype=np.int64, count=n)
        seat = np.fromiter((SEAT_WEIGHT.get(str(r[5]), 0) for r in rows), dtype=np.int64, count=n)
        capital = np.fromiter((r[5] == "PPLC" for r in rows), dtype=bool, count=n)
        weight = np.maximum(population, seat)
        # importance: capitals, then by weight, then by population, then by id (stable)
        order = np.lexsort((ids, -population, -weight, ~capital))
        self.ids = ids[order]
        self.population = population[order]
        self.weight = weight[order]
        self.capital = capital[order]
        self.lat = np.fromiter((r[2] for r in rows), dtype=np.float64, count=n)[order]
        self.lon = np.fromiter((r[3] for r in rows), dtype=np.float64, count=n)[order]
        self.names = [str(rows[i][1]) for i in order]
        self.countries = [str(rows[i][4]) if rows[i][4] else None for i in order]
        marks = ",".join("?" * len(COUNTRY_CODES))
        found: dict[str, PlaceLabel] = {}
        for gid, name, lat, lon, code, pop in self._query(
            "SELECT geonameid, name, lat, lon, country, population FROM places "
            f"WHERE fcode IN ({marks}) AND country IS NOT NULL ORDER BY population DESC, geonameid",
            COUNTRY_CODES,
        ):
            key = str(code)
            if key not in found:
                found[key] = PlaceLabel(
                    int(gid),  # type: ignore[call-overload]
                    str(name),
                    float(lat),  # type: ignore[arg-type]
                    float(lon),  # type: ignore[arg-type]
                    key,
                    int(pop or 0),  # type: ignore[call-overload]
                    "country",
                )
        self.country_labels = sorted(found.values(), key=lambda p: (-p.population, p.name))

    @classmethod
    def open(cls, path: Path | None = None) -> PlaceLabels:
        """Over the index at ``path`` (``None``: the default index, built on first use)."""
        gazetteer = Gazetteer.open(path)  # builds the default index when it is missing
        where = gazetteer.path
        gazetteer.close()
        conn = sqlite3.connect(
            f"file:{where}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        return cls(conn)

    def close(self) -> None:
        self._conn.close()

    def _query(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        with self._lock:
            return list(self._conn.execute(sql, args))

    def __len__(self) -> int:
        return len(self.ids)

    # -- labels -------------------------------------------------------------------------------

    def labels(
        self, bbox: tuple[float, float, float, float], zoom: int, limit: int = 80
    ) -> list[PlaceLabel]:
        """The places to name in the view ``bbox`` (min_lon, min_lat, max_lon, max_lat) at
        ``zoom``, most important first, no two labels overlapping."""
        zoom = max(0, min(int(zoom), 20))
        min_lon, min_lat, max_lon, max_lat = bbox
        floor = POPULATION_FLOOR[min(zoom, len(POPULATION_FLOOR) - 1)]
        boxes = _Boxes()
        out: list[PlaceLabel] = []

        if zoom <= COUNTRY_LABEL_MAX_ZOOM:
            for country in self.country_labels:
                if len(out) >= limit:
                    return out
                if not (min_lat <= country.lat <= max_lat and min_lon <= country.lon <= max_lon):
                    continue
                x, y = _pixel(np.array([country.lat]), np.array([country.lon]), zoom)
                if boxes.add_if_free(_box(float(x[0]), float(y[0]), country.name)):
                    out.append(country)
        mask = (self.lat >= min_lat) & (self.lat <= max_lat)
        mask &= (self.lon >= min_lon) & (self.lon <= max_lon)
        if floor:
            mask &= self.weight >= floor
        positions = np.flatnonzero(mask)[:MAX_SCAN]
        xs, ys = _pixel(self.lat[positions], self.lon[positions], zoom)
        for k, i in enumerate(positions):
            if len(out) >= limit:
                break
            if boxes.add_if_free(_box(float(xs[k]), float(ys[k]), self.names[int(i)])):
                out.append(self._label(int(i)))
        return out

    def _label(self, i: int) -> PlaceLabel:
        return PlaceLabel(
            geonameid=int(self.ids[i]),
            name=self.names[i],
            lat=float(self.lat[i]),
            lon=float(self.lon[i]),
            country=self.countries[i],
            population=int(self.population[i]),
            kind="capital" if bool(self.capital[i]) else "place",
        )

    # -- nearest, search, countries ---------------------------------------------------------

    def nearest(
        self, lat: float, lon: float, max_km: float = 50.0
    ) -> tuple[PlaceLabel, float] | None:
        """The populated place nearest to (``lat``, ``lon``) within ``max_km``, and its distance."""
        if not len(self.ids):
            return None
        p1, p2 = np.radians(lat), np.radians(self.lat)
        dphi = p2 - p1
        dlon = np.radians(self.lon - lon)
        a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
        km = 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        i = int(np.argmin(km))
        if float(km[i]) > max_km:
            return None
        return self._label(i), round(float(km[i]), 2)

    def search(self, text: str, limit: int = 10) -> list[Place]:
        """Places with a name that starts with ``text``, any feature class (towns, districts,
        provinces, countries, airports): exact names first, then main names (not alternate
        spellings), then the most populous."""
        key = name_key(text)
        if not key:
            return []
        rows = self._query(
            "SELECT p.geonameid, p.name, p.lat, p.lon, p.country, p.admin1, p.admin1_name, "
            "p.fclass, p.fcode, p.population, p.approximate, p.source, "
            "MAX(n.key = ?) AS exact, MAX(n.prim) AS main "
            "FROM names n JOIN places p ON p.geonameid = n.geonameid "
            "WHERE n.key >= ? AND n.key < ? GROUP BY p.geonameid "
            "ORDER BY exact DESC, main DESC, p.population DESC, p.geonameid LIMIT ?",
            (key, key, key + "\x7f", limit),
        )
        return [
            Place(
                geonameid=int(r[0]),  # type: ignore[call-overload]
                name=str(r[1]),
                lat=float(r[2]),  # type: ignore[arg-type]
                lon=float(r[3]),  # type: ignore[arg-type]
                country=str(r[4]) if r[4] else None,
                admin1=str(r[5]) if r[5] else None,
                admin1_name=str(r[6]) if r[6] else None,
                feature_class=str(r[7] or ""),
                feature_code=str(r[8] or ""),
                population=int(r[9] or 0),  # type: ignore[call-overload]
                approximate=bool(r[10]),
                source=str(r[11]),
            )
            for r in rows
        ]

    def country_names(self) -> dict[str, str]:
        """ISO 3166-1 alpha-2 code -> the country's name in the gazetteer."""
        return {c.country: c.name for c in self.country_labels if c.country}
