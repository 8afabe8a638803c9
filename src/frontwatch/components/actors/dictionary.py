"""The actor dictionary: entries of ``data/actors/*.jsonl`` and user files (format in
docs/actors.md), indexed by alias and demonym."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from frontwatch.errors import Errors, FrontwatchError
from frontwatch.lexicon import DATA_DIR as PACKAGE_DATA
from frontwatch.lexicon import read
from frontwatch.records import ActorType

logger = logging.getLogger(__name__)

DATA_DIR = PACKAGE_DATA / "actors"


BUNDLED_FILES = ("state_forces.jsonl", "groups.jsonl", "generic.jsonl")


ActorKind = Literal["military", "police", "government", "armed_group", "generic", "person"]


Relation = Literal["backed_by", "linked_to", "allied_with", "loyal_to", "other"]


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
    if not alias.isupper():  # a cased letter in lower case, or none: not all-caps
        return False
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and len(letters) <= 5 and all(c.isupper() for c in letters)


@lru_cache(maxsize=65_536)
def normalize(text: str) -> str:
    """Key for case-insensitive lookups: lower case, straight quotes, single spaces, no 'the'.

    Memoised: the same names are looked up in article after article.
    """
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    text = " ".join(text.split()).lower()
    if "-" in text:
        text = _AROUND_HYPHEN.sub("-", text)
    return text[4:] if text.startswith("the ") else text


_AROUND_HYPHEN = re.compile(r"\s*-\s*")


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
    data = read(path)
    result: dict[str, str] = {}
    for code, names in data.items():
        if code.startswith("_"):
            continue
        for word in names:
            result.setdefault(word.lower(), code)
    return result


#: the kinds of dictionary entry that are a country's state forces
STATE_KINDS: tuple[ActorKind, ...] = ("military", "police", "government")
