"""The event lexicon: the event files of ``frontwatch/data/lexicon/``, read and cross-checked.

The files are data, not code: ``taxonomy.json`` (ACLED and PLOVER), ``triggers.json`` (trigger
words and the frames they evoke), ``cues.json`` (context words that refine the ACLED sub-type or
move an event out of scope) and ``modality.json``. docs/lexicon.md documents their format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..errors import Errors, FrontwatchError
from . import LEXICON_DIR, read

OUT_OF_SCOPE = ("natural_disaster", "industrial_accident", "crime")


@dataclass(frozen=True)
class Frame:
    name: str
    plover: str
    mode: str | None
    acled: str | None  # "Event type/Sub-event type"
    family: str
    strength: float
    category: str | None = None  # only for out-of-scope frames
    prior: float = 3.0  # weight of the frame's own ACLED sub-type against the cues
    keep_plover: bool = False  # the frame's PLOVER type wins over the one its ACLED type implies
    # the frame's words name a state ("control", "hold"): in the present they tell who holds a
    # place, not that it changed hands
    state: bool = False

    @property
    def out_of_scope(self) -> bool:
        """Disasters, accidents and crime: labelled, never coded as conflict."""
        return self.category in OUT_OF_SCOPE


@dataclass(frozen=True)
class Phrase:
    lemmas: tuple[str, ...]
    frame: str | None  # None: the phrase blocks triggers inside it ("heart attack")
    anchor: int
    light: bool = False


@dataclass
class Lexicon:
    version: str
    acled_types: dict[str, list[str]]  # event type -> sub-types
    acled_categories: dict[str, str]  # event type -> category
    plover_categories: dict[str, str]
    families: dict[str, list[str]]
    frames: dict[str, Frame]
    verbs: dict[str, str]
    nouns: dict[str, str]
    phrases: list[Phrase]
    light_verbs: frozenset[str]
    nouns_need_context: frozenset[str]
    verbs_need_context: frozenset[str]
    context_words: frozenset[str]
    cues: dict[str, dict[str, float]]
    modality: dict[str, frozenset[str]] = field(default_factory=dict)
    acled_to_plover: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    weapon_verbs: frozenset[str] = frozenset()
    weapon_nouns: frozenset[str] = frozenset()
    diplomatic_verbs: frozenset[str] = frozenset()
    diplomatic_nouns: frozenset[str] = frozenset()
    territory_needs_place: frozenset[str] = frozenset()
    launch_verbs: frozenset[str] = frozenset()
    launch_nouns: dict[str, str] = field(default_factory=dict)
    # "fell under rebel control": the verb governing "under" a control noun -> its frame
    under_control: dict[str, str] = field(default_factory=dict)
    max_cue_len: int = 1
    plover_modes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # a change of control that did not happen: (labels, statuses, the label instead)
    control_changes: tuple[frozenset[str], frozenset[str], str | None] = (
        frozenset(),
        frozenset(),
        None,
    )

    @cached_property
    def frame_triggers(self) -> dict[str, frozenset[tuple[str, ...]]]:
        """The trigger words and phrases of each frame, as lemma sequences."""
        out: dict[str, set[tuple[str, ...]]] = {}
        for lemma, frame in (*self.verbs.items(), *self.nouns.items()):
            out.setdefault(frame, set()).add((lemma,))
        for phrase in self.phrases:
            if phrase.frame is not None:
                out.setdefault(phrase.frame, set()).add(phrase.lemmas)
        return {frame: frozenset(forms) for frame, forms in out.items()}

    def split_acled(self, label: str) -> tuple[str, str | None]:
        """Split ``"Explosions/Remote violence/Suicide bomb"`` at the known event type."""
        for event_type in self.acled_types:
            if label == event_type:
                return event_type, None
            if label.startswith(event_type + "/"):
                return event_type, label[len(event_type) + 1 :]
        raise ValueError(label)

    def category_of(self, acled: str | None, plover: str) -> str:
        if acled:
            return self.acled_categories[self.split_acled(acled)[0]]
        return self.plover_categories.get(plover, "other")


@lru_cache(maxsize=4)
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Read and cross-check the lexicon files; errors are E101 with the file and the problem."""
    taxonomy = read(directory / "taxonomy.json")
    triggers = read(directory / "triggers.json")
    cues = read(directory / "cues.json")
    modality = read(directory / "modality.json")

    acled_types = {k: list(v["sub_event_types"]) for k, v in taxonomy["acled"].items()}
    acled_categories = {k: v["category"] for k, v in taxonomy["acled"].items()}
    plover_categories = {k: v["category"] for k, v in taxonomy["plover"].items()}
    labels = {f"{t}/{s}" for t, subs in acled_types.items() for s in subs}

    def bad(path: str, detail: str) -> FrontwatchError:
        return FrontwatchError(Errors.E101, path=directory / path, detail=detail)

    families = {k: list(v) for k, v in triggers["families"].items()}
    for name, members in families.items():
        for label in members:
            if label not in labels:
                raise bad("triggers.json", f"family {name!r}: unknown ACLED label {label!r}")
    frames: dict[str, Frame] = {}
    for name, spec in triggers["frames"].items():
        if spec["plover"] not in plover_categories:
            raise bad("triggers.json", f"frame {name!r}: unknown PLOVER type {spec['plover']!r}")
        if spec.get("acled") and spec["acled"] not in labels:
            raise bad("triggers.json", f"frame {name!r}: unknown ACLED label {spec['acled']!r}")
        if spec["family"] not in families:
            raise bad("triggers.json", f"frame {name!r}: unknown family {spec['family']!r}")
        frames[name] = Frame(
            name=name,
            plover=spec["plover"],
            mode=spec.get("mode"),
            acled=spec.get("acled"),
            family=spec["family"],
            strength=float(spec["strength"]),
            category=spec.get("category"),
            prior=float(spec.get("prior", 3.0)),
            keep_plover=bool(spec.get("keep_plover", False)),
            state=bool(spec.get("state", False)),
        )
    for kind in ("verbs", "nouns"):
        for word, frame in triggers[kind].items():
            if frame not in frames:
                raise bad("triggers.json", f"{kind} {word!r}: unknown frame {frame!r}")
    under_control = dict(triggers.get("under_control", {}).get("verbs", {}))
    for word, frame in under_control.items():
        if frame not in frames:
            raise bad("triggers.json", f"under_control {word!r}: unknown frame {frame!r}")
    phrases = []
    for spec in triggers["phrases"]:
        if spec["frame"] is not None and spec["frame"] not in frames:
            raise bad("triggers.json", f"phrase {spec['lemmas']!r}: unknown frame")
        lemmas = tuple(spec["lemmas"].split())
        phrases.append(Phrase(lemmas, spec["frame"], int(spec["anchor"]), bool(spec.get("light"))))
    cue_labels: dict[str, dict[str, float]] = {}
    for label, words in cues["labels"].items():
        if label not in labels and label not in OUT_OF_SCOPE:
            raise bad("cues.json", f"unknown label {label!r}")
        cue_labels[label] = {w.lower(): float(x) for w, x in words.items()}
    control = taxonomy.get("control_changes", {})
    for label in [*control.get("labels", []), *filter(None, [control.get("unchanged")])]:
        if label not in labels:
            raise bad("taxonomy.json", f"control_changes: unknown label {label!r}")
    max_len = max((len(w.split()) for ws in cue_labels.values() for w in ws), default=1)
    return Lexicon(
        version=str(triggers["version"]),
        acled_types=acled_types,
        acled_categories=acled_categories,
        plover_categories=plover_categories,
        families=families,
        frames=frames,
        verbs=dict(triggers["verbs"]),
        nouns=dict(triggers["nouns"]),
        phrases=phrases,
        light_verbs=frozenset(triggers["light_verbs"]),
        nouns_need_context=frozenset(triggers["event_nouns_need_context"]),
        verbs_need_context=frozenset(triggers["verbs_need_context"]),
        context_words=frozenset(triggers["context_words"]),
        cues=cue_labels,
        modality={k: frozenset(v) for k, v in modality.items() if isinstance(v, list)},
        max_cue_len=max_len,
        acled_to_plover={k: (v[0], v[1]) for k, v in taxonomy.get("acled_to_plover", {}).items()},
        weapon_verbs=frozenset(triggers.get("weapon_themes", {}).get("verbs", [])),
        weapon_nouns=frozenset(triggers.get("weapon_themes", {}).get("nouns", [])),
        diplomatic_verbs=frozenset(triggers.get("diplomatic_themes", {}).get("verbs", [])),
        diplomatic_nouns=frozenset(triggers.get("diplomatic_themes", {}).get("nouns", [])),
        territory_needs_place=frozenset(triggers.get("territory_needs_place", {}).get("verbs", [])),
        launch_verbs=frozenset(triggers.get("weapon_launch", {}).get("verbs", [])),
        launch_nouns=dict(triggers.get("weapon_launch", {}).get("nouns", {})),
        under_control=under_control,
        plover_modes={k: tuple(v.get("modes", ())) for k, v in taxonomy["plover"].items()},
        control_changes=(
            frozenset(control.get("labels", [])),
            frozenset(control.get("statuses", [])),
            control.get("unchanged"),
        ),
    )
