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

from ..dates import parse_date
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
