"""The API's access to the store: one writer, an in-memory index for reads.

The server process is the database's single writer: it opens the store for writing (taking the
writer lock, see docs/store.md), stores documents POSTed to it, and drains the spool that other
processes (``frontwatch ingest`` / ``watch`` while the server runs) leave, every few seconds.
Every store call goes through one lock (a DuckDB connection is not shared across threads);
reads are served from :class:`~frontwatch.api.index.EventIndex`, rebuilt after each change and
swapped in whole, so a request never sees half an update.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import DocumentError
from ..pipeline.local import failed
from ..records import Document, DocumentResult
from ..settings import Settings
from ..situation import EventCluster
from .index import EventIndex

logger = logging.getLogger(__name__)

Pair = tuple[Document, DocumentResult]
ExtractFn = Callable[[Document], DocumentResult]


class StoreLike(Protocol):
    """What the API needs of :class:`frontwatch.store.Store` (tests pass a small fake)."""

    def results(self) -> Iterator[Pair]: ...

    def clusters(self, model: type[EventCluster]) -> list[EventCluster]: ...

    def document(self, doc_id: str) -> Document | None: ...

    def ingest(self, items: Iterable[Pair]) -> Any: ...

    def close(self) -> None: ...


@dataclass
class IngestOutcome:
    stored: list[str] = field(default_factory=list)
    events: int = 0
    skipped: list[tuple[int, str | None, DocumentError]] = field(default_factory=list)


class Backend:
    """The store, its index and the extractor of POSTed documents.

    ``extract`` defaults to ``Extractor(settings).extract``, made on the first POST.

    Every change to the store (a POST, a drained spool) counts as one change; the index is
    rebuilt by :meth:`refresh`, in the refresher thread once :meth:`start` ran (changes that
    arrive during a rebuild are coalesced into the next one), else at once.
    """

    def __init__(
        self,
        store: StoreLike,
        *,
        extract: ExtractFn | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.store = store
        self._extract = extract
        self._settings = settings
        self._lock = threading.RLock()  # the store and the extractor: one thread at a time
        self._cond = threading.Condition()
        self._changes = 0  # changes made to the store so far
        self._indexed = 0  # changes the current index includes
        self._stopping = threading.Event()
        self._refresher: threading.Thread | None = None
        self._index = self._build()

    @property
    def index(self) -> EventIndex:
        return self._index

    def _build(self) -> EventIndex:
        with self._lock:  # read under the lock, index without it
            pairs = list(self.store.results())
            clusters = self.store.clusters(EventCluster)
        return EventIndex(pairs, clusters)

    def refresh(self) -> None:
        """Rebuild the index from the store and swap it in."""
        with self._cond:
            target = self._changes
        index = self._build()
        with self._cond:
            self._index = index
            self._indexed = max(self._indexed, target)
            self._cond.notify_all()

    def changed(self) -> None:
        """The store changed: rebuild the index (in the refresher thread when it runs)."""
        with self._cond:
            self._changes += 1
            self._cond.notify_all()
        if self._refresher is None:
            self.refresh()

    def wait_indexed(self, timeout: float) -> bool:
        """Wait until the index includes every change made so far; ``False`` on time-out."""
        with self._cond:
            target = self._changes
            return self._cond.wait_for(lambda: self._indexed >= target, timeout)

    def start(self) -> None:
        """Rebuild the index in a background thread from now on."""
        if self._refresher is None:
            self._refresher = threading.Thread(
                target=self._refresh_loop, name="frontwatch-index", daemon=True
            )
            self._refresher.start()

    def _refresh_loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(
                    lambda: self._stopping.is_set() or self._changes > self._indexed
                )
            if self._stopping.is_set():
                return
            try:
                self.refresh()
            except Exception:  # keep serving the old index; try again shortly
                logger.exception("rebuilding the event index failed")
                self._stopping.wait(1.0)

    def stop(self) -> None:
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        if self._refresher is not None and self._refresher.is_alive():
            self._refresher.join(timeout=60)

    def document(self, doc_id: str) -> Document | None:
        with self._lock:
            return self.store.document(doc_id)

    def clusters(self) -> Sequence[Any]:
        return self._index.clusters

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

    def drain(self) -> int:
        """Store what other processes spooled; returns the number of documents drained."""
        drain = getattr(self.store, "drain_spool", None)
        if drain is None:
            return 0
        with self._lock:
            stats = drain()
        drained = int(getattr(stats, "drained", 0))
        if getattr(stats, "changed", drained > 0):
            self.changed()
        return drained

    def close(self) -> None:
        self.stop()
        with self._lock:
            self.store.close()


class Drainer:
    """A daemon thread that drains the spool every ``interval`` seconds until stopped."""

    def __init__(self, backend: Backend, interval: float) -> None:
        self.backend = backend
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="frontwatch-drain", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                drained = self.backend.drain()
            except Exception:  # keep serving; the spool stays for the next round
                logger.exception("draining the spool failed")
                continue
            if drained:
                logger.info("stored %s spooled documents", drained)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
