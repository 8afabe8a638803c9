"""``fw_events``: event triggers, their frames, argument heads, modality and status.

The component finds the words that state an event (``triggers.json``), keeps those that are
used as events (a participant or a conflict context), and for each one computes:

* the frame it evokes (PLOVER type and mode, default ACLED sub-type, frame family);
* the head tokens of its arguments (who did it, to whom), from the dependency parse;
* its modality (asserted, negated, hypothetical, future; "reported" is added at assembly from
  the attribution component) and status (completed, attempted, failed, ongoing);
* the context cue scores of its sentence (``cues.json``) that refine the ACLED sub-type.

Records are made from these candidates in :mod:`frontwatch.assembly`, once actors,
places, dates and quantities are resolved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from frontwatch.nlp.batching import BatchedPipe
from frontwatch.nlp.extensions import doc_text, entity_root

from ..lexicon import speech_verbs, words
from ..lexicon.events import Frame, Lexicon, Phrase, load_lexicon

logger = logging.getLogger(__name__)

if not Doc.has_extension("fw_events"):
    Doc.set_extension("fw_events", default=None)

ENTITY_LABELS = {"ORG", "NORP", "GPE", "PERSON", "FAC", "LOC"}
ACTOR_NOUNS = words("event_words", "actor_nouns")
SPEECH_VERBS = speech_verbs("statement")
TEMPORAL_PREPS = words("event_words", "temporal_preps")
# how a word depends on a governor whose meaning it takes on ("failed to retake", "risk of war")
COMPLEMENT_DEPS = {
    "xcomp",
    "ccomp",
    "dobj",
    "nsubj",
    "nsubjpass",
    "acl",
    "attr",
    "pcomp",
    "csubj",
    "oprd",
}
WEAPON_FRAMES = words("event_words", "weapon_frames")
# (label, weight, the forms matched, (first token, last token))
CueMatch = tuple[str, float, frozenset[str], tuple[int, int]]
NOT_TARGET_DEPS = {
    "nsubj",
    "nsubjpass",
    "aux",
    "auxpass",
    "neg",
    "punct",
    "cc",
    "mark",
    "npadvmod",
    "advmod",
    "relcl",
    "advcl",
    "parataxis",
    "appos",
}
FINDING_VERBS = words("event_words", "finding_verbs")
OBLIGATION_MODALS = words("modality", "obligation_modals")
STATEMENT_VERBS = words("modality", "statement_verbs")
OFFER_GOVERNORS = words("modality", "offer_governors")
PREPARATION_GOVERNORS = words("modality", "preparation_governors")
INTENT_GOVERNORS = words("modality", "intent_governors")
HOSTILE_FAMILIES = words("event_words", "hostile_families")
HOSTILE_PLOVER = {
    "SANCTION",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "COERCE",
    "ASSAULT",
    "FIGHT",
    "DISAPPROVE",
    "ACCUSE",
}
FUTURE_ADJ = words("modality", "future_adjectives")
HYPOTHETICAL_ADJ = words("modality", "hypothetical_adjectives")
CIVILIAN_NOUNS = words("event_words", "civilian_nouns")
PRONOUNS = words("event_words", "pronouns")
OBJECT_CONTROL_VERBS = words("event_words", "object_control_verbs")
CONTROL_NOUNS = words("event_words", "control_nouns")
CONTROL_PREPS = words("event_words", "control_preps")
NOUN_TARGET_PREPS = words("event_words", "noun_target_preps")
VERBAL_TARGET_PREPS = words("event_words", "verbal_target_preps")
TARGET_PREPS = words("event_words", "target_preps")
FALL_PREPS = words("event_words", "fall_preps")
CONTENT_PREPS = words("event_words", "content_preps")
INSTRUMENT_PREPS = words("event_words", "instrument_preps")
COMPLEMENT_PREPS = words("event_words", "complement_preps")
SETTING_PREPS = words("event_words", "setting_preps")
OBJECT_PREPS = words("event_words", "object_preps")
CONDITIONAL_MARKS = words("modality", "conditional_marks")
CONDITIONAL_OPENERS = words("modality", "conditional_openers")
NEGATION_WORDS = words("modality", "negation_words")
FAILURE_OUTCOMES = words("modality", "failure_outcomes")
# dependency relations along which an argument or a modal/negation governor is inherited
CLIMB_DEPS = {"xcomp", "conj", "advcl", "acl", "relcl", "pcomp", "ccomp"}
VERB_TAGS = {"VERB", "AUX"}
NOUN_TAGS = {"NOUN", "PROPN"}


@dataclass
class EventCandidate:
    """One trigger and what the parse says about it (token indices into the Doc)."""

    start: int
    end: int
    anchor: int
    frame: Frame
    predicate: int  # token whose clause carries the event (light verb or the anchor)
    arg1: int | None = None
    arg2: int | None = None
    theme: int | None = None  # what was taken/hit when it is not an actor (a place, materiel)
    place_target: int | None = None  # no party targeted, but a place is: "blockaded Paris"
    modality: str = "asserted"
    status: str | None = "completed"
    cues: dict[str, float] = field(default_factory=dict)
    doc_cues: dict[str, float] = field(default_factory=dict)
    sent_cues: dict[str, float] = field(default_factory=dict)  # the whole sentence's
    absorbed: list[int] = field(default_factory=list)  # anchors of merged verb triggers
    prominence: float = 0.4  # 1.0: the main predicate of its sentence
    derived_from: str | None = None  # a stated intention: the frame of the intended event
    theme_lemma: str | None = None

    def trigger(self, doc: Doc) -> Span:
        return doc[self.start : self.end]


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _prep_objects(token: Token, preps: Iterable[str]) -> list[Token]:
    wanted = set(preps)
    out: list[Token] = []
    for prep in token.children:
        if prep.dep_ in ("prep", "agent") and prep.lower_ in wanted:
            out.extend(c for c in prep.children if c.dep_ == "pobj")
    return out


# heads that count or group the real participant: "thousands of students", "a group of
# refugees", "members of the association"
GROUP_NOUNS = words("event_words", "group_nouns")


def _group_head(token: Token) -> Token:
    """The participant behind a counting or grouping head ("Tens of thousands of students")."""
    for _ in range(3):
        if not (token.like_num or token.pos_ == "NUM" or token.lemma_.lower() in GROUP_NOUNS):
            break
        of = [
            c
            for p in token.children
            if p.dep_ == "prep" and p.lower_ == "of"
            for c in p.children
            if c.dep_ == "pobj"
        ]
        if not of:
            break
        token = of[0]
    return token


PLACE_NOUNS = words("event_words", "place_nouns")


def _is_place(token: Token) -> bool:
    return token.ent_type_ in ("GPE", "LOC", "FAC") or token.lemma_.lower() in PLACE_NOUNS


LOCATIVE_PREPS = words("event_words", "locative_preps")
MODIFIER_DEPS = {"amod", "compound", "nmod"}
# people named by what they are, beside ACTOR_NOUNS and CIVILIAN_NOUNS
PEOPLE_NOUNS = words("event_words", "people_nouns")
OWN_POSSESSIVES = words("event_words", "own_possessives")


def _in_place(token: Token) -> bool:
    """A place named as where something is: "in Algiers", "in northern Israel"."""
    if token.ent_type_ not in ("GPE", "LOC", "FAC"):
        return False
    root = entity_root(token)
    if root.dep_ in MODIFIER_DEPS and root.head.lemma_.lower() in PLACE_NOUNS:
        return True  # "the Shaar gas field"
    if root.dep_ != "pobj":
        return False
    prep = root.head
    # "in Algiers"; "large areas of Syria"
    return prep.lower_ in LOCATIVE_PREPS or (
        prep.lower_ == "of" and prep.head.lemma_.lower() in PLACE_NOUNS
    )


def frame_moves(cand: EventCandidate) -> bool:
    return cand.frame.name == "mobilize"


def _breadth_first(
    anchor: Token,
    skip: set[int],
    blocked: set[str],
    visit: Callable[[Token], Token | bool | None],
) -> Token | None:
    """Breadth first below ``anchor`` along dependencies not in ``blocked``, leaving out the
    tokens in ``skip``: the first token that ``visit`` returns; ``visit`` returns ``False``
    to leave a token's subtree out, ``None`` to go on below it."""
    queue = [c for c in anchor.children if c.dep_ not in blocked]
    seen: set[int] = set()
    while queue:
        tok = queue.pop(0)
        if tok.i in seen or tok.i in skip:
            continue
        seen.add(tok.i)
        found = visit(tok)
        if found is False:
            continue
        if isinstance(found, Token):
            return found
        queue.extend(c for c in tok.children if c.dep_ not in blocked)
    return None


def _own_forces(token: Token, moved: frozenset[str]) -> bool:
    """The agent's own people, moved or offered: "its troops", "deploy peacekeepers"."""
    if any(c.dep_ == "poss" and c.lower_ in OWN_POSSESSIVES for c in token.children):
        return token.lemma_.lower() in ACTOR_NOUNS or token.lemma_.lower() in PEOPLE_NOUNS
    return token.dep_ in ("dobj", "nsubjpass") and token.head.lemma_.lower() in moved


def _is_actorish(token: Token) -> bool:
    if token.ent_type_ in ENTITY_LABELS:
        return True
    if token.pos_ in NOUN_TAGS and any(
        t.ent_type_ in {"ORG", "NORP", "GPE", "PERSON"} for c in token.lefts for t in c.subtree
    ):
        return True  # "Al Qaeda's North Africa branch", "the Syrian ministry"
    if token.pos_ == "PRON" and token.lower_ in PRONOUNS:
        return True
    return token.lemma_.lower() in ACTOR_NOUNS


class EventDetector(BatchedPipe):
    """Finds event candidates. ``lexicon`` is passed in so that tests can use a small one."""

    def __init__(self, nlp: Language, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        # verbs that move or station forces: their object is the agent's own people
        self._moved = frozenset(v for v, f in self.lexicon.verbs.items() if f == "mobilize")
        # every word that can be a one-word trigger (:meth:`_word_frame` looks only at these)
        self._frame_words = frozenset(
            [*self.lexicon.verbs, *self.lexicon.nouns, *self.lexicon.launch_verbs]
        )
        self._cue_index: dict[str, list[tuple[str, float]]] = {}
        for label, cues in self.lexicon.cues.items():
            for gram, weight in cues.items():
                self._cue_index.setdefault(gram, []).append((label, weight))
        self._forms_cache: tuple[Doc, tuple[list[str], list[str], list[bool]]] | None = None
        self._sents_cache: tuple[Doc, list[Span], list[int]] | None = None
        self._toponyms_cache: tuple[Doc, frozenset[int]] | None = None
        # the first word of every cue, with the length of its longest cue
        self._cue_first: dict[str, int] = {}
        for gram in self._cue_index:
            first, n = gram.split(" ")[0], len(gram.split(" "))
            self._cue_first[first] = max(n, self._cue_first.get(first, 0))
        # phrases indexed by their first word: one pass over the tokens finds them all
        self._phrases: dict[str, list[Phrase]] = {}
        for phrase in self.lexicon.phrases:
            self._phrases.setdefault(phrase.lemmas[0], []).append(phrase)

    def _phrase_matches(self, doc: Doc) -> list[tuple[Phrase, int, int]]:
        """(phrase, start, end) for every phrase of the lexicon in ``doc``, by lemma or form."""
        lowers, lemmas, _ = self._forms(doc)
        phrases = self._phrases
        found = []
        size = len(doc)
        for i in range(size):
            lemma, lower = lemmas[i], lowers[i]
            if lemma not in phrases and lower not in phrases:
                continue
            # the lemma's phrases first, then the word form's: a fixed order, whatever the
            # string hashes
            for first in (lemma,) if lemma == lower else (lemma, lower):
                for phrase in phrases.get(first, ()):
                    n = len(phrase.lemmas)
                    if i + n <= size and all(
                        phrase.lemmas[k] in (lemmas[i + k], lowers[i + k]) for k in range(1, n)
                    ):
                        found.append((phrase, i, i + n))
        return found

    # -- compute ---------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        return self.set_annotations(doc, self.predict(doc))

    def predict(self, doc: Doc) -> list[EventCandidate]:
        lex = self.lexicon
        blocked: set[int] = set()
        found: dict[int, EventCandidate] = {}
        light_anchor: set[int] = set()
        for phrase, start, end in self._phrase_matches(doc):
            anchor = start + phrase.anchor
            if phrase.frame is None:
                blocked.update(range(start, end))
                continue
            if phrase.light:
                light_anchor.add(anchor)
                continue
            frame = lex.frames[phrase.frame]
            prev = found.get(anchor)
            if prev is None or (end - start) > (prev.end - prev.start):
                found[anchor] = EventCandidate(start, end, anchor, frame, anchor)
        lowers, lemmas, _ = self._forms(doc)
        frame_words = self._frame_words
        for i in range(len(doc)):
            if i in found or i in blocked or i in light_anchor:
                continue
            if lemmas[i] not in frame_words and lowers[i] not in frame_words:
                continue  # no trigger of the lexicon: no Token needed
            word_frame = self._word_frame(doc[i])
            if word_frame is not None:
                found[i] = EventCandidate(i, i + 1, i, word_frame, i)
        # a short document's cues are matched once; a sentence's are those inside it
        doc_matches = self._cue_matches(doc) if len(doc_text(doc)) < 1500 else None
        doc_text_cues = self._sum_cues(doc_matches) if doc_matches is not None else {}
        sent_cues: dict[int, dict[str, float]] = {}
        sent_matches: dict[int, list[CueMatch]] = {}
        cands: list[EventCandidate] = []
        for cand in sorted(found.values(), key=lambda c: c.anchor):
            sent = self._sent(doc, cand.anchor)
            if sent.start not in sent_cues:
                if doc_matches is not None:
                    sent_matches[sent.start] = [
                        m for m in doc_matches if sent.start <= m[3][0] and m[3][1] < sent.end
                    ]
                else:
                    sent_matches[sent.start] = self._cue_matches(doc, sent.start, sent.end)
                sent_cues[sent.start] = self._sum_cues(sent_matches[sent.start])
            cand.doc_cues = doc_text_cues
            self._predicate(doc, cand)
            cand.sent_cues = sent_cues[sent.start]
            cand.cues = self._clause_cues(
                doc, cand, found, sent_matches[sent.start], cand.sent_cues
            )
            self._arguments(doc, cand, found)
            if not self._is_eventive(doc, cand, found):
                continue
            flags = self._modality_flags(doc, cand, found.keys())
            cand.modality = self._modality_of(flags)
            cand.status = self._status(doc, cand) if cand.modality in ("asserted",) else None
            cand.prominence = self._prominence(doc, cand)
            cands.append(cand)
            if cand.modality != "asserted":
                act = self._speech_act(doc, cand, flags, found)
                if act is not None:
                    cands.append(act)
        cands.extend(self._stated_obligations(doc, found, sent_cues, doc_text_cues))
        kept = self._absorb(doc, cands)
        for cand in kept:
            self._fallback_target(doc, cand, found)
        return kept

    def _stated_obligations(
        self,
        doc: Doc,
        found: dict[int, EventCandidate],
        sent_cues: dict[int, dict[str, float]],
        doc_cues: dict[str, float],
    ) -> list[EventCandidate]:
        """ "X said Y must do Z": a DEMAND by X on Y, whatever Z is (PLOVER codes the demand)."""
        out = []
        musts = [t.head for t in doc if t.lower_ == "must" and t.dep_ == "aux"]
        for tok in musts:
            if tok.i in found or tok.pos_ not in VERB_TAGS:
                continue
            # "must" only: "should" is as often a forecast ("they shouldn't have trouble")
            if not any(c.dep_ == "aux" and c.lower_ == "must" for c in tok.children):
                continue
            if any(c.dep_ == "neg" for c in tok.children):
                continue
            if (
                tok.dep_ not in ("ccomp", "parataxis")
                or tok.head.lemma_.lower() not in SPEECH_VERBS | STATEMENT_VERBS
            ):
                continue
            speaker = self._subject(tok.head)
            target = self._subject(tok)
            if speaker is None or not _is_actorish(speaker):
                continue
            cand = EventCandidate(
                start=tok.i,
                end=tok.i + 1,
                anchor=tok.i,
                frame=self.lexicon.frames["demand"],
                predicate=tok.i,
                arg1=speaker.i,
                arg2=target.i if target is not None else None,
                modality="asserted",
                status="completed",
                cues=sent_cues.get(self._sent(doc, tok.i).start)
                or self._cues(self._sent(doc, tok.i)),
                doc_cues=doc_cues,
            )
            cand.prominence = self._prominence(doc, cand)
            out.append(cand)
        return out

    def set_annotations(self, doc: Doc, candidates: list[EventCandidate]) -> Doc:
        doc._.fw_events = candidates
        return doc

    # -- triggers --------------------------------------------------------------------------
    def _word_frame(self, token: Token) -> Frame | None:
        lex = self.lexicon
        lemma = token.lemma_.lower()
        lower = token.lower_
        if token.pos_ in VERB_TAGS or token.tag_.startswith("VB"):
            if lemma in lex.launch_verbs:
                for obj in token.children:
                    if obj.dep_ == "dobj" and obj.lemma_.lower() in lex.launch_nouns:
                        return lex.frames[lex.launch_nouns[obj.lemma_.lower()]]
            name = lex.verbs.get(lemma) or lex.verbs.get(lower)
            if name and token.dep_ not in ("amod", "compound"):
                return lex.frames[name]
        elif token.pos_ in NOUN_TAGS:
            name = lex.nouns.get(lemma) or lex.nouns.get(lower)
            if name and token.dep_ != "compound":
                return lex.frames[name]
        return None

    def _cue_matches(self, doc: Doc, start: int = 0, end: int | None = None) -> list[CueMatch]:
        """Every cue of ``cues.json`` in ``doc[start:end]``: at each place the best-weighted
        cue per label, matched on the word forms or the lemmas."""
        words, lemmas, keep = self._forms(doc)
        positions = [i for i in range(start, len(doc) if end is None else end) if keep[i]]
        index = self._cue_index
        matches: list[CueMatch] = []
        for j, i in enumerate(positions):
            longest = max(self._cue_first.get(words[i], 0), self._cue_first.get(lemmas[i], 0))
            for n in range(1, min(longest, len(positions) - j) + 1):
                window = positions[j : j + n]
                forms = {
                    " ".join(words[k] for k in window),
                    " ".join(lemmas[k] for k in window),
                } & index.keys()
                if not forms:
                    continue
                best: dict[str, float] = {}
                for form in forms:
                    for label, weight in index[form]:
                        best[label] = max(weight, best.get(label, 0.0))
                span = (window[0], window[-1])
                matches.extend((label, w, frozenset(forms), span) for label, w in best.items())
        return matches

    def _sent(self, doc: Doc, i: int) -> Span:
        """The sentence of token ``i``; sentences are listed once a Doc (``Token.sent`` scans)."""
        if self._sents_cache is None or self._sents_cache[0] is not doc:
            sents = list(doc.sents)
            sent_of = [0] * len(doc)
            for n, sent in enumerate(sents):
                sent_of[sent.start : sent.end] = [n] * (sent.end - sent.start)
            self._sents_cache = (doc, sents, sent_of)
        return self._sents_cache[1][self._sents_cache[2][i]]

    def _forms(self, doc: Doc) -> tuple[list[str], list[str], list[bool]]:
        """Lower-case forms, lemmas, and which tokens count for cues; computed once a Doc."""
        if self._forms_cache is not None and self._forms_cache[0] is doc:
            return self._forms_cache[1]
        strings = doc.vocab.strings
        rows = doc.to_array([LOWER, LEMMA, IS_SPACE, IS_PUNCT])
        words = [strings[int(r[0])] for r in rows]
        lemmas = [strings[int(r[1])].lower() for r in rows]
        keep = [(not r[2] and not r[3]) or words[i] == "-" for i, r in enumerate(rows)]
        self._forms_cache = (doc, (words, lemmas, keep))
        return words, lemmas, keep

    @staticmethod
    def _sum_cues(matches: list[CueMatch], allowed: set[int] | None = None) -> dict[str, float]:
        """Cue weights per label; a cue counts once however often it occurs, and a word form
        and its lemma at the same place ("captured", "capture") count once."""
        used: dict[str, set[str]] = {}
        scores: dict[str, float] = {}
        for label, weight, forms, (first, last) in matches:
            if allowed is not None and (first not in allowed or last not in allowed):
                continue
            if used.setdefault(label, set()) & forms:
                continue
            used[label].update(forms)
            scores[label] = scores.get(label, 0.0) + weight
        return scores

    def _cues(self, span: Doc | Span) -> dict[str, float]:
        doc = span if isinstance(span, Doc) else span.doc
        start, end = (0, len(doc)) if isinstance(span, Doc) else (span.start, span.end)
        return self._sum_cues(self._cue_matches(doc, start, end))

    def _clause_cues(
        self,
        doc: Doc,
        cand: EventCandidate,
        found: dict[int, EventCandidate],
        matches: list[CueMatch],
        sent: dict[str, float],
    ) -> dict[str, float]:
        """Cues of the trigger's own clause at full weight, the rest of the sentence at half:
        "sent reinforcements and arrested two suspects" is no arrest for "sent"."""
        head = doc[cand.predicate]
        if head.pos_ in NOUN_TAGS and head.head.pos_ in VERB_TAGS and head.head.i not in found:
            head = head.head
        skip: set[int] = set()
        for child in head.children:
            if child.dep_ in ("conj", "advcl", "ccomp", "relcl") and child.i in found:
                skip.update(t.i for t in child.subtree)
        clause = self._sum_cues(matches, {t.i for t in head.subtree if t.i not in skip})
        return {
            label: clause.get(label, 0.0) + 0.5 * max(0.0, value - clause.get(label, 0.0))
            for label, value in sent.items()
        }

    # -- arguments -------------------------------------------------------------------------
    def _predicate(self, doc: Doc, cand: EventCandidate) -> None:
        """For a noun trigger, the verb whose clause carries it (light verbs, "X was killed in")."""
        anchor = doc[cand.anchor]
        if anchor.pos_ not in NOUN_TAGS:
            return
        head = anchor.head
        if (
            anchor.dep_ in ("dobj", "nsubjpass", "attr")
            and head.lemma_.lower() in self.lexicon.light_verbs
        ):
            cand.predicate = head.i
        elif anchor.dep_ == "pobj" and head.head.lemma_.lower() in self.lexicon.light_verbs:
            cand.predicate = head.head.i

    def _subject(self, token: Token, depth: int = 0) -> Token | None:
        subj = _children(token, "nsubj", "csubj")
        if subj:
            relative = subj[0].tag_ in ("WDT", "WP") or subj[0].lower_ == "that"
            if relative and (token.dep_ == "relcl" or subj[0].tag_ in ("WDT", "WP")):
                return token.head if token.dep_ == "relcl" else None
            return subj[0]
        if depth > 3:
            return None
        if token.dep_ in ("conj", "xcomp", "advcl") and token.head is not token:
            # "attacking" (advcl) and "captured" (conj) share their head verb's subject
            if token.dep_ == "xcomp":
                objs = _children(token.head, "dobj")
                if objs and token.head.lemma_.lower() in OBJECT_CONTROL_VERBS:
                    return objs[0]
            return self._subject(token.head, depth + 1)
        if token.dep_ == "pcomp" and token.head.head is not token.head:
            # "In addition to capturing X, ISIS is also seizing Y"
            return self._subject(token.head.head, depth + 1)
        if token.dep_ == "relcl":
            rel = [
                c for c in token.children if c.tag_ in ("WDT", "WP") and c.dep_.startswith("nsubj")
            ]
            if rel:
                return token.head
        if token.dep_ == "acl" and token.head.pos_ in NOUN_TAGS:
            poss = _children(token.head, "poss")
            if poss:
                return poss[0]
            if token.tag_ == "VBN":  # "troops sent to the airport": the noun is the patient
                return None
            if _is_actorish(token.head):
                return token.head
            if token.tag_ == "VBG" and token.head.head.pos_ in VERB_TAGS:
                return self._subject(token.head.head, depth + 1)
        return None
        return None

    def _arguments(self, doc: Doc, cand: EventCandidate, found: dict[int, EventCandidate]) -> None:
        """Head tokens of who did it (arg1), to whom (arg2), and what or where (theme)."""
        anchor = doc[cand.anchor]
        pred = doc[cand.predicate]
        frame = cand.frame
        verbal = frame.family == "none" and not frame.out_of_scope
        arg1: Token | None = None
        arg2: Token | None = None
        theme: Token | None = None

        def target(tok: Token) -> None:
            nonlocal arg2, theme
            tok = _group_head(tok)  # "holding thousands of refugees": the refugees
            if _own_forces(tok, self._moved) or frame.name == "mobilize":
                # "offered its troops to X", "deployed peacekeepers in Y": the agent's own
                # forces are what is moved, not whom the event is aimed at
                if theme is None:
                    theme = tok
                return
            if arg2 is None and _is_actorish(tok) and (verbal or not _is_place(tok)):
                arg2 = tok
            elif theme is None:
                theme = tok
                if verbal and arg2 is None:  # "welcomed Reagan's statement": Reagan
                    poss = _children(tok, "poss")
                    if poss and _is_actorish(poss[0]):
                        arg2 = poss[0]

        if anchor.pos_ in NOUN_TAGS:
            poss = _children(anchor, "poss")
            by = _prep_objects(anchor, ["by"])
            comp = [
                c
                for c in _children(anchor, "compound", "nmod", "amod")
                if c.ent_type_ in {"ORG", "NORP", "GPE"}
            ]
            heads = poss or by or comp
            arg1 = heads[0] if heads else None
            if pred is not anchor and (arg1 is None or arg1.pos_ == "PRON"):
                # "Israel mounted its invasion": the light verb's subject names "its"
                arg1 = self._subject(pred) or arg1
            if arg1 is None and anchor.dep_ in ("dobj", "pobj", "attr"):
                gov = anchor.head if anchor.dep_ != "pobj" else anchor.head.head
                # the subject of a verb that is not itself an event ("arrived on a visit"),
                # not of one that reports or judges it ("condemned the attack")
                if gov.pos_ in VERB_TAGS and gov.i not in found:
                    subj = self._subject(gov)
                    if subj is not None and subj.i != anchor.i:
                        arg1 = subj
            for tok in _prep_objects(anchor, NOUN_TARGET_PREPS):
                target(tok)
            for tok in _prep_objects(anchor, ["of"]):
                target(tok)
        else:
            arg1 = self._subject(anchor)
            agent = _prep_objects(anchor, ["by"])
            passive = _children(anchor, "nsubjpass")
            if frame.name == "fall":
                to = _prep_objects(anchor, FALL_PREPS)
                theme = arg1
                arg1 = to[0] if to else None
                if arg1 is not None and arg1.lemma_.lower() == "hand":
                    of = _prep_objects(arg1, ["of"])
                    arg1 = of[0] if of else arg1
            elif passive:
                arg1 = agent[0] if agent else None
                target(passive[0])
            elif frame.family == "territory":
                # "captured it from forces loyal to Assad": the object is the place taken,
                # the one it was taken from is the target
                objs = _children(anchor, "dobj")
                theme = objs[0] if objs else None
                if theme is not None and theme.lemma_.lower() in CONTROL_NOUNS:
                    held = _prep_objects(theme, CONTROL_PREPS)  # "seized control of X"
                    theme = held[0] if held else None
                src = _prep_objects(anchor, ["from"])
                if src and _is_actorish(src[0]) and not _is_place(src[0]):
                    arg2 = src[0]
            else:
                for tok in _children(anchor, "dobj", "dative"):
                    target(tok)
                preps = VERBAL_TARGET_PREPS if verbal else TARGET_PREPS
                for tok in _prep_objects(anchor, preps):
                    target(tok)
        if arg2 is None and verbal and anchor.pos_ in VERB_TAGS:
            # "demanding that they convert": the one the demand is made of;
            # "invested $25 billion in building this army": the one who benefits
            for clause in _children(anchor, "ccomp"):
                for subj in _children(clause, "nsubj", "nsubjpass"):
                    if _is_actorish(subj):
                        arg2 = subj
            for prep in _children(anchor, "prep"):
                for gerund in _children(prep, "pcomp"):
                    for obj in [*_children(gerund, "dobj")] + [
                        o for c in _children(gerund, "conj") for o in _children(c, "dobj")
                    ]:
                        if arg2 is None and _is_actorish(obj):
                            arg2 = obj
        if arg2 is None and (verbal or frame.family == "agreement"):
            arg2 = self._nearest_party(anchor, arg1, moved=self._moved)
        if arg2 is None and frame.family in ("violence", "explosion") and anchor.dep_ == "advcl":
            # "troops were preparing to raise flags when ISIS counterattacked": the main
            # clause's subject is the one attacked
            main_subject = self._subject(anchor.head)
            if main_subject is not None and main_subject is not arg1 and _is_actorish(main_subject):
                arg2 = main_subject
        if (
            frame.name == "retreat"
            and arg1 is not None
            and (arg1.lemma_.lower() in CIVILIAN_NOUNS or arg1.lower_.rstrip("s") in CIVILIAN_NOUNS)
        ):
            cand.frame = self.lexicon.frames["displace"]  # civilians who flee are displaced
        arg1 = _group_head(arg1) if arg1 is not None else None
        arg2 = _group_head(arg2) if arg2 is not None else None
        cand.arg1 = arg1.i if arg1 is not None else None
        cand.arg2 = arg2.i if arg2 is not None and arg2 is not arg1 else None
        cand.theme = theme.i if theme is not None else None
        cand.theme_lemma = theme.lemma_.lower() if theme is not None else None
        weapon = self._weapon_theme(anchor, theme, passive_subject=_children(anchor, "nsubjpass"))
        if weapon is not None and (
            frame.family == "territory"
            or frame.name in WEAPON_FRAMES
            or anchor.lemma_.lower() in self.lexicon.weapon_verbs
        ):
            # "seized 40 rifles", "a cache of explosives was found": weapons, not territory
            cand.frame = self.lexicon.frames["defuse"]
            cand.theme_lemma = weapon
        lex = self.lexicon
        if (
            frame.family == "territory"
            and theme is not None
            and weapon is None
            and not _is_place(theme)
            and not _is_actorish(theme)
            and theme.pos_ in NOUN_TAGS
        ):
            cand.frame = lex.frames["seize_goods"]  # "seized counterfeit cosmetics"
            people = _group_head(theme)
            if cand.arg2 is None and people.i != theme.i and _is_actorish(people):
                cand.arg2 = people.i  # "holding thousands of refugees": the people held
        if anchor.lemma_.lower() in lex.launch_verbs:
            for obj in _children(anchor, "dobj"):
                launched = lex.launch_nouns.get(obj.lemma_.lower())
                if launched is not None:
                    cand.frame = lex.frames[launched]  # "launched a drone at a ship"
                    cand.theme_lemma = obj.lemma_.lower()
        if (
            cand.frame.name == "handover"
            and theme is not None
            and not _is_place(theme)
            and weapon is None
        ):
            cand.frame = lex.frames["aid"]  # "handed over 700 kg of medicine"
        if anchor.lemma_.lower() in lex.diplomatic_verbs and any(
            t.lemma_.lower() in lex.diplomatic_nouns
            for t in [*_children(anchor, "dobj", "nsubjpass"), *([theme] if theme else [])]
        ):
            cand.frame = lex.frames["sanction"]  # "expelled two diplomats"

    def _weapon_theme(
        self, anchor: Token, theme: Token | None, passive_subject: list[Token]
    ) -> str | None:
        nouns = self.lexicon.weapon_nouns
        for tok in [
            t for t in (theme, *passive_subject, *_children(anchor, "dobj")) if t is not None
        ]:
            for cand in (tok, *_prep_objects(tok, CONTENT_PREPS)):
                for t in (cand, *[c for c in cand.children if c.dep_ == "conj"]):
                    if t.lemma_.lower() in nouns or t.lower_ in nouns:
                        return t.lemma_.lower()
        return None

    def _fallback_target(
        self, doc: Doc, cand: EventCandidate, found: dict[int, EventCandidate]
    ) -> None:
        """A target for an event that has none from its own arguments (PLOVER's convention):
        the nearest named party in the trigger's phrase or purpose clause ("rallies ... to
        demand the resignation of President X"), else the nearest named place ("imposed a
        curfew in Algiers", "arrived in Amman on a visit"), kept apart as ``place_target``.
        Territory frames keep no place target: the place taken is their theme."""
        family = cand.frame.family
        if cand.arg2 is not None or family == "territory":
            return
        if family == "strategic" and not frame_moves(cand):
            return  # seizures, looting, withdrawals: who lost what is stated or unknown
        anchor = doc[cand.anchor]
        arg1 = doc[cand.arg1] if cand.arg1 is not None else None
        starts = [anchor]
        pred = doc[cand.predicate]
        if anchor.pos_ in NOUN_TAGS:
            gov = pred if pred.i != anchor.i else anchor.head
            if anchor.dep_ == "pobj":
                gov = anchor.head.head
            if gov.i != anchor.i and gov.pos_ in VERB_TAGS and gov.i not in found:
                starts.append(gov)  # "arrived in Amman on a visit"
        skip = {t.i for t in arg1.subtree} if arg1 is not None else set()
        skip.add(anchor.i)
        theme = doc[cand.theme] if cand.theme is not None else None
        if theme is not None and theme.ent_type_ in ("GPE", "LOC") and theme.i not in skip:
            cand.place_target = theme.i  # "blockade Paris", "the invasion of South Lebanon"
            return
        # a protest names its target in its purpose or its effect: "to demand the resignation
        # of X", "a strike that shut down X"
        follow = {"advcl", "relcl"} if cand.frame.family in ("protest", "riot") else set()

        def party() -> bool:
            for start in starts:
                found_party = self._nearest_party(
                    start,
                    arg1,
                    exclude=skip,
                    literal_places=False,
                    follow=follow,
                    moved=self._moved,
                )
                if found_party is not None and found_party.i != cand.arg1:
                    cand.arg2 = _group_head(found_party).i
                    return True
            return False

        def place() -> bool:
            for start in starts:
                found_place = self._nearest_place(start, skip)
                if found_place is not None:
                    cand.place_target = found_place.i
                    return True
            return False

        if frame_moves(cand):
            place() or party()  # "sent 300 police officers to Kisumu": where they went
        else:
            party() or place()

    def _toponym_tokens(self, doc: Doc) -> frozenset[int]:
        """Tokens of the literal, resolved place mentions of ``fw_places``; once a Doc."""
        if self._toponyms_cache is not None and self._toponyms_cache[0] is doc:
            return self._toponyms_cache[1]
        tokens = frozenset(
            i
            for m in (doc._.get("fw_toponyms") or [])
            if getattr(m, "role", None) == "literal" and getattr(m, "place", None) is not None
            for i in range(m.start, m.end)
        )
        self._toponyms_cache = (doc, tokens)
        return tokens

    def _nearest_place(self, anchor: Token, skip: set[int]) -> Token | None:
        """The nearest named place below ``anchor``, breadth first: a GPE or LOC entity, or a
        name that the geoparser read as a place ("Kisumu" tagged as an organisation)."""
        toponyms = self._toponym_tokens(anchor.doc)

        def visit(tok: Token) -> Token | None:
            if tok.ent_type_ in ("GPE", "LOC") or (tok.i in toponyms and tok.pos_ == "PROPN"):
                root = entity_root(tok)
                if root.dep_ not in MODIFIER_DEPS:
                    return root
            return None

        return _breadth_first(anchor, skip, NOT_TARGET_DEPS, visit)

    @staticmethod
    def _nearest_party(
        anchor: Token,
        arg1: Token | None,
        exclude: set[int] | None = None,
        literal_places: bool = True,
        follow: set[str] | None = None,
        moved: frozenset[str] = frozenset(),
    ) -> Token | None:
        """The nearest named party below a verbal trigger, breadth first: "rejected calls by
        Kofi Annan", "vetoed a Security Council resolution", "refused to meet Jordan's King",
        "arrived in Amman". PLOVER's target of a statement or meeting is often there."""
        skip = {t.i for t in arg1.subtree} if arg1 is not None else set()
        skip |= exclude or set()

        def visit(tok: Token) -> Token | bool | None:
            if _own_forces(tok, moved):
                return False  # "refused to deploy its peacekeepers": not whom it is aimed at
            if not literal_places and _in_place(tok):
                pass  # "a curfew in Algiers": where, not whom
            elif tok.ent_type_ in {"GPE", "ORG", "NORP", "PERSON"} and tok.ent_iob_ in ("B", "I"):
                root = entity_root(tok)
                head = root.head
                if (
                    root.dep_ in MODIFIER_DEPS
                    and head.pos_ in NOUN_TAGS
                    and (head.lemma_.lower() in ACTOR_NOUNS or head.lemma_.lower() in PEOPLE_NOUNS)
                ):
                    return head  # "Russian civilian advisers": the advisers
                return root
            if tok.pos_ in NOUN_TAGS and tok.lemma_.lower() in ACTOR_NOUNS and _is_actorish(tok):
                return tok
            return None

        return _breadth_first(anchor, skip, NOT_TARGET_DEPS - (follow or set()), visit)

    @staticmethod
    def _instrument_of(noun: Token, found: dict[int, EventCandidate]) -> Token | None:
        """The trigger that ``noun`` is the instrument of ("targeted the city with car bombs")."""
        tok = noun
        for _ in range(3):
            if tok.dep_ != "pobj":
                return None
            prep = tok.head
            if prep.lower_ in INSTRUMENT_PREPS and prep.head.i in found and prep.head.i != noun.i:
                return prep.head
            if prep.lower_ != "of":
                return None
            tok = prep.head  # "a series of car bombs", "a barrage of rockets"
        return None

    def _is_eventive(
        self, doc: Doc, cand: EventCandidate, found: dict[int, EventCandidate]
    ) -> bool:
        """Keep a trigger only where it is used as an event."""
        lex = self.lexicon
        anchor = doc[cand.anchor]
        lemma = anchor.lemma_.lower()
        sent = self._sent(doc, anchor.i)
        # an event noun used as instrument or manner of another trigger is only a cue
        if anchor.pos_ in NOUN_TAGS and self._instrument_of(anchor, found) is not None:
            return False
        first = anchor
        while first.dep_ == "conj" and first.head is not first:
            first = first.head
        if first.tag_ == "VBG" and first.dep_ == "pcomp" and first.head.lower_ == "for":
            return False  # "a hub for sending and withdrawing troops": a purpose, not an event
        if anchor.pos_ in NOUN_TAGS and anchor.dep_ in ("compound",):
            return False
        has_actor = any(i is not None and _is_actorish(doc[i]) for i in (cand.arg1, cand.arg2))
        if cand.frame.name == "defuse" and cand.theme_lemma in lex.weapon_nouns:
            has_actor = True  # the weapons found or seized are the participant
        if frame_moves(cand) and cand.theme is not None and _is_actorish(doc[cand.theme]):
            has_actor = True  # "200 troops were sent": the forces moved are the participant
        context = any(
            t.lemma_.lower() in lex.context_words
            or t.lower_ in lex.context_words
            or t.lemma_.lower() in lex.weapon_nouns
            for t in sent
        )
        frame = cand.frame
        if frame.name == "fall" and cand.arg1 is None:
            return False
        if lemma in FINDING_VERBS and frame.name != "defuse":
            return False  # "found", "discovered": an event only when weapons are found
        if (
            frame.family == "territory"
            and lemma in lex.territory_needs_place
            and cand.end - cand.start == 1
        ):
            theme = doc[cand.theme] if cand.theme is not None else None
            if theme is None or not _is_place(theme):
                return False  # "failed to hold the group's power in check"
        if frame.family == "none" and not frame.out_of_scope:
            # verbal events need a participant that is an entity or an actor noun
            return cand.arg1 is not None and _is_actorish(doc[cand.arg1])
        ambiguous = (anchor.pos_ in NOUN_TAGS and lemma in lex.nouns_need_context) or (
            anchor.pos_ not in NOUN_TAGS and lemma in lex.verbs_need_context
        )
        if cand.end - cand.start > 1:
            ambiguous = False
        if frame.out_of_scope and frame.category is not None:  # disaster, accident, crime
            own = self.lexicon.cues.get(frame.category, {})
            score = max(cand.doc_cues.get(frame.category, 0), cand.cues.get(frame.category, 0))
            score -= max(own.get(lemma, 0), own.get(anchor.lower_, 0))
            return not ambiguous or score >= 4
        if ambiguous:
            return has_actor and context
        return has_actor or context

    # -- modality and status ---------------------------------------------------------------
    def _chain(self, doc: Doc, cand: EventCandidate) -> list[Token]:
        """The trigger and its governors up to the clause that asserts it.

        The walk stops where a clause makes its own assertion: a relative or adverbial clause
        ("Tikrit, which fell to ISIS", "when ISIS counterattacked"), the content of a speech
        verb, or a coordinated clause with its own subject or auxiliaries.
        """
        chain: list[Token] = []
        token = doc[cand.anchor]
        seen = set()
        for _ in range(8):
            if token.i in seen:
                break
            seen.add(token.i)
            chain.append(token)
            if (
                token.dep_ in ("ROOT", "relcl", "advcl", "appos", "parataxis")
                or token.head is token
            ):
                break
            if token.dep_ == "ccomp" and token.head.lemma_.lower() in SPEECH_VERBS:
                break
            if (
                token.dep_ == "conj"
                and token.pos_ in VERB_TAGS
                and _children(token, "nsubj", "nsubjpass", "aux", "auxpass")
            ):
                break
            if token.dep_ == "pobj" and token.head.lower_ in TEMPORAL_PREPS:
                break
            token = token.head
        if cand.predicate not in seen:
            chain.append(doc[cand.predicate])
        return chain

    @staticmethod
    def _governs(child: Token, governor: Token) -> bool:
        """``governor`` takes ``child`` as its complement ("fail to X", "the risk of X")."""
        if child.dep_ in COMPLEMENT_DEPS:
            return True
        return child.dep_ == "prep" and child.lower_ in COMPLEMENT_PREPS

    def _conditional_before(self, doc: Doc, verb: Token) -> bool:
        """A clause introduced by "in case", "if", "unless", "lest" (even when misparsed)."""
        edge = verb.left_edge.i
        before = [t.lower_ for t in doc[max(edge - 2, self._sent(doc, verb.i).start) : edge]]
        # one word ("if", "unless", "lest") or two ("in case")
        return bool(before) and (
            before[-1] in CONDITIONAL_OPENERS or " ".join(before[-2:]) in CONDITIONAL_OPENERS
        )

    def _modality_flags(
        self, doc: Doc, cand: EventCandidate, found_anchors: Collection[int] = ()
    ) -> set[str]:
        """What the trigger's clause and governors say about it.

        Flags: ``negated``, ``hypothetical`` (could, may, if, risk of...), ``future`` (will,
        plans to...), ``obligation`` (must, should), ``stated`` (the clause is the content of a
        speech verb or of an intention: "said they would", "vowed to").
        """
        m = self.lexicon.modality
        chain = self._chain(doc, cand)
        flags: set[str] = set()
        for depth, tok in enumerate(chain):
            lemma = tok.lemma_.lower()
            for child in tok.children:
                cl = child.lower_
                if child.dep_ == "neg" or (
                    cl in NEGATION_WORDS and child.dep_ in ("advmod", "det")
                ):
                    if depth <= 3:  # "the feared attack ... did not materialize"
                        flags.add("negated")
                elif child.dep_ in ("aux", "auxpass"):
                    if cl in OBLIGATION_MODALS:
                        flags.add("obligation")
                    elif cl in m["hypothetical_modals"]:
                        flags.add("hypothetical")
                    elif cl in m["future_modals"] or cl == "would":
                        flags.add("future" if cl != "would" else "would")
                elif child.dep_ == "advmod" and cl in m["hypothetical_adverbs"]:
                    flags.add("hypothetical")
                elif child.dep_ == "mark" and cl in CONDITIONAL_MARKS:
                    flags.add("conditional")
                elif child.dep_ == "amod" and child.lemma_.lower() in FUTURE_ADJ:
                    flags.add("future")
                elif child.dep_ == "amod" and child.lemma_.lower() in HYPOTHETICAL_ADJ:
                    flags.add("hypothetical")
            if tok.pos_ in VERB_TAGS and self._conditional_before(doc, tok):
                flags.add("conditional")
            # "efforts ... to take down ISIS": an aim, not an event; but "shunned work to
            # protest", "telephoned X to discuss": the act done is the protest, the talk
            if (
                tok.dep_ == "advcl"
                and tok.tag_ == "VB"
                and any(c.tag_ == "TO" for c in tok.children)
                and (cand.frame.family not in ("protest", "none") or tok.head.i in found_anchors)
            ):
                flags.add("purpose")
            if (
                tok.dep_ in ("ccomp", "parataxis")
                and tok.head.lemma_.lower() in SPEECH_VERBS | STATEMENT_VERBS
            ):
                flags.add("stated")
            if depth == 0 or not self._governs(chain[depth - 1], tok):
                continue
            if lemma in m["negation_governors"]:
                flags.add("negated")
            elif lemma in m["hypothetical_governors"]:
                flags.add("hypothetical")
            elif lemma in m["future_governors"]:
                flags.add("future")
                if lemma in PREPARATION_GOVERNORS:
                    flags.add("prepared")
                if lemma in OFFER_GOVERNORS:
                    flags.add("offered")
                if lemma in INTENT_GOVERNORS:
                    flags.add("stated")
        if (
            chain
            and chain[-1].dep_ in ("ccomp", "parataxis")
            and chain[-1].head.lemma_.lower() in SPEECH_VERBS | STATEMENT_VERBS
        ):
            flags.add("stated")
        return flags

    @staticmethod
    def _modality_of(flags: set[str]) -> str:
        if "negated" in flags:
            return "negated"
        if flags & {"hypothetical", "conditional", "obligation", "purpose"}:
            return "hypothetical"
        if flags & {"future"} or ("would" in flags and "stated" in flags):
            return "future"
        if "would" in flags:
            return "hypothetical"
        return "asserted"

    def _modality(self, doc: Doc, cand: EventCandidate) -> str:
        return self._modality_of(self._modality_flags(doc, cand))

    def _speech_act(
        self, doc: Doc, cand: EventCandidate, flags: set[str], found: dict[int, EventCandidate]
    ) -> EventCandidate | None:
        """The statement that a reported intention or demand is (PLOVER codes the statement).

        "Rebels said they would attack" is a THREATEN by the rebels; "Hungary will support the
        resolution" an AGREE (a promise); "X said it would not accept" a REJECT; "Iraq must
        comply, the minister said" a DEMAND by the minister. Only for clauses that are stated
        intentions (after a speech or intention verb, or with will/would), never for
        hypotheticals ("could", "if", "the risk of").
        """
        if flags & {"hypothetical", "conditional"} or (
            "stated" not in flags and "future" not in flags
        ):
            return None
        if cand.frame.out_of_scope:
            return None
        chain = self._chain(doc, cand)
        if any(
            t.i in found and t.i != cand.anchor and found[t.i].frame.family == "none"
            for t in chain[1:]
        ):
            return None  # "threatened to attack": the governing trigger is the statement
        frames = self.lexicon.frames
        hostile = cand.frame.family in HOSTILE_FAMILIES or cand.frame.plover in HOSTILE_PLOVER
        # the statement is the speaker's: "Hungary said it will support" is Hungary's promise
        speaker = self._speaker(doc, cand)
        arg1 = speaker.i if speaker is not None and _is_actorish(speaker) else cand.arg1
        arg2 = cand.arg2
        if "obligation" in flags:
            frame = frames["demand"]
            arg1, arg2 = (speaker.i if speaker is not None else None), cand.arg1
        elif "negated" in flags:
            if hostile or not flags & {"future", "would", "stated"}:
                return None
            frame = frames["reject"]
        elif "prepared" in flags and hostile:
            frame = frames["mobilize"]  # "the army prepared to resume shelling"
        elif "offered" in flags:
            frame = frames["agree"]  # "offered to hand over the suspects": a cooperative offer
        elif flags & {"future", "would"}:
            frame = frames["threaten"] if hostile else frames["agree"]
        else:
            return None
        return EventCandidate(
            start=cand.start,
            end=cand.end,
            anchor=cand.anchor,
            frame=frame,
            predicate=cand.predicate,
            arg1=arg1,
            arg2=arg2,
            theme=cand.theme,
            modality="asserted",
            status="completed",
            cues=cand.cues,
            doc_cues=cand.doc_cues,
            prominence=cand.prominence,
            derived_from=cand.frame.name,
        )

    def _speaker(self, doc: Doc, cand: EventCandidate) -> Token | None:
        tok = doc[cand.anchor]
        for _ in range(6):
            if tok.head is tok:
                return None
            if (
                tok.dep_ in ("ccomp", "parataxis")
                and tok.head.lemma_.lower() in SPEECH_VERBS | STATEMENT_VERBS
            ):
                return self._subject(tok.head)
            tok = tok.head
        return None

    def _prominence(self, doc: Doc, cand: EventCandidate) -> float:
        """How central the trigger's clause is to its sentence: 1 for the main predicate."""
        tok = doc[cand.predicate]
        while tok.dep_ == "conj" and tok.head is not tok:
            tok = tok.head
        head = tok.head
        if tok.dep_ == "ROOT":
            return 1.0
        if (
            tok.dep_ in ("ccomp", "parataxis")
            and head.dep_ == "ROOT"
            and head.lemma_.lower() in SPEECH_VERBS | STATEMENT_VERBS
        ):
            return 1.0
        if tok.dep_ == "xcomp" and head.dep_ == "ROOT":
            return 0.7
        if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and head.dep_ == "ROOT":
            return 0.6
        if tok.dep_ in ("advcl", "relcl", "acl", "pcomp"):
            return 0.25
        return 0.4

    def _status(self, doc: Doc, cand: EventCandidate) -> str:
        m = self.lexicon.modality
        chain = self._chain(doc, cand)
        words: set[str] = set()
        for tok in chain[1:]:
            words.add(tok.lemma_.lower())
        # the clause above an "attempt" noun: "the attempt to retake X ended in defeat"
        top = chain[-1]
        for tok in chain:
            if tok.lemma_.lower() in m["attempt_governors"] and tok.pos_ in NOUN_TAGS:
                top = tok.head
        if words & m["failure_governors"]:
            return "failed"
        if words & m["attempt_governors"]:
            anchor_tok = doc[cand.anchor]
            left, right = anchor_tok.left_edge.i, anchor_tok.right_edge.i
            clause_words = {t.lemma_.lower() for t in top.subtree if not left <= t.i <= right}
            if FAILURE_OUTCOMES & clause_words:
                return "failed"
        if words & m["attempt_governors"]:
            return "attempted"
        anchor = doc[cand.anchor]
        if words & m["ongoing_governors"]:
            return "ongoing"
        if anchor.tag_ == "VBG" and any(
            c.dep_ == "aux" and c.lemma_ == "be" for c in anchor.children
        ):
            return "ongoing"
        return "completed"

    # -- merging triggers of one event -----------------------------------------------------
    def _absorb(self, doc: Doc, cands: list[EventCandidate]) -> list[EventCandidate]:
        """Merge a verb trigger into the noun trigger that is its cause or its object.

        "An airstrike killed 12 villagers" and "12 villagers were killed in an airstrike" state
        one event, the airstrike; the verb gives it its victims. "launched an attack" likewise.
        """
        by_anchor = {c.anchor: c for c in cands}
        dropped: set[int] = set()

        def verbal(c: EventCandidate) -> bool:
            return c.frame.family == "none" and not c.frame.out_of_scope

        for cand in cands:
            verb = doc[cand.anchor]
            if verb.pos_ not in VERB_TAGS or verbal(cand):
                continue
            other: EventCandidate | None = None
            subject = self._subject(verb)  # "earthquake struck ..., killing 4,000" too
            if subject is not None and subject.i in by_anchor:
                other = by_anchor[subject.i]
            for child in verb.children:
                if child.dep_ == "nsubj" and child.i in by_anchor:
                    other = by_anchor[child.i]
                elif child.dep_ == "prep" and child.lower_ in SETTING_PREPS:
                    for pobj in _children(child, "pobj"):
                        if pobj.i in by_anchor:
                            other = by_anchor[pobj.i]
            if (
                other is None
                or other is cand
                or verbal(other)
                or {other.anchor, cand.anchor} & dropped
            ):
                continue
            # one event: the more specific trigger names it, the other gives its arguments
            if other.frame.strength > cand.frame.strength or other.frame.out_of_scope:
                keep, lose = other, cand
            else:
                keep, lose = cand, other
            if lose is cand:
                if keep.arg2 is None and cand.arg2 is not None:
                    keep.arg2 = cand.arg2
                if keep.arg1 is None and cand.arg1 is not None and cand.arg1 != keep.anchor:
                    keep.arg1 = cand.arg1
            keep.absorbed.append(lose.anchor)
            dropped.add(lose.anchor)
        # "agreed to a truce", "sent reinforcements": a noun trigger that is the object of a
        # verb trigger of the same PLOVER type states the same event; the more specific
        # frame names it, the verb's arguments stay
        for cand in cands:
            noun = doc[cand.anchor]
            if noun.pos_ not in NOUN_TAGS or cand.anchor in dropped:
                continue
            gov = noun.head if noun.dep_ in ("dobj", "attr") else None
            if noun.dep_ == "pobj" and noun.head.lower_ in OBJECT_PREPS:
                gov = noun.head.head
            verb_cand = by_anchor.get(gov.i) if gov is not None else None
            if verb_cand is None or verb_cand.anchor in dropped or verb_cand is cand:
                continue
            if verb_cand.frame.plover != cand.frame.plover:
                continue
            if cand.frame.strength > verb_cand.frame.strength:
                keep, lose = cand, verb_cand
                if cand.arg1 is None:
                    cand.arg1 = verb_cand.arg1
                if cand.arg2 is None:
                    cand.arg2 = verb_cand.arg2
                cand.predicate, cand.prominence = verb_cand.predicate, verb_cand.prominence
                cand.modality, cand.status = verb_cand.modality, verb_cand.status
            else:
                keep, lose = verb_cand, cand
            keep.absorbed.append(lose.anchor)
            dropped.add(lose.anchor)
        # a noun trigger that is the object of a light verb already uses it as predicate;
        # a light verb that is itself a trigger ("launched") gives way to the noun.
        for cand in cands:
            if cand.predicate != cand.anchor and cand.predicate in by_anchor:
                dropped.add(cand.predicate)
                by_anchor[cand.predicate].absorbed.append(cand.anchor)
        return [c for c in cands if c.anchor not in dropped]


@Language.factory(
    "fw_events", requires=["token.dep", "token.lemma", "doc.ents"], assigns=["doc._.fw_events"]
)
def make_event_detector(nlp: Language, name: str) -> EventDetector:
    return EventDetector(nlp)
