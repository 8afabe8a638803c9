"""Windows: a long document parsed as several short texts, so that time grows with its length
and memory stays bounded.

A document whose kept text (every sentence, or the sentences the relevance screen keeps) is
longer than ``size`` characters is cut into windows of about ``size`` characters, at a
paragraph break where one falls in the second half of the window, else at a sentence break.
Each window is parsed as its own text made of pieces of the original
(:func:`frontwatch.offsets.reduce_text`):

- the document's **lead** (its first :data:`LEAD_SENTENCES` sentences, at most
  :data:`LEAD_CHARS` characters unless the first is longer: the headline and dateline that
  the stages read as document context, for an event's place and the document's home area);
- the **context** before the window: its last :data:`CONTEXT_SENTENCES` kept sentences
  (antecedents of pronouns, "the next day", a speaker named in the sentence before);
- the window's **own** sentences.

Of a window's result only the records that start in its own part are kept (an event by its
trigger, a toponym, a flag by their span); sources are merged by name, the first mention
first. The lead and the context are parsed again in the next window but counted once.
Documents shorter than ``size`` are parsed whole, exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import DocumentResult, Span

WINDOW_CHARS = 10_000
LEAD_CHARS = 400
LEAD_SENTENCES = 2
CONTEXT_SENTENCES = 2
PARAGRAPH_RE = re.compile(r"\n[^\S\n]*\n")
SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Window:
    """Pieces of the original text to parse together (sorted, non-overlapping spans) and the
    range of the original text (``own``, start inclusive, end exclusive) whose records the
    window's result keeps: a record is kept by the window its span starts in."""

    pieces: tuple[Span, ...]
    own: Span


def cut_long(spans: Sequence[Span], text: str, size: int) -> list[Span]:
    """``spans`` with any span longer than ``size`` cut at white space into parts of at most
    about ``size`` characters (a "sentence" of a text without punctuation or line breaks)."""
    out: list[Span] = []
    for start, end in spans:
        while end - start > size:
            cut = start + size
            spaces = [m.start() for m in SPACE_RE.finditer(text, start + size // 2, cut)]
            if spaces:
                cut = spaces[-1]
            out.append((start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if start < end:
            out.append((start, end))
    return out


def _lead(spans: Sequence[Span]) -> list[Span]:
    """The first spans of the document: at most :data:`LEAD_SENTENCES`, and
    :data:`LEAD_CHARS` characters unless the first is longer."""
    lead = list(spans[:1])
    for span in spans[1:LEAD_SENTENCES]:
        if span[1] - spans[0][0] > LEAD_CHARS:
            break
        lead.append(span)
    return lead


def plan_windows(text: str, kept: Sequence[Span], size: int = WINDOW_CHARS) -> list[Window]:
    """The windows of ``text`` for the sentences ``kept`` (sorted, non-overlapping spans):
    one window of every piece when they hold at most ``size`` characters."""
    spans = cut_long(kept, text, size)
    if sum(end - start for start, end in spans) <= size:
        return [Window(tuple(spans), (0, len(text)))]
    groups: list[list[Span]] = []
    group: list[Span] = []
    chars = 0
    for index, span in enumerate(spans):
        group.append(span)
        chars += span[1] - span[0]
        if chars < size or index == len(spans) - 1:
            continue
        # cut after the last paragraph break in the second half of the group, if any
        cut = len(group)
        for k in range(len(group) - 1, 0, -1):
            if sum(e - s for s, e in group[:k]) < size // 2:
                break
            if PARAGRAPH_RE.search(text, group[k - 1][1], group[k][0]):
                cut = k
                break
        groups.append(group[:cut])
        group = group[cut:]
        chars = sum(e - s for s, e in group)
    if group:
        groups.append(group)
    lead = _lead(spans)
    windows: list[Window] = []
    for index, own in enumerate(groups):
        pieces: list[Span] = []
        if index > 0:
            before = groups[index - 1][-CONTEXT_SENTENCES:]
            pieces = [s for s in lead if s[1] <= before[0][0]] + before
        pieces.extend(own)
        start = 0 if index == 0 else own[0][0]
        end = groups[index + 1][0][0] if index + 1 < len(groups) else len(text) + 1
        windows.append(Window(tuple(pieces), (start, end)))
    return windows


def _inside(span: Span, own: Span) -> bool:
    return own[0] <= span[0] < own[1]


def merge_results(doc_id: str, parts: Sequence[tuple[Window, DocumentResult]]) -> DocumentResult:
    """One result for a document from its windows' results (spans in the original text):
    each window's records that start in its own range, in window order; sources once by
    name (case-insensitive), the first mention kept."""
    if len(parts) == 1:
        return parts[0][1]
    merged = DocumentResult(doc_id=doc_id)
    seen: set[str] = set()
    for window, result in parts:
        own = window.own
        merged.events.extend(e for e in result.events if _inside(e.trigger.span, own))
        merged.flags.extend(f for f in result.flags if _inside(f.span, own))
        merged.toponyms.extend(t for t in result.toponyms if _inside(t.span, own))
        for source in result.sources:
            key = source.name.casefold()
            if key not in seen:
                seen.add(key)
                merged.sources.append(source)
    return merged
