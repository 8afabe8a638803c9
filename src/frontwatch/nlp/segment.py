"""``fw_segment``: sentence starts at line breaks, before the parser runs.

News text puts a headline, a dateline or a list item on its own line; the parser would glue
them onto the next sentence. A token that follows a line break starts a sentence; the parser
keeps such preset boundaries and finds the others.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


class LineBreakSegmenter:
    def __call__(self, doc: Doc) -> Doc:
        return self.set_annotations(doc, self.predict(doc))

    def predict(self, doc: Doc) -> list[int]:
        starts = []
        for token in doc[1:]:
            prev = doc[token.i - 1]
            if token.is_space:
                continue
            if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
                starts.append(token.i)
        return starts

    def set_annotations(self, doc: Doc, starts: list[int]) -> Doc:
        for i in starts:
            doc[i].is_sent_start = True
        return doc


@Language.factory("fw_segment")
def make_segmenter(nlp: Language, name: str) -> LineBreakSegmenter:
    return LineBreakSegmenter()
