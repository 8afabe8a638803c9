"""The ``fw_attribution`` component: named outlets and organisations, then each sentence's
attributions (:mod:`.sentences`), quotations and the document's sources."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_outlet)
from frontwatch.nlp.batching import BatchedPipe

from .mentions import (
    AttributionMention,
    AttributionResult,
    _collect_sources,
    _extend_to_quotes,
    _longest_first,
    _Named,
    _required_words,
)
from .sentences import _SentenceWork
from .words import AttributionLexicon, SourceEntry, default_lexicon

logger = logging.getLogger(__name__)


class AttributionFinder(BatchedPipe):
    """Finds attribution constructions and named sources; see the module docstring."""

    def __init__(self, nlp: Language, lexicon: AttributionLexicon) -> None:
        self.lexicon = lexicon
        vocab = nlp.vocab
        # one-word aliases match case-sensitively ("AP", "Amnesty" but not "amnesty"),
        # longer ones case-insensitively ("Itar-Tass news agency")
        self.phrase_matcher = PhraseMatcher(vocab, attr="ORTH")
        self.lower_matcher = PhraseMatcher(vocab, attr="LOWER")
        self._entries: dict[str, SourceEntry] = {}
        for i, entry in enumerate(lexicon.sources):
            key = f"src{i}"
            self._entries[key] = entry
            variants: set[str] = set()
            for alias in (entry.name, *entry.aliases):
                variants.add(alias)
                if alias.startswith("The "):
                    variants.add("the " + alias[4:])
            patterns = [nlp.make_doc(v) for v in sorted(variants)]
            self.phrase_matcher.add(key, [p for p in patterns if len(p) == 1])
            self.lower_matcher.add(key, [p for p in patterns if len(p) > 1])
        self.matcher = Matcher(vocab)
        for i, pattern in enumerate(lexicon.organisation_patterns):
            self.matcher.add(f"org{i}", [pattern["pattern"]])
        # a document without any word the patterns require cannot match them
        self._pattern_words = _required_words([p["pattern"] for p in lexicon.organisation_patterns])

    def __call__(self, doc: Doc) -> Doc:
        result = self.predict(doc)
        self.set_annotations(doc, result)
        return doc

    # -- compute

    def predict(self, doc: Doc) -> AttributionResult:
        strings = doc.vocab.strings
        lowers = [strings[h] for h in doc.to_array(LOWER).tolist()]
        named = self._named(doc, lowers)
        by_token: dict[int, _Named] = {}
        for n in named:
            for i in range(n.start, n.end):
                by_token[i] = n
        finder = _SentenceWork(doc, self.lexicon, by_token, lowers)
        mentions: list[AttributionMention] = []
        for sent in finder.sents:
            mentions.extend(finder.sentence(sent, mentions))
        _extend_to_quotes(finder.text, mentions)
        sources = _collect_sources(doc, named, finder.sourced)
        logger.debug(
            "fw_attribution: %s mentions, %s sources in doc %s",
            len(mentions),
            len(sources),
            doc._.fw_doc_id,
        )
        return AttributionResult(mentions=mentions, sources=sources)

    def _named(self, doc: Doc, lowers: Sequence[str]) -> list[_Named]:
        spans: list[Span] = []
        skip_patterns = self._pattern_words is not None and self._pattern_words.isdisjoint(lowers)
        for matcher in (self.phrase_matcher, self.lower_matcher, self.matcher):
            if len(matcher) == 0:  # a small lexicon may leave one empty
                continue
            if matcher is self.matcher and skip_patterns:
                continue
            for match_id, start, end in matcher(doc):
                spans.append(Span(doc, start, end, label=match_id))
        out: list[_Named] = []
        for span in _longest_first(spans):
            label = doc.vocab.strings[span.label]
            start = span.start
            if doc[start].lower_ == "the" and span.end - start > 1:
                start += 1  # the article stays outside the source's span
            entry = self._entries.get(label)
            if entry is not None:
                out.append(_Named(start, span.end, entry.name, entry.kind))
            else:
                out.append(_Named(start, span.end, doc[start : span.end].text, "organisation"))
        return sorted(out, key=lambda n: n.start)

    # -- write

    def set_annotations(self, doc: Doc, result: AttributionResult) -> None:
        doc._.fw_attributions = result.mentions
        doc._.fw_sources = result.sources


@Language.factory(
    "fw_attribution",
    default_config={"lexicon_path": None},
    requires=["token.dep", "token.lemma", "token.ent_type"],
    assigns=["doc._.fw_attributions", "doc._.fw_sources"],
)
def make_attribution(nlp: Language, name: str, lexicon_path: str | None) -> AttributionFinder:
    return AttributionFinder(nlp, default_lexicon(lexicon_path))
