"""JSON with limits: documents nested too deep or carrying huge numbers are refused before
they can exhaust the interpreter, and the items of a JSON array are read one by one, in one
pass, so that a bad item costs only itself.

The limits hold at every setting (docs/input.md): :data:`MAX_DEPTH` levels of nesting and
integers of at most :data:`MAX_INT_DIGITS` digits. Python's own parser would raise
``RecursionError`` at about 1,000 levels and ``ValueError`` past 4,300 digits; here both are
coded errors of the one line or item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: The deepest nesting of arrays and objects read (a document is an object of strings: 1).
MAX_DEPTH = 128
#: The longest integer read, in digits (Python's default limit for converting text to int).
MAX_INT_DIGITS = 4300

# a JSON string (closed), or one of the characters that open, close or separate values
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]', re.DOTALL)
_SPACE = re.compile(r"[ \t\r\n]*")
_DECODER_ERRORS = (ValueError, RecursionError)


class JsonLimitError(ValueError):
    """A JSON text over one of the reader's limits (its message says which)."""


def _parse_int(digits: str) -> int:
    if len(digits) - digits.startswith("-") > MAX_INT_DIGITS:
        raise JsonLimitError(
            f"an integer of {len(digits.lstrip('-'))} digits (the limit is {MAX_INT_DIGITS})"
        )
    return int(digits)


_DECODER = json.JSONDecoder(parse_int=_parse_int)


def nesting_over(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` nests arrays and objects more than :data:`MAX_DEPTH` deep.

    Brackets inside strings do not count. Linear, and fast when the text has few brackets."""
    end = len(text) if end is None else end
    if text.count("[", start, end) + text.count("{", start, end) <= MAX_DEPTH:
        return False
    depth = 0
    for match in _TOKEN.finditer(text, start, end):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _depth_error() -> JsonLimitError:
    return JsonLimitError(f"nested more than {MAX_DEPTH} levels deep (the limit)")


def loads(text: str) -> Any:
    """``json.loads`` within the limits: :class:`JsonLimitError` over them,
    :class:`json.JSONDecodeError` for text that is not JSON."""
    if nesting_over(text):
        raise _depth_error()
    try:
        return _DECODER.decode(text)
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise _depth_error() from None


def error_detail(err: ValueError | RecursionError) -> str:
    """What to tell about a JSON text that could not be read: its position for syntax errors."""
    if isinstance(err, json.JSONDecodeError):
        return f"{err.msg.removesuffix(' at')} at column {err.colno}"
    if isinstance(err, JsonLimitError):
        return str(err)
    if isinstance(err, RecursionError):
        return str(_depth_error().args[0])
    return str(err)


@dataclass(frozen=True)
class ArrayItem:
    """One item of a JSON array: its value, or why it cannot be read (``error`` set, and
    ``limit`` true when the item is over a reader limit rather than not JSON)."""

    line: int
    value: Any = None
    error: str | None = None
    limit: bool = False


class ArrayError(ValueError):
    """The array itself is broken (not an array, or not closed): reading stops at ``line``."""

    def __init__(self, line: int, detail: str) -> None:
        super().__init__(detail)
        self.line = line
        self.detail = detail


def _item_end(text: str, pos: int) -> int:
    """Where the item starting at ``pos`` ends: the first ``,`` or ``]`` outside its brackets
    and strings (the end of the text if the array is not closed)."""
    depth = 0
    for match in _TOKEN.finditer(text, pos):
        char = match.group()
        if char in "[{":
            depth += 1
        elif char in "]}":
            if depth == 0:
                return match.start()
            depth -= 1
        elif char == "," and depth == 0:
            return match.start()
    return len(text)


class _Lines:
    """Line numbers of positions met in increasing order, counted once (linear)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.start = 0  # where the line of ``pos`` starts

    def at(self, pos: int) -> int:
        if pos > self.pos:
            newlines = self.text.count("\n", self.pos, pos)
            if newlines:
                self.line += newlines
                self.start = self.text.rfind("\n", self.pos, pos) + 1
            self.pos = pos
        return self.line

    def where(self, item: int, pos: int) -> str:
        """``line L column C`` of ``pos`` inside the item starting at ``item`` (after
        :meth:`at` was called for ``item``): counted within the item only."""
        line = self.line + self.text.count("\n", item, pos)
        start = max(self.start, self.text.rfind("\n", item, pos) + 1)
        return f"line {line} column {pos - start + 1}"


@dataclass(frozen=True)
class _Failure:
    """Why an item cannot be read: a syntax error (``pos`` its absolute position) or a limit."""

    message: str
    pos: int | None = None


#: Items that fail before the reader finds each item's end before parsing it (a parse error's
#: position costs a count from the start of the text, so it is paid a few times only).
_FAST_FAILURES = 8


def iter_array(text: str, start: int) -> Iterator[ArrayItem]:
    """The items of the JSON array that opens at ``text[start]`` (``"["``), in one pass.

    An item that is not valid JSON, nests too deep or holds a huge number is yielded with its
    ``error`` and the next item is read; :class:`ArrayError` when the array is not closed or
    items are not separated by commas (reading cannot go on reliably). Time is linear in the
    length of the text."""
    lines = _Lines(text)
    failures = 0
    pos = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", pos):
        if _SPACE.match(text, pos + 1).end() < len(text):  # type: ignore[union-attr]
            raise ArrayError(lines.at(pos), "extra data after the array")
        return
    while True:
        line = lines.at(pos)
        if pos >= len(text):
            raise ArrayError(line, "the array is not closed")
        value, end = _item(text, pos, careful=failures >= _FAST_FAILURES)
        if not isinstance(value, _Failure):
            yield ArrayItem(line, value=value)
        elif value.pos is None:
            failures += 1
            yield ArrayItem(line, error=value.message, limit=True)
        else:
            failures += 1
            yield ArrayItem(line, error=f"{value.message} at {lines.where(pos, value.pos)}")
        pos = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            continue
        if text.startswith("]", pos):
            rest = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            if rest < len(text):
                raise ArrayError(lines.at(rest), "extra data after the array")
            return
        line = lines.at(pos)
        if pos >= len(text):
            raise ArrayError(line, "the array is not closed")
        raise ArrayError(line, f"expected ',' or ']' at {lines.where(pos, pos)}")


def _item(text: str, pos: int, *, careful: bool) -> tuple[Any, int]:
    """(value or :class:`_Failure`, end) of the item at ``pos``.

    ``careful``: find the item's end first and parse only the item, so that an error costs
    the item's length only."""
    if careful:
        end = _item_end(text, pos)
        if nesting_over(text, pos, end):
            return _Failure(str(_depth_error())), end
        try:
            return _DECODER.decode(text[pos:end]), end
        except json.JSONDecodeError as err:
            return _Failure(err.msg.removesuffix(" at"), pos + err.pos), end
        except _DECODER_ERRORS as err:
            return _Failure(error_detail(err)), end
    try:
        value, end = _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as err:
        return _Failure(err.msg.removesuffix(" at"), err.pos), _item_end(text, pos)
    except _DECODER_ERRORS as err:
        return _Failure(error_detail(err)), _item_end(text, pos)
    if nesting_over(text, pos, end):
        return _Failure(str(_depth_error())), end
    return value, end
