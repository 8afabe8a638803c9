"""Finding the attributions of one sentence (:class:`_SentenceWork`): speech and report
constructions, "according to X", hedges, with the phrase of the speaker or source and what
it classifies as (outlet, organisation, document, person, role, pronoun)."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.attrs import LEMMA, POS
from spacy.tokens import Doc, Span, Token

from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_outlet)
from frontwatch.nlp.extensions import doc_text, entity_of
from frontwatch.records import Attribution, Source

from .mentions import (
    _AFFILIATION_PREPS,
    _ATTACHED_DEPS,
    _CLAUSE_DEPS,
    _NP_STOP_DEPS,
    _OUTLET_PREPS,
    _RANK,
    _SUBJECT_DEPS,
    AttributionMention,
    MentionKind,
    PhraseKind,
    _according_by_first,
    _antecedent,
    _chars,
    _head_of,
    _Named,
    _Phrase,
    _strip_chars,
    _trim,
)
from .words import AttributionLexicon, _strip_article


class _SentenceWork:
    """Per-document state while sentences are read in order.

    The words every token is tested on (lowercase form, lowercased lemma, coarse tag) are read
    once per document into lists, and only tokens whose word starts a construction go on to
    the dependency checks: reading ``token.lower_`` afresh for each test was most of the cost.
    """

    def __init__(
        self,
        doc: Doc,
        lexicon: AttributionLexicon,
        named: dict[int, _Named],
        lowers: list[str],
    ) -> None:
        self.doc = doc
        self.lex = lexicon
        self.named = named
        # phrases that ended up as a source or speaker: candidates for doc._.fw_sources
        self.sourced: list[_Phrase] = []
        strings = doc.vocab.strings
        self.lowers = lowers  # token.lower_ of every token
        self.lemmas: list[str] = [strings[h].lower() for h in doc.to_array(LEMMA).tolist()]
        self.pos: list[str] = [strings[h] for h in doc.to_array(POS).tolist()]
        self.sents: list[Span] = list(doc.sents)
        self.text = doc_text(doc)  # Doc.text joins every token: read it once
        self.according_first = _according_by_first(lexicon.according_to)

    # -- constructions

    def sentence(
        self, sent: Span, before: Sequence[AttributionMention]
    ) -> list[AttributionMention]:
        out: list[AttributionMention] = []
        claimed: set[int] = set()  # "according" tokens used by a speech verb
        doc, lex = self.doc, self.lex
        lowers, lemmas, pos = self.lowers, self.lemmas, self.pos
        speech_verbs = lex.speech_verbs
        for i in range(sent.start, sent.end):
            if pos[i] in ("VERB", "AUX") and lemmas[i] in speech_verbs:
                tok = doc[i]
                if self._is_speech_verb(tok):
                    mention = self._speech(tok, sent, claimed, [*before, *out])
                    if mention is not None:
                        out.append(mention)
        hedge_words = lex.hedge_adverbs | lex.hedge_adjectives
        hedge_lemmas = lex.hedge_raising_verbs | lex.report_nouns
        for i in range(sent.start, sent.end):
            if i in claimed:
                continue
            lower = lowers[i]
            according = lower in self.according_first
            if not (according or lower in hedge_words or lemmas[i] in hedge_lemmas):
                continue  # neither construction can start here
            tok = doc[i]
            mention = self._according(tok, sent) if according else None
            if mention is None:
                mention = self._hedge(tok, sent)
            if mention is not None:
                out.append(mention)
        return out

    def _is_speech_verb(self, tok: Token) -> bool:
        if (
            self.pos[tok.i] not in ("VERB", "AUX")
            or self.lemmas[tok.i] not in self.lex.speech_verbs
        ):
            return False
        if tok.dep_ in ("amod", "compound"):
            return False
        # "is said to have ...": a hedge, not a speaker's statement
        return not self._is_raising(tok)

    def _is_raising(self, tok: Token) -> bool:
        passive = any(c.dep_ == "auxpass" for c in tok.children)
        return passive and any(c.dep_ in ("xcomp", "ccomp") for c in tok.children)

    def _speech(
        self,
        verb: Token,
        sent: Span,
        claimed: set[int],
        before: Sequence[AttributionMention],
    ) -> AttributionMention | None:
        lemma = verb.lemma_.lower()
        if (
            lemma in self.lex.citing_verbs
            and verb.dep_ in ("advcl", "xcomp")
            and verb.head.lemma_.lower() in self.lex.speech_verbs
            and self._content(verb.head, sent, verb.head.lemma_.lower()) is not None
        ):
            return None  # "Reuters reported, citing police": one mention, on "reported"
        inverted = self._inverted(verb, sent)
        if inverted is not None:
            return inverted
        content = self._content(verb, sent, lemma)
        if content is None:
            return None
        parts: list[_Phrase] = []
        # "He was quoted by TASS as saying ...": the outlet hangs on the verb above
        verbs = [verb]
        while (
            verbs[-1].dep_ in ("pcomp", "prep")
            or (
                verbs[-1].dep_ in ("advcl", "xcomp")
                and verbs[-1].head.lemma_.lower() in self.lex.speech_verbs
            )
        ) and len(verbs) < 4:
            verbs.append(verbs[-1].head)
        hull_skip: list[_Phrase] = []
        speaker_tok = self._subject(verb)
        if speaker_tok is not None and (
            speaker_tok.head.i == verb.i or not (content[0] <= speaker_tok.i < content[1])
        ):
            parts.append(self._phrase(speaker_tok))
            if all(speaker_tok.head.i != v.i for v in verbs):
                # "Police fired tear gas, declaring ...": speaker kept, phrase stays short
                hull_skip.append(parts[-1])
        children = [c for v in verbs for c in v.children if c not in verbs]
        if verb.dep_ in _ATTACHED_DEPS:  # "According to X, the Times reports, ...": on the head
            children.extend(c for c in verb.head.children if c.lower_ == "according")
        for child in children:
            if child.dep_ in _CLAUSE_DEPS:  # the content itself
                continue
            if child.dep_ == "dobj" and lemma in self.lex.citing_verbs and child.head.i == verb.i:
                parts.append(self._phrase(child))  # "citing two officials, that ..."
            elif child.dep_ in ("dobj", "dative") and lemma == "tell":
                phrase = self._phrase(child)
                if phrase.kind in ("outlet", "organisation"):
                    parts.append(phrase)
            elif child.dep_ in ("prep", "agent"):
                parts.extend(self._prep_phrases(child, claimed))
            elif child.dep_ in ("advcl", "xcomp") and child.lemma_.lower() in self.lex.citing_verbs:
                for obj in child.children:
                    if obj.dep_ == "dobj":
                        parts.append(self._phrase(obj))
        parts.extend(self._affiliations(parts))
        passive = any(c.dep_ in ("auxpass", "expl") for c in verb.children)
        if not parts and not passive:  # "while maintaining the pressure": not a report
            return None
        extra = [_chars(self.doc, (c.i, c.i + 1)) for c in children if c.i in claimed]
        return self._build("speech", verb, content, parts, before, extra=extra, hull_skip=hull_skip)

    def _inverted(self, verb: Token, sent: Span) -> AttributionMention | None:
        """ "..., reported Xinhua news agency." / "..., said Jane Roe.": source after the verb."""
        if verb.i == sent.start or self.doc[verb.i - 1].text != ",":
            return None
        if any(c.dep_ in _CLAUSE_DEPS for c in verb.children):
            return None
        after = [
            c for c in verb.rights if c.dep_ in ("dobj", "nsubj", "attr", "npadvmod", "dative")
        ]
        if not after:
            return None
        phrase = self._phrase(after[0])
        if phrase.kind not in ("outlet", "organisation", "person"):
            return None
        content = _trim(self.doc, sent.start, verb.i - 1)
        if content is None:
            return None
        return self._build("speech", verb, content, [phrase], ())

    def _content(self, verb: Token, sent: Span, lemma: str) -> tuple[int, int] | None:
        """Token range ``[start, end)`` of what the speech verb reports, or None."""
        for child in verb.children:
            if child.dep_ in _CLAUSE_DEPS:
                return _trim(self.doc, child.left_edge.i, child.right_edge.i + 1)
        own_subject = any(c.dep_ in _SUBJECT_DEPS for c in verb.children)
        if (
            verb.dep_ in _ATTACHED_DEPS  # "Five died, officials said": said hangs on "died"
            and sent.start <= verb.head.i < sent.end
            and own_subject
            and lemma not in self.lex.verbs_needing_clause
        ):
            # the whole clause: the attribution phrase inside it is excluded by covers()
            head = verb.head
            return _trim(self.doc, head.left_edge.i, head.right_edge.i + 1)
        if (
            verb.dep_ == "conj"  # "24 were killed ..., the governor said": a mis-attached conj
            and sent.start <= verb.head.i < verb.i
            and own_subject
            and lemma not in self.lex.verbs_needing_clause
            and (subject := self._subject(verb)) is not None
            and sent.start < subject.left_edge.i < verb.i
            and self.doc[subject.left_edge.i - 1].text in (",", "—", "–", "--")
        ):
            return _trim(self.doc, verb.head.left_edge.i, subject.left_edge.i)
        if verb.dep_ == "advcl" and verb.head.i > verb.i:  # "As officials said, ..."
            head = verb.head
            return _trim(self.doc, verb.right_edge.i + 1, head.right_edge.i + 1)
        if lemma not in self.lex.object_content_verbs:  # "declared a ceasefire" is the event
            return None
        if self._subject(verb) is None:
            return None
        for child in verb.children:  # "state media reported the attack"
            if child.dep_ == "dobj":
                return _trim(self.doc, child.left_edge.i, child.right_edge.i + 1)
        return None

    def _subject(self, verb: Token) -> Token | None:
        tok: Token | None = verb
        for _ in range(4):
            if tok is None:
                return None
            subjects = [c for c in tok.children if c.dep_ in _SUBJECT_DEPS and c.i != verb.i]
            if subjects:  # the closest one: a mis-parse can hang two subjects on one verb
                return min(subjects, key=lambda c: abs(c.i - verb.i))
            if tok.dep_ in ("xcomp", "advcl", "conj", "pcomp", "prep") and tok.head.i != tok.i:
                tok = tok.head
            else:
                return None
        return None

    def _prep_phrases(self, prep: Token, claimed: set[int]) -> list[_Phrase]:
        """Outlets and sources in prepositions of a speech verb.

        "told to Reuters", "in an interview with CNN", "quoted by TASS", "according to X",
        "in a statement" (a document).
        """
        words = prep.lower_
        out: list[_Phrase] = []
        if words == "according":
            claimed.add(prep.i)
            for to in prep.children:
                for obj in to.children:
                    if obj.dep_ == "pobj":
                        out.append(self._phrase(obj))
            return out
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            phrase = self._phrase(obj)
            if words in _OUTLET_PREPS or prep.dep_ == "agent":
                # "told to Reuters", "quoted by a witness"; "spoke with reporters" is no source
                if phrase.kind in ("outlet", "organisation") or (
                    prep.dep_ == "agent" and phrase.kind in ("person", "role")
                ):
                    out.append(phrase)
            elif words == "in" and phrase.kind == "document":
                # "in a statement" is the medium, not a further source
                for sub in obj.children:  # "in an interview with CNN"
                    if sub.dep_ == "prep":
                        out.extend(self._prep_phrases(sub, claimed))
            elif words == "in":
                for sub in obj.children:
                    if sub.dep_ == "prep" and sub.lower_ in _OUTLET_PREPS:
                        out.extend(self._prep_phrases(sub, claimed))
        return out

    def _affiliations(self, parts: Sequence[_Phrase]) -> list[_Phrase]:
        """The organisation a person/role speaker belongs to ("X of IHS Jane's")."""
        out: list[_Phrase] = []
        for part in parts:
            if part.kind not in ("person", "role"):
                continue
            head = _head_of(self.doc, part.start, part.end)
            found: list[_Phrase] = []
            for i in range(part.start, part.end):  # "a Reuters reporter"
                if i in self.named and i != head.i:
                    n = self.named[i]
                    found.append(_Phrase(n.start, n.end, n.kind, n.name))
                    break
            for child in head.children:
                if child.dep_ == "appos":  # "Jane Roe, a spokeswoman for Amnesty"
                    phrase = self._org_in(child)
                    if phrase is not None:
                        found.append(phrase)
                if child.dep_ != "prep" or child.lower_ not in _AFFILIATION_PREPS:
                    continue
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        phrase = self._org_in(obj)
                        if phrase is not None:
                            found.append(phrase)
            # a named organisation first ("consultancy IHS Jane's": IHS Jane's)
            found.sort(key=lambda p: (p.name is None, p.start))
            out.extend(found[:1])
        return out

    def _org_in(self, tok: Token) -> _Phrase | None:
        """A named (or organisation-noun) phrase inside the subtree of ``tok``."""
        for t in tok.subtree:
            named = self.named.get(t.i)
            if named is not None:
                return _Phrase(named.start, named.end, named.kind, named.name)
        phrase = self._phrase(tok)
        return phrase if phrase.kind in ("outlet", "organisation") else None

    def _according(self, tok: Token, sent: Span) -> AttributionMention | None:
        """ "According to X, ..." attached to a clause that is not a speech verb."""
        for seq in self.according_first.get(self.lowers[tok.i], ()):
            end = tok.i + len(seq)
            if end > sent.end or tuple(self.lowers[tok.i : end]) != seq:
                continue
            last = self.doc[end - 1]
            objs = [c for c in last.children if c.dep_ in ("pobj", "dobj")]
            if not objs:
                objs = [c for c in self.doc[tok.i : end] if c.dep_ == "pobj"]
            if not objs:
                continue
            clause = tok
            while clause.dep_ not in ("ROOT",) and clause.pos_ not in ("VERB", "AUX"):
                clause = clause.head
            if clause.i in range(tok.i, end):
                clause = clause.head
            if clause.i == tok.i or not (sent.start <= clause.i < sent.end):
                continue
            if tok.i < clause.i:
                content = _trim(self.doc, objs[0].right_edge.i + 1, clause.right_edge.i + 1)
            else:
                content = _trim(self.doc, clause.left_edge.i, tok.i)
            if content is None:
                continue
            parts = [self._phrase(objs[0])]
            parts.extend(self._affiliations(parts))
            return self._build("according", tok, content, parts, (), cue_end=end)
        return None

    def _hedge(self, tok: Token, sent: Span) -> AttributionMention | None:
        lower, lemma = self.lowers[tok.i], self.lemmas[tok.i]
        content: tuple[int, int] | None = None
        cue_end = tok.i + 1
        if lower in self.lex.hedge_adverbs:
            head = tok.head
            content = (head.left_edge.i, head.right_edge.i + 1)
        elif lower in self.lex.hedge_adjectives and tok.dep_ in ("amod", "compound"):
            content = (tok.head.i, tok.head.i + 1)
        elif lemma in self.lex.hedge_raising_verbs and self._is_raising(tok):
            content = (tok.left_edge.i, tok.right_edge.i + 1)
        elif lemma in self.lex.report_nouns and tok.pos_ == "NOUN":
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    content = (child.i + 1, child.right_edge.i + 1)
                elif child.dep_ in ("acl", "ccomp") and any(
                    c.dep_ == "mark" and c.lower_ == "that" for c in child.children
                ):
                    content = (child.left_edge.i, child.right_edge.i + 1)
        if content is None or content[1] <= content[0]:
            return None
        content = _trim(self.doc, max(content[0], sent.start), min(content[1], sent.end))
        if content is None:
            return None
        start_char = self.doc[content[0]].idx
        last = self.doc[content[1] - 1]
        cue = (tok.idx, self.doc[cue_end - 1].idx + len(self.doc[cue_end - 1].text))
        attribution = Attribution(
            source=None,
            speaker=None,
            source_span=None,
            speaker_span=None,
            text=self.text[cue[0] : cue[1]],
            span=cue,
            default=False,
        )
        return AttributionMention(
            attribution=attribution,
            content=(start_char, last.idx + len(last.text)),
            cue=cue,
            kind="hedge",
            hedge=True,
        )

    # -- phrases

    def _phrase(self, tok: Token) -> _Phrase:
        """Classify the noun phrase headed by ``tok`` (cut before appositions, clauses)."""
        named = self.named.get(tok.i)
        if named is not None:
            return _Phrase(named.start, named.end, named.kind, named.name)
        start, end = tok.left_edge.i, tok.i + 1
        lemma = tok.lemma_.lower()
        person_like = tok.ent_type_ == "PERSON" or not (
            lemma in self.lex.organisation_nouns or tok.ent_type_ == "ORG"
        )
        for child in tok.rights:
            if child.dep_ in _NP_STOP_DEPS:
                break
            if child.dep_ == "prep" and not person_like and child.lower_ not in ("of", "for"):
                break  # "the Survey in a report": keep "Ministry of X", "Observatory for Y"
            if (
                child.dep_ == "prep"
                and person_like
                and child.lower_ in _AFFILIATION_PREPS
                and any(self._org_in(obj) is not None for obj in child.children)
            ):  # "Jane Roe of Amnesty": the speaker is "Jane Roe"
                break
            end = child.right_edge.i + 1
        while start < tok.i and (self.doc[start].is_punct or self.doc[start].is_space):
            start += 1
        if tok.ent_type_ and tok.ent_iob_ != "O":  # keep a whole entity
            ent = entity_of(tok)
            if ent is not None and ent.label_ in ("PERSON", "ORG"):
                start, end = min(start, ent.start), max(end, ent.end)
        kind, name = self._classify(tok, start, end)
        if kind in _RANK:  # "the AFP news agency": the named outlet inside
            inner = next((self.named[i] for i in range(start, end) if i in self.named), None)
            if inner is not None:
                return _Phrase(start, end, inner.kind, inner.name)
        return _Phrase(start, end, kind, name)

    def _classify(self, tok: Token, start: int, end: int) -> tuple[PhraseKind, str | None]:
        lemma, lower = tok.lemma_.lower(), tok.lower_
        span = self.doc[start:end]
        proper = _strip_article(span.text) if any(t.pos_ == "PROPN" for t in span) else None
        if lower in self.lex.person_pronouns or lower in self.lex.thing_pronouns:
            return "pronoun", None
        if tok.ent_type_ == "PERSON":  # "US President Joe Biden": the name is "Joe Biden"
            ent = entity_of(tok)
            return "person", _strip_article(ent.text) if ent is not None else proper
        head_words = " ".join(t.lower_ for t in self.doc[max(start, tok.i - 1) : tok.i + 1])
        if (
            lemma in self.lex.outlet_nouns
            or lower in self.lex.outlet_nouns
            or head_words in self.lex.outlet_nouns
        ):
            return "outlet", proper if tok.pos_ == "PROPN" else None
        if lemma in self.lex.document_nouns:
            return "document", proper if tok.pos_ == "PROPN" else None
        if tok.ent_type_ == "GPE":  # "Syria says": the state, as an organisation
            return "organisation", proper
        if lemma in self.lex.organisation_nouns or tok.ent_type_ == "ORG":
            return "organisation", proper if tok.ent_type_ == "ORG" or tok.pos_ == "PROPN" else None
        return "role", None

    # -- assembling a mention

    def _build(
        self,
        kind: MentionKind,
        cue_tok: Token,
        content: tuple[int, int],
        parts: list[_Phrase],
        before: Sequence[AttributionMention],
        cue_end: int | None = None,
        extra: Sequence[tuple[int, int]] = (),
        hull_skip: Sequence[_Phrase] = (),
    ) -> AttributionMention | None:
        doc = self.doc
        cue_last = doc[(cue_end or cue_tok.i + 1) - 1]
        cue = (cue_tok.idx, cue_last.idx + len(cue_last.text))
        sources = sorted(
            (p for p in parts if p.kind in _RANK), key=lambda p: (_RANK[p.kind], p.start)
        )
        people = [p for p in parts if p.kind in ("person", "role")]
        pronouns = [p for p in parts if p.kind == "pronoun"]
        source = sources[0] if sources else None
        speaker_text: str | None = None
        speaker_span: tuple[int, int] | None = None
        inherited: Attribution | None = None
        if people:
            speaker_text, speaker_span = people[0].text(doc), people[0].chars(doc)
        elif pronouns:
            antecedent = _antecedent(doc, pronouns[0], before, self.lex, self.sents)
            if antecedent is not None:
                speaker_text, speaker_span, inherited = antecedent
        elif len(sources) > 1:
            speaker_text, speaker_span = sources[1].text(doc), sources[1].chars(doc)
        source_text = source_span = None
        if source is not None:
            source_text = source.name or source.text(doc)
            source_span = source.chars(doc)
        elif inherited is not None and inherited.source is not None:
            source_text, source_span = inherited.source, inherited.source_span
        self.sourced.extend(p for p in parts if p.kind != "pronoun")
        own = [p.chars(doc) for p in parts if p not in hull_skip] + [cue, *extra]
        start = min(s for s, _ in own)
        end = max(e for _, e in own)
        content_chars = _chars(doc, content)
        c0, c1 = content_chars
        if start <= c0 < end < c1:  # "According to X, the Times reports, “...”"
            content_chars = _strip_chars(self.text, end, c1)
        elif c0 < start < c1 <= end:  # "..., officials said" inside the clause
            content_chars = _strip_chars(self.text, c0, start)
        elif c0 < end and start < c1 and not (c0 < start and end < c1):
            start, end = cue  # the phrase wraps the content ("X told Y that ..."): cue only
            for s, e in own:
                if e <= c0 or s >= c1:
                    start, end = min(start, s), max(end, e)
        organisation = next(
            (
                Source(
                    name=p.name or p.text(doc),
                    kind="organisation",
                    text=p.text(doc),
                    span=p.chars(doc),
                )
                for p in sources
                if p.kind == "organisation" and p is not source
            ),
            None,
        )
        attribution = Attribution(
            source=source_text,
            speaker=speaker_text,
            source_span=source_span,
            speaker_span=speaker_span,
            text=self.text[start:end],
            span=(start, end),
            default=False,
        )
        return AttributionMention(
            attribution=attribution,
            content=content_chars,
            cue=cue,
            kind=kind,
            hedge=source_text is None and speaker_text is None,
            organisation=organisation,
        )
