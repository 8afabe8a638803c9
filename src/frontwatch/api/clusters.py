"""The situation's clusters as the server keeps them: their JSON, compressed, made into records
when asked for.

A store of 100,000 events has about as many clusters (most reports are of an event no other
document reports), each with a whole representative event: kept as objects they were most of
the server's memory (docs/reliability.md). Kept as compressed JSON they take about a tenth.
The index needs only each cluster's id, number of sources and members, read once here; an
export, the situation and an event's detail make the clusters they read (a few kept, so that
reading one twice in a row costs once).

Each cluster's GeoJSON feature is kept ready too, compressed (about 0.4 kB a cluster), as the
export writes it but its ``reviewed`` value (:func:`frontwatch.export.prepare_feature`): a
GeoJSON export of the whole store then makes no cluster at all (docs/reliability.md). It is
made from the cluster's JSON alone, so a new set of clusters (the store's recomputed after a
review or an ingest) comes with its own; the ``reviewed`` value is the review log's of the
moment.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from ..export import PreparedFeature, prepare_feature
from ..situation import EventCluster
from .schemas import ClusterInfo, ReportRef

#: Clusters kept made (the last ones read).
KEPT = 64


class ClusterSet(Sequence[EventCluster]):
    """Clusters in the store's order, and which cluster each event is in."""

    def __init__(self, data: Iterable[str] = (), *, previous: ClusterSet | None = None) -> None:
        """``data``: each cluster's JSON; ``previous``: the set these replace, whose prepared
        features are taken again for the clusters that did not change (the same JSON)."""
        self._data: list[bytes] = []
        self.ids: list[str] = []
        self.sources: list[int] = []
        reported: dict[str, int] = {}
        self._claimed: dict[str, int] = {}  # the first cluster with the event as member
        # the prepared GeoJSON feature's head, compressed (b"": no coordinates; None: none)
        self._features: list[bytes | None] = []
        self._marked: list[tuple[str, ...]] = []
        was = {d: i for i, d in enumerate(previous._data)} if previous is not None else {}
        for position, text in enumerate(data):
            cluster = EventCluster.model_validate_json(text)
            packed = zlib.compress(text.encode(), 1)  # the same JSON packs the same
            self._data.append(packed)
            same = was.get(packed)
            if previous is not None and same is not None:  # unchanged: its feature too
                self._features.append(previous._features[same])
                self._marked.append(previous._marked[same])
            else:
                self._prepare(cluster)
            self.ids.append(cluster.id)
            self.sources.append(cluster.sources)
            for report in cluster.reports:
                reported[report.event_id] = position
            for member in (*cluster.members, cluster.event.id):
                self._claimed.setdefault(member, position)
        # the last cluster reporting an event, where it is not the one claiming it (rare)
        self._reported = {e: p for e, p in reported.items() if self._claimed.get(e) != p}
        self._made: OrderedDict[int, EventCluster] = OrderedDict()
        self._lock = threading.Lock()

    def _prepare(self, cluster: EventCluster) -> None:
        prepared = prepare_feature(cluster)
        if prepared is None:
            self._features.append(None)
            self._marked.append(())
            return
        head = prepared.head
        self._features.append(b"" if head is None else zlib.compress(head.encode(), 1))
        self._marked.append(prepared.marked)

    @classmethod
    def of(cls, clusters: Iterable[EventCluster]) -> ClusterSet:
        return cls(c.model_dump_json() for c in clusters)

    def __len__(self) -> int:
        return len(self._data)

    @overload
    def __getitem__(self, position: int) -> EventCluster: ...
    @overload
    def __getitem__(self, position: slice) -> Sequence[EventCluster]: ...
    def __getitem__(self, position: int | slice) -> EventCluster | Sequence[EventCluster]:
        if isinstance(position, slice):
            return [self[i] for i in range(len(self))[position]]
        if position < 0:
            position += len(self)
        with self._lock:
            made = self._made.get(position)
            if made is not None:
                self._made.move_to_end(position)
                return made
        text = zlib.decompress(self._data[position])
        made = EventCluster.model_validate_json(text)
        with self._lock:
            self._made[position] = made
            while len(self._made) > KEPT:
                self._made.popitem(last=False)
        return made

    def __iter__(self) -> Iterator[EventCluster]:
        """Every cluster, made one at a time and not kept (the situation reads them all)."""
        for data in self._data:
            yield EventCluster.model_validate_json(zlib.decompress(data))

    def position_of(self, event_id: str) -> int | None:
        """The event's cluster for the API: the last reporting it, else the first claiming it."""
        position = self._reported.get(event_id)
        return self._claimed.get(event_id) if position is None else position

    def claims(self, event_id: str) -> bool:
        return event_id in self._claimed

    def cluster_of(self, event_id: str) -> EventCluster | None:
        """The first cluster with the event as member or representative: the cluster that
        :func:`frontwatch.export.write_export` writes for it."""
        position = self._claimed.get(event_id)
        return None if position is None else self[position]

    def prepared_feature(self, event_id: str) -> PreparedFeature | None:
        """The GeoJSON feature kept ready for :meth:`cluster_of`'s cluster, if any."""
        position = self._claimed.get(event_id)
        if position is None:
            return None
        data = self._features[position]
        if data is None:
            return None
        head = zlib.decompress(data).decode() if data else None
        return PreparedFeature(self.ids[position], self._marked[position], head)

    def info(self, position: int) -> ClusterInfo:
        cluster = self[position]
        reports = [
            ReportRef(doc_id=r.doc_id, event_id=r.event_id, outlet=r.outlet, published=r.published)
            for r in cluster.reports
        ]
        return ClusterInfo(id=cluster.id, sources=cluster.sources, reports=reports)


def cluster_set(clusters: Sequence[EventCluster] | ClusterSet) -> ClusterSet:
    return clusters if isinstance(clusters, ClusterSet) else ClusterSet.of(clusters)
