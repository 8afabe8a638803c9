"""Tests for frontwatch.pipeline.windows: long documents parsed in windows.

Every text here is written for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontwatch import Extractor
from frontwatch.pipeline.windows import Window, cut_long, merge_results, plan_windows
from frontwatch.records import (
    Document,
    DocumentResult,
    Event,
    Flag,
    Plover,
    Source,
    TextSpan,
    Toponym,
)
from frontwatch.relevance import split_sentences
from frontwatch.settings import load_settings

PARAGRAPH = (
    "Rebels attacked an army post near Gao on Monday. Two soldiers were wounded, the army said."
)


TOWNS = ("Gao", "Mopti", "Kidal", "Timbuktu", "Menaka", "Segou")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
ACTS = ("attacked an army post", "ambushed a convoy", "shelled a checkpoint")


def _text(paragraphs: int) -> str:
    """A headline and paragraphs of one or two sentences (all different beyond the sixth)."""
    if paragraphs <= 6:
        return "Fighting near Gao\n\n" + "\n\n".join(PARAGRAPH for _ in range(paragraphs))
    body = [
        f"Rebels {ACTS[i % 3]} near {TOWNS[i % 6]} on {DAYS[i % 5]}. "
        f"{i + 2} soldiers were wounded, the army said."
        for i in range(paragraphs)
    ]
    return "Fighting in central Mali\n\n" + "\n\n".join(body)


def test_windows_short_text_is_one_window() -> None:
    text = _text(2)
    spans = split_sentences(text)
    assert plan_windows(text, spans, 1000) == [Window(tuple(spans), (0, len(text)))]


def test_windows_cut_at_paragraphs_with_lead_and_context() -> None:
    text = _text(6)  # 17 + 6 x 90 characters, paragraphs 2 characters apart
    spans = split_sentences(text)
    windows = plan_windows(text, spans, 200)
    assert [w.own for w in windows] == [(0, 203), (203, 387), (387, 570)]
    assert [len(w.pieces) for w in windows] == [5, 8, 8]
    second = windows[1]
    # the lead (headline, first sentence), the two sentences before the window, its own four
    assert [text[a:b] for a, b in second.pieces[:4]] == [
        "Fighting near Gao",
        "Rebels attacked an army post near Gao on Monday.",
        "Rebels attacked an army post near Gao on Monday.",
        "Two soldiers were wounded, the army said.",
    ]
    assert second.pieces[4][0] == 203
    assert windows[-1].own[1] == len(text) + 1


def test_windows_cut_long_splits_at_white_space() -> None:
    text = "word " * 10  # 50 characters
    assert cut_long([(0, 49)], text, 20) == [(0, 19), (20, 39), (40, 49)]
    assert cut_long([(0, 10)], text, 20) == [(0, 10)]


def _event(start: int) -> Event:
    span = TextSpan(text="x", span=(start, start + 1))
    return Event(
        id=f"e{start}",
        doc_id="d",
        trigger=span,
        evidence=span,
        plover=Plover(type="ASSAULT"),
        category="political_violence",
        modality="asserted",
        confidence=0.8,
        extractor_version="test",
    )


def test_windows_merge_keeps_records_that_start_in_own_range() -> None:
    first, second = Window(((0, 10),), (0, 10)), Window(((0, 5), (8, 20)), (10, 21))
    toponym = Toponym(doc_id="d", text="Gao", span=(8, 11))
    source = Source(name="Army", kind="organisation", text="army", span=(2, 6))
    again = Source(name="army", kind="organisation", text="army", span=(12, 16))
    flag = Flag(kind="number", text="1O", span=(14, 16), message="malformed")
    merged = merge_results(
        "d",
        [
            (first, DocumentResult(doc_id="d", events=[_event(3)], sources=[source])),
            (
                second,
                DocumentResult(
                    doc_id="d",
                    events=[_event(3), _event(12)],
                    toponyms=[toponym],
                    sources=[again],
                    flags=[flag],
                ),
            ),
        ],
    )
    assert [e.trigger.span for e in merged.events] == [(3, 4), (12, 13)]
    assert merged.toponyms == []  # starts at 8: in the first window's range, not found there
    assert merged.sources == [source]
    assert merged.flags == [flag]


@pytest.fixture(scope="module")
def extractors() -> tuple[Extractor, Extractor]:
    whole = Extractor(load_settings(relevance="off", window_chars=100_000))
    windowed = Extractor(load_settings(relevance="off", window_chars=1000), nlp=whole.nlp)
    return whole, windowed


def test_windows_extractor_same_events_as_whole(extractors: tuple[Extractor, Extractor]) -> None:
    """Paragraphs that stand alone give the same events and places in windows as whole; every
    span indexes the original text."""
    whole, windowed = extractors
    text = _text(30)
    document = Document(id="long", text=text, published=dt.date(2024, 3, 16))
    prepared = windowed.prepare(document)
    assert prepared is not None and len(prepared.parts) == 3
    a, b = whole.extract(document), windowed.extract(document)
    assert [(e.trigger.span, e.id) for e in b.events] == [(e.trigger.span, e.id) for e in a.events]
    assert len(b.events) == 30  # one a paragraph (the wounded are its count)
    assert [(t.span, t.geonameid) for t in b.toponyms] == [
        (t.span, t.geonameid) for t in a.toponyms
    ]
    for event in b.events:
        start, end = event.trigger.span
        assert text[start:end] == event.trigger.text
    streamed = list(windowed.extract_many([document, Document(id="short", text=PARAGRAPH)]))
    assert [r.doc_id for r in streamed if isinstance(r, DocumentResult)] == ["long", "short"]
    assert streamed[0] == b
