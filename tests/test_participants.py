"""Who took part (frontwatch.assembly.participants and the actor stage's coreference): places
are not parties, the harmed are not the ones who harm, a pronoun is never an actor."""

from __future__ import annotations

import pytest

from frontwatch import Extractor
from frontwatch.records import Actor


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def pair(actor: Actor | None) -> tuple[str, str | None, str] | None:
    return (actor.text, actor.name, actor.role) if actor is not None else None


def events(extractor: Extractor, text: str) -> list[tuple[str, object, object]]:
    result = extractor.extract(text, doc_id="t", published="2024-05-08")
    return [(e.trigger.text, pair(e.actor1), pair(e.actor2)) for e in result.events]


def test_participants_place_is_no_party(extractor: Extractor) -> None:
    # a place the verb's argument names is where it happened: kept as a place target
    assert events(extractor, "Rebels shelled a market in Kherson on Sunday.") == [
        ("shelled", ("Rebels", None, "party"), ("Kherson", None, "place")),
    ]


def test_participants_victims_are_not_perpetrators(extractor: Extractor) -> None:
    text = (
        "Al-Shabaab fighters drove the villagers out of Bulo Burte on Tuesday, warning that they "
        "would face execution if they returned."
    )
    found = events(extractor, text)
    for _, actor1, _ in found:
        assert actor1 is None or actor1[1] != "Civilians", found


def test_participants_pronoun_resolved_to_its_name(extractor: Extractor) -> None:
    text = (
        "The Malian army said on Monday that it had arrested four suspects. "
        "The government condemned the attack."
    )
    # "it" is the army, named by its own words; "the government" is Mali's (its context)
    assert events(extractor, text) == [
        ("arrested", ("Malian army", "Military Forces of Mali", "party"), None),
        ("condemned", ("government", "Government of Mali", "party"), None),
        ("attack", None, None),
    ]


def test_participants_unresolved_pronoun_is_no_actor(extractor: Extractor) -> None:
    found = events(extractor, "They burned the police station in the night.")
    assert [a for _, a, _ in found] == [None]
