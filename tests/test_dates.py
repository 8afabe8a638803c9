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
        ("2024-03-14T21:30:00Z", dt.date(2024, 3, 14)),
        ("Thu, 14 Mar 2024 23:30:00 +0200", dt.date(2024, 3, 14)),  # RFC 2822, as written
        ("14 March 2024", dt.date(2024, 3, 14)),
        ("14th March, 2024", dt.date(2024, 3, 14)),
        ("2024 Mar 14", dt.date(2024, 3, 14)),
        ("Thu Mar 14, 2024 | 3:02pm EST", dt.date(2024, 3, 14)),
        ("posted: March 14, 2024", dt.date(2024, 3, 14)),
        ("14/03/2024", None),  # day and month in digits: which is which is not written
        ("March 2024", None),
        ("30 February 2024", None),
        ("Foo 14, 2024", None),
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
