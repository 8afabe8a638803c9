"""The store's DuckDB schema, versioned: migrations by version number (docs/store.md).

``meta`` holds ``schema_version``; :func:`migrate` applies every migration above the stored
version, in order, each in its own transaction. A database written by a newer frontwatch
(a version above :data:`SCHEMA_VERSION`) is refused rather than misread.

No primary keys or unique indexes: DuckDB's index maintenance makes delete-then-insert of the
same key inside one transaction fragile, and the store enforces identity itself (one row per
document id, replaced whole).
"""

from __future__ import annotations

import logging

import duckdb

logger = logging.getLogger(__name__)

_V1 = """
CREATE TABLE documents (
    id VARCHAR NOT NULL,
    seq BIGINT NOT NULL,              -- ingest order: document order of the store
    sha256 VARCHAR NOT NULL,          -- of the text
    text VARCHAR NOT NULL,
    published DATE,
    title VARCHAR,
    url VARCHAR,
    outlet VARCHAR,
    path VARCHAR,
    ingested_at TIMESTAMP NOT NULL,
    extractor_version VARCHAR NOT NULL,
    duplicate_of VARCHAR              -- the earliest-ingested document this one copies
);
-- MinHash LSH buckets of each document's shingles: candidates for near-duplicates
CREATE TABLE minhash_bands (
    doc_id VARCHAR NOT NULL,
    band INTEGER NOT NULL,
    bucket UBIGINT NOT NULL
);
CREATE TABLE events (
    id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    ord INTEGER NOT NULL,             -- position in the document's result
    data JSON NOT NULL,               -- the Event record
    date_start DATE,
    date_end DATE,
    date_precision VARCHAR,
    country VARCHAR,
    admin1 VARCHAR,
    location_name VARCHAR,
    geonameid BIGINT,
    lat DOUBLE,
    lon DOUBLE,
    geo_precision INTEGER,
    acled_event_type VARCHAR,
    acled_sub_event_type VARCHAR,
    plover_type VARCHAR,
    plover_mode VARCHAR,
    category VARCHAR NOT NULL,
    modality VARCHAR NOT NULL,
    status VARCHAR,
    actor1_text VARCHAR,
    actor1_name VARCHAR,
    actor1_type VARCHAR,
    actor1_country VARCHAR,
    actor2_text VARCHAR,
    actor2_name VARCHAR,
    actor2_type VARCHAR,
    actor2_country VARCHAR,
    fatalities DOUBLE,                -- sum of the 'killed' counts
    historical BOOLEAN NOT NULL,
    confidence DOUBLE NOT NULL,
    extractor_version VARCHAR NOT NULL
);
CREATE TABLE mentions (
    event_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    ord INTEGER NOT NULL,
    trigger_text VARCHAR NOT NULL,
    trigger_start INTEGER NOT NULL,
    trigger_end INTEGER NOT NULL,
    evidence_text VARCHAR NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL
);
CREATE TABLE flags (
    doc_id VARCHAR NOT NULL,
    ord INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    message VARCHAR NOT NULL
);
CREATE TABLE sources (
    doc_id VARCHAR NOT NULL,
    ord INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL
);
CREATE TABLE toponyms (
    doc_id VARCHAR NOT NULL,
    ord INTEGER NOT NULL,
    data JSON NOT NULL,               -- the Toponym record
    text VARCHAR NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    role VARCHAR NOT NULL,
    geonameid BIGINT,
    name VARCHAR,
    country VARCHAR,
    lat DOUBLE,
    lon DOUBLE
);
CREATE TABLE clusters (
    id VARCHAR NOT NULL,
    ord INTEGER NOT NULL,
    event_id VARCHAR NOT NULL,        -- the representative event
    sources INTEGER NOT NULL,         -- independent sources
    earliest DATE,
    data JSON NOT NULL                -- the EventCluster record
);
CREATE TABLE cluster_members (
    cluster_id VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL
);
CREATE VIEW actors AS
    SELECT name, type, country, count(*) AS events, count(DISTINCT doc_id) AS documents
    FROM (
        SELECT coalesce(actor1_name, actor1_text) AS name, actor1_type AS type,
               actor1_country AS country, doc_id
        FROM events WHERE actor1_text IS NOT NULL
        UNION ALL
        SELECT coalesce(actor2_name, actor2_text), actor2_type, actor2_country, doc_id
        FROM events WHERE actor2_text IS NOT NULL
    )
    GROUP BY ALL;
CREATE VIEW places AS
    SELECT geonameid, any_value(name) AS name, any_value(country) AS country,
           any_value(lat) AS lat, any_value(lon) AS lon,
           count(*) AS mentions, count(DISTINCT doc_id) AS documents
    FROM toponyms WHERE geonameid IS NOT NULL
    GROUP BY geonameid;
"""

# version 2: the change counter of each document's last write (meta 'changes' counts every
# write transaction), and the review log: append-only, applied when events are read
_V2 = """
ALTER TABLE documents ADD COLUMN changed BIGINT DEFAULT 0;
CREATE TABLE reviews (
    id BIGINT NOT NULL,               -- order of the log
    event_id VARCHAR NOT NULL,        -- the event reviewed (a merge: its first event)
    doc_id VARCHAR,                   -- the event's document and trigger span when reviewed:
    trigger_start INTEGER,            -- the review follows the event when re-extraction
    trigger_end INTEGER,              -- changes its id
    action VARCHAR NOT NULL,          -- accept, reject, correct, merge, split
    reviewed_at TIMESTAMP NOT NULL,   -- UTC
    reviewer VARCHAR NOT NULL,
    before JSON,                      -- the values the review changed, before and after it
    after JSON,
    note VARCHAR
);
"""

#: version -> DDL that brings the previous version to it.
MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2}
SCHEMA_VERSION = max(MIGRATIONS)


class SchemaTooNew(Exception):
    """The database was written by a newer frontwatch."""


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The stored schema version; 0 for an empty database (read from ``meta`` directly: a
    query of the catalogue costs tens of milliseconds, and every write session asks)."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.CatalogException:
        return 0
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the database to :data:`SCHEMA_VERSION`; returns the version found before."""
    found = current_version(con)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(f"schema version {found}, this frontwatch reads up to {SCHEMA_VERSION}")
    for version in range(found + 1, SCHEMA_VERSION + 1):
        logger.info("migrating the store to schema version %s", version)
        con.execute("BEGIN TRANSACTION")
        try:
            if version == 1:
                con.execute("CREATE TABLE meta (key VARCHAR NOT NULL, value VARCHAR)")
            con.execute(MIGRATIONS[version])
            con.execute("DELETE FROM meta WHERE key = 'schema_version'")
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(version)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return found
