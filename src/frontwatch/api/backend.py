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
from ..records import Document, DocumentResult
from .index import EventIndex

logger = logging.getLogger(__name__)

Pair = tuple[Document, DocumentResult]
ExtractFn = Callable[[Document], DocumentResult]


class StoreLike(Protocol):
    """What the API needs of :class:`frontwatch.store.Store` (tests pass a small fake)."""

    def results(self) -> Iterator[Pair]: ...

    def clusters(self) -> list[Any]: ...

    def document(self, doc_id: str) -> Document | None: ...

    def ingest(self, items: Iterable[Pair]) -> Any: ...

    def close(self) -> None: ...


@dataclass
class IngestOutcome:
    stored: list[str] = field(default_factory=list)
    events: int = 0
    skipped: list[tuple[int, str | None, DocumentError]] = field(default_factory=list)


class Backend:
    """The store, its index and the extractor of POSTed documents."""

    def __init__(self, store: StoreLike, *, extract: ExtractFn | None = None) -> None:
        self.store = store
        self._extract = extract
        self._lock = threading.RLock()
        self._index = self._build()

    @property
    def index(self) -> EventIndex:
        return self._index

    def _build(self) -> EventIndex:
        with self._lock:
            return EventIndex(self.store.results(), self.store.clusters())

    def refresh(self) -> None:
        """Rebuild the index from the store and swap it in."""
        index = self._build()
        self._index = index

    def document(self, doc_id: str) -> Document | None:
        with self._lock:
            return self.store.document(doc_id)

    def clusters(self) -> Sequence[Any]:
        return self._index.clusters

    def extract(self, document: Document) -> DocumentResult:
        if self._extract is None:
            from ..pipeline import Extractor

            self._extract = Extractor().extract
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
                pairs.append((document, result))
                outcome.stored.append(document.id)
                outcome.events += len(result.events)
            if pairs:
                self.store.ingest(pairs)
        if pairs:
            self.refresh()
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
            self.refresh()
        return drained

    def close(self) -> None:
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
