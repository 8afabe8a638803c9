"""Modality and status of an event candidate (:class:`EventModality`, a part of
:class:`~frontwatch.components.events.recognise.EventDetector`): negated, hypothetical,
future, stated; completed, attempted, failed, ongoing; and the statements that a stated
intention or demand is (PLOVER codes the statement)."""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise

from spacy.tokens import Doc, Span, Token

from ...lexicon.events import Lexicon
from .words import (
    COMPLEMENT_DEPS,
    COMPLEMENT_PREPS,
    CONDITIONAL_MARKS,
    CONDITIONAL_OPENERS,
    FAILURE_OUTCOMES,
    FUTURE_ADJ,
    HOSTILE_FAMILIES,
    HOSTILE_PLOVER,
    HYPOTHETICAL_ADJ,
    INTENT_GOVERNORS,
    NEGATION_WORDS,
    NOUN_TAGS,
    OBLIGATION_MODALS,
    OFFER_GOVERNORS,
    PREPARATION_GOVERNORS,
    SPEECH_VERBS,
    STATEMENT_VERBS,
    TEMPORAL_PREPS,
    VERB_TAGS,
    EventCandidate,
    ModalityFlag,
    _children,
    _is_actorish,
    topic_prep,
)


class EventModality:
    """Modality and status of event candidates: a part of :class:`EventDetector`."""

    lexicon: Lexicon

    def _sent(self, doc: Doc, i: int) -> Span:
        raise NotImplementedError

    def _cues(self, span: Doc | Span) -> dict[str, float]:
        raise NotImplementedError

    def _subject(self, token: Token, depth: int = 0) -> Token | None:
        raise NotImplementedError

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
        # "did not rule anything out with regard to aid": the stance is about its topic
        return child.dep_ == "prep" and (child.lower_ in COMPLEMENT_PREPS or topic_prep(child))

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
    ) -> set[ModalityFlag]:
        """What the trigger's clause and governors say about it.

        Flags: ``negated``, ``hypothetical`` (could, may, if, risk of...), ``future`` (will,
        plans to...), ``obligation`` (must, should), ``stated`` (the clause is the content of a
        speech verb or of an intention: "said they would", "vowed to").
        """
        chain = self._chain(doc, cand)
        flags: set[ModalityFlag] = set()
        negators = self.lexicon.modality["negation_governors"]
        for depth, tok in enumerate(chain):
            lemma = phrasal_lemma(tok)
            governs = depth > 0 and self._governs(chain[depth - 1], tok)
            if governs and lemma in negators and _children(tok, "neg"):
                # "did not rule out airstrikes": two negations leave a possibility
                flags.add("hypothetical")
                continue
            for child in tok.children:
                self._dependent_flags(child, depth, flags)
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
            if not governs:
                continue
            self._governor_flags(lemma, flags)
        if (
            chain
            and chain[-1].dep_ in ("ccomp", "parataxis")
            and chain[-1].head.lemma_.lower() in SPEECH_VERBS | STATEMENT_VERBS
        ):
            flags.add("stated")
        return flags

    def _dependent_flags(self, child: Token, depth: int, flags: set[ModalityFlag]) -> None:
        """The flags that a dependent of the trigger or of a governor sets: a negation, an
        auxiliary, an adverb, a conditional marker, an adjective ("the planned march")."""
        m = self.lexicon.modality
        cl = child.lower_
        if child.dep_ == "neg" or (cl in NEGATION_WORDS and child.dep_ in ("advmod", "det")):
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

    def _governor_flags(self, lemma: str, flags: set[ModalityFlag]) -> None:
        """The flags of a governor that takes the trigger's clause as its complement."""
        m = self.lexicon.modality
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

    @staticmethod
    def _modality_of(flags: set[ModalityFlag]) -> str:
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
        self,
        doc: Doc,
        cand: EventCandidate,
        flags: set[ModalityFlag],
        found: dict[int, EventCandidate],
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

    def _holding(self, doc: Doc, cand: EventCandidate) -> bool:
        """A frame of a state told in the present: who holds a place now, no change. The first
        verb of the trigger's chain is a simple present ("gangs that control the capital", "is
        under rebel control") or a present perfect ("has been under the control of X since
        2014"), or the trigger is qualified by an ongoing-adverb ("still hold")."""
        if not cand.frame.state:
            return False
        chain = self._chain(doc, cand)
        still = self.lexicon.modality["ongoing_governors"]
        if any(c.dep_ == "advmod" and c.lemma_.lower() in still for c in chain[0].children):
            return True
        for tok in chain:
            if tok.pos_ in ("VERB", "AUX"):
                # the tense of its finite verb: "has been under the control of X since 2014"
                aux = [c for c in tok.children if c.dep_ == "aux"] if tok.tag_ == "VBN" else []
                return (aux[0] if aux else tok).tag_ in ("VBZ", "VBP")
        return False

    def _status(self, doc: Doc, cand: EventCandidate) -> str:
        m = self.lexicon.modality
        chain = self._chain(doc, cand)
        words: set[str] = set()
        for below, tok in pairwise(chain):
            if below.dep_ == "conj":
                continue  # "pushed into the district and seized the palace": a sibling act
            words.update((tok.lemma_.lower(), phrasal_lemma(tok)))
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
        if self._holding(doc, cand):
            return "ongoing"  # "gangs that control the capital": who holds it now
        if anchor.tag_ == "VBG" and any(
            c.dep_ == "aux" and c.lemma_ == "be" for c in anchor.children
        ):
            return "ongoing"
        return "completed"


def phrasal_lemma(token: Token) -> str:
    """The lemma with its particle, as the word lists write phrasal verbs ("rule out", "call
    off", "beat back"); the plain lemma without one."""
    particles = [c.lower_ for c in token.children if c.dep_ == "prt"]
    return " ".join([token.lemma_.lower(), *particles[:1]])
