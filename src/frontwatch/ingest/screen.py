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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"[^\W\d_]+")

#: About 160 of the most frequent English function words (and "said", ubiquitous in news).
ENGLISH_FUNCTION_WORDS: frozenset[str] = _words(
    """
    a about above according across after again against ago all almost along also although am
    amid among an and another any are around as at be because been before being below between
    both but by can cannot could did do does doing down during each either else even ever every
    few for from further had has have having he her here hers herself him himself his how however
    i if in into is it its itself just least less many may me might more most much must my myself
    neither no nor not now of off often on once one only onto or other others our ours ourselves
    out over own per rather said same says several shall she should since so some still such than
    that the their theirs them themselves then there these they this those though three through
    thus to too toward towards two under until up upon us very was we were what whatever when
    where whether which while who whom whose why will with within without would yet you your yours
    """
)

#: Common function words of other Latin-script languages, minus any that are English words.
FOREIGN_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: _words(words) - ENGLISH_FUNCTION_WORDS
    for lang, words in {
        "French": "le la les des du et est une un dans pour qui que sur pas par avec au aux ce "
        "cette il elle ils elles sont été ont mais ou où plus leur nous vous se sa son ses selon "
        "être avait était ont lors",
        "Spanish": "el los las del y en que por con una uno para es su sus se al lo como más "
        "pero fue ha han este esta entre sobre sin según muy también había desde",
        "German": "der die das und ist nicht ein eine einen dem den des mit von zu auf für sich "
        "auch es wurde wurden sind bei nach aus im zum zur oder dass wie sie hat haben werden",
        "Italian": "il lo gli della di che è per una sono non con nel nella alla dei delle questo "
        "anche più ma come ha hanno essere stato",
        "Portuguese": "o e os da de dos em um uma não com para por mais foi ao pelo pela seu "
        "sua também são está foram",
        "Dutch": "het een van en niet zijn dat met voor ook werd naar bij maar wordt deze heeft",
        "Turkish": "ve bir bu ile için olarak olan çok daha gibi sonra ama kadar değil göre ise",
        "Indonesian": "yang dan di ke dari ini itu dengan untuk tidak dalam pada akan oleh juga "
        "adalah",
    }.items()
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
