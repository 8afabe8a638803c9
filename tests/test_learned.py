"""The learned coder in assembly (frontwatch.assembly.learned): what it decides from the
model's answer, with hand-made probabilities."""

from __future__ import annotations

from frontwatch.assembly.coding import Coding
from frontwatch.assembly.learned import Gate, case_labels, decide, learned_coding
from frontwatch.coder import Prediction
from frontwatch.lexicon.events import load_lexicon


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


def test_learned_diplomacy_keeps_a_verbal_rules_type_the_plover_head_allows() -> None:
    preds = {
        "case": _pred({"DIPLO": 0.9, "NONE": 0.1}),
        "plover": _pred({"DEMAND": 0.3, "REJECT": 0.6, "NONE": 0.1}),
    }
    coding = learned_coding("DIPLO", preds, RULES_SAY, load_lexicon())
    assert (coding.acled, coding.plover, coding.category) == (None, "DEMAND", "verbal")
    preds["plover"] = _pred({"DEMAND": 0.1, "REJECT": 0.8, "NONE": 0.1})
    coding = learned_coding("DIPLO", preds, RULES_SAY, load_lexicon())
    assert (coding.acled, coding.plover) == (None, "REJECT")


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
