"""The corpus store: documents and their extraction in an embedded DuckDB file (docs/store.md).

>>> with Store.open("corpus.duckdb") as store:           # doctest: +SKIP
...     stats = store.ingest(pairs)                       # (Document, DocumentResult) pairs
...     store.events(EventFilter(country="UA"))

Ingest is idempotent: a document is identified by its id and the SHA-256 of its text. The same
document again changes nothing; the same id with another text, or extracted by another
extractor version, replaces all of that document's rows. Every batch is one transaction, so a
crash loses at most the batch in progress and a re-run completes the database exactly as a
clean run would. One process writes a database at a time (:mod:`.lock`): the others spool their
batches for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypeVar

import duckdb
from packaging.version import InvalidVersion, Version
from pydantic import BaseModel

from ..about import EXTRACTOR_VERSION
from ..errors import DocumentError
from ..filters import EventFilter
from ..records import Document, DocumentResult, Event, Flag, Source, Toponym
from . import neardup
from .lock import WriterLock, read_spool, spool_dir, write_spool
from .renames import former_ids
from .rows import event_row, mention_rows, sql_conditions
from .schema import SCHEMA_VERSION, SchemaTooNew, current_version, migrate

logger = logging.getLogger(__name__)

DEFAULT_PATH = "frontwatch.duckdb"
MEMORY = ":memory:"
DEFAULT_BATCH_SIZE = 64

Pair = tuple[Document, DocumentResult]
#: Groups the stored results into situation clusters (``frontwatch.situation.cluster_events``),
#: given the near-duplicate links; passed in by the caller.
Clusterer = Callable[[Sequence[Pair], Mapping[str, str] | None], Sequence[Any]]
ClusterT = TypeVar("ClusterT", bound=BaseModel)


class StoreError(Exception):
    """A store that cannot be opened or written (message meant for the user)."""


class StoreLocked(StoreError):
    """Another process holds the writer lock: only :meth:`Store.ingest` (spooled) works."""


class ExtractorLike(Protocol):
    def extract_many(
        self, items: Iterable[Document | DocumentError]
    ) -> Iterator[DocumentResult | DocumentError]: ...


@dataclass
class IngestStats:
    """What an ingest (or reprocess) did, in documents, and the events it wrote."""

    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    skipped: int = 0
    events: int = 0
    duplicates: int = 0
    queued: int = 0
    drained: int = 0

    def __iadd__(self, other: IngestStats) -> IngestStats:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    @property
    def changed(self) -> bool:
        return bool(self.new or self.replaced)

    def summary(self) -> str:
        return (
            f"documents: {self.new} new, {self.unchanged} unchanged, {self.replaced} replaced, "
            f"{self.skipped} skipped; {self.events} events; "
            f"{self.duplicates} near-duplicates linked"
        )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_key(version: str) -> Version | None:
    try:
        return Version(version)
    except InvalidVersion:
        return None


def is_older(version: str, than: str) -> bool:
    """``version < than`` as versions; unparsable versions are older when they differ."""
    a, b = version_key(version), version_key(than)
    if a is None or b is None:
        return version != than
    return a < b


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
            raise StoreError(f"the extractor returned a result for unknown document {out.doc_id}")
        yield queue.popleft(), out


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if any: a COMMIT that failed (a full disk) has already
    ended it, and its error, not "no transaction is active", is the one to report."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException as err:
        logger.debug("nothing to roll back: %s", err)


def _marks(values: Sequence[Any]) -> str:
    """``?, ?, ...``: one placeholder a value (values are always bound, never formatted)."""
    return ", ".join("?" * len(values))


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows in one statement: each column bound as a list and unnested."""
    if not rows:
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    unnests = ", ".join(["unnest(?)"] * len(columns))
    con.execute(f"INSERT INTO {table} SELECT {unnests}", columns)


@dataclass
class _Write:
    """A document of the batch that will be written."""

    document: Document
    result: DocumentResult
    version: str
    sha: str
    seq: int
    grams: frozenset[str] = frozenset()
    bands: list[tuple[int, int]] = field(default_factory=list)
    duplicate_of: str | None = None


_DOC_TABLES = ("events", "mentions", "flags", "sources", "toponyms", "minhash_bands")


def _plan_writes(
    batch: Sequence[tuple[Document, DocumentResult, str | None]],
    stored: dict[str, tuple[str, str, int]],
    renamed: dict[str, tuple[str, str, int]],
    next_seq: int,
    force: bool,
    stats: IngestStats,
) -> dict[str, _Write]:
    """What each document of ``batch`` needs: the documents to write, by id (a new one takes
    the next ``seq``; one stored under its former id keeps its ``seq``), counted in ``stats``;
    unchanged documents, and those already stored by a newer extractor, are left out."""
    state = dict(stored)
    writes: dict[str, _Write] = {}
    for document, result, given in batch:
        if result.doc_id != document.id:
            raise StoreError(
                f"result of document {result.doc_id} paired with document {document.id}"
            )
        version = given or (
            result.events[0].extractor_version if result.events else EXTRACTOR_VERSION
        )
        sha = _sha256(document.text)
        old = state.get(document.id)
        if old is None and document.id in renamed:  # stored under its former id
            seq = renamed[document.id][2]
            stats.replaced += 1
        elif old is None:
            seq = next_seq
            next_seq += 1
            stats.new += 1
        else:
            old_sha, old_version, seq = old
            if not force and old_sha == sha:
                if old_version == version:
                    stats.unchanged += 1
                    continue
                if is_older(version, old_version):
                    logger.info(
                        "%s: records by extractor %s kept over older %s",
                        document.id,
                        old_version,
                        version,
                    )
                    stats.unchanged += 1
                    continue
            stats.replaced += 1
        state[document.id] = (sha, version, seq)
        writes[document.id] = _Write(document, result, version, sha, seq)
    return writes


class Store:
    """Documents, events and clusters in one DuckDB database. Open with :meth:`open`."""

    def __init__(
        self,
        path: Path | None,
        con: duckdb.DuckDBPyConnection | None,
        *,
        lock: WriterLock | None,
        read_only: bool,
        clusterer: Clusterer | None,
    ) -> None:
        self.path = path
        self._con = con
        self._lock = lock
        self.read_only = read_only
        self._clusterer = clusterer

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        clusterer: Clusterer | None = None,
    ) -> Store:
        """Open (creating and migrating it if needed) the database at ``path``.

        ``path`` defaults to ``frontwatch.duckdb`` in the current directory; ``":memory:"``
        is a private in-memory database. A writer that cannot get the writer lock because
        another process holds it gets a *spooling* store (:attr:`spooling`): its
        :meth:`ingest` queues documents for the lock holder, and reads raise
        :class:`StoreLocked`. ``clusterer`` groups the stored results into situation clusters
        after each write (the commands and the API pass ``frontwatch.situation.cluster_events``);
        without one the store keeps no clusters and reports no source counts.
        """
        if str(path) == MEMORY:
            con = duckdb.connect(MEMORY)
            store = cls(None, con, lock=None, read_only=False, clusterer=clusterer)
            migrate(con)
            return store
        db = Path(path if path is not None else DEFAULT_PATH)
        if read_only:
            if not db.exists():
                raise StoreError(f"no database at {db}; ingest documents into it first")
            try:
                con = duckdb.connect(str(db), read_only=True)
            except duckdb.Error as err:
                raise StoreLocked(f"database {db} cannot be read now: {err}") from err
            found = current_version(con)
            if found != SCHEMA_VERSION:
                con.close()
                raise StoreError(
                    f"database {db} has schema version {found}, this frontwatch reads "
                    f"{SCHEMA_VERSION}; open it for writing once (e.g. frontwatch reprocess) "
                    "to migrate it"
                )
            return cls(db, con, lock=None, read_only=True, clusterer=clusterer)
        db.parent.mkdir(parents=True, exist_ok=True)
        lock = WriterLock(db)
        if not lock.acquire():
            logger.info("%s is locked by another process: spooling", db)
            return cls(db, None, lock=None, read_only=False, clusterer=clusterer)
        try:
            con = duckdb.connect(str(db))
            migrate(con)
        except SchemaTooNew as err:
            lock.release()
            raise StoreError(f"database {db}: {err}") from err
        except BaseException:
            lock.release()
            raise
        store = cls(db, con, lock=lock, read_only=False, clusterer=clusterer)
        try:
            store.drain_spool()
            if store._meta("clusters_stale") == "1":
                store._refresh_clusters()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def spooling(self) -> bool:
        """Another process writes this database: :meth:`ingest` queues to its spool."""
        return self._con is None

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, for ad-hoc SQL over the tables of docs/store.md."""
        if self._con is None:
            raise StoreLocked(
                f"database {self.path} is being written by another process "
                f"(lock {self.path}.lock); it cannot be read from this process now"
            )
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _writable(self) -> duckdb.DuckDBPyConnection:
        con = self.connection
        if self.read_only:
            raise StoreError(f"database {self.path} was opened read-only")
        return con

    def _meta(self, key: str) -> str | None:
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else row[0]

    def _set_meta(self, key: str, value: str) -> None:
        con = self._writable()
        con.execute("DELETE FROM meta WHERE key = ?", [key])
        con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])

    # ------------------------------------------------------------------ writing

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
        ``force`` replaces stored documents even when unchanged (reprocessing).
        A spooling store writes the pairs to the spool instead (:attr:`IngestStats.queued`).
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.spooling:
            assert self.path is not None
            _, count = write_spool(self.path, items, version=extractor_version)
            return IngestStats(queued=count)
        stats = IngestStats()
        for batch in _batched(items, batch_size):
            stats += self._ingest_batch(
                [(doc, res, extractor_version) for doc, res in batch], force=force
            )
        if stats.changed:  # after a crash, the stale mark makes the next writer do it
            self._refresh_clusters()
        return stats

    def drain_spool(self) -> IngestStats:
        """Store the batches other processes queued, in order, one transaction a file."""
        stats = IngestStats()
        if self.path is None:
            return stats
        self._writable()
        for path, items in read_spool(self.path):
            done = self._ingest_batch(items, force=False)
            path.unlink()
            done.drained = len(items)
            logger.info("stored %s spooled documents from %s", len(items), path.name)
            stats += done
        if stats.changed:
            self._refresh_clusters()
        return stats

    def spooled(self) -> int:
        """Number of spool files waiting for the writer."""
        if self.path is None:
            return 0
        folder = spool_dir(self.path)
        return len(list(folder.glob("[!.]*.jsonl"))) if folder.is_dir() else 0

    def _ingest_batch(
        self, batch: Sequence[tuple[Document, DocumentResult, str | None]], *, force: bool
    ) -> IngestStats:
        con = self._writable()
        con.execute("BEGIN TRANSACTION")
        try:
            stats = self._write_batch(batch, force=force)
            if stats.changed:
                self._set_meta("clusters_stale", "1")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        return stats

    def _write_batch(
        self, batch: Sequence[tuple[Document, DocumentResult, str | None]], *, force: bool
    ) -> IngestStats:
        """Decide what each document needs, then write the batch with one insert a table."""
        con = self._writable()
        stats = IngestStats()
        ids = sorted({document.id for document, _, _ in batch})
        stored: dict[str, tuple[str, str, int]] = {}
        if ids:
            sql = (
                "SELECT id, sha256, extractor_version, seq FROM documents "
                f"WHERE id IN ({_marks(ids)})"
            )
            for doc_id, sha, version, seq in con.execute(sql, ids).fetchall():
                stored[doc_id] = (sha, version, seq)
        renamed = former_ids(con, [document for document, _, _ in batch], stored)
        top = con.execute("SELECT coalesce(max(seq), 0) FROM documents").fetchone()
        writes = _plan_writes(batch, stored, renamed, (top[0] if top else 0) + 1, force, stats)
        if not writes:
            return stats
        former = {renamed[i][0]: i for i in writes if i in renamed and i not in stored}
        gone = sorted({*(doc_id for doc_id in writes if doc_id in stored), *former})
        if gone:
            for table in _DOC_TABLES:  # constant table names, never user input
                con.execute(f"DELETE FROM {table} WHERE doc_id IN ({_marks(gone)})", gone)
            con.execute(f"DELETE FROM documents WHERE id IN ({_marks(gone)})", gone)
        ordered = sorted(writes.values(), key=lambda w: w.seq)
        stats.duplicates = self._link_batch(ordered)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        documents, bands, events, mentions, flags, sources, toponyms = ([] for _ in range(7))
        for w in ordered:
            d, result = w.document, w.result
            documents.append(
                (d.id, w.seq, w.sha, d.text, d.published, d.title, d.url, d.outlet, d.path, now,
                 w.version, w.duplicate_of)
            )  # fmt: skip
            bands += [(d.id, band, bucket) for band, bucket in w.bands]
            events += [event_row(event, i) for i, event in enumerate(result.events)]
            mentions += [row for event in result.events for row in mention_rows(event)]
            flags += [
                (d.id, i, f.kind, f.text, f.span[0], f.span[1], f.message)
                for i, f in enumerate(result.flags)
            ]
            sources += [
                (d.id, i, s.name, s.kind, s.text, s.span[0], s.span[1])
                for i, s in enumerate(result.sources)
            ]
            toponyms += [
                (d.id, i, t.model_dump_json(), t.text, t.span[0], t.span[1], t.role, t.geonameid,
                 t.name, t.country, t.lat, t.lon)
                for i, t in enumerate(result.toponyms)
            ]  # fmt: skip
            stats.events += len(result.events)
        for table, rows in (
            ("documents", documents),
            ("minhash_bands", bands),
            ("events", events),
            ("mentions", mentions),
            ("flags", flags),
            ("sources", sources),
            ("toponyms", toponyms),
        ):
            _insert(con, table, rows)
        for old_id, new_id in former.items():
            relink = "UPDATE documents SET duplicate_of = ? WHERE duplicate_of = ?"
            con.execute(relink, [new_id, old_id])
            if renamed[new_id][1] != writes[new_id].sha:
                self._relink_copies_of(new_id)
        for doc_id in gone:
            if doc_id in writes and stored[doc_id][0] != writes[doc_id].sha:
                self._relink_copies_of(doc_id)
        return stats

    def _link_batch(self, ordered: Sequence[_Write]) -> int:
        """Set ``duplicate_of`` of the batch's documents (in seq order); returns how many."""
        con = self._writable()
        for w in ordered:
            w.grams = neardup.shingles(w.document.text)
            w.bands = neardup.bands(w.grams)
        buckets = sorted({bucket for w in ordered for _, bucket in w.bands})
        known: dict[tuple[int, int], list[tuple[int, str, str | None]]] = defaultdict(list)
        if buckets:
            sql = (
                "SELECT b.band, b.bucket, d.seq, d.id, d.duplicate_of FROM minhash_bands b "
                f"JOIN documents d ON d.id = b.doc_id WHERE b.bucket IN ({_marks(buckets)})"
            )
            for band, bucket, seq, doc_id, duplicate_of in con.execute(sql, buckets).fetchall():
                known[(band, bucket)].append((seq, doc_id, duplicate_of))
        in_batch = {w.document.id: w for w in ordered}
        linked = 0
        for w in ordered:
            candidates = sorted({c for key in w.bands for c in known.get(key, ()) if c[0] < w.seq})
            for _, doc_id, duplicate_of in candidates:
                other = in_batch.get(doc_id)
                grams = other.grams if other else neardup.shingles(self._text(doc_id))
                if neardup.jaccard(w.grams, grams) >= neardup.THRESHOLD:
                    w.duplicate_of = duplicate_of or doc_id
                    linked += 1
                    break
            for key in w.bands:
                known[key].append((w.seq, w.document.id, w.duplicate_of))
        return linked

    def _text(self, doc_id: str) -> str:
        row = (
            self._writable().execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        )
        return "" if row is None else str(row[0])

    def _find_original(self, grams: frozenset[str], seq: int) -> str | None:
        """The earliest-ingested document before ``seq`` that ``grams`` nearly copies."""
        bands = neardup.bands(grams)
        if not bands:
            return None
        where = " OR ".join("(b.band = ? AND b.bucket = ?)" for _ in bands)
        params: list[Any] = [value for pair in bands for value in pair]
        sql = (
            "SELECT DISTINCT d.id, d.seq, d.text, d.duplicate_of FROM minhash_bands b "
            f"JOIN documents d ON d.id = b.doc_id WHERE d.seq < ? AND ({where}) ORDER BY d.seq"
        )
        rows = self._writable().execute(sql, [seq, *params]).fetchall()
        for doc_id, _, text, duplicate_of in rows:
            if neardup.jaccard(grams, neardup.shingles(text)) >= neardup.THRESHOLD:
                return str(duplicate_of or doc_id)
        return None

    def _relink_copies_of(self, doc_id: str) -> None:
        """After the text of ``doc_id`` changed, re-decide the documents linked to it."""
        con = self._writable()
        rows = con.execute(
            "SELECT id, seq, text FROM documents WHERE duplicate_of = ? ORDER BY seq", [doc_id]
        ).fetchall()
        for other, seq, text in rows:
            original = self._find_original(neardup.shingles(text), seq)
            con.execute("UPDATE documents SET duplicate_of = ? WHERE id = ?", [original, other])

    # ------------------------------------------------------------------ clusters

    @property
    def has_clusters(self) -> bool:
        """Whether clusters (and so source counts) are computed for this store."""
        return self._clusterer is not None

    def _refresh_clusters(self) -> None:
        """Recompute the situation clusters over everything stored (one transaction)."""
        con = self._writable()
        clusterer = self._clusterer
        clusters: Sequence[Any] = []
        if clusterer is not None:
            clusters = clusterer(list(self.results()), self.duplicates())
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
                con.executemany("INSERT INTO clusters VALUES (?, ?, ?, ?, ?, ?)", rows)
            if members:
                con.executemany("INSERT INTO cluster_members VALUES (?, ?, ?)", members)
            self._set_meta("clusters_stale", "0")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise

    def clusters(self, model: type[ClusterT]) -> list[ClusterT]:
        """The stored situation clusters, in order, read as ``model``
        (``frontwatch.situation.EventCluster``: the store does not know the situation's types)."""
        rows = self.connection.execute("SELECT data FROM clusters ORDER BY ord").fetchall()
        return [model.model_validate_json(row[0]) for row in rows]

    def source_counts(self) -> dict[str, int]:
        """Event id -> independent sources of its cluster."""
        rows = self.connection.execute(
            "SELECT m.event_id, max(c.sources) FROM cluster_members m "
            "JOIN clusters c ON c.id = m.cluster_id GROUP BY m.event_id"
        ).fetchall()
        return {event_id: int(count) for event_id, count in rows}

    # ------------------------------------------------------------------ reading

    def documents(self) -> list[Document]:
        """Every stored document, in ingest order."""
        rows = self.connection.execute(
            "SELECT id, text, published, title, url, outlet, path FROM documents ORDER BY seq"
        ).fetchall()
        return [_document(row) for row in rows]

    def document(self, doc_id: str) -> Document | None:
        row = self.connection.execute(
            "SELECT id, text, published, title, url, outlet, path FROM documents WHERE id = ?",
            [doc_id],
        ).fetchone()
        return None if row is None else _document(row)

    def document_versions(self) -> dict[str, str]:
        """Document id -> the extractor version of its stored records."""
        rows = self.connection.execute("SELECT id, extractor_version FROM documents").fetchall()
        return {doc_id: version for doc_id, version in rows}

    def results(self) -> Iterator[Pair]:
        """Every document with its stored result, in ingest order."""
        con = self.connection
        events: dict[str, list[Event]] = defaultdict(list)
        for doc_id, data in con.execute(
            "SELECT doc_id, data FROM events ORDER BY doc_id, ord"
        ).fetchall():
            events[doc_id].append(Event.model_validate_json(data))
        flags: dict[str, list[Flag]] = defaultdict(list)
        for doc_id, kind, text, start, end, message in con.execute(
            "SELECT doc_id, kind, text, span_start, span_end, message FROM flags "
            "ORDER BY doc_id, ord"
        ).fetchall():
            flags[doc_id].append(Flag(kind=kind, text=text, span=(start, end), message=message))
        sources: dict[str, list[Source]] = defaultdict(list)
        for doc_id, name, kind, text, start, end in con.execute(
            "SELECT doc_id, name, kind, text, span_start, span_end FROM sources "
            "ORDER BY doc_id, ord"
        ).fetchall():
            sources[doc_id].append(Source(name=name, kind=kind, text=text, span=(start, end)))
        toponyms: dict[str, list[Toponym]] = defaultdict(list)
        for doc_id, data in con.execute(
            "SELECT doc_id, data FROM toponyms ORDER BY doc_id, ord"
        ).fetchall():
            toponyms[doc_id].append(Toponym.model_validate_json(data))
        for document in self.documents():
            yield (
                document,
                DocumentResult(
                    doc_id=document.id,
                    events=events.get(document.id, []),
                    flags=flags.get(document.id, []),
                    sources=sources.get(document.id, []),
                    toponyms=toponyms.get(document.id, []),
                ),
            )

    def duplicates(self) -> dict[str, str]:
        """Near-duplicate document id -> the earliest-ingested document it copies."""
        rows = self.connection.execute(
            "SELECT id, duplicate_of FROM documents WHERE duplicate_of IS NOT NULL ORDER BY seq"
        ).fetchall()
        return {doc_id: original for doc_id, original in rows}

    def events(self, filter: EventFilter | None = None) -> list[Event]:
        """Stored events that pass ``filter``, ordered by date (undated last), then id.

        The flattened columns are filtered in SQL (parameters only); the rest of
        :meth:`EventFilter.matches` (actors and their members, types) runs in Python.
        ``min_sources`` uses the stored clusters; an event in no cluster has one source.
        """
        flt = filter or EventFilter()
        compiled = sql_conditions(flt.conditions())
        if compiled is None:
            return []
        where, params = compiled
        sources: dict[str, int] = {}
        if flt.min_sources and self.has_clusters:
            sources = self.source_counts()
        sql = "SELECT data FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY date_start NULLS LAST, id, doc_id"
        out = []
        for (data,) in self.connection.execute(sql, params).fetchall():
            event = Event.model_validate_json(data)
            count = sources.get(event.id, 1) if flt.min_sources and self.has_clusters else None
            if flt.matches(event, count):
                out.append(event)
        return out

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
        """Re-extract stored documents and replace their records.

        Which documents: all of them with ``everything``; else those whose records were made
        by an extractor older than ``older_than``; else (the default) those whose extractor
        version differs from ``version`` (default: the installed
        :data:`~frontwatch.about.EXTRACTOR_VERSION`). Documents the extractor now rejects are
        counted as skipped and keep their old records.
        """
        self._writable()
        current = version or EXTRACTOR_VERSION
        versions = self.document_versions()
        if everything:
            todo = set(versions)
        elif older_than is not None:
            todo = {d for d, v in versions.items() if is_older(v, older_than)}
        else:
            todo = {d for d, v in versions.items() if v != current}
        documents = [d for d in self.documents() if d.id in todo]
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


def _document(row: Sequence[Any]) -> Document:
    doc_id, text, published, title, url, outlet, path = row
    return Document(
        id=doc_id, text=text, published=published, title=title, url=url, outlet=outlet, path=path
    )


def canonical_dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, without ingest timestamps: equal for equal contents."""
    con = store.connection
    tables = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]
    dump: dict[str, list[tuple[Any, ...]]] = {}
    for table in tables:
        columns = [
            row[0]
            for row in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table],
            ).fetchall()
            if row[0] != "ingested_at"
        ]
        cols = ", ".join(f'"{c}"' for c in columns)  # names from the catalogue, not input
        rows = con.execute(f"SELECT {cols} FROM {table}").fetchall()
        dump[table] = sorted(tuple(json.dumps(v, default=str) for v in r) for r in rows)
    return dump
