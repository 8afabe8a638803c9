"""The narrative reference time: sentence and paragraph positions of the mentions of a
document, and the closest mention that can resolve an anaphoric one."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from spacy.tokens import Doc

from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers doc._.fw_published)
from frontwatch.nlp.extensions import doc_text

from .words import CONTEXT_SENTENCES, TimeMention

# the last document's context: default_date runs once per event of the same Doc
_LAST_CONTEXT: tuple[Doc, object, _Context] | None = None


class _Context:
    """Sentence and paragraph positions of mentions, for the narrative reference time."""

    def __init__(self, doc: Doc, mentions: list[TimeMention], text: str | None = None) -> None:
        self.doc = doc
        self.mentions = mentions
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else []
        self.sent_starts = [s.start for s in sents] or [0]
        self.sent_chars = [s.start_char for s in sents] or [0]
        text = doc_text(doc) if text is None else text
        self.breaks = [m.start() for m in re.finditer(r"\n\s*\n", text)]

    @classmethod
    def of(cls, doc: Doc, mentions: list[TimeMention]) -> _Context:
        """The context of ``doc``, built once for all its events (the last one is kept)."""
        global _LAST_CONTEXT
        last = _LAST_CONTEXT
        source = doc._.fw_times
        if last is not None and last[0] is doc and last[1] is source:
            return last[2]
        ctx = cls(doc, mentions)
        _LAST_CONTEXT = (doc, source, ctx)
        return ctx

    def sentence(self, token_i: int) -> int:
        return bisect.bisect_right(self.sent_starts, token_i) - 1

    def paragraph(self, char: int) -> int:
        return bisect.bisect_right(self.breaks, char)

    def reference(
        self, mention: TimeMention, accept: Callable[[TimeMention], bool], before_only: bool
    ) -> TimeMention | None:
        """The closest accepted mention: same sentence, or the previous two of the paragraph."""
        sent = self.sentence(mention.tokens[0])
        para = self.paragraph(mention.span[0])
        best: tuple[int, int, TimeMention] | None = None
        for other in self.mentions:
            if other is mention or not accept(other):
                continue
            if before_only and other.span[0] >= mention.span[0]:
                continue
            distance = sent - self.sentence(other.tokens[0])
            if not 0 <= distance <= CONTEXT_SENTENCES or self.paragraph(other.span[0]) != para:
                continue
            key = (distance, abs(other.span[0] - mention.span[0]))
            if best is None or key < best[:2]:
                best = (key[0], key[1], other)
        return best[2] if best is not None else None
