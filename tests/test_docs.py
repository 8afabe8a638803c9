"""The reference docs stay true: commands, options, settings, errors, record fields, lexicons."""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
import typing
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from pydantic import BaseModel

from frontwatch.cli import cli
from frontwatch.cli.group import all_commands
from frontwatch.errors import Errors
from frontwatch.lexicon import LEXICON_DIR
from frontwatch.lexicon.events import load_lexicon
from frontwatch.records import DocumentResult, Event
from frontwatch.settings import DEFAULTS_PATH, Settings

DOCS = Path(__file__).resolve().parent.parent / "docs"
SCRIPTS = DOCS.parent / "scripts"


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


# -- cli.md --------------------------------------------------------------------------------


def _commands(
    group: click.Group, prefix: str = "frontwatch"
) -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(all_commands(group).items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = dict(_commands(cli))
OPTIONS = sorted(
    {
        (path, flag)
        for path, command in [("frontwatch", cli), *COMMANDS.items()]
        for param in command.params
        if isinstance(param, click.Option)
        for flag in (*param.opts, *param.secondary_opts)
        if flag.startswith("--")
    }
)


def test_docs_cli_has_commands() -> None:
    assert {
        "frontwatch extract",
        "frontwatch eval",
        "frontwatch geoparse",
        "frontwatch schema",
        "frontwatch gazetteer",
        "frontwatch gazetteer build",
    } <= set(COMMANDS)


def test_docs_cli_reference_is_current() -> None:
    """The generated blocks of cli.md match the commands (python scripts/cli_reference.py)."""
    spec = importlib.util.spec_from_file_location("cli_reference", SCRIPTS / "cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = _doc("cli.md")
    blocks = re.findall(r"^<!-- reference: (frontwatch[^>]*) -->$", text, re.MULTILINE)
    assert sorted(blocks) == sorted(["frontwatch", *LEAF_COMMANDS])  # the group's, every command's
    assert module.render(text) == text, "docs/cli.md is stale: run python scripts/cli_reference.py"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_docs_cli_every_command_documented(path: str) -> None:
    assert f"`{path}" in _doc("cli.md")


LEAF_COMMANDS = sorted(p for p, c in COMMANDS.items() if not isinstance(c, click.Group))


@pytest.mark.parametrize("path", LEAF_COMMANDS)
def test_docs_cli_every_command_has_a_section(path: str) -> None:
    assert re.search(rf"^## `{re.escape(path)}`$", _doc("cli.md"), re.MULTILINE), path


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    return text[start : following if following != -1 else len(text)]


@pytest.mark.parametrize(("path", "flag"), OPTIONS)
def test_docs_cli_every_option_documented(path: str, flag: str) -> None:
    text = _doc("cli.md")
    section = _section(text, "## Global options" if path == "frontwatch" else f"## `{path}`")
    assert re.search(rf"`{re.escape(flag)}\b", section), f"{flag} of {path}"


def test_docs_cli_format_choices_documented() -> None:
    option = next(p for p in COMMANDS["frontwatch extract"].params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    section = _section(_doc("cli.md"), "## `frontwatch extract`")
    for choice in option.type.choices:  # in the generated table: `--format [jsonl\|json\|csv]`
        assert re.search(rf"[`\[|]{choice}[`\]\\]", section), choice


def test_docs_cli_exit_codes_documented() -> None:
    from frontwatch import cli as cli_module

    section = _section(_doc("cli.md"), "## Exit codes")
    for code in (0, cli_module.EXIT_SKIPPED, cli_module.EXIT_FATAL):
        assert re.search(rf"^\| {code} \|", section, re.MULTILINE)


def test_docs_cli_csv_columns_documented() -> None:
    from frontwatch.output import CSV_COLUMNS

    section = _section(_doc("cli.md"), "### CSV columns")
    for column in CSV_COLUMNS:
        assert f"`{column}`" in section, column


# -- settings.md ---------------------------------------------------------------------------

ROW = re.compile(r"^\| `(?P<key>\w+)` \| (?P<type>[^|]+) \| `(?P<default>[^`]*)` \|", re.MULTILINE)


def _documented_settings() -> dict[str, object]:
    rows = ROW.finditer(_doc("settings.md"))
    return {m["key"]: tomllib.loads(f"v = {m['default']}")["v"] for m in rows}


def test_docs_settings_keys_match_model_and_defaults_file() -> None:
    with DEFAULTS_PATH.open("rb") as fh:
        shipped = tomllib.load(fh)
    assert set(_documented_settings()) == set(Settings.model_fields) == set(shipped)


@pytest.mark.parametrize("key", sorted(Settings.model_fields))
def test_docs_settings_defaults_agree(key: str) -> None:
    with DEFAULTS_PATH.open("rb") as fh:
        shipped = tomllib.load(fh)
    model_default = Settings().model_dump()[key]
    assert _documented_settings()[key] == shipped[key] == model_default


# -- errors.md -----------------------------------------------------------------------------


@pytest.mark.parametrize("error", list(Errors), ids=lambda e: e.name)
def test_docs_errors_every_code_documented(error: Errors) -> None:
    assert error.value.startswith(f"[{error.name}]")
    row = rf"^\| {error.name} \| `{re.escape(error.value)}` \|"
    assert re.search(row, _doc("errors.md"), re.MULTILINE)


def test_docs_errors_no_unknown_code() -> None:
    documented = set(re.findall(r"^\| ([EW]\d{3}) \|", _doc("errors.md"), re.MULTILINE))
    assert documented == {e.name for e in Errors}


# -- events.md -----------------------------------------------------------------------------


def _models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        yield current
        for field in current.model_fields.values():
            todo.extend(_nested(field.annotation))


def _nested(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _nested(arg)


def _literals(annotation: object) -> Iterator[object]:
    if typing.get_origin(annotation) is typing.Literal:
        yield from typing.get_args(annotation)
    for arg in typing.get_args(annotation):
        yield from _literals(arg)


MODELS = sorted({*_models(Event), *_models(DocumentResult)}, key=lambda m: m.__name__)
FIELDS = [(m.__name__, name) for m in MODELS for name in m.model_fields]


def test_docs_events_models_found() -> None:
    names = {m.__name__ for m in MODELS}
    assert {
        "Event",
        "Actor",
        "Qualifier",
        "Location",
        "EventDate",
        "Quantity",
        "Attribution",
        "Plover",
        "Acled",
        "TextSpan",
        "Mention",
        "DocumentResult",
        "Flag",
        "Source",
        "Toponym",
    } <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_docs_events_every_model_named(model: type[BaseModel]) -> None:
    assert model.__name__ in _doc("events.md")


@pytest.mark.parametrize(("model", "field"), FIELDS)
def test_docs_events_every_field_documented(model: str, field: str) -> None:
    assert f"`{field}`" in _doc("events.md"), f"{model}.{field}"


@pytest.mark.parametrize("field", list(Event.model_fields))
def test_docs_events_event_fields_in_the_table(field: str) -> None:
    section = _section(_doc("events.md"), "## Fields of an event")
    assert re.search(rf"^\| `{field}` \|", section, re.MULTILINE), field


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (m.__name__, name, value)
        for m in MODELS
        for name, info in m.model_fields.items()
        for value in _literals(info.annotation)
    ],
)
def test_docs_events_every_code_value_documented(model: str, field: str, value: object) -> None:
    if isinstance(value, str):
        assert f"`{value}`" in _doc("events.md"), f"{model}.{field} = {value}"
    else:
        assert str(value) in _doc("events.md")


def _example() -> Event:
    section = _section(_doc("events.md"), "## A full example")
    return Event.model_validate_json(section.split("```json\n", 1)[1].split("```", 1)[0])


def test_docs_events_example_is_a_valid_event() -> None:
    event = _example()
    assert event.doc_id == "sahel-attack"
    for value in (event.trigger, event.evidence):
        assert value.span[1] - value.span[0] == len(value.text)


def test_docs_events_example_spans_point_into_the_sample() -> None:
    sample = (DOCS.parent / "samples" / "articles" / "sahel-attack.txt").read_text("utf-8")
    event = _example()
    values = [event.trigger, event.evidence]
    values += [span for m in event.mentions for span in (m.trigger, m.evidence)]
    for value in values:
        assert sample[value.span[0] : value.span[1]] == value.text
    for value in (event.actor1, event.actor2, event.location, event.date, *event.quantities):
        assert value is not None and value.span is not None
        assert sample[value.span[0] : value.span[1]] == value.text


# -- taxonomy.md and lexicon.md ------------------------------------------------------------


def _lexicon_json(name: str) -> dict[str, typing.Any]:
    data: dict[str, typing.Any] = json.loads((LEXICON_DIR / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("name", sorted(p.name for p in LEXICON_DIR.glob("*.json")))
def test_docs_lexicon_versions_documented(name: str) -> None:
    version = _lexicon_json(name)["version"]
    row = rf"^\| `{re.escape(name)}` \| `{re.escape(version)}` \|"
    assert re.search(row, _doc("lexicon.md"), re.MULTILINE), (
        f"{name} is at version {version}: update the table in docs/lexicon.md"
    )


@pytest.mark.parametrize("name", ["triggers.json", "cues.json", "modality.json"])
def test_docs_lexicon_every_top_level_key_documented(name: str) -> None:
    for key in _lexicon_json(name):
        assert f"`{key}`" in _doc("lexicon.md"), f"{name}: {key}"


FRAME_ROW = re.compile(r"^\| `(\w+)` \| `([A-Z]+)` \|", re.MULTILINE)


def test_docs_lexicon_documented_frames_exist() -> None:
    frames = load_lexicon().frames
    rows = dict(FRAME_ROW.findall(_doc("lexicon.md")))
    named = set(re.findall(r"frame `(\w+)`", _doc("lexicon.md")))
    assert rows, "no frame table in docs/lexicon.md"
    assert set(rows) | named <= set(frames), (set(rows) | named) - set(frames)
    for name, plover in rows.items():
        assert frames[name].plover == plover, name


def test_docs_lexicon_families_documented() -> None:
    for family in load_lexicon().families:
        assert f"`{family}`" in _doc("lexicon.md"), family


def test_docs_taxonomy_acled_types_and_sub_types() -> None:
    text = _doc("taxonomy.md")
    acled = load_lexicon().acled_types
    assert sum(len(subs) for subs in acled.values()) == 25
    for event_type, subs in acled.items():
        assert f"`{event_type}`" in text
        for sub in subs:
            row = rf"^\| `{re.escape(event_type)}` \| `{re.escape(sub)}` \|"
            assert re.search(row, text, re.MULTILINE), sub


def test_docs_taxonomy_plover_types_and_modes() -> None:
    text = _doc("taxonomy.md")
    plover = _lexicon_json("taxonomy.json")["plover"]
    for plover_type, spec in plover.items():
        row = re.search(rf"^\| `{plover_type}` \| `(\w+)` \| (.*) \|$", text, re.MULTILINE)
        assert row, plover_type
        assert row.group(1) == spec["category"]
        assert re.findall(r"`([\w-]+)`", row.group(2)) == spec["modes"]


def test_docs_taxonomy_acled_to_plover_table() -> None:
    text = _doc("taxonomy.md")
    lex = load_lexicon()
    for label, (plover_type, mode) in lex.acled_to_plover.items():
        event_type, sub = lex.split_acled(label)
        cells = [
            f"`{event_type}`",
            f"`{sub}`",
            f"`{plover_type}`" if plover_type else "–",
            f"`{mode}`" if mode else "–",
        ]
        assert "| " + " | ".join(cells) + " |" in text, label


def test_docs_taxonomy_categories() -> None:
    text = _doc("taxonomy.md")
    for category in typing.get_args(Event.model_fields["category"].annotation):
        assert f"`{category}`" in text
