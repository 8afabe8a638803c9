"""Documents stored under an id that an earlier version of frontwatch gave them.

Up to issue 18 a file in a sub-folder of an input folder was named by its stem (``report``);
it is now named by its path in the folder without the extension (``north/report``), so that two
files of the same name in different folders are two documents (docs/input.md). When such a
document is stored again, the document stored from the same file under the former id is
replaced by it (same ``seq``), instead of staying beside it as a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb

from ..records import Document


def former_ids(
    con: duckdb.DuckDBPyConnection,
    documents: Iterable[Document],
    stored: Mapping[str, object],
) -> dict[str, tuple[str, str, int]]:
    """New id -> (former id, sha256, seq) for the ``documents`` not ``stored`` under their own
    id whose former id (the last part of a path id) is stored with the same ``path``."""
    candidates: dict[tuple[str, str], str] = {}  # (former id, path) -> new id
    for document in documents:
        if document.path and "/" in document.id and document.id not in stored:
            candidates[(document.id.rsplit("/", 1)[1], document.path)] = document.id
    if not candidates:
        return {}
    ids = sorted({former for former, _ in candidates})
    marks = ", ".join("?" for _ in ids)
    sql = f"SELECT id, path, sha256, seq FROM documents WHERE id IN ({marks})"
    return {
        candidates[(old, path)]: (str(old), str(sha), int(seq))
        for old, path, sha, seq in con.execute(sql, ids).fetchall()
        if (old, path) in candidates
    }
