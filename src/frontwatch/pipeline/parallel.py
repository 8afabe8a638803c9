"""Extraction over several processes (one machine) or a Dask cluster.

Both engines keep the contract of :meth:`LocalExtractor.extract_many`: results (and the
:class:`~frontwatch.errors.DocumentError` items of the input, passed through) come out in input
order, and equal a single-process run record for record. Documents are streamed in chunks with
a bounded number of chunks in flight, so memory does not grow with the input.

- :func:`extract_parallel`: a ``spawn`` process pool; each worker builds one
  :class:`~frontwatch.pipeline.local.LocalExtractor` from the settings (in its initializer)
  and keeps it.
  Inputs smaller than ``local_below`` documents are extracted in the calling process, so a
  one-article command pays no worker start-up.
- :func:`extract_dask`: the same over a ``distributed`` scheduler; each Dask worker caches one
  extractor per settings (a module global), documents travel in partitions, and a partition's
  results come back to the caller or are written by the worker as a Parquet file
  (:func:`write_parquet`) that :func:`read_parquet` loads.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

from ..errors import DocumentError
from ..records import Document, DocumentResult
from ..settings import Settings
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
    extractor = _WORKER.get(settings_json)
    if extractor is None:
        extractor = LocalExtractor(Settings.model_validate_json(settings_json))
        _WORKER.clear()
        _WORKER[settings_json] = extractor
    return extractor


def _init_worker(settings_json: str) -> None:
    _worker_extractor(settings_json).nlp  # noqa: B018 - load the pipeline once, up front


def _extract_chunk(settings_json: str, documents: list[Document]) -> list[DocumentResult]:
    extractor = _worker_extractor(settings_json)
    out = list(extractor.extract_many(documents))
    return [r for r in out if isinstance(r, DocumentResult)]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _ordered(
    items: Iterable[Item],
    submit: Callable[[list[Document]], Future[list[DocumentResult]]],
    *,
    chunk_size: int,
    in_flight: int,
) -> Iterator[Output]:
    """Submit chunks of documents, keep at most ``in_flight`` pending, yield in input order."""
    pending: deque[tuple[list[Item], Future[list[DocumentResult]]]] = deque()

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
        local = extractor or LocalExtractor(settings)
        yield from local.extract_many([*head, *iterator])
        return
    settings_json = settings.model_dump_json()
    context = mp.get_context("spawn")
    logger.info("extracting with %s worker processes", workers)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(settings_json,)
    ) as pool:
        yield from _ordered(
            _chain(head, iterator),
            lambda docs: pool.submit(_extract_chunk, settings_json, docs),
            chunk_size=chunk_size,
            in_flight=IN_FLIGHT * workers,
        )


def _chain(head: list[Item], rest: Iterator[Item]) -> Iterator[Item]:
    yield from head
    yield from rest


# -- Dask --------------------------------------------------------------------------------------


def _dask_partition(
    settings_json: str, documents: list[dict[str, Any]], parquet_path: str | None
) -> list[dict[str, Any]] | int:
    """On a Dask worker: extract a partition; return the results, or write them as Parquet
    and return how many."""
    docs = [Document.model_validate(d) for d in documents]
    results = _extract_chunk(settings_json, docs)
    if parquet_path is not None:
        write_parquet(Path(parquet_path), docs, results)
        return len(results)
    return [r.model_dump(mode="json") for r in results]


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

    def submit(documents: list[Document]) -> Future[list[DocumentResult]]:
        index = next(counter)
        path = str(to_parquet / f"part-{index:06d}.parquet") if to_parquet else None
        payload = [d.model_dump(mode="json") for d in documents]
        future = client.submit(_dask_partition, settings_json, payload, path, pure=False)
        return _DaskResult(future, path is not None)  # type: ignore[return-value]

    try:
        for out in _ordered(
            items, submit, chunk_size=partition_size, in_flight=IN_FLIGHT * workers
        ):
            if isinstance(out, DocumentError) or to_parquet is None:
                yield out
    finally:
        if own:
            client.close()


class _DaskResult:
    """Adapts a Dask future to the ``result()`` the ordering loop reads."""

    def __init__(self, future: Any, written: bool) -> None:
        self.future = future
        self.written = written

    def result(self) -> list[DocumentResult]:
        value = self.future.result()
        if self.written:
            return [DocumentResult(doc_id="")] * int(value)
        return [DocumentResult.model_validate(r) for r in value]


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
