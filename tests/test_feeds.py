"""Live feeds against a local HTTP server: conditional requests, politeness, retries, isolation."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
import socket
import struct
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontwatch.cli import options as cli_options
from frontwatch.cli import watch as watch_command
from frontwatch.errors import DocumentError, FrontwatchError
from frontwatch.ingest.feeds import Feed, FeedsFile, Watcher, parse_duration
from frontwatch.records import Document, DocumentResult

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
ETAG = '"wire-v1"'
LAST_MODIFIED = "Fri, 08 Mar 2024 09:00:00 GMT"
POLITENESS = 0.12
TIMEOUT = 0.25


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Site:
    """What the local server serves and what it saw."""

    base: str = ""
    hits: list[Hit] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    flaky_left: int = 0

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def finish(self) -> None:
            with contextlib.suppress(OSError):
                super().finish()

        def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _file(self, name: str) -> bytes:
            text = (FIXTURES / name).read_text(encoding="utf-8")
            return text.replace("{base}", site.base).encode("utf-8")

        def do_GET(self) -> None:
            site.hits.append(Hit(self.path, dict(self.headers.items()), time.monotonic()))
            path = self.path
            if path == "/wire.rss":
                if self.headers.get("If-None-Match") == ETAG:
                    self._send(304, ETag=ETAG)
                else:
                    self._send(200, self._file("wire.rss"), ETag=ETAG, Content_Type="text/xml")
            elif path == "/desk.atom":
                if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                    self._send(304)
                else:
                    body = self._file("desk.atom")
                    self._send(200, body, Last_Modified=LAST_MODIFIED)
            elif path == "/hang.rss":
                site.stop.wait(TIMEOUT * 4)  # past the client's timeout
                self._send(200, self._file("wire.rss"))
            elif path == "/trickle.rss":  # a byte at a time, each within the timeout
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                for _ in range(100):
                    if site.stop.wait(TIMEOUT / 5):
                        break
                    self.wfile.write(b" ")
                    self.wfile.flush()
            elif path == "/reset.rss":
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
            elif path == "/garbage.rss":
                self._send(200, self._file("garbage.xml"), Content_Type="text/xml")
            elif path == "/flaky.rss":
                if site.flaky_left > 0:
                    site.flaky_left -= 1
                    self._send(503)
                else:
                    self._send(200, self._file("wire.rss"))
            elif path.startswith("/articles/") and (FIXTURES / path[1:]).is_file():
                body = self._file(path[1:])
                self._send(200, body, Content_Type="text/html; charset=utf-8")
            else:
                self._send(404, b"not found")

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield site
    site.stop.set()
    server.shutdown()
    server.server_close()
    thread.join()


class Collector:
    def __init__(self) -> None:
        self.batches: list[list[Document]] = []

    def __call__(self, documents: list[Document]) -> None:
        self.batches.append(list(documents))

    @property
    def documents(self) -> list[Document]:
        return [doc for batch in self.batches for doc in batch]


def _watcher(
    site: Site, names: list[str], sink: object, state: Path | None, **kw: object
) -> Watcher:
    feeds = [Feed(f"{site.base}/{name}") for name in names]
    options: dict[str, object] = {
        "politeness": dt.timedelta(seconds=POLITENESS),
        "timeout": dt.timedelta(seconds=TIMEOUT),
        "retries": 1,
        "backoff": dt.timedelta(seconds=0.01),
        "state_path": state,
        **kw,
    }
    return Watcher(feeds, sink, **options)  # type: ignore[arg-type]


def _id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


# -- durations and the feeds file ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("1h", 3600), ("30s", 30), ("1h30m", 5400), ("2d", 172800), ("90", 90)],
)
def test_feeds_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "m", "15x", "0m", "1h 3", "-5m"])
def test_feeds_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_feeds_file_text(tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text(
        "# world news\n\nhttps://a.example/rss.xml\n"
        "https://b.example/atom | Border Desk | 30m\nhttp://c.example/f |  | 1h\n",
        encoding="utf-8",
    )
    assert FeedsFile.load(path).feeds == (
        Feed("https://a.example/rss.xml"),
        Feed("https://b.example/atom", "Border Desk", dt.timedelta(minutes=30)),
        Feed("http://c.example/f", None, dt.timedelta(hours=1)),
    )


def test_feeds_file_toml(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[feed]]\nurl = "https://a.example/rss.xml"\n\n'
        '[[feed]]\nurl = "https://b.example/atom"\noutlet = "Border Desk"\nevery = "2h"\n',
        encoding="utf-8",
    )
    assert FeedsFile.load(path).feeds == (
        Feed("https://a.example/rss.xml"),
        Feed("https://b.example/atom", "Border Desk", dt.timedelta(hours=2)),
    )


@pytest.mark.parametrize(
    ("name", "content", "detail"),
    [
        ("f.txt", "ftp://a.example/x\n", "is not an http(s) URL, a file:// URL or a feed file"),
        ("f.txt", "nowhere/feed.rss\n", "is not an http(s) URL, a file:// URL or an existing"),
        ("f.txt", "https://a.example/x | A | soon\n", "is not a duration"),
        ("f.txt", "# nothing\n", "no feeds listed"),
        ("f.txt", "https://a.example/x\nhttps://a.example/x\n", "feeds listed twice"),
        ("f.toml", '[[feed]]\nurl = "https://a.example/x"\ncolour = "red"\n', "keys are url"),
        ("f.toml", "[[feed]\n", "Expected"),
        ("missing.txt", None, "No such file"),
    ],
)
def test_feeds_file_invalid(tmp_path: Path, name: str, content: str | None, detail: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(FrontwatchError) as info:
        FeedsFile.load(path)
    assert info.value.code == "E101"
    assert detail in str(info.value)


# -- watching ------------------------------------------------------------------------------

ALL = ["wire.rss", "hang.rss", "desk.atom", "reset.rss", "garbage.rss"]


def test_feeds_good_feeds_reach_the_sink_bad_ones_are_isolated(site: Site, tmp_path: Path) -> None:
    sink = Collector()
    result = _watcher(site, ALL, sink, tmp_path / "state.json").run_once()

    assert [(r.url.rsplit("/", 1)[1], r.status, r.documents) for r in result.feeds] == [
        ("wire.rss", "ok", 2),
        ("hang.rss", "failed", 0),
        ("desk.atom", "ok", 2),
        ("reset.rss", "failed", 0),
        ("garbage.rss", "failed", 0),
    ]
    assert [len(batch) for batch in sink.batches] == [2, 2]  # one sink call per feed
    for failed in result.failed:
        assert failed.errors[0].startswith("[E008] Input " + failed.url + " cannot be read")
    assert "timed out (after 2 attempts)" in result.feeds[1].errors[0]
    assert "no RSS or Atom feed found" in result.feeds[4].errors[0]
    # transient failures are retried once (retries=1); garbage is not retried
    assert site.paths().count("/hang.rss") == 2
    assert site.paths().count("/reset.rss") == 2
    assert site.paths().count("/garbage.rss") == 1

    docs = {doc.url.rsplit("/", 1)[1]: doc for doc in sink.documents if doc.url}
    assert sorted(docs) == [
        "belvara-shelling.html",
        "highway-protest.html",
        "missing-page.html",
        "sarvan-outpost.html",
    ]
    shelling = docs["belvara-shelling.html"]
    assert shelling.id == _id("harbour-wire-0001")
    assert shelling.outlet == "Harbour Wire"
    assert shelling.published == dt.date(2024, 3, 6)
    assert shelling.title == "Militants shell river port of Belvara"
    assert shelling.text.startswith("Militants shell river port of Belvara\n\nMilitants fired")
    assert "killing two dock workers" in shelling.text
    assert "Subscribe" not in shelling.text and "Copyright" not in shelling.text
    assert shelling.path == f"{site.base}/wire.rss"
    outpost = docs["sarvan-outpost.html"]
    assert outpost.id == _id("urn:frontwatch:test:border-desk:17")
    assert (outpost.outlet, outpost.published) == ("Border Desk", dt.date(2024, 3, 8))
    assert "three pickup trucks and a mortar" in outpost.text
    # a page that cannot be fetched: the feed's own summary stands in for it
    convoy = docs["missing-page.html"]
    assert convoy.text == (
        "Aid convoy reaches displaced families\n\nA convoy of twelve trucks carrying food and "
        "blankets reached families who fled the fighting around Sarvan, a relief agency said "
        "on Friday."
    )


def test_feeds_trickling_feed_is_cut_off(site: Site) -> None:
    started = time.monotonic()
    result = _watcher(site, ["trickle.rss"], Collector(), None, retries=0).run_once()
    assert time.monotonic() - started < TIMEOUT * 3 + 1
    assert result.feeds[0].status == "failed"
    assert f"timed out: body not received within {TIMEOUT * 3}s" in result.feeds[0].errors[0]


def test_feeds_conditional_requests_and_restart(site: Site, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    sink = Collector()
    _watcher(site, ["wire.rss", "desk.atom"], sink, state).run_once()
    assert len(sink.documents) == 4
    first = len(site.hits)

    second = _watcher(site, ["wire.rss", "desk.atom"], sink, state).run_once()  # a restart
    assert [r.status for r in second.feeds] == ["not_modified", "not_modified"]
    assert len(sink.documents) == 4
    wire, desk = site.hits[first:]
    assert (wire.path, wire.headers["If-None-Match"]) == ("/wire.rss", ETAG)
    assert (desk.path, desk.headers["If-Modified-Since"]) == ("/desk.atom", LAST_MODIFIED)
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["feeds"][f"{site.base}/wire.rss"]["seen"] == [
        "harbour-wire-0001",
        "harbour-wire-0002",
    ]


def test_feeds_seen_entries_not_sent_twice(site: Site, tmp_path: Path) -> None:
    sink = Collector()
    watcher = _watcher(site, ["flaky.rss"], sink, None)
    assert watcher.run_once().feeds[0].documents == 2
    result = watcher.run_once()  # no validators on this feed: fetched again, nothing new
    assert (result.feeds[0].status, result.feeds[0].entries, result.feeds[0].new) == ("ok", 2, 0)
    assert len(sink.documents) == 2


def test_feeds_politeness_per_host(site: Site) -> None:
    _watcher(site, ["wire.rss", "desk.atom"], Collector(), None).run_once()
    times = [hit.at for hit in site.hits]
    assert len(times) == 6  # 2 feeds, 3 pages, 1 missing page
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= POLITENESS * 0.95


def test_feeds_retry_with_backoff_then_success(site: Site) -> None:
    site.flaky_left = 2
    sink = Collector()
    result = _watcher(site, ["flaky.rss"], sink, None, retries=2).run_once()
    assert result.feeds[0].status == "ok"
    assert site.paths()[:3] == ["/flaky.rss"] * 3
    assert len(sink.documents) == 2


def test_feeds_user_agent_sent(site: Site) -> None:
    _watcher(site, ["garbage.rss"], Collector(), None, user_agent="fw-test/1").run_once()
    assert site.hits[0].headers["User-Agent"] == "fw-test/1"


def test_feeds_sink_failure_keeps_entries_for_next_round(site: Site, tmp_path: Path) -> None:
    calls: list[int] = []

    def failing(documents: list[Document]) -> None:
        calls.append(len(documents))
        raise OSError("database is busy")

    state = tmp_path / "state.json"
    result = _watcher(site, ["wire.rss"], failing, state).run_once()
    assert result.feeds[0].status == "failed"
    assert "database is busy" in result.feeds[0].errors[0]
    sink = Collector()
    again = _watcher(site, ["wire.rss"], sink, state).run_once()
    assert again.feeds[0].status == "ok"
    assert "If-None-Match" not in site.hits[-3].headers  # the feed itself, refetched in full
    assert (calls, len(sink.documents)) == ([2], 2)


def test_feeds_outlet_setting_wins(site: Site) -> None:
    sink = Collector()
    watcher = Watcher(
        [Feed(f"{site.base}/wire.rss", outlet="My Outlet")],
        sink,
        politeness=dt.timedelta(0),
        timeout=dt.timedelta(seconds=TIMEOUT),
    )
    watcher.run_once()
    assert {doc.outlet for doc in sink.documents} == {"My Outlet"}


def test_feeds_run_forever_stops(site: Site) -> None:
    sink = Collector()
    watcher = _watcher(site, ["wire.rss"], sink, None, every=dt.timedelta(hours=1))
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run_forever, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 5
    while not sink.batches and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(sink.documents) == 2
    assert site.paths().count("/wire.rss") == 1  # not due again within the hour


# -- the watch command ---------------------------------------------------------------------


class StubExtractor:
    """No NLP: every document gives an empty result."""

    def extract_many(
        self, items: Iterable[Document | DocumentError]
    ) -> Iterator[DocumentResult | DocumentError]:
        for item in items:
            yield item if isinstance(item, DocumentError) else DocumentResult(doc_id=item.id)


def _feeds_file(tmp_path: Path, site: Site, names: list[str]) -> Path:
    path = tmp_path / "feeds.txt"
    path.write_text("".join(f"{site.base}/{name}\n" for name in names), encoding="utf-8")
    return path


FAST = ["--politeness", "0s", "--timeout", "1s", "--retries", "0"]


@pytest.mark.parametrize(("names", "code"), [(["wire.rss"], 0), (["wire.rss", "garbage.rss"], 1)])
def test_feeds_watch_once_with_a_fake_sink(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str], code: int
) -> None:
    sink = Collector()
    monkeypatch.setattr(watch_command, "make_sink", lambda ctx, db: sink)
    db = tmp_path / "x.duckdb"
    args = [str(_feeds_file(tmp_path, site, names)), "--db", str(db), "--once", *FAST]
    result = CliRunner().invoke(watch_command.watch, args, obj={})
    assert result.exit_code == code, result.output
    assert [doc.id for doc in sink.documents] == [
        _id("harbour-wire-0001"),
        _id("harbour-wire-0002"),
    ]
    assert f"{site.base}/wire.rss: ok, 2 new documents" in result.stderr
    if code:
        assert f"[E008] Input {site.base}/garbage.rss cannot be read" in result.stderr
    assert (tmp_path / "x.duckdb.watch.json").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "soon"], "is not a duration"),
        (["--retries", "-1"], "-1 is not in the range"),
    ],
)
def test_feeds_watch_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text("http://127.0.0.1:9/feed.rss\n", encoding="utf-8")
    result = CliRunner().invoke(watch_command.watch, [str(path), "--once", *args], obj={})
    assert result.exit_code == 2
    assert message in result.stderr


def test_feeds_watch_invalid_feeds_file(tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text("not a url\n", encoding="utf-8")
    result = CliRunner().invoke(watch_command.watch, [str(path), "--once"], obj={})
    assert result.exit_code == 2
    assert f"error: [E101] Data file {path} is invalid: line 1:" in result.stderr


def test_feeds_watch_into_the_store(site: Site, tmp_path: Path) -> None:
    store = pytest.importorskip("frontwatch.store")
    db = tmp_path / "w.duckdb"
    args = [str(_feeds_file(tmp_path, site, ["wire.rss", "desk.atom"])), "--db", str(db)]
    obj = {"extractor": StubExtractor()}
    result = CliRunner().invoke(watch_command.watch, [*args, "--once", *FAST], obj=obj)
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(watch_command.watch, [*args, "--once", *FAST], obj=obj)
    assert again.exit_code == 0, again.output
    assert "not_modified, 0 new documents" in again.stderr
    with store.Store.open(db, read_only=True) as opened:
        ids = sorted(doc.id for doc in opened.documents())
    assert ids == sorted(
        [
            _id("harbour-wire-0001"),
            _id("harbour-wire-0002"),
            _id("urn:frontwatch:test:border-desk:17"),
            _id("urn:frontwatch:test:border-desk:18"),
        ]
    )
    assert store.DEFAULT_PATH == cli_options.DEFAULT_DB


# -- local feeds (issue 14) ------------------------------------------------------------------

SAMPLE_FEED = Path(__file__).resolve().parents[1] / "samples" / "articles" / "wire" / "feed.rss"
SAMPLE_IDS = [_id("sample-houthi-ship"), _id("sample-dhaka-arrests"), _id("sample-haiti-mission")]


def test_feeds_file_lists_local_feeds(tmp_path: Path) -> None:
    local = tmp_path / "saved" / "wire.rss"
    local.parent.mkdir()
    local.write_bytes(SAMPLE_FEED.read_bytes())
    path = tmp_path / "feeds.txt"
    path.write_text(f"saved/wire.rss | Saved Wire\n{SAMPLE_FEED.as_uri()}\n", encoding="utf-8")
    assert FeedsFile.load(path).feeds == (
        Feed(local.resolve().as_uri(), "Saved Wire"),
        Feed(SAMPLE_FEED.as_uri()),
    )


def test_feeds_file_that_is_a_feed_is_the_one_feed(tmp_path: Path) -> None:
    assert FeedsFile.load(SAMPLE_FEED).feeds == (Feed(SAMPLE_FEED.as_uri()),)


def test_feeds_local_feed_read_offline_then_not_modified(tmp_path: Path) -> None:
    sink = Collector()
    watcher = Watcher([Feed(SAMPLE_FEED.as_uri())], sink, state_path=tmp_path / "state.json")
    first = watcher.run_once()
    assert [(f.status, f.new, f.documents, f.errors) for f in first.feeds] == [("ok", 3, 3, [])]
    assert [d.id for d in sink.documents] == SAMPLE_IDS  # the ids `frontwatch extract` gives
    assert sink.documents[0].text.startswith("Houthi drone strikes ship in the Red Sea\n\n")
    assert (sink.documents[0].outlet, sink.documents[0].published) == (
        "Frontwatch Sample Feed",
        dt.date(2024, 3, 12),
    )
    again = Watcher([Feed(SAMPLE_FEED.as_uri())], sink, state_path=tmp_path / "state.json")
    assert [f.status for f in again.run_once().feeds] == ["not_modified"]
    assert len(sink.documents) == 3


def test_feeds_watch_command_on_a_feed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = Collector()
    monkeypatch.setattr(watch_command, "make_sink", lambda ctx, db: sink)
    args = [str(SAMPLE_FEED), "--db", str(tmp_path / "x.duckdb"), "--once"]
    result = CliRunner().invoke(watch_command.watch, args, obj={})
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{SAMPLE_FEED.as_uri()}: ok, 3 new documents\n"
    assert [d.id for d in sink.documents] == SAMPLE_IDS


def test_feeds_one_failing_entry_costs_only_itself(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frontwatch.ingest import feeds

    real = feeds._page_document

    def flaky(page: feeds.Response, doc_id: str, entry: object, settings: object) -> Document:
        if page.url.endswith("belvara-shelling.html"):
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return real(page, doc_id, entry, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds, "_page_document", flaky)
    sink = Collector()
    result = _watcher(site, ["wire.rss"], sink, tmp_path / "state.json").run_once()
    [wire] = result.feeds
    assert (wire.status, wire.documents) == ("ok", 1)
    assert [e.split(" cannot be read: ")[1] for e in wire.errors] == [
        "UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' in position 0: "
        "surrogates not allowed."
    ]
    assert [d.url.rsplit("/", 1)[1] for d in sink.documents if d.url] == ["highway-protest.html"]
