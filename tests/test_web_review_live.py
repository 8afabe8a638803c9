"""Browser tests of the review UI against the real review API: the page of test_web_review, with
the real server (``create_app(review=True)``) answering instead of the fake, over a new store for
each test. What the fake promised, the server keeps: accept, reject and correct (the body the
page sends is one the server takes), merge and split, the queue and its keyboard, the token, a
cross-site write refused, hostile text; reviews survive a reload and a re-ingest of the same
documents, and ``frontwatch review export`` writes them as training examples.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from frontwatch.cli import cli
from frontwatch.situation import cluster_events
from frontwatch.store import Store
from test_web_map import (
    Served,
    Session,
    browser,  # noqa: F401  (the module's browser fixture)
    open_page,
    serve,
    visible,
    wait_for,
    wait_visible,
)
from test_web_review import REVIEW_PAIRS, TOKEN, open_event, queue_ids

# ---------------------------------------------------------------- the live server


@dataclass
class Write:
    path: str
    headers: dict[str, str]
    body: Any
    status: int | None = None


@dataclass
class Live:
    served: Served
    session: Session
    context: Any
    writes: list[Write]

    @property
    def page(self) -> Any:
        return self.session.page

    @property
    def db(self) -> Path:
        return self.served.folder / "events.duckdb"

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.served.url + path.lstrip("/"), timeout=10) as response:
            return json.loads(response.read())

    def body_of(self, path: str) -> Any:
        bodies = [w for w in self.writes if w.path == path]
        assert bodies, f"no POST to {path}"
        return bodies[-1].body

    def statuses(self, answered: int | None = None) -> list[tuple[str, int | None]]:
        """(path, status) of each POST, once ``answered`` of them (default: all) have their
        answer (the page's events arrive while Playwright waits)."""
        want = len(self.writes) if answered is None else answered
        deadline = time.monotonic() + 10
        while sum(w.status is not None for w in self.writes) < want:
            if time.monotonic() > deadline:
                break
            self.page.wait_for_timeout(50)
        return [(w.path, w.status) for w in self.writes]

    def log(self, event_id: str | None = None) -> list[tuple[str, str, str | None]]:
        """The store's review log: (action, reviewer, note) of each entry."""
        with Store.open(self.db, read_only=True) as store:
            return [(e.action, e.by, e.note) for e in store.review_history(event_id)]


def record(page: Any, writes: list[Write]) -> None:
    """Record the page's POSTs to the API and the status the server answered."""
    pending: dict[int, Write] = {}

    def on_request(request: Any) -> None:
        if request.method == "POST" and "/api/" in request.url:
            path = "/api/" + request.url.split("/api/", 1)[1]
            write = Write(path, dict(request.headers), json.loads(request.post_data or "null"))
            writes.append(write)
            pending[id(request)] = write

    def on_response(response: Any) -> None:
        write = pending.pop(id(response.request), None)
        if write is not None:
            write.status = response.status

    page.on("request", on_request)
    page.on("response", on_response)


LIVE_WAIT_MS = 20000


def start(folder: Path) -> Served:
    return serve(folder, REVIEW_PAIRS, review=True, review_token=TOKEN, drain_interval=0.2)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = start(tmp_path / "live")
    try:
        yield server
    finally:
        server.stop()


def connect(browser: Any, served: Served, fragment: str = f"#token={TOKEN}") -> Live:  # noqa: F811
    writes: list[Write] = []
    context, session = open_page(browser, served.url + fragment)
    # a live server clusters and re-indexes after each review: on a loaded CI machine a wait
    # for the page's next state can pass 8 s without anything being wrong
    session.page.set_default_timeout(LIVE_WAIT_MS)
    record(session.page, writes)
    return Live(served, session, context, writes)


@pytest.fixture
def live(browser: Any, served: Served) -> Iterator[Live]:  # noqa: F811
    opened = connect(browser, served)
    try:
        yield opened
    finally:
        opened.context.close()


def reload(page: Any) -> None:
    page.reload()
    page.wait_for_selector("body[data-ready='true']", timeout=20000)


def wait_until(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {check}")
        time.sleep(0.1)


# ---------------------------------------------------------------- accept, reject, token


def test_web_review_live_accept_is_stored(live: Live) -> None:
    page = live.page
    open_event(page, "k1-e1")
    page.fill("#review-note", "checked with a second outlet")
    page.fill("#review-by", "analyst 1")
    page.dispatch_event("#review-by", "change")
    page.click("#review-accept")
    page.wait_for_selector("#review-current .review-badge.status-accepted", timeout=LIVE_WAIT_MS)
    assert live.statuses() == [("/api/events/k1-e1/review", 200)]
    assert live.log() == [("accept", "analyst 1", "checked with a second outlet")]
    reload(page)  # the server keeps it
    assert page.evaluate("frontwatch.state.byId.get('k1-e1').review.status") == "accepted"
    open_event(page, "k1-e1")
    page.wait_for_selector("#review-history li")
    assert "accept by analyst 1" in page.inner_text("#review-history")
    assert live.session.errors == []


def test_web_review_live_refused_without_token(browser: Any, served: Served) -> None:  # noqa: F811
    live = connect(browser, served, fragment="")
    try:
        open_event(live.page, "g1-e1")
        live.page.click("#review-accept")
        live.page.wait_for_selector("#review-message.error")
        assert live.page.inner_text("#review-message").startswith("Refused (unauthorized)")
        assert live.statuses() == [("/api/events/g1-e1/review", 401)]
        assert live.log() == []
    finally:
        live.context.close()


class OtherSite(BaseHTTPRequestHandler):
    """A page of another site (another port of the same host)."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        data = b"<!doctype html><title>another site</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def other_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), OtherSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_web_review_live_cross_site_write_refused(
    live: Live, served: Served, other_site: str
) -> None:
    """A page of another site posts a review with the token as a form would (no preflight):
    refused (403), nothing stored; with the token in a header (a preflight first), the browser
    never sends it."""
    page = live.page
    page.goto(other_site + "/")
    target = served.url + "api/events/g1-e1/review"
    outcome = page.evaluate(
        """async ([url, token]) => {
            const simple = await fetch(url, {method: "POST", mode: "no-cors",
              headers: {"Content-Type": "text/plain"},
              body: JSON.stringify({action: "reject", note: token})});
            let preflighted = "sent";
            try {
              await fetch(url, {method: "POST", headers: {"Content-Type": "application/json",
                Authorization: `Bearer ${token}`}, body: JSON.stringify({action: "reject"})});
            } catch (error) {
              preflighted = "blocked";
            }
            return [simple.type, preflighted];
        }""",
        [target, TOKEN],
    )
    assert outcome == ["opaque", "blocked"]
    assert live.statuses(answered=1) == [
        ("/api/events/g1-e1/review", 403),  # the server refused it (cross_site)
        ("/api/events/g1-e1/review", None),  # the browser never sent it
    ]
    assert live.log() == []


def test_web_review_live_hostile_text_stays_text(live: Live) -> None:
    page = live.page
    note = "<script>window.__pwned = 3</script>"
    by = '<img src=x onerror="window.__pwned = 4">'
    open_event(page, "g2-e1")
    page.fill("#review-note", note)
    page.fill("#review-by", by)
    page.dispatch_event("#review-by", "change")
    page.click("#review-accept")
    page.wait_for_selector("#review-history li", timeout=LIVE_WAIT_MS)
    reload(page)
    open_event(page, "g2-e1")
    page.wait_for_selector("#review-history li", timeout=LIVE_WAIT_MS)
    history = page.inner_text("#review-history")
    assert note in history and by in history
    page.wait_for_timeout(300)
    assert live.session.dialogs == []
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#panel img, #panel script").count() == 0
    assert live.log("g2-e1") == [("accept", by, note)]


# ---------------------------------------------------------------- corrections


def test_web_review_live_correct_every_field(live: Live) -> None:
    page = live.page
    open_event(page, "g1-e1")
    page.click("#review-edit")
    page.select_option("#fix-acled-sub", "Government regains territory")
    page.select_option("#fix-plover-type", "COERCE")
    page.select_option("#fix-plover-mode", "seize")
    page.fill("#fix-actor1", "Military Forces of the DRC")
    page.fill("#fix-actor2", "M23")
    page.fill("#fix-date-start", "2024-05-05")
    page.select_option("#fix-modality", "reported")
    page.select_option("#fix-status", "completed")
    page.fill("#fix-quantities .fix-quantity-count", "5")
    page.click("#fix-quantity-add")
    page.locator("#fix-quantities .fix-quantity-kind").last.select_option("injured")
    page.locator("#fix-quantities .fix-quantity-count").last.fill("2")
    page.click("#fix-save")
    page.wait_for_selector("#review-current .status-corrected", timeout=LIVE_WAIT_MS)
    assert live.statuses() == [("/api/events/g1-e1/review", 200)]
    event = live.get("api/events/g1-e1")["event"]
    assert event["review"]["status"] == "corrected"
    assert event["review"]["fields"] == sorted(live.body_of("/api/events/g1-e1/review")["changes"])
    assert event["acled"] == {
        "event_type": "Battles",
        "sub_event_type": "Government regains territory",
    }
    assert (event["plover"]["type"], event["plover"]["mode"]) == ("COERCE", "seize")
    assert (event["actor1"]["name"], event["actor2"]["name"]) == (
        "Military Forces of the DRC",
        "M23",
    )
    assert (event["date"]["start"], event["date"]["end"]) == ("2024-05-05", "2024-05-06")
    assert [(q["kind"], q["count"]) for q in event["quantities"]] == [
        ("killed", 5),
        ("injured", 2),
    ]
    assert (event["modality"], event["status"]) == ("reported", "completed")
    fields = page.inner_text("#event-fields")
    assert "Actor 1\nMilitary Forces of the DRC" in fields
    assert "Date\n2024-05-05 – 2024-05-06" in fields


def test_web_review_live_reviews_survive_reingest_and_export(live: Live, tmp_path: Path) -> None:
    """Reject one event and move another's place in the page; ingest the same documents again
    (as ``frontwatch ingest`` would, while the server runs); both reviews hold in the page, the
    API's exports, and ``frontwatch review export``."""
    page = live.page
    before = visible(page)
    open_event(page, "o1-e1")
    page.click("#review-reject")
    wait_visible(page, before - 1)
    page.click("#panel-event .back")
    open_event(page, "d1-e1")
    page.click("#review-edit")
    page.fill("#fix-place", "Sak")
    page.click(".suggestion[data-geonameid='7003']")
    page.click("#fix-save")
    wait_for(page, "() => frontwatch.state.byId.get('d1-e1').lat === -1.57358")
    assert live.statuses() == [
        ("/api/events/o1-e1/review", 200),
        ("/api/events/d1-e1/review", 200),
    ]
    backend = live.served.server.config.app.state.backend
    index = backend.index
    with Store.open(live.db, clusterer=cluster_events) as store:
        stats = store.ingest(REVIEW_PAIRS, force=True)  # every document replaced
    assert stats.replaced == len(REVIEW_PAIRS)
    wait_until(lambda: backend.index is not index)  # the server saw the new rows
    reload(page)
    assert page.evaluate("frontwatch.state.byId.has('o1-e1')") is False
    assert page.evaluate(
        "[frontwatch.state.byId.get('d1-e1').lat, frontwatch.state.byId.get('d1-e1').lon]"
    ) == [-1.57358, 29.04483]
    listed = {e["id"]: e for e in live.get("api/events?include_rejected=true")["items"]}
    assert (listed["o1-e1"]["review"]["status"], listed["d1-e1"]["review"]["status"]) == (
        "rejected",
        "corrected",
    )
    assert "o1-e1" not in {e["id"] for e in live.get("api/events")["items"]}
    geojson = live.get("api/export?format=geojson")
    features = {f["properties"]["id"]: f for f in geojson["features"]}
    assert "o1-e1" not in features
    assert features["d1-e1"]["geometry"]["coordinates"] == [29.04483, -1.57358]
    assert features["d1-e1"]["properties"]["reviewed"] == "corrected"
    out = tmp_path / "reviews.jsonl"
    result = CliRunner().invoke(cli, ["review", "export", "--db", str(live.db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    examples = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert sorted(examples) == ["review-d1-e1", "review-o1-e1"]
    assert examples["review-o1-e1"]["label"] == "NONE"
    assert examples["review-d1-e1"]["country"] == "CD"


# ---------------------------------------------------------------- merge, split, queue


def test_web_review_live_merge_and_split(live: Live) -> None:
    page = live.page
    assert [m["event_id"] for m in live.get("api/events/w1-e1")["cluster"]["reports"]] == [
        "g1-e1",
        "w1-e1",
    ]
    open_event(page, "g2-e1")
    page.click("#review-merge")
    page.check(".merge-choice[value='g3-e1']")
    page.click("#merge-save")
    wait_for(page, "() => document.getElementById('status').textContent.includes('saved')")
    page.click("#panel-event .back")
    open_event(page, "w1-e1")
    page.wait_for_selector("#review-split")
    page.click("#review-split")
    wait_for(page, "() => document.getElementById('status').textContent.includes('saved')")
    assert live.statuses() == [("/api/review/merge", 200), ("/api/review/split", 200)]

    def reports(event_id: str) -> list[str]:
        cluster = live.get(f"api/events/{event_id}")["cluster"]
        return [] if cluster is None else [m["event_id"] for m in cluster["reports"]]

    wait_until(lambda: reports("g2-e1") == ["g2-e1", "g3-e1"] and len(reports("w1-e1")) < 2)
    assert [a for a, _, _ in live.log()] == ["merge", "split"]


def test_web_review_live_queue_keyboard(live: Live) -> None:
    page = live.page
    page.click("#tab-queue")
    page.wait_for_selector(".queue-item")
    assert queue_ids(page) == [
        "n1-e1",
        "g1-e1",
        "o1-e1",
        "d1-e1",
        "g3-e1",
        "w1-e1",
        "g2-e1",
        "k1-e1",
        "m1-e1",
    ]
    page.keyboard.press("a")
    page.wait_for_selector(".queue-item.reviewed[data-event-id='n1-e1'] .status-accepted")
    page.keyboard.press("r")
    page.wait_for_selector(".queue-item.reviewed[data-event-id='g1-e1'] .status-rejected")
    assert [a for a, _, _ in live.log()] == ["accept", "reject"]
    page.click("#tab-queue")  # reloads the queue: reviewed events leave it
    wait_for(page, "() => !document.querySelector(\".queue-item[data-event-id='n1-e1']\")")
    assert queue_ids(page)[:2] == ["o1-e1", "d1-e1"]
    assert live.get("api/review/queue")["total"] == 7
