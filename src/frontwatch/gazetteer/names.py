"""Name keys of the gazetteer: how a place name is normalised for lookup.

:func:`name_key` (the exact key) and :func:`fold_key` (the looser key for transliteration
variants) are computed the same way when the index is written and when a text is read;
:func:`synthetic_id` gives places without a GeoNames id a stable id.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from functools import lru_cache
from pathlib import Path

from ..lexicon import read

_TRANSLITERATION = read(
    Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "transliteration.json"
)

# Arabic definite articles as transliterated in place names ("al-Mawsil", "Deir ez-Zor").
ARTICLES = frozenset(_TRANSLITERATION["articles"])
_ATTACHED_ARTICLE = re.compile(r"^[aeu](dh|sh|th|[dnrstz])\1(?=[a-z]{2})")
_PUNCT = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiouwy]+")
_FOLDS = tuple((a, b) for a, b in _TRANSLITERATION["folds"])
# word endings written several ways ("Nabatiyeh", "Nabatieh", "Nabatiya"), longest first
_ENDINGS = tuple((a, b) for a, b in _TRANSLITERATION["endings"])


@lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """Lower-case ASCII key: diacritics, apostrophes and punctuation removed, spaces single.

    Memoised: place recognition asks for the key of every capitalised n-gram of a document.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("'", "").replace("\u2019", "").replace("`", "")
    text = text.replace("\u02bf", "").replace("\u02be", "").replace("\u2018", "")
    text = text.replace("&", " and ").replace("saint ", "st ").replace("st. ", "st ")
    text = _PUNCT.sub(" ", text)
    tokens = text.split()
    if len(tokens) > 1 and all(len(t) == 1 for t in tokens):  # "U.S.A." -> "usa"
        tokens = ["".join(tokens)]
    return " ".join(tokens) if text.isascii() else ""


def fold_key(name: str) -> str:
    """A looser key for transliteration variants: articles dropped, vowels folded.

    "Mosul", "Mawsil" and "al-Mawsil" share ``msl``; "Deir ez-Zor", "Dayr az Zawr" and
    "Deir Ezzor" share ``dr zr``; "Nabatiyeh", "Nabatieh" and "Nabatiya" share ``nbt``.
    """
    tokens = name_key(name).split()
    if not tokens:
        return ""
    kept = [t for t in tokens if t not in ARTICLES] or tokens
    out: list[str] = []
    for i, tok in enumerate(kept):
        if i > 0:
            tok = _ATTACHED_ARTICLE.sub(r"\1", tok)
        for a, b in _ENDINGS:
            if len(tok) > len(a) + 2 and tok.endswith(a):
                tok = tok[: -len(a)] + b
                break
        for a, b in _FOLDS:
            tok = tok.replace(a, b)
        head, rest = tok[:1], _VOWELS.sub("", tok[1:])
        skeleton = head + rest
        skeleton = re.sub(r"(.)\1+", r"\1", skeleton)
        out.append(skeleton)
    return " ".join(out)


def synthetic_id(source: str, key: str) -> int:
    """A stable negative id for a place without a GeoNames id: ``-(crc32(source:key) + 1)``."""
    return -(zlib.crc32(f"{source}:{key}".encode()) + 1)
