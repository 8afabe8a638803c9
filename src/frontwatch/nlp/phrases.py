"""Many phrases matched as token sequences, without a tokenizer run per phrase at start-up.

spaCy's :class:`~spacy.matcher.PhraseMatcher` needs every phrase as a ``Doc``: the actor
dictionary's 30,000 names cost a tokenizer run and a ``Doc`` each whenever a pipeline is built,
more than loading the spaCy model itself (docs/performance.md, "Cold start"). :class:`TokenPhrases`
matches the same token sequences (on ``LOWER`` or ``ORTH``, like the phrase matcher) with a
dictionary lookup, and :func:`tokenized` keeps the phrases' tokens in a cache file keyed by
the phrases, the spaCy version and the model, so that only the first start pays the tokenizer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from spacy import about as spacy_about
from spacy.language import Language
from spacy.tokens import Doc

from ..settings import keep_newest

logger = logging.getLogger(__name__)

#: The cache file format; a new one ignores older files.
CACHE_FORMAT = 1
#: Cache files kept in a directory (one per dictionary: bundled, with a user's files, ...);
#: the least recently written go first.
KEEP_FILES = 8


class TokenPhrases:
    """Phrases given as token texts, found in a ``Doc`` by their tokens' ``lower_`` (``lower``)
    or ``orth_``: every (start, end) where a phrase's tokens are the doc's, overlaps included,
    as :class:`~spacy.matcher.PhraseMatcher` finds them."""

    def __init__(self, phrases: Iterable[Sequence[str]], *, lower: bool) -> None:
        self.lower = lower
        self._phrases: set[tuple[str, ...]] = set()
        lengths: dict[str, set[int]] = {}
        for tokens in phrases:
            if not tokens:
                continue
            key = tuple(map(str.lower, tokens)) if lower else tuple(tokens)
            self._phrases.add(key)
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {first: tuple(sorted(n)) for first, n in lengths.items()}

    def __len__(self) -> int:
        return len(self._phrases)

    def spans(self, doc: Doc) -> Iterator[tuple[int, int]]:
        """(start, end) token offsets of every match, by start then end."""
        texts = [t.lower_ for t in doc] if self.lower else [t.orth_ for t in doc]
        phrases, lengths = self._phrases, self._lengths
        for i, text in enumerate(texts):
            for n in lengths.get(text, ()):
                if i + n <= len(texts) and (n == 1 or tuple(texts[i : i + n]) in phrases):
                    yield i, i + n


def tokenized(nlp: Language, texts: Sequence[str], cache_dir: Path | None) -> list[list[str]]:
    """The token texts of each of ``texts`` by ``nlp``'s tokenizer, read from ``cache_dir``
    when an earlier run wrote them (the key covers the texts, spaCy's version and the model);
    written there otherwise. A cache that cannot be read or written is skipped silently (a
    read-only home directory only costs time)."""
    path = None
    if cache_dir is not None:
        path = cache_dir / f"phrases-{_key(nlp, texts)}.json"
        cached = _read(path, len(texts))
        if cached is not None:
            return cached
    tokenizer: Any = nlp.tokenizer
    tokens = [[t.text for t in doc] for doc in tokenizer.pipe(texts)]
    if path is not None:
        _write(path, tokens)
    return tokens


def _key(nlp: Language, texts: Sequence[str]) -> str:
    meta = nlp.meta
    digest = hashlib.sha256()
    head = [
        CACHE_FORMAT,
        spacy_about.__version__,
        meta.get("lang"),
        meta.get("name"),
        meta.get("version"),
    ]
    digest.update(json.dumps(head).encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


def _read(path: Path, count: int) -> list[list[str]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, list) or len(data) != count:
        return None
    return data


def _write(path: Path, tokens: list[list[str]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".phrases-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(tokens, fh, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        keep_newest(path.parent, "phrases-*.json", KEEP_FILES)
    except (OSError, UnicodeError) as err:
        logger.debug("phrase cache %s not written: %s", path, err)
