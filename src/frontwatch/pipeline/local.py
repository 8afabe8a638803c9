"""Extraction in this process: :class:`LocalExtractor`, and what prepares a document for the
parse (:func:`parse_date`, :func:`as_document`, :class:`Prepared`, :func:`restore`).

:class:`frontwatch.pipeline.Extractor`, the public class, is a :class:`LocalExtractor` that can
also spread a stream over worker processes (:mod:`frontwatch.pipeline.parallel`, whose workers
each hold a :class:`LocalExtractor`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from ..dates import parse_date
from ..errors import DocumentError, Errors
from ..records import Document, DocumentResult
from ..settings import Settings, load_settings

if TYPE_CHECKING:
    from ..gazetteer.index import Gazetteer
    from ..offsets import OffsetMap
    from ..relevance import RelevanceScreen

logger = logging.getLogger(__name__)


def as_document(
    item: str | Document, *, published: str | dt.date | None = None, doc_id: str | None = None
) -> Document:
    if isinstance(item, Document):
        if published is not None and item.published is None:
            return item.model_copy(update={"published": parse_date(published)})
        return item
    text = item.replace("\r\n", "\n")
    ident = doc_id or hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    return Document(id=ident, text=text, published=parse_date(published))


@dataclass(frozen=True)
class Prepared:
    """A document ready for the parse: ``parsed`` is the document itself or, under sentence
    screening, a copy holding only the kept sentences, whose spans ``offsets`` maps back."""

    document: Document
    parsed: Document
    offsets: OffsetMap | None = None


def restore(result: DocumentResult, offsets: OffsetMap) -> DocumentResult:
    """``result`` of a reduced text with every span moved back to the original text, and the
    event ids (which hash the trigger span) recomputed from the original spans."""
    from ..assembly import event_id
    from ..offsets import remap_spans

    mapped = remap_spans(result, offsets)
    for event in mapped.events:
        plover = event.plover.type if event.plover is not None else ""
        event.id = event_id(event.doc_id, event.trigger.span, plover)
    return mapped


class LocalExtractor:
    """Loads the pipeline once and extracts events from documents, in this process.

    Dependencies are passed in: ``settings`` (defaults plus the user's file), ``nlp`` (a built
    pipeline, e.g. shared between extractors) and ``gazetteer`` (tests pass a small slice).
    ``screen`` (a :class:`~frontwatch.relevance.RelevanceScreen`) replaces the bundled
    relevance screen; it is used when ``settings.relevance`` is not ``"off"``.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        nlp: Language | None = None,
        gazetteer: Gazetteer | None = None,
        screen: RelevanceScreen | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self._nlp = nlp
        self._gazetteer = gazetteer
        self._screen: RelevanceScreen | None = screen

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from .build import build_nlp

            self._nlp = build_nlp(self.settings, gazetteer=self._gazetteer)
        return self._nlp

    @property
    def screen(self) -> RelevanceScreen:
        """The relevance screen (vocabulary from the lexicon and the pipeline's lemmatizer)."""
        if self._screen is None:
            from ..relevance import RelevanceScreen, load_vocabulary

            self._screen = RelevanceScreen(load_vocabulary(self.nlp))
        return self._screen

    def relevant(self, document: Document) -> bool:
        """False when relevance screening is on and ``document`` cannot hold an event."""
        return self.prepare(document) is not None

    def prepare(self, document: Document) -> Prepared | None:
        """What to parse of ``document`` under the ``relevance`` setting; ``None`` when the
        screen finds that it cannot hold an event (it is not parsed)."""
        mode = self.settings.relevance
        if mode == "off":
            return Prepared(document, document)
        if mode == "document":
            return Prepared(document, document) if self.screen.is_relevant(document.text) else None
        selection = self.screen.select(document.text)
        if selection is None:
            return None
        if len(selection.kept) == len(selection.sentences):
            return Prepared(document, document)
        from ..offsets import reduce_text

        text, offsets = reduce_text(document.text, selection.kept)
        logger.debug(
            "document %s: %d of %d sentences parsed (%d of %d characters)",
            document.id,
            len(selection.kept),
            len(selection.sentences),
            len(text),
            len(document.text),
        )
        return Prepared(document, document.model_copy(update={"text": text}), offsets)

    def _finish(self, doc: Doc, prepared: Prepared) -> DocumentResult:
        from ..assembly import assemble

        result = assemble(doc)
        if prepared.offsets is None:
            return result
        return restore(result, prepared.offsets)

    def _make_doc(self, document: Document) -> Doc:
        doc = self.nlp.make_doc(document.text)
        doc._.fw_text = document.text  # the tokenizer keeps the text verbatim
        doc._.fw_doc_id = document.id
        doc._.fw_published = document.published
        doc._.fw_outlet = document.outlet
        return doc

    def extract(
        self,
        item: str | Document,
        *,
        published: str | dt.date | None = None,
        doc_id: str | None = None,
    ) -> DocumentResult:
        """Events of one document (a text or a :class:`~frontwatch.records.Document`).

        Raises :class:`~frontwatch.errors.DocumentError` for a document that cannot be read
        (empty, oversized, not English).
        """
        from ..ingest.screen import screen

        document = as_document(item, published=published, doc_id=doc_id)
        screen(document, self.settings)
        prepared = self.prepare(document)
        if prepared is None:
            return DocumentResult(doc_id=document.id)
        doc = self.nlp(self._make_doc(prepared.parsed))
        return self._finish(doc, prepared)

    def extract_many(
        self, items: Iterable[Document | DocumentError]
    ) -> Iterator[DocumentResult | DocumentError]:
        """Stream results; errors pass through so the caller can report them.

        ``items`` are screened documents and errors, as :func:`frontwatch.ingest.iter_documents`
        yields them. Documents are parsed in batches of ``settings.batch_size``.
        """
        # results in input order, a batch of parsed documents at a time: ready items (errors,
        # screened-out documents) wait behind the parsed documents that precede them
        pending: list[DocumentResult | DocumentError | Prepared] = []
        parsed = 0
        for item in items:
            if isinstance(item, DocumentError):
                pending.append(item)
                continue
            try:
                prepared = self.prepare(item)
            except Exception as err:
                pending.append(failed(item, err))
                continue
            if prepared is None:
                pending.append(DocumentResult(doc_id=item.id))
                continue
            pending.append(prepared)
            parsed += 1
            if parsed >= self.settings.batch_size:
                yield from self._run_batch(pending)
                pending, parsed = [], 0
        yield from self._run_batch(pending)

    def _run_batch(
        self, pending: list[DocumentResult | DocumentError | Prepared]
    ) -> Iterator[DocumentResult | DocumentError]:
        """``pending`` in order, its prepared documents parsed together; when the batch fails,
        they are parsed one by one, and a document that fails alone gives E014."""
        prepared = [p for p in pending if isinstance(p, Prepared)]
        results: list[DocumentResult | DocumentError] | None = None
        if prepared:
            try:
                docs = list(
                    self.nlp.pipe(
                        (self._make_doc(p.parsed) for p in prepared), batch_size=len(prepared)
                    )
                )
                results = [self._finish_one(doc, p) for doc, p in zip(docs, prepared, strict=True)]
            except Exception:
                logger.debug("a batch of %s documents failed: one by one", len(prepared))
                results = [self._extract_one(p) for p in prepared]
        done = iter(results or ())
        for item in pending:
            yield next(done) if isinstance(item, Prepared) else item

    def _extract_one(self, prepared: Prepared) -> DocumentResult | DocumentError:
        try:
            doc = self.nlp(self._make_doc(prepared.parsed))
        except Exception as err:
            return failed(prepared.document, err)
        return self._finish_one(doc, prepared)

    def _finish_one(self, doc: Doc, prepared: Prepared) -> DocumentResult | DocumentError:
        try:
            return self._finish(doc, prepared)
        except Exception as err:
            return failed(prepared.document, err)


def failed(document: Document, err: Exception) -> DocumentError:
    """E014 for ``document``, which raised ``err`` somewhere in the pipeline (logged with its
    traceback at debug level)."""
    logger.debug("document %s failed", document.id, exc_info=err)
    name = f"{document.id} ({document.path})" if document.path else document.id
    detail = f"{type(err).__name__}: {err}"
    return DocumentError(Errors.E014, doc_id=document.id, name=name, detail=detail)
