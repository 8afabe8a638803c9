"""Tests for frontwatch.assembly.background: aggregates over a period are marked, and background
events keep only the place and date their own sentence states.

Every sentence here is written for these tests; places and figures are invented.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontwatch import Extractor
from frontwatch.assembly.background import AGGREGATE_DAYS, own_date, spans_a_period
from frontwatch.records import EventDate

PUBLISHED = "2024-03-14"  # a Thursday


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _events(extractor: Extractor, text: str) -> list[tuple[str, bool, bool, str | None, str]]:
    result = extractor.extract(text, published=PUBLISHED, doc_id="t")
    return [
        (
            e.trigger.text,
            e.aggregate,
            e.historical,
            e.location.name if e.location else None,
            f"{e.date.start}..{e.date.end}" if e.date else "-",
        )
        for e in result.events
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a stated period of ten years: a war's toll, historical as well
        (
            "The war killed about 300,000 people between 2011 and 2020.",
            [("killed", True, True, None, "2011-01-01..2020-12-31")],
        ),
        # "over the past year": a count over a period, not one abduction
        (
            "Over the past year, militants abducted 120 villagers in Borno State.",
            [("abducted", True, False, "Borno", "2023-03-14..2024-03-14")],
        ),
        # "since 2019": the same
        (
            "Militias have displaced 40,000 people in Ituri since 2019.",
            [("displaced", True, False, "Ituri", "2019-01-01..2024-03-14")],
        ),
        # a war noun as what killed, with no date: no place or date borrowed from the
        # sentence before
        (
            "Rebels shelled the airport in Goma on Monday. Critics recall a war that took the "
            "lives of thousands of people.",
            [
                ("shelled", False, False, "Goma", "2024-03-11..2024-03-11"),
                ("took the lives", True, False, None, "-"),
            ],
        ),
        # one event inside a war, pinned to a day, stays an event
        (
            "A soldier was killed in the war on Sunday.",
            [("killed", False, False, None, "2024-03-10..2024-03-10")],
        ),
        (
            "Gunmen killed four farmers near Kaduna on Tuesday.",
            [("killed", False, False, "Kaduna", "2024-03-12..2024-03-12")],
        ),
        # weeks of strikes: no day borrowed from the strike told before, not one with it
        (
            "Nine people were killed when an airstrike hit a bus near Marib on Monday. Warplanes "
            "have struck the province for weeks.",
            [
                ("airstrike", False, False, "Ma’rib", "2024-03-11..2024-03-11"),
                ("struck", False, False, "Ma’rib", "-"),
            ],
        ),
        # a siege laid, a campaign launched: one event, its beginning, not a period's toll
        (
            "Jihadists laid siege to a village near Djenne in February.",
            [("siege", False, False, "Djenné", "2024-02-01..2024-02-29")],
        ),
    ],
)
def test_background_aggregates(
    extractor: Extractor, text: str, expected: list[tuple[str, bool, bool, str | None, str]]
) -> None:
    assert _events(extractor, text) == expected


@pytest.mark.parametrize(
    ("start", "end", "precision", "inferred", "expected"),
    [
        ("2023-01-01", "2024-03-14", "range", False, True),  # "since 2023"
        ("2023-03-14", "2024-03-14", "range", False, True),  # "over the past year"
        ("2023-12-01", "2024-03-14", "range", False, False),  # "since December": a figure
        ("2024-03-07", "2024-03-14", "range", False, False),  # "over the past week"
        ("2024-02-01", "2024-02-29", "month", False, False),  # "last month": one vague date
        ("2023-01-01", "2023-12-31", "year", False, False),  # "in 2023"
        ("2011-01-01", "2020-12-31", "range", True, False),  # inferred: not the event's own
    ],
)
def test_background_spans_a_period(
    start: str, end: str, precision: str, inferred: bool, expected: bool
) -> None:
    date = EventDate.model_validate(
        {"start": start, "end": end, "precision": precision, "inferred": inferred}
    )
    assert spans_a_period(date) is expected


def test_background_period_threshold() -> None:
    day = dt.date(2024, 1, 1)
    exact = EventDate(start=day, end=day + dt.timedelta(days=AGGREGATE_DAYS - 1), precision="range")
    longer = EventDate(start=day, end=day + dt.timedelta(days=AGGREGATE_DAYS), precision="range")
    assert (spans_a_period(exact), spans_a_period(longer)) == (False, True)


def test_background_own_date_drops_inferred() -> None:
    day = dt.date(2024, 3, 14)
    stated = EventDate(text="Monday", span=(0, 6), start=day, end=day, precision="day")
    inferred = EventDate(start=day, end=day, precision="week", inferred=True)
    assert (own_date(stated), own_date(inferred), own_date(None)) == (stated, None, None)
