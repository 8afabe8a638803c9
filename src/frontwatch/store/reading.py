"""Reading the store's tables back into records (functions of an open connection).

Every value reaches SQL as a bound parameter; table and column names come from constants or
the catalogue, never from input.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Sequence
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


def results(con: Con, *, changed_since: int | None = None) -> list[Pair]:
    """Documents with their stored results, in ingest order; with ``changed_since``, only the
    documents written by a transaction after that value of the change counter."""
    if changed_since is None:
        docs = documents(con)
        where, params = "", []
    else:
        rows = con.execute(f"{_DOCUMENT} WHERE changed > ? ORDER BY seq", [changed_since])
        docs = [_document(row) for row in rows.fetchall()]
        where = " WHERE doc_id IN (SELECT id FROM documents WHERE changed > ?)"
        params = [changed_since]
    if not docs:
        return []
    events: dict[str, list[Event]] = defaultdict(list)
    for doc_id, data in con.execute(
        f"SELECT doc_id, data FROM events{where} ORDER BY doc_id, ord", params
    ).fetchall():
        events[doc_id].append(Event.model_validate_json(data))
    flags: dict[str, list[Flag]] = defaultdict(list)
    for doc_id, kind, text, start, end, message in con.execute(
        "SELECT doc_id, kind, text, span_start, span_end, message FROM flags"
        f"{where} ORDER BY doc_id, ord",
        params,
    ).fetchall():
        flags[doc_id].append(Flag(kind=kind, text=text, span=(start, end), message=message))
    sources: dict[str, list[Source]] = defaultdict(list)
    for doc_id, name, kind, text, start, end in con.execute(
        f"SELECT doc_id, name, kind, text, span_start, span_end FROM sources{where} "
        "ORDER BY doc_id, ord",
        params,
    ).fetchall():
        sources[doc_id].append(Source(name=name, kind=kind, text=text, span=(start, end)))
    toponyms: dict[str, list[Toponym]] = defaultdict(list)
    for doc_id, data in con.execute(
        f"SELECT doc_id, data FROM toponyms{where} ORDER BY doc_id, ord", params
    ).fetchall():
        toponyms[doc_id].append(Toponym.model_validate_json(data))
    return [
        (
            doc,
            DocumentResult(
                doc_id=doc.id,
                events=events.get(doc.id, []),
                flags=flags.get(doc.id, []),
                sources=sources.get(doc.id, []),
                toponyms=toponyms.get(doc.id, []),
            ),
        )
        for doc in docs
    ]


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
