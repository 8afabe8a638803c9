"""frontwatch.dates: the one parser of dates given as text."""

from __future__ import annotations

import datetime as dt

import pytest

from frontwatch.dates import parse_date, parse_iso_date, parse_stamp, parse_timestamp
from frontwatch.errors import FrontwatchError


def test_dates_parse_iso_date() -> None:
    assert parse_iso_date("2024-03-14") == dt.date(2024, 3, 14)
    with pytest.raises(ValueError):
        parse_iso_date("14/03/2024")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (dt.date(2024, 3, 14), dt.date(2024, 3, 14)),
        (" 2024-03-14 ", dt.date(2024, 3, 14)),
        ("2024-03-14T10:00", dt.date(2024, 3, 14)),
    ],
)
def test_dates_parse_date(value: str | dt.date | None, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


def test_dates_parse_date_error() -> None:
    with pytest.raises(FrontwatchError) as err:
        parse_date("March 14")
    assert err.value.code == "E009"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-14", dt.date(2024, 3, 14)),
        ("2024-03-14T23:30:00+02:00", dt.date(2024, 3, 14)),
        ("14 March 2024", None),
        (20240314, None),
        (None, None),
    ],
)
def test_dates_parse_timestamp(value: object, expected: dt.date | None) -> None:
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-11-23", dt.date(2016, 11, 23)),
        ("Wed Nov 23, 2016 | 3:02pm EST", dt.date(2016, 11, 23)),
        ("September 3 2019", dt.date(2019, 9, 3)),
        ("Feb 30, 2019", None),
        ("Foo 3, 2019", None),
        ("", None),
    ],
)
def test_dates_parse_stamp(value: str, expected: dt.date | None) -> None:
    assert parse_stamp(value) == expected
