"""Browser tests of the web map (src/frontwatch/web/static) in real headless Chromium.

The real app (:func:`frontwatch.api.app.create_app`, uvicorn on a free loopback port) serves the
page and the API over a store of six hand-written events, one of them in an article full of
``<script>`` and ``onerror=`` markup. Chromium is Debian's ``/usr/bin/chromium`` driven by
Playwright (never ``playwright install``). Without it the tests skip, except under ``CI=true``
where they fail, so CI never skips them silently.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from frontwatch.api.app import create_app
from frontwatch.records import (
    Acled,
    Actor,
    Attribution,
    Document,
    DocumentResult,
    Event,
    EventDate,
    Location,
    Plover,
    Quantity,
    TextSpan,
)
from frontwatch.settings import load_settings
from frontwatch.situation import cluster_events
from frontwatch.store import Store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_browser() -> Any:
    """The Playwright module, or a skip (a failure under CI=true) with the reason."""
    reason = None
    sync_api: Any = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is absent (apt-get install -y chromium)"
    try:
        from playwright import sync_api
    except ImportError:
        reason = "the playwright package is not installed (pip install playwright)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    return sync_api


# ---------------------------------------------------------------- hand-written data


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return (start, start + len(phrase))


def _piece(text: str, phrase: str) -> TextSpan:
    return TextSpan(text=phrase, span=_span(text, phrase))


@dataclass(frozen=True)
class Spec:
    """One hand-written event: the phrases of its fields in its document."""

    doc_id: str
    published: str
    text: str
    trigger: str
    evidence: str
    acled: tuple[str, str]
    plover: str
    category: str
    place: tuple[str, float, float, str]
    date: str
    actor1: str | None = None
    actor2: str | None = None
    quantity: tuple[str, str, float] | None = None
    attribution: str | None = None
    actor1_type: str | None = None


HOSTILE = (
    "Protesters gathered in Lima on Monday to demand new elections. "
    '<script>window.__pwned = 1; alert("script ran")</script> '
    'One banner read <img src=x onerror="window.__pwned = 2; alert(2)"> in large letters, '
    "and the crowd later marched to the ministry."
)

SPECS = [
    Spec(
        "d1",
        "2024-03-02",
        "Artillery units of the Northern Army shelled the village of Kupiansk on Saturday, "
        "killing three civilians, the regional governor said. Repairs began a day later.",
        "shelled",
        "Artillery units of the Northern Army shelled the village of Kupiansk on Saturday, "
        "killing three civilians, the regional governor said.",
        ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        "ATTACK",
        "political_violence",
        ("Kupiansk", 49.71, 37.61, "UA"),
        "on Saturday",
        actor1="the Northern Army",
        actor2="three civilians",
        quantity=("killed", "three civilians", 3),
        attribution="the regional governor said",
    ),
    Spec(
        "d2",
        "2024-03-05",
        "Hundreds of teachers protested in Khartoum on Tuesday over salaries that have not "
        "been paid since January.",
        "protested",
        "Hundreds of teachers protested in Khartoum on Tuesday over salaries that have not "
        "been paid since January.",
        ("Protests", "Peaceful protest"),
        "PROTEST",
        "protest",
        ("Khartoum", 15.5, 32.56, "SD"),
        "on Tuesday",
        actor1="Hundreds of teachers",
    ),
    Spec(
        "d3",
        "2024-03-09",
        "Government troops clashed with rebels near Goma on Friday. At least 12 fighters "
        "were killed, according to a local aid group.",
        "clashed",
        "Government troops clashed with rebels near Goma on Friday.",
        ("Battles", "Armed clash"),
        "FIGHT",
        "political_violence",
        ("Goma", -1.68, 29.22, "CD"),
        "on Friday",
        actor1="Government troops",
        actor2="rebels",
    ),
    Spec(
        "d4",
        "2024-03-14",
        "\U0001f6a8 A drone strike hit a market in Aleppo on Thursday, wounding seven people.",
        "drone strike",
        "\U0001f6a8 A drone strike hit a market in Aleppo on Thursday, wounding seven people.",
        ("Explosions/Remote violence", "Air/drone strike"),
        "ATTACK",
        "political_violence",
        ("Aleppo", 36.2, 37.16, "SY"),
        "on Thursday",
        quantity=("injured", "seven people", 7),
    ),
    Spec(
        "d5",
        "2024-03-18",
        HOSTILE,
        "gathered",
        "Protesters gathered in Lima on Monday to demand new elections.",
        ("Protests", "Peaceful protest"),
        "PROTEST",
        "protest",
        ("Lima", -12.05, -77.04, "PE"),
        "on Monday",
        actor1="Protesters",
    ),
    Spec(
        "d6",
        "2024-03-20",
        "Rebel forces seized the town of Mweso on Wednesday, residents said.",
        "seized",
        "Rebel forces seized the town of Mweso on Wednesday, residents said.",
        ("Strategic developments", "Non-state actor overtakes territory"),
        "SEIZE",
        "strategic",
        ("Mweso", -1.15, 28.98, "CD"),
        "on Wednesday",
        actor1="Rebel forces",
        actor1_type="rebel_group",
    ),
]


def _build(spec: Spec) -> tuple[Document, DocumentResult]:
    text = spec.text
    day = dt.date.fromisoformat(spec.published)
    name, lat, lon, country = spec.place
    quantities = []
    if spec.quantity:
        kind, phrase, count = spec.quantity
        quantities.append(Quantity(kind=kind, count=count, text=phrase, span=_span(text, phrase)))
    attribution = None
    if spec.attribution:
        attribution = Attribution(
            source="regional governor", text=spec.attribution, span=_span(text, spec.attribution)
        )
    trigger = _piece(text, spec.trigger)
    evidence = _piece(text, spec.evidence)

    def actor(phrase: str | None, kind: str | None = None) -> Actor | None:
        return Actor(text=phrase, span=_span(text, phrase), type=kind) if phrase else None

    event = Event(
        id=f"{spec.doc_id}-e1",
        doc_id=spec.doc_id,
        plover=Plover(type=spec.plover),
        acled=Acled(event_type=spec.acled[0], sub_event_type=spec.acled[1]),
        category=spec.category,
        actor1=actor(spec.actor1, spec.actor1_type),
        actor2=actor(spec.actor2),
        location=Location(
            text=name,
            span=_span(text, name),
            name=name,
            lat=lat,
            lon=lon,
            country=country,
            feature="PPL",
            precision=1,
        ),
        date=EventDate(
            text=spec.date, span=_span(text, spec.date), start=day, end=day, precision="day"
        ),
        quantities=quantities,
        modality="asserted",
        attribution=attribution,
        trigger=trigger,
        evidence=evidence,
        mentions=[],
        confidence=0.9,
        extractor_version="test",
    )
    document = Document(
        id=spec.doc_id, text=text, published=day, title=f"Report {spec.doc_id}", outlet="Test Wire"
    )
    return document, DocumentResult(doc_id=spec.doc_id, events=[event])


PAIRS = [_build(spec) for spec in SPECS]
EVENTS = {event.id: event for _, result in PAIRS for event in result.events}
DOCUMENTS = {document.id: document for document, _ in PAIRS}
# ---------------------------------------------------------------- the real app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API app and the web UI over a store of the hand-written events, on loopback."""
    path = tmp_path_factory.mktemp("web") / "events.duckdb"
    with Store.open(path, clusterer=cluster_events) as store:
        store.ingest(PAIRS)
    app = create_app(path, settings=load_settings(), drain_interval=None)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the API server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = _require_browser()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Session:
    page: Any
    dialogs: list[str]
    errors: list[str]


@pytest.fixture
def session(browser: Any, base_url: str) -> Iterator[Session]:
    # Playwright's wait_for_function evaluates its predicate with eval, which the page's policy
    # refuses; the policy itself is checked by the *_under_the_content_security_policy tests
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(5000)
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url)
    page.wait_for_selector("body[data-ready='true']", timeout=15000)
    try:
        yield Session(page, dialogs, errors)
    finally:
        context.close()


def _visible(page: Any) -> int:
    return int(page.get_attribute("#map", "data-visible-events"))


def _open(page: Any, event_id: str) -> None:
    page.click(f"path.fw-marker[data-event-id='{event_id}']")
    page.wait_for_selector("#article mark", timeout=10000)


# ---------------------------------------------------------------- tests


def test_web_browser_pages_through_events(browser: Any, base_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(base_url + "?page_size=2")
        page.wait_for_selector("body[data-ready='true']", timeout=15000)
        assert _visible(page) == 6
    finally:
        page.close()


def test_web_browser_draws_markers(session: Session, tmp_path: Path) -> None:
    page = session.page
    assert _visible(page) == 6
    assert page.locator("path.fw-marker").count() + page.locator(".fw-cluster").count() >= 5
    assert "6 events on the map" in page.inner_text("#status")
    assert page.locator("#legend .legend-row").count() >= 7
    assert page.locator("#chart-events rect").count() == 6
    page.screenshot(path=str(tmp_path / "map.png"))
    assert session.errors == []


@pytest.mark.parametrize(
    ("keys", "expected", "label"),
    [
        (["Home"], 1, "2024-03-02"),
        (["Home", *["ArrowRight"] * 7], 3, "2024-03-09"),
        (["End", "ArrowLeft"], 5, "2024-03-19"),
    ],
)
def test_web_browser_timeline_changes_markers(
    session: Session, tmp_path: Path, keys: list[str], expected: int, label: str
) -> None:
    page = session.page
    assert _visible(page) == 6
    page.focus("#asof")
    for key in keys:
        page.keyboard.press(key)
    assert page.inner_text("#asof-label") == label
    assert _visible(page) == expected
    assert page.locator("path.fw-marker").count() <= expected
    page.screenshot(path=str(tmp_path / f"timeline-{label}.png"))


def test_web_browser_control_follows_timeline(session: Session) -> None:
    page = session.page
    page.wait_for_selector(".fw-control", timeout=5000)
    assert page.locator("#legend .legend-row").last.inner_text() == "Rebel forces"
    page.focus("#asof")
    page.keyboard.press("Home")
    page.wait_for_selector(".fw-control", state="detached", timeout=5000)
    assert "Rebel forces" not in page.inner_text("#legend")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("#f-type", "Protests"),
        ("#f-country", "CD"),
    ],
)
def test_web_browser_filters_reload_events(session: Session, field: str, value: str) -> None:
    page = session.page
    page.select_option(field, value)
    page.wait_for_function(
        "document.querySelector('#map').dataset.visibleEvents === '2'", timeout=5000
    )
    assert _visible(page) == 2


def test_web_browser_actor_filter(session: Session) -> None:
    page = session.page
    page.fill("#f-actor", "teachers")
    page.wait_for_function(
        "document.querySelector('#map').dataset.visibleEvents === '1'", timeout=5000
    )


@pytest.mark.parametrize(
    ("event_id", "marks"),
    [
        (
            "d1-e1",
            {
                "trigger": "shelled",
                "actor1": "the Northern Army",
                "location": "Kupiansk",
                "date": "on Saturday",
                "quantity": "three civilians",
                "attribution": "the regional governor said",
            },
        ),
        (
            "d4-e1",
            {
                "trigger": "drone strike",
                "location": "Aleppo",
                "date": "on Thursday",
                "quantity": "seven people",
            },
        ),
    ],
)
def test_web_browser_event_panel_highlights_evidence(
    session: Session, tmp_path: Path, event_id: str, marks: dict[str, str]
) -> None:
    page = session.page
    _open(page, event_id)
    assert page.inner_text("#evidence") == EVENTS[event_id].evidence.text
    for field, text in marks.items():
        assert page.inner_text(f"#evidence mark[data-fields~='{field}']") == text
        assert page.inner_text(f"#article mark[data-fields~='{field}']") == text
    assert page.inner_text("#evidence mark.hl-trigger") == marks["trigger"]
    assert page.inner_text("#article") == DOCUMENTS[EVENTS[event_id].doc_id].text
    page.screenshot(path=str(tmp_path / f"event-{event_id}.png"))


def test_web_browser_hostile_article_shown_as_text(session: Session, tmp_path: Path) -> None:
    page = session.page
    _open(page, "d5-e1")
    page.wait_for_timeout(300)
    assert session.dialogs == []
    assert page.evaluate("window.__pwned === undefined")
    article = page.inner_text("#article")
    assert article == HOSTILE
    assert '<script>window.__pwned = 1; alert("script ran")</script>' in article
    assert 'onerror="window.__pwned = 2; alert(2)"' in article
    assert page.locator("#article script, #article img, #panel img").count() == 0
    assert page.inner_text("#article mark.hl-trigger") == "gathered"
    page.screenshot(path=str(tmp_path / "hostile.png"))
    assert session.errors == []


def _csp_reports(browser: Any, url: str, ready: str) -> tuple[list[str], Any]:
    """Console messages and page errors about the Content-Security-Policy while ``url`` loads
    (until ``ready`` is on the page), and the response."""
    page = browser.new_page()
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: messages.append(f"pageerror: {exc}"))
    try:
        response = page.goto(url)
        page.wait_for_selector(ready, timeout=15000)
        page.wait_for_timeout(500)  # late violations (styles, images) are reported too
        policy = response.headers.get("content-security-policy")
    finally:
        page.close()
    return [m for m in messages if "Content Security Policy" in m or "pageerror" in m], policy


def test_web_browser_map_under_the_content_security_policy(browser: Any, base_url: str) -> None:
    reports, policy = _csp_reports(browser, base_url, "body[data-ready='true'] path.fw-marker")
    assert policy and "script-src 'self'" in policy
    assert reports == []


def test_web_browser_api_docs_under_the_content_security_policy(
    browser: Any, base_url: str
) -> None:
    reports, policy = _csp_reports(browser, base_url + "api/docs", ".swagger-ui .opblock")
    assert policy and "script-src 'self'" in policy
    assert reports == []
