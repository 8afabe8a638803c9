"""The spool: batches queued by a writer that could not get the database (docs/store.md).

A writer that waited ``store_wait`` seconds for the database in vain writes its batch to
``<db>.spool/<nanoseconds>-<pid>.jsonl``: first under the hidden name ``.<name>.tmp``, holding
an exclusive :func:`fcntl.flock` on it while it writes, then fsynced and renamed, so a spool
file is always complete. Every process that gets the database for writing stores the spool
files first, in name order, one transaction a file, deleting each after its commit.

A ``.tmp`` file whose lock is free belongs to a process that died while writing it (a
SIGKILL): it is removed (W005), since it is incomplete and the killed command must be run
again anyway. A spool file that cannot be read (edited by hand, or written by an incompatible
frontwatch) is renamed ``<name>.jsonl.bad`` (W004), so that it never blocks the files after it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path

from ..errors import Errors
from ..records import Document, DocumentResult

logger = logging.getLogger(__name__)

SPOOL_SUFFIX = ".jsonl"
TMP_SUFFIX = ".tmp"

Spooled = tuple[Document, DocumentResult, str | None]


def spool_dir(db: Path) -> Path:
    return db.with_name(db.name + ".spool")


def write_spool(
    db: Path,
    items: Iterable[tuple[Document, DocumentResult]],
    *,
    version: str | None = None,
    force: bool = False,
) -> tuple[Path | None, int]:
    """Queue ``items`` for the next writer; returns the spool file (``None``: nothing to
    queue) and the number of documents queued. ``force``: they replace stored documents even
    when unchanged (a batch of ``reprocess``)."""
    folder = spool_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{os.getpid()}"
    tmp = folder / f".{name}{TMP_SUFFIX}"
    count = 0
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # "still being written", until closed
            for document, result in items:
                line = {
                    "document": document.model_dump(mode="json"),
                    "result": result.model_dump(mode="json"),
                    "extractor_version": version,
                    **(dict(force=True) if force else {}),
                }
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                count += 1
            fh.flush()
            os.fsync(fh.fileno())
            if not count:
                tmp.unlink()
                return None, 0
            target = folder / f"{name}{SPOOL_SUFFIX}"
            os.replace(tmp, target)  # renamed while still locked: never seen half-written
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target, count


def spool_files(db: Path) -> list[Path]:
    """The complete spool files, oldest first."""
    folder = spool_dir(db)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"*{SPOOL_SUFFIX}") if not p.name.startswith("."))


def read_spool_file(path: Path) -> tuple[list[Spooled], bool] | None:
    """The items of one spool file and whether they replace unchanged documents; ``None``
    (and the file set aside as ``.bad``) when it cannot be read."""
    items: list[Spooled] = []
    force = False
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row = json.loads(line)
                items.append(
                    (
                        Document.model_validate(row["document"]),
                        DocumentResult.model_validate(row["result"]),
                        row.get("extractor_version"),
                    )
                )
                force = force or bool(row.get("force"))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as err:  # ValidationError is a ValueError
        bad = path.with_name(path.name + ".bad")
        os.replace(path, bad)
        logger.error("%s", Errors.W004.format(path=path, detail=err, bad=bad.name))
        return None
    return items, force


def clean_stale(db: Path) -> list[Path]:
    """Remove the unfinished spool files of processes that died writing them; returns them."""
    folder = spool_dir(db)
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.glob(f".*{TMP_SUFFIX}")):
        try:
            fh = path.open("rb")
        except FileNotFoundError:
            continue  # renamed or removed meanwhile
        with fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its writer is alive and still writing
            size = os.fstat(fh.fileno()).st_size
            if not path.exists() or os.stat(path).st_ino != os.fstat(fh.fileno()).st_ino:
                continue  # renamed to its final name between the open and the lock
            path.unlink()
        logger.warning("%s", Errors.W005.format(path=path, size=size))
        removed.append(path)
    return removed
