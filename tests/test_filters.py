"""The shared event filter (frontwatch.filters): country names and codes (issue 14)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from frontwatch.filters import EventFilter, country_code


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("IQ", "IQ"),
        ("iq", "IQ"),
        ("IRQ", "IQ"),
        ("Iraq", "IQ"),
        ("syria", "SY"),
        ("Russia", "RU"),
        ("Ivory Coast", "CI"),
        ("DRC", "CD"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("the United States", "US"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
    ],
)
def test_filters_country_code(given: str, code: str) -> None:
    assert country_code(given) == code
    assert EventFilter(country=given).country == code


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "Irak",
            "'Irak' is not a country; give an ISO 3166-1 alpha-2 code (IQ for Iraq) or a "
            "country's English name; did you mean IQ (Iraq)?",
        ),
        (
            "Atlantis",
            "'Atlantis' is not a country; give an ISO 3166-1 alpha-2 code (IQ for Iraq) or a "
            "country's English name",
        ),
    ],
)
def test_filters_country_unknown_says_which_code_to_use(given: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        country_code(given)
    assert str(err.value) == message
    with pytest.raises(ValidationError):
        EventFilter(country=given)
