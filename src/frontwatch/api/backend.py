"""The API's access to the store: an in-memory index for reads, kept in step with the store.

The server shares the store with other processes (docs/store.md): like them, it holds the
database file only for one read or one transaction. Reads are served from
:class:`~frontwatch.api.index.EventIndex`; a maintenance thread watches the database file and,
when it changed, reads what changed since it last looked (the documents written since, by the
store's change counter; the review log; the clusters if they were recomputed) and swaps in a new
index, so a request never sees half an update and events ingested by other processes show
within seconds. The same thread stores what other processes left in the spool, and
recomputes clusters that a write left stale (at once after the server's own writes; after
:data:`STALE_GRACE` seconds after another process's, which normally recomputes them itself).

Store calls go through one lock per store object: ``store`` for writes and maintenance, a
second object of the same file for the document texts, so reading a document never waits for
a cluster recomputation.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import DocumentError
from ..pipeline.local import failed
from ..records import Document, DocumentResult, Event
from ..settings import Settings
from ..situation import EventCluster, cluster_events
from ..store import ReviewEntry, ReviewState, Store
from .clusters import ClusterSet
from .index import DocEntry, EventIndex
from .memory import release_memory

logger = logging.getLogger(__name__)

Pair = tuple[Document, DocumentResult]
ExtractFn = Callable[[Document], DocumentResult]
#: Seconds stale clusters are left to the process that made them stale before the server
#: recomputes them itself.
STALE_GRACE = 10.0


@dataclass
class IngestOutcome:
    stored: list[str] = field(default_factory=list)
    events: int = 0
    skipped: list[tuple[int, str | None, DocumentError]] = field(default_factory=list)


class Backend:
    """The store, the index of it, and the extractor of POSTed documents.

    ``extract`` defaults to ``Extractor(settings).extract``, made on the first POST.
    :meth:`start` runs the maintenance thread (every ``interval`` seconds, and at once after
    the server's own writes); without it, every change is indexed before the call returns.
    """

    def __init__(
        self,
        store: Store,
        *,
        extract: ExtractFn | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.store = store
        self._reader = store.reader()
        self._extract = extract
        self._settings = settings
        self._lock = threading.RLock()  # self.store and the extractor: one thread at a time
        self._read_lock = threading.Lock()  # self._reader
        self._cond = threading.Condition()
        self._requested = 0  # changes this server asked to be indexed
        self._indexed = 0  # of them, those the index includes
        self._own_writes = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._interval = 1.0
        self._docs: dict[str, DocEntry] = {}
        self._seen: int | None = None
        self._clusters_at: str | None = None
        self._clusters = ClusterSet()
        self._stale_since: float | None = None
        self._stamp: tuple[Any, ...] | None = None
        self._situation: tuple[int, list[EventCluster]] | None = None
        self._index = EventIndex(docs={})
        self.refresh()

    @property
    def index(self) -> EventIndex:
        return self._index

    # -- keeping the index in step -------------------------------------------------------

    def _file_stamp(self) -> tuple[Any, ...] | None:
        """Size and time of the database file and its write-ahead log: moves on every write."""
        path = self.store.path
        if path is None:
            return None
        stamp: list[Any] = []
        for name in (path, path.with_name(path.name + ".wal")):
            try:
                st = os.stat(name)
                stamp.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                stamp.append(None)
        return tuple(stamp)

    def refresh(self) -> bool:
        """Read what changed in the store and swap in a new index; ``True`` if it changed."""
        with self._cond:
            target = self._requested
        with self._lock:
            self._stamp = self._file_stamp()
            delta = self.store.delta(self._seen, self._clusters_at)
        changed, stale = not delta.empty, delta.stale
        if changed:
            for document, result in delta.rows.pairs():
                self._docs[document.id] = DocEntry.of(document, result)
            for doc_id in self._docs.keys() - (delta.ids or self._docs.keys()):
                del self._docs[doc_id]  # stored again under a new id
            if delta.clusters is not None:
                self._clusters = ClusterSet(delta.clusters, previous=self._clusters)
            self._seen, self._clusters_at = delta.changes, delta.clusters_at
            self._index = EventIndex(
                docs=self._docs, clusters=self._clusters, book=delta.book, previous=self._index
            )
            self._situation = None
            del delta  # the rows and clusters read: given back with the former index
            release_memory()
        if stale == "1":
            self._stale_since = self._stale_since or time.monotonic()
        elif stale is not None:
            self._stale_since = None
        with self._cond:
            self._indexed = max(self._indexed, target)
            self._cond.notify_all()
        return changed

    def changed(self, *, own: bool = True) -> None:
        """The store changed (a write of this server): index it (in the maintenance thread
        when it runs, else now)."""
        with self._cond:
            self._requested += 1
            self._own_writes = self._own_writes or own
            self._cond.notify_all()
        if self._thread is None:
            self.maintain()

    def wait_indexed(self, timeout: float) -> bool:
        """Wait until the index includes every change this server made; ``False`` on time-out."""
        with self._cond:
            target = self._requested
            return self._cond.wait_for(lambda: self._indexed >= target, timeout)

    def maintain(self) -> None:
        """One round: store the spool, recompute stale clusters when it is this server's turn,
        and refresh the index if the database changed."""
        with self._cond:
            own, self._own_writes = self._own_writes, False
            requested = self._requested > self._indexed
        with self._lock:
            if self.store.spooled():
                stats = self.store.drain_spool()
                if stats.drained:
                    logger.info("stored %s spooled documents", stats.drained)
                own = True
            overdue = self._stale_since is not None and (
                time.monotonic() - self._stale_since > STALE_GRACE
            )
            if own or overdue:
                self.store.refresh_clusters()
        if own or requested or overdue or self._file_stamp() != self._stamp:
            self.refresh()

    def start(self, interval: float = 1.0) -> None:
        """Run :meth:`maintain` in a background thread every ``interval`` seconds."""
        if self._thread is None:
            self._interval = interval
            self._thread = threading.Thread(
                target=self._loop, name="frontwatch-maintenance", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self.maintain()
            except Exception:  # keep serving the old index; try again next round
                logger.exception("keeping the index in step with the store failed")
            with self._cond:
                self._cond.wait_for(
                    lambda: self._stopping.is_set() or self._requested > self._indexed,
                    self._interval,
                )

    def stop(self) -> None:
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=60)

    # -- reads that the index does not hold ----------------------------------------------

    def document(self, doc_id: str) -> Document | None:
        with self._read_lock:
            return self._reader.document(doc_id)

    def clusters(self) -> Sequence[EventCluster]:
        return self._index.clusters

    def situation_clusters(self, *, include_rejected: bool) -> Sequence[EventCluster]:
        """The clusters of the situation: the stored ones, or with rejected events kept,
        computed now (kept until the index changes)."""
        index = self._index
        if not include_rejected:
            return index.clusters
        cached = self._situation
        if cached is not None and cached[0] == id(index):
            return cached[1]
        with self._read_lock:
            pairs, duplicates, constraints = self._reader.cluster_inputs(include_rejected=True)
        clusters = cluster_events(pairs, duplicates, **constraints)
        self._situation = (id(index), clusters)
        return clusters

    # -- writes ----------------------------------------------------------------------------

    def extract(self, document: Document) -> DocumentResult:
        if self._extract is None:
            from ..pipeline import Extractor

            self._extract = Extractor(self._settings).extract  # loads spaCy: first POST only
        return self._extract(document)

    def ingest(self, documents: Sequence[Document]) -> IngestOutcome:
        """Extract and store ``documents`` (one transaction); bad documents are skipped."""
        outcome = IngestOutcome()
        pairs: list[Pair] = []
        with self._lock:  # one extraction at a time: the pipeline is not shared across threads
            for i, document in enumerate(documents):
                try:
                    result = self.extract(document)
                except DocumentError as err:
                    outcome.skipped.append((i, document.id, err))
                    continue
                except Exception as err:  # a failure on one document costs only that one
                    outcome.skipped.append((i, document.id, failed(document, err)))
                    continue
                pairs.append((document, result))
                outcome.stored.append(document.id)
                outcome.events += len(result.events)
            if pairs:
                self.store.ingest(pairs)
        if pairs:
            self.changed()
        return outcome

    def review(
        self,
        event_id: str,
        action: str,
        *,
        changes: Mapping[str, Any],
        note: str | None,
        by: str,
    ) -> tuple[Event, ReviewState | None]:
        with self._lock:
            result = self.store.review(
                event_id, action, changes=changes, note=note, by=by, refresh=False
            )
        self.changed()
        return result

    def merge(self, event_ids: Sequence[str], *, note: str | None, by: str) -> ReviewEntry:
        with self._lock:
            entry = self.store.merge(event_ids, note=note, by=by, refresh=False)
        self.changed()
        return entry

    def split(self, event_id: str, *, note: str | None, by: str) -> ReviewEntry:
        with self._lock:
            entry = self.store.split(event_id, note=note, by=by, refresh=False)
        self.changed()
        return entry

    def history(self, event_id: str) -> list[ReviewEntry]:
        """The review log of an event (its former ids included), oldest first."""
        book = self._index.book
        return [] if book is None else book.log_of(event_id)

    def drain(self) -> int:
        """Store what other processes spooled; returns the number of documents drained."""
        with self._lock:
            stats = self.store.drain_spool()
        if stats.drained:
            self.changed()
        return stats.drained

    def close(self) -> None:
        self.stop()
        with self._lock:
            self.store.close()
