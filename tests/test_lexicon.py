"""Tests for frontwatch.lexicon.events: loading, validation (E101) and the label helpers.

The lexicons here are tiny directories written by hand in ``tmp_path``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from frontwatch.errors import FrontwatchError
from frontwatch.lexicon.events import LEXICON_DIR, Lexicon, load_lexicon

Mutator = Callable[[dict[str, dict[str, Any]]], None]


def _tiny_files() -> dict[str, dict[str, Any]]:
    """A valid lexicon small enough to read: two ACLED types, three PLOVER types, two frames."""
    return {
        "taxonomy.json": {
            "version": "test.1",
            "acled": {
                "Battles": {"category": "political_violence", "sub_event_types": ["Armed clash"]},
                "Explosions/Remote violence": {
                    "category": "political_violence",
                    "sub_event_types": ["Suicide bomb", "Air/drone strike"],
                },
            },
            "plover": {
                "FIGHT": {"category": "political_violence"},
                "ASSAULT": {"category": "political_violence"},
                "AGREE": {"category": "verbal"},
            },
            "acled_to_plover": {"Battles/Armed clash": ["FIGHT", "small-arms"]},
        },
        "triggers.json": {
            "version": "test.1",
            "families": {
                "violence": ["Battles/Armed clash", "Explosions/Remote violence/Air/drone strike"],
                "none": [],
            },
            "frames": {
                "fight": {
                    "plover": "FIGHT",
                    "mode": "small-arms",
                    "acled": "Battles/Armed clash",
                    "family": "violence",
                    "strength": 0.9,
                },
                "agree": {
                    "plover": "AGREE",
                    "mode": None,
                    "acled": None,
                    "family": "none",
                    "strength": 0.5,
                    "prior": 2,
                },
            },
            "verbs": {"clash": "fight", "agree": "agree"},
            "nouns": {"clash": "fight"},
            "phrases": [{"lemmas": "exchange fire", "frame": "fight", "anchor": 0}],
            "light_verbs": ["launch"],
            "event_nouns_need_context": [],
            "verbs_need_context": ["agree"],
            "context_words": ["rebel"],
        },
        "cues.json": {
            "version": "test.1",
            "labels": {
                "Explosions/Remote violence/Air/drone strike": {"jet": 3, "drone": 4},
                "crime": {"robbery": 5},
            },
        },
        "modality.json": {
            "version": "test.1",
            "hypothetical_modals": ["could"],
            "about": "not a list",
        },
    }


def _write(directory: Path, files: dict[str, dict[str, Any]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (directory / name).write_text(json.dumps(content), encoding="utf-8")
    return directory


def test_lexicon_tiny_directory_loads(tmp_path: Path) -> None:
    lex = load_lexicon(_write(tmp_path / "lex", _tiny_files()))
    assert isinstance(lex, Lexicon)
    assert lex.version == "test.1"
    assert lex.acled_types == {
        "Battles": ["Armed clash"],
        "Explosions/Remote violence": ["Suicide bomb", "Air/drone strike"],
    }
    assert lex.frames["fight"].acled == "Battles/Armed clash"
    assert lex.frames["fight"].prior == 3.0  # the default prior
    assert lex.frames["agree"].prior == 2.0
    assert lex.verbs == {"clash": "fight", "agree": "agree"}
    assert [(p.lemmas, p.frame, p.anchor, p.light) for p in lex.phrases] == [
        (("exchange", "fire"), "fight", 0, False)
    ]
    assert lex.cues["Explosions/Remote violence/Air/drone strike"] == {"jet": 3.0, "drone": 4.0}
    assert lex.modality == {
        "hypothetical_modals": frozenset({"could"})
    }  # non-list entries are notes
    assert lex.acled_to_plover == {"Battles/Armed clash": ("FIGHT", "small-arms")}
    assert lex.max_cue_len == 1


def _frame_plover(f: dict[str, dict[str, Any]]) -> None:
    f["triggers.json"]["frames"]["fight"]["plover"] = "BRAWL"


def _frame_acled(f: dict[str, dict[str, Any]]) -> None:
    f["triggers.json"]["frames"]["fight"]["acled"] = "Battles/Skirmish"


def _frame_family(f: dict[str, dict[str, Any]]) -> None:
    f["triggers.json"]["frames"]["fight"]["family"] = "combat"


def _family_label(f: dict[str, dict[str, Any]]) -> None:
    f["triggers.json"]["families"]["violence"].append("Explosions/Remote violence/Grenade")


def _verb_frame(f: dict[str, dict[str, Any]]) -> None:
    f["triggers.json"]["verbs"]["ambush"] = "ambush"


def _noun_frame(f: dict[str, dict[str, Any]]) -> None:
    f["triggers.json"]["nouns"]["raid"] = "raid"


def _phrase_frame(f: dict[str, dict[str, Any]]) -> None:
    f["triggers.json"]["phrases"].append({"lemmas": "open fire", "frame": "shooting", "anchor": 0})


def _cue_label(f: dict[str, dict[str, Any]]) -> None:
    f["cues.json"]["labels"]["Battles/Duel"] = {"sword": 2}


def _control_label(f: dict[str, dict[str, Any]]) -> None:
    f["taxonomy.json"]["control_changes"] = {"labels": ["Battles/Siege"], "statuses": ["failed"]}


@pytest.mark.parametrize(
    ("mutate", "path", "detail"),
    [
        (_frame_plover, "triggers.json", "frame 'fight': unknown PLOVER type 'BRAWL'"),
        (_frame_acled, "triggers.json", "frame 'fight': unknown ACLED label 'Battles/Skirmish'"),
        (_frame_family, "triggers.json", "frame 'fight': unknown family 'combat'"),
        (
            _family_label,
            "triggers.json",
            "family 'violence': unknown ACLED label 'Explosions/Remote violence/Grenade'",
        ),
        (_verb_frame, "triggers.json", "verbs 'ambush': unknown frame 'ambush'"),
        (_noun_frame, "triggers.json", "nouns 'raid': unknown frame 'raid'"),
        (_phrase_frame, "triggers.json", "phrase 'open fire': unknown frame"),
        (_cue_label, "cues.json", "unknown label 'Battles/Duel'"),
        (_control_label, "taxonomy.json", "control_changes: unknown label 'Battles/Siege'"),
    ],
    ids=[
        "frame-plover",
        "frame-acled",
        "frame-family",
        "family-label",
        "verb",
        "noun",
        "phrase",
        "cue",
        "control",
    ],
)
def test_lexicon_bad_reference_is_e101_with_path(
    tmp_path: Path, mutate: Mutator, path: str, detail: str
) -> None:
    files = _tiny_files()
    mutate(files)
    directory = _write(tmp_path / "lex", files)
    with pytest.raises(FrontwatchError) as info:
        load_lexicon(directory)
    assert info.value.code == "E101"
    assert info.value.details == {"path": directory / path, "detail": detail}
    assert str(info.value) == f"[E101] Data file {directory / path} is invalid: {detail}."


def test_lexicon_unreadable_json_is_e101(tmp_path: Path) -> None:
    directory = _write(tmp_path / "lex", _tiny_files())
    (directory / "cues.json").write_text('{"version": "test.1", "labels": {', encoding="utf-8")
    with pytest.raises(FrontwatchError) as info:
        load_lexicon(directory)
    assert info.value.code == "E101"
    assert info.value.details["path"] == directory / "cues.json"
    assert str(info.value).startswith(f"[E101] Data file {directory / 'cues.json'} is invalid: ")


def test_lexicon_not_an_object_is_e101(tmp_path: Path) -> None:
    directory = _write(tmp_path / "lex", _tiny_files())
    (directory / "modality.json").write_text('["could", "might"]', encoding="utf-8")
    with pytest.raises(FrontwatchError) as info:
        load_lexicon(directory)
    assert info.value.details == {
        "path": directory / "modality.json",
        "detail": "expected a JSON object",
    }


def test_lexicon_missing_file_is_e101(tmp_path: Path) -> None:
    files = _tiny_files()
    del files["triggers.json"]
    directory = _write(tmp_path / "lex", files)
    with pytest.raises(FrontwatchError) as info:
        load_lexicon(directory)
    assert info.value.code == "E101"
    assert info.value.details["path"] == directory / "triggers.json"


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return load_lexicon()


def test_lexicon_bundled_files_load(lex: Lexicon) -> None:
    assert load_lexicon() is lex  # cached
    assert load_lexicon(LEXICON_DIR).version == lex.version
    assert lex.verbs["attack"] == "attack"
    assert lex.nouns["airstrike"] == "airstrike"
    blocking = {" ".join(p.lemmas) for p in lex.phrases if p.frame is None}
    assert {"heart attack", "panic attack"} <= blocking


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Explosions/Remote violence/Suicide bomb", ("Explosions/Remote violence", "Suicide bomb")),
        (
            "Explosions/Remote violence/Air/drone strike",
            ("Explosions/Remote violence", "Air/drone strike"),
        ),
        (
            "Explosions/Remote violence/Remote explosive/landmine/IED",
            ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ),
        ("Battles/Armed clash", ("Battles", "Armed clash")),
        (
            "Violence against civilians/Abduction/forced disappearance",
            ("Violence against civilians", "Abduction/forced disappearance"),
        ),
        ("Explosions/Remote violence", ("Explosions/Remote violence", None)),
        ("Riots", ("Riots", None)),
    ],
)
def test_lexicon_split_acled(lex: Lexicon, label: str, expected: tuple[str, str | None]) -> None:
    assert lex.split_acled(label) == expected


@pytest.mark.parametrize(
    "label", ["Explosions", "Skirmishes/Armed clash", "battles/Armed clash", ""]
)
def test_lexicon_split_acled_unknown_type_raises(lex: Lexicon, label: str) -> None:
    with pytest.raises(ValueError):
        lex.split_acled(label)


@pytest.mark.parametrize(
    ("acled", "plover", "category"),
    [
        ("Battles/Armed clash", "FIGHT", "political_violence"),
        ("Explosions/Remote violence/Suicide bomb", "ASSAULT", "political_violence"),
        ("Violence against civilians/Attack", "ASSAULT", "political_violence"),
        ("Protests/Peaceful protest", "PROTEST", "protest"),
        ("Riots/Violent demonstration", "PROTEST", "protest"),
        ("Strategic developments/Arrests", "COERCE", "strategic"),
        ("Strategic developments/Agreement", "AGREE", "strategic"),  # ACLED wins over PLOVER
        (None, "AGREE", "verbal"),
        (None, "MOBILIZE", "strategic"),
        (None, "CRIME", "crime"),
        (None, "DISASTER", "natural_disaster"),
        (None, "ACCIDENT", "industrial_accident"),
        (None, "NOT_A_TYPE", "other"),
    ],
)
def test_lexicon_category_of(lex: Lexicon, acled: str | None, plover: str, category: str) -> None:
    assert lex.category_of(acled, plover) == category


def test_lexicon_tiny_split_and_category(tmp_path: Path) -> None:
    lex = load_lexicon(_write(tmp_path / "lex", _tiny_files()))
    assert lex.split_acled("Explosions/Remote violence/Air/drone strike") == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert lex.category_of("Battles/Armed clash", "FIGHT") == "political_violence"
    assert lex.category_of(None, "AGREE") == "verbal"
    assert lex.category_of(None, "PROTEST") == "other"  # not in this taxonomy
