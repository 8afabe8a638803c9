"""The server's clusters kept as compressed JSON (frontwatch.api.clusters)."""

from __future__ import annotations

import datetime as dt

import pytest

from frontwatch.api.clusters import KEPT, ClusterSet, cluster_set
from frontwatch.api.schemas import ClusterInfo, ReportRef
from frontwatch.records import Event, TextSpan
from frontwatch.situation import EventCluster, Report

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
