from __future__ import annotations

import pytest

from frontwatch.ingest import jsonread
from frontwatch.ingest.jsonread import ArrayError, JsonLimitError, iter_array, loads, nesting_over


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 128 + "]" * 128, False),
        ("[" * 129 + "]" * 129, True),
        ("{" + '"a":{' * 128 + "}" * 129, True),
        ('["' + "[" * 300 + '"]', False),  # brackets inside a string do not nest
        ('["\\"' + "[" * 300 + '"]', False),  # nor after an escaped quote
        ("[" * 100_000, True),  # an unclosed bomb: stops at the limit
    ],
)
def test_jsonread_nesting_over(text: str, expected: bool) -> None:
    assert nesting_over(text) is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 1000 + "]" * 1000, "nested more than 128 levels deep (the limit)"),
        ('{"a": ' + "9" * 4301 + "}", "an integer of 4301 digits (the limit is 4300)"),
        ('{"a": -' + "9" * 5000 + "}", "an integer of 5000 digits (the limit is 4300)"),
    ],
)
def test_jsonread_loads_limits(text: str, message: str) -> None:
    with pytest.raises(JsonLimitError) as err:
        loads(text)
    assert str(err.value) == message


def test_jsonread_loads_at_the_limits() -> None:
    assert loads('{"a": ' + "9" * 4300 + "}") == {"a": int("9" * 4300)}
    nested: list[object] = []
    for _ in range(127):
        nested = [nested]
    assert loads("[" * 128 + "]" * 128) == nested
    with pytest.raises(ValueError, match="Expecting value"):
        loads('{"a": }')


def items(text: str) -> list[tuple[int, object, str | None, bool]]:
    return [(i.line, i.value, i.error, i.limit) for i in iter_array(text, text.index("["))]


def test_jsonread_array_bad_items_cost_only_themselves() -> None:
    text = (
        '[\n {"text": "a"},\n {"text": x},\n '
        + "[" * 2000
        + "]" * 2000
        + ',\n {"n": '
        + "1" * 5000
        + '},\n {"text": "b [not a bracket"}\n]\n'
    )
    assert items(text) == [
        (2, {"text": "a"}, None, False),
        (3, None, "Expecting value at line 3 column 11", False),
        (4, None, "nested more than 128 levels deep (the limit)", True),
        (5, None, "an integer of 5000 digits (the limit is 4300)", True),
        (6, {"text": "b [not a bracket"}, None, False),
    ]


def test_jsonread_array_many_failures_same_reports() -> None:
    # past a few failures, each item's end is found before it is parsed: same results
    good = [{"text": str(n)} for n in range(20)]
    text = "[" + ",\n".join('{"text": "' + str(n) + '"}, {"bad": }' for n in range(20)) + "]"
    got = items(text)
    assert [value for _, value, error, _ in got if error is None] == good
    assert [(line, error) for line, _, error, _ in got if error is not None] == [
        (n + 1, f"Expecting value at line {n + 1} column {column}")
        for n in range(20)
        # '{"text": "N"}, {"bad": }': the '}' after 23 characters and N ('[' before line 1's)
        for column in [23 + len(str(n)) + (n == 0)]
    ]
    assert jsonread._FAST_FAILURES < 20


@pytest.mark.parametrize(
    ("text", "line", "detail"),
    [
        ("[1, 2", 1, "the array is not closed"),
        ("[1 2]", 1, "expected ',' or ']' at line 1 column 4"),
        ("[1]\n\nx", 3, "extra data after the array"),
        ("[\n1,\n", 3, "the array is not closed"),
    ],
)
def test_jsonread_array_broken(text: str, line: int, detail: str) -> None:
    with pytest.raises(ArrayError) as err:
        items(text)
    assert (err.value.line, err.value.detail) == (line, detail)


@pytest.mark.parametrize("text", ["[]", "  [ \n ]  ", "[\n]\n"])
def test_jsonread_array_empty(text: str) -> None:
    assert items(text) == []
