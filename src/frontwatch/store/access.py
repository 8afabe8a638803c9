"""Who may use the database file, and when (docs/store.md, "Many processes, one file").

DuckDB lets either one process open a database file for writing or any number open it
read-only. frontwatch processes never keep the file open for long: a writer opens it for one
transaction (a batch of documents, a review) and closes it; a reader opens it for one command
or one refresh of the server's index. Before opening the file, a process takes ``<db>.lock``
with :func:`fcntl.flock`, shared to read and exclusive to write, so processes queue for the
file instead of failing on DuckDB's own lock. Both waits (for the lock, then for DuckDB's lock,
which a process that is not frontwatch may hold) are bounded: :class:`StoreBusy` (E301) once
``wait`` seconds have passed.

A file that is not a DuckDB database, or is damaged, is :class:`StoreUnreadable` (E304): it is
never opened for writing, so it is never changed.
"""

from __future__ import annotations

import fcntl
import logging
import random
import time
from pathlib import Path
from typing import IO, Any

import duckdb

from ..errors import Errors, FrontwatchError

logger = logging.getLogger(__name__)

#: Seconds a process waits for the database by default (setting ``store_wait``).
DEFAULT_WAIT = 30.0
#: The first and the longest pause between two tries, in seconds (doubling in between).
FIRST_PAUSE = 0.005
LONGEST_PAUSE = 0.25
#: Bytes 8-11 of every DuckDB database file.
DUCKDB_MAGIC = b"DUCK"
_DUCKDB_BUSY = "Could not set lock"


class StoreError(FrontwatchError):
    """A store that cannot be opened or written (a coded message meant for the user)."""


class StoreBusy(StoreError):
    """Another process kept the database for longer than the wait (E301)."""


#: The name of :class:`StoreBusy` before version 0.2 of the store.
StoreLocked = StoreBusy


class StoreUnreadable(StoreError):
    """The file is not a DuckDB database, or is damaged (E304)."""


class StoreMissing(StoreError):
    """No database at the path, for a reader (E303)."""


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def busy(db: Path, wait: float, what: str) -> StoreBusy:
    return StoreBusy(Errors.E301, path=db, wait=f"{wait:g}", lock=lock_path(db), what=what)


def check_file(db: Path) -> None:
    """Raise :class:`StoreUnreadable` when ``db`` exists and is not a DuckDB database.

    Reads the header only (no lock needed): an empty file is accepted (it holds nothing and
    becomes a new database), anything else must carry DuckDB's magic bytes.
    """
    try:
        with db.open("rb") as fh:
            head = fh.read(12)
    except FileNotFoundError:
        return
    except IsADirectoryError as err:
        raise StoreUnreadable(Errors.E304, path=db, detail="a folder") from err
    except OSError as err:
        raise StoreUnreadable(Errors.E304, path=db, detail=err.strerror or str(err)) from err
    if head and head[8:12] != DUCKDB_MAGIC:
        raise StoreUnreadable(Errors.E304, path=db, detail="not a DuckDB database file")


def pauses(deadline: float) -> Any:
    """Sleep between tries with exponential backoff and jitter; ``False`` once past ``deadline``."""
    pause = FIRST_PAUSE

    def wait_more() -> bool:
        nonlocal pause
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, pause * random.uniform(0.5, 1.0)))
        pause = min(LONGEST_PAUSE, pause * 2)
        return True

    return wait_more


class FileLock:
    """``<db>.lock``: shared for readers, exclusive for a writer, waited for with a bound.

    One object holds at most one lock at a time. ``flock`` locks belong to an open file, so
    two objects of the same process exclude each other as two processes do.
    """

    def __init__(self, db: Path) -> None:
        self.path = lock_path(db)
        self._fh: IO[bytes] | None = None
        self.exclusive = False

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self, *, exclusive: bool, wait: float) -> bool:
        """Take the lock within ``wait`` seconds; ``False`` if other processes kept it.

        A reader that cannot create the lock file (a read-only folder) goes on without it and
        relies on DuckDB's own lock.
        """
        if self._fh is not None:
            raise RuntimeError("the store lock is held already")
        try:
            fh = self.path.open("ab")
        except OSError:
            if exclusive:
                raise
            logger.debug("no lock file %s (read-only folder?): reading without it", self.path)
            return True
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        again = pauses(time.monotonic() + wait)
        while True:
            try:
                fcntl.flock(fh.fileno(), mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not again():
                    fh.close()
                    return False
        self._fh = fh
        self.exclusive = exclusive
        return True

    def release(self) -> None:
        if self._fh is None:
            return
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
        finally:
            self._fh.close()
            self._fh = None


def connect(
    db: Path, *, read_only: bool, deadline: float, wait: float
) -> duckdb.DuckDBPyConnection:
    """Open ``db``, retrying while another process holds DuckDB's lock until ``deadline``
    (``wait`` seconds after the caller began waiting).

    Raises :class:`StoreBusy` past the deadline and :class:`StoreUnreadable` for a file DuckDB
    cannot read.
    """
    again = pauses(deadline)
    while True:
        try:
            return duckdb.connect(str(db), read_only=read_only)
        except duckdb.IOException as err:
            if _DUCKDB_BUSY not in str(err):
                raise StoreUnreadable(Errors.E304, path=db, detail=_short(err)) from err
            if not again():
                raise busy(db, wait, "a process that is not frontwatch holds it") from err
        except duckdb.ConnectionException:
            raise  # this process has it open with another configuration: a bug, not the file
        except duckdb.Error as err:
            raise StoreUnreadable(Errors.E304, path=db, detail=_short(err)) from err


def _short(err: Exception) -> str:
    """DuckDB's message without its error class and the path it repeats."""
    text = str(err).split("\n", 1)[0]
    return text.split(": ", 1)[1] if ": " in text else text
