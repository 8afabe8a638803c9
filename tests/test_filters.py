"""The shared event filter (frontwatch.filters): country names and codes (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from frontwatch.filters import EventFilter, country_code, parse_modalities
from frontwatch.records import Event


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


# -- facts by default: modalities and background (issue 14) ----------------------------------


@pytest.mark.parametrize(
    ("given", "wanted"),
    [
        ((), frozenset({"asserted", "reported"})),
        (None, frozenset({"asserted", "reported"})),
        (("all",), None),
        (("asserted,hypothetical",), frozenset({"asserted", "hypothetical"})),
        (("negated", "Future"), frozenset({"negated", "future"})),
        ("reported, asserted", frozenset({"asserted", "reported"})),
    ],
)
def test_filters_parse_modalities(
    given: tuple[str, ...] | str | None, wanted: frozenset[str] | None
) -> None:
    assert parse_modalities(given) == wanted


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (("maybe",), "unknown modality 'maybe'; expected all or a comma-separated list of "),
        ((",",), "no modality given; expected all or a comma-separated list of "),
    ],
)
def test_filters_parse_modalities_rejects(given: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_modalities(given)
    assert str(err.value).startswith(message)
    assert str(err.value).endswith("asserted, reported, negated, hypothetical, future")


def _event(**fields: Any) -> Event:
    return Event.model_validate(
        {
            "id": "e1",
            "doc_id": "d1",
            "category": "political_violence",
            "modality": "asserted",
            "trigger": {"text": "x", "span": (0, 1)},
            "evidence": {"text": "x", "span": (0, 1)},
            "confidence": 0.5,
            "extractor_version": "test",
            **fields,
        }
    )


@pytest.mark.parametrize(
    ("fields", "default", "with_background"),
    [
        ({}, True, True),
        ({"historical": True}, False, True),
        ({"aggregate": True}, False, True),
    ],
)
def test_filters_background(fields: dict[str, Any], default: bool, with_background: bool) -> None:
    event = _event(**fields)
    assert EventFilter().matches(event)  # the library's filter keeps everything
    assert EventFilter(background=False).matches(event) is default
    assert EventFilter(background=True).matches(event) is with_background
