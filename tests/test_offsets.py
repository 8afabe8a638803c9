"""Offset maps: reduced texts built from pieces of an original, and spans mapped back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from frontwatch.offsets import (
    Chunk,
    OffsetMap,
    gap_separator,
    reduce_text,
    remap_spans,
    span_fields,
)
from frontwatch.records import (
    Actor,
    Attribution,
    DocumentResult,
    Event,
    EventDate,
    Flag,
    Mention,
    Qualifier,
    Quantity,
    TextSpan,
    Toponym,
)

ORIGINAL = "Dam opens\n\nRain fell. Crops grew. Guards shot two men. Police said so. End."


@pytest.mark.parametrize(
    ("pieces", "text", "chunks"),
    [
        ([(0, 9), (34, 54)], "Dam opens\n\nGuards shot two men.", [(0, 0, 9), (11, 34, 20)]),
        # white space between pieces is copied: one chunk
        ([(11, 21), (22, 33)], "Rain fell. Crops grew.", [(0, 11, 22)]),
        ([(0, 9), (11, 21)], "Dam opens\n\nRain fell.", [(0, 0, 21)]),
        (
            [(0, 9), (34, 54), (55, 70)],
            "Dam opens\n\nGuards shot two men. Police said so.",
            [(0, 0, 9), (11, 34, 36)],
        ),
        ([], "", [(0, 0, 0)]),
    ],
)
def test_offsets_reduce_text(
    pieces: list[tuple[int, int]], text: str, chunks: list[tuple[int, int, int]]
) -> None:
    reduced, offsets = reduce_text(ORIGINAL, pieces)
    assert reduced == text
    assert offsets.chunks == tuple(Chunk(*chunk) for chunk in chunks)


@pytest.mark.parametrize(
    ("gap", "separator"),
    [
        (" Crops grew. ", " "),
        ("\n\nRain fell. ", "\n\n"),
        (" Rain fell.\n \nCrops grew. ", "\n\n"),
        ("\nA list item\n", "\n"),
    ],
)
def test_offsets_gap_separator(gap: str, separator: str) -> None:
    assert gap_separator(gap) == separator


def test_offsets_reduce_text_keeps_paragraphs() -> None:
    """A sentence left out inside a paragraph becomes a space; a paragraph break stays one."""
    reduced, offsets = reduce_text(ORIGINAL, [(0, 9), (11, 21), (34, 54), (71, 75)])
    assert reduced == "Dam opens\n\nRain fell. Guards shot two men. End."
    assert offsets.chunks == (Chunk(0, 0, 21), Chunk(22, 34, 20), Chunk(43, 71, 4))


@pytest.fixture
def offsets() -> OffsetMap:
    return reduce_text(ORIGINAL, [(0, 9), (34, 54), (71, 75)], separator="\n\n")[1]


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ((0, 3), (0, 3)),  # "Dam"
        ((11, 17), (34, 40)),  # "Guards"
        ((23, 31), (46, 54)),  # "two men."
        ((33, 37), (71, 75)),  # "End."
        ((11, 11), (34, 34)),  # empty
        ((9, 11), (9, 9)),  # the separator alone: empty, at the end of the chunk before
        ((10, 11), (34, 34)),  # inside the separator: empty, at the start of the next chunk
        ((23, 37), (46, 75)),  # crosses a separator: the original text between the ends
    ],
)
def test_offsets_span(offsets: OffsetMap, span: tuple[int, int], expected: tuple[int, int]) -> None:
    assert offsets.span(span) == expected


def test_offsets_spans_inside_a_chunk_keep_their_text(offsets: OffsetMap) -> None:
    reduced = reduce_text(ORIGINAL, [(0, 9), (34, 54), (71, 75)], separator="\n\n")[0]
    assert reduced == "Dam opens\n\nGuards shot two men.\n\nEnd."
    for start in range(len(reduced)):
        for end in range(start, len(reduced) + 1):
            if offsets.covers((start, end)):
                mapped = offsets.span((start, end))
                assert ORIGINAL[mapped[0] : mapped[1]] == reduced[start:end]
    assert not offsets.covers((23, 37))


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Actor, ("span",)),
        (Attribution, ("source_span", "speaker_span", "span")),
        (EventDate, ("span",)),
        (TextSpan, ("span",)),
        (Toponym, ("span",)),
        (Event, ()),
        (DocumentResult, ()),
    ],
)
def test_offsets_span_fields(model: type[BaseModel], fields: tuple[str, ...]) -> None:
    assert span_fields(model) == fields


def _event() -> Event:
    guards = Actor(
        text="Guards",
        span=(11, 17),
        qualifiers=[Qualifier(text="Guards", span=(11, 17))],
        members=[Actor(text="Guards", span=(11, 17))],
    )
    trigger = TextSpan(text="shot", span=(18, 22))
    evidence = TextSpan(text="Guards shot two men.", span=(11, 31))
    return Event(
        id="x",
        doc_id="d",
        category="political_violence",
        actor1=guards,
        date=EventDate(),
        quantities=[Quantity(kind="injured", count=2, text="two", span=(23, 26))],
        modality="asserted",
        attribution=Attribution(source_span=(0, 3), text="Dam", span=(0, 3)),
        trigger=trigger,
        evidence=evidence,
        mentions=[Mention(trigger=trigger, evidence=evidence)],
        confidence=0.5,
        extractor_version="test",
    )


def test_offsets_remap_spans_walks_every_record(offsets: OffsetMap) -> None:
    result = DocumentResult(
        doc_id="d",
        events=[_event()],
        flags=[Flag(kind="k", text="End.", span=(33, 37), message="m")],
    )
    mapped = remap_spans(result, offsets)
    (event,) = mapped.events
    assert event.actor1 is not None
    assert event.actor1.span == event.actor1.qualifiers[0].span == (34, 40)
    assert event.actor1.members[0].span == (34, 40)
    assert (event.trigger.span, event.evidence.span) == ((41, 45), (34, 54))
    assert event.mentions[0].trigger.span == (41, 45)
    assert event.quantities[0].span == (46, 49)
    assert event.attribution is not None
    assert (event.attribution.source_span, event.attribution.speaker_span) == ((0, 3), None)
    assert event.date == EventDate()
    assert mapped.flags[0].span == (71, 75)
    # texts unchanged, and now found at the new spans of the original
    assert [ORIGINAL[s:e] for s, e in [event.trigger.span, mapped.flags[0].span]] == [
        "shot",
        "End.",
    ]
    assert result.events[0].trigger.span == (18, 22)  # the input is not changed


@st.composite
def _text_and_pieces(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(st.text(alphabet="ab .\n", max_size=60))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    pieces = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i] < cuts[i + 1]]
    return text, pieces


@given(_text_and_pieces())
def test_offsets_every_span_inside_a_chunk_maps_to_the_same_text(
    case: tuple[str, list[tuple[int, int]]],
) -> None:
    text, pieces = case
    reduced, offsets = reduce_text(text, pieces)
    assert all(
        a.reduced + a.length < b.reduced
        for a, b in zip(offsets.chunks, offsets.chunks[1:], strict=False)
    )
    for chunk in offsets.chunks:
        piece = text[chunk.original : chunk.original + chunk.length]
        assert reduced[chunk.reduced : chunk.reduced + chunk.length] == piece
    for start in range(len(reduced) + 1):
        for end in range(start, len(reduced) + 1):
            mapped = offsets.span((start, end))
            assert 0 <= mapped[0] <= mapped[1] <= len(text)
            if offsets.covers((start, end)):
                assert text[mapped[0] : mapped[1]] == reduced[start:end]
