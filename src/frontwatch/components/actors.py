"""Actor dictionary and actor mentions: who acts, coded ACLED-style.

The dictionary (:class:`ActorDictionary`) is a set of JSON Lines files, one actor a line
(format in ``docs/actors.md``): the bundled ``data/actors/*.jsonl`` plus user files. The
``fw_actors`` component finds actor mentions with

- a :class:`~spacy.matcher.PhraseMatcher` over the aliases (lower-case, except short all-caps
  acronyms such as "IS" or "US", matched case-sensitively so that "it is" is not the
  Islamic State);
- spaCy's named entities (ORG, NORP, GPE, PERSON; a PERSON keeps its title: "Syrian President
  Bashar al-Assad");
- noun phrases headed by actor nouns ("forces", "militants", "protesters", ...).

Mentions grow to their noun phrase ("ISIS forces"), keep their qualifiers ("US-backed",
"loyal to ...") and coordinations ("Iraqi troops and allied militia and volunteer forces").
:func:`actor_at` maps an argument token found by the event code to its actor, with a small,
documented coreference for pronouns and definite descriptions.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from spacy.attrs import LOWER, POS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from frontwatch.errors import Errors, FrontwatchError
from frontwatch.lexicon import table, words
from frontwatch.nlp.batching import BatchedPipe
from frontwatch.nlp.extensions import doc_text
from frontwatch.records import Actor, ActorType, Qualifier

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "actors"
BUNDLED_FILES = ("state_forces.jsonl", "groups.jsonl", "generic.jsonl")

ActorKind = Literal["military", "police", "government", "armed_group", "generic", "person"]
Relation = Literal["backed_by", "linked_to", "allied_with", "loyal_to", "other"]

if not Doc.has_extension("fw_actors"):
    Doc.set_extension("fw_actors", default=None)


class ActorEntry(BaseModel):
    """One line of an actor dictionary file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    type: ActorType
    country: str | None = None
    wikidata: str | None = None
    kind: ActorKind
    leader: list[str] = Field(default_factory=list)
    toponyms: list[str] = Field(default_factory=list, description="aliases that are place names")

    @field_validator("country")
    @classmethod
    def _alpha2(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Z]{2}", value):
            raise ValueError("country must be an ISO 3166-1 alpha-2 code such as 'IQ'")
        return value

    @field_validator("wikidata")
    @classmethod
    def _qid(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"Q[1-9][0-9]*", value):
            raise ValueError("wikidata must be a Q-id such as 'Q2429253'")
        return value

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases, *self.leader]


_LOOKUP_CACHE_SIZE = 50_000  # texts whose lookup is remembered (names recur across articles)


def is_case_sensitive(alias: str) -> bool:
    """Short all-caps aliases ("IS", "US", "ADF", "U.N.") only match their exact case."""
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 5


@lru_cache(maxsize=65_536)
def normalize(text: str) -> str:
    """Key for case-insensitive lookups: lower case, straight quotes, single spaces, no 'the'.

    Memoised: the same names are looked up in article after article.
    """
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    text = re.sub(r"\s+", " ", text.strip()).lower()
    text = re.sub(r"\s*-\s*", "-", text)
    return text[4:] if text.startswith("the ") else text


@dataclass
class ActorDictionary:
    """Actor entries by canonical name, with alias and demonym indexes.

    Alias priority: a curated file (``groups``, ``generic``, user files) overrides the generated
    ``state_forces`` file; within one file the first entry wins; user files win over all.
    """

    entries: dict[str, ActorEntry] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    _exact: dict[str, str] = field(default_factory=dict, repr=False)
    _folded: dict[str, str] = field(default_factory=dict, repr=False)
    _by_country: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    # text -> canonical name (or None) of earlier lookups; emptied when entries are added
    _lookups: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, paths: Sequence[Path] = (), *, bundled: bool = True) -> ActorDictionary:
        """The bundled dictionary (if ``bundled``) plus user files, in order.

        A user entry with the name of an existing entry extends its aliases and replaces its
        other fields. Raises :class:`FrontwatchError` E101 on an invalid file.
        """
        dictionary = cls()
        if bundled:
            for name in BUNDLED_FILES:
                dictionary.add_entries(
                    read_entries(DATA_DIR / name), override=name != BUNDLED_FILES[0]
                )
            dictionary.demonyms = load_demonyms(DATA_DIR / "demonyms.json")
            dictionary._country_names_from_entries()
        for path in paths:
            dictionary.add_entries(read_entries(Path(path)), override=True)
        logger.debug("actor dictionary: %s entries", len(dictionary.entries))
        return dictionary

    @classmethod
    def from_entries(
        cls, entries: Iterable[ActorEntry], demonyms: dict[str, str] | None = None
    ) -> ActorDictionary:
        """A dictionary from entries in memory (tests use small slices)."""
        dictionary = cls()
        dictionary.add_entries(list(entries), override=False)
        dictionary.demonyms = {k.lower(): v for k, v in (demonyms or {}).items()}
        dictionary._country_names_from_entries()
        return dictionary

    def add_entries(self, entries: Sequence[ActorEntry], *, override: bool) -> None:
        self._lookups.clear()
        seen: set[str] = set()
        for entry in entries:
            old = self.entries.get(entry.name)
            if old is not None and override:
                aliases = list(dict.fromkeys([*old.aliases, *entry.aliases]))
                entry = entry.model_copy(update={"aliases": aliases})
            elif old is not None:
                continue
            self.entries[entry.name] = entry
            if entry.country and entry.kind in STATE_KINDS:
                country_key = (entry.country, entry.kind)
                if country_key not in self._by_country or entry.name.startswith(
                    ("Military Forces of", "Police Forces of", "Government of")
                ):
                    self._by_country[country_key] = entry.name
            for alias in entry.all_names():
                index, key = self._key(alias)
                if key in seen:
                    continue
                seen.add(key)
                if override or key not in index:
                    index[key] = entry.name

    def _key(self, alias: str) -> tuple[dict[str, str], str]:
        if is_case_sensitive(alias):
            return self._exact, alias.strip()
        return self._folded, normalize(alias)

    def _country_names_from_entries(self) -> None:
        for entry in self.entries.values():
            if (
                entry.kind == "government"
                and entry.country
                and entry.name.startswith("Government of")
            ):
                name = entry.name.removeprefix("Government of ").removeprefix("the ")
                self.country_names.setdefault(entry.country, name)

    def lookup(self, text: str) -> ActorEntry | None:
        """The entry one of whose names is ``text`` (acronyms case-sensitively)."""
        try:
            name = self._lookups[text]
        except KeyError:
            name = self._exact.get(text.strip())
            if name is None and not is_case_sensitive(text):
                name = self._folded.get(normalize(text))
            if len(self._lookups) >= _LOOKUP_CACHE_SIZE:
                self._lookups.clear()
            self._lookups[text] = name
        return self.entries.get(name) if name else None

    def state_actor(self, country: str, kind: str) -> ActorEntry | None:
        """The ``military``/``police``/``government`` actor of a country."""
        name = self._by_country.get((country, kind))
        return self.entries.get(name) if name else None

    def country_of_demonym(self, word: str) -> str | None:
        return self.demonyms.get(word.lower())

    def aliases(self) -> Iterator[tuple[str, str]]:
        """Every (alias, canonical name) pair, canonical names included."""
        for entry in self.entries.values():
            for alias in entry.all_names():
                yield alias, entry.name

    def __len__(self) -> int:
        return len(self.entries)


def read_entries(path: Path) -> list[ActorEntry]:
    """Parse and validate one JSON Lines dictionary file (E101 with the line on error)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise FrontwatchError(Errors.E101, path=path, detail=str(err)) from err
    entries: list[ActorEntry] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            entries.append(ActorEntry.model_validate(json.loads(line)))
        except json.JSONDecodeError as err:
            raise FrontwatchError(
                Errors.E101, path=path, detail=f"line {number}: not valid JSON ({err.msg})"
            ) from err
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "entry"
            raise FrontwatchError(
                Errors.E101, path=path, detail=f"line {number}: {where}: {first['msg']}"
            ) from err
    return entries


def load_demonyms(path: Path) -> dict[str, str]:
    """``demonyms.json`` as a map from lower-case demonym to ISO alpha-2 code."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise FrontwatchError(Errors.E101, path=path, detail=str(err)) from err
    result: dict[str, str] = {}
    for code, names in data.items():
        if code.startswith("_"):
            continue
        for word in names:
            result.setdefault(word.lower(), code)
    return result


# -- word lists of the noun-phrase rules (data/lexicon/actor_words.json, docs/actors.md) ----


def _by_word(groups: dict[str, list[str]]) -> dict[str, Any]:
    """``{"rebel_group": ["rebels", ...]}`` -> ``{"rebels": "rebel_group", ...}`` (a word
    listed twice takes its last label)."""
    return {word: label for label, listed in groups.items() for word in listed}


#: the kinds of dictionary entry that are a country's state forces
STATE_KINDS: tuple[ActorKind, ...] = ("military", "police", "government")
#: actor types of people who are not organised forces
CROWD_TYPES: tuple[ActorType, ...] = ("civilians", "protesters", "rioters")
NAMING_PARTICIPLES = words("actor_words", "naming_participles")
PLACE_MODIFIED_NOUNS = words("actor_words", "place_modified_nouns")
MILITARY_COLLECTIVES = words("actor_words", "military_collectives")
ARTICLES = words("actor_words", "articles")
ORGANISATION_NOUNS = words("actor_words", "organisation_nouns")
ARMED_GROUP_HEADS = words("actor_words", "armed_group_heads")
MILITARY_NOUNS = words("actor_words", "military_nouns")
POLICE_NOUNS = words("actor_words", "police_nouns")
GOVERNMENT_NOUNS = words("actor_words", "government_nouns")
NOUN_TYPES: dict[str, ActorType] = {
    **dict.fromkeys(MILITARY_NOUNS | POLICE_NOUNS | GOVERNMENT_NOUNS, "state_forces"),
    **_by_word(table("actor_words", "noun_types")),
}
MODIFIER_TYPES: dict[str, ActorType] = _by_word(table("actor_words", "modifier_types"))
#: proper-noun heads that make an unknown name a group ("the Red Hand Brigade")
GROUP_HEADS = words("actor_words", "group_heads")
QUALIFIER_WORDS: dict[str, Relation] = _by_word(table("actor_words", "qualifier_words"))
QUALIFIER_PREPS = words("actor_words", "qualifier_preps")
LEFT_DEPS = frozenset(["amod", "compound", "nmod", "poss", "npadvmod", "advmod", "punct", "case"])
NAMED_LABELS = frozenset(["ORG", "NORP", "GPE", "PERSON", "LOC", "FAC"])
TITLE_WORDS = words("actor_words", "title_words")
LOCATIVE_PREPS = words("actor_words", "locative_preps")
SINGULAR_PRONOUNS = words("actor_words", "singular_pronouns")
PLURAL_PRONOUNS = words("actor_words", "plural_pronouns")
DEFINITE_DETS = words("actor_words", "definite_determiners")
COREF_SENTENCES = 3


@dataclass
class ActorMention:
    """One actor mention: token offsets, character span and the coded record.

    ``nested`` mentions sit inside another one (a coordination member, the object of a
    qualifier); ``is_place_like`` marks a country or capital used as a place ("in Iraq").
    """

    start: int
    end: int
    start_char: int
    end_char: int
    actor: Actor
    root: int
    is_place_like: bool = False
    nested: bool = False
    entry: ActorEntry | None = None

    @property
    def text(self) -> str:
        return self.actor.text

    def span(self, doc: Doc) -> Span:
        return doc[self.start : self.end]


# -- the component -------------------------------------------------------------------------


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
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.paths = list(paths)
        self.bundled = bundled
        self._dictionary = dictionary
        self._folded: PhraseMatcher | None = None
        self._exact: PhraseMatcher | None = None

    @property
    def dictionary(self) -> ActorDictionary:
        if self._dictionary is None:
            self._dictionary = ActorDictionary.load(self.paths, bundled=self.bundled)
        return self._dictionary

    def use_dictionary(self, dictionary: ActorDictionary) -> None:
        """Replace the dictionary (the matchers are rebuilt on the next document)."""
        self._dictionary = dictionary
        self._folded = self._exact = None

    def _matchers(self) -> tuple[PhraseMatcher, PhraseMatcher]:
        if self._folded is None or self._exact is None:
            folded = PhraseMatcher(self.nlp.vocab, attr="LOWER")
            exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
            pairs = list(self.dictionary.aliases())
            texts = [alias for alias, _ in pairs]
            tokenizer: Any = self.nlp.tokenizer
            for (alias, _name), pattern in zip(pairs, tokenizer.pipe(texts), strict=True):
                target = exact if is_case_sensitive(alias) else folded
                target.add("ACTOR", [pattern])
            self._folded, self._exact = folded, exact
        return self._folded, self._exact

    def __call__(self, doc: Doc) -> Doc:
        mentions = self.predict(doc)
        self.set_annotations(doc, mentions)
        return doc

    def set_annotations(self, doc: Doc, mentions: list[ActorMention]) -> None:
        doc._.fw_actors = mentions

    def predict(self, doc: Doc) -> list[ActorMention]:
        return _MentionFinder(doc, self.dictionary, self._matchers()).run()


# -- finding mentions --------------------------------------------------------------------------


@dataclass
class _Seed:
    """A dictionary match or a named entity: a name inside a (future) mention."""

    span: Span
    entry: ActorEntry | None


class _MentionFinder:
    def __init__(
        self, doc: Doc, dictionary: ActorDictionary, matchers: tuple[PhraseMatcher, PhraseMatcher]
    ) -> None:
        self.doc = doc
        self.dictionary = dictionary
        self.matchers = matchers

    # seeds ------------------------------------------------------------------------------
    def seeds(self) -> list[_Seed]:
        doc = self.doc
        matched: list[Span] = []
        for matcher in self.matchers:
            matched += [doc[s:e] for _, s, e in matcher(doc)]
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
        if own is not None and own.span.root.i == head.i and own.entry is not None:
            return own.entry, own.entry.country, None
        inner = [s for s in seeds if s is not own and not any(t.i in q_tokens for t in s.span)]
        for seed in inner:
            if seed.entry is None:
                continue
            mapped = self._map(seed.entry, noun_class)
            if mapped is not None:
                return mapped, mapped.country, None
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
                    return found, code, None
            if noun_class in CROWD_TYPES:
                generic = d.lookup(noun_class.capitalize())
                if generic is not None:
                    return generic, code, None
        if noun_class == "military":
            for q, _, _ in qualifiers:
                if q.relation == "loyal_to" and q.name:
                    target = d.entries.get(q.name) or d.lookup(q.name)
                    code = target.country if target else None
                    if code is None:
                        code = next((c for c, n in d.country_names.items() if n == q.name), None)
                    if code and (found := d.state_actor(code, "military")) is not None:
                        return found, code, None
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
        return None, country, _guess_type(span, head)

    def _map(self, entry: ActorEntry, noun_class: str | None) -> ActorEntry | None:
        """A named modifier in a phrase with head class: "Baghdad's forces" -> Iraq's military."""
        if entry.kind in STATE_KINDS and entry.country:
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


@lru_cache(maxsize=4096)
def _toponym_keys(toponyms: tuple[str, ...]) -> frozenset[str]:
    """The lookup keys of an entry's place-name aliases."""
    return frozenset(normalize(t) for t in toponyms)


def _modifies_thing(span: Span) -> bool:
    """An unknown name used as an adjective of a non-actor noun ("Iraqi cities")."""
    root = span.root
    return (
        root.dep_ in ("amod", "compound", "nmod")
        and root.head.i >= span.end
        and root.head.lower_ not in NOUN_TYPES
        and root.ent_type_ in ("NORP", "")
    )


def _conjuncts(token: Token) -> list[Token]:
    """Conjuncts of a head in order: "troops and militia and forces" (chained or flat)."""
    result: list[Token] = []
    stack = [c for c in token.rights if c.dep_ == "conj"]
    while stack:
        conj = stack.pop(0)
        result.append(conj)
        stack = [c for c in conj.rights if c.dep_ == "conj"] + stack
    return sorted(result, key=lambda t: t.i)


def _noun_class(head: Token) -> str | None:
    lower = head.lower_
    if lower in MILITARY_NOUNS:
        return "military"
    if lower in POLICE_NOUNS:
        return "police"
    if lower in GOVERNMENT_NOUNS:
        return "government"
    kind = NOUN_TYPES.get(lower)
    return kind if kind in CROWD_TYPES else None


def _guess_type(span: Span, head: Token) -> ActorType | None:
    """Type of an unknown actor: a telling modifier ("terrorist forces") wins over the head."""
    for token in span:
        if token.i != head.i and token.lower_ in MODIFIER_TYPES:
            return MODIFIER_TYPES[token.lower_]
    if head.pos_ == "PROPN" and head.lower_ in GROUP_HEADS and head.text[:1].isupper():
        return "rebel_group"  # an unknown proper name: "the Red Hand Brigade"
    if head.lower_ in NOUN_TYPES:
        return NOUN_TYPES[head.lower_]
    if head.pos_ == "PROPN" and head.lower_ in GROUP_HEADS:
        return "rebel_group"
    return None


def _strip_article(span: Span) -> Span:
    doc = span.doc
    start, end = span.start, span.end
    while start < end and (doc[start].lower_ in ARTICLES or doc[start].lower_ in ("'s", "’s")):
        start += 1
    while end > start and doc[end - 1].lower_ in ("'s", "’s", "'", "’"):
        end -= 1
    return doc[start:end]


def _sub_spans(span: Span) -> Iterator[Span]:
    """Sub-spans, longest first (to find a known name inside a longer phrase)."""
    n = len(span)
    for size in range(n - 1, 0, -1):
        for i in range(0, n - size + 1):
            yield span[i : i + size]


def _chars(span: Span) -> tuple[int, int]:
    return (span.start_char, span.end_char)


# -- actor_at ------------------------------------------------------------------------------


def actor_at(doc: Doc, token: Token) -> Actor | None:
    """The actor for an argument token: covering mention, governed mention, or antecedent.

    1. a mention whose root is ``token`` (the largest: a coordination over its first member);
    2. else the smallest mention containing ``token``;
    3. else a mention whose root is a syntactic child of ``token`` ("fell to forces of ISIS");
    4. else for a pronoun (it, its, they, them, their, ...) or a definite description without
       a name ("the group", "the militants"), the antecedent (see :func:`resolve_antecedent`),
       returned with the ``text``/``span`` of the pronoun or description itself.
    """
    mentions: list[ActorMention] = doc._.fw_actors or []
    best: ActorMention | None
    rooted = [m for m in mentions if m.root == token.i]
    covering = [m for m in mentions if m.start <= token.i < m.end]
    if rooted:
        best = max(rooted, key=lambda m: m.end - m.start)
    elif covering:
        best = min(covering, key=lambda m: m.end - m.start)
    else:
        children = {c.i for c in token.children}
        # a generic word used as an adjective beside a name describes the head: "Russian
        # civilian advisers" are Russian advisers ("civilian contractors" stay civilians, and
        # "Israeli military policies" are the Israeli military's)
        named = any(c.ent_type_ in ("NORP", "GPE", "ORG") for c in token.lefts)
        governed = [
            m
            for m in mentions
            if m.root in children
            and not m.nested
            and not (
                named
                and doc[m.root].dep_ == "amod"
                and m.entry is not None
                and m.entry.kind == "generic"
            )
        ]
        best = governed[0] if governed else None
    if best is not None and not (best.actor.name is None and _is_definite_description(doc, best)):
        entry = best.entry
        if (
            entry is None
            or entry.kind == "generic"
            or (entry.kind == "police" and not entry.country)
        ):
            return with_place_complement(doc, doc[best.root], best.actor)
        return best.actor
    target_span = (best.start_char, best.end_char) if best else (token.idx, token.idx + len(token))
    if best is None and not _is_pronoun(token):
        return None
    antecedent = resolve_antecedent(doc, token, best)
    if antecedent is None:
        return best.actor if best else None
    return antecedent.actor.model_copy(
        update={"text": doc_text(doc)[target_span[0] : target_span[1]], "span": target_span}
    )


PLACE_COMPLEMENT_PREPS = words("actor_words", "place_complement_preps")


def with_place_complement(doc: Doc, head: Token, actor: Actor) -> Actor:
    """An actor named by a common noun is told apart by where it is: "rebels in the Ivory
    Coast", "security forces in Guinea", "Palestinians of the West Bank". The place phrase
    joins the text (and span) when it follows the actor's head directly; named actors keep
    their text."""
    if actor.members or not actor.span[0] <= head.idx < actor.span[1]:
        return actor
    for prep in head.rights:
        if prep.dep_ != "prep" or prep.lower_ not in PLACE_COMPLEMENT_PREPS:
            continue
        if prep.idx < actor.span[1] or doc_text(doc)[actor.span[1] : prep.idx].strip():
            return actor  # not right after the actor's text
        objs = [c for c in prep.children if c.dep_ == "pobj"]
        if not objs or objs[0].ent_type_ not in ("GPE", "LOC"):
            return actor
        end = max(t.idx + len(t) for t in objs[0].subtree)
        return actor.model_copy(
            update={"text": doc_text(doc)[actor.span[0] : end], "span": (actor.span[0], end)}
        )
    return actor


def _is_pronoun(token: Token) -> bool:
    return token.lower_ in SINGULAR_PRONOUNS or token.lower_ in PLURAL_PRONOUNS


def _is_definite_description(doc: Doc, mention: ActorMention) -> bool:
    """ "the group", "the militants": a determiner and a bare actor noun."""
    head = doc[mention.root]
    det = [c for c in head.lefts if c.dep_ == "det"]
    return (
        mention.end - mention.start == 1
        and bool(det)
        and det[0].lower_ in DEFINITE_DETS
        and (head.lower_ in NOUN_TYPES or head.lower_ in ORGANISATION_NOUNS)
    )


def _plural(doc: Doc, mention: ActorMention) -> bool | None:
    """True/False for plural/singular; None for names that take both ("ISIS ... they")."""
    if mention.actor.members:
        return True
    entry = mention.entry
    if (
        entry is not None
        and entry.kind in ("armed_group", "government")
        and doc[mention.root].pos_ == "PROPN"
    ):
        return None
    return doc[mention.root].tag_ in ("NNS", "NNPS")


def resolve_antecedent(
    doc: Doc, token: Token, anaphor: ActorMention | None = None
) -> ActorMention | None:
    """The antecedent of a pronoun or definite description (simple, documented heuristic).

    Candidates are the top-level actor mentions that end before the anaphor, in its sentence
    or up to :data:`COREF_SENTENCES` sentences before, that are not places ("in Iraq") and
    agree in number ("it" singular or a group name; "they" plural or a group name; "the
    militants" the same guessed type or a named armed group). The nearest sentence wins; in an
    earlier sentence a subject is preferred, in the same sentence the nearest mention.
    """
    mentions: list[ActorMention] = doc._.fw_actors or []
    start = anaphor.start if anaphor is not None else token.i
    starts = [s.start for s in doc.sents]  # Token.sent scans for its sentence: bisect instead
    here = bisect.bisect_right(starts, token.i) - 1
    lower = token.lower_
    wanted_type: ActorType | None = anaphor.actor.type if anaphor is not None else None
    candidates: list[tuple[int, int, int, int, ActorMention]] = []
    for m in mentions:
        if m.nested or m.end > start or m.is_place_like or m is anaphor:
            continue
        if m.actor.name is None and m.actor.type is None:
            continue
        distance = here - (bisect.bisect_right(starts, m.start) - 1)
        if distance < 0 or distance > COREF_SENTENCES:
            continue
        plural = _plural(doc, m)
        if lower in SINGULAR_PRONOUNS and plural is True:
            continue
        if lower in PLURAL_PRONOUNS and plural is False:
            continue
        if anaphor is not None:
            head = doc[anaphor.root].lower_
            if head in ARMED_GROUP_HEADS:
                if m.entry is None or m.entry.kind != "armed_group":
                    continue
            elif wanted_type is not None and m.actor.type != wanted_type:
                continue
        subject = doc[m.root].dep_ in ("nsubj", "nsubjpass")
        order = -m.start if distance == 0 else (0 if subject else 1) * 10_000 - m.start
        rank = (distance, 0 if distance == 0 else (0 if subject else 1), order)
        candidates.append((_head_match(doc, anaphor, m), *rank, m))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1], c[2], c[3]))
    return candidates[0][4]


# what a definite description's head noun says about its antecedent's kind
HEAD_KINDS: dict[str, str] = table("actor_words", "head_kinds")


def _head_match(doc: Doc, anaphor: ActorMention | None, mention: ActorMention) -> int:
    """0 when a definite description's head fits the candidate ("this army" and "the Iraqi
    Army", "the regime" and a government), else 1; pronouns fit everything."""
    if anaphor is None:
        return 0
    head = doc[anaphor.root].lower_
    if head in mention.actor.text.lower():
        return 0
    kind = HEAD_KINDS.get(head)
    name = (mention.actor.name or "").lower()
    if kind == "military" and name.startswith("military forces"):
        return 0
    if kind == "police" and name.startswith("police"):
        return 0
    if kind == "government" and name.startswith("government"):
        return 0
    return 1 if kind is not None else 0


def mentions_in(doc: Doc, span: Span) -> list[ActorMention]:
    """Top-level actor mentions inside a span (a sentence, an evidence window)."""
    mentions: list[ActorMention] = doc._.fw_actors or []
    return [m for m in mentions if not m.nested and span.start <= m.start and m.end <= span.end]
