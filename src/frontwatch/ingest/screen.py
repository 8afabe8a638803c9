"""Screening documents before the NLP pipeline: empty, oversized, not English.

The language check is deliberately cheap and general (no model): the share of words that are
among the most common English function words, compared with the share of common function words
of other major Latin-script languages, and the share of letters that are Latin script. News text
in English has 35-50% English function words; French, Spanish or German prose has under 5%.
Texts shorter than :data:`MIN_WORDS` words (headlines) are only rejected when they are clearly
written in another script.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..errors import DocumentError, Errors
from ..lexicon import table, words
from ..records import Document
from ..settings import Settings

logger = logging.getLogger(__name__)

#: Texts with fewer words are not judged on function words (titles, captions).
MIN_WORDS = 12
#: Only this many leading characters are looked at for the language check.
SAMPLE_CHARS = 50_000
#: Below this share of Latin-script letters, a text is in another script.
MIN_LATIN_SHARE = 0.5
#: A short text is rejected for its script only when it has at least this many letters.
MIN_SCRIPT_LETTERS = 5


_WORD = re.compile(r"[^\W\d_]+")

#: About 160 of the most frequent English function words (and "said", ubiquitous in news).
ENGLISH_FUNCTION_WORDS: frozenset[str] = words("text_words", "english_function_words")

#: Common function words of other Latin-script languages, minus any that are English words.
FOREIGN_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(listed) - ENGLISH_FUNCTION_WORDS
    for lang, listed in table("text_words", "foreign_function_words").items()
}

_ALL_FOREIGN: frozenset[str] = frozenset().union(*FOREIGN_FUNCTION_WORDS.values())

# first word of the Unicode character name -> script name used in messages
_SCRIPT_NAMES = {
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "CJK": "Chinese/Japanese (Han)",
    "HANGUL": "Korean",
    "ARABIC": "Arabic",
    "CYRILLIC": "Cyrillic",
    "HEBREW": "Hebrew",
    "GREEK": "Greek",
    "DEVANAGARI": "Devanagari",
    "THAI": "Thai",
    "GEORGIAN": "Georgian",
    "ARMENIAN": "Armenian",
    "ETHIOPIC": "Ethiopic",
    "BENGALI": "Bengali",
    "TAMIL": "Tamil",
    "PERSIAN": "Arabic",
}


@dataclass(frozen=True)
class LanguageProfile:
    """What the language check measured on a text sample."""

    words: int
    letters: int
    english_ratio: float
    foreign_ratio: float
    foreign_language: str | None
    latin_share: float
    main_script: str

    def describe(self) -> str:
        parts = [f"{round(self.english_ratio * 100)}% English function words"]
        parts.append(f"script mostly {self.main_script}")
        if self.foreign_language and self.foreign_ratio > self.english_ratio:
            parts.append(
                f"{round(self.foreign_ratio * 100)}% {self.foreign_language} function words"
            )
        return "; ".join(parts)


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0] if name else "UNKNOWN"
    if first == "LATIN":
        return "Latin"
    return _SCRIPT_NAMES.get(first, first.title() or "Unknown")


def language_profile(text: str) -> LanguageProfile:
    """Measure the English function-word share and the script of (the start of) ``text``."""
    sample = text[:SAMPLE_CHARS]
    words = [w.lower() for w in _WORD.findall(sample)]
    scripts: Counter[str] = Counter()
    for char in sample:
        if char.isalpha():
            # ASCII letters are by far the most common case: skip the name lookup
            scripts["Latin" if char.isascii() else _script(char)] += 1
    letters = sum(scripts.values())
    latin = scripts.get("Latin", 0)
    main_script = scripts.most_common(1)[0][0] if scripts else "Latin"
    n_words = len(words)
    english = sum(1 for w in words if w in ENGLISH_FUNCTION_WORDS)
    # the foreign share counts every listed foreign word (neighbouring languages share many);
    # the language named in messages is the one whose list matches most
    foreign = sum(1 for w in words if w in _ALL_FOREIGN)
    counts = {
        lang: sum(1 for w in words if w in vocab) for lang, vocab in FOREIGN_FUNCTION_WORDS.items()
    }
    best_lang = max(counts, key=counts.__getitem__) if foreign else None
    return LanguageProfile(
        words=n_words,
        letters=letters,
        english_ratio=english / n_words if n_words else 0.0,
        foreign_ratio=foreign / n_words if n_words else 0.0,
        foreign_language=best_lang,
        latin_share=latin / letters if letters else 1.0,
        main_script=main_script,
    )


def looks_english(profile: LanguageProfile, min_english_ratio: float) -> bool:
    """The decision rule of :func:`screen` on a measured profile."""
    other_script = profile.letters >= MIN_SCRIPT_LETTERS and profile.latin_share < MIN_LATIN_SHARE
    if other_script:
        return False
    if profile.words < MIN_WORDS:
        # a headline or a caption: too short to judge by function words
        return True
    if profile.english_ratio < min_english_ratio:
        return False
    return profile.foreign_ratio <= profile.english_ratio


def screen(doc: Document, settings: Settings) -> None:
    """Raise :class:`DocumentError` if ``doc`` is empty (E001), too long (E004) or not English
    (E005); return ``None`` if it can go through the pipeline."""
    if not doc.text.strip():
        raise DocumentError(Errors.E001, name=doc.id)
    size = len(doc.text)
    if size > settings.max_chars:
        raise DocumentError(Errors.E004, name=doc.id, size=size, limit=settings.max_chars)
    profile = language_profile(doc.text)
    if not looks_english(profile, settings.min_english_ratio):
        logger.debug("document %s rejected as non-English: %s", doc.id, profile)
        raise DocumentError(Errors.E005, name=doc.id, detail=profile.describe())
