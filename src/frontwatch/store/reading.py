"""Reading the store's tables back into records (functions of an open connection).

Every value reaches SQL as a bound parameter; table and column names come from constants or
the catalogue, never from input.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import duckdb

from ..filters import EventFilter
from ..records import Document, DocumentResult, Event, Flag, Source, Toponym
from .rows import sql_conditions

Con = duckdb.DuckDBPyConnection
Pair = tuple[Document, DocumentResult]

_DOCUMENT = "SELECT id, text, published, title, url, outlet, path FROM documents"
#: ``IN`` a list of strings bound as the named parameter ``$ids``.
IN_LIST = "IN (SELECT unnest($ids))"
#: Columns that differ between two stores of the same contents: left out of the canonical dump.
VolatileColumn = Literal["ingested_at", "changed", "reviewed_at"]
#: ``meta`` keys that count writes: left out of the canonical dump.
VolatileMeta = Literal["changes", "clusters_at"]
VOLATILE_COLUMNS = frozenset(get_args(VolatileColumn))
VOLATILE_META = frozenset(get_args(VolatileMeta))


def get_meta(con: Con, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else row[0]


def set_meta(con: Con, key: str, value: str) -> None:
    con.execute("DELETE FROM meta WHERE key = ?", [key])
    con.execute("INSERT INTO meta VALUES ($1, $2)", [key, value])


def changes(con: Con) -> int:
    """The store's change counter: write transactions that changed something, so far."""
    value = get_meta(con, "changes")
    return int(value) if value else 0


def _document(row: Sequence[Any]) -> Document:
    doc_id, text, published, title, url, outlet, path = row
    return Document(
        id=doc_id, text=text, published=published, title=title, url=url, outlet=outlet, path=path
    )


def documents(con: Con) -> list[Document]:
    """Every stored document, in ingest order."""
    return [_document(row) for row in con.execute(f"{_DOCUMENT} ORDER BY seq").fetchall()]


def document(con: Con, doc_id: str) -> Document | None:
    row = con.execute(f"{_DOCUMENT} WHERE id = ?", [doc_id]).fetchone()
    return None if row is None else _document(row)


def document_versions(con: Con) -> dict[str, str]:
    rows = con.execute("SELECT id, extractor_version FROM documents").fetchall()
    return {doc_id: version for doc_id, version in rows}


@dataclass
class StoredRows:
    """Documents and their stored results as read from the tables, each record still its JSON
    or its columns: :meth:`pairs` makes the records one document at a time, letting go of
    that document's rows as it goes. A reader of a large store so holds compact text, never
    every record object at once (the API's index, docs/api.md)."""

    documents: list[tuple[Any, ...]]  # document rows, in ingest order
    events: dict[str, list[str]]  # doc id -> event JSON, in order; the same for the others
    flags: dict[str, list[tuple[Any, ...]]]
    sources: dict[str, list[tuple[Any, ...]]]
    toponyms: dict[str, list[str]]

    def __len__(self) -> int:
        return len(self.documents)

    def pairs(self) -> Iterator[Pair]:
        """The (document, result) pairs in ingest order; once: the rows are gone after."""
        self.documents.reverse()
        while self.documents:
            doc = _document(self.documents.pop())
            result = DocumentResult(
                doc_id=doc.id,
                events=[Event.model_validate_json(e) for e in self.events.pop(doc.id, ())],
                flags=[
                    Flag(kind=kind, text=text, span=(start, end), message=message)
                    for kind, text, start, end, message in self.flags.pop(doc.id, ())
                ],
                sources=[
                    Source(name=name, kind=kind, text=text, span=(start, end))
                    for name, kind, text, start, end in self.sources.pop(doc.id, ())
                ],
                toponyms=[Toponym.model_validate_json(t) for t in self.toponyms.pop(doc.id, ())],
            )
            yield doc, result


def _grouped(rows: Iterable[Sequence[Any]]) -> dict[str, list[Any]]:
    """doc id (the first column) -> the rest of its rows (one column: the value), in order."""
    out: dict[str, list[Any]] = defaultdict(list)
    for doc_id, *rest in rows:
        out[doc_id].append(rest[0] if len(rest) == 1 else tuple(rest))
    return out


def stored_rows(con: Con, *, changed_since: int | None = None) -> StoredRows:
    """The rows of the documents and their results, in ingest order; with ``changed_since``,
    only the documents written by a transaction after that value of the change counter."""
    if changed_since is None:
        rows = con.execute(f"{_DOCUMENT} ORDER BY seq")
        where, params = "", []
    else:
        rows = con.execute(f"{_DOCUMENT} WHERE changed > ? ORDER BY seq", [changed_since])
        where = " WHERE doc_id IN (SELECT id FROM documents WHERE changed > ?)"
        params = [changed_since]
    docs = rows.fetchall()
    if not docs:
        return StoredRows([], {}, {}, {}, {})

    def grouped(columns: str, table: str) -> dict[str, list[Any]]:
        query = f"SELECT doc_id, {columns} FROM {table}{where} ORDER BY doc_id, ord"
        return _grouped(con.execute(query, params).fetchall())

    return StoredRows(
        docs,
        grouped("data", "events"),
        grouped("kind, text, span_start, span_end, message", "flags"),
        grouped("name, kind, text, span_start, span_end", "sources"),
        grouped("data", "toponyms"),
    )


def results(con: Con, *, changed_since: int | None = None) -> list[Pair]:
    """Documents with their stored results, in ingest order; with ``changed_since``, only the
    documents written by a transaction after that value of the change counter."""
    return list(stored_rows(con, changed_since=changed_since).pairs())


def duplicates(con: Con) -> dict[str, str]:
    rows = con.execute(
        "SELECT id, duplicate_of FROM documents WHERE duplicate_of IS NOT NULL ORDER BY seq"
    ).fetchall()
    return {doc_id: original for doc_id, original in rows}


def events(con: Con, flt: EventFilter, *, leave_out: Collection[str] = ()) -> list[Event]:
    """Stored events (as extracted) whose flattened columns pass ``flt`` in SQL, ordered by
    date (undated last), then id; ``leave_out``: event ids not to return. The rest of the
    filter (actors, types, sources) is the caller's."""
    compiled = sql_conditions(flt.conditions())  # the filter's one description
    if compiled is None:
        return []
    where, params = compiled  # positional parameters: values are bound, never formatted
    if leave_out:
        where.append("id NOT IN (SELECT unnest(?))")
        params.append(sorted(leave_out))
    sql = "SELECT data FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY date_start NULLS LAST, id, doc_id"
    return [Event.model_validate_json(row[0]) for row in con.execute(sql, params).fetchall()]


def events_by_id(con: Con, ids: Collection[str]) -> list[Event]:
    if not ids:
        return []
    rows = con.execute(
        f"SELECT data FROM events WHERE id {IN_LIST} ORDER BY id, doc_id", {"ids": sorted(ids)}
    ).fetchall()
    return [Event.model_validate_json(row[0]) for row in rows]


def queue(
    con: Con, *, leave_out: Collection[str], limit: int, offset: int
) -> tuple[int, list[Event]]:
    """Events not in ``leave_out``, least confident first (then by id): the total and a page."""
    where = f"WHERE id NOT {IN_LIST}"
    ids = {"ids": sorted(leave_out)}
    row = con.execute(f"SELECT count(*) FROM events {where}", ids).fetchone()
    rows = con.execute(
        f"SELECT data FROM events {where} ORDER BY confidence, id, doc_id "
        "LIMIT $limit OFFSET $offset",
        {**ids, "limit": limit, "offset": offset},
    ).fetchall()
    return (int(row[0]) if row else 0), [Event.model_validate_json(r[0]) for r in rows]


def source_counts(con: Con) -> dict[str, int]:
    rows = con.execute(
        "SELECT m.event_id, max(c.sources) FROM cluster_members m "
        "JOIN clusters c ON c.id = m.cluster_id GROUP BY m.event_id"
    ).fetchall()
    return {event_id: int(count) for event_id, count in rows}


def cluster_of(con: Con, event_ids: Collection[str]) -> dict[str, str]:
    """Event id -> the id of its stored cluster."""
    if not event_ids:
        return {}
    rows = con.execute(
        "SELECT event_id, min(cluster_id) FROM cluster_members "
        f"WHERE event_id {IN_LIST} GROUP BY event_id",
        {"ids": sorted(event_ids)},
    ).fetchall()
    return {event_id: cluster_id for event_id, cluster_id in rows}


def cluster_data(con: Con) -> list[str]:
    """The stored clusters, as JSON, in order."""
    return [row[0] for row in con.execute("SELECT data FROM clusters ORDER BY ord").fetchall()]


def canonical_dump(con: Con) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, without the columns of :data:`VOLATILE_COLUMNS` and the
    ``meta`` keys of :data:`VOLATILE_META`: equal for equal contents."""
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
            if row[0] not in VOLATILE_COLUMNS
        ]
        cols = ", ".join(f'"{c}"' for c in columns)  # names from the catalogue, not input
        rows = con.execute(f"SELECT {cols} FROM {table}").fetchall()
        if table == "meta":
            rows = [r for r in rows if r[0] not in VOLATILE_META]
        dump[table] = sorted(tuple(json.dumps(v, default=str) for v in r) for r in rows)
    return dump
