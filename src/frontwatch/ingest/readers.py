"""Reading documents: plain text, HTML, JSON Lines, JSON, RSS/Atom feeds, folders and stdin.

:func:`iter_documents` streams :class:`~frontwatch.records.Document` records from any mix of
inputs and never stops on a bad one: a problem with a file or a line is yielded as a
:class:`~frontwatch.errors.DocumentError` (codes E001-E011) and the stream goes on. Every
document it yields has passed :func:`~frontwatch.ingest.screen.screen`.

Texts are kept exactly as read except that ``\\r\\n`` becomes ``\\n``: every span that the
pipeline produces indexes into :attr:`Document.text`. Formats are described in docs/input.md.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TextIO

from ..dates import parse_timestamp
from ..errors import DocumentError, Errors
from ..records import Document
from ..settings import Settings, load_settings
from . import jsonread
from .screen import screen

logger = logging.getLogger(__name__)

#: File extension -> reader kind.
SUPPORTED_SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
STDIN = "-"
STDIN_NAME = "<stdin>"
#: Bytes looked at to decide that an input is binary.
SNIFF_BYTES = 8192
#: Share of control bytes (other than tab, newlines, form feed, escape) that makes a file binary.
MAX_CONTROL_SHARE = 0.10
#: The largest number of UTF-8 bytes a character takes: files over ``max_chars * 4`` bytes are
#: oversized whatever they contain.
MAX_BYTES_PER_CHAR = 4

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF signature"),
    (b"PK\x03\x04", "ZIP signature (zip, docx, xlsx, epub)"),
    (b"PK\x05\x06", "ZIP signature (empty archive)"),
    (b"\x89PNG\r\n\x1a\n", "PNG signature"),
    (b"\x1f\x8b", "gzip signature"),
    (b"GIF87a", "GIF signature"),
    (b"GIF89a", "GIF signature"),
    (b"\xff\xd8\xff", "JPEG signature"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE signature (doc, xls)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip signature"),
    (b"Rar!\x1a\x07", "RAR signature"),
    (b"\xfd7zXZ\x00", "xz signature"),
    (b"\x28\xb5\x2f\xfd", "zstd signature"),
    (b"\x7fELF", "ELF executable signature"),
    (b"SQLite format 3\x00", "SQLite signature"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\x1b")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SPACES = re.compile(r"\s+")
_JSON_FIELDS = ("title", "url", "outlet")


class _LineReader(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class _Context:
    """What every reader needs: the settings and the default publication date; and the ids
    that files gave so far (id -> file), to report two files giving the same one (E015)."""

    settings: Settings
    published: dt.date | None
    file_ids: dict[str, str] = dataclasses.field(default_factory=dict)
    read_files: set[str] = dataclasses.field(default_factory=set)

    @property
    def max_bytes(self) -> int:
        return self.settings.max_chars * MAX_BYTES_PER_CHAR


# --------------------------------------------------------------------------- public entry


def iter_documents(
    inputs: Iterable[str | Path],
    *,
    published: dt.date | None = None,
    settings: Settings | None = None,
    stdin: TextIO | None = None,
) -> Iterator[Document | DocumentError]:
    """Stream screened documents, or the errors of those that cannot be read, from ``inputs``.

    ``inputs`` are paths to files or folders, or ``"-"`` for ``stdin`` (``sys.stdin`` if not
    given). ``published`` is the publication date of documents that do not carry their own.
    """
    ctx = _Context(settings or load_settings(), published)
    if isinstance(inputs, str | Path):
        inputs = [inputs]
    for item in inputs:
        if str(item) == STDIN:
            results = _read_stdin(stdin if stdin is not None else sys.stdin, ctx)
        else:
            results = _read_input(Path(item), ctx)
        for result in _guarded(results, str(item) if str(item) != STDIN else STDIN_NAME):
            if isinstance(result, Document):
                try:
                    screen(result, ctx.settings)
                except DocumentError as err:
                    yield err
                    continue
            yield result


def _guarded(
    results: Iterator[Document | DocumentError], name: str
) -> Iterator[Document | DocumentError]:
    """``results``, with an unexpected exception of a reader turned into E008 for the rest of
    that input: the other inputs are still read."""
    try:
        yield from results
    except Exception as err:  # a reader's bug must not end the whole run
        logger.debug("reading %s failed", name, exc_info=True)
        yield DocumentError(Errors.E008, name=name, detail=f"{type(err).__name__}: {err}")


def _read_input(path: Path, ctx: _Context) -> Iterator[Document | DocumentError]:
    if path.is_dir():
        real_root = os.path.realpath(path)
        for found in _walk(path, real_root, (real_root,), {real_root}):
            if isinstance(found, DocumentError):
                yield found
            else:
                stem = found.relative_to(path).with_suffix("").as_posix()
                found_kind = SUPPORTED_SUFFIXES[found.suffix.lower()]
                yield from _read_file(found, found_kind, ctx, stem=stem)
        return
    if not path.exists():
        yield DocumentError(Errors.E008, name=str(path), detail="no such file or directory")
        return
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        yield DocumentError(
            Errors.E010,
            name=str(path),
            suffix=path.suffix,
            supported=", ".join(sorted(SUPPORTED_SUFFIXES)),
        )
        return
    yield from _read_file(path, kind, ctx, stem=path.stem)


def _walk(
    folder: Path, real_root: str, ancestors: tuple[str, ...], walked: set[str]
) -> Iterator[Path | DocumentError]:
    """Supported files under ``folder``, recursively, in sorted order; hidden entries skipped.

    Symbolic links are followed when they stay inside the input folder (``real_root``) and do
    not lead back to a folder being walked (``ancestors``, real paths); others are reported
    (E016) and skipped. A folder met twice (``walked``: real paths) is read the first time."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        yield DocumentError(Errors.E008, name=str(folder), detail=err.strerror or str(err))
        return
    for entry in entries:
        path = Path(entry.path)
        supported = path.suffix.lower() in SUPPORTED_SUFFIXES
        try:
            if entry.name.startswith("."):
                logger.debug("skipping hidden %s", path)
            elif entry.is_symlink():
                yield from _follow(path, supported, real_root, ancestors, walked)
            elif entry.is_dir(follow_symlinks=False):
                yield from _subfolder(path, os.path.realpath(path), real_root, ancestors, walked)
            elif not supported:
                logger.debug("skipping %s: unsupported extension", path)
            elif entry.is_file(follow_symlinks=False):
                yield path
            else:
                logger.debug("skipping %s: not a regular file", path)
        except OSError as err:
            yield DocumentError(Errors.E008, name=str(path), detail=err.strerror or str(err))


def _subfolder(
    path: Path, real: str, real_root: str, ancestors: tuple[str, ...], walked: set[str]
) -> Iterator[Path | DocumentError]:
    if real in walked:
        logger.info("skipping %s: the folder %s was read already", path, real)
        return
    walked.add(real)
    yield from _walk(path, real_root, (*ancestors, real), walked)


def _follow(
    link: Path, supported: bool, real_root: str, ancestors: tuple[str, ...], walked: set[str]
) -> Iterator[Path | DocumentError]:
    """A symbolic link met in a folder: its files if it is safe to follow, else E016."""
    target = os.path.realpath(link)
    if target in ancestors:
        detail = f"it leads back to {target}, a folder that contains it (a loop)"
        yield DocumentError(Errors.E016, name=str(link), detail=detail)
    elif not os.path.exists(target):
        if supported:
            yield DocumentError(Errors.E016, name=str(link), detail="it points nowhere")
    elif target != real_root and not target.startswith(real_root + os.sep):
        detail = f"it points outside the input folder {real_root} (to {target})"
        yield DocumentError(Errors.E016, name=str(link), detail=detail)
    elif os.path.isdir(target):
        yield from _subfolder(link, target, real_root, ancestors, walked)
    elif supported and os.path.isfile(target):
        yield link
    else:
        logger.debug("skipping %s: not a supported regular file", link)


# --------------------------------------------------------------------------- files


def _read_file(
    path: Path, kind: str, ctx: _Context, *, stem: str
) -> Iterator[Document | DocumentError]:
    """The documents of one file; ``stem`` is what its ids are made of: the path relative to
    the input folder without the extension (the file stem for a file named directly)."""
    name = str(path)
    try:
        real = os.path.realpath(path)
    except OSError:
        real = name
    if real in ctx.read_files:
        logger.info("skipping %s: read already in this run", path)
        return
    ctx.read_files.add(real)
    for result in _read_file_contents(path, kind, ctx, stem=stem):
        if isinstance(result, Document) and result.id == stem and kind != "jsonl":
            other = ctx.file_ids.setdefault(result.id, name)
            if other != name:
                yield DocumentError(Errors.E015, name=name, doc=result.id, other=other)
                continue
        yield result


def _read_file_contents(
    path: Path, kind: str, ctx: _Context, *, stem: str
) -> Iterator[Document | DocumentError]:
    name = str(path)
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(SNIFF_BYTES)
            reason = binary_reason(head)
            if reason is not None:
                yield DocumentError(Errors.E002, name=name, detail=reason)
                return
            if kind == "jsonl":
                fh.seek(0)
                yield from _read_jsonl(fh, name=name, stem=stem, path=name, ctx=ctx)
                return
            if size > ctx.max_bytes:
                yield _oversized(name, size, ctx)
                return
            data = head + fh.read()
    except OSError as err:
        yield DocumentError(Errors.E008, name=name, detail=err.strerror or str(err))
        return
    try:
        text = decode(data, name)
    except DocumentError as err:
        yield err
        return
    yield from _read_text(text, kind, name=name, stem=stem, path=name, ctx=ctx)


def _read_text(
    text: str, kind: str, *, name: str, stem: str, path: str, ctx: _Context
) -> Iterator[Document | DocumentError]:
    """Documents from the decoded content of a whole-file input (not JSON Lines)."""
    if kind == "text":
        if ctx.published is None:  # plain text carries no date of its own
            logger.warning("%s", Errors.W001.format(name=name))
        yield Document(id=stem, text=normalize_newlines(text), published=ctx.published, path=path)
    elif kind == "html":
        yield _html_document(text, doc_id=stem, path=path, ctx=ctx)
    elif kind == "json":
        yield from _read_json(text, name=name, stem=stem, path=path, ctx=ctx)
    else:
        yield from _read_feed(text.encode("utf-8"), name=name, path=path, ctx=ctx)


def _oversized(name: str, size_bytes: int, ctx: _Context) -> DocumentError:
    at_least = -(-size_bytes // MAX_BYTES_PER_CHAR)
    return DocumentError(
        Errors.E004, name=name, size=f"at least {at_least}", limit=ctx.settings.max_chars
    )


def binary_reason(head: bytes) -> str | None:
    """Why the first bytes of an input look binary, or ``None`` if they look like text."""
    if head.startswith(_UTF16_BOMS):
        return None  # text, just not UTF-8: decoding reports E003
    for magic, label in _MAGIC:
        if head.startswith(magic):
            return label
    nul = head.find(b"\x00")
    if nul >= 0:
        return f"NUL byte at position {nul}"
    if head:
        control = len(head) - len(head.translate(None, _CONTROL_BYTES))
        if control / len(head) > MAX_CONTROL_SHARE:
            return f"{round(100 * control / len(head))}% control characters"
    return None


def decode(data: bytes, name: str, offset: int = 0) -> str:
    """Strict UTF-8 decoding (a leading BOM is dropped); E003 gives the bad byte's position.

    ``offset`` is where ``data`` starts in its file, so that positions are file positions.
    """
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(Errors.E003, name=name, position=offset + bom + err.start) from None


def check_unicode(value: str, field: str, *, where: str) -> None:
    """E013 if ``value`` holds a lone surrogate (a JSON ``\\ud800`` escape, or a character
    reference to one), which no file can store and no text processing expects."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        escape = f"\\u{ord(value[err.start]):04x}"
        raise DocumentError(
            Errors.E013, where=where, field=field, escape=escape, position=err.start
        ) from None


def normalize_newlines(text: str) -> str:
    """The only change made to a text as read: ``\\r\\n`` becomes ``\\n``."""
    return text.replace("\r\n", "\n")


# --------------------------------------------------------------------------- stdin


class _Prefixed:
    """A binary stream whose first bytes were already read (to sniff the format)."""

    def __init__(self, prefix: bytes, raw: BinaryIO) -> None:
        self._buffer = io.BytesIO(prefix)
        self._raw = raw

    def readline(self, size: int = -1, /) -> bytes:
        line = self._buffer.readline(size)
        if line.endswith(b"\n") or (size >= 0 and len(line) >= size):
            return line
        return line + self._raw.readline(size - len(line) if size >= 0 else -1)

    def read(self, size: int = -1, /) -> bytes:
        data = self._buffer.read(size)
        if size < 0:
            return data + self._raw.read()
        if len(data) < size:
            data += self._raw.read(size - len(data))
        return data


def _binary_stdin(stdin: TextIO) -> BinaryIO:
    buffer: BinaryIO | None = getattr(stdin, "buffer", None)
    if buffer is not None:
        return buffer
    # an in-memory text stream: give back the bytes (undecodable input read with
    # surrogateescape comes back as the original bytes, so E003 still reports it)
    return io.BytesIO(stdin.read().encode("utf-8", errors="surrogateescape"))


def _read_stdin(stdin: TextIO, ctx: _Context) -> Iterator[Document | DocumentError]:
    raw = _binary_stdin(stdin)
    read1 = getattr(raw, "read1", None)
    head = b""
    while len(head) < SNIFF_BYTES:
        chunk = read1(SNIFF_BYTES) if read1 is not None else raw.read(SNIFF_BYTES)
        if not chunk:
            break
        head += chunk
        if head.strip():
            break
    reason = binary_reason(head)
    if reason is not None:
        yield DocumentError(Errors.E002, name=STDIN_NAME, detail=reason)
        return
    stream = _Prefixed(head, raw)
    first = head.removeprefix(codecs.BOM_UTF8).lstrip()[:1]
    if first == b"{":
        yield from _read_jsonl(stream, name=STDIN_NAME, stem="stdin", path=STDIN, ctx=ctx)
        return
    data = stream.read(ctx.max_bytes + 1)
    if len(data) > ctx.max_bytes:
        yield _oversized(STDIN_NAME, len(data), ctx)
        return
    try:
        text = decode(data, STDIN_NAME)
    except DocumentError as err:
        yield err
        return
    kind = "html" if first == b"<" else "text"
    yield from _read_text(text, kind, name=STDIN_NAME, stem="stdin", path=STDIN, ctx=ctx)


# --------------------------------------------------------------------------- JSON


def _read_jsonl(
    stream: _LineReader, *, name: str, stem: str, path: str, ctx: _Context
) -> Iterator[Document | DocumentError]:
    """One document per line; blank lines are skipped but counted."""
    offset = 0
    line_no = 0
    while True:
        raw = stream.readline(ctx.max_bytes + 1)
        if not raw:
            return
        line_no += 1
        start = offset
        offset += len(raw)
        if len(raw) > ctx.max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line unread
                raw = stream.readline(1 << 20)
                offset += len(raw)
            yield _oversized(f"{name}, line {line_no}", offset - start, ctx)
            continue
        if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
            raw, start = raw[len(codecs.BOM_UTF8) :], start + len(codecs.BOM_UTF8)
        try:
            yield from _jsonl_line(raw, start, line_no, name=name, stem=stem, path=path, ctx=ctx)
        except Exception as err:  # one line's failure must not end the file
            logger.debug("line %s of %s failed", line_no, name, exc_info=True)
            detail = f"{type(err).__name__}: {err}"
            yield DocumentError(Errors.E008, name=f"{name}, line {line_no}", detail=detail)


def _jsonl_line(
    raw: bytes, start: int, line_no: int, *, name: str, stem: str, path: str, ctx: _Context
) -> Iterator[Document | DocumentError]:
    """The document of one JSON Lines line (none for a blank line), or its error."""
    try:
        line = decode(raw, f"{name}, line {line_no},", offset=start)
    except DocumentError as err:
        yield err
        return
    if not line.strip():
        return
    try:
        obj = jsonread.loads(line.rstrip("\r\n"))
    except jsonread.JsonLimitError as err:
        yield DocumentError(Errors.E012, line=line_no, name=name, detail=str(err))
        return
    except ValueError as err:
        yield DocumentError(Errors.E006, line=line_no, name=name, detail=jsonread.error_detail(err))
        return
    try:
        yield _json_document(
            obj, name=name, line=line_no, default_id=f"{stem}-{line_no}", path=path, ctx=ctx
        )
    except DocumentError as err:
        yield err


def _read_json(
    text: str, *, name: str, stem: str, path: str, ctx: _Context
) -> Iterator[Document | DocumentError]:
    """A ``.json`` file: one document object, or an array of them (ids ``<stem>-<n>``).

    The items of an array are read one at a time (:func:`jsonread.iter_array`): a bad item is
    reported with the line it starts on and the next one is read."""
    start = len(text) - len(text.lstrip(" \t\r\n"))
    if not text.startswith("[", start):
        try:
            obj = jsonread.loads(text)
        except jsonread.JsonLimitError as err:
            yield DocumentError(Errors.E012, line=1, name=name, detail=str(err))
            return
        except ValueError as err:
            line = err.lineno if isinstance(err, json.JSONDecodeError) else 1
            detail = jsonread.error_detail(err)
            yield DocumentError(Errors.E006, line=line, name=name, detail=detail)
            return
        try:
            yield _json_document(obj, name=name, line=1, default_id=stem, path=path, ctx=ctx)
        except DocumentError as err:
            yield err
        return
    items = jsonread.iter_array(text, start)
    try:
        for n, item in enumerate(items, start=1):
            if item.error is not None:
                code = Errors.E012 if item.limit else Errors.E006
                yield DocumentError(code, line=item.line, name=name, detail=item.error)
                continue
            try:
                yield _json_document(
                    item.value, name=name, line=item.line, default_id=f"{stem}-{n}", path=path,
                    ctx=ctx,
                )  # fmt: skip
            except DocumentError as err:
                yield err
    except jsonread.ArrayError as err:
        yield DocumentError(Errors.E006, line=err.line, name=name, detail=err.detail)


def _json_document(
    obj: object, *, name: str, line: int, default_id: str, path: str, ctx: _Context
) -> Document:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise DocumentError(Errors.E007, line=line, name=name)
    for key, value in obj.items():  # the fields a Document is made of
        if key in Document.model_fields and isinstance(value, str):
            check_unicode(value, key, where=f"Line {line} of {name}")
    raw_id = obj.get("id")
    if raw_id is None:
        doc_id = default_id
    elif (isinstance(raw_id, str) and raw_id.strip()) or (
        isinstance(raw_id, int) and not isinstance(raw_id, bool)
    ):
        doc_id = str(raw_id)
    else:
        raise DocumentError(
            Errors.E011, line=line, name=name, field="id", expected="a non-empty string or integer"
        )
    published = ctx.published
    raw = obj.get("published")
    if raw is not None:
        own = parse_timestamp(raw)
        if own is None:  # in none of the formats read: reported, the document read without it
            logger.warning("%s", Errors.W007.format(line=line, name=name, value=str(raw)[:80]))
        else:
            published = own
    fields: dict[str, str | None] = {}
    for field in _JSON_FIELDS:
        value = obj.get(field)
        if value is not None and not isinstance(value, str):
            raise DocumentError(Errors.E011, line=line, name=name, field=field, expected="a string")
        fields[field] = value
    return Document(
        id=doc_id,
        text=normalize_newlines(obj["text"]),
        published=published,
        path=path,
        **fields,
    )


# --------------------------------------------------------------------------- HTML


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass
class _StrippedHtml:
    text: str
    title: str | None


class _TextExtractor(HTMLParser):
    """Plain tag stripping: block elements become paragraphs, scripts and styles are dropped."""

    BLOCKS = _words(
        "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 "
        "h4 h5 h6 header hr li main nav ol p pre section table td th tr ul"
    )
    SKIPPED = _words("script style noscript template svg iframe object")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.title_parts: list[str] = []
        self._current: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        (self.title_parts if self._in_title else self._current).append(data)

    def _flush(self) -> None:
        paragraph = _SPACES.sub(" ", "".join(self._current)).strip()
        if paragraph:
            self.paragraphs.append(paragraph)
        self._current = []

    def result(self) -> _StrippedHtml:
        self._flush()
        title = _SPACES.sub(" ", "".join(self.title_parts)).strip()
        return _StrippedHtml("\n\n".join(self.paragraphs), title or None)


def strip_html(html: str) -> _StrippedHtml:
    """Text of an HTML fragment or page without trafilatura: paragraphs joined by blank lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.result()


def _paragraphs(text: str) -> str:
    """One paragraph per non-blank line, joined by blank lines (sentence breaks for fw_segment)."""
    lines = (line.strip() for line in normalize_newlines(text).split("\n"))
    return "\n\n".join(line for line in lines if line)


def with_title(title: str | None, body: str) -> str:
    """``title + "\\n\\n" + body`` unless the body already starts with the title."""
    if not title:
        return body
    if not body:
        return title
    first = body.split("\n", 1)[0]
    if body.startswith(title) or (len(first) * 2 >= len(title) and title.startswith(first)):
        return body  # the title may carry a " - Outlet" suffix that the headline lacks
    return f"{title}\n\n{body}"


def html_document(
    html: str,
    *,
    doc_id: str,
    path: str,
    settings: Settings,
    published: dt.date | None = None,
) -> Document:
    """A Document from an HTML page: main text and metadata by trafilatura, a tag-stripping
    fallback when it finds nothing, the title in front (docs/input.md)."""
    return _html_document(html, doc_id=doc_id, path=path, ctx=_Context(settings, published))


def _html_document(html: str, *, doc_id: str, path: str, ctx: _Context) -> Document:
    import trafilatura
    from trafilatura.settings import set_date_params

    extracted: Any = None
    try:
        extracted = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,  # table text comes out with "|" cell separators
            date_extraction_params=set_date_params(extensive=False),
        )
    except Exception as err:  # a parser crash on one page must not stop the batch
        logger.debug("trafilatura failed on %s: %s", path, err)

    def meta(attr: str) -> str | None:
        value = getattr(extracted, attr, None) if extracted is not None else None
        return value.strip() or None if isinstance(value, str) else None

    body = _paragraphs(meta("text") or "")
    title = meta("title")
    if not body:
        logger.debug("trafilatura found no main text in %s: stripping tags", path)
        stripped = strip_html(html)
        body, title = stripped.text, title or stripped.title
    published = parse_timestamp(meta("date")) or ctx.published
    return Document(
        id=doc_id,
        text=with_title(title, body),
        published=published,
        title=title,
        url=meta("url"),
        outlet=meta("sitename"),
        path=path,
    )


# --------------------------------------------------------------------------- feeds


def _read_feed(
    data: bytes, *, name: str, path: str, ctx: _Context
) -> Iterator[Document | DocumentError]:
    import feedparser

    try:
        parsed = feedparser.parse(without_surrogate_references(data, name))
    except ValueError as err:  # feedparser raises on character references past U+10FFFF
        yield DocumentError(Errors.E008, name=name, detail=f"the feed cannot be parsed ({err})")
        return
    if not parsed.entries and not parsed.get("version"):
        detail = "no RSS or Atom feed found"
        if parsed.get("bozo_exception") is not None:
            detail += f" ({parsed.bozo_exception})"
        yield DocumentError(Errors.E008, name=name, detail=detail)
        return
    outlet = _plain(parsed.feed.get("title")) or None
    for n, entry in enumerate(parsed.entries, start=1):
        where = f"{name}, entry {n}"
        try:
            yield _feed_document(entry, n, outlet=outlet, where=where, path=path, ctx=ctx)
        except DocumentError as err:
            yield err
        except Exception as err:  # one entry's failure must not end the feed
            logger.debug("%s failed", where, exc_info=True)
            yield DocumentError(Errors.E008, name=where, detail=f"{type(err).__name__}: {err}")


def _feed_document(
    entry: Any, n: int, *, outlet: str | None, where: str, path: str, ctx: _Context
) -> Document:
    content = entry.get("content") or []
    body_html = content[0].get("value", "") if content else entry.get("summary", "")
    body = strip_html(body_html or "").text
    title = _plain(entry.get("title")) or None
    link = entry.get("link") or None
    key = entry.get("id") or link or f"{path}#{n}:{title}"
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = dt.date(*stamp[:3]) if stamp else ctx.published
    text = with_title(title, body)
    check_unicode(text, "text", where=where)
    if link is not None:
        check_unicode(link, "link", where=where)
    return Document(
        id=hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16],
        text=text,
        published=published,
        title=title,
        url=link,
        outlet=outlet,
        path=path,
    )


_CHAR_REFERENCE = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def without_surrogate_references(data: bytes, name: str) -> bytes:
    """``data`` with XML character references to surrogates (``&#xD800;``, which no XML
    document may hold and which make feedparser fail on the whole feed) replaced by
    U+FFFD, the replacement character; logged as a warning."""
    if b"&#" not in data:
        return data
    replaced = 0

    def fix(match: re.Match[bytes]) -> bytes:
        nonlocal replaced
        digits = match.group(1)
        value = int(digits[1:], 16) if digits[:1] in b"xX" else int(digits)
        if 0xD800 <= value <= 0xDFFF:
            replaced += 1
            return b"&#xFFFD;"
        return match.group(0)

    fixed = _CHAR_REFERENCE.sub(fix, data)
    if replaced:
        logger.warning(
            "%s: %s character references to lone surrogates replaced by U+FFFD", name, replaced
        )
    return fixed


def plain_text(value: object) -> str:
    """HTML or text of a feed field as one line of plain text ("" for anything else)."""
    return strip_html(value).text.replace("\n\n", " ") if isinstance(value, str) else ""


_plain = plain_text
