"""Live feeds: poll RSS/Atom feeds, fetch each new article page, hand documents to a sink.

>>> feeds = FeedsFile.load("feeds.toml")                       # doctest: +SKIP
>>> watcher = Watcher(feeds.feeds, sink=print, state_path="watch-state.json")  # doctest: +SKIP
>>> watcher.run_once()                                          # doctest: +SKIP

:class:`Watcher` is polite and robust (docs/feeds.md):

* conditional requests: each feed's ``ETag`` and ``Last-Modified`` are kept in a small JSON
  state file with the keys of the entries already handed to the sink, so a restart neither
  refetches an unchanged feed nor re-ingests an article;
* a per-host delay from the end of one request to the start of the next to the same host
  (feeds and pages alike);
* retries with exponential backoff on timeouts, connection errors and HTTP 429/5xx;
* isolation: a feed that hangs, resets the connection or serves something that is not a feed is
  logged with a coded error (E008) and the other feeds go on.

The sink (``sink(documents)``) is called once per feed and round with that feed's new,
screened documents. Entries are marked as seen, and the feed's validators stored, only after the
sink returned: if it raises, the same entries come back on the next round.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import http.client
import json
import logging
import os
import re
import socket
import threading
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..about import __version__
from ..errors import DocumentError, Errors, FrontwatchError
from ..records import Document
from ..settings import Settings, load_settings
from .readers import (
    html_document,
    plain_text,
    strip_html,
    with_title,
    without_surrogate_references,
)
from .screen import screen

logger = logging.getLogger(__name__)

Sink = Callable[[list[Document]], object]

DEFAULT_USER_AGENT = f"frontwatch/{__version__} (+https://github.com/frontwatch/frontwatch)"
#: Entry keys remembered per feed; older ones are forgotten (a feed rarely keeps that many).
MAX_SEEN = 5000
#: State file format version.
STATE_VERSION = 1
#: A response body must arrive within this many timeouts.
BODY_TIME_FACTOR = 3
CHUNK_BYTES = 1 << 16
#: HTTP statuses worth retrying.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


# --------------------------------------------------------------------------- durations


def parse_duration(value: str, *, allow_zero: bool = False) -> dt.timedelta:
    """``"15m"``, ``"1h"``, ``"30s"``, ``"2d"``, ``"1h30m"`` (or bare seconds ``"90"``).

    Zero (``"0s"``) only ``allow_zero``; negative durations are never valid.
    """
    text = value.strip().replace(" ", "")
    if text.isdigit():
        text += "s"
    matches = list(_DURATION.finditer(text))
    if not text or not matches or "".join(m.group(0) for m in matches) != text:
        raise ValueError(f"{value!r} is not a duration like 30s, 15m, 1h or 1h30m")
    seconds = sum(float(m.group(1)) * _UNITS[m.group(2).lower()] for m in matches)
    if seconds <= 0 and not (allow_zero and seconds == 0):
        raise ValueError(f"{value!r} is not a positive duration")
    return dt.timedelta(seconds=seconds)


# --------------------------------------------------------------------------- feeds file


@dataclass(frozen=True)
class Feed:
    """One feed to poll: its URL, the outlet name its documents get, its own interval."""

    url: str
    outlet: str | None = None
    every: dt.timedelta | None = None

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.url).netloc.lower()


@dataclass(frozen=True)
class FeedsFile:
    """The feeds to watch, read from a TOML file or a plain text list (docs/feeds.md).

    TOML (``.toml``)::

        [[feed]]
        url = "https://example.org/world.rss"
        outlet = "Example News"     # optional: default the feed's own title
        every = "30m"               # optional: default the watcher's --every

    Text (any other name): one feed a line, ``URL [| outlet [| every]]``; blank lines and
    lines starting with ``#`` are ignored.

    A feed is an ``http(s)`` URL, a ``file://`` URL or the path of a feed file (relative to
    the feeds file's folder), kept as a ``file://`` URL; a local feed must exist. The file
    given may also be one RSS or Atom feed itself: it is then the one feed watched.
    """

    feeds: tuple[Feed, ...]
    path: str | None = None

    @classmethod
    def load(cls, path: str | Path) -> FeedsFile:
        """Read ``path``; E101 if it cannot be read or lists an invalid feed."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise FrontwatchError(Errors.E101, path=path, detail=err.strerror or err) from err
        try:
            if is_feed(data):
                return cls((Feed(url=path.resolve().as_uri()),), str(path))
            text = data.decode("utf-8-sig")
            if path.suffix.lower() == ".toml":
                return cls.from_toml(text, path=str(path))
            return cls.from_text(text, path=str(path))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as err:
            raise FrontwatchError(Errors.E101, path=path, detail=err) from err

    @classmethod
    def from_text(cls, text: str, *, path: str | None = None) -> FeedsFile:
        feeds = []
        for n, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) > 3:
                raise ValueError(f"line {n}: expected 'URL [| outlet [| every]]'")
            url, outlet, every = (*parts, None, None)[:3]
            feeds.append(
                _feed(url or "", outlet or None, every or None, where=f"line {n}", base=path)
            )
        return cls._checked(feeds, path)

    @classmethod
    def from_toml(cls, text: str, *, path: str | None = None) -> FeedsFile:
        data = tomllib.loads(text)
        unknown = set(data) - {"feed"}
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}; feeds are [[feed]] tables")
        items = data.get("feed", [])
        if not isinstance(items, list):
            raise ValueError("feeds are [[feed]] tables")
        feeds = []
        for n, item in enumerate(items, start=1):
            where = f"feed {n}"
            if not isinstance(item, dict) or set(item) - {"url", "outlet", "every"}:
                raise ValueError(f"{where}: keys are url, outlet and every")
            url, outlet, every = item.get("url"), item.get("outlet"), item.get("every")
            if not isinstance(url, str) or not all(
                v is None or isinstance(v, str) for v in (outlet, every)
            ):
                raise ValueError(f"{where}: url, outlet and every must be strings")
            feeds.append(_feed(url, outlet, every, where=where, base=path))
        return cls._checked(feeds, path)

    @classmethod
    def _checked(cls, feeds: list[Feed], path: str | None) -> FeedsFile:
        if not feeds:
            raise ValueError("no feeds listed")
        urls = [feed.url for feed in feeds]
        duplicated = sorted({url for url in urls if urls.count(url) > 1})
        if duplicated:
            raise ValueError(f"feeds listed twice: {', '.join(duplicated)}")
        return cls(tuple(feeds), path)


def is_feed(data: bytes) -> bool:
    """Whether ``data`` is an RSS or Atom document rather than a list of feeds."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2 :].lstrip()
    while head.startswith(b"<!--"):
        head = head[head.find(b"-->") + 3 :].lstrip()
    return head.startswith((b"<rss", b"<feed", b"<rdf:rdf"))


def _feed(
    url: str, outlet: str | None, every: str | None, *, where: str, base: str | None = None
) -> Feed:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "file" or not parts.scheme or len(parts.scheme) == 1:
        url = _local_feed(url, where=where, base=base)
    elif parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{where}: {url!r} is not an http(s) URL, a file:// URL or a feed file")
    try:
        interval = parse_duration(every) if every else None
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None
    return Feed(url=url, outlet=outlet, every=interval)


def _local_feed(url: str, *, where: str, base: str | None) -> str:
    """A ``file://`` URL or a path (relative to the folder of ``base``) as a ``file://`` URL
    of an existing file."""
    if url.startswith("file:"):
        path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    else:
        path = Path(url).expanduser()
        if not path.is_absolute() and base is not None:
            path = Path(base).parent / path
    if not path.is_file():
        raise ValueError(
            f"{where}: {url!r} is not an http(s) URL, a file:// URL or an existing feed file"
        )
    return path.resolve().as_uri()


def is_local(url: str) -> bool:
    return url.startswith("file:")


# --------------------------------------------------------------------------- HTTP


class FetchError(Exception):
    """A request that failed for good (after the retries, if the failure was transient)."""

    def __init__(self, url: str, detail: str, *, transient: bool) -> None:
        super().__init__(detail)
        self.url = url
        self.detail = detail
        self.transient = transient


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes
    headers: dict[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _NoRedirectOn304(urllib.request.HTTPErrorProcessor):
    """Let 304 through as a response instead of an HTTPError."""

    def http_response(self, request: urllib.request.Request, response: Any) -> Any:
        if response.status == 304:
            return response
        return super().http_response(request, response)

    https_response = http_response


class HttpClient:
    """Blocking HTTP GET with a timeout, a size limit, per-host politeness and retries."""

    def __init__(
        self,
        *,
        timeout: float,
        retries: int,
        backoff: float,
        politeness: float,
        user_agent: str,
        max_bytes: int,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.politeness = politeness
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}
        self._opener = urllib.request.build_opener(_NoRedirectOn304())

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET ``url``; retries transient failures, raises :class:`FetchError` for good.

        A ``file://`` URL is read from disk (no politeness, no retries): ``304`` when its
        modification time is the ``If-Modified-Since`` sent, else ``200`` with
        ``Last-Modified``."""
        if is_local(url):
            return self._read_file(url, headers or {})
        attempt = 0
        while True:
            try:
                return self._get_once(url, headers or {})
            except FetchError as err:
                if not err.transient or attempt >= self.retries:
                    if attempt:
                        err.detail += f" (after {attempt + 1} attempts)"
                    raise
                delay = self.backoff * 2**attempt
                attempt += 1
                logger.info("%s: %s; retry %s in %.1fs", url, err.detail, attempt, delay)
                self._sleep(delay)

    def _read_file(self, url: str, headers: dict[str, str]) -> Response:
        path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
        try:
            stamp = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
            if headers.get("If-Modified-Since") == stamp:
                return Response(url, 304, b"", {"last-modified": stamp})
            with path.open("rb") as fh:
                body = fh.read(self.max_bytes + 1)
        except OSError as err:
            raise FetchError(url, err.strerror or str(err), transient=False) from None
        if len(body) > self.max_bytes:
            raise FetchError(url, f"larger than {self.max_bytes} bytes", transient=False)
        return Response(url, 200, body, {"last-modified": stamp})

    def _wait_turn(self, host: str) -> None:
        """Sleep until ``politeness`` has passed since the last request to ``host`` ended."""
        last = self._last.get(host)
        if last is not None:
            wait = last + self.politeness - self._clock()
            if wait > 0:
                self._sleep(wait)

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        host = urllib.parse.urlsplit(url).netloc.lower()
        self._wait_turn(host)
        try:
            return self._request(url, headers)
        finally:
            self._last[host] = self._clock()

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, **headers})
        try:
            with self._opener.open(request, timeout=self.timeout) as resp:
                body = self._read(resp, url)
                status = resp.status
                final_url = resp.geturl()
                got = {k.lower(): v for k, v in resp.headers.items()}
        except urllib.error.HTTPError as err:
            err.close()
            raise FetchError(
                url, f"HTTP {err.code} {err.reason}", transient=err.code in RETRY_STATUSES
            ) from None
        except urllib.error.URLError as err:
            reason = err.reason
            transient = isinstance(reason, TimeoutError | ConnectionError | socket.timeout)
            raise FetchError(url, f"{reason}", transient=transient) from None
        except (TimeoutError, ConnectionError, http.client.HTTPException) as err:
            detail = "timed out" if isinstance(err, TimeoutError) else f"{type(err).__name__}"
            if str(err):
                detail += f": {err}"
            raise FetchError(url, detail, transient=True) from None
        except OSError as err:
            raise FetchError(url, str(err), transient=False) from None
        if len(body) > self.max_bytes:
            raise FetchError(url, f"larger than {self.max_bytes} bytes", transient=False)
        return Response(final_url, status, body, got)

    def _read(self, resp: Any, url: str) -> bytes:
        """The body, in chunks: a server that trickles bytes is cut off after
        :data:`BODY_TIME_FACTOR` timeouts in all (the socket timeout is per read)."""
        deadline = self._clock() + self.timeout * BODY_TIME_FACTOR
        chunks: list[bytes] = []
        size = 0
        while size <= self.max_bytes:
            chunk = resp.read1(CHUNK_BYTES) if hasattr(resp, "read1") else resp.read(CHUNK_BYTES)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if self._clock() > deadline:
                raise TimeoutError(f"body not received within {self.timeout * BODY_TIME_FACTOR}s")
        return b"".join(chunks)


# --------------------------------------------------------------------------- state


@dataclass
class FeedState:
    etag: str | None = None
    last_modified: str | None = None
    last_polled: float | None = None  # seconds since the epoch
    seen: list[str] = field(default_factory=list)


class WatchState:
    """What the watcher remembers between rounds and restarts: a small JSON file."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self.feeds: dict[str, FeedState] = {}
        if self.path is not None and self.path.exists():
            self._load(self.path)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            for url, item in data.get("feeds", {}).items():
                self.feeds[url] = FeedState(
                    etag=item.get("etag"),
                    last_modified=item.get("last_modified"),
                    last_polled=item.get("last_polled"),
                    seen=list(item.get("seen", [])),
                )
        except (OSError, ValueError, AttributeError, TypeError) as err:
            # a corrupt state only costs refetching: start afresh rather than stop watching
            logger.warning("%s", Errors.E101.format(path=path, detail=f"{err}; starting afresh"))
            self.feeds = {}

    def feed(self, url: str) -> FeedState:
        return self.feeds.setdefault(url, FeedState())

    def save(self) -> None:
        if self.path is None:
            return
        data = {
            "version": STATE_VERSION,
            "feeds": {
                url: {
                    "etag": st.etag,
                    "last_modified": st.last_modified,
                    "last_polled": st.last_polled,
                    "seen": st.seen[-MAX_SEEN:],
                }
                for url, st in sorted(self.feeds.items())
            },
        }
        tmp = self.path.with_name(self.path.name + ".part")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)


# --------------------------------------------------------------------------- watcher


FeedStatus = Literal["ok", "not_modified", "failed", "not_due"]


@dataclass
class FeedResult:
    """What one feed gave in one round."""

    url: str
    status: FeedStatus
    entries: int = 0
    new: int = 0
    documents: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class RoundResult:
    feeds: list[FeedResult] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return sum(result.documents for result in self.feeds)

    @property
    def failed(self) -> list[FeedResult]:
        return [result for result in self.feeds if result.status == "failed"]


@dataclass(frozen=True)
class _Entry:
    key: str
    link: str | None
    title: str | None
    summary: str
    published: dt.date | None


class Watcher:
    """Polls ``feeds`` and gives each round's new documents to ``sink``.

    ``every`` is the default interval between two polls of a feed (a feed's own ``every``
    wins); ``politeness`` the least time from the end of one request to a host to the start of
    the next; ``retries`` how many times a transient failure is retried (waiting ``backoff``,
    then twice as long...);
    ``timeout`` the socket timeout of one request. ``state_path`` is the JSON state file
    (``None``: remembered in memory only).
    """

    def __init__(
        self,
        feeds: Iterable[Feed],
        sink: Sink,
        *,
        every: dt.timedelta = dt.timedelta(minutes=15),
        politeness: dt.timedelta = dt.timedelta(seconds=2),
        retries: int = 3,
        backoff: dt.timedelta = dt.timedelta(seconds=1),
        timeout: dt.timedelta = dt.timedelta(seconds=20),
        user_agent: str = DEFAULT_USER_AGENT,
        state_path: str | Path | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.feeds = list(feeds)
        self.sink = sink
        self.every = every
        self.settings = settings or load_settings()
        self.state = WatchState(state_path)
        self.client = HttpClient(
            timeout=timeout.total_seconds(),
            retries=retries,
            backoff=backoff.total_seconds(),
            politeness=politeness.total_seconds(),
            user_agent=user_agent,
            max_bytes=self.settings.max_chars * 4,
        )

    # -- scheduling

    def interval(self, feed: Feed) -> dt.timedelta:
        return feed.every or self.every

    def next_due(self, feed: Feed, now: float | None = None) -> float:
        """Seconds from ``now`` until ``feed`` is due (0 when due)."""
        now = time.time() if now is None else now
        last = self.state.feed(feed.url).last_polled
        if last is None:
            return 0.0
        return max(0.0, last + self.interval(feed).total_seconds() - now)

    def run_once(self, *, due_only: bool = False) -> RoundResult:
        """Poll every feed (only those due, with ``due_only``) once; never raises for a feed."""
        result = RoundResult()
        for feed in self.feeds:
            if due_only and self.next_due(feed) > 0:
                result.feeds.append(FeedResult(feed.url, "not_due"))
                continue
            result.feeds.append(self.poll(feed))
        return result

    def run_forever(self, stop: threading.Event, *, max_wait: float = 60.0) -> None:
        """Poll feeds as they fall due until ``stop`` is set."""
        while not stop.is_set():
            self.run_once(due_only=True)
            wait = min((self.next_due(feed) for feed in self.feeds), default=max_wait)
            stop.wait(min(max(wait, 1.0), max_wait))

    # -- one feed

    def poll(self, feed: Feed) -> FeedResult:
        """One feed: fetch, parse, fetch new pages, sink. Failures are logged, not raised."""
        state = self.state.feed(feed.url)
        try:
            return self._poll(feed, state)
        except FetchError as err:
            message = str(DocumentError(Errors.E008, name=feed.url, detail=err.detail))
        except DocumentError as err:
            message = str(err)
        except Exception as err:  # isolation: one feed's bug must not stop the others
            logger.debug("feed %s failed", feed.url, exc_info=True)
            message = str(
                DocumentError(Errors.E008, name=feed.url, detail=f"{type(err).__name__}: {err}")
            )
        logger.error("%s", message)
        state.last_polled = time.time()
        self.state.save()
        return FeedResult(feed.url, "failed", errors=[message])

    def _poll(self, feed: Feed, state: FeedState) -> FeedResult:
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        response = self.client.get(feed.url, headers)
        if response.status == 304:
            logger.info("%s: not modified", feed.url)
            state.last_polled = time.time()
            self.state.save()
            return FeedResult(feed.url, "not_modified")
        outlet, entries = _parse_feed(response.body, feed.url)
        outlet = feed.outlet or outlet
        seen = set(state.seen)
        fresh = [entry for entry in entries if entry.key not in seen]
        result = FeedResult(feed.url, "ok", entries=len(entries), new=len(fresh))
        documents: list[Document] = []
        done: list[str] = []
        retry_later = False
        for entry in fresh:
            try:
                document = self._document(entry, outlet, feed.url)
            except FetchError as err:
                message = str(DocumentError(Errors.E008, name=entry.link, detail=err.detail))
                logger.warning("%s", message)
                result.errors.append(message)
                retry_later = True
                continue  # not marked seen: tried again next round
            except DocumentError as err:  # empty, oversized, not English: skipped for good
                logger.warning("%s", err)
                result.errors.append(str(err))
                done.append(entry.key)
                continue
            except Exception as err:  # one entry's failure costs only that entry
                logger.debug("entry %s of %s failed", entry.key, feed.url, exc_info=True)
                name, detail = entry.link or entry.key, f"{type(err).__name__}: {err}"
                message = str(DocumentError(Errors.E008, name=name, detail=detail))
                logger.warning("%s", message)
                result.errors.append(message)
                done.append(entry.key)
                continue
            documents.append(document)
            done.append(entry.key)
        if documents:
            self.sink(documents)  # raising here keeps entries and validators unrecorded
        result.documents = len(documents)
        state.seen.extend(done)
        del state.seen[:-MAX_SEEN]
        # with entries to retry, the next request must not be answered "304 not modified"
        state.etag = None if retry_later else response.header("etag")
        state.last_modified = None if retry_later else response.header("last-modified")
        state.last_polled = time.time()
        self.state.save()
        logger.info(
            "%s: %s entries, %s new, %s documents",
            feed.url,
            len(entries),
            len(fresh),
            len(documents),
        )
        return result

    def _document(self, entry: _Entry, outlet: str | None, feed_url: str) -> Document:
        doc_id = hashlib.sha1(entry.key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        document: Document | None = None
        # a local feed is read offline: its entries' own text, pages only when local too
        if entry.link and (not is_local(feed_url) or is_local(entry.link)):
            try:
                page = self.client.get(entry.link)
            except FetchError:
                if not entry.summary:
                    raise
                logger.info("%s: page unavailable, using the feed's summary", entry.link)
            else:
                document = _page_document(page, doc_id, entry, self.settings)
        if document is None:
            text = with_title(entry.title, entry.summary)
            document = Document(
                id=doc_id, text=text, published=entry.published, title=entry.title, url=entry.link
            )
        document = document.model_copy(
            update={"outlet": outlet or document.outlet, "path": feed_url}
        )
        screen(document, self.settings)
        return document


def _parse_feed(data: bytes, url: str) -> tuple[str | None, list[_Entry]]:
    """The feed's title and entries; E008 when the bytes are not an RSS or Atom feed."""
    import feedparser

    try:
        parsed = feedparser.parse(without_surrogate_references(data, url))
    except ValueError as err:  # feedparser raises on character references past U+10FFFF
        detail = f"the feed cannot be parsed ({err})"
        raise DocumentError(Errors.E008, name=url, detail=detail) from err
    if not parsed.get("version"):
        detail = "no RSS or Atom feed found"
        if parsed.get("bozo_exception") is not None:
            detail += f" ({parsed.bozo_exception})"
        raise DocumentError(Errors.E008, name=url, detail=detail)
    entries = []
    for n, entry in enumerate(parsed.entries, start=1):
        content = entry.get("content") or []
        body_html = content[0].get("value", "") if content else entry.get("summary", "")
        title = plain_text(entry.get("title")) or None
        link = entry.get("link") or None
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        entries.append(
            _Entry(
                key=entry.get("id") or link or f"{url}#{n}:{title}",
                link=link,
                title=title,
                summary=strip_html(body_html or "").text,
                published=dt.date(*stamp[:3]) if stamp else None,
            )
        )
    return plain_text(parsed.feed.get("title")) or None, entries


def _charset(content_type: str | None) -> str:
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else "utf-8"


def _page_document(page: Response, doc_id: str, entry: _Entry, settings: Settings) -> Document:
    """The article page's main text and metadata (trafilatura), over the entry's own."""
    try:
        html = page.body.decode(_charset(page.header("content-type")), errors="replace")
    except LookupError:  # an unknown charset name
        html = page.body.decode("utf-8", errors="replace")
    document = html_document(html, doc_id=doc_id, path=page.url, settings=settings)
    title = entry.title or document.title
    return document.model_copy(
        update={
            "text": document.text if document.title else with_title(title, document.text),
            "title": title,
            "published": entry.published or document.published,
            "url": entry.link or document.url or page.url,
        }
    )


__all__: Sequence[str] = (
    "DEFAULT_USER_AGENT",
    "Feed",
    "FeedResult",
    "FeedsFile",
    "FetchError",
    "HttpClient",
    "RoundResult",
    "WatchState",
    "Watcher",
    "parse_duration",
)
