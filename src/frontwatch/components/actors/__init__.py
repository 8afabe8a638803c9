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

====================  =========================================================
module                what
====================  =========================================================
:mod:`.dictionary`    :class:`ActorDictionary`: entries, aliases, demonyms
:mod:`.mentions`      :class:`ActorMention`, word lists, noun-phrase helpers
:mod:`.recognise`     the ``fw_actors`` component
:mod:`.link`          :func:`actor_at` and the coreference of event assembly
====================  =========================================================
"""

from __future__ import annotations

from .dictionary import (
    BUNDLED_FILES,
    DATA_DIR,
    ActorDictionary,
    ActorEntry,
    ActorKind,
    is_case_sensitive,
    load_demonyms,
    normalize,
    read_entries,
)
from .link import (
    actor_at,
    literal_places,
    mentions_in,
    place_usage,
    resolve_antecedent,
    with_place_complement,
)
from .mentions import ActorMention, guess_type
from .recognise import ActorRecognizer, make_actor_recognizer

__all__ = [
    "BUNDLED_FILES",
    "DATA_DIR",
    "ActorDictionary",
    "ActorEntry",
    "ActorKind",
    "ActorMention",
    "ActorRecognizer",
    "actor_at",
    "guess_type",
    "is_case_sensitive",
    "literal_places",
    "load_demonyms",
    "make_actor_recognizer",
    "mentions_in",
    "normalize",
    "place_usage",
    "read_entries",
    "resolve_antecedent",
    "with_place_complement",
]
