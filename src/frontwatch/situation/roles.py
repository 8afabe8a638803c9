"""What an event means for the situation: its type family, its role, its place and actors.

The role of an event comes from the frame of its trigger word in the extractor's own trigger
lexicon (``data/lexicon/triggers.json``: "captured" -> capture, "withdrew" -> retreat), so the
situation and the extractor read words the same way; the frame -> role table below is the only
situation-specific vocabulary (docs/situation.md).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache

from frontwatch.lexicon import load, table
from frontwatch.lexicon.events import load_lexicon
from frontwatch.records import FACTUAL_MODALITIES, STATEMENT_CATEGORIES, Actor, Event, Location

TERRITORY = frozenset(
    {
        "Government regains territory",
        "Non-state actor overtakes territory",
        "Non-violent transfer of territory",
    }
)
# Feature codes of places too large to be held by one side because of one event.
_AREA_FEATURES = (
    "PCL",
    "ADM1",
    "ADM2",
    "ADMD",
    "RGN",
    "CONT",
    "TERR",
    "ZN",
    # water: rivers, lakes, seas are fronts, not places held
    "STM",
    "LK",
    "OCN",
    "SEA",
    "BAY",
    "GULF",
    "CNL",
)
_NON_COMBATANTS = frozenset({"civilians", "protesters", "rioters"})


class Role(StrEnum):
    GAIN = "gain"  # capture, retake, fall, seizure: actor1 takes the place or the goods
    WITHDRAW = "withdraw"  # retreat, handover, surrender: actor1 leaves it
    ATTACK = "attack"  # fighting at a place
    DESTROY = "destroy"  # destruction of property or materiel
    AID = "aid"  # deliveries: actor2 receives
    DEPLOY = "deploy"  # troops and equipment sent, reinforcements: actor1 deploys them
    OTHER = "other"


FRAME_ROLES: dict[str, Role] = {
    "capture": Role.GAIN,
    "retake": Role.GAIN,
    "fall": Role.GAIN,
    "control": Role.GAIN,
    "seize_goods": Role.GAIN,
    "loot": Role.GAIN,
    "retreat": Role.WITHDRAW,
    "handover": Role.WITHDRAW,
    "surrender": Role.WITHDRAW,
    "fight": Role.ATTACK,
    "attack": Role.ATTACK,
    "shell": Role.ATTACK,
    "airstrike": Role.ATTACK,
    "bomb": Role.ATTACK,
    "destroy": Role.DESTROY,
    "aid": Role.AID,
    "mobilize": Role.DEPLOY,
}
_IRREGULAR: dict[str, str] = table("situation_words", "irregular_verbs")
# (suffix, replacement), tried in order: "burying" -> "bury", "seized" -> "seize"
_SUFFIXES: list[tuple[str, str]] = [
    (suffix, repl) for suffix, repl in load("situation_words")["inflection_suffixes"]
]


def _lemmas(word: str) -> list[str]:
    """Candidate lemmas of an inflected English word, most likely first."""
    word = word.casefold()
    out = [word]
    if word in _IRREGULAR:
        out.insert(0, _IRREGULAR[word])
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            out.append(stem)
            if len(stem) > 2 and stem[-1] == stem[-2]:  # "ambushed" fine, "hitting" -> hit
                out.append(stem[:-1])
    return out


@lru_cache(maxsize=1024)
def trigger_frame(trigger: str) -> str | None:
    """The lexicon frame of a trigger text ("seizing control" -> "capture"), or None."""
    lexicon = load_lexicon()
    words = trigger.replace("-", " - ").split()
    for word in words:
        for lemma in _lemmas(word):
            frame = lexicon.verbs.get(lemma) or lexicon.nouns.get(lemma)
            if frame is not None:
                return frame
    return None


def role(event: Event) -> Role:
    """The role of an event for control and ledgers: by trigger frame, else by type."""
    frame = trigger_frame(event.trigger.text)
    if frame is not None and frame in FRAME_ROLES and _fits(FRAME_ROLES[frame], event):
        return FRAME_ROLES[frame]
    if event.acled is not None:
        sub = event.acled.sub_event_type
        if sub == "Non-violent transfer of territory":
            return Role.WITHDRAW
        if sub in TERRITORY:
            return Role.GAIN
        if event.acled.event_type in ("Battles", "Explosions/Remote violence"):
            return Role.ATTACK
    if event.plover is not None and event.plover.type == "RETREAT":
        return Role.WITHDRAW
    return Role.OTHER


_ROLE_TYPES: dict[Role, tuple[str, ...]] = {
    Role.GAIN: ("Strategic developments",),
    Role.WITHDRAW: ("Strategic developments",),
    Role.DESTROY: ("Strategic developments", "Battles", "Explosions/Remote violence"),
    Role.ATTACK: (
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Riots",
    ),
    Role.AID: (),
    Role.DEPLOY: ("Strategic developments",),
}


def holding(event: Event) -> bool:
    """An event that tells who holds a place now ("gangs that control the capital", "rebels
    still hold the town"): a frame of a state (``state`` in the trigger lexicon), ongoing."""
    frame = trigger_frame(event.trigger.text)
    return event.status == "ongoing" and frame is not None and load_lexicon().frames[frame].state


def _fits(what: Role, event: Event) -> bool:
    """A trigger's role holds when the event's ACLED coding agrees ("took the lives": no gain)."""
    acled = event.acled
    if acled is None and event.category in STATEMENT_CATEGORIES:
        return False  # a statement or threat ("will take up new positions") moves nothing
    if acled is None or acled.sub_event_type in TERRITORY:
        return what is not Role.ATTACK or acled is None
    return acled.event_type in _ROLE_TYPES[what]


def family(event: Event) -> str:
    """The type family within which reports may merge.

    Territorial gains and withdrawals are families of their own (a capture and the defenders'
    retreat are two events); strategic developments are told apart by role (seizure, retreat,
    destruction) or else by sub-type; other ACLED types merge within the type; events without
    ACLED coding by PLOVER type.
    """
    if event.acled is not None:
        sub = event.acled.sub_event_type
        what = role(event)
        if sub in TERRITORY:
            return "territory:" + ("withdraw" if what is Role.WITHDRAW else "gain")
        if event.acled.event_type == "Strategic developments":
            if what in (Role.GAIN, Role.WITHDRAW, Role.DESTROY):
                return f"strategic:{what}"  # the sub-type of a seizure varies, its role not
            return f"Strategic developments/{sub}"
        return event.acled.event_type
    if event.plover is not None:
        return "plover:" + event.plover.type
    return "category:" + event.category


def is_factual(event: Event) -> bool:
    return event.modality in FACTUAL_MODALITIES


def is_settled(event: Event) -> bool:
    """Factual and not a failed or merely attempted action."""
    return is_factual(event) and event.status not in ("failed", "attempted")


def holdable(location: Location | None) -> bool:
    """A place that one side can hold: a precise point, not a country or province."""
    if location is None or location.precision != 1:
        return False
    feature = location.feature or ""
    return not feature.startswith(_AREA_FEATURES)


def combatant(actor: Actor | None) -> bool:
    """An actor that can hold ground or materiel: not civilians, and not a place named as
    the target ("the curfew in Algiers")."""
    return actor is not None and actor.role == "party" and actor.type not in _NON_COMBATANTS


def actor_label(actor: Actor | None) -> str | None:
    """The name an actor is listed under: canonical name, else its text."""
    if actor is None:
        return None
    return actor.name or actor.text


def side(actor: Actor | None, country: str | None = None) -> str | None:
    """A key for the side an actor is on: state forces of one country are one side.

    ``country`` (the country of the place) stands for the country of unnamed state forces
    ("government troops" in Syria are Syrian state forces).
    """
    if actor is None:
        return None
    if actor.type == "state_forces" and (actor.country or (country and not actor.name)):
        return "state:" + (actor.country or country or "")
    return "name:" + fold(actor.name or actor.text)


def event_side(actor: Actor | None, event: Event) -> str | None:
    """The side of one of an event's actors, the event's country standing in (see :func:`side`)."""
    return side(actor, event.location.country if event.location else None)


def side_labels(events: Iterable[Event]) -> dict[str, str]:
    """The name each side goes by: its first canonical name, else the first text it has."""
    labels: dict[str, str] = {}
    named: set[str] = set()
    for event in events:
        for actor in (event.actor1, event.actor2):
            key, label = event_side(actor, event), actor_label(actor)
            if key is None or label is None or actor is None or key in named:
                continue
            if actor.name:
                named.add(key)
                labels[key] = label
            else:
                labels.setdefault(key, label)
    return labels


def unknown(actor: Actor | None) -> bool:
    """No actor, or an unnamed one of no definite type ("the opposition", "gunmen")."""
    return actor is None or (not actor.name and actor.type in (None, "external_other"))


def fold(text: str) -> str:
    """Case- and accent-folded text ("Tikrīt" -> "tikrit")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().replace("‘", "'").replace("’", "'").split())


def ascii_name(text: str) -> str:
    """A place name without diacritics, case kept ("Tikrīt" -> "Tikrit")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
