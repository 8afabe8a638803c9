"""Sentences: where frontwatch's sentences begin and end, in one place.

A line break always ends a sentence: news text puts a headline, a dateline or a list item on a
line of its own. Two readers apply the rule:

* ``fw_segment`` (:class:`LineBreakSegmenter`), before the parser: a token after a line break
  starts a sentence; the parser keeps these preset boundaries and finds the others.
* :func:`split_sentences`, with no model, for the relevance screen before any parse
  (:mod:`frontwatch.relevance`): lines, cut at end punctuation followed by white space and a
  capital, a digit or an opening quote, unless the full stop closes an abbreviation
  (``text_words.json``) or an initial. Finer than the parser's sentences rather than coarser:
  a line is never joined to the next. :data:`SENTENCE_RE` is the coarser cut of the
  document-level screen (end punctuation, blank lines).

The eval aligns predictions with gold sentences of its own splitter
(:func:`frontwatch.eval.align.split_sentences`), so that scores do not move with this one.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..lexicon import words
from ..records import Span
from .extensions import doc_text

LINE_BREAK = "\n"
#: a line of text: what a line break ends
LINE_RE = re.compile(r"[^\n]+")
# a sentence ends at . ! ? (and closing quotes or brackets) followed by white space and a
# capital, a digit or an opening quote
BOUNDARY_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
# words before a full stop that do not end a sentence: titles, initials ("U.S."), months
ABBREVIATIONS = words("text_words", "abbreviations")
#: the coarse cut of the document-level relevance screen: end punctuation, or a blank line
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


class LineBreakSegmenter:
    def __call__(self, doc: Doc) -> Doc:
        return self.set_annotations(doc, self.predict(doc))

    def predict(self, doc: Doc) -> list[int]:
        """Tokens that follow a line break: the white space between the previous word and
        them holds one (the first word of the text is a sentence start already)."""
        text = doc_text(doc)
        starts = []
        after: int | None = None  # the end of the previous word
        for token in doc:
            if token.is_space:
                continue
            if token.i > 0 and LINE_BREAK in text[after or 0 : token.idx]:
                starts.append(token.i)
            after = token.idx + len(token.text)
        return starts

    def set_annotations(self, doc: Doc, starts: list[int]) -> Doc:
        for i in starts:
            doc[i].is_sent_start = True
        return doc


@Language.factory("fw_segment")
def make_segmenter(nlp: Language, name: str) -> LineBreakSegmenter:
    return LineBreakSegmenter()


def _ends_sentence(text: str, stop: int) -> bool:
    """False when the full stop at ``stop`` closes an abbreviation or an initial."""
    if text[stop] != ".":
        return True
    start = stop
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:stop]
    if not word:
        return True
    if "." in word or len(word) == 1:  # "U.S.", "J. Smith"
        return not word.replace(".", "").isupper()
    return word.lower() not in ABBREVIATIONS


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of ``text`` (without surrounding white space), by line breaks and end
    punctuation; no model. Finer than spaCy's sentences rather than coarser: a line is never
    joined to the next."""
    spans: list[Span] = []
    for line in LINE_RE.finditer(text):
        start = line.start()
        for boundary in BOUNDARY_RE.finditer(line.group()):
            if _ends_sentence(line.group(), boundary.start()):
                end = line.start() + boundary.end()
                spans.append((start, end))
                start = end
        spans.append((start, line.end()))
    out: list[Span] = []
    for start, end in spans:
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            left = start + len(piece) - len(piece.lstrip())
            out.append((left, left + len(stripped)))
    return out
