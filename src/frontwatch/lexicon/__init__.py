"""English word data: the one loader of ``frontwatch/data/lexicon/``.

Every list of English words that frontwatch uses (trigger words, speech verbs, month names,
number words, place nouns, ...) is a versioned JSON file of ``data/lexicon/``, documented in
docs/lexicon.md, like spaCy's ``lang/en/``: the components hold no word lists. This package
reads those files; nothing else opens them.

* :func:`read` reads one file and checks its form (a JSON object with a ``version``); a file
  that is missing or malformed is error E101 naming the file and the problem.
* :func:`load` is :func:`read` of a bundled file, cached: ``load("time_words")``.
* :func:`words` is a word list of a bundled file as a frozenset: ``words("event_words",
  "locative_preps")``; :func:`table` a mapping: ``table("place_words", "bearings")``.
* :func:`speech_verbs` is the one list of speech verbs, or the part of it a stage uses.

The component modules bind the lists they use to module constants
(``ACTOR_NOUNS = words("event_words", "actor_nouns")``), read once, when the component is
imported (that is, when the pipeline is built).

The typed views of the files that need cross-checks are in this package too:
:mod:`.events` (the event lexicon: ``taxonomy.json``, ``triggers.json``, ``cues.json``,
``modality.json``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import Errors, FrontwatchError

#: The package's data files (``frontwatch/data``); word data is in its ``lexicon`` folder.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LEXICON_DIR = DATA_DIR / "lexicon"


def read(path: Path | str) -> dict[str, Any]:
    """The JSON object of the word-data file ``path``; E101 when it cannot be read (missing,
    not UTF-8) or parsed, or is not an object."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise FrontwatchError(Errors.E101, path=path, detail=err) from err
    if not isinstance(data, dict):
        raise FrontwatchError(Errors.E101, path=path, detail="expected a JSON object")
    return data


@lru_cache(maxsize=32)
def load(name: str) -> dict[str, Any]:
    """The bundled file ``data/lexicon/<name>.json`` (read once)."""
    return read(LEXICON_DIR / f"{name}.json")


def words(name: str, key: str) -> frozenset[str]:
    """The word list ``key`` of the bundled file ``name``."""
    value = load(name)[key]
    if not isinstance(value, list):
        raise FrontwatchError(
            Errors.E101, path=LEXICON_DIR / f"{name}.json", detail=f"{key!r} is not a list"
        )
    return frozenset(str(word) for word in value)


def table(name: str, key: str) -> dict[str, Any]:
    """The mapping ``key`` of the bundled file ``name``."""
    value = load(name)[key]
    if not isinstance(value, dict):
        raise FrontwatchError(
            Errors.E101, path=LEXICON_DIR / f"{name}.json", detail=f"{key!r} is not an object"
        )
    return dict(value)


def speech_verbs(use: str | None = None) -> frozenset[str]:
    """The speech verbs (lemmas): the one list of ``attribution.json``, or the part of it that
    one stage uses (``speech_verb_uses``: ``"statement"``, ``"report_date"``,
    ``"reporting_place"``). A use that names a verb outside the list is E101."""
    verbs = words("attribution", "speech_verbs")
    if use is None:
        return verbs
    chosen = frozenset(str(verb) for verb in table("attribution", "speech_verb_uses")[use])
    if not chosen <= verbs:
        raise FrontwatchError(
            Errors.E101,
            path=LEXICON_DIR / "attribution.json",
            detail=f"speech_verb_uses.{use}: not speech verbs: {sorted(chosen - verbs)}",
        )
    return chosen
