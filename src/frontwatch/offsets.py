"""Offset maps: a reduced text made of pieces of an original text, and spans mapped back.

Sentence-level relevance screening (:mod:`frontwatch.relevance`) parses only some sentences of
a document. :func:`reduce_text` builds the text that is parsed from pieces of the original
(adjacent pieces are copied with the original text between them, others are joined by a
paragraph break) and an :class:`OffsetMap`; :func:`remap_spans` walks any record of
:mod:`frontwatch.records` and moves every field typed ``Span`` back to the original offsets, so
that ``original[start:end]`` is the text the record holds, as if the whole text had been parsed.
"""

from __future__ import annotations

import logging
import re
import types
import typing
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from pydantic import BaseModel

from .records import Span

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

BLANK_LINE_RE = re.compile(r"\n[^\S\n]*\n")


def gap_separator(gap: str) -> str:
    """What stands for a gap of the original text left out of the reduced text: a blank line
    when the gap holds a paragraph break, a line break when it holds one, else a space. The
    reduced text keeps the paragraphs of the original (stages read paragraphs as document
    context, e.g. for an event's place), and a skipped sentence inside a paragraph does not
    start a new one."""
    if BLANK_LINE_RE.search(gap):
        return "\n\n"
    return "\n" if "\n" in gap else " "


@dataclass(frozen=True)
class Chunk:
    """``length`` characters copied from ``original`` (offset in the original text) to
    ``reduced`` (offset in the reduced text)."""

    reduced: int
    original: int
    length: int


@dataclass(frozen=True)
class OffsetMap:
    """Positions in a reduced text to positions in its original text."""

    chunks: tuple[Chunk, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [c.reduced for c in self.chunks])

    def _chunk(self, position: int, *, end: bool) -> Chunk:
        """The chunk holding ``position`` (as a start, or as an end: the chunk it closes)."""
        starts: list[int] = self._starts  # type: ignore[attr-defined]
        index = bisect_right(starts, position - 1 if end else position) - 1
        return self.chunks[max(0, index)]

    def position(self, position: int, *, end: bool = False) -> int:
        """The original offset of a reduced offset; a position in a separator moves to the
        nearest chunk edge (the next chunk's start, or the previous chunk's end when ``end``)."""
        chunk = self._chunk(position, end=end)
        if position < chunk.reduced:  # before the first chunk
            return chunk.original
        if position > chunk.reduced + chunk.length:  # in the separator after the chunk
            if end:
                return chunk.original + chunk.length
            index = self.chunks.index(chunk) + 1
            if index < len(self.chunks):
                return self.chunks[index].original
            return chunk.original + chunk.length
        return chunk.original + position - chunk.reduced

    def span(self, span: Span) -> Span:
        """The original span of a reduced span. A span inside one chunk keeps its text; one
        that crosses a separator (the parse of the reduced text joined two pieces) covers the
        original text between its ends."""
        start, end = span
        if end <= start:
            mapped = self.position(start)
            return (mapped, mapped)
        first = self._chunk(start, end=False)
        if first.reduced <= start and end <= first.reduced + first.length:
            shift = first.original - first.reduced
            return (start + shift, end + shift)
        logger.debug("span %s crosses a piece boundary of the reduced text", span)
        mapped_start = self.position(start)
        # a span inside a separator: empty, at the start of the next chunk
        return (mapped_start, max(mapped_start, self.position(end, end=True)))

    def covers(self, span: Span) -> bool:
        """True when ``span`` lies inside one chunk (its text is the same in both texts)."""
        start, end = span
        chunk = self._chunk(start, end=False)
        return chunk.reduced <= start and end <= chunk.reduced + chunk.length


def reduce_text(
    text: str, pieces: Sequence[Span], separator: str | None = None
) -> tuple[str, OffsetMap]:
    """The text of ``pieces`` (sorted, non-overlapping spans of ``text``) and its offset map.

    Pieces that touch or are separated only by whitespace are copied as one chunk with the
    original text between them; other gaps become ``separator`` (default: by
    :func:`gap_separator`).
    """
    merged: list[list[int]] = []
    for start, end in pieces:
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[str] = []
    chunks: list[Chunk] = []
    position = 0
    for index, (start, end) in enumerate(merged):
        if parts:
            gap = text[merged[index - 1][1] : start]
            between = separator if separator is not None else gap_separator(gap)
            parts.append(between)
            position += len(between)
        parts.append(text[start:end])
        chunks.append(Chunk(position, start, end - start))
        position += end - start
    return "".join(parts), OffsetMap(tuple(chunks) or (Chunk(0, 0, 0),))


def _is_span(annotation: object) -> bool:
    if annotation == Span:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return any(arg == Span for arg in typing.get_args(annotation))
    return False


@cache
def span_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Names of the fields of ``model`` typed ``Span`` or ``Span | None``."""
    return tuple(name for name, info in model.model_fields.items() if _is_span(info.annotation))


def _remap_value(value: object, offsets: OffsetMap) -> object:
    if isinstance(value, BaseModel):
        return remap_spans(value, offsets)
    if isinstance(value, list):
        return [_remap_value(item, offsets) for item in value]
    return value


def remap_spans(record: M, offsets: OffsetMap) -> M:
    """A copy of ``record`` whose every ``Span`` field, at any depth (nested records and lists
    of records), is mapped from the reduced to the original text."""
    spans = set(span_fields(type(record)))
    update: dict[str, object] = {}
    for name in type(record).model_fields:
        value = getattr(record, name)
        if name in spans:
            if value is not None:
                update[name] = offsets.span(value)
        elif isinstance(value, (BaseModel, list)):
            update[name] = _remap_value(value, offsets)
    return record.model_copy(update=update)
