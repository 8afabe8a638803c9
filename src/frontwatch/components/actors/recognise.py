"""The ``fw_actors`` component: actor mentions from the dictionary, named entities and
actor nouns, grown to their noun phrase with qualifiers and coordination."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.attrs import LOWER, POS
from spacy.language import Language
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from frontwatch.nlp.batching import BatchedPipe
from frontwatch.nlp.phrases import TokenPhrases, tokenized
from frontwatch.records import Actor, ActorType, Qualifier
from frontwatch.settings import cache_home

from .context import in_context
from .dictionary import STATE_KINDS, ActorDictionary, ActorEntry, is_case_sensitive, normalize
from .mentions import (
    CROWD_TYPES,
    GOVERNMENT_NOUNS,
    GROUP_HEADS,
    LEFT_DEPS,
    LOCATIVE_PREPS,
    MILITARY_COLLECTIVES,
    MILITARY_NOUNS,
    NAMED_LABELS,
    NAMING_PARTICIPLES,
    NOUN_TYPES,
    PLACE_MODIFIED_NOUNS,
    POLICE_NOUNS,
    QUALIFIER_PREPS,
    QUALIFIER_WORDS,
    TITLE_WORDS,
    ActorMention,
    _chars,
    _conjuncts,
    _modifies_thing,
    _noun_class,
    _strip_article,
    _sub_spans,
    _toponym_keys,
    guess_type,
)


@Language.factory(
    "fw_actors",
    default_config={"paths": [], "bundled": True},
    requires=["token.dep", "token.pos", "doc.ents"],
    assigns=["doc._.fw_actors"],
)
def make_actor_recognizer(
    nlp: Language, name: str, paths: list[str], bundled: bool
) -> ActorRecognizer:
    return ActorRecognizer(nlp, name, paths=[Path(p) for p in paths], bundled=bundled)


class ActorRecognizer(BatchedPipe):
    """Finds actor mentions; the dictionary is loaded lazily unless one is passed in."""

    def __init__(
        self,
        nlp: Language,
        name: str = "fw_actors",
        dictionary: ActorDictionary | None = None,
        *,
        paths: Sequence[Path] = (),
        bundled: bool = True,
        phrase_cache: Path | None = None,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.paths = list(paths)
        self.bundled = bundled
        self._dictionary = dictionary
        # where the names' tokens are kept between runs (nlp/phrases.py); None: not kept
        self.phrase_cache = cache_home() if phrase_cache is None else phrase_cache
        self._matchers_built: tuple[TokenPhrases, TokenPhrases] | None = None

    @property
    def dictionary(self) -> ActorDictionary:
        if self._dictionary is None:
            self._dictionary = ActorDictionary.load(self.paths, bundled=self.bundled)
        return self._dictionary

    def use_dictionary(self, dictionary: ActorDictionary) -> None:
        """Replace the dictionary (the matchers are rebuilt on the next document)."""
        self._dictionary = dictionary
        self._matchers_built = None

    def _matchers(self) -> tuple[TokenPhrases, TokenPhrases]:
        """The names, matched case-insensitively, and the short all-caps ones ("IS", "US")
        matched in their exact case."""
        if self._matchers_built is None:
            texts = sorted({alias for alias, _ in self.dictionary.aliases()})
            tokens = tokenized(self.nlp, texts, self.phrase_cache)
            exact: list[list[str]] = []
            folded: list[list[str]] = []
            for text, words in zip(texts, tokens, strict=True):
                (exact if is_case_sensitive(text) else folded).append(words)
            self._matchers_built = (
                TokenPhrases(folded, lower=True),
                TokenPhrases(exact, lower=False),
            )
        return self._matchers_built

    def __call__(self, doc: Doc) -> Doc:
        mentions = self.predict(doc)
        self.set_annotations(doc, mentions)
        return doc

    def set_annotations(self, doc: Doc, mentions: list[ActorMention]) -> None:
        doc._.fw_actors = mentions

    def predict(self, doc: Doc) -> list[ActorMention]:
        return _MentionFinder(doc, self.dictionary, self._matchers()).run()


@dataclass
class _Seed:
    """A dictionary match or a named entity: a name inside a (future) mention."""

    span: Span
    entry: ActorEntry | None


class _MentionFinder:
    def __init__(
        self, doc: Doc, dictionary: ActorDictionary, matchers: tuple[TokenPhrases, TokenPhrases]
    ) -> None:
        self.doc = doc
        self.dictionary = dictionary
        self.matchers = matchers

    # seeds ------------------------------------------------------------------------------
    def seeds(self) -> list[_Seed]:
        doc = self.doc
        matched: list[Span] = []
        for matcher in self.matchers:
            matched += [doc[s:e] for s, e in matcher.spans(doc)]
        matched = filter_spans(matched)
        # a PERSON with its title wins over the names inside it ("Iraqi President" + "Saddam
        # Hussein"); its entry comes from the whole, the person, or the title, in that order
        persons: list[tuple[Span, ActorEntry | None]] = []
        ents = doc.ents
        for ent in ents:
            if ent.label_ != "PERSON":
                continue
            full = self._with_title(ent)
            inside = [m for m in matched if full.start <= m.start and m.end <= full.end]
            if any(m.start < full.end and full.start < m.end for m in matched if m not in inside):
                continue
            entry = self.dictionary.lookup(full.text) or self.dictionary.lookup(ent.text)
            for m in sorted(inside, key=lambda m: -len(m)):
                entry = entry or self.dictionary.lookup(m.text)
            if entry is None and {t.lower_ for t in full} & TITLE_WORDS:
                code = next(
                    filter(None, (self.dictionary.country_of_demonym(t.text) for t in full)), None
                )
                entry = self.dictionary.state_actor(code, "government") if code else None
            matched = [m for m in matched if m not in inside]
            persons.append((full, entry))
        seeds = [_Seed(span, self.dictionary.lookup(span.text)) for span in matched]
        seeds += [_Seed(span, entry) for span, entry in persons]
        taken = {i for seed in seeds for i in range(seed.span.start, seed.span.end)}
        for ent in ents:
            if (
                ent.label_ in NAMED_LABELS
                and ent.label_ != "PERSON"
                and taken.isdisjoint(range(ent.start, ent.end))
            ):
                seeds.append(_Seed(ent, self.dictionary.lookup(ent.text)))
                taken.update(range(ent.start, ent.end))
        result = []
        for seed in sorted(seeds, key=lambda s: s.span.start):
            span = _strip_article(seed.span)
            if len(span):
                result.append(_Seed(span, seed.entry))
        return result

    def _with_title(self, ent: Span) -> Span:
        """Extend a PERSON leftwards over its title: "Syrian President Bashar al-Assad"."""
        start = ent.start
        root = ent.root
        for child in root.lefts:
            if child.i < ent.start and child.dep_ in ("compound", "amod", "poss", "nmod"):
                words = {t.lower_ for t in child.subtree}
                country = any(self.dictionary.country_of_demonym(t.text) for t in child.subtree)
                if words & TITLE_WORDS or country or child.ent_type_ in ("NORP", "GPE"):
                    start = min(start, child.left_edge.i)
        span = self.doc[start : ent.end]
        return _strip_article(span)

    # noun phrases -----------------------------------------------------------------------
    def run(self) -> list[ActorMention]:
        doc = self.doc
        seeds = self.seeds()
        seed_at = {i: seed for seed in seeds for i in range(seed.span.start, seed.span.end)}
        heads: dict[int, list[_Seed]] = {}
        # every actor noun heads a phrase; a seed used as a modifier joins its head's phrase
        strings = doc.vocab.strings
        lowers = doc.to_array(LOWER).tolist()
        nouns = (NOUN, PROPN)
        pos = doc.to_array(POS).tolist()
        for i, lower in enumerate(lowers):
            # words read as hashes: building every Token was most of the cost
            if pos[i] in nouns and strings[lower] in NOUN_TYPES:
                token = doc[i]
                seed = seed_at.get(token.i)
                if token.dep_ in ("compound", "nmod") and token.head.lower_ not in NOUN_TYPES:
                    continue  # "government buildings", "police station"
                if seed is None or seed.span.root.i == token.i:
                    heads.setdefault(token.i, [])
        for seed in seeds:
            head = self._governing_head(seed.span)
            if head.i == seed.span.root.i and seed.entry is None and _modifies_thing(seed.span):
                continue  # "Iraqi cities", "Shiite personnel" is kept: personnel is an actor noun
            heads.setdefault(head.i, []).append(seed)
        mentions: list[ActorMention] = []
        used: set[int] = set()
        for head_i in sorted(heads):
            mention = self._phrase(doc[head_i], heads[head_i], seed_at)
            if mention is not None:
                mentions.append(mention)
        mentions = self._dedupe(mentions)
        mentions = self._coordinate(mentions)
        mentions = in_context(
            doc, sorted(mentions, key=lambda m: (m.start, -m.end)), self.dictionary
        )
        for m in mentions:
            used.update(range(m.start, m.end))
        return sorted(mentions, key=lambda m: (m.start, -m.end))

    def _governing_head(self, span: Span) -> Token:
        """The actor noun a seed modifies ("ISIS" in "ISIS forces"), else the seed's root."""
        root = span.root
        head = root.head
        if (
            root.dep_ in ("compound", "amod", "nmod", "poss")
            and head.i >= span.end
            and head.lower_ in NOUN_TYPES
            and not self._in_qualifier(root)
        ):
            return head
        return root

    @staticmethod
    def _in_qualifier(token: Token) -> bool:
        """Token inside a hyphenated qualifier: "US" in "US-backed"."""
        for anc in [token, *token.ancestors]:
            if anc.lower_ in QUALIFIER_WORDS or anc.lower_ == "pro":
                return anc.i > token.i or anc.lower_ == "pro"
            if anc.lower_ in NOUN_TYPES or anc.pos_ == "VERB":
                return False
        return False

    def _phrase(
        self, head: Token, seeds: list[_Seed], seed_at: dict[int, _Seed]
    ) -> ActorMention | None:
        doc = self.doc
        own_seed = seed_at.get(head.i)
        start = min([head.i, *(s.span.start for s in seeds)])
        end = max([head.i + 1, *(s.span.end for s in seeds)])
        qualifiers: list[tuple[Qualifier, int, int]] = []
        expands = head.lower_ in NOUN_TYPES or (head.pos_ == "PROPN" and head.lower_ in GROUP_HEADS)
        for child in head.lefts if expands else ():
            if child.dep_ in LEFT_DEPS and child.pos_ not in ("DET", "NUM", "PRON"):
                if child.dep_ == "punct" and child.i < start:
                    continue
                if child.dep_ == "case":
                    continue
                start = min(start, child.left_edge.i)
        for child in head.rights:
            lower = child.lower_
            if (
                (
                    child.dep_ in ("amod", "acl", "prep", "advcl")
                    and lower in QUALIFIER_WORDS
                    and any(
                        c.lower_
                        in (QUALIFIER_PREPS if QUALIFIER_WORDS[lower] != "backed_by" else {"by"})
                        for c in child.rights
                    )
                )
                or (child.dep_ == "acl" and lower in NAMING_PARTICIPLES)
                or (
                    child.dep_ == "prep"
                    and lower == "of"
                    and any(g.ent_type_ in ("GPE", "NORP") for g in child.children)
                    and head.lower_ in MILITARY_NOUNS | POLICE_NOUNS | GOVERNMENT_NOUNS
                )
            ):
                end = max(end, child.right_edge.i + 1)
        if own_seed is not None:
            start = min(start, own_seed.span.start)
            end = max(end, own_seed.span.end)
        span = _strip_article(doc[start:end])
        while len(span) > 1 and span[-1].is_punct:
            span = span[:-1]
        while len(span) > 1 and (span[0].is_punct or span[0].dep_ == "case"):
            span = span[1:]
        if not len(span):
            return None
        qualifiers = self._qualifiers(span, head)
        q_tokens = {i for _, qs, qe in qualifiers for i in range(qs, qe)}
        entry, country, guessed_type = self._name(span, head, seeds, seed_at, q_tokens, qualifiers)
        if country is None and (entry is None or entry.kind == "generic"):
            demonyms = (
                self.dictionary.country_of_demonym(t.text) for t in span if t.i not in q_tokens
            )
            country = next(filter(None, demonyms), None)
        actor = Actor(
            text=span.text,
            span=(span.start_char, span.end_char),
            name=entry.name if entry else None,
            type=entry.type if entry else guessed_type,
            country=(entry.country if entry and entry.country else country),
            wikidata=entry.wikidata if entry else None,
            qualifiers=[q for q, _, _ in qualifiers],
            guessed=entry is None and guessed_type is not None,
        )
        mention = ActorMention(
            start=span.start,
            end=span.end,
            start_char=span.start_char,
            end_char=span.end_char,
            actor=actor,
            root=head.i,
            entry=entry,
        )
        mention.is_place_like = self._place_like(span, head, entry)
        if entry is None and guessed_type is None and not (own_seed or seeds):
            return None
        return mention

    def _name(
        self,
        span: Span,
        head: Token,
        seeds: list[_Seed],
        seed_at: dict[int, _Seed],
        q_tokens: set[int],
        qualifiers: list[tuple[Qualifier, int, int]],
    ) -> tuple[ActorEntry | None, str | None, ActorType | None]:
        """Canonical entry, country and guessed type of a phrase."""
        d = self.dictionary
        whole = d.lookup(span.text)
        if whole is not None:
            return whole, whole.country, None
        noun_class = _noun_class(head)
        own = seed_at.get(head.i)
        inner = [s for s in seeds if s is not own and not any(t.i in q_tokens for t in s.span)]
        # a generic head names no group when a named one modifies it ("Hamas gunmen")
        named_inner = any(s.entry is not None and s.entry.kind != "generic" for s in inner)
        if (
            own is not None
            and own.span.root.i == head.i
            and own.entry is not None
            and (own.entry.kind != "generic" or not named_inner)
        ):
            return own.entry, own.entry.country, None
        for seed in inner:
            if seed.entry is None:
                continue
            mapped = self._map(seed.entry, noun_class)
            if mapped is not None:
                return mapped, mapped.country, None
        by_demonym, country = self._by_demonym(span, head, q_tokens, noun_class)
        if by_demonym is not None:
            return by_demonym, country, None
        if noun_class == "military":
            loyal = self._loyal_forces(qualifiers)
            if loyal is not None:
                return loyal, loyal.country, None
        if noun_class == "military" and head.lower_ in MILITARY_COLLECTIVES:
            for q, _, _ in qualifiers:
                target = d.entries.get(q.name or "")
                if target is not None and target.kind == "armed_group" and q.relation != "other":
                    return None, country, target.type
        if own is not None and own.entry is None and head.lower_ not in NOUN_TYPES:
            label = own.span.root.ent_type_ or own.span.label_
            if head.lower_ in GROUP_HEADS and head.pos_ == "PROPN":
                return None, country, "rebel_group"
            if label in ("GPE", "LOC") and country is None:
                return None, None, None
            return None, country, None
        return None, country, guess_type(span, head)

    def _by_demonym(
        self, span: Span, head: Token, q_tokens: set[int], noun_class: str | None
    ) -> tuple[ActorEntry | None, str | None]:
        """The country of the phrase's demonyms ("Iraqi troops") and, for state forces or
        crowds, that country's entry; the last demonym's country when no entry is found."""
        d = self.dictionary
        country = None
        for token in span:
            if token.i in q_tokens or token.i == head.i:
                continue
            code = d.country_of_demonym(token.text)
            if code is None:
                continue
            country = code
            if noun_class in STATE_KINDS:
                found = d.state_actor(code, noun_class)
                if found is not None:
                    return found, code
            if noun_class in CROWD_TYPES:
                generic = d.lookup(noun_class.capitalize())
                if generic is not None:
                    return generic, code
        return None, country

    def _loyal_forces(self, qualifiers: list[tuple[Qualifier, int, int]]) -> ActorEntry | None:
        """The military of the country that "forces loyal to X" are loyal to."""
        d = self.dictionary
        for q, _, _ in qualifiers:
            if q.relation == "loyal_to" and q.name:
                target = d.entries.get(q.name) or d.lookup(q.name)
                code = target.country if target else None
                if code is None:
                    code = next((c for c, n in d.country_names.items() if n == q.name), None)
                if code and (found := d.state_actor(code, "military")) is not None:
                    return found
        return None

    def _map(self, entry: ActorEntry, noun_class: str | None) -> ActorEntry | None:
        """A named modifier in a phrase with head class: "Baghdad's forces" -> Iraq's military.

        A named force of its own ("Peshmerga forces", "Azov fighters": a military or police
        entry that is not its country's national one) stays itself under a head of its class.
        """
        if entry.kind in STATE_KINDS and entry.country:
            if noun_class == entry.kind and entry.kind != "government":
                national = self.dictionary.state_actor(entry.country, entry.kind)
                if national is not None and national.name != entry.name:
                    return entry
            if noun_class in STATE_KINDS:
                return self.dictionary.state_actor(entry.country, noun_class) or entry
            if noun_class in CROWD_TYPES:
                return self.dictionary.lookup(noun_class.capitalize())
            return entry
        if entry.kind == "generic":
            return entry
        if noun_class in CROWD_TYPES:
            return None
        return entry

    def _qualifiers(self, span: Span, head: Token) -> list[tuple[Qualifier, int, int]]:
        doc = self.doc
        found: list[tuple[Qualifier, int, int]] = []
        for token in span:
            lower = token.lower_
            if lower in QUALIFIER_WORDS and token.i < head.i and token.i > span.start:
                if doc[token.i - 1].text not in ("-", "\u2013"):
                    if lower == "allied":
                        found.append(
                            (
                                Qualifier(
                                    text=token.text,
                                    span=_chars(doc[token.i : token.i + 1]),
                                    relation="allied_with",
                                    name=None,
                                ),
                                token.i,
                                token.i + 1,
                            )
                        )
                    continue
                q_start = token.i - 1
                while (
                    q_start > span.start
                    and (
                        doc[q_start - 1].pos_ in ("PROPN", "NOUN", "ADJ")
                        or doc[q_start - 1].text == "."
                    )
                    and doc[q_start - 1].i in {t.i for t in token.subtree}
                ):
                    q_start -= 1
                related = doc[q_start : token.i - 1]
                if not len(related):
                    continue
                qspan = doc[q_start : token.i + 1]
                found.append(
                    (
                        Qualifier(
                            text=qspan.text,
                            span=_chars(qspan),
                            relation=QUALIFIER_WORDS[lower],
                            name=self._related_name(related),
                        ),
                        q_start,
                        token.i + 1,
                    )
                )
            elif lower == "pro" and token.i + 2 < span.end and doc[token.i + 1].text == "-":
                related = doc[token.i + 2 : token.i + 3]
                qspan = doc[token.i : token.i + 3]
                found.append(
                    (
                        Qualifier(
                            text=qspan.text,
                            span=_chars(qspan),
                            relation="other",
                            name=self._related_name(related),
                        ),
                        token.i,
                        token.i + 3,
                    )
                )
            elif lower in QUALIFIER_WORDS and token.i > head.i and token.head.i == head.i:
                preps = QUALIFIER_PREPS if QUALIFIER_WORDS[lower] != "backed_by" else {"by"}
                prep = next((c for c in token.rights if c.lower_ in preps), None)
                if prep is None:
                    continue
                obj = next((c for c in prep.rights if c.dep_ == "pobj"), None) if prep else None
                qspan = doc[token.i : token.right_edge.i + 1]
                name = (
                    self._related_name(doc[obj.left_edge.i : obj.right_edge.i + 1]) if obj else None
                )
                found.append(
                    (
                        Qualifier(
                            text=qspan.text,
                            span=_chars(qspan),
                            relation=QUALIFIER_WORDS[lower],
                            name=name,
                        ),
                        token.i,
                        token.right_edge.i + 1,
                    )
                )
        return found

    def _related_name(self, span: Span) -> str | None:
        """Canonical name of the party named in a qualifier; a country gives its own name."""
        d = self.dictionary
        text = _strip_article(span).text
        entry = d.lookup(text)
        if entry is None:
            for seed_span in _sub_spans(_strip_article(span)):
                entry = d.lookup(seed_span.text)
                if entry is not None:
                    break
        if entry is None:
            code = d.country_of_demonym(text)
            return d.country_names.get(code) if code else None
        state_names = ("Government of", "Military Forces of", "Police Forces of")
        if entry.country and entry.name.startswith(state_names):
            return d.country_names.get(entry.country, entry.name)
        return entry.name

    def _place_like(self, span: Span, head: Token, entry: ActorEntry | None) -> bool:
        is_place = entry is not None and normalize(span.text) in _toponym_keys(
            tuple(entry.toponyms)
        )
        if entry is None and span.root.ent_type_ in ("GPE", "LOC", "FAC"):
            is_place = True
        if not is_place:
            return False
        root = span.root
        while root.dep_ == "conj" and root.head.i < root.i:
            root = root.head
        if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS:
            return not (root.head.lower_ == "of" and root.head.head.lower_ in NOUN_TYPES)
        if root.dep_ == "poss" and root.head.lower_ not in NOUN_TYPES:
            return True
        return (
            root.dep_ in ("compound", "nmod")
            and root.head.lower_ not in NOUN_TYPES
            and root.head.pos_ == "NOUN"
            and root.head.lower_ in PLACE_MODIFIED_NOUNS
        )

    @staticmethod
    def _dedupe(mentions: list[ActorMention]) -> list[ActorMention]:
        """Overlapping phrases: the longest wins, the others become nested mentions."""
        mentions = sorted(mentions, key=lambda m: (-(m.end - m.start), m.start))
        kept: list[ActorMention] = []
        for m in mentions:
            if any(k.start <= m.start and m.end <= k.end and not k.nested for k in kept):
                m.nested = True
                kept.append(m)
            elif any(k.start < m.end and m.start < k.end and not k.nested for k in kept):
                continue
            else:
                kept.append(m)
        return kept

    def _coordinate(self, mentions: list[ActorMention]) -> list[ActorMention]:
        """Conjoined actor phrases become one mention with ``members``."""
        by_root = {m.root: m for m in mentions if not m.nested}
        out = list(mentions)
        for m in sorted((m for m in mentions if not m.nested), key=lambda m: m.start):
            if m.nested:
                continue
            head = self.doc[m.root]
            members = [m]
            for conj in _conjuncts(head):
                other = by_root.get(conj.i)
                if other is None or other.nested or other.start < m.end:
                    break
                members.append(other)
            if len(members) < 2:
                continue
            first = members[0]
            span = self.doc[first.start : members[-1].end]
            for member in members:
                member.nested = True
                for q in member.actor.qualifiers:
                    if q.relation == "allied_with" and q.name is None and member is not first:
                        q.name = first.actor.name
            actor = first.actor.model_copy(
                update={
                    "text": span.text,
                    "span": _chars(span),
                    "members": [x.actor for x in members],
                    "qualifiers": list(first.actor.qualifiers),
                }
            )
            out.append(
                ActorMention(
                    start=span.start,
                    end=span.end,
                    start_char=span.start_char,
                    end_char=span.end_char,
                    actor=actor,
                    root=first.root,
                    entry=first.entry,
                    is_place_like=all(x.is_place_like for x in members),
                )
            )
        return out
