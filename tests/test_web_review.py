"""Browser tests of the review UI: the token taken from the address, accept / reject / correct
(every field; the place typed or clicked on the map), merge and split, the review queue with
its keyboard, reviewed markers and rows, review history, hostile text, and no review controls
on a read-only server.

The review routes of the API (docs/api.md, "Review") are answered by :class:`FakeReviews`
through Playwright's request interception, over the real app of test_web_map (its events and
gazetteer slice): the fake keeps reviews in memory, applies them to the real server's answers
(rejected events dropped from listings unless ``include_rejected=true``, corrections applied),
checks the bearer token and the JSON content type, and records every write.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from frontwatch.records import Document, DocumentResult
from test_web_map import (
    PAIRS,
    Served,
    Session,
    browser,  # noqa: F401  (the module's browser fixture)
    build,
    open_page,
    serve,
    shot,
    visible,
    wait_for,
    wait_visible,
)
from test_web_map import SPECS as MAP_SPECS

TOKEN = "review-token-0123456789abcdef"

# a second outlet's report of the clash in Goma: the store clusters it with g1
WIRE = build(
    replace(
        MAP_SPECS[0],
        doc_id="w1",
        text="Troops of the government clashed with rebels in Goma on Monday, killing four "
        "fighters, a wire service reported.",
        actor1=("Troops of the government", "state_forces"),
        outlet="Wire Service",
        confidence=0.75,
    )
)
REVIEW_PAIRS: list[tuple[Document, DocumentResult]] = [*PAIRS, WIRE]


# ---------------------------------------------------------------- the fake review API


def _now() -> str:
    return dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC).isoformat()


@dataclass
class FakeReviews:
    """The review contract of the API, in memory, over the real server's answers."""

    enabled: bool = True
    token: str = TOKEN
    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    writes: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)

    def install(self, page: Any) -> None:
        page.route("**/api/**", self.handle)

    # -- reads ---------------------------------------------------------------------------

    def handle(self, route: Any, request: Any) -> None:
        url = urlsplit(request.url)
        path = url.path
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if request.method == "POST":
            self.post(route, request, path)
        elif path == "/api/health":
            body = route.fetch().json()
            route.fulfill(json={**body, "review": self.enabled})
        elif path == "/api/events":
            body = route.fetch().json()
            keep = query.get("include_rejected") == "true"
            items = [self.summary(i) for i in body["items"]]
            items = [i for i in items if keep or not self.rejected(i["id"])]
            route.fulfill(json={**body, "items": items, "total": len(items)})
        elif match := re.fullmatch(r"/api/events/([^/]+)/reviews", path):
            route.fulfill(json={"reviews": self.history.get(match[1], [])})
        elif re.fullmatch(r"/api/events/[^/]+", path):
            response = route.fetch()
            body = response.json()
            if response.status == 200:
                body["event"] = self.event(body["event"])
            route.fulfill(status=response.status, json=body)
        elif path == "/api/review/queue":
            base = request.url.split("/api/")[0]
            items = route.fetch(url=f"{base}/api/events?limit=500").json()["items"]
            waiting = sorted(
                (self.summary(i) for i in items if i["id"] not in self.reviews),
                key=lambda i: (i["confidence"], i["id"]),
            )
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 50))
            route.fulfill(json={"total": len(waiting), "events": waiting[offset : offset + limit]})
        else:
            route.continue_()

    def rejected(self, event_id: str) -> bool:
        return self.reviews.get(event_id, {}).get("status") == "rejected"

    def summary(self, item: dict[str, Any]) -> dict[str, Any]:
        out = dict(item)
        fix = self.changes.get(item["id"], {})
        if fix.get("location"):
            loc = fix["location"]
            out.update(
                place=loc["name"],
                lat=loc["lat"],
                lon=loc["lon"],
                country=loc["country"],
                geonameid=loc["geonameid"],
                geo_precision=loc["precision"],
                approximate=(loc["precision"] or 1) > 1,
            )
        names = {
            "acled.event_type": "event_type",
            "acled.sub_event_type": "sub_event_type",
            "actor1.name": "actor1",
            "actor2.name": "actor2",
            "date.start": "date_start",
            "date.end": "date_end",
            "modality": "modality",
            "status": "status",
        }
        for key, name in names.items():
            if key in fix:
                out[name] = fix[key]
        out["review"] = self.reviews.get(item["id"])
        return out

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        out = json.loads(json.dumps(event))
        for key, value in self.changes.get(event["id"], {}).items():
            if key == "location":
                out["location"] = {**(out.get("location") or {}), **value}
            elif key == "quantities":
                out["quantities"] = value
            elif "." in key:
                head, tail = key.split(".")
                out[head] = {**(out.get(head) or {"text": "", "span": [0, 0]}), tail: value}
            else:
                out[key] = value
        out["review"] = self.reviews.get(event["id"])
        return out

    # -- writes ---------------------------------------------------------------------------

    def post(self, route: Any, request: Any, path: str) -> None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        body = json.loads(request.post_data or "null")
        self.writes.append((path, headers, body))
        if not self.enabled:
            route.fulfill(status=403, json={"error": {"code": "review_disabled", "message": ""}})
            return
        if headers.get("authorization") != f"Bearer {self.token}":
            route.fulfill(
                status=401, json={"error": {"code": "unauthorized", "message": "a token"}}
            )
            return
        if headers.get("content-type") != "application/json":
            route.fulfill(status=415, json={"error": {"code": "unsupported", "message": ""}})
            return
        match = re.fullmatch(r"/api/events/([^/]+)/review", path)
        if match is None:  # merge, split
            route.fulfill(json={"ok": True})
            return
        event_id = match[1]
        action = body["action"]
        status = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}[action]
        fix = body.get("changes") or {}
        before = {k: self.changes.get(event_id, {}).get(k) for k in fix}
        self.changes.setdefault(event_id, {}).update(fix)
        self.reviews[event_id] = {
            "status": status,
            "at": _now(),
            "by": body.get("by"),
            "note": body.get("note"),
            "fields": sorted(fix),
        }
        self.history.setdefault(event_id, []).append(
            {
                "id": len(self.history.get(event_id, [])) + 1,
                "at": _now(),
                "by": body.get("by"),
                "action": action,
                "before": before,
                "after": fix,
                "note": body.get("note"),
            }
        )
        base = request.url.split("/api/")[0]
        detail = route.fetch(url=f"{base}/api/events/{event_id}", method="GET").json()
        route.fulfill(json=self.event(detail["event"]))


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = serve(tmp_path_factory.mktemp("review"), REVIEW_PAIRS)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Review:
    session: Session
    fake: FakeReviews

    @property
    def page(self) -> Any:
        return self.session.page


@pytest.fixture
def review(browser: Any, served: Served) -> Iterator[Review]:  # noqa: F811
    fake = FakeReviews()
    context, session = open_page(browser, served.url + f"#token={TOKEN}", routes=fake.install)
    try:
        yield Review(session, fake)
    finally:
        context.unroute_all(behavior="ignoreErrors")
        context.close()


def open_event(page: Any, event_id: str) -> None:
    page.click(f"#panel-summary .event-link[data-event-id='{event_id}']")
    page.wait_for_selector("#article mark")  # within the page's default time-out


def body_of(fake: FakeReviews, path: str) -> Any:
    bodies = [body for p, _, body in fake.writes if p == path]
    assert bodies, f"no POST to {path}"
    return bodies[-1]


# ---------------------------------------------------------------- read-only


def test_web_review_absent_on_read_only_server(browser: Any, served: Served) -> None:  # noqa: F811
    context, session = open_page(browser, served.url)  # the real health: no "review"
    page = session.page
    try:
        assert page.is_hidden("#tab-queue")
        assert page.is_hidden("#f-rejected-label")
        open_event(page, "g1-e1")
        assert page.locator("#review, #review-accept, #key-help").count() == 0
        page.keyboard.press("a")
        page.keyboard.press("r")
        assert page.locator("#review").count() == 0
    finally:
        context.unroute_all(behavior="ignoreErrors")
        context.close()


def test_web_review_absent_when_health_says_false(browser: Any, served: Served) -> None:  # noqa: F811
    fake = FakeReviews(enabled=False)
    context, session = open_page(browser, served.url + f"#token={TOKEN}", routes=fake.install)
    page = session.page
    try:
        assert page.is_hidden("#tab-queue")
        open_event(page, "g1-e1")
        assert page.locator("#review").count() == 0
        page.keyboard.press("a")
        page.wait_for_timeout(200)
        assert fake.writes == []
    finally:
        context.unroute_all(behavior="ignoreErrors")
        context.close()


# ---------------------------------------------------------------- token


def test_web_review_token_leaves_the_address(review: Review, served: Served) -> None:
    page = review.page
    assert page.evaluate("window.location.hash") == ""
    assert TOKEN not in page.url
    assert page.evaluate("sessionStorage.getItem('frontwatch.review-token')") == TOKEN
    page.reload()
    page.wait_for_selector("body[data-ready='true']", timeout=20000)
    open_event(page, "g3-e1")
    page.click("#review-accept")
    wait_for(page, "() => (frontwatch.state.byId.get('g3-e1').review || {}).status === 'accepted'")
    path, headers, body = review.fake.writes[-1]
    assert path == "/api/events/g3-e1/review"
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["content-type"] == "application/json"
    assert body == {"action": "accept", "note": None, "by": None}


def test_web_review_refused_without_token(browser: Any, served: Served) -> None:  # noqa: F811
    fake = FakeReviews()
    context, session = open_page(browser, served.url, routes=fake.install)
    page = session.page
    try:
        page.click("#tab-queue")
        page.wait_for_selector("#no-token")
        page.click("#tab-events")
        open_event(page, "g1-e1")
        page.click("#review-accept")
        page.wait_for_selector("#review-message.error")
        assert page.inner_text("#review-message").startswith("Refused (unauthorized)")
        assert "authorization" not in fake.writes[-1][1]
        assert fake.reviews == {}
    finally:
        context.unroute_all(behavior="ignoreErrors")
        context.close()


# ---------------------------------------------------------------- accept, reject


def test_web_review_accept_marks_the_event(review: Review) -> None:
    page = review.page
    open_event(page, "k1-e1")
    page.fill("#review-note", "checked with a second outlet")
    page.fill("#review-by", "analyst 1")
    page.dispatch_event("#review-by", "change")
    page.click("#review-accept")
    page.wait_for_selector("#review-current .review-badge.status-accepted", timeout=8000)
    assert "null" not in page.inner_text("#review")
    assert body_of(review.fake, "/api/events/k1-e1/review") == {
        "action": "accept",
        "note": "checked with a second outlet",
        "by": "analyst 1",
    }
    assert page.inner_text(".event-head .review-badge") == "✓ accepted"
    page.wait_for_selector("path.fw-area.reviewed[data-event-ids='k1-e1']", state="attached")
    page.click("#panel-event .back")
    assert page.inner_text("#panel-summary .event-link[data-event-id='k1-e1'] .review-badge") == (
        "✓ accepted"
    )
    open_event(page, "k1-e1")
    page.wait_for_selector("#review-history li")
    assert "accept by analyst 1" in page.inner_text("#review-history")
    assert "checked with a second outlet" in page.inner_text("#review-history")


def test_web_review_rejected_event_leaves_the_map(review: Review) -> None:
    page = review.page
    before = visible(page)
    open_event(page, "o1-e1")
    page.click("#review-reject")
    wait_visible(page, before - 1)
    assert page.evaluate("frontwatch.state.byId.has('o1-e1')") is False
    assert page.locator("#panel-summary .event-link[data-event-id='o1-e1']").count() == 0
    page.reload()  # kept by the server
    page.wait_for_selector("body[data-ready='true']", timeout=20000)
    assert page.evaluate("frontwatch.state.byId.has('o1-e1')") is False
    page.check("#f-rejected")
    wait_visible(page, before)
    row = "#panel-summary .event-link[data-event-id='o1-e1'] .review-badge"
    assert page.inner_text(row) == "✗ rejected"


# ---------------------------------------------------------------- corrections


def test_web_review_corrected_place_moves_the_marker(review: Review) -> None:
    page = review.page
    open_event(page, "d1-e1")
    before = page.evaluate("frontwatch.state.byId.get('d1-e1').lat")
    page.click("#review-edit")
    page.fill("#fix-place", "Sak")
    page.click(".suggestion[data-geonameid='7003']")
    assert page.inner_text("#fix-place-current") == (
        "Sake · Democratic Republic of the Congo · -1.57358, 29.04483"
    )
    page.click("#fix-save")
    wait_for(page, "() => frontwatch.state.byId.get('d1-e1').lat !== -1.19")
    assert body_of(review.fake, "/api/events/d1-e1/review") == {
        "action": "correct",
        "note": None,
        "by": None,
        "changes": {
            "location": {
                "name": "Sake",
                "country": "CD",
                "geonameid": 7003,
                "lat": -1.57358,
                "lon": 29.04483,
                "precision": 1,
            }
        },
    }
    assert before == -1.19
    moved = page.evaluate(
        "[frontwatch.state.byId.get('d1-e1').lat, frontwatch.state.byId.get('d1-e1').lon]"
    )
    assert moved == [-1.57358, 29.04483]
    page.wait_for_selector("#review-current .status-corrected")
    assert page.inner_text("[data-field='location'] dd") == (
        "Sake, Democratic Republic of the Congo"
    )


def test_web_review_place_picked_on_the_map(review: Review) -> None:
    page = review.page
    open_event(page, "m1-e1")
    page.click("#review-edit")
    page.evaluate("void frontwatch.map.setView([-1.2, 28.6], 9, {animate: false})")
    page.click("#fix-place-pick")
    point = page.evaluate(
        "(() => { const p = frontwatch.map.latLngToContainerPoint([-1.01, 28.5]);"
        " const r = document.getElementById('map').getBoundingClientRect();"
        " return [r.left + p.x, r.top + p.y]; })()"
    )
    page.mouse.click(point[0], point[1])
    wait_for(
        page,
        "() => document.getElementById('fix-place-current').textContent.startsWith('Kitshanga')",
    )
    page.select_option("#fix-place-precision", "2")
    page.click("#fix-save")
    wait_for(page, "() => frontwatch.state.byId.get('m1-e1').place === 'Kitshanga'")
    location = body_of(review.fake, "/api/events/m1-e1/review")["changes"]["location"]
    assert (location["name"], location["geonameid"], location["precision"]) == (
        "Kitshanga",
        7004,
        2,
    )
    # 47 km from Kitshanga: the point itself (within a pixel), not the town's centre
    assert abs(location["lat"] + 1.01) < 0.01 and abs(location["lon"] - 28.5) < 0.01


def test_web_review_correct_every_field(review: Review) -> None:
    page = review.page
    open_event(page, "g1-e1")
    page.click("#review-edit")
    page.select_option("#fix-acled-sub", "Government regains territory")
    page.select_option("#fix-plover-type", "COERCE")
    page.select_option("#fix-plover-mode", "seize")
    page.fill("#fix-actor1", "Military Forces of the DRC")
    page.fill("#fix-actor2", "M23")
    page.fill("#fix-date-start", "2024-05-05")
    page.fill("#fix-date-end", "2024-05-06")
    page.select_option("#fix-modality", "reported")
    page.select_option("#fix-status", "completed")
    page.fill("#fix-quantities .fix-quantity-count", "5")
    page.click("#fix-quantity-add")
    page.locator("#fix-quantities .fix-quantity-kind").last.select_option("injured")
    page.locator("#fix-quantities .fix-quantity-count").last.fill("2")
    page.fill("#review-note", "the army retook the town")
    page.click("#fix-save")
    page.wait_for_selector("#review-current .status-corrected", timeout=8000)
    body = body_of(review.fake, "/api/events/g1-e1/review")
    killed = EVENTS_BY_ID["g1-e1"].quantities[0].model_dump(mode="json")
    assert body == {
        "action": "correct",
        "note": "the army retook the town",
        "by": None,
        "changes": {
            "acled.sub_event_type": "Government regains territory",
            "plover.type": "COERCE",
            "plover.mode": "seize",
            "actor1.name": "Military Forces of the DRC",
            "actor2.name": "M23",
            "date.start": "2024-05-05",  # the end is unchanged: not sent
            "quantities": [{**killed, "count": 5}, {"kind": "injured", "count": 2}],
            "modality": "reported",
            "status": "completed",
        },
    }
    fields = page.inner_text("#event-fields")
    assert "Actor 1\nMilitary Forces of the DRC" in fields
    assert "Date\n2024-05-05 – 2024-05-06" in fields
    assert page.inner_text(".event-head .subtype") == "Government regains territory"


def test_web_review_nothing_changed_is_not_sent(review: Review) -> None:
    page = review.page
    open_event(page, "g2-e1")
    page.click("#review-edit")
    page.click("#fix-save")
    page.wait_for_selector("#review-message.error")
    assert page.inner_text("#review-message") == "Nothing changed."
    assert review.fake.writes == []


# ---------------------------------------------------------------- merge, split


def test_web_review_merge(review: Review) -> None:
    page = review.page
    open_event(page, "g2-e1")
    page.click("#review-merge")
    choices = page.eval_on_selector_all(".merge-choice", "(els) => els.map((e) => e.value)")
    assert sorted(choices) == ["g1-e1", "g3-e1", "w1-e1"]
    page.check(".merge-choice[value='g3-e1']")
    page.fill("#review-note", "the same attack")
    page.click("#merge-save")
    wait_for(page, "() => document.getElementById('status').textContent.includes('saved')")
    assert body_of(review.fake, "/api/review/merge") == {
        "events": ["g2-e1", "g3-e1"],
        "note": "the same attack",
        "by": None,
    }


def test_web_review_split(review: Review) -> None:
    page = review.page
    open_event(page, "w1-e1")
    page.wait_for_selector("#review-split")
    page.click("#review-split")
    wait_for(page, "() => document.getElementById('status').textContent.includes('saved')")
    assert body_of(review.fake, "/api/review/split") == {
        "event": "w1-e1",
        "note": None,
        "by": None,
    }


# ---------------------------------------------------------------- the queue


def queue_ids(page: Any) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        ".queue-item", "(els) => els.map((e) => e.dataset.eventId)"
    )
    return ids


def focused(page: Any) -> str:
    return str(page.get_attribute(".queue-item.focused", "data-event-id"))


def test_web_review_queue_keyboard(review: Review, tmp_path: Any) -> None:
    page = review.page
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
    assert page.eval_on_selector_all(
        "#key-help > span", "(els) => els.map((e) => e.textContent)"
    ) == [
        "j↓ next",
        "k↑ previous",
        "a accept",
        "r reject",
        "e correct",
        "Enter open",
    ]
    assert focused(page) == "n1-e1"
    assert "null" not in page.inner_text("#panel-queue")
    outline = page.evaluate(
        "getComputedStyle(document.querySelector('.queue-item.focused')).outlineStyle"
    )
    assert outline == "solid"
    page.keyboard.press("j")
    assert focused(page) == "g1-e1"
    page.keyboard.press("ArrowDown")
    assert focused(page) == "o1-e1"
    page.keyboard.press("k")
    assert focused(page) == "g1-e1"
    page.keyboard.press("a")
    page.wait_for_selector(".queue-item.reviewed[data-event-id='g1-e1'] .status-accepted")
    assert focused(page) == "o1-e1"
    assert body_of(review.fake, "/api/events/g1-e1/review")["action"] == "accept"
    page.keyboard.press("r")
    page.wait_for_selector(".queue-item.reviewed[data-event-id='o1-e1'] .status-rejected")
    assert focused(page) == "d1-e1"
    page.screenshot(path=str(tmp_path / "queue.png"))
    page.keyboard.press("e")
    page.wait_for_selector("#fix-form", timeout=8000)
    assert page.get_attribute("#panel-event", "data-event-id") == "d1-e1"
    page.click("#panel-event .back")
    page.wait_for_selector("#panel-queue:not([hidden])")
    page.keyboard.press("Enter")
    page.wait_for_selector("#article mark", timeout=8000)


def test_web_review_queue_rows_are_marked_after_reload(review: Review) -> None:
    page = review.page
    page.click("#tab-queue")
    page.wait_for_selector(".queue-item")
    page.keyboard.press("a")
    page.wait_for_selector(".queue-item.reviewed[data-event-id='n1-e1']")
    page.click("#tab-queue")  # reloads the queue: reviewed events leave it
    wait_for(page, "() => !document.querySelector(\".queue-item[data-event-id='n1-e1']\")")
    assert queue_ids(page)[0] == "g1-e1"


# ---------------------------------------------------------------- hostile text


def test_web_review_hostile_review_text_stays_text(review: Review) -> None:
    page = review.page
    note = "<script>window.__pwned = 3</script>"
    by = '<img src=x onerror="window.__pwned = 4">'
    open_event(page, "g2-e1")
    page.fill("#review-note", note)
    page.fill("#review-by", by)
    page.dispatch_event("#review-by", "change")
    page.click("#review-accept")
    page.wait_for_selector("#review-history li", timeout=8000)
    history = page.inner_text("#review-history")
    assert note in history and by in history
    assert page.get_attribute(".event-head .review-badge", "title") == (
        f"{by} · 2024-06-01T12:00:00+00:00 · {note}"
    )
    page.wait_for_timeout(300)
    assert review.session.dialogs == []
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#panel img, #panel script").count() == 0
    assert review.session.errors == []


EVENTS_BY_ID = {event.id: event for _, result in REVIEW_PAIRS for event in result.events}


# ---------------------------------------------------------------- screenshots for docs/


@pytest.fixture(scope="module")
def docs_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    options: dict[str, Any] = {}
    if os.environ.get("FRONTWATCH_SCREENSHOTS"):
        options["gazetteer_path"] = None  # the real gazetteer: a readable map
    server = serve(tmp_path_factory.mktemp("review-docs"), REVIEW_PAIRS, **options)
    try:
        yield server
    finally:
        server.stop()


def test_web_review_screenshots(browser: Any, docs_served: Served, tmp_path: Path) -> None:  # noqa: F811
    fake = FakeReviews()
    context, session = open_page(browser, docs_served.url + f"#token={TOKEN}", routes=fake.install)
    page = session.page
    try:
        page.evaluate("void frontwatch.map.setView([-1.45, 29.0], 9, {animate: false})")
        page.click("#tab-queue")
        page.wait_for_selector(".queue-item")
        page.keyboard.press("a")
        page.wait_for_selector(".queue-item.reviewed[data-event-id='n1-e1']")
        page.keyboard.press("r")
        page.wait_for_selector(".queue-item.reviewed[data-event-id='g1-e1']")
        page.wait_for_timeout(500)
        shot(page, tmp_path, "review-queue.png")
        page.keyboard.press("j")
        page.keyboard.press("e")
        page.wait_for_selector("#fix-form", timeout=8000)
        page.fill("#fix-place", "Rutsh")
        page.wait_for_selector(".suggestion")
        page.fill("#review-note", "the report names the market of Rutshuru")
        page.locator("#fix-place").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        shot(page, tmp_path, "review-form.png")
        assert session.errors == []
    finally:
        context.unroute_all(behavior="ignoreErrors")
        context.close()
