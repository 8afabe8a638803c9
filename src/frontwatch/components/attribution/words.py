"""The attribution lexicon (``attribution.json``): speech verbs, hedges, the nouns that
classify a speaker, and named outlets and organisations with their canonical names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from frontwatch.errors import Errors, FrontwatchError
from frontwatch.lexicon import LEXICON_DIR, read
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_outlet)

LEXICON_PATH = LEXICON_DIR / "attribution.json"
SourceKind = Literal["outlet", "organisation", "document", "person"]


@dataclass(frozen=True)
class SourceEntry:
    """A named outlet or organisation of the lexicon."""

    name: str
    kind: SourceKind
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class AttributionLexicon:
    """The attribution lexicon (``data/lexicon/attribution.json``), as lowercased sets."""

    version: str
    speech_verbs: frozenset[str]
    verbs_needing_clause: frozenset[str]
    object_content_verbs: frozenset[str]
    according_to: tuple[tuple[str, ...], ...]
    citing_verbs: frozenset[str]
    hedge_adverbs: frozenset[str]
    hedge_adjectives: frozenset[str]
    hedge_raising_verbs: frozenset[str]
    report_nouns: frozenset[str]
    document_nouns: frozenset[str]
    outlet_nouns: frozenset[str]
    organisation_nouns: frozenset[str]
    person_pronouns: frozenset[str]
    thing_pronouns: frozenset[str]
    sources: tuple[SourceEntry, ...]
    organisation_patterns: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "<dict>") -> AttributionLexicon:
        def words(key: str) -> frozenset[str]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise FrontwatchError(Errors.E101, path=path, detail=f"{key!r} must be strings")
            return frozenset(v.lower() for v in value)

        try:
            sources = tuple(
                SourceEntry(name=s["name"], kind=s["kind"], aliases=tuple(s["aliases"]))
                for s in data.get("sources", [])
            )
            according = tuple(tuple(w.lower() for w in seq) for seq in data["according_to"])
        except (KeyError, TypeError) as err:
            raise FrontwatchError(Errors.E101, path=path, detail=f"missing field {err}") from err
        for entry in sources:
            if entry.kind not in ("outlet", "organisation", "document", "person"):
                raise FrontwatchError(
                    Errors.E101, path=path, detail=f"source {entry.name!r}: bad kind {entry.kind!r}"
                )
        return cls(
            version=str(data.get("version", "0")),
            speech_verbs=words("speech_verbs"),
            verbs_needing_clause=words("verbs_needing_clause"),
            object_content_verbs=words("object_content_verbs"),
            according_to=according,
            citing_verbs=words("citing_verbs"),
            hedge_adverbs=words("hedge_adverbs"),
            hedge_adjectives=words("hedge_adjectives"),
            hedge_raising_verbs=words("hedge_raising_verbs"),
            report_nouns=words("report_nouns"),
            document_nouns=words("document_nouns"),
            outlet_nouns=words("outlet_nouns"),
            organisation_nouns=words("organisation_nouns"),
            person_pronouns=words("person_pronouns"),
            thing_pronouns=words("thing_pronouns"),
            sources=sources,
            organisation_patterns=tuple(data.get("organisation_patterns", [])),
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> AttributionLexicon:
        path = Path(path) if path else LEXICON_PATH
        return cls.from_dict(read(path), str(path))

    def canonical(self, name: str) -> str | None:
        """The canonical name of an outlet/organisation alias ("NYT" -> "New York Times")."""
        key = _strip_article(name).casefold()
        for entry in self.sources:
            if key == entry.name.casefold() or any(
                key == _strip_article(a).casefold() for a in entry.aliases
            ):
                return entry.name
        return None


@lru_cache(maxsize=4)
def default_lexicon(path: str | None = None) -> AttributionLexicon:
    """The shipped lexicon, loaded once on first use."""
    return AttributionLexicon.load(path)


def _strip_article(text: str) -> str:
    for article in ("the ", "The "):
        if text.startswith(article):
            text = text[len(article) :]
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip()
