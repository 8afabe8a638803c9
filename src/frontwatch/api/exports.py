"""Export downloads: one file written per distinct request at a time, shared by every request
for the same export that arrives while it is written or sent.

A map with many users asking for the same export at once (a burst of identical requests) costs
one export, not one each. Distinct exports run at most ``max_exports`` at once,
``max_exports_per_client`` of them for one client (:class:`~frontwatch.api.limits.Slots`);
past that the request gets 429. The file is written in a worker thread to a temporary folder,
which is removed when the last response that sends it is done. The writing does not depend on
the request that started it: if that client goes away, the others still get the file.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse

from .limits import Slots
from .memory import release_memory

ExportKey = tuple[object, ...]


class ExportFile(FileResponse):
    """An export file sent in chunks of 256 kB (Starlette's 64 kB: each chunk costs a read in a
    worker thread and a write through the event loop, so 40 clients downloading 86 MB each
    took 24 s of which 17 s the server's CPU; 256 kB: 8 s, and about 30 MB more memory while
    sending; 1 MB: 6 s and 90 MB more; docs/reliability.md)."""

    chunk_size = 256 * 1024


@dataclass(eq=False)
class Flight:
    """One export being written, then sent: its file, and how many responses hold it."""

    key: ExportKey
    source: object  # the index it was written from: a later index is another export
    folder: Path
    path: Path
    task: asyncio.Task[None] | None = None
    holders: int = 0


class ExportFlights:
    """The exports being written or sent, by key (format, filters), on the event loop."""

    def __init__(self, slots: Slots) -> None:
        self.slots = slots
        self._flights: dict[ExportKey, Flight] = {}

    def join(self, key: ExportKey, source: object) -> Flight | None:
        """The flight of the same export from the same ``source``, held once more, if any."""
        flight = self._flights.get(key)
        if flight is None or flight.source is not source:
            return None
        flight.holders += 1
        return flight

    def start(
        self,
        key: ExportKey,
        source: object,
        client: str,
        filename: str,
        write: Callable[[Path], object],
    ) -> Flight | None:
        """A new flight writing ``filename`` with ``write(path)`` in a worker thread, held
        once; ``None`` when ``client`` may not start another export now."""
        if not self.slots.take(client):
            return None
        folder = Path(tempfile.mkdtemp(prefix="frontwatch-export-"))
        flight = Flight(key, source, folder, folder / filename, holders=1)

        async def run() -> None:
            try:
                await run_in_threadpool(write, flight.path)
            finally:
                if self.slots.give_back(client) == 0:
                    release_memory()

        flight.task = asyncio.get_running_loop().create_task(run())
        previous = self._flights.get(key)
        if previous is not None:  # written from an older index: still sent to its holders
            previous.key = (*previous.key, object())  # no longer found by its key
        self._flights[key] = flight
        return flight

    async def wait(self, flight: Flight) -> None:
        """Until the file is written; raises what the writing raised. A request that goes away
        meanwhile lets the file go (:meth:`release`), the writing goes on for the others."""
        assert flight.task is not None
        try:
            await asyncio.shield(flight.task)
        except BaseException:
            self.release(flight)
            raise

    async def sent(self, flight: Flight) -> None:
        """A response has sent the file (a background task: runs on the event loop)."""
        self.release(flight)

    def release(self, flight: Flight) -> None:
        """One response is done with the file: the last one removes it."""
        flight.holders -= 1
        if flight.holders > 0:
            return
        if self._flights.get(flight.key) is flight:
            del self._flights[flight.key]
        if flight.task is not None and not flight.task.done():
            flight.task.add_done_callback(lambda _: _remove(flight.folder))
        else:
            _remove(flight.folder)


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
