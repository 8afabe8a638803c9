"""Reference data for the web map under ``/api``: place labels, place search, the nearest
place, country names (all from the offline gazetteer) and the coding taxonomy.

The gazetteer's places are read once, on the first request that needs them (a few seconds),
by :class:`PlaceService`; docs/api.md lists the routes.
"""

from __future__ import annotations

import threading
import typing
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..gazetteer import Place
from ..gazetteer.labels import PlaceLabel, PlaceLabels
from ..lexicon.events import load_lexicon
from ..records import Modality, QuantityKind, Status
from .errors import ApiCode, ApiError
from .routes import ERRORS, parse_bbox, read_limit
from .schemas import Schema

NO_INDEX = "the gazetteer index cannot be read"
UNAVAILABLE: dict[int | str, dict[str, object]] = {503: {"description": NO_INDEX}}
TAG = "gazetteer"
CAPITAL = "capital"


class PlaceService:
    """The gazetteer's places, loaded on first use (or given: tests pass a small index)."""

    def __init__(self, source: Path | PlaceLabels | None = None) -> None:
        self._source = source
        self._labels = source if isinstance(source, PlaceLabels) else None
        self._lock = threading.Lock()

    def get(self) -> PlaceLabels:
        with self._lock:
            if self._labels is None:
                path = self._source if isinstance(self._source, Path) else None
                try:
                    self._labels = PlaceLabels.open(path)
                except Exception as err:  # a missing or unreadable index: the route says so
                    raise ApiError(503, ApiCode.UNAVAILABLE, NO_INDEX) from err
            return self._labels

    def close(self) -> None:
        with self._lock:
            if self._labels is not None and not isinstance(self._source, PlaceLabels):
                self._labels.close()
            self._labels = None


# -- response models ---------------------------------------------------------------------------


class LabelItem(Schema):
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None = None
    population: int
    kind: typing.Literal["country", "capital", "place"]


class LabelPage(Schema):
    items: list[LabelItem]


class GazetteerPlace(Schema):
    """A gazetteer place in the shape of an event's ``location`` (plus what a list shows)."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None = None
    admin1: str | None = None
    admin1_name: str | None = None
    feature: str = Field(description="GeoNames feature code")
    population: int
    precision: typing.Literal[1, 2, 3] = Field(
        description="ACLED geo precision of an event placed here: 1 a town or site, "
        "2 a district, 3 a province or country"
    )


class SearchPage(Schema):
    items: list[GazetteerPlace]


class Nearest(Schema):
    place: GazetteerPlace | None = None
    distance_km: float | None = None


class CountryName(Schema):
    code: str
    name: str


class CountryPage(Schema):
    items: list[CountryName]


class AcledType(Schema):
    event_type: str
    sub_event_types: list[str]


class PloverType(Schema):
    type: str
    modes: list[str]


class Taxonomy(Schema):
    """The codes an event's fields take (for filters and the review form)."""

    acled: list[AcledType]
    plover: list[PloverType]
    modalities: list[str]
    statuses: list[str]
    quantity_kinds: list[str]


def _precision(place: Place) -> typing.Literal[1, 2, 3]:
    if place.feature_class in ("P", "S"):
        return 1
    if place.feature_code in ("ADM2", "ADM3", "ADM4", "ADM5"):
        return 2
    return 3


def _place(place: Place) -> GazetteerPlace:
    return GazetteerPlace(
        geonameid=place.geonameid,
        name=place.name,
        lat=place.lat,
        lon=place.lon,
        country=place.country,
        admin1=place.admin1,
        admin1_name=place.admin1_name,
        feature=place.feature_code,
        population=place.population,
        precision=_precision(place),
    )


def _label_place(label: PlaceLabel) -> GazetteerPlace:
    return GazetteerPlace(
        geonameid=label.geonameid,
        name=label.name,
        lat=label.lat,
        lon=label.lon,
        country=label.country,
        feature="PPLC" if label.kind == CAPITAL else "PPL",
        population=label.population,
        precision=1,
    )


def _json(model: BaseModel) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


async def places(request: Request) -> PlaceLabels:
    service: PlaceService = request.app.state.places
    return await run_in_threadpool(service.get)


PlacesDep = Annotated[PlaceLabels, Depends(places)]
router = APIRouter(prefix="/api", dependencies=[Depends(read_limit)])


@router.get(
    "/gazetteer/labels",
    response_model=LabelPage,
    responses={**ERRORS, **UNAVAILABLE},
    tags=[TAG],
)
async def labels(
    gazetteer: PlacesDep,
    bbox: Annotated[
        str, Query(description="the view: min_lon,min_lat,max_lon,max_lat", max_length=200)
    ],
    zoom: Annotated[int, Query(ge=0, le=20, description="Web Mercator zoom level")],
    limit: Annotated[int, Query(ge=1, le=300)] = 80,
) -> Response:
    """The places to name on a map view: countries when zoomed out, then capitals and the
    most populous places, no two labels overlapping at this zoom."""
    box = parse_bbox(bbox)
    assert box is not None
    min_lon, min_lat, max_lon, max_lat = box
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ApiError(422, ApiCode.INVALID_PARAMETER, "bbox: outside the globe or min > max")
    found = gazetteer.labels(box, zoom, limit=limit)
    return _json(
        LabelPage(
            items=[
                LabelItem(
                    geonameid=p.geonameid,
                    name=p.name,
                    lat=p.lat,
                    lon=p.lon,
                    country=p.country,
                    population=p.population,
                    kind=typing.cast(typing.Literal["country", "capital", "place"], p.kind),
                )
                for p in found
            ]
        )
    )


@router.get(
    "/gazetteer/search",
    response_model=SearchPage,
    responses={**ERRORS, **UNAVAILABLE},
    tags=[TAG],
)
async def search(
    gazetteer: PlacesDep,
    q: Annotated[str, Query(min_length=2, max_length=100, description="start of a name")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    """Places whose name (or one of their other names) starts with ``q``."""
    found = await run_in_threadpool(gazetteer.search, q, limit)
    return _json(SearchPage(items=[_place(p) for p in found]))


@router.get(
    "/gazetteer/nearest",
    response_model=Nearest,
    responses={**ERRORS, **UNAVAILABLE},
    tags=[TAG],
)
async def nearest(
    gazetteer: PlacesDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    max_km: Annotated[float, Query(gt=0, le=500)] = 50.0,
) -> Response:
    """The populated place nearest to a point, within ``max_km``; ``place`` is null if none."""
    found = gazetteer.nearest(lat, lon, max_km)
    if found is None:
        return _json(Nearest())
    label, km = found
    return _json(Nearest(place=_label_place(label), distance_km=km))


@router.get(
    "/gazetteer/countries",
    response_model=CountryPage,
    responses={**ERRORS, **UNAVAILABLE},
    tags=[TAG],
)
async def countries(gazetteer: PlacesDep) -> Response:
    """Country names by ISO 3166-1 alpha-2 code, sorted by name."""
    names = gazetteer.country_names()
    items = [CountryName(code=c, name=n) for c, n in sorted(names.items(), key=lambda x: x[1])]
    return _json(CountryPage(items=items))


@router.get("/taxonomy", response_model=Taxonomy, responses=ERRORS, tags=["meta"])
async def taxonomy() -> Response:
    """ACLED event types and sub-types, PLOVER types and modes, modalities, statuses and
    quantity kinds, as frontwatch codes them."""
    lexicon = load_lexicon()
    return _json(
        Taxonomy(
            acled=[
                AcledType(event_type=t, sub_event_types=list(subs))
                for t, subs in lexicon.acled_types.items()
            ],
            plover=[
                PloverType(type=t, modes=list(lexicon.plover_modes.get(t, ())))
                for t in lexicon.plover_categories
            ],
            modalities=list(typing.get_args(Modality)),
            statuses=list(typing.get_args(Status)),
            quantity_kinds=list(typing.get_args(QuantityKind)),
        )
    )
