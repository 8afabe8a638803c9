"""The server's clusters kept as compressed JSON (frontwatch.api.clusters)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest

from frontwatch.api.clusters import KEPT, ClusterSet, cluster_set
from frontwatch.api.schemas import ClusterInfo, ReportRef
from frontwatch.export import (
    ClusteredEvent,
    ExportStats,
    PreparedClusters,
    PreparedFeature,
    write_export,
)
from frontwatch.records import Document, Event, EventDate, Location, TextSpan
from frontwatch.situation import EventCluster, Report, ValueSpread

TEXT = "Militants attacked a checkpoint near the river crossing at dawn."


def _event(event_id: str) -> Event:
    return Event(
        id=event_id,
        doc_id=f"doc-{event_id}",
        category="political_violence",
        modality="asserted",
        trigger=TextSpan(text="attacked", span=(10, 18)),
        evidence=TextSpan(text=TEXT, span=(0, len(TEXT))),
        confidence=0.7,
        extractor_version="test",
    )


def _cluster(
    cluster_id: str, members: list[str], reported: list[str], sources: int
) -> EventCluster:
    return EventCluster(
        id=cluster_id,
        event=_event(members[0]),
        members=members,
        reports=[
            Report(doc_id=f"doc-{e}", event_id=e, outlet="Wire", published=dt.date(2024, 5, 1))
            for e in reported
        ],
        sources=sources,
    )


CLUSTERS = [
    _cluster("c1", ["a", "b"], ["a", "b"], 2),
    _cluster("c2", ["b", "c"], ["c", "b"], 2),  # "b" claimed by c1, last reported by c2
    _cluster("c3", ["d"], ["d"], 1),
]


def test_api_clusters_read_back_as_records() -> None:
    kept = ClusterSet(c.model_dump_json() for c in CLUSTERS)
    assert (len(kept), kept.ids, kept.sources) == (3, ["c1", "c2", "c3"], [2, 2, 1])
    assert list(kept) == CLUSTERS
    assert (kept[-1], kept[1:]) == (CLUSTERS[2], CLUSTERS[1:])
    assert kept[0] is kept[0]  # the last ones made are kept
    assert list(cluster_set(CLUSTERS)) == CLUSTERS
    assert cluster_set(kept) is kept
    with pytest.raises(IndexError):
        kept[3]


def test_api_clusters_of_an_event() -> None:
    kept = ClusterSet.of(CLUSTERS)
    # the API: the last cluster reporting the event, else the first claiming it
    assert [kept.position_of(e) for e in ("a", "b", "c", "d", "z")] == [0, 1, 1, 2, None]
    # the export: the first cluster with the event as member or representative
    found = [kept.cluster_of(e) for e in ("a", "b", "c", "z")]
    assert [c.id if c else None for c in found] == ["c1", "c1", "c2", None]
    assert (kept.claims("d"), kept.claims("z")) == (True, False)
    assert kept.info(2) == ClusterInfo(
        id="c3",
        sources=1,
        reports=[
            ReportRef(doc_id="doc-d", event_id="d", outlet="Wire", published=dt.date(2024, 5, 1))
        ],
    )


def test_api_clusters_keep_only_the_last_made() -> None:
    many = ClusterSet.of(_cluster(f"c{i}", [f"e{i}"], [f"e{i}"], 1) for i in range(KEPT + 2))
    first = many[0]
    for i in range(1, KEPT + 2):
        assert many[i].id == f"c{i}"
    assert many[0] == first and many[0] is not first  # made again


# -- the GeoJSON features kept ready (issue 18) -----------------------------------------------

DAY = dt.date(2024, 5, 2)


def _placed(event_id: str, *, dated: bool = True, located: bool = True) -> Event:
    return _event(event_id).model_copy(
        update={
            "date": EventDate(text="Thursday", span=(0, 8), start=DAY, end=DAY, precision="day")
            if dated
            else None,
            "location": Location(
                text="Kidal", span=(40, 45), name="Kidal", lat=18.44, lon=1.41, country="ML"
            )
            if located
            else None,
        }
    )


def _ready_cluster(cluster_id: str, members: list[str], event: Event) -> EventCluster:
    return EventCluster(
        id=cluster_id,
        event=event,
        members=members,
        reports=[
            Report(doc_id=f"doc-{e}", event_id=e, outlet=f"Wire {e}", published=DAY)
            for e in members
        ],
        sources=len(members),
        conflicts={"killed": ValueSpread(kind="killed", values=[], low=3, best=4, high=5)},
    )


READY = [
    _ready_cluster("k1", ["a", "b"], _placed("a")),
    _ready_cluster("k2", ["c"], _placed("c", dated=False)),  # dated by its document: not kept
    _ready_cluster("k3", ["d"], _placed("d", located=False)),  # no coordinates: not written
    _ready_cluster("k4", ["e"], _placed("e")),
]
#: The feature of k1 as the export writes it, but its "reviewed" value.
K1_HEAD = (
    '{"type": "Feature", "id": "a", "geometry": {"type": "Point", "coordinates": [1.41, 18.44]}, '
    '"properties": {"id": "a", "cluster": "k1", "doc_id": "doc-a", "date": "2024-05-02", '
    '"date_end": "2024-05-02", "date_precision": "day", "category": "political_violence", '
    '"plover_type": null, "plover_mode": null, "acled_event_type": null, '
    '"acled_sub_event_type": null, "actor1": null, "actor1_type": null, "actor2": null, '
    '"actor2_type": null, "location": "Kidal", "geonameid": null, "country": "ML", '
    '"admin1": null, "latitude": 18.44, "longitude": 1.41, "geo_precision": null, '
    '"fatalities": 3.0, "injured": null, "displaced": null, "detained": null, "sources": 2, '
    '"outlets": "Wire a; Wire b", "fatalities_withheld": null, "date_inferred": false, '
    '"location_approximate": false, "historical": false, "aggregate": false, '
    '"modality": "asserted", "status": null, "confidence": 0.7, "trigger": "attacked", '
    f'"evidence": "{TEXT}", "extractor_version": "test", "reviewed": '
)


def _geojson(clusters: Any, reviews: dict[str, str]) -> tuple[str, ExportStats]:
    out = io.StringIO()
    events = [ClusteredEvent(e) for e in ("b", "a", "c", "d", "e")]
    documents = {
        f"doc-{e}": Document(id=f"doc-{e}", text="", outlet="Wire", published=DAY) for e in "abcde"
    }
    stats = write_export(
        "geojson", events, out, clusters=clusters, documents=documents, reviews=reviews
    )
    return out.getvalue(), stats


class _Made:
    """The same clusters, looked up as made records only (nothing kept ready)."""

    def __init__(self, clusters: list[EventCluster]) -> None:
        self.clusters = clusters

    def cluster_of(self, event_id: str) -> EventCluster | None:
        return next((c for c in self.clusters if event_id in (*c.members, c.event.id)), None)


def test_api_clusters_prepared_features_exact() -> None:
    kept = ClusterSet.of(READY)
    assert kept.prepared_feature("b") == PreparedFeature("k1", ("a", "b", "a"), K1_HEAD)
    assert kept.prepared_feature("c") is None  # its date is its document's
    assert kept.prepared_feature("d") == PreparedFeature("k3", ("d", "d"), None)
    assert kept.prepared_feature("z") is None
    assert not isinstance(_Made(READY), PreparedClusters)
    assert isinstance(kept, PreparedClusters)


@pytest.mark.parametrize(
    ("reviews", "k1", "k4"),
    [
        ({}, "null", "null"),
        ({"b": "accepted", "e": "rejected"}, '"accepted"', "null"),
        ({"a": "accepted", "b": "corrected", "e": "accepted"}, '"corrected"', '"accepted"'),
    ],
)
def test_api_clusters_prepared_features_written_as_made(
    reviews: dict[str, str], k1: str, k4: str
) -> None:
    text, stats = _geojson(ClusterSet.of(READY), reviews)
    made, made_stats = _geojson(_Made(READY), reviews)
    assert text == made
    assert (stats.written, stats.merged, stats.skipped) == (3, 1, {"no coordinates": 1})
    assert stats == made_stats
    features = text.split("\n")[1:-1]
    assert features[0] == K1_HEAD + k1 + "}},"
    assert features[2].startswith('{"type": "Feature", "id": "e"')
    assert features[2].endswith(f'"reviewed": {k4}}}}}')
    # the undated cluster: written from its cluster, dated by its document
    assert json.loads(features[1].rstrip(","))["properties"]["date_inferred"] is True


def test_api_clusters_prepared_features_taken_again_while_unchanged() -> None:
    first = ClusterSet.of(READY)
    changed = _ready_cluster("k1", ["a", "b", "f"], _placed("a"))  # a third report
    again = ClusterSet((c.model_dump_json() for c in [changed, *READY[1:]]), previous=first)
    assert again._features[3] is first._features[3]  # k4: the same JSON, the same feature
    assert again._features[0] != first._features[0]
    ready = again.prepared_feature("f")
    assert ready is not None and ready.marked == ("a", "b", "f", "a")
    assert ready.head == K1_HEAD.replace('"sources": 2', '"sources": 3').replace(
        '"Wire a; Wire b"', '"Wire a; Wire b; Wire f"'
    )
    assert _geojson(again, {"f": "accepted"}) == _geojson(
        _Made([changed, *READY[1:]]), {"f": "accepted"}
    )
