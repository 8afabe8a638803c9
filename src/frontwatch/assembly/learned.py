"""The learned coder in assembly: what it reads of a candidate, and how its answer codes it.

The rules find a candidate event, its spans and its arguments, and code it (:mod:`.coding`);
the learned coder (:mod:`frontwatch.coder`) then reads

* the text: a short document (a snippet of at most :data:`SNIPPET_SENTENCES` sentences) whole,
  as the model was trained; otherwise the candidate's sentence;
* the rules' features of the candidate (:func:`rule_features`): its frame, trigger lemma, the
  rules' PLOVER type and ACLED sub-type, the types of its actors, its modality and status;
* an abstraction of the text from the parse (:func:`abstraction`): lemmas with each named
  entity replaced by its type, numbers by ``NUM`` (``ORG kill NUM``);

and decides (:func:`decide`) the candidate's CASE label (an ACLED sub-type or an out-of-scope
category), its PLOVER type and mode, whether it is an event at all (``NONE``), and its
confidence, the calibrated probability of its label. A factual candidate that the model reads
as no event takes the model's best non-factual modality when that one is probable, and is
dropped only when the model is very sure (:class:`Gate`).

Before it decides, the model's answer is conditioned on what the text mentions
(:func:`unsupported`, :func:`condition`, ``label_evidence.json``): a label the codebook defines
by its participants or its weapon (a protest sub-type, an air strike, a grenade...) has no
probability in a text that names none of them, and the other labels share its probability.

Several candidates read the same text (a snippet, a sentence) and the model's label is that
text's, so :func:`decide_all` shares it out: a candidate whose frame family (``triggers.json``)
holds its best label takes it; when none does, the candidate the rules rank first (prominence,
then the rules' confidence) takes it; every other candidate takes the best label of its own
family, and keeps the rules' codes when its family holds less than :data:`FAMILY_SHARE` of the
probability of an event; but when the family of the candidate the rules rank first holds at
least :data:`LEAD_SHARE` of it, that candidate stays first.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span

from ..coder import NONE, Coder, CoderInput, Prediction
from ..components.events import EventCandidate
from ..lexicon import load, table
from ..lexicon.events import OUT_OF_SCOPE, Lexicon
from ..records import FACTUAL_MODALITIES, STATEMENT_CATEGORIES, Actor
from .coding import OOS_PLOVER, Coding

#: A document of at most this many sentences is coded whole (as the training snippets were).
SNIPPET_SENTENCES = 4
#: A candidate that does not lead its text keeps the rules' codes when its frame family holds
#: less than this share of the probability that the text states an event.
FAMILY_SHARE = 0.1
#: When several candidates read one text and the rules' first candidate's frame family holds
#: at least this share of the probability of an event, that candidate stays the main event (it
#: takes its family's best label and comes first): the main clause's event, as PLOVER codes a
#: sentence. Below it, the candidate whose family holds the model's label leads, as CASE 2021
#: codes a snippet. Chosen with the model trained on the corpus alone (no gold): plover-dev
#: PLOVER type 0.673 -> 0.709, case2021-dev weighted F1 0.683 -> 0.677 (0.3: 0.733 / 0.664;
#: 0.9: 0.679 / 0.685).
LEAD_SHARE = 0.6
NON_FACTUAL = ("negated", "hypothetical", "future")
#: What the model decides (the setting ``coder_fields``): ``"all"``, every code of a candidate
#: and which candidate of a text leads; ``"acled"``, the ACLED type and sub-type (or the
#: out-of-scope category) only, the rules keeping the PLOVER type and mode and the order of the
#: candidates of one text.
SCOPES = ("acled", "all")


@dataclass(frozen=True)
class Gate:
    """How the model's ``NONE`` acts on a factual candidate: from ``P(NONE) >= shift`` it takes
    the modality head's best non-factual modality when that one has at least ``modality``
    probability; from ``P(NONE) >= drop`` a candidate without one is dropped. With the scope
    ``"acled"``, the model's label replaces the rules' ACLED codes from a probability of
    ``acled``, or, for an ACLED sub-type that is its best answer, from ``likelier`` times its
    probability of the rules' label and at least ``least`` (:func:`_acled_decision`). A short
    text in which the rules find no candidate is an event of the model's label when it gives
    that label at least ``propose`` (:func:`propose`)."""

    shift: float = 0.6
    modality: float = 0.25
    drop: float = 0.95
    acled: float = 0.5
    likelier: float = 3.0
    least: float = 0.1
    propose: float = 0.5


DEFAULT_GATE = Gate()


@dataclass(frozen=True)
class CoderRow:
    """What the coder reads for one candidate."""

    text: str
    rules: tuple[str, ...]
    abstract: tuple[str, ...]

    def as_input(self) -> CoderInput:
        return CoderInput(self.text, rules=self.rules, abstract=self.abstract)


@dataclass(frozen=True)
class Candidate:
    """A candidate as the learned coder sees it: what it reads, the rules' codes and modality,
    the frame family of its trigger, and its rank among the candidates of the same text
    (prominence, the rules' confidence)."""

    row: CoderRow
    rules: Coding
    modality: str
    family: str
    rank: tuple[float, float]


@dataclass(frozen=True)
class Decision:
    """The codes, modality and confidence of a candidate; ``label``: the CASE label whose
    probability the confidence is."""

    coding: Coding
    modality: str
    confidence: float
    drop: bool = False
    label: str | None = None


@dataclass(frozen=True)
class CaseLabels:
    """The CASE 2021 labels (``case2021_labels.json``) as codes of a record."""

    to_acled: dict[str, str]  # CASE code -> "Event type/Sub-event type"
    to_case: dict[str, str]  # "Event type/Sub-event type" -> CASE code
    to_category: dict[str, str]  # CASE code -> out-of-scope category
    crime: dict[str, str]  # CASE code -> PLOVER type (ORG_CRIME -> CRIME)
    attribution: str
    attribution_plover: tuple[str, ...]
    diplomacy: str
    diplomacy_plover: tuple[str, ...]


@lru_cache(maxsize=1)
def case_labels() -> CaseLabels:
    raw = load("case2021_labels")
    return CaseLabels(
        to_acled={v: k for k, v in raw["acled_to_case"].items()},
        to_case=dict(raw["acled_to_case"]),
        to_category={v: k for k, v in raw["category_to_case"].items()},
        crime={v: k.upper() for k, v in raw["crime_plover"].items()},
        attribution=raw["attribution"]["label"],
        attribution_plover=tuple(p.upper() for p in raw["attribution"]["plover"]),
        diplomacy=raw["diplomacy"]["label"],
        diplomacy_plover=tuple(p.upper() for p in raw["diplomacy"]["plover"]),
    )


@dataclass(frozen=True)
class Requirement:
    """CASE labels a text may take only when it mentions what defines them
    (``label_evidence.json``): one of ``words`` (word or lemma sequences), a trigger word or
    phrase of one of ``frames`` or of a frame of one of ``families``, or a candidate whose rule
    features include one of ``features`` (its frame or frame family, its actors' types)."""

    labels: frozenset[str]
    words: frozenset[tuple[str, ...]]
    families: tuple[str, ...]
    frames: tuple[str, ...]
    features: frozenset[str]

    def forms(self, lex: Lexicon) -> frozenset[tuple[str, ...]]:
        """Every word sequence that is evidence: ``words`` and the frames' triggers."""
        frames = {*self.frames, *(n for n, f in lex.frames.items() if f.family in self.families)}
        found = [lex.frame_triggers.get(name, frozenset()) for name in sorted(frames)]
        return self.words.union(*found)


#: A word of a text, for :class:`Requirement` (the abstraction hides the words of entities).
WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def requirements() -> tuple[Requirement, ...]:
    """The labels that need evidence in the text (``label_evidence.json``)."""
    noun_types = table("actor_words", "noun_types")
    labels = case_labels()
    of_category = {category: code for code, category in labels.to_category.items()}
    out = []
    for spec in load("label_evidence")["requirements"].values():
        types = spec["actor_types"]
        words = {tuple(w.split()) for w in spec["lemmas"]}
        words |= {(noun,) for kind in types for noun in noun_types.get(kind, ())}
        features = {f"a{i}={kind}" for i in (1, 2) for kind in types}
        features |= {f"family={family}" for family in spec["families"]}
        features |= {f"frame={frame}" for frame in spec["frames"]}
        out.append(
            Requirement(
                frozenset(
                    [labels.to_case[a] for a in spec["acled"]]
                    + [of_category[c] for c in spec.get("categories", ())]
                ),
                frozenset(words),
                tuple(spec["families"]),
                tuple(spec["frames"]),
                frozenset(features),
            )
        )
    return tuple(out)


#: The evidence of every requirement of a lexicon, by first word: word -> (sequence, index).
_EVIDENCE: dict[int, tuple[Lexicon, dict[str, list[tuple[tuple[str, ...], int]]]]] = {}


def _evidence(lex: Lexicon) -> dict[str, list[tuple[tuple[str, ...], int]]]:
    cached = _EVIDENCE.get(id(lex))
    if cached is not None and cached[0] is lex:
        return cached[1]
    index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for k, req in enumerate(requirements()):
        for form in sorted(req.forms(lex)):
            index.setdefault(form[0], []).append((form, k))
    _EVIDENCE[id(lex)] = (lex, index)
    return index


def unsupported(rows: list[CoderRow], lex: Lexicon) -> frozenset[str]:
    """The CASE labels the texts of ``rows`` cannot take: those of the requirements they do
    not meet ("militants fired on a market" is no force against protesters)."""
    reqs = requirements()
    met = {k for k, r in enumerate(reqs) if any(not r.features.isdisjoint(x.rules) for x in rows)}
    index = _evidence(lex)
    for row in rows:
        for seq in (row.abstract, tuple(WORD.findall(row.text.lower()))):
            for i, word in enumerate(seq):
                for form, k in index.get(word, ()):
                    if k not in met and seq[i : i + len(form)] == form:
                        met.add(k)
    return frozenset().union(*(r.labels for k, r in enumerate(reqs) if k not in met))


def condition(pred: dict[str, Prediction], excluded: frozenset[str]) -> dict[str, Prediction]:
    """The model's answer given that the text is none of ``excluded``: the CASE head's
    probabilities of those labels set to zero, the others renormalised."""
    case = pred["case"]
    if excluded.isdisjoint(case.probabilities):
        return pred
    total = sum(p for c, p in case.probabilities.items() if c not in excluded)
    if total <= 0.0:
        return pred
    probs = {c: 0.0 if c in excluded else p / total for c, p in case.probabilities.items()}
    label = max(probs, key=lambda c: probs[c])
    return {**pred, "case": Prediction(label, probs[label], probs)}


def _actor_type(actor: Actor | None) -> str:
    if actor is None:
        return "-"
    return actor.type or ("named" if actor.name else "text")


def rule_features(
    doc: Doc, cand: EventCandidate, coding: Coding, actor1: Actor | None, actor2: Actor | None
) -> tuple[str, ...]:
    """The rules' reading of a candidate, as the coder's ``r:`` features."""
    frame = cand.frame
    feats = [
        f"frame={frame.name}",
        f"family={frame.family}",
        f"trig={doc[cand.anchor].lemma_.lower()}",
        f"plover={coding.plover}",
        f"cat={coding.category}",
        f"acled={coding.acled or '-'}",
        f"a1={_actor_type(actor1)}",
        f"a2={_actor_type(actor2)}",
        f"mod={cand.modality}",
        f"status={cand.status or '-'}",
    ]
    if coding.mode:
        feats.append(f"mode={coding.plover}/{coding.mode}")
    if cand.derived_from:
        feats.append("derived")
    if cand.prominence >= 1.0:
        feats.append("main")
    return tuple(feats)


def abstraction(span: Span | Doc) -> tuple[str, ...]:
    """The text's lemmas with each named entity replaced by its type and numbers by ``NUM``;
    punctuation left out."""
    out: list[str] = []
    for tok in span:
        if tok.is_punct or tok.is_space:
            continue
        if tok.ent_type_:
            if tok.ent_iob_ == "B" or not out or out[-1] != tok.ent_type_:
                out.append(tok.ent_type_)
            continue
        out.append("NUM" if tok.like_num else tok.lemma_.lower())
    return tuple(out)


def coder_span(doc: Doc, sents: list[Span], sent_index: int) -> Span | Doc:
    """What the coder reads: the whole of a short document, else the candidate's sentence."""
    return doc if len(sents) <= SNIPPET_SENTENCES else sents[sent_index]


def coder_row(
    doc: Doc,
    sents: list[Span],
    sent_index: int,
    cand: EventCandidate,
    coding: Coding,
    actor1: Actor | None,
    actor2: Actor | None,
) -> CoderRow:
    span = coder_span(doc, sents, sent_index)
    return CoderRow(
        span.text.strip(), rule_features(doc, cand, coding, actor1, actor2), abstraction(span)
    )


def _best(pred: Prediction, allowed: tuple[str, ...] | None = None) -> str | None:
    items = [
        (p, c)
        for c, p in pred.probabilities.items()
        if c != NONE and (allowed is None or c in allowed)
    ]
    return max(items)[1] if items else None


def _mode(preds: dict[str, Prediction], plover: str) -> str | None:
    """The ``mode`` head's best mode of ``plover`` (None without a mode head)."""
    mode = preds.get("mode")
    if mode is None:
        return None
    pairs = [(p, c) for c, p in mode.probabilities.items() if c.startswith(plover + "/")]
    return max(pairs)[1].split("/", 1)[1] if pairs else None


def learned_coding(label: str, preds: dict[str, Prediction], rules: Coding, lex: Lexicon) -> Coding:
    """The record's codes for the CASE ``label`` the model chose."""
    labels = case_labels()
    acled = labels.to_acled.get(label)
    margin = preds["case"].probabilities.get(label, 0.0)
    if acled is not None:
        if acled == rules.acled:
            return Coding(acled, rules.plover, rules.mode, rules.category, margin)
        plover, mode = lex.acled_to_plover.get(acled, (None, None))
        plover = plover or rules.plover
        mode = mode or _mode(preds, plover) or (rules.mode if plover == rules.plover else None)
        return Coding(acled, plover, mode, lex.category_of(acled, plover), margin)
    if label in labels.to_category:  # ORG_CRIME is the category crime
        category = labels.to_category[label]
        if rules.category == category:
            return Coding(None, rules.plover, rules.mode, category, margin)
        return Coding(None, OOS_PLOVER[category], None, category, margin)
    allowed = labels.attribution_plover if label == labels.attribution else labels.diplomacy_plover
    plover_head = preds.get("plover")
    plover = (
        rules.plover
        if rules.plover in allowed
        else (_best(plover_head, allowed) if plover_head is not None else None)
    ) or allowed[0]
    mode = rules.mode if plover == rules.plover else _mode(preds, plover)
    category = lex.plover_categories.get(plover, "verbal")
    if label == labels.attribution and rules.category == "claim":
        category = "claim"
    return Coding(None, plover, mode, category, margin)


def family_labels(family: str, lex: Lexicon) -> tuple[str, ...]:
    """The CASE labels a frame family may take: its ACLED sub-types, and for a family without
    one (verbal, disaster, crime frames) the out-of-scope labels."""
    labels = case_labels()
    codes = tuple(labels.to_case[a] for a in lex.families.get(family, []) if a in labels.to_case)
    if codes and family != "agreement":
        return codes
    return (
        *codes,
        *dict.fromkeys([*labels.to_category, *labels.crime]),
        labels.attribution,
        labels.diplomacy,
    )


def rules_label(coding: Coding) -> str | None:
    """The CASE label of the rules' codes."""
    labels = case_labels()
    if coding.acled is not None:
        return labels.to_case.get(coding.acled)
    for code, category in labels.to_category.items():
        if category == coding.category:
            return code
    if coding.plover in labels.crime.values():
        return next(c for c, p in labels.crime.items() if p == coding.plover)
    if coding.category == "claim":
        return labels.attribution
    return labels.diplomacy if coding.category == "verbal" else None


def snippet_row(doc: Doc, sents: list[Span]) -> CoderRow | None:
    """What the coder reads of a short document in which the rules found no candidate: the
    whole text, no rule features (as the trainer reads such a text); None for a long one."""
    if not sents or len(sents) > SNIPPET_SENTENCES:
        return None
    return CoderRow(doc.text.strip(), (), abstraction(doc))


def propose(
    coder: Coder, row: CoderRow, lex: Lexicon, gate: Gate = DEFAULT_GATE
) -> Decision | None:
    """The model's event for a text in which the rules found no candidate: its label when it
    gives it at least ``gate.propose`` and its modality head reads the text as factual;
    None otherwise (abstain)."""
    preds = condition(coder.predict(row.as_input()), unsupported([row], lex))
    case = preds["case"]
    label = _best(case)
    p = case.probabilities.get(label, 0.0) if label is not None else 0.0
    if label is None or p < gate.propose:
        return None
    learned = preds.get("modality")
    if learned is not None and learned.label in NON_FACTUAL:
        return None
    plover_head = preds.get("plover")
    plover = (
        _best(plover_head) if plover_head is not None else None
    ) or case_labels().diplomacy_plover[0]
    rules = Coding(None, plover, None, lex.plover_categories.get(plover, "verbal"), 0.0)
    coding = learned_coding(label, preds, rules, lex)
    return Decision(coding, "asserted", _probability(p), label=label)


def _probability(p: float) -> float:
    return round(min(0.99, max(0.01, p)), 3)


def decide(
    preds: dict[str, Prediction],
    rules: Coding,
    modality: str,
    lex: Lexicon,
    gate: Gate = DEFAULT_GATE,
    allowed: tuple[str, ...] | None = None,
) -> Decision:
    """The candidate's codes, modality and confidence from the model's answer; ``allowed``:
    the labels it may take when it does not lead its text (its frame family's)."""
    case = preds["case"]
    p_none = case.probabilities.get(NONE, 0.0)
    label = _best(case, allowed)
    share = case.probabilities.get(label, 0.0) if label is not None else 0.0
    if label is None or (allowed is not None and share < FAMILY_SHARE * (1.0 - p_none)):
        label = rules_label(rules)
        p_own = case.probabilities.get(label, 0.0) if label is not None else 1.0 - p_none
        coding, confidence = rules, _probability(p_own)
    else:
        coding = learned_coding(label, preds, rules, lex)
        confidence = _probability(share)
    drop = False
    if modality in FACTUAL_MODALITIES and p_none >= gate.shift:
        learned = preds.get("modality")
        shifted = None
        if learned is not None:
            options = [(learned.probabilities.get(m, 0.0), m) for m in NON_FACTUAL]
            p, best = max(options)
            shifted = best if p >= gate.modality else None
        if shifted is not None:
            modality = shifted
        elif p_none >= gate.drop:
            drop = True
    return Decision(coding, modality, confidence, drop, label)


def decide_all(
    coder: Coder,
    candidates: list[Candidate],
    lex: Lexicon,
    gate: Gate = DEFAULT_GATE,
    scope: str = "all",
) -> list[Decision]:
    """Each candidate's decision; the candidates that read the same text share its label.
    ``scope`` (:data:`SCOPES`): what the model decides."""
    preds = [coder.predict(c.row.as_input()) for c in candidates]
    raw = list(preds)
    groups: dict[str, list[int]] = {}
    for i, cand in enumerate(candidates):
        groups.setdefault(cand.row.text, []).append(i)
    for members in groups.values():
        excluded = unsupported([candidates[i].row for i in members], lex)
        for i in members:
            preds[i] = condition(preds[i], excluded)
    if scope == "acled":
        return _decide_acled(preds, raw, list(groups.values()), candidates, lex, gate)
    out: list[Decision] = []
    leads: set[int] = set()
    firsts: dict[int, list[int]] = {}
    for members in groups.values():
        first = max(members, key=lambda i: (candidates[i].rank, -i))
        if len(members) > 1 and _share(preds[first], _family(candidates[first], lex)) >= LEAD_SHARE:
            firsts[first] = members  # the rules' first candidate stays the text's main event
            continue
        own = {i for i in members if _best(preds[i]["case"]) in _family(candidates[i], lex)}
        leads |= own or {first}
    for i, cand in enumerate(candidates):
        allowed = None if i in leads else _family(cand, lex)
        out.append(decide(preds[i], cand.rules, cand.modality, lex, gate, allowed))
    for first, members in firsts.items():
        _below(first, members, candidates, out)
    for members in groups.values():
        _keep_rules_order(members, candidates, out)
    return out


def _decide_acled(
    preds: list[dict[str, Prediction]],
    raw: list[dict[str, Prediction]],
    groups: list[list[int]],
    candidates: list[Candidate],
    lex: Lexicon,
    gate: Gate,
) -> list[Decision]:
    """Scope ``"acled"``: the text's label goes to the candidate the rules put first among
    those whose frame family holds it (factual first, then the main clause's, then the one of
    highest confidence: "police detained two men suspected of planting a roadside bomb" is
    about the arrest, whatever the frame of the bombing weighs), or to the first one when no
    family holds it; each other candidate takes the best label of its own family ("recaptured
    the town ... seized three tanks": the capture is the territorial gain, not the seizure);
    the rules' PLOVER codes, modality and order stay. The trainer still reads a text by its
    candidate of highest confidence, whatever its clause."""
    out: dict[int, Decision] = {}
    for members in groups:
        order = sorted(
            members,
            key=lambda i: (candidates[i].modality in FACTUAL_MODALITIES, candidates[i].rank, -i),
            reverse=True,
        )
        holders = [i for i in order if _best(preds[i]["case"]) in _family(candidates[i], lex)]
        first = (holders or order)[0]
        for i in members:
            cand = candidates[i]
            allowed = None if i == first else _family(cand, lex)
            decision = decide(preds[i], cand.rules, cand.modality, lex, gate, allowed)
            # the rules' modality: the NONE gate costs plover-dev's recall and gains nothing
            decision = dataclasses.replace(decision, modality=cand.modality, drop=False)
            out[i] = _acled_decision(decision, preds[i], raw[i], cand.rules, lex, gate)
        _rules_order(members, candidates, out, first)
    return [out[i] for i in range(len(candidates))]


def _rules_order(
    members: list[int], candidates: list[Candidate], out: dict[int, Decision], lead: int
) -> None:
    """The candidates of one text keep the rules' order of confidence after the one that takes
    the text's label (``lead``): each one's confidence is at most the one before's, scaled by
    their rules' confidences."""
    ranked = sorted(members, key=lambda i: (i != lead, -candidates[i].rank[1], i))
    for before, i in itertools.pairwise(ranked):
        ratio = candidates[i].rank[1] / max(candidates[before].rank[1], 1e-6)
        cap = out[before].confidence * ratio
        if out[i].confidence > cap:
            out[i] = dataclasses.replace(out[i], confidence=_probability(cap))


def _acled_decision(
    decision: Decision,
    pred: dict[str, Prediction],
    raw: dict[str, Prediction],
    rules: Coding,
    lex: Lexicon,
    gate: Gate,
) -> Decision:
    """Scope ``"acled"``: the model's ACLED codes when it gives its label at least
    ``gate.acled``; below, when the label is an ACLED sub-type that is still the model's best
    answer (``NONE`` included), ``gate.likelier`` times as probable as the rules' label, and
    given at least ``gate.least`` before the labels the text cannot take were set aside
    (:func:`condition` raises what is left: "900,000 people have fled" is no looting because
    the model's 0.05 became 0.23 once its natural disaster was ruled out); else the rules'
    codes. The rules' PLOVER codes either way, unless the model's category contradicts them
    (:func:`acled_only`). ``pred``: the model's answer given what the text lacks; ``raw``: as
    it came."""
    case = pred["case"].probabilities
    label = rules_label(rules)
    p_own = case.get(label, 0.0) if label is not None else 1.0 - case.get(NONE, 0.0)
    p = case.get(decision.label or "", 0.0)
    likelier = (
        decision.coding.acled is not None
        and p >= gate.likelier * p_own
        and p >= case.get(NONE, 0.0)
        and raw["case"].probabilities.get(decision.label or "", 0.0) >= gate.least
    )
    if decision.coding is not rules and p < gate.acled and not likelier:
        return dataclasses.replace(
            decision, coding=rules, confidence=_probability(p_own), label=label
        )
    return dataclasses.replace(decision, coding=acled_only(decision, rules, lex))


def acled_only(decision: Decision, rules: Coding, lex: Lexicon) -> Coding:
    """The model's ACLED type and sub-type (or the out-of-scope category) with the rules'
    PLOVER type and mode, unless those contradict the category: a crime, disaster or
    accident takes its category's PLOVER type when the rules' type is of another category, a
    statement (claims and blame, diplomacy) the model's statement type when the rules' type is
    no statement (:func:`learned_coding`)."""
    learned = decision.coding
    if learned is rules:
        return rules
    if learned.acled is not None:
        category = lex.category_of(learned.acled, rules.plover)
        return Coding(learned.acled, rules.plover, rules.mode, category, learned.margin)
    if learned.category in OUT_OF_SCOPE:
        return learned
    if rules.acled is None and rules.category in STATEMENT_CATEGORIES:
        labels = case_labels()
        category = "claim" if decision.label == labels.attribution else "verbal"
        return Coding(None, rules.plover, rules.mode, category, learned.margin)
    return learned


def _share(pred: dict[str, Prediction], labels: tuple[str, ...]) -> float:
    """The share of ``labels`` in the probability that the text states an event."""
    case = pred["case"].probabilities
    return sum(case.get(label, 0.0) for label in labels) / max(1e-9, 1.0 - case.get(NONE, 0.0))


def _below(
    first: int, members: list[int], candidates: list[Candidate], out: list[Decision]
) -> None:
    """The other candidates of the text of the rules' ``first`` one come after it (those with
    its label: :func:`_keep_rules_order`)."""
    top = out[first].confidence
    for i in members:
        if i != first and out[i].label != out[first].label and out[i].confidence >= top:
            ratio = min(1.0, candidates[i].rank[1] / max(candidates[first].rank[1], 1e-6))
            out[i] = dataclasses.replace(out[i], confidence=_probability(top * ratio * 0.99))


def _keep_rules_order(members: list[int], candidates: list[Candidate], out: list[Decision]) -> None:
    """Candidates of one text whose confidence is the probability of the same label share it:
    the one the rules rank first keeps it, each other one is scaled by its rules' confidence
    relative to that one's (a negated mention of the same attack comes after the asserted one;
    of three statements the model reads as diplomacy, the rules' first stays first)."""
    same: dict[str | None, list[int]] = {}
    for i in members:
        same.setdefault(out[i].label, []).append(i)
    for found in same.values():
        if len(found) < 2:
            continue
        first = max(found, key=lambda i: (candidates[i].rank, -i))
        top = max(candidates[first].rank[1], 1e-6)
        for i in found:
            if i != first:
                ratio = min(1.0, candidates[i].rank[1] / top)
                scaled = _probability(out[i].confidence * ratio)
                out[i] = dataclasses.replace(out[i], confidence=scaled)


def _family(cand: Candidate, lex: Lexicon) -> tuple[str, ...]:
    return family_labels(cand.family, lex)
