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

from ..assembly import assemble
from ..dates import parse_date
from ..errors import DocumentError, Errors
from ..nlp.segment import split_sentences
from ..offsets import reduce_text
from ..records import Document, DocumentResult, Span
from ..settings import Settings, load_settings
from .windows import Window, merge_results, plan_windows

if TYPE_CHECKING:
    from ..coder import Coder
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
class Part:
    """One text to parse for a document: the document itself, or a copy holding pieces of it
    (the sentences the relevance screen keeps, a window of a long document) whose spans
    ``offsets`` maps back; ``window``: the range of the original whose records it keeps
    (``None``: all)."""

    parsed: Document
    offsets: OffsetMap | None = None
    window: Window | None = None


@dataclass(frozen=True)
class Prepared:
    """A document ready for the parse: one part, or several windows of a long document."""

    document: Document
    parts: tuple[Part, ...]

    @property
    def parsed(self) -> Document:
        """The text of the first part (the only one unless the document is long)."""
        return self.parts[0].parsed

    @property
    def offsets(self) -> OffsetMap | None:
        return self.parts[0].offsets


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
    relevance screen; it is used when ``settings.relevance`` is not ``"off"``. ``coder``
    (a :class:`~frontwatch.coder.Coder`) replaces the learned coder that ``settings.coder``
    names.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        nlp: Language | None = None,
        gazetteer: Gazetteer | None = None,
        screen: RelevanceScreen | None = None,
        coder: Coder | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self._nlp = nlp
        self._gazetteer = gazetteer
        self._screen: RelevanceScreen | None = screen
        self._coder = coder
        self._coder_loaded = coder is not None

    @property
    def coder(self) -> Coder | None:
        """The learned coder (``settings.coder``: empty for the shipped model, ``"off"`` for
        the rules alone, or a model folder); loaded once."""
        if not self._coder_loaded:
            from ..coder import load_coder

            name = self.settings.coder
            self._coder = None if name == "off" else load_coder(name or None)
            self._coder_loaded = True
        return self._coder

    @coder.setter
    def coder(self, value: Coder | None) -> None:
        self._coder = value
        self._coder_loaded = True

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

            nlp = self.nlp
            known = None
            if "fw_places" in nlp.pipe_names:
                places = nlp.get_pipe("fw_places")
                known = places.gazetteer.known_keys  # type: ignore[attr-defined]
            self._screen = RelevanceScreen(load_vocabulary(nlp), known_places=known)
        return self._screen

    def relevant(self, document: Document) -> bool:
        """False when relevance screening is on and ``document`` cannot hold an event."""
        return self.prepare(document) is not None

    def prepare(self, document: Document) -> Prepared | None:
        """What to parse of ``document`` under the ``relevance`` setting; ``None`` when the
        screen finds that it cannot hold an event (it is not parsed). A document whose parsed
        text is longer than ``settings.window_chars`` is cut into windows
        (:mod:`frontwatch.pipeline.windows`)."""
        mode = self.settings.relevance
        text = document.text
        kept: tuple[Span, ...] | None = None
        if mode == "document":
            if not self.screen.is_relevant(text):
                return None
        elif mode != "off":
            screen = self.screen
            selection = screen.select(text) if mode == "sentence" else screen.select_safe(text)
            if selection is None:
                return None
            if len(selection.kept) < len(selection.sentences):
                kept = selection.kept
                logger.debug(
                    "document %s: %d of %d sentences parsed (%d of %d characters)",
                    document.id,
                    len(selection.kept),
                    len(selection.sentences),
                    selection.kept_chars,
                    len(text),
                )
        size = self.settings.window_chars
        if kept is None:
            if len(text) <= size:
                return Prepared(document, (Part(document),))
            kept = tuple(split_sentences(text))
        windows = plan_windows(text, kept, size)
        parts = []
        for window in windows:
            reduced, offsets = reduce_text(text, window.pieces)
            copy = document.model_copy(update={"text": reduced})
            parts.append(Part(copy, offsets, window if len(windows) > 1 else None))
        return Prepared(document, tuple(parts))

    def _finish(self, doc: Doc, part: Part) -> DocumentResult:
        result = assemble(doc, coder=self.coder, scope=self.settings.coder_fields)
        if part.offsets is None:
            return result
        return restore(result, part.offsets)

    def _merge(self, prepared: Prepared, results: list[DocumentResult]) -> DocumentResult:
        if len(results) == 1:
            return results[0]
        windows = [part.window for part in prepared.parts]
        return merge_results(
            prepared.document.id,
            [(w, r) for w, r in zip(windows, results, strict=True) if w is not None],
        )

    def _make_doc(self, document: Document) -> Doc:
        doc = self.nlp.make_doc(document.text)
        doc._.fw_text = document.text  # the tokenizer keeps the text verbatim
        doc._.fw_doc_id = document.id
        doc._.fw_published = document.published
        doc._.fw_outlet = document.outlet
        return doc

    def parse_many(self, documents: Iterable[Document]) -> Iterator[Doc]:
        """The annotated Docs of ``documents`` (no screening, no assembly): what the trainer
        of the learned coder reads."""
        made = (self._make_doc(document) for document in documents)
        yield from self.nlp.pipe(made, batch_size=self.settings.batch_size)

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
        docs = [self._make_doc(part.parsed) for part in prepared.parts]
        parsed = self.nlp.pipe(docs, batch_size=self.settings.batch_size)
        results = [
            self._finish(doc, part) for doc, part in zip(parsed, prepared.parts, strict=True)
        ]
        return self._merge(prepared, results)

    def extract_many(
        self, items: Iterable[Document | DocumentError]
    ) -> Iterator[DocumentResult | DocumentError]:
        """Stream results; errors pass through so the caller can report them.

        ``items`` are screened documents and errors, as :func:`frontwatch.ingest.iter_documents`
        yields them. Documents are parsed in batches of ``settings.batch_size``.
        """
        # results in input order, a batch of parsed documents at a time: ready items (errors,
        # screened-out documents) wait behind the parsed documents that precede them; a long
        # document's parts (windows) are parsed in the same stream and merged when all are done
        pending: list[DocumentResult | DocumentError | Prepared] = []
        parts = 0
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
            parts += len(prepared.parts)
            if parts >= self.settings.batch_size:
                yield from self._run_batch(pending)
                pending, parts = [], 0
        yield from self._run_batch(pending)

    def _run_batch(
        self, pending: list[DocumentResult | DocumentError | Prepared]
    ) -> Iterator[DocumentResult | DocumentError]:
        """``pending`` in order, the parts of its prepared documents parsed in one stream; when
        the stream fails, documents are parsed one by one, and one that fails alone gives E014."""
        prepared = [p for p in pending if isinstance(p, Prepared)]
        results: list[DocumentResult | DocumentError] = []
        if prepared:
            jobs = [(p, part) for p in prepared for part in p.parts]
            done: dict[int, list[DocumentResult]] = {id(p): [] for p in prepared}
            errors: dict[int, DocumentError] = {}
            try:
                docs = self.nlp.pipe(
                    (self._make_doc(part.parsed) for _, part in jobs),
                    batch_size=self.settings.batch_size,
                )
                for doc, (p, part) in zip(docs, jobs, strict=True):
                    if id(p) in errors:
                        continue
                    try:
                        done[id(p)].append(self._finish(doc, part))
                    except Exception as err:
                        errors[id(p)] = failed(p.document, err)
                results = [errors.get(id(p)) or self._merge_one(p, done[id(p)]) for p in prepared]
            except Exception:
                logger.debug("a batch of %s documents failed: one by one", len(prepared))
                results = [self._extract_one(p) for p in prepared]
        out = iter(results)
        for item in pending:
            yield next(out) if isinstance(item, Prepared) else item

    def _extract_one(self, prepared: Prepared) -> DocumentResult | DocumentError:
        try:
            docs = [self.nlp(self._make_doc(part.parsed)) for part in prepared.parts]
            results = [self._finish(d, part) for d, part in zip(docs, prepared.parts, strict=True)]
        except Exception as err:
            return failed(prepared.document, err)
        return self._merge_one(prepared, results)

    def _merge_one(
        self, prepared: Prepared, results: list[DocumentResult]
    ) -> DocumentResult | DocumentError:
        try:
            return self._merge(prepared, results)
        except Exception as err:
            return failed(prepared.document, err)


def failed(document: Document, err: Exception) -> DocumentError:
    """E014 for ``document``, which raised ``err`` somewhere in the pipeline (logged with its
    traceback at debug level)."""
    logger.debug("document %s failed", document.id, exc_info=err)
    name = f"{document.id} ({document.path})" if document.path else document.id
    detail = f"{type(err).__name__}: {err}"
    return DocumentError(Errors.E014, doc_id=document.id, name=name, detail=detail)
