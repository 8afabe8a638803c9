"""The learned coder in assembly (frontwatch.assembly.learned): what it decides from the
model's answer, with hand-made probabilities."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from frontwatch.assembly.assemble import assemble
from frontwatch.assembly.coding import Coding
from frontwatch.assembly.learned import (
    Candidate,
    CoderRow,
    Gate,
    case_labels,
    condition,
    decide,
    decide_all,
    learned_coding,
    propose,
    rules_label,
    unsupported,
)
from frontwatch.coder import Coder, Prediction
from frontwatch.coder.features import Vocabulary, text_features
from frontwatch.coder.model import LinearHead
from frontwatch.errors import FrontwatchError
from frontwatch.eval.runner import check_not_trained_on
from frontwatch.lexicon.events import load_lexicon
from frontwatch.pipeline import Extractor
from frontwatch.pipeline.build import build_nlp
from frontwatch.settings import load_settings


def _pred(probabilities: dict[str, float]) -> Prediction:
    best = max(probabilities, key=probabilities.__getitem__)
    return Prediction(best, probabilities[best], probabilities)


RULES_CLASH = Coding("Battles/Armed clash", "FIGHT", "small-arms", "political_violence", 2.0)
RULES_SAY = Coding(None, "DEMAND", None, "verbal", 1.0)


def test_learned_case_labels_cover_the_30_labels() -> None:
    labels = case_labels()
    assert len(labels.to_acled) == 25
    assert labels.to_acled["AIR_STRIKE"] == "Explosions/Remote violence/Air/drone strike"
    assert labels.to_category == {
        "NATURAL_DISASTER": "natural_disaster",
        "MAN_MADE_DISASTER": "industrial_accident",
        "ORG_CRIME": "crime",
    }
    assert labels.crime == {"ORG_CRIME": "CRIME"}
    assert (labels.attribution, labels.diplomacy) == ("ATTRIB", "DIPLO")


def test_learned_sub_type_implies_plover() -> None:
    preds = {"case": _pred({"AIR_STRIKE": 0.8, "ARMED_CLASH": 0.1, "NONE": 0.1})}
    coding = learned_coding("AIR_STRIKE", preds, RULES_CLASH, load_lexicon())
    assert coding == Coding(
        "Explosions/Remote violence/Air/drone strike", "FIGHT", "aerial", "political_violence", 0.8
    )


def test_learned_same_sub_type_keeps_the_rules_codes() -> None:
    preds = {"case": _pred({"ARMED_CLASH": 0.7, "NONE": 0.3})}
    coding = learned_coding("ARMED_CLASH", preds, RULES_CLASH, load_lexicon())
    assert coding == Coding("Battles/Armed clash", "FIGHT", "small-arms", "political_violence", 0.7)


def test_learned_diplomacy_keeps_a_verbal_rules_type() -> None:
    preds = {
        "case": _pred({"DIPLO": 0.9, "NONE": 0.1}),
        "plover": _pred({"DEMAND": 0.1, "REJECT": 0.8, "NONE": 0.1}),
    }
    coding = learned_coding("DIPLO", preds, RULES_SAY, load_lexicon())
    assert (coding.acled, coding.plover, coding.category) == (None, "DEMAND", "verbal")
    # the rules read a clash: the plover head's best diplomacy type
    coding = learned_coding("DIPLO", preds, RULES_CLASH, load_lexicon())
    assert (coding.acled, coding.plover, coding.category) == (None, "REJECT", "verbal")


def test_learned_out_of_scope_labels() -> None:
    lex = load_lexicon()
    preds = {"case": _pred({"NATURAL_DISASTER": 0.9, "NONE": 0.1})}
    coding = learned_coding("NATURAL_DISASTER", preds, RULES_CLASH, lex)
    assert (coding.acled, coding.plover, coding.category) == (None, "DISASTER", "natural_disaster")
    coding = learned_coding("ORG_CRIME", preds, RULES_CLASH, lex)
    assert (coding.acled, coding.plover, coding.category) == (None, "CRIME", "crime")


def test_learned_decide_confidence_and_none_gate() -> None:
    lex = load_lexicon()
    gate = Gate(shift=0.6, modality=0.25, drop=0.95)
    sure = {"case": _pred({"ARMED_CLASH": 0.85, "NONE": 0.15})}
    decision = decide(sure, RULES_CLASH, "asserted", lex, gate)
    assert (decision.modality, decision.confidence, decision.drop) == ("asserted", 0.85, False)
    # no event stated as having happened, and the model reads a hypothetical: shifted
    maybe = {
        "case": _pred({"ARMED_CLASH": 0.3, "NONE": 0.7}),
        "modality": _pred({"asserted": 0.5, "hypothetical": 0.4, "negated": 0.1}),
    }
    decision = decide(maybe, RULES_CLASH, "asserted", lex, gate)
    assert (decision.modality, decision.confidence, decision.drop) == ("hypothetical", 0.3, False)
    # no non-factual reading: kept below the drop threshold, dropped above it
    plain = {"case": maybe["case"], "modality": _pred({"asserted": 0.9, "future": 0.1})}
    assert not decide(plain, RULES_CLASH, "asserted", lex, gate).drop
    none = {"case": _pred({"ARMED_CLASH": 0.02, "NONE": 0.98}), "modality": plain["modality"]}
    assert decide(none, RULES_CLASH, "asserted", lex, gate).drop
    # a candidate the rules already read as non-factual is never dropped
    assert not decide(none, RULES_CLASH, "negated", lex, gate).drop


def _fixed_coder(case: dict[str, float], modality: dict[str, float] | None = None) -> Coder:
    """A model that answers the same probabilities whatever it reads (zero weights; the
    intercepts are the log-probabilities)."""
    vocab = Vocabulary.fit([text_features("any text")], min_df=1)
    heads = {}
    for name, probs in (("case", case), ("modality", modality or {})):
        if probs:
            classes = sorted(probs)
            intercept = np.log(np.array([probs[c] for c in classes], np.float32))
            weights = np.zeros((vocab.size, len(classes)), np.float32)
            heads[name] = LinearHead(name, classes, weights, intercept, 1.0)
    digest = hashlib.sha256(b"{}\n").hexdigest()
    meta = {"training": {"gold_sets": ["g.jsonl"], "files": [{"path": "x", "sha256": digest}]}}
    return Coder(vocab, heads, meta)


def _candidate(
    rules: Coding,
    family: str,
    rank: tuple[float, float],
    modality: str = "asserted",
    abstract: tuple[str, ...] = (),
) -> Candidate:
    return Candidate(CoderRow("one text", (), abstract), rules, modality, family, rank)


RULES_ARREST = Coding("Strategic developments/Arrests", "COERCE", "arrest", "political_violence", 1)


def test_learned_candidates_of_one_text_share_its_label_by_family() -> None:
    lex = load_lexicon()
    coder = _fixed_coder({"ARMED_CLASH": 0.7, "ARREST": 0.2, "NONE": 0.1})
    clash = _candidate(RULES_CLASH, "violence", (1.0, 0.8))
    arrest = _candidate(RULES_ARREST, "coercion", (0.5, 0.6))
    said = _candidate(RULES_SAY, "none", (0.5, 0.4))
    got = decide_all(coder, [clash, arrest, said], lex)
    # the clash takes the text's label; the arrest the best of its family; the statement,
    # whose family holds none of the probability, keeps the rules' codes
    assert [(d.coding.acled, d.coding.plover, d.confidence) for d in got] == [
        ("Battles/Armed clash", "FIGHT", 0.7),
        ("Strategic developments/Arrests", "COERCE", 0.2),
        (None, "DEMAND", 0.01),
    ]


def test_learned_the_rules_first_candidate_leads_when_no_family_holds_the_label() -> None:
    lex = load_lexicon()
    coder = _fixed_coder({"PEACE_PROTEST": 0.8, "ARMED_CLASH": 0.05, "NONE": 0.15})
    crowd = ("a", "crowd", "gather")  # a protest sub-type needs a word of a protest
    first = _candidate(RULES_CLASH, "violence", (1.0, 0.9), abstract=crowd)
    second = _candidate(RULES_ARREST, "coercion", (0.5, 0.6), abstract=crowd)
    got = decide_all(coder, [second, first], lex)
    assert [(d.coding.acled, d.confidence) for d in got] == [
        ("Strategic developments/Arrests", 0.01),  # family share < 10 %: the rules' codes
        ("Protests/Peaceful protest", 0.8),
    ]


PROTEST_LABELS = {"PEACE_PROTEST", "PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST", "VIOL_DEMONSTR"}


def test_learned_protest_labels_need_a_protest_in_the_text() -> None:
    lex = load_lexicon()

    def row(abstract: tuple[str, ...], rules: tuple[str, ...] = ()) -> CoderRow:
        return CoderRow("text", rules, abstract)

    market = ("witness", "say", "militant", "fire", "on", "a", "market", "in", "GPE")
    # nor an aircraft, a suicide, a grenade, a chemical, an explosive device, a sexual act or
    # a natural hazard
    weapons = {
        "AIR_STRIKE",
        "SUIC_BOMB",
        "GRENADE",
        "CHEM_WEAP",
        "REM_EXPLOS",
        "SEX_VIOL",
        "NATURAL_DISASTER",
    }
    assert unsupported([row(market)], lex) == PROTEST_LABELS | weapons
    # a protester noun, a trigger word of a protest frame, a phrase of crowd control, a
    # candidate of the protest family or an actor typed as protesters: evidence
    assert unsupported([row((*market, "and", "protester"))], lex) == weapons
    assert unsupported([row(("police", "break", "up", "a", "rally"))], lex) == weapons
    # "gas" is a word of a chemical weapon too
    assert unsupported([row(("police", "fire", "tear", "gas"))], lex) == weapons - {"CHEM_WEAP"}
    assert unsupported([row(market), row((), ("family=protest",))], lex) == weapons
    assert unsupported([row(market, ("a2=protesters",))], lex) == weapons
    # a trigger phrase of the frame, a word of the text that the abstraction hides (an
    # entity), a candidate of the frame
    car = unsupported([row(("a", "car", "bomb", "go", "off"))], lex)
    assert car == PROTEST_LABELS | weapons - {"REM_EXPLOS", "AIR_STRIKE"}  # bombs fall too
    ied = CoderRow("An IED went off.", (), ("a", "ORG", "go", "off"))
    assert unsupported([ied], lex) == PROTEST_LABELS | weapons - {"REM_EXPLOS"}
    assert "GRENADE" not in unsupported([row(market, ("frame=grenade",))], lex)


def test_learned_condition_on_the_labels_a_text_cannot_take() -> None:
    pred = {"case": _pred({"FORCE_AGAINST_PROTEST": 0.6, "ATTACK": 0.3, "NONE": 0.1})}
    got = condition(pred, frozenset(PROTEST_LABELS))["case"]
    assert (got.label, round(got.probability, 3)) == ("ATTACK", 0.75)
    assert {k: round(v, 3) for k, v in got.probabilities.items()} == {
        "FORCE_AGAINST_PROTEST": 0.0,
        "ATTACK": 0.75,
        "NONE": 0.25,
    }
    assert condition(pred, frozenset({"ARREST"})) is pred


def test_learned_no_force_against_protesters_without_protesters() -> None:
    lex = load_lexicon()
    coder = _fixed_coder({"FORCE_AGAINST_PROTEST": 0.6, "ATTACK": 0.3, "NONE": 0.1})
    fired = _candidate(RULES_CLASH, "violence", (1.0, 0.9), abstract=("fire", "on", "a", "market"))
    (got,) = decide_all(coder, [fired], lex)
    assert (got.coding.acled, got.confidence, got.label) == (
        "Violence against civilians/Attack",
        0.75,
        "ATTACK",
    )
    (got,) = decide_all(coder, [dataclasses.replace(fired, row=CoderRow("t", (), ("crowd",)))], lex)
    assert (got.coding.acled, got.confidence) == (
        "Protests/Excessive force against protesters",
        0.6,
    )


def test_learned_same_codes_keep_the_rules_order() -> None:
    lex = load_lexicon()
    coder = _fixed_coder({"ARMED_CLASH": 0.8, "NONE": 0.2})
    negated = _candidate(RULES_CLASH, "violence", (1.0, 0.4), "negated")
    asserted = _candidate(RULES_CLASH, "violence", (1.0, 0.8))
    got = decide_all(coder, [negated, asserted], lex)
    assert [(d.modality, d.confidence) for d in got] == [("negated", 0.4), ("asserted", 0.8)]


def test_learned_rules_label() -> None:
    assert rules_label(RULES_CLASH) == "ARMED_CLASH"
    assert rules_label(RULES_SAY) == "DIPLO"
    assert rules_label(Coding(None, "ACCUSE", None, "claim", 1.0)) == "ATTRIB"
    assert rules_label(Coding(None, "CRIME", None, "crime", 1.0)) == "ORG_CRIME"
    assert rules_label(Coding(None, "DISASTER", None, "natural_disaster", 1.0)) == (
        "NATURAL_DISASTER"
    )


def test_learned_eval_refuses_the_model_training_data(tmp_path: Path) -> None:
    gold = tmp_path / "g.jsonl"
    gold.write_text("{}\n", encoding="utf-8")
    extractor = Extractor(coder=_fixed_coder({"ARMED_CLASH": 0.9, "NONE": 0.1}))
    with pytest.raises(FrontwatchError) as err:
        check_not_trained_on(extractor, gold)  # by name
    assert err.value.code == "E203"
    copy = tmp_path / "copy.jsonl"
    copy.write_text("{}\n", encoding="utf-8")
    with pytest.raises(FrontwatchError, match="E203"):
        check_not_trained_on(extractor, copy)  # by content
    other = tmp_path / "other.jsonl"
    other.write_text("{}\n\n", encoding="utf-8")
    check_not_trained_on(extractor, other)  # neither its name nor its content
    extractor.coder = None
    check_not_trained_on(extractor, gold)  # the rules alone learned from nothing


def test_learned_the_rules_first_candidate_stays_first_when_its_family_is_probable() -> None:
    lex = load_lexicon()
    # "X complained to the UN over two air raids": the complaint is the sentence's main event
    coder = _fixed_coder({"DIPLO": 0.6, "AIR_STRIKE": 0.35, "NONE": 0.05})
    said = ("GPE", "complain", "to", "the", "ORG", "over", "two", "air", "raid")
    complained = _candidate(RULES_SAY, "none", (1.0, 0.7), abstract=said)
    raids = _candidate(RULES_CLASH, "explosion", (0.5, 0.6), abstract=said)
    got = decide_all(coder, [complained, raids], lex)
    assert [(d.coding.acled, d.coding.plover, d.confidence) for d in got] == [
        (None, "DEMAND", 0.6),
        ("Explosions/Remote violence/Air/drone strike", "FIGHT", 0.35),
    ]
    # the air strike holds most of the probability: it leads, the statement keeps its own
    coder = _fixed_coder({"DIPLO": 0.3, "AIR_STRIKE": 0.65, "NONE": 0.05})
    got = decide_all(coder, [complained, raids], lex)
    assert [(d.coding.plover, d.confidence) for d in got] == [("DEMAND", 0.3), ("FIGHT", 0.65)]


def test_learned_scope_acled_keeps_the_rules_plover_codes() -> None:
    lex = load_lexicon()
    clash = _candidate(RULES_CLASH, "violence", (1.0, 0.8), abstract=("a", "drone", "hit"))
    coder = _fixed_coder({"AIR_STRIKE": 0.7, "ARMED_CLASH": 0.1, "NONE": 0.2})
    (got,) = decide_all(coder, [clash], lex, scope="acled")
    # the model's sub-type, the rules' PLOVER type and mode
    coding = got.coding
    assert (coding.acled, coding.plover, coding.mode, coding.category, got.confidence) == (
        "Explosions/Remote violence/Air/drone strike",
        "FIGHT",
        "small-arms",
        "political_violence",
        0.7,
    )
    # below gate.acled (0.5) the rules' codes stay, with the probability of their label
    coder = _fixed_coder({"AIR_STRIKE": 0.4, "ARMED_CLASH": 0.15, "NONE": 0.45})
    (got,) = decide_all(coder, [clash], lex, scope="acled")
    assert (got.coding, got.confidence, got.label) == (RULES_CLASH, 0.15, "ARMED_CLASH")
    (got,) = decide_all(coder, [clash], lex, Gate(acled=0.3), scope="acled")
    assert got.coding.acled == "Explosions/Remote violence/Air/drone strike"
    # ... unless its sub-type is its best answer and at least 3 times as probable as the
    # rules' one
    coder = _fixed_coder({"AIR_STRIKE": 0.4, "ARMED_CLASH": 0.1, "ATTACK": 0.2, "NONE": 0.3})
    (got,) = decide_all(coder, [clash], lex, scope="acled")
    assert (got.coding.acled, got.confidence) == (
        "Explosions/Remote violence/Air/drone strike",
        0.4,
    )
    # not when it finds no event likelier
    coder = _fixed_coder({"AIR_STRIKE": 0.4, "ARMED_CLASH": 0.1, "NONE": 0.5})
    (got,) = decide_all(coder, [clash], lex, scope="acled")
    assert (got.coding, got.confidence) == (RULES_CLASH, 0.1)
    # nor when it gave it less than 0.1 before a label the text cannot take was set aside (no
    # protest here: 0.09 is 0.36 after)
    probs = {"PEACE_PROTEST": 0.7, "AIR_STRIKE": 0.09, "ARMED_CLASH": 0.02, "NONE": 0.08}
    (got,) = decide_all(_fixed_coder({**probs, "ATTACK": 0.06}), [clash], lex, scope="acled")
    assert (got.coding, got.label) == (RULES_CLASH, "ARMED_CLASH")
    # an out-of-scope label changes what kind of event it is: only from gate.acled
    coder = _fixed_coder({"DIPLO": 0.4, "ARMED_CLASH": 0.1, "NONE": 0.5})
    (got,) = decide_all(coder, [clash], lex, scope="acled")
    assert got.coding == RULES_CLASH


def test_learned_scope_acled_out_of_scope_labels() -> None:
    lex = load_lexicon()
    clash = _candidate(RULES_CLASH, "violence", (1.0, 0.8))
    # a natural disaster: no ACLED codes, its category and, since the rules' PLOVER type is of
    # another category, the category's PLOVER type
    flood = ("the", "flood", "say", "GPE")
    said = _candidate(RULES_SAY, "none", (1.0, 0.8), abstract=flood)
    disaster = _fixed_coder({"NATURAL_DISASTER": 0.9, "NONE": 0.1})
    (got,) = decide_all(disaster, [said], lex, scope="acled")
    assert dataclasses.replace(got.coding, margin=0) == Coding(
        None, "DISASTER", None, "natural_disaster", 0
    )
    # a text that names no hazard is no natural disaster (nothing else left: the rules' codes)
    (got,) = decide_all(disaster, [clash], lex, scope="acled")
    assert got.coding == RULES_CLASH
    # with one, a conflict trigger of it is one too ("the floods killed 30")
    (got,) = decide_all(disaster, [dataclasses.replace(clash, row=said.row)], lex, scope="acled")
    assert dataclasses.replace(got.coding, margin=0) == Coding(
        None, "DISASTER", None, "natural_disaster", 0
    )
    # organised crime: the category crime (CASE's ORG_CRIME), PLOVER CRIME
    crime = _fixed_coder({"ORG_CRIME": 0.9, "NONE": 0.1})
    (got,) = decide_all(crime, [clash], lex, scope="acled")
    assert dataclasses.replace(got.coding, margin=0) == Coding(None, "CRIME", None, "crime", 0)
    # diplomacy read by the rules as a material act: a statement type (no plover head here:
    # the first the label allows)
    (got,) = decide_all(_fixed_coder({"DIPLO": 0.9, "NONE": 0.1}), [clash], lex, scope="acled")
    assert dataclasses.replace(got.coding, margin=0) == Coding(None, "AGREE", None, "verbal", 0)
    # a statement the rules read as one keeps their PLOVER type; the model says whether it is
    # a claim or blame (ATTRIB) or diplomacy
    (got,) = decide_all(_fixed_coder({"ATTRIB": 0.9, "NONE": 0.1}), [said], lex, scope="acled")
    assert dataclasses.replace(got.coding, margin=0) == Coding(None, "DEMAND", None, "claim", 0)
    (got,) = decide_all(_fixed_coder({"DIPLO": 0.9, "NONE": 0.1}), [said], lex, scope="acled")
    assert dataclasses.replace(got.coding, margin=0) == dataclasses.replace(RULES_SAY, margin=0)


def test_learned_scope_acled_keeps_the_rules_modality_and_order() -> None:
    lex = load_lexicon()
    clash = _candidate(RULES_CLASH, "violence", (1.0, 0.6))
    arrest = _candidate(RULES_ARREST, "coercion", (0.5, 0.9))
    coder = _fixed_coder({"ARMED_CLASH": 0.7, "ARREST": 0.2, "NONE": 0.1})
    got = decide_all(coder, [clash, arrest], lex, scope="acled")
    # the text's label goes to the candidate whose family holds it, even when the rules rank
    # another first ("recaptured the town ... seized three tanks"); the other one takes its
    # family's best label and comes after it
    assert [(d.coding.acled, d.coding.plover, d.confidence) for d in got] == [
        ("Battles/Armed clash", "FIGHT", 0.7),
        ("Strategic developments/Arrests", "COERCE", 0.2),
    ]
    # when no family holds it, the rules' first candidate takes it: factual first, then the
    # main clause's (prominence 1.0 against 0.5), whatever the other one's confidence; the
    # other one takes its family's best label
    coder = _fixed_coder({"PEACE_PROTEST": 0.7, "ARMED_CLASH": 0.1, "NONE": 0.2})
    crowd = CoderRow("one text", (), ("crowd",))
    clash, arrest = (dataclasses.replace(c, row=crowd) for c in (clash, arrest))
    got = decide_all(coder, [clash, arrest], lex, scope="acled")
    assert [(d.coding.acled, d.confidence) for d in got] == [
        ("Protests/Peaceful protest", 0.7),
        ("Strategic developments/Arrests", 0.01),
    ]
    # of two main clauses, the one of highest confidence
    arrest = dataclasses.replace(arrest, rank=(1.0, 0.9))
    got = decide_all(coder, [clash, arrest], lex, scope="acled")
    assert [(d.coding.acled, d.confidence) for d in got] == [
        ("Battles/Armed clash", 0.1),
        ("Protests/Peaceful protest", 0.7),
    ]
    # the NONE gate does not act: the rules decide what is an event and its modality
    sure = _fixed_coder({"ARMED_CLASH": 0.01, "NONE": 0.99}, {"future": 0.9, "asserted": 0.1})
    (got_one,) = decide_all(sure, [clash], lex, scope="acled")
    assert (got_one.modality, got_one.drop, got_one.coding) == ("asserted", False, RULES_CLASH)


def test_learned_propose_an_event_where_the_rules_found_none() -> None:
    lex = load_lexicon()
    row = CoderRow("one text", (), ())
    sure = _fixed_coder({"ARMED_CLASH": 0.7, "NONE": 0.3}, {"asserted": 0.8, "future": 0.2})
    decision = propose(sure, row, lex)
    assert decision is not None
    coding = decision.coding
    assert (coding.acled, coding.plover, coding.mode, decision.confidence, decision.label) == (
        "Battles/Armed clash",
        "FIGHT",
        "small-arms",
        0.7,
        "ARMED_CLASH",
    )
    # unsure, or no event, or read as not having happened: abstain
    unsure = _fixed_coder({"ARMED_CLASH": 0.45, "ATTACK": 0.2, "NONE": 0.35})
    assert propose(unsure, row, lex) is None
    assert propose(_fixed_coder({"ARMED_CLASH": 0.1, "NONE": 0.9}), row, lex) is None
    planned = _fixed_coder({"ARMED_CLASH": 0.7, "NONE": 0.3}, {"asserted": 0.3, "future": 0.7})
    assert propose(planned, row, lex) is None


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp(load_settings())


def test_learned_proposed_event_through_assembly(nlp: Language) -> None:
    """No trigger of the lexicon in the text: the model's event, told by the first sentence,
    its main verb the trigger, its subject the actor."""
    doc = nlp("Clan militias traded blows near the market on Tuesday.")
    assert doc._.fw_events == []
    sure = _fixed_coder({"ARMED_CLASH": 0.8, "NONE": 0.2}, {"asserted": 0.9, "future": 0.1})
    (event,) = assemble(doc, coder=sure, scope="acled").events
    assert event.acled is not None and event.actor1 is not None
    assert (
        event.trigger.text,
        event.acled.sub_event_type,
        event.plover.type if event.plover else None,
        event.actor1.text,
        event.confidence,
        event.modality,
    ) == ("traded", "Armed clash", "FIGHT", "Clan militias", 0.8, "asserted")
    # without a coder, or with a long document, the rules' silence stands
    assert assemble(doc).events == []
