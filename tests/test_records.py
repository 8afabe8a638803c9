"""The event record: the shipped JSON Schema is current; real output validates, spans hold."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import jsonschema
import pytest
from click.testing import CliRunner
from pydantic import ValidationError

import frontwatch
from frontwatch.about import EXTRACTOR_VERSION
from frontwatch.cli import cli
from frontwatch.records import (
    SCHEMA_PATH,
    Acled,
    Actor,
    Attribution,
    DocumentResult,
    Event,
    EventDate,
    FlatEvent,
    Location,
    Plover,
    Quantity,
    TextSpan,
    event_json_schema,
)

SENTENCE = "Gunmen killed five villagers in the town of Kidal on Tuesday, officials said."
PUBLISHED = "2024-03-14"
# a few sentences of my own with counts, places, dates, sources and more than one event
ARTICLE = (
    "Rebels seize northern town\n\n"
    "Rebel fighters seized the town of Kidal on Tuesday after two days of clashes with the army, "
    "a local official told Reuters.\n\n"
    "At least 12 soldiers were killed and about 40 others wounded, the defence ministry said on "
    "Wednesday.\n\n"
    "Hundreds of residents fled towards Gao, and the government condemned the attack."
)


CASES = [("sentence_result", SENTENCE), ("article_result", ARTICLE)]


@pytest.fixture(scope="module")
def sentence_result() -> DocumentResult:
    return frontwatch.extract(SENTENCE, published=PUBLISHED, doc_id="kidal-1")


@pytest.fixture(scope="module")
def article_result() -> DocumentResult:
    return frontwatch.extract(ARTICLE, published=PUBLISHED, doc_id="kidal-2")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_records_schema_file_is_current() -> None:
    shipped = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == event_json_schema(), "regenerate: python -m frontwatch.records"


def test_records_schema_file_is_formatted_as_generated() -> None:
    expected = json.dumps(event_json_schema(), indent=2) + "\n"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == expected


def test_records_schema_command_prints_the_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"], obj={})
    assert result.exit_code == 0
    assert json.loads(result.output) == event_json_schema()


def test_records_schema_declares_draft_and_id() -> None:
    schema = event_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://frontwatch.invalid/schema/event.schema.json"
    assert schema["title"] == "Event"


def _spans(event: Event) -> Iterator[tuple[str, str | None, tuple[int, int] | None]]:
    """(where, text, span) of every value of an event that must be a slice of the text."""
    yield "trigger", event.trigger.text, event.trigger.span
    yield "evidence", event.evidence.text, event.evidence.span

    def actor(name: str, value: Actor) -> Iterator[tuple[str, str | None, tuple[int, int] | None]]:
        yield name, value.text, value.span
        for q in value.qualifiers:
            yield f"{name}.qualifier", q.text, q.span
        for m in value.members:
            yield from actor(f"{name}.member", m)

    if event.actor1 is not None:
        yield from actor("actor1", event.actor1)
    if event.actor2 is not None:
        yield from actor("actor2", event.actor2)
    if event.location is not None:
        yield "location", event.location.text, event.location.span
    if event.date is not None and event.date.span is not None:
        yield "date", event.date.text, event.date.span
    for q in event.quantities:
        yield "quantity", q.text, q.span
    for m in event.mentions:
        yield "mention.trigger", m.trigger.text, m.trigger.span
        yield "mention.evidence", m.evidence.text, m.evidence.span
    if event.attribution is not None and event.attribution.span is not None:
        yield "attribution", event.attribution.text, event.attribution.span


@pytest.mark.parametrize(("fixture", "text"), CASES)
def test_records_real_output_validates_against_schema(
    request: pytest.FixtureRequest,
    validator: jsonschema.Draft202012Validator,
    fixture: str,
    text: str,
) -> None:
    result: DocumentResult = request.getfixturevalue(fixture)
    assert result.events, "the extractor found no event"
    for event in result.events:
        errors = [e.message for e in validator.iter_errors(event.model_dump(mode="json"))]
        assert errors == []
        # the JSON round-trips to the same record
        assert Event.model_validate_json(event.model_dump_json()) == event


@pytest.mark.parametrize(("fixture", "text"), CASES)
def test_records_every_span_slices_the_text(
    request: pytest.FixtureRequest, fixture: str, text: str
) -> None:
    result: DocumentResult = request.getfixturevalue(fixture)
    checked = 0
    for event in result.events:
        for where, value, span in _spans(event):
            assert span is not None
            start, end = span
            assert 0 <= start < end <= len(text), (where, span)
            assert text[start:end] == value, (where, value, span)
            checked += 1
        attribution = event.attribution
        if attribution is not None:
            for span in (attribution.source_span, attribution.speaker_span):
                if span is not None:
                    assert 0 <= span[0] < span[1] <= len(text)
    for flag in result.flags:
        assert text[flag.span[0] : flag.span[1]] == flag.text
    for source in result.sources:
        assert text[source.span[0] : source.span[1]] == source.text
    for toponym in result.toponyms:
        assert text[toponym.span[0] : toponym.span[1]] == toponym.text
    assert checked >= 2 * len(result.events)


def test_records_event_fields_on_a_sentence(sentence_result: DocumentResult) -> None:
    assert sentence_result.doc_id == "kidal-1"
    for event in sentence_result.events:
        assert event.doc_id == "kidal-1"
        assert len(event.id) == 16 and int(event.id, 16) >= 0
        assert 0.0 <= event.confidence <= 1.0
        assert event.extractor_version == EXTRACTOR_VERSION
        # the trigger lies inside its evidence sentence, and the record lists it as a mention
        (t0, t1), (e0, e1) = event.trigger.span, event.evidence.span
        assert e0 <= t0 < t1 <= e1
        assert _mention_triggers(event).count(event.trigger.span) == 1


def _mention_triggers(event: Event) -> list[tuple[int, int]]:
    return [m.trigger.span for m in event.mentions]


def test_records_ids_are_stable_across_runs(sentence_result: DocumentResult) -> None:
    again = frontwatch.extract(SENTENCE, published=PUBLISHED, doc_id="kidal-1")
    assert [e.id for e in again.events] == [e.id for e in sentence_result.events]
    other = frontwatch.extract(SENTENCE, published=PUBLISHED, doc_id="kidal-other")
    assert {e.id for e in other.events}.isdisjoint({e.id for e in sentence_result.events})


def _event(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "0123456789abcdef",
        "doc_id": "d1",
        "plover": Plover(type="ASSAULT", mode="kill"),
        "category": "political_violence",
        "modality": "asserted",
        "trigger": TextSpan(text="killed", span=(7, 13)),
        "evidence": TextSpan(text="Gunmen killed two men.", span=(0, 22)),
        "confidence": 0.5,
        "extractor_version": "0.1.0",
    }
    base.update(changes)
    return base


def test_records_event_defaults_are_unknown() -> None:
    event = Event(**_event())  # type: ignore[arg-type]
    assert (event.acled, event.actor1, event.actor2, event.location, event.date) == (None,) * 5
    assert (event.status, event.attribution) == (None, None)
    assert (event.quantities, event.mentions, event.historical) == ([], [], False)


@pytest.mark.parametrize(
    "changes",
    [
        {"confidence": 1.5},
        {"confidence": -0.1},
        {"category": "war"},
        {"modality": "alleged"},
        {"status": "done"},
        {"surprise": 1},
    ],
)
def test_records_event_rejects_bad_values(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Event(**_event(**changes))  # type: ignore[arg-type]


def test_records_flat_event_of_a_bare_event() -> None:
    flat = FlatEvent.of(Event(**_event()))
    assert (flat.id, flat.doc_id, flat.plover_type, flat.plover_mode) == (
        "0123456789abcdef",
        "d1",
        "ASSAULT",
        "kill",
    )
    assert (flat.acled_event_type, flat.actor1, flat.actor2_type, flat.place) == (None,) * 4
    assert (flat.date_start, flat.date_inferred, flat.approximate) == (None, None, False)
    assert (flat.trigger, flat.trigger_start, flat.trigger_end) == ("killed", 7, 13)
    assert (flat.evidence_start, flat.evidence_end, flat.mentions) == (0, 22, 0)
    assert (flat.fatalities, flat.injured) == (None, None)


def test_records_flat_event_of_a_full_event() -> None:
    event = Event(
        **_event(
            acled=Acled(event_type="Violence against civilians", sub_event_type="Attack"),
            actor1=Actor(text="Gunmen", span=(0, 6)),
            actor2=Actor(text="two men", span=(14, 21), name="Civilians", type="civilians"),
            location=Location(text="the town", span=(30, 38), approximate=True),
            date=EventDate(start=dt.date(2024, 3, 12), end=dt.date(2024, 3, 12), inferred=True),
            attribution=Attribution(speaker="officials"),
            quantities=[
                Quantity(kind="killed", count=2, text="two", span=(14, 17)),
                Quantity(kind="killed", low=3, high=5, text="three to five", span=(40, 53)),
                Quantity(kind="injured", count=1, text="one", span=(60, 63)),
            ],
        )
    )
    flat = FlatEvent.of(event)
    assert (flat.fatalities, flat.injured) == (2.0, 1.0)
    assert (flat.acled_event_type, flat.acled_sub_event_type) == (
        "Violence against civilians",
        "Attack",
    )
    assert (flat.actor1, flat.actor1_name, flat.actor1_text) == ("Gunmen", None, "Gunmen")
    assert (flat.actor2, flat.actor2_type) == ("Civilians", "civilians")
    assert (flat.place, flat.location_name, flat.approximate) == ("the town", None, True)
    assert (flat.date_start, flat.date_precision, flat.date_inferred) == (
        dt.date(2024, 3, 12),
        "unknown",
        True,
    )
    assert (flat.attribution_source, flat.attribution_speaker) == (None, "officials")
