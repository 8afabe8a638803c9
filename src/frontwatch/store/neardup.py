"""Near-duplicate documents: wire copies and syndicated rewrites (docs/store.md).

Texts are normalised (case-folded, words only) and cut into overlapping shingles of
:data:`SHINGLE_WORDS` words. Two documents are near-duplicates when the Jaccard similarity of
their shingle sets is at least :data:`THRESHOLD`. Candidates are found with MinHash
locality-sensitive hashing (:data:`PERMUTATIONS` hashes in :data:`BANDS` bands; a pair at
Jaccard 0.8 shares a band with probability above 0.999), then the exact Jaccard decides, so the
result does not depend on hashing luck. Documents under :data:`MIN_WORDS` words are never
compared: short texts (headlines, one-line alerts) share wording without being copies.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import numpy as np
import numpy.typing as npt

SHINGLE_WORDS = 5
THRESHOLD = 0.8
MIN_WORDS = 2 * SHINGLE_WORDS
PERMUTATIONS = 64
BANDS = 16
_ROWS = PERMUTATIONS // BANDS
_PRIME = (1 << 31) - 1  # a*x + b stays below 2**63 for 31-bit a, b, x
_SEED = 20261124
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def shingles(text: str) -> frozenset[str]:
    """The set of ``SHINGLE_WORDS``-word shingles; empty under ``MIN_WORDS`` words."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return frozenset()
    return frozenset(
        " ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)
    )


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@lru_cache(maxsize=1)
def _coefficients() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    rng = np.random.default_rng(_SEED)
    a = rng.integers(1, _PRIME, size=PERMUTATIONS, dtype=np.int64)
    b = rng.integers(0, _PRIME, size=PERMUTATIONS, dtype=np.int64)
    return a, b


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=4).digest(), "big")


def signature(grams: frozenset[str]) -> npt.NDArray[np.int64] | None:
    """The MinHash signature of a shingle set (``None`` for an empty set)."""
    if not grams:
        return None
    x = np.fromiter((_hash(g) % _PRIME for g in grams), dtype=np.int64, count=len(grams))
    a, b = _coefficients()
    values: npt.NDArray[np.int64] = ((a[:, None] * x[None, :] + b[:, None]) % _PRIME).min(axis=1)
    return values


def bands(grams: frozenset[str]) -> list[tuple[int, int]]:
    """``(band, bucket)`` pairs: documents sharing one are near-duplicate candidates."""
    sig = signature(grams)
    if sig is None:
        return []
    out = []
    for band in range(BANDS):
        chunk = sig[band * _ROWS : (band + 1) * _ROWS].astype("<i8").tobytes()
        bucket = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "big")
        out.append((band, bucket))
    return out
