"""Extraction over several processes (one machine) or a Dask cluster.

Both engines keep the contract of :meth:`LocalExtractor.extract_many`: results (and the
:class:`~frontwatch.errors.DocumentError` items of the input, passed through) come out in input
order, and equal a single-process run record for record. Documents are streamed in chunks with
a bounded number of chunks in flight, so memory does not grow with the input.

- :func:`extract_parallel`: a ``spawn`` process pool; each worker builds one
  :class:`~frontwatch.pipeline.local.LocalExtractor` from the settings (in its initializer)
  and keeps it.
  Inputs smaller than ``local_below`` documents are extracted in the calling process, so a
  one-article command pays no worker start-up. Workers stop when the calling process stops,
  however it stops (:func:`watch_parent`), and are terminated when the caller stops reading
  or fails.
- :func:`extract_dask`: the same over a ``distributed`` scheduler; each Dask worker caches one
  extractor per settings (a module global), documents travel in partitions, and a partition's
  results come back to the caller or are written by the worker as a Parquet file
  (:func:`write_parquet`) that :func:`read_parquet` loads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DocumentError
from ..records import Document, DocumentResult
from ..settings import Settings

if TYPE_CHECKING:
    from .local import LocalExtractor

logger = logging.getLogger(__name__)

Item = Document | DocumentError
Output = DocumentResult | DocumentError

CHUNK_SIZE = 16  # documents per task
IN_FLIGHT = 2  # chunks per worker queued or running

_WORKER: dict[str, LocalExtractor] = {}  # in a worker process: settings JSON -> extractor


def resolve_workers(workers: int) -> int:
    """``0`` means one per CPU core."""
    return workers if workers > 0 else (os.cpu_count() or 1)


def _worker_extractor(settings_json: str) -> LocalExtractor:
    from .local import LocalExtractor  # in the worker: the parent needs no spaCy

    extractor = _WORKER.get(settings_json)
    if extractor is None:
        extractor = LocalExtractor(Settings.model_validate_json(settings_json))
        _WORKER.clear()
        _WORKER[settings_json] = extractor
    return extractor


#: Linux's prctl option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1
#: Seconds between two looks of a worker's watchdog at its parent.
WATCH_INTERVAL = 0.5


def watch_parent(parent_pid: int, *, interval: float = WATCH_INTERVAL) -> None:
    """Make this process (a worker) end when ``parent_pid`` ends, by any signal, SIGKILL too.

    On Linux the kernel sends SIGKILL to the worker when its parent dies
    (``PR_SET_PDEATHSIG``); everywhere, a daemon thread checks every ``interval`` seconds that
    the parent is still the same process and exits at once if not. The worker ignores SIGINT:
    a Ctrl-C goes to the parent, which ends its workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc: the watchdog remains
            logger.debug("prctl(PR_SET_PDEATHSIG) unavailable", exc_info=True)
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)

    def watchdog() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watchdog, name="frontwatch-parent-watchdog", daemon=True).start()


def _init_worker(settings_json: str, parent_pid: int) -> None:
    watch_parent(parent_pid)
    _worker_extractor(settings_json).nlp  # noqa: B018 - load the pipeline once, up front


def _extract_chunk(settings_json: str, documents: list[Document]) -> list[Output]:
    """One result a document, in order: its DocumentResult, or the E014 of a document that
    failed in the pipeline."""
    extractor = _worker_extractor(settings_json)
    return list(extractor.extract_many(documents))


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _ordered(
    items: Iterable[Item],
    submit: Callable[[list[Document]], Future[list[Output]]],
    *,
    chunk_size: int,
    in_flight: int,
) -> Iterator[Output]:
    """Submit chunks of documents, keep at most ``in_flight`` pending, yield in input order."""
    pending: deque[tuple[list[Item], Future[list[Output]]]] = deque()

    def drain_one() -> Iterator[Output]:
        chunk, future = pending.popleft()
        results = iter(future.result())
        for item in chunk:
            yield item if isinstance(item, DocumentError) else next(results)

    for chunk in _chunks(items, chunk_size):
        documents = [item for item in chunk if isinstance(item, Document)]
        pending.append((chunk, submit(documents)))
        while len(pending) >= in_flight:
            yield from drain_one()
    while pending:
        yield from drain_one()


def extract_parallel(
    items: Iterable[Item],
    settings: Settings,
    *,
    workers: int = 0,
    chunk_size: int = CHUNK_SIZE,
    local_below: int | None = None,
    extractor: LocalExtractor | None = None,
) -> Iterator[Output]:
    """:meth:`LocalExtractor.extract_many` over ``workers`` processes (0: one per core).

    With one worker, or fewer than ``local_below`` documents (default: two chunks per worker),
    extraction runs in this process (with ``extractor`` if given).
    """
    workers = resolve_workers(workers)
    iterator = iter(items)
    threshold = local_below if local_below is not None else 2 * chunk_size * workers
    head = list(islice(iterator, threshold)) if workers > 1 else []
    if workers <= 1 or len(head) < threshold:
        from .local import LocalExtractor  # only here: a pool's parent never imports spaCy

        local = extractor or LocalExtractor(settings)
        yield from local.extract_many([*head, *iterator])
        return
    settings_json = settings.model_dump_json()
    context = mp.get_context("spawn")
    logger.info("extracting with %s worker processes", workers)
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(settings_json, os.getpid()),
    )
    try:
        yield from _ordered(
            _chain(head, iterator),
            lambda docs: pool.submit(_extract_chunk, settings_json, docs),
            chunk_size=chunk_size,
            in_flight=IN_FLIGHT * workers,
        )
    except BaseException:  # an error, Ctrl-C, or the caller stopped reading: stop now
        terminate(pool)
        raise
    pool.shutdown(wait=True)


def terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the workers now, without waiting for their chunks."""
    workers = getattr(pool, "_processes", None)  # CPython's attribute: pid -> Process
    processes = list(workers.values()) if isinstance(workers, dict) else []
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def _chain(head: list[Item], rest: Iterator[Item]) -> Iterator[Item]:
    yield from head
    yield from rest


# -- Dask --------------------------------------------------------------------------------------


def _dask_partition(
    settings_json: str, documents: list[dict[str, Any]], parquet_path: str | None
) -> list[dict[str, Any] | DocumentError | None]:
    """On a Dask worker: extract a partition; one item a document: its result, or its
    error (E014); with ``parquet_path`` the results are written there as Parquet and
    ``None`` stands for each."""
    docs = [Document.model_validate(d) for d in documents]
    outputs = _extract_chunk(settings_json, docs)
    if parquet_path is not None:
        kept = [(d, r) for d, r in zip(docs, outputs, strict=True) if isinstance(r, DocumentResult)]
        write_parquet(Path(parquet_path), [d for d, _ in kept], [r for _, r in kept])
        return [r if isinstance(r, DocumentError) else None for r in outputs]
    return [r if isinstance(r, DocumentError) else r.model_dump(mode="json") for r in outputs]


def extract_dask(
    items: Iterable[Item],
    settings: Settings,
    scheduler: str | Any,
    *,
    partition_size: int = CHUNK_SIZE,
    to_parquet: Path | None = None,
) -> Iterator[Output]:
    """Extraction on a Dask cluster (``scheduler``: an address or a ``distributed.Client``).

    Yields results and input errors in input order. With ``to_parquet`` the workers write one
    Parquet file a partition under that directory (shared file system) and only the errors are
    yielded.
    """
    from distributed import Client

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    own = client is not scheduler
    settings_json = settings.model_dump_json()
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    if to_parquet is not None:
        to_parquet.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1 << 62))
    futures: deque[Any] = deque(maxlen=2 * IN_FLIGHT * workers)  # those possibly pending

    def submit(documents: list[Document]) -> Future[list[Output]]:
        index = next(counter)
        path = str(to_parquet / f"part-{index:06d}.parquet") if to_parquet else None
        payload = [d.model_dump(mode="json") for d in documents]
        future = client.submit(_dask_partition, settings_json, payload, path, pure=False)
        futures.append(future)
        return _DaskResult(future, path is not None)  # type: ignore[return-value]

    try:
        for out in _ordered(
            items, submit, chunk_size=partition_size, in_flight=IN_FLIGHT * workers
        ):
            if isinstance(out, DocumentError) or to_parquet is None:
                yield out
    except BaseException:  # the caller failed or stopped reading: the cluster stops too
        client.cancel([f for f in futures if not f.done()])
        raise
    finally:
        if own:
            client.close()


class _DaskResult:
    """Adapts a Dask future to the ``result()`` the ordering loop reads."""

    def __init__(self, future: Any, written: bool) -> None:
        self.future = future
        self.written = written

    def result(self) -> list[Output]:
        value: list[dict[str, Any] | DocumentError | None] = self.future.result()
        return [
            r
            if isinstance(r, DocumentError)
            else DocumentResult(doc_id="")
            if r is None  # written to Parquet by the worker
            else DocumentResult.model_validate(r)
            for r in value
        ]


# -- Parquet partitions -----------------------------------------------------------------------


def write_parquet(path: Path, documents: list[Document], results: list[DocumentResult]) -> None:
    """One Parquet file: a row per document (its JSON and its result's JSON), by DuckDB."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE part (doc_id VARCHAR, document VARCHAR, result VARCHAR)")
        con.executemany(
            "INSERT INTO part VALUES (?, ?, ?)",
            [
                (d.id, d.model_dump_json(), r.model_dump_json())
                for d, r in zip(documents, results, strict=True)
            ],
        )
        tmp = path.with_suffix(".tmp")
        con.execute(f"COPY part TO {_sql_str(tmp)} (FORMAT PARQUET)")
        tmp.replace(path)
    finally:
        con.close()


def _sql_str(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def read_parquet(directory: Path) -> Iterator[tuple[Document, DocumentResult]]:
    """(document, result) pairs of the ``part-*.parquet`` files of ``directory``, in order."""
    import duckdb

    for path in sorted(directory.glob("part-*.parquet")):
        con = duckdb.connect()
        try:
            rows = con.execute(
                f"SELECT document, result FROM read_parquet({_sql_str(path)})"
            ).fetchall()
        finally:
            con.close()
        for document, result in rows:
            yield Document.model_validate_json(document), DocumentResult.model_validate_json(result)
