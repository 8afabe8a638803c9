"""The corpus store: documents and their extraction in an embedded DuckDB file (docs/store.md).

>>> with Store.open("corpus.duckdb") as store:           # doctest: +SKIP
...     stats = store.ingest(pairs)                       # (Document, DocumentResult) pairs
...     store.events(EventFilter(country="UA"))

Ingest is idempotent: a document is identified by its id and the SHA-256 of its text. The same
document again changes nothing; the same id with another text, or extracted by another
extractor version, replaces all of that document's rows. Every batch is one transaction, so a
crash loses at most the batch in progress and a re-run completes the database exactly as a
clean run would.

Many processes share one store (:mod:`.access`): each holds the database file only for one
transaction (a writer) or one read, and a writer that cannot get it within ``wait`` seconds
queues its batch in the spool (:mod:`.spool`), which the next writer stores. Reviews
(:mod:`.reviews`) are kept apart from the extraction and applied when events are read.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypeVar

import duckdb
from pydantic import BaseModel

from ..about import EXTRACTOR_VERSION
from ..errors import DocumentError, Errors
from ..filters import EventFilter
from ..records import Document, DocumentResult, Event
from . import reading
from .access import (
    DEFAULT_WAIT,
    FileLock,
    StoreBusy,
    StoreError,
    StoreMissing,
    busy,
    check_file,
    connect,
)
from .reviewing import Reviewing
from .reviews import ReviewBook, Vocabulary
from .schema import SCHEMA_VERSION, SchemaTooNew, current_version, migrate
from .spool import Spooled, clean_stale, read_spool_file, spool_dir, spool_files, write_spool
from .writing import IngestStats, batched, is_older, rollback, write_batch

logger = logging.getLogger(__name__)

DEFAULT_PATH = "frontwatch.duckdb"
MEMORY = ":memory:"
DEFAULT_BATCH_SIZE = 64
#: At most this many seconds of waiting when a writer opens the store (the maintenance it does
#: then: migrating, storing the spool, recomputing stale clusters, is also done later).
OPEN_WAIT = 1.0

Con = duckdb.DuckDBPyConnection
Pair = tuple[Document, DocumentResult]
#: Groups the stored results into situation clusters (``frontwatch.situation.cluster_events``),
#: given the near-duplicate links; passed in by the caller. When reviews merged or split
#: reports it is called with the keywords ``together`` (lists of event ids to cluster
#: together) and ``apart`` (event ids each in a cluster of its own).
Clusterer = Callable[..., Sequence[Any]]
ClusterT = TypeVar("ClusterT", bound=BaseModel)


class ExtractorLike(Protocol):
    def extract_many(
        self, items: Iterable[Document | DocumentError]
    ) -> Iterator[DocumentResult | DocumentError]: ...


def extract_pairs(
    extractor: ExtractorLike, items: Iterable[Document | DocumentError]
) -> Iterator[Pair | DocumentError]:
    """Run ``extractor.extract_many`` and pair each result with its document."""
    waiting: dict[str, deque[Document]] = defaultdict(deque)

    def feed() -> Iterator[Document | DocumentError]:
        for item in items:
            if isinstance(item, Document):
                waiting[item.id].append(item)
            yield item

    for out in extractor.extract_many(feed()):
        if isinstance(out, DocumentError):
            if out.doc_id is not None and waiting.get(out.doc_id):  # failed in the pipeline
                waiting[out.doc_id].popleft()
            yield out
            continue
        queue = waiting.get(out.doc_id)
        if not queue:
            raise ValueError(f"the extractor returned a result for unknown document {out.doc_id}")
        yield queue.popleft(), out


@dataclass(frozen=True)
class Delta:
    """What :meth:`Store.delta` read: the change counter now, the documents written since,
    the review log (``None``: nothing changed), the clusters' stamp and, if they changed,
    the clusters as JSON, whether they are stale, and the ids of all stored documents
    (``None``: nothing changed; a document stored again under a new id leaves its former
    one, docs/input.md)."""

    changes: int
    pairs: list[Pair]
    book: ReviewBook | None
    clusters_at: str | None
    clusters: list[str] | None
    stale: str | None
    ids: frozenset[str] | None = None

    @property
    def empty(self) -> bool:
        return self.book is None


class Store(Reviewing):
    """Documents, events, clusters and reviews in one DuckDB database. Open with :meth:`open`."""

    def __init__(
        self,
        path: Path | None,
        *,
        read_only: bool,
        clusterer: Clusterer | None,
        wait: float,
        con: Con | None = None,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.wait = wait
        self._clusterer = clusterer
        self._con = con  # the connection of the session in progress, or a pinned one
        self._pinned = ExitStack()
        self._pinned_write = con is not None
        self._drained = IngestStats()
        self._depth = 0  # sessions open on this object (nested calls share the outer one)
        self._vocabulary: Vocabulary | None = None

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        clusterer: Clusterer | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> Store:
        """The database at ``path`` (default ``frontwatch.duckdb``; ``":memory:"``: a private
        in-memory database).

        A reader (``read_only``) holds the file, shared with other readers, from now until
        :meth:`close`: open, read, close. A writer holds it only while it writes (each batch
        of :meth:`ingest`, each review) and reads (each call). Both wait up to ``wait``
        seconds for processes that hold it: then a writer's batch goes to the spool and any
        other use raises :class:`~.access.StoreBusy` (E301). A missing database is E303 for
        a reader; a file that is not a DuckDB database, E304; a newer schema, E302.

        ``clusterer`` groups the stored results into situation clusters after each write (the
        commands and the API pass ``frontwatch.situation.cluster_events``); without one the
        store keeps no clusters and reports no source counts.
        """
        if str(path) == MEMORY:
            con = duckdb.connect(MEMORY)
            migrate(con)
            return cls(None, read_only=False, clusterer=clusterer, wait=wait, con=con)
        db = Path(path if path is not None else DEFAULT_PATH)
        check_file(db)
        store = cls(db, read_only=read_only, clusterer=clusterer, wait=wait)
        if read_only:
            if not db.exists():
                raise StoreMissing(Errors.E303, path=db)
            store._pin_reader()
            return store
        db.parent.mkdir(parents=True, exist_ok=True)
        try:
            with store._session(write=True, wait=min(wait, OPEN_WAIT)):
                pass  # migrate, store the spool
            store._refresh_clusters()
        except StoreBusy:
            logger.info("%s is busy: maintenance left to the next write", db)
        return store

    def _pin_reader(self) -> None:
        try:
            self._con = self._pinned.enter_context(self._read_session())
        except BaseException:
            self._pinned.close()
            raise

    def close(self) -> None:
        self._pinned.close()
        if self.path is None and self._con is not None:
            self._con.close()
        self._con = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def connection(self) -> Con:
        """A DuckDB connection for ad-hoc SQL over the tables of docs/store.md. A writer's is
        opened for writing and held, keeping other processes out, until :meth:`close`."""
        if self._con is None:
            self._con = self._pinned.enter_context(self._write_session(self.wait))
            self._pinned_write = True
        return self._con

    @contextmanager
    def read(self) -> Iterator[Con]:
        """A connection to read with, held for the ``with`` block (a consistent view)."""
        with self._session(write=False) as con:
            yield con

    # ------------------------------------------------------------------ sessions

    @contextmanager
    def _session(self, *, write: bool, wait: float | None = None) -> Iterator[Con]:
        """The database for one read or one write: the connection in use if there is one,
        else the file's lock and a connection, both held for the ``with`` block."""
        if self._con is not None:
            if write and not self._pinned_write:
                raise ValueError(f"database {self.path} was opened read-only")
            if write and self._depth == 0:
                self._drain(self._con)  # a pinned writer stores the spool too
            self._depth += 1
            try:
                yield self._con
            finally:
                self._depth -= 1
            return
        if write and self.read_only:
            raise ValueError(f"database {self.path} was opened read-only")
        limit = self.wait if wait is None else wait
        session = self._write_session(limit) if write else self._read_session(limit)
        with session as con:
            self._con, self._pinned_write = con, write
            self._depth = 1
            try:
                yield con
            finally:
                self._con, self._pinned_write, self._depth = None, False, 0

    @contextmanager
    def _write_session(self, wait: float) -> Iterator[Con]:
        assert self.path is not None
        lock = FileLock(self.path)
        deadline = time.monotonic() + wait
        if not lock.acquire(exclusive=True, wait=wait):
            raise busy(self.path, wait, "other frontwatch processes are using it")
        try:
            check_file(self.path)
            con = connect(self.path, read_only=False, deadline=deadline, wait=wait)
            try:
                try:
                    migrate(con)
                except SchemaTooNew as err:
                    raise StoreError(
                        Errors.E302,
                        path=self.path,
                        found=err.args[0],
                        supported=SCHEMA_VERSION,
                    ) from err
                clean_stale(self.path)
                self._drain(con)
                yield con
            finally:
                con.close()
        finally:
            lock.release()

    @contextmanager
    def _read_session(self, wait: float | None = None) -> Iterator[Con]:
        """A read-only connection; a database of an older schema is migrated first, and a
        database that does not exist yet is created (a writer's store)."""
        assert self.path is not None
        limit = self.wait if wait is None else wait
        if not self.path.exists() and not self.read_only:
            with self._write_session(limit):
                pass
        for attempt in range(2):
            lock = FileLock(self.path)
            deadline = time.monotonic() + limit
            if not lock.acquire(exclusive=False, wait=limit):
                raise busy(self.path, limit, "a writer kept it")
            try:
                con = connect(self.path, read_only=True, deadline=deadline, wait=limit)
                try:
                    found = current_version(con)
                    if found == SCHEMA_VERSION:
                        yield con
                        return
                finally:
                    con.close()
            finally:
                lock.release()
            if found > SCHEMA_VERSION or attempt:
                raise StoreError(Errors.E302, path=self.path, found=found, supported=SCHEMA_VERSION)
            logger.info("migrating %s from schema version %s", self.path, found)
            with self._write_session(limit):  # an older schema: migrate it, then read
                pass

    # ------------------------------------------------------------------ writing

    def _write(self, con: Con, batch: Sequence[Spooled], *, force: bool) -> IngestStats:
        """One batch in one transaction."""
        con.execute("BEGIN TRANSACTION")
        try:
            change = reading.changes(con) + 1
            stats = write_batch(con, batch, force=force, change=change)
            if stats.changed:
                reading.set_meta(con, "changes", str(change))
                reading.set_meta(con, "clusters_stale", "1")
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise
        return stats

    def _drain(self, con: Con) -> None:
        """Store the spool files, oldest first, one transaction each (inside a write session)."""
        if self.path is None:
            return
        for path in spool_files(self.path):
            spooled = read_spool_file(path)
            if spooled is None:
                continue
            items, force = spooled
            stats = self._write(con, items, force=force)
            path.unlink(missing_ok=True)  # after the commit: a crash between re-stores it
            stats.drained = len(items)
            logger.info("stored %s spooled documents from %s", len(items), path.name)
            self._drained += stats

    def _take_drained(self) -> IngestStats:
        stats, self._drained = self._drained, IngestStats()
        return stats

    def ingest(
        self,
        items: Iterable[Pair],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        extractor_version: str | None = None,
        force: bool = False,
    ) -> IngestStats:
        """Store ``(document, result)`` pairs, ``batch_size`` documents a transaction.

        ``extractor_version`` is the version that produced the results (default: that of
        their events, else the installed :data:`~frontwatch.about.EXTRACTOR_VERSION`).
        ``force`` replaces stored documents even when unchanged (reprocessing). A batch that
        cannot get the database within the wait goes to the spool
        (:attr:`IngestStats.queued`); the spool is stored by every write session, this
        store's next batches included (:attr:`IngestStats.drained`). The situation clusters
        are recomputed at the end.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.read_only:
            raise ValueError(f"database {self.path} was opened read-only")
        stats = IngestStats()
        for batch in batched(items, batch_size):
            rows = [(doc, res, extractor_version) for doc, res in batch]
            try:
                with self._session(write=True) as con:
                    stats += self._write(con, rows, force=force)
            except StoreBusy:
                if self.path is None:
                    raise
                _, count = write_spool(self.path, batch, version=extractor_version, force=force)
                stats.queued += count
                logger.info("%s: %s documents spooled", self.path, count)
            stats += self._take_drained()
        if stats.queued:  # the file may be free again: store what this run queued
            self._try_drain()
            stats += self._take_drained()
        self._refresh_clusters()
        return stats

    def _try_drain(self) -> None:
        try:
            with self._session(write=True, wait=min(self.wait, OPEN_WAIT)):
                pass
        except StoreBusy:
            logger.info("%s still busy: its spool waits for the next writer", self.path)

    def drain_spool(self) -> IngestStats:
        """Store the batches queued in the spool now (and recompute the clusters)."""
        with self._session(write=True):
            pass
        stats = self._take_drained()
        self._refresh_clusters()
        return stats

    def spooled(self) -> int:
        """Number of spool files waiting for a writer."""
        return 0 if self.path is None else len(spool_files(self.path))

    @property
    def spool(self) -> Path | None:
        """The spool folder of this database."""
        return None if self.path is None else spool_dir(self.path)

    # ------------------------------------------------------------------ clusters

    @property
    def has_clusters(self) -> bool:
        """Whether clusters (and so source counts) are computed for this store."""
        return self._clusterer is not None

    def _refresh_clusters(self, attempts: int = 3) -> bool:
        """Recompute the situation clusters if a write made them stale; ``True`` when they
        are current. Computed with the database closed; written only if nothing changed the
        store meanwhile (else the process that changed it recomputes them)."""
        if self._clusterer is None or self.read_only:
            return False
        for _ in range(attempts):
            try:
                with self._session(write=False) as con:
                    if reading.get_meta(con, "clusters_stale") != "1":
                        return True
                    seen = reading.changes(con)
                    book = self._book(con)
                    results = self._reviewed(reading.results(con), book, include_rejected=False)
                    dups = reading.duplicates(con)
                together, apart = book.constraints()
                extra = {"together": together, "apart": apart} if together or apart else {}
                clusters = self._clusterer(results, dups, **extra)
                with self._session(write=True) as con:
                    if reading.changes(con) != seen:
                        continue
                    self._write_clusters(con, clusters)
                    return True
            except StoreBusy as err:
                logger.info("clusters of %s left stale: %s", self.path, err)
                return False
        return False

    def _write_clusters(self, con: Con, clusters: Sequence[Any]) -> None:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM clusters")
            con.execute("DELETE FROM cluster_members")
            rows: list[tuple[Any, ...]] = []
            members: list[tuple[str, str, str]] = []
            for i, cluster in enumerate(clusters):
                rows.append(
                    (
                        cluster.id,
                        i,
                        cluster.event.id,
                        cluster.sources,
                        cluster.earliest,
                        cluster.model_dump_json(),
                    )
                )
                members.extend((cluster.id, r.event_id, r.doc_id) for r in cluster.reports)
            if rows:
                con.executemany("INSERT INTO clusters VALUES ($1, $2, $3, $4, $5, $6)", rows)
            if members:
                con.executemany("INSERT INTO cluster_members VALUES ($1, $2, $3)", members)
            change = reading.changes(con) + 1
            reading.set_meta(con, "clusters_stale", "0")
            reading.set_meta(con, "changes", str(change))
            reading.set_meta(con, "clusters_at", str(change))
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise

    def clusters(self, model: type[ClusterT]) -> list[ClusterT]:
        """The stored situation clusters, in order, read as ``model``
        (``frontwatch.situation.EventCluster``: the store does not know the situation's types)."""
        with self._session(write=False) as con:
            return [model.model_validate_json(data) for data in reading.cluster_data(con)]

    def source_counts(self) -> dict[str, int]:
        """Event id -> independent sources of its cluster."""
        with self._session(write=False) as con:
            return reading.source_counts(con)

    # ------------------------------------------------------------------ reading

    def documents(self) -> list[Document]:
        """Every stored document, in ingest order."""
        with self._session(write=False) as con:
            return reading.documents(con)

    def document(self, doc_id: str) -> Document | None:
        with self._session(write=False) as con:
            return reading.document(con, doc_id)

    def document_versions(self) -> dict[str, str]:
        """Document id -> the extractor version of its stored records."""
        with self._session(write=False) as con:
            return reading.document_versions(con)

    def results(self, *, reviewed: bool = False, include_rejected: bool = False) -> list[Pair]:
        """Every document with its stored result, in ingest order: as extracted, or with
        ``reviewed`` the reviews applied (rejected events left out unless
        ``include_rejected``)."""
        with self._session(write=False) as con:
            pairs = reading.results(con)
            if not reviewed:
                return pairs
            return self._reviewed(pairs, self._book(con), include_rejected=include_rejected)

    def duplicates(self) -> dict[str, str]:
        """Near-duplicate document id -> the earliest-ingested document it copies."""
        with self._session(write=False) as con:
            return reading.duplicates(con)

    def events(
        self, filter: EventFilter | None = None, *, include_rejected: bool = False
    ) -> list[Event]:
        """Events, with their reviews applied, that pass ``filter``, ordered by date (undated
        last), then id; rejected events are left out unless ``include_rejected``.

        The flattened columns of unreviewed events are filtered in SQL (parameters only);
        the rest of :meth:`EventFilter.matches` (actors and their members, types), and every
        reviewed event, in Python. ``min_sources`` uses the stored clusters; an event in no
        cluster has one source.
        """
        flt = filter or EventFilter()
        with self._session(write=False) as con:
            book = self._book(con)
            reviewed = set(book.states)  # every correction is a verdict too
            found = reading.events(con, flt, leave_out=reviewed)
            for raw in reading.events_by_id(con, reviewed):
                event, state = book.apply(raw)
                if include_rejected or state is None or not state.rejected:
                    found.append(event)
            counts = reading.source_counts(con) if flt.min_sources and self.has_clusters else None
        found.sort(key=_event_order)
        return [e for e in found if flt.matches(e, None if counts is None else counts.get(e.id, 1))]

    # ------------------------------------------------------------------ the server's reads

    def delta(self, since: int | None, clusters_at: str | None) -> Delta:
        """What changed after the change counter was ``since`` (``None``: everything), read at
        once: the documents written since with their results, the review log, and the
        clusters (as JSON) when they were recomputed after ``clusters_at``."""
        with self._session(write=False) as con:
            now = reading.changes(con)
            stamp = reading.get_meta(con, "clusters_at")
            if since is not None and now == since and stamp == clusters_at:
                return Delta(now, [], None, stamp, None, None)
            pairs = reading.results(con, changed_since=since)
            clusters = reading.cluster_data(con) if stamp != clusters_at or since is None else None
            return Delta(
                now,
                pairs,
                self._book(con),
                stamp,
                clusters,
                reading.get_meta(con, "clusters_stale"),
                frozenset(reading.document_versions(con)),
            )

    def reader(self) -> Store:
        """Another store object on the same file, for another thread (a store object is used
        by one thread at a time)."""
        if self.path is None:
            return self
        return Store(self.path, read_only=False, clusterer=self._clusterer, wait=self.wait)

    def refresh_clusters(self) -> bool:
        """Recompute the situation clusters if a write made them stale; ``True`` when they are
        current."""
        return self._refresh_clusters()

    def cluster_inputs(
        self, *, include_rejected: bool = False
    ) -> tuple[list[Pair], dict[str, str], dict[str, list[Any]]]:
        """What clustering needs, read at once: the reviewed results, the near-duplicate links
        and the keywords of the analysts' merges and splits (``together``, ``apart``)."""
        with self._session(write=False) as con:
            book = self._book(con)
            pairs = self._reviewed(reading.results(con), book, include_rejected=include_rejected)
            dups = reading.duplicates(con)
        together, apart = book.constraints()
        extra: dict[str, list[Any]] = (
            {"together": together, "apart": apart} if together or apart else {}
        )
        return pairs, dups, extra

    # ------------------------------------------------------------------ reprocessing

    def reprocess(
        self,
        extractor: ExtractorLike,
        *,
        older_than: str | None = None,
        everything: bool = False,
        version: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> IngestStats:
        """Re-extract stored documents and replace their records (their reviews stay).

        Which documents: all of them with ``everything``; else those whose records were made
        by an extractor older than ``older_than``; else (the default) those whose extractor
        version differs from ``version`` (default: the installed
        :data:`~frontwatch.about.EXTRACTOR_VERSION`). Documents the extractor now rejects are
        counted as skipped and keep their old records.
        """
        if self.read_only:
            raise ValueError(f"database {self.path} was opened read-only")
        current = version or EXTRACTOR_VERSION
        with self._session(write=False) as con:
            versions = reading.document_versions(con)
            if everything:
                todo = set(versions)
            elif older_than is not None:
                todo = {d for d, v in versions.items() if is_older(v, older_than)}
            else:
                todo = {d for d, v in versions.items() if v != current}
            documents = [d for d in reading.documents(con) if d.id in todo]
        stats = IngestStats()

        def pairs() -> Iterator[Pair]:
            for item in extract_pairs(extractor, documents):
                if isinstance(item, DocumentError):
                    logger.warning("reprocess skipped: %s", item)
                    stats.skipped += 1
                else:
                    yield item

        stats += self.ingest(pairs(), batch_size=batch_size, extractor_version=current, force=True)
        return stats


def _event_order(event: Event) -> tuple[bool, dt.date, str, str]:
    start = event.date.start if event.date is not None else None
    return (start is None, start or dt.date.min, event.id, event.doc_id)


def canonical_dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, without timestamps and write counters: two stores with the
    same contents dump equal."""
    with store.read() as con:
        return reading.canonical_dump(con)
