"""One writer per database: the writer lock and the spool (docs/store.md).

DuckDB lets one process write a database file. The process that holds ``<db>.lock``
(:func:`fcntl.flock`, non-blocking) writes; a process that cannot get it appends its batch to
``<db>.spool/`` as one JSON Lines file, written under a temporary name and renamed, so a spool
file is always complete. The lock holder drains the spool in file name order (names start with
a nanosecond timestamp), storing each file in one transaction and deleting it after the commit.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..records import Document, DocumentResult

logger = logging.getLogger(__name__)

SPOOL_SUFFIX = ".jsonl"


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def spool_dir(db: Path) -> Path:
    return db.with_name(db.name + ".spool")


class WriterLock:
    """The exclusive, non-blocking writer lock of a database file."""

    def __init__(self, db: Path) -> None:
        self.path = lock_path(db)
        self._fh: IO[str] | None = None

    def acquire(self) -> bool:
        """Take the lock; ``False`` if another process holds it."""
        if self._fh is not None:
            return True
        fh = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        self._fh = fh
        return True

    @property
    def held(self) -> bool:
        return self._fh is not None

    def release(self) -> None:
        if self._fh is None:
            return
        fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
        self._fh.close()
        self._fh = None


def write_spool(
    db: Path, items: Iterable[tuple[Document, DocumentResult]], *, version: str | None = None
) -> tuple[Path, int]:
    """Queue ``items`` for the lock holder; returns the spool file and the number queued."""
    folder = spool_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{os.getpid()}"
    tmp = folder / f".{name}.tmp"
    count = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for document, result in items:
            line = {
                "document": document.model_dump(mode="json"),
                "result": result.model_dump(mode="json"),
                "extractor_version": version,
            }
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
        fh.flush()
        os.fsync(fh.fileno())
    target = folder / f"{name}{SPOOL_SUFFIX}"
    os.replace(tmp, target)
    return target, count


def read_spool(
    db: Path,
) -> Iterator[tuple[Path, list[tuple[Document, DocumentResult, str | None]]]]:
    """Spool files in order, each with its items; temporary (incomplete) files are left alone.

    A file that cannot be read (edited by hand, or from an incompatible frontwatch) is renamed
    to ``<name>.bad`` and reported, so that it never blocks the files after it.
    """
    folder = spool_dir(db)
    if not folder.is_dir():
        return
    for path in sorted(folder.glob(f"*{SPOOL_SUFFIX}")):
        if path.name.startswith("."):
            continue
        items = []
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
        except (ValueError, KeyError, TypeError) as err:  # ValidationError is a ValueError
            bad = path.with_name(path.name + ".bad")
            os.replace(path, bad)
            logger.error("spool file %s cannot be read (%s); moved to %s", path, err, bad.name)
            continue
        yield path, items
