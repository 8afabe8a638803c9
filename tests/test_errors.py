"""The error catalogue: codes, message templates and FrontwatchError formatting."""

from __future__ import annotations

import re
import string

import pytest

from frontwatch.errors import DocumentError, Errors, FrontwatchError

CODE = re.compile(r"^[EW]\d{3}$")


@pytest.mark.parametrize("error", list(Errors), ids=lambda e: e.name)
def test_errors_message_starts_with_its_code(error: Errors) -> None:
    assert CODE.match(error.name)
    assert error.code == error.name
    assert error.value.startswith(f"[{error.name}] ")


def test_errors_codes_are_unique_messages() -> None:
    assert len({e.value for e in Errors}) == len(Errors)


@pytest.mark.parametrize("error", list(Errors), ids=lambda e: e.name)
def test_errors_template_formats_with_its_fields(error: Errors) -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(error.value) if name}
    message = error.format(**{name: f"<{name}>" for name in fields})
    assert message.startswith(f"[{error.name}] ")
    for name in fields:
        assert f"<{name}>" in message


@pytest.mark.parametrize(
    ("error", "kwargs", "expected"),
    [
        (
            Errors.E001,
            {"name": "a.txt"},
            "[E001] Document a.txt is empty (no text after extraction).",
        ),
        (
            Errors.E009,
            {"value": "14/03/2024"},
            "[E009] Date '14/03/2024' is not a valid ISO date (YYYY-MM-DD).",
        ),
        (
            Errors.E004,
            {"name": "big.txt", "size": 2000001, "limit": 1000000},
            "[E004] Document big.txt has 2000001 characters, over the limit of 1000000 "
            "(setting max_chars).",
        ),
        (
            Errors.E103,
            {"model": "xx_missing"},
            "[E103] The spaCy pipeline 'xx_missing' is not installed; "
            "run the project's install step.",
        ),
    ],
)
def test_errors_frontwatch_error_formats_message(
    error: Errors, kwargs: dict[str, object], expected: str
) -> None:
    err = FrontwatchError(error, **kwargs)
    assert str(err) == expected
    assert err.code == error.name
    assert err.error is error
    assert err.details == kwargs


def test_errors_document_error_is_a_frontwatch_error() -> None:
    err = DocumentError(Errors.E005, name="x.txt", detail="2% English function words")
    assert isinstance(err, FrontwatchError)
    assert err.code == "E005"
    assert str(err) == (
        "[E005] Document x.txt does not look like English (2% English function words); "
        "only English is supported."
    )


def test_errors_missing_template_field_raises_key_error() -> None:
    with pytest.raises(KeyError):
        FrontwatchError(Errors.E001)


@pytest.mark.parametrize("error", list(Errors), ids=lambda e: e.name)
def test_errors_code_is_in_a_documented_group(error: Errors) -> None:
    # E0xx input documents, E1xx data files and settings, E2xx gold data, E3xx the store,
    # W0xx warnings
    assert error.name[:2] in {"E0", "E1", "E2", "E3", "W0"}
