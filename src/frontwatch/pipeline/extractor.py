"""The public extraction API: :class:`Extractor` and :func:`extract`.

>>> from frontwatch import Extractor
>>> extractor = Extractor()                       # loads the pipeline once
>>> text = "Rebels seized the town of Kidal on Tuesday."
>>> result = extractor.extract(text, published="2024-03-14")
>>> for event in result.events:                  # doctest: +SKIP
...     print(event.acled.sub_event_type, event.actor1.text, event.date.start)
Non-state actor overtakes territory Rebels 2024-03-12
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..errors import DocumentError
from ..records import Document, DocumentResult
from .local import LocalExtractor
from .parallel import extract_parallel


class Extractor(LocalExtractor):
    """Loads the pipeline once and extracts events from documents.

    Dependencies are passed in: ``settings`` (defaults plus the user's file), ``nlp`` (a built
    pipeline, e.g. shared between extractors) and ``gazetteer`` (tests pass a small slice).
    ``screen`` (a :class:`~frontwatch.relevance.RelevanceScreen`) replaces the bundled
    relevance screen; it is used when ``settings.relevance`` is not ``"off"``.
    """

    def extract_many(
        self, items: Iterable[Document | DocumentError], *, workers: int = 1
    ) -> Iterator[DocumentResult | DocumentError]:
        """Stream results; errors pass through so the caller can report them.

        ``items`` are screened documents and errors, as :func:`frontwatch.ingest.iter_documents`
        yields them. Documents are parsed in batches of ``settings.batch_size``. With
        ``workers`` other than 1 (0: one per core) they are spread over worker processes
        (:func:`frontwatch.pipeline.parallel.extract_parallel`; same results, same order); the
        workers build their pipeline from ``settings``, not from this extractor's
        ``nlp``/``gazetteer``.
        """
        if workers != 1:
            return extract_parallel(items, self.settings, workers=workers, extractor=self)
        return super().extract_many(items)


@lru_cache(maxsize=1)
def _default_extractor() -> Extractor:
    return Extractor()


def extract(
    text_or_document: str | Document,
    published: str | dt.date | None = None,
    *,
    doc_id: str | None = None,
) -> DocumentResult:
    """Extract the events of one document with the default settings.

    ``published`` (``YYYY-MM-DD``) anchors relative dates ("last week"); without it they stay
    unresolved. Returns a :class:`~frontwatch.records.DocumentResult` whose ``events`` are
    :class:`~frontwatch.records.Event` records.
    """
    return _default_extractor().extract(text_or_document, published=published, doc_id=doc_id)
