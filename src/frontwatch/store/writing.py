"""Writing a batch of documents: what each needs (new, unchanged, replaced), near-duplicate
links, and the rows of every table, inserted with one statement a table (docs/store.md).

Functions of an open connection, inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args

import duckdb
from packaging.version import InvalidVersion, Version

from ..about import EXTRACTOR_VERSION
from ..records import Document, DocumentResult
from . import neardup
from .renames import former_ids
from .rows import event_row, mention_rows
from .spool import Spooled

logger = logging.getLogger(__name__)

Con = duckdb.DuckDBPyConnection


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


def sha256(text: str) -> str:
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


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if any: a COMMIT that failed (a full disk) has already
    ended it, and its error, not "no transaction is active", is the one to report."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException as err:
        logger.debug("nothing to roll back: %s", err)


def marks(values: Sequence[Any]) -> str:
    """``?, ?, ...``: one placeholder a value (values are always bound, never formatted)."""
    return ", ".join("?" * len(values))


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows in one statement: each column bound as a list and unnested."""
    if not rows:
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    unnests = ", ".join(f"unnest(${i})" for i in range(1, len(columns) + 1))
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


#: The tables with a document's rows, in the order a batch inserts them.
Table = Literal["documents", "minhash_bands", "events", "mentions", "flags", "sources", "toponyms"]
TABLES: tuple[str, ...] = get_args(Table)
DOC_TABLES = TABLES[1:]  # keyed by doc_id


def _unchanged(doc_id: str, old: tuple[str, str, int], sha: str, version: str) -> bool:
    """Whether a stored document (``old``: sha256, extractor version, seq) stays as it is:
    the same text, by the same extractor or a newer one."""
    old_sha, old_version, _ = old
    if old_sha != sha:
        return False
    if old_version == version:
        return True
    if is_older(version, old_version):
        logger.info("%s: records by extractor %s kept over older %s", doc_id, old_version, version)
        return True
    return False


def write_batch(con: Con, batch: Sequence[Spooled], *, force: bool, change: int) -> IngestStats:
    """Decide what each document needs, then write the batch with one insert a table.

    ``change`` is the store's change counter of this transaction, kept on each document
    written (``documents.changed``) so that readers can fetch what changed since they last
    looked.
    """
    stats = IngestStats()
    ids = sorted({document.id for document, _, _ in batch})
    stored: dict[str, tuple[str, str, int]] = {}
    if ids:
        sql = f"SELECT id, sha256, extractor_version, seq FROM documents WHERE id IN ({marks(ids)})"
        for doc_id, sha, version, seq in con.execute(sql, ids).fetchall():
            stored[doc_id] = (sha, version, seq)
    state = dict(stored)
    renamed = former_ids(con, [document for document, _, _ in batch], stored)
    top = con.execute("SELECT coalesce(max(seq), 0) FROM documents").fetchone()
    next_seq = (top[0] if top else 0) + 1
    writes: dict[str, _Write] = {}
    for document, result, given in batch:
        if result.doc_id != document.id:
            raise ValueError(
                f"result of document {result.doc_id} paired with document {document.id}"
            )
        version = given or (
            result.events[0].extractor_version if result.events else EXTRACTOR_VERSION
        )
        sha = sha256(document.text)
        old = state.get(document.id)
        if old is None and document.id in renamed:  # stored under its former id
            seq = renamed[document.id][2]
            stats.replaced += 1
        elif old is None:
            seq = next_seq
            next_seq += 1
            stats.new += 1
        else:
            seq = old[2]
            if not force and _unchanged(document.id, old, sha, version):
                stats.unchanged += 1
                continue
            stats.replaced += 1
        state[document.id] = (sha, version, seq)
        writes[document.id] = _Write(document, result, version, sha, seq)
    if not writes:
        return stats
    former = {renamed[i][0]: i for i in writes if i in renamed and i not in stored}
    gone = sorted({*(doc_id for doc_id in writes if doc_id in stored), *former})
    if gone:
        for table in DOC_TABLES:  # constant table names, never user input
            con.execute(f"DELETE FROM {table} WHERE doc_id IN ({marks(gone)})", gone)
        con.execute(f"DELETE FROM documents WHERE id IN ({marks(gone)})", gone)
    ordered = sorted(writes.values(), key=lambda w: w.seq)
    stats.duplicates = _link_batch(con, ordered)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows: tuple[list[tuple[Any, ...]], ...] = tuple([] for _ in TABLES)
    documents, bands, events, mentions, flags, sources, toponyms = rows
    for w in ordered:
        d, result = w.document, w.result
        documents.append(
            (d.id, w.seq, w.sha, d.text, d.published, d.title, d.url, d.outlet, d.path, now,
             w.version, w.duplicate_of, change)
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
    for table, table_rows in zip(TABLES, rows, strict=True):
        insert(con, table, table_rows)
    for old_id, new_id in former.items():
        relink = "UPDATE documents SET duplicate_of = ? WHERE duplicate_of = ?"
        con.execute(relink, [new_id, old_id])
        if renamed[new_id][1] != writes[new_id].sha:
            _relink_copies_of(con, new_id)
    for doc_id in gone:
        if doc_id in writes and stored[doc_id][0] != writes[doc_id].sha:
            _relink_copies_of(con, doc_id)
    return stats


def _link_batch(con: Con, ordered: Sequence[_Write]) -> int:
    """Set ``duplicate_of`` of the batch's documents (in seq order); returns how many."""
    for w in ordered:
        w.grams = neardup.shingles(w.document.text)
        w.bands = neardup.bands(w.grams)
    buckets = sorted({bucket for w in ordered for _, bucket in w.bands})
    known: dict[tuple[int, int], list[tuple[int, str, str | None]]] = defaultdict(list)
    if buckets:
        sql = (
            "SELECT b.band, b.bucket, d.seq, d.id, d.duplicate_of FROM minhash_bands b "
            f"JOIN documents d ON d.id = b.doc_id WHERE b.bucket IN ({marks(buckets)})"
        )
        for band, bucket, seq, doc_id, duplicate_of in con.execute(sql, buckets).fetchall():
            known[(band, bucket)].append((seq, doc_id, duplicate_of))
    in_batch = {w.document.id: w for w in ordered}
    linked = 0
    for w in ordered:
        candidates = sorted({c for key in w.bands for c in known.get(key, ()) if c[0] < w.seq})
        for _, doc_id, duplicate_of in candidates:
            other = in_batch.get(doc_id)
            grams = other.grams if other else neardup.shingles(_text(con, doc_id))
            if neardup.jaccard(w.grams, grams) >= neardup.THRESHOLD:
                w.duplicate_of = duplicate_of or doc_id
                linked += 1
                break
        for key in w.bands:
            known[key].append((w.seq, w.document.id, w.duplicate_of))
    return linked


def _text(con: Con, doc_id: str) -> str:
    row = con.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
    return "" if row is None else str(row[0])


def _find_original(con: Con, grams: frozenset[str], seq: int) -> str | None:
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
    rows = con.execute(sql, [seq, *params]).fetchall()
    for doc_id, _, text, duplicate_of in rows:
        if neardup.jaccard(grams, neardup.shingles(text)) >= neardup.THRESHOLD:
            return str(duplicate_of or doc_id)
    return None


def _relink_copies_of(con: Con, doc_id: str) -> None:
    """After the text of ``doc_id`` changed, re-decide the documents linked to it."""
    rows = con.execute(
        "SELECT id, seq, text FROM documents WHERE duplicate_of = ? ORDER BY seq", [doc_id]
    ).fetchall()
    for other, seq, text in rows:
        original = _find_original(con, neardup.shingles(text), seq)
        con.execute("UPDATE documents SET duplicate_of = ? WHERE id = ?", [original, other])
