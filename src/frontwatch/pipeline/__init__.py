"""The pipeline: a document in, a :class:`~frontwatch.records.DocumentResult` out.

======================  ==============================================================
module                  what
======================  ==============================================================
:mod:`.build`           :func:`build_nlp`: the English model plus frontwatch's components
:mod:`.local`           :class:`LocalExtractor`: screening, the parse, assembly, in this process
:mod:`.parallel`        the same over worker processes or a Dask cluster; Parquet partitions
:mod:`.extractor`       :class:`Extractor` (local, or parallel with ``workers``) and :func:`extract`
======================  ==============================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..dates import parse_date

if TYPE_CHECKING:
    from .extractor import Extractor, extract
    from .local import LocalExtractor, Prepared, as_document, restore

__all__ = [
    "Extractor",
    "LocalExtractor",
    "Prepared",
    "as_document",
    "extract",
    "parse_date",
    "restore",
]


def __getattr__(name: str) -> Any:
    """The names above, imported on first use: a process that only hands documents to worker
    processes (:mod:`.parallel`) never imports spaCy or loads a model itself."""
    if name in ("Extractor", "extract"):
        from . import extractor

        return getattr(extractor, name)
    if name in ("LocalExtractor", "Prepared", "as_document", "restore"):
        from . import local

        return getattr(local, name)
    raise AttributeError(name)
