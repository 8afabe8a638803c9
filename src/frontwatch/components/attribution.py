"""Attribution: who asserts what, and the sources a document names.

The component ``fw_attribution`` (after ``parser`` and ``ner``) finds, sentence by sentence,

- speech/report constructions: a speech verb ("say", "tell", "report", ...) whose clausal
  complement (``ccomp``/``parataxis``, or the clause it is attached to) is the *content*;
  its subject is the speaker, ``told <outlet>`` / ``to <outlet>`` / ``quoted by <outlet>``
  give the outlet, ``according to X`` / ``citing X`` add a further source;
- ``according to X`` attached to a non-speech clause ("According to witnesses, rebels ...");
- hedges without a named source: "reportedly", "allegedly", "is said/believed/thought to",
  "reports of", "alleged" + noun; they make :func:`is_reported` true but give no attribution.

Convention for :class:`~frontwatch.records.Attribution` (see docs/attribution.md):
``source`` is who published or issued the content, ranked outlet > organisation > document,
given as a canonical name when the lexicon knows it; ``speaker`` is the person or role who
asserted it ("a surviving soldier", "Jeremy Binnie"); when there is no person or role, the
next-ranked source (usually a document: "the classified assessment") becomes the speaker.
A pronoun speaker ("he said") is resolved to the last speaker or person named before it, and
``speaker_span`` then points to that antecedent.

Doc extensions assigned: ``doc._.fw_attributions: list[AttributionMention]`` and
``doc._.fw_sources: list[Source]``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from spacy.attrs import LEMMA, LOWER, POS
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from frontwatch.errors import Errors, FrontwatchError
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_outlet)
from frontwatch.nlp.batching import BatchedPipe
from frontwatch.nlp.extensions import doc_text, entity_of
from frontwatch.records import Attribution, Source

logger = logging.getLogger(__name__)

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon" / "attribution.json"

SourceKind = Literal["outlet", "organisation", "document", "person"]
MentionKind = Literal["speech", "according", "hedge"]
# what a noun phrase is, for ranking: pronouns are resolved, roles are unnamed persons
PhraseKind = Literal["outlet", "organisation", "document", "person", "role", "pronoun"]

_RANK: dict[str, int] = {"outlet": 0, "organisation": 1, "document": 2}
_CLAUSE_DEPS = frozenset({"ccomp", "parataxis"})
_ATTACHED_DEPS = frozenset({"ccomp", "parataxis"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_NP_STOP_DEPS = frozenset({"appos", "relcl", "acl", "punct", "cc", "conj", "advcl", "parataxis"})
_AFFILIATION_PREPS = frozenset({"of", "for", "from", "at", "with", "in"})
_OUTLET_PREPS = frozenset({"to", "with"})
_QUOTE_CHARS = {"“": "open", "”": "close", '"': "toggle", "«": "open", "»": "close"}
_QUOTE_RE = re.compile("[" + re.escape("".join(_QUOTE_CHARS)) + "]")
_PRONOUN_WINDOW = 3  # sentences looked back to resolve "he said"

if not Doc.has_extension("fw_attributions"):
    Doc.set_extension("fw_attributions", default=None)
if not Doc.has_extension("fw_sources"):
    Doc.set_extension("fw_sources", default=None)


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class SourceEntry:
    """A named outlet or organisation of the lexicon."""

    name: str
    kind: SourceKind
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class AttributionLexicon:
    """The attribution lexicon (``data/lexicon/attribution.json``), as lowercased sets."""

    version: str
    speech_verbs: frozenset[str]
    verbs_needing_clause: frozenset[str]
    object_content_verbs: frozenset[str]
    according_to: tuple[tuple[str, ...], ...]
    citing_verbs: frozenset[str]
    hedge_adverbs: frozenset[str]
    hedge_adjectives: frozenset[str]
    hedge_raising_verbs: frozenset[str]
    report_nouns: frozenset[str]
    document_nouns: frozenset[str]
    outlet_nouns: frozenset[str]
    organisation_nouns: frozenset[str]
    person_pronouns: frozenset[str]
    thing_pronouns: frozenset[str]
    sources: tuple[SourceEntry, ...]
    organisation_patterns: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "<dict>") -> AttributionLexicon:
        def words(key: str) -> frozenset[str]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise FrontwatchError(Errors.E101, path=path, detail=f"{key!r} must be strings")
            return frozenset(v.lower() for v in value)

        try:
            sources = tuple(
                SourceEntry(name=s["name"], kind=s["kind"], aliases=tuple(s["aliases"]))
                for s in data.get("sources", [])
            )
            according = tuple(tuple(w.lower() for w in seq) for seq in data["according_to"])
        except (KeyError, TypeError) as err:
            raise FrontwatchError(Errors.E101, path=path, detail=f"missing field {err}") from err
        for entry in sources:
            if entry.kind not in ("outlet", "organisation", "document", "person"):
                raise FrontwatchError(
                    Errors.E101, path=path, detail=f"source {entry.name!r}: bad kind {entry.kind!r}"
                )
        return cls(
            version=str(data.get("version", "0")),
            speech_verbs=words("speech_verbs"),
            verbs_needing_clause=words("verbs_needing_clause"),
            object_content_verbs=words("object_content_verbs"),
            according_to=according,
            citing_verbs=words("citing_verbs"),
            hedge_adverbs=words("hedge_adverbs"),
            hedge_adjectives=words("hedge_adjectives"),
            hedge_raising_verbs=words("hedge_raising_verbs"),
            report_nouns=words("report_nouns"),
            document_nouns=words("document_nouns"),
            outlet_nouns=words("outlet_nouns"),
            organisation_nouns=words("organisation_nouns"),
            person_pronouns=words("person_pronouns"),
            thing_pronouns=words("thing_pronouns"),
            sources=sources,
            organisation_patterns=tuple(data.get("organisation_patterns", [])),
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> AttributionLexicon:
        path = Path(path) if path else LEXICON_PATH
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise FrontwatchError(Errors.E101, path=str(path), detail=str(err)) from err
        return cls.from_dict(data, str(path))

    def canonical(self, name: str) -> str | None:
        """The canonical name of an outlet/organisation alias ("NYT" -> "New York Times")."""
        key = _strip_article(name).casefold()
        for entry in self.sources:
            if key == entry.name.casefold() or any(
                key == _strip_article(a).casefold() for a in entry.aliases
            ):
                return entry.name
        return None


@lru_cache(maxsize=4)
def default_lexicon(path: str | None = None) -> AttributionLexicon:
    """The shipped lexicon, loaded once on first use."""
    return AttributionLexicon.load(path)


# --------------------------------------------------------------------------- results


@dataclass
class AttributionMention:
    """One attribution construction: the record, and the text it covers.

    ``content`` is the ``[start, end)`` character range of the attributed text; ``cue`` the
    range of the speech verb, "according to" or hedge word; ``hedge`` marks a construction
    with no named source ("reportedly"); ``organisation`` the speaker's affiliation, if named.
    """

    attribution: Attribution
    content: tuple[int, int]
    cue: tuple[int, int]
    kind: MentionKind = "speech"
    hedge: bool = False
    organisation: Source | None = None

    def covers(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` lies in the content and outside the attribution phrase."""
        if not (self.content[0] <= start and end <= self.content[1]):
            return False
        if start < self.cue[1] and self.cue[0] < end:
            return False
        phrase = self.attribution.span
        return not (phrase and start >= phrase[0] and end <= phrase[1])


@dataclass
class AttributionResult:
    mentions: list[AttributionMention] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass(frozen=True)
class _Named:
    """A lexicon match (outlet/organisation) in token offsets."""

    start: int
    end: int
    name: str
    kind: SourceKind


@dataclass(frozen=True)
class _Phrase:
    """A noun phrase in an attribution role, classified."""

    start: int  # token offsets, [start, end)
    end: int
    kind: PhraseKind
    name: str | None  # canonical or proper name, None for unnamed roles/documents

    def text(self, doc: Doc) -> str:
        return doc[self.start : self.end].text

    def chars(self, doc: Doc) -> tuple[int, int]:
        return (doc[self.start].idx, doc[self.end - 1].idx + len(doc[self.end - 1].text))


# --------------------------------------------------------------------------- component


class AttributionFinder(BatchedPipe):
    """Finds attribution constructions and named sources; see the module docstring."""

    def __init__(self, nlp: Language, lexicon: AttributionLexicon) -> None:
        self.lexicon = lexicon
        vocab = nlp.vocab
        # one-word aliases match case-sensitively ("AP", "Amnesty" but not "amnesty"),
        # longer ones case-insensitively ("Itar-Tass news agency")
        self.phrase_matcher = PhraseMatcher(vocab, attr="ORTH")
        self.lower_matcher = PhraseMatcher(vocab, attr="LOWER")
        self._entries: dict[str, SourceEntry] = {}
        for i, entry in enumerate(lexicon.sources):
            key = f"src{i}"
            self._entries[key] = entry
            variants: set[str] = set()
            for alias in (entry.name, *entry.aliases):
                variants.add(alias)
                if alias.startswith("The "):
                    variants.add("the " + alias[4:])
            patterns = [nlp.make_doc(v) for v in sorted(variants)]
            self.phrase_matcher.add(key, [p for p in patterns if len(p) == 1])
            self.lower_matcher.add(key, [p for p in patterns if len(p) > 1])
        self.matcher = Matcher(vocab)
        for i, pattern in enumerate(lexicon.organisation_patterns):
            self.matcher.add(f"org{i}", [pattern["pattern"]])
        # a document without any word the patterns require cannot match them
        self._pattern_words = _required_words([p["pattern"] for p in lexicon.organisation_patterns])

    def __call__(self, doc: Doc) -> Doc:
        result = self.predict(doc)
        self.set_annotations(doc, result)
        return doc

    # -- compute

    def predict(self, doc: Doc) -> AttributionResult:
        strings = doc.vocab.strings
        lowers = [strings[h] for h in doc.to_array(LOWER).tolist()]
        named = self._named(doc, lowers)
        by_token: dict[int, _Named] = {}
        for n in named:
            for i in range(n.start, n.end):
                by_token[i] = n
        finder = _SentenceWork(doc, self.lexicon, by_token, lowers)
        mentions: list[AttributionMention] = []
        for sent in finder.sents:
            mentions.extend(finder.sentence(sent, mentions))
        _extend_to_quotes(finder.text, mentions)
        sources = _collect_sources(doc, named, finder.sourced)
        logger.debug(
            "fw_attribution: %s mentions, %s sources in doc %s",
            len(mentions),
            len(sources),
            doc._.fw_doc_id,
        )
        return AttributionResult(mentions=mentions, sources=sources)

    def _named(self, doc: Doc, lowers: Sequence[str]) -> list[_Named]:
        spans: list[Span] = []
        skip_patterns = self._pattern_words is not None and self._pattern_words.isdisjoint(lowers)
        for matcher in (self.phrase_matcher, self.lower_matcher, self.matcher):
            if len(matcher) == 0:  # a small lexicon may leave one empty
                continue
            if matcher is self.matcher and skip_patterns:
                continue
            for match_id, start, end in matcher(doc):
                spans.append(Span(doc, start, end, label=match_id))
        out: list[_Named] = []
        for span in _longest_first(spans):
            label = doc.vocab.strings[span.label]
            start = span.start
            if doc[start].lower_ == "the" and span.end - start > 1:
                start += 1  # the article stays outside the source's span
            entry = self._entries.get(label)
            if entry is not None:
                out.append(_Named(start, span.end, entry.name, entry.kind))
            else:
                out.append(_Named(start, span.end, doc[start : span.end].text, "organisation"))
        return sorted(out, key=lambda n: n.start)

    # -- write

    def set_annotations(self, doc: Doc, result: AttributionResult) -> None:
        doc._.fw_attributions = result.mentions
        doc._.fw_sources = result.sources


@Language.factory(
    "fw_attribution",
    default_config={"lexicon_path": None},
    requires=["token.dep", "token.lemma", "token.ent_type"],
    assigns=["doc._.fw_attributions", "doc._.fw_sources"],
)
def make_attribution(nlp: Language, name: str, lexicon_path: str | None) -> AttributionFinder:
    return AttributionFinder(nlp, default_lexicon(lexicon_path))


# --------------------------------------------------------------------------- the work


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


# --------------------------------------------------------------------------- helpers


def _strip_article(text: str) -> str:
    for article in ("the ", "The "):
        if text.startswith(article):
            text = text[len(article) :]
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip()


def _longest_first(spans: Iterable[Span]) -> list[Span]:
    taken: set[int] = set()
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(i in taken for i in range(span.start, span.end)):
            out.append(span)
            taken.update(range(span.start, span.end))
    return out


def _required_words(patterns: Sequence[Sequence[dict[str, Any]]]) -> frozenset[str] | None:
    """Lowercase words one of which a text must contain for any of ``patterns`` to match.

    Each pattern contributes the words of its first token that is not optional and is pinned
    by ``LOWER`` (a string or ``{"IN": [...]}``); None when some pattern has no such token.
    """
    words: set[str] = set()
    for pattern in patterns:
        for spec in pattern:
            if spec.get("OP", "1") not in ("1", "+"):  # optional or negated
                continue
            value = spec.get("LOWER")
            if isinstance(value, str):
                words.add(value)
                break
            if isinstance(value, dict) and set(value) == {"IN"}:
                words.update(str(v) for v in value["IN"])
                break
        else:
            return None
    return frozenset(words)


def _according_by_first(
    sequences: tuple[tuple[str, ...], ...],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The "according to" sequences by their first word, in lexicon order."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for seq in sequences:
        if seq:
            out.setdefault(seq[0], []).append(seq)
    return {first: tuple(seqs) for first, seqs in out.items()}


def _head_of(doc: Doc, start: int, end: int) -> Token:
    return doc[start:end].root


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Token range without leading/trailing punctuation and conjunctions."""
    while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].dep_ == "cc"):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return (start, end) if end > start else None


_EDGE_CHARS = ' \t\r\n,;:—–-“”"‘’«»()'


def _strip_chars(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the punctuation and quotes at its edges."""
    while start < end and text[start] in _EDGE_CHARS:
        start += 1
    while end > start and text[end - 1] in _EDGE_CHARS:
        end -= 1
    return (start, end)


def _chars(doc: Doc, tokens: tuple[int, int]) -> tuple[int, int]:
    last = doc[tokens[1] - 1]
    return (doc[tokens[0]].idx, last.idx + len(last.text))


def _antecedent(
    doc: Doc,
    pronoun: _Phrase,
    before: Sequence[AttributionMention],
    lex: AttributionLexicon,
    sents: Sequence[Span],
) -> tuple[str, tuple[int, int], Attribution | None] | None:
    """The speaker a pronoun refers to: the last speaker or person named before it."""
    at = doc[pronoun.start].idx
    sent_i = next(i for i, s in enumerate(sents) if s.start <= pronoun.start < s.end)
    floor = sents[max(0, sent_i - _PRONOUN_WINDOW)].start_char
    thing = doc[pronoun.start].lower_ in lex.thing_pronouns
    best: tuple[int, str, tuple[int, int], Attribution | None] | None = None
    for mention in before:
        a = mention.attribution
        if thing:
            if a.source and a.source_span and floor <= a.source_span[0] < at:
                cand = (a.source_span[0], a.source, a.source_span, a)
                best = cand if best is None or cand[0] > best[0] else best
        elif (
            a.speaker
            and a.speaker_span
            and floor <= a.speaker_span[0] < at
            and _agrees(doc, pronoun, a.speaker_span)
        ):
            cand = (a.speaker_span[0], a.speaker, a.speaker_span, a)
            best = cand if best is None or cand[0] > best[0] else best
    if not thing:
        for ent in doc.ents:
            if (
                ent.label_ == "PERSON"
                and floor <= ent.start_char < at
                and (best is None or ent.start_char > best[0])
            ):
                best = (ent.start_char, ent.text, (ent.start_char, ent.end_char), None)
    if best is None:
        return None
    return best[1], best[2], best[3]


def _agrees(doc: Doc, pronoun: _Phrase, chars: tuple[int, int]) -> bool:
    """Number agreement: "he"/"she" do not refer to "witnesses"."""
    span = doc.char_span(chars[0], chars[1], alignment_mode="expand")
    if span is None:
        return True
    plural = span.root.tag_ in ("NNS", "NNPS")
    return not (plural and doc[pronoun.start].lower_ in ("he", "she", "i"))


def _quote_regions(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every quotation, curly or straight quotes."""
    regions: list[tuple[int, int]] = []
    open_at: int | None = None
    for match in _QUOTE_RE.finditer(text):  # only the quote characters are visited
        i, ch = match.start(), match.group()
        role = _QUOTE_CHARS[ch]
        if role == "open" or (role == "toggle" and open_at is None):
            open_at = i
        elif open_at is not None:
            regions.append((open_at, i + 1))
            open_at = None
    return regions


def _extend_to_quotes(text: str, mentions: list[AttributionMention]) -> None:
    """A content that ends a quotation opened sentences before covers the whole quotation."""
    regions = [r for r in _quote_regions(text) if "\n\n" not in text[r[0] : r[1]]]
    for mention in mentions:
        if mention.hedge:
            continue
        start, end = mention.content
        for q0, q1 in regions:
            if q0 < start < q1 or (q0 < end <= q1 and q0 < start):
                start, end = min(start, q0 + 1), max(end, min(q1 - 1, end))
        mention.content = (start, end)


def _collect_sources(doc: Doc, named: Sequence[_Named], sourced: Sequence[_Phrase]) -> list[Source]:
    """Named sources, first mention, deduplicated by canonical name (persons by surname)."""
    found: list[tuple[int, Source]] = []
    for n in named:
        span = doc[n.start : n.end]
        found.append(
            (
                span.start_char,
                Source(
                    name=n.name, kind=n.kind, text=span.text, span=(span.start_char, span.end_char)
                ),
            )
        )
    for p in sourced:
        if p.name is None or p.kind in ("role", "pronoun"):
            continue
        phrase_span = doc[p.start : p.end]
        kind: SourceKind = "person" if p.kind == "person" else p.kind  # type: ignore[assignment]
        offset = phrase_span.text.find(p.name)
        start = phrase_span.start_char + max(offset, 0)
        name_span = doc.char_span(start, start + len(p.name)) if kind == "person" else None
        # "US President Joe Biden": a person's span is the name only
        span = name_span if name_span is not None and offset > 0 else phrase_span
        found.append(
            (
                span.start_char,
                Source(
                    name=p.name, kind=kind, text=span.text, span=(span.start_char, span.end_char)
                ),
            )
        )
    out: list[Source] = []
    seen: dict[str, Source] = {}
    surnames: dict[str, Source] = {}
    for _, source in sorted(found, key=lambda item: item[0]):
        key = source.name.casefold()
        if key in seen or key in surnames:  # "Petrova" after "Ana Petrova", any tag
            continue
        if source.kind == "person":
            surname = key.split()[-1]
            if surname in surnames:
                continue
            surnames[surname] = source
        seen[key] = source
        out.append(source)
    return out


# --------------------------------------------------------------------------- public API


def _trigger_chars(trigger: Span | Token) -> tuple[int, int]:
    if isinstance(trigger, Token):
        return (trigger.idx, trigger.idx + len(trigger.text))
    return (trigger.start_char, trigger.end_char)


def _covering(doc: Doc, trigger: Span | Token, hedges: bool) -> list[AttributionMention]:
    start, end = _trigger_chars(trigger)
    mentions: list[AttributionMention] = doc._.fw_attributions or []
    found = [m for m in mentions if (hedges or not m.hedge) and m.covers(start, end)]
    return sorted(found, key=lambda m: m.content[1] - m.content[0])


def attribution_for(doc: Doc, trigger: Span) -> Attribution | None:
    """The explicit attribution whose content covers ``trigger`` (innermost first), or None.

    None means no explicit source: the caller may use :func:`default_attribution`.
    """
    found = _covering(doc, trigger, hedges=False)
    return found[0].attribution.model_copy(deep=True) if found else None


def is_reported(doc: Doc, trigger: Span) -> bool:
    """True when the trigger is attributed to a source or hedged ("reportedly", "reports of")."""
    return bool(_covering(doc, trigger, hedges=True))


def default_attribution(doc: Doc, lexicon: AttributionLexicon | None = None) -> Attribution | None:
    """The document's own outlet (``doc._.fw_outlet``) as a default source, or None."""
    outlet = doc._.fw_outlet
    if not outlet:
        return None
    lexicon = lexicon or default_lexicon()
    return Attribution(
        source=lexicon.canonical(str(outlet)) or str(outlet),
        speaker=None,
        source_span=None,
        speaker_span=None,
        text=None,
        span=None,
        default=True,
    )
