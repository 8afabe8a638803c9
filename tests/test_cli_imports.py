"""What each command imports: ``query``, ``situation``, ``export`` and ``serve`` never load spaCy,
and importing the CLI loads no command module (issue 17: pay only for what is used).

Each check runs in a fresh interpreter, so that nothing this test process imported counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("spacy", "thinc", "frontwatch.pipeline", "frontwatch.components")


def _modules_after(code: str) -> set[str]:
    """The module names loaded after running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_cli_imports_no_command_module() -> None:
    loaded = _modules_after("import frontwatch.cli")
    assert not loaded & {*HEAVY, "duckdb", "fastapi", "frontwatch.cli.store"}


@pytest.mark.parametrize("command", ["query", "situation", "export", "serve", "extract"])
def test_cli_imports_command_module_without_spacy(command: str) -> None:
    loaded = _modules_after(f"from frontwatch.cli.group import _load\n_load({command!r})")
    assert not loaded & set(HEAVY)


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--format", "json"],
        ["situation"],
        ["export", "--format", "geojson", "-o", "{out}"],
    ],
)
def test_cli_imports_store_commands_run_without_spacy(tmp_path: Path, args: list[str]) -> None:
    """The commands run on a store without loading spaCy (an empty store is enough: their
    modules and the code paths they take are the same)."""
    db = tmp_path / "corpus.duckdb"
    argv = [a.format(out=tmp_path / "out.geojson") for a in args] + ["--db", str(db)]
    code = (
        "from frontwatch.store.db import Store\n"
        f"Store.open({str(db)!r}, clusterer=None).close()\n"
        "from frontwatch.cli import cli\n"
        f"try:\n    cli({argv!r}, obj={{}})\nexcept SystemExit as end:\n    assert not end.code\n"
    )
    loaded = _modules_after(code)
    assert not loaded & set(HEAVY)
