"""The ``fw_events`` component: triggers (words and phrases of ``triggers.json``), their
context cues, then their arguments (:mod:`.arguments`), modality and status
(:mod:`.modality`), and the merging of the triggers of one event."""

from __future__ import annotations

from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from frontwatch.nlp.batching import BatchedPipe
from frontwatch.nlp.extensions import doc_text

from ...lexicon.events import Frame, Lexicon, Phrase, load_lexicon
from .absorb import EventAbsorption
from .modality import EventModality
from .words import (
    CONTROL_NOUNS,
    NOUN_TAGS,
    VERB_TAGS,
    CueMatch,
    EventCandidate,
    _under_control,
)


class EventDetector(EventAbsorption, EventModality, BatchedPipe):
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
        self._toponyms_cache: tuple[Doc, frozenset[int], frozenset[int]] | None = None
        self._actors_cache: tuple[Doc, frozenset[int]] | None = None
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
        # a word of a date is no trigger: "on 1 March 2020" names the month, not a march
        for mention in doc._.fw_times or ():
            blocked.update(range(*mention.tokens))
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
        self._control_triggers(doc, found, blocked)
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
            cand.holding = cand.status == "ongoing" and self._holding(doc, cand)
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

    def _control_triggers(
        self, doc: Doc, found: dict[int, EventCandidate], blocked: set[int]
    ) -> None:
        """A place under someone's control ("fell under the control of X", "is under rebel
        control", :func:`.words._under_control`): the verb that governs "under" is the trigger,
        of the frame ``triggers.json`` ``under_control`` gives it; a trigger found there
        already stays."""
        _, lemmas, _ = self._forms(doc)
        for i, lemma in enumerate(lemmas):
            if lemma not in CONTROL_NOUNS:
                continue
            verb = doc[i].head.head
            noun = _under_control(verb) if verb.i < i else None
            if noun is None or noun.i != i:
                continue
            name = self.lexicon.under_control.get(verb.lemma_.lower())
            if name is None or verb.i in found or verb.i in blocked:
                continue
            found[verb.i] = EventCandidate(verb.i, i + 1, verb.i, self.lexicon.frames[name], verb.i)

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

    # -- merging triggers of one event -----------------------------------------------------


@Language.factory(
    "fw_events", requires=["token.dep", "token.lemma", "doc.ents"], assigns=["doc._.fw_events"]
)
def make_event_detector(nlp: Language, name: str) -> EventDetector:
    return EventDetector(nlp)
