"""The accuracy gate: scores on the dev gold sets must not drop below the pinned floors.

Floors and the sha256 of the data they were measured on are in ``tests/eval_baseline.json``.
A gold set that the shipped learned coder was trained on (``coder.json`` lists its training
files by name and sha256) is never scored end to end, which would score the model on its own
training data: its floors are checked against the figures of the pipeline cross-validation
recorded in ``coder.json`` (``pipeline_cv``; docs/coding.md), where each document was scored
by a model trained without it. The other sets are extracted and scored end to end.
The gold sets live beside the project (``../shared/gold``), never inside it; CI has them.
Set FRONTWATCH_GOLD_DIR to point elsewhere. Sets named ``devsets/...`` are the project's own
(``devsets/``, in the repository).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from frontwatch.eval.runner import evaluate_extractor
from frontwatch.pipeline import Extractor
from frontwatch.training.examples import GOLD_FILES

ROOT = Path(__file__).resolve().parent.parent
BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text(encoding="utf-8"))
GOLD_DIR = Path(os.environ.get("FRONTWATCH_GOLD_DIR") or ROOT / BASELINE["gold_dir"])
SETS = sorted(BASELINE["sets"])

pytestmark = pytest.mark.skipif(
    not GOLD_DIR.is_dir() and not os.environ.get("CI"),
    reason=f"gold sets not found at {GOLD_DIR}",
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.mark.parametrize("name", SETS)
def test_accuracy_gate_scores_at_or_above_floors(name: str, extractor: Extractor) -> None:
    spec = BASELINE["sets"][name]
    path = ROOT / name if name.startswith("devsets/") else GOLD_DIR / name
    assert path.is_file(), f"gold set {path} is missing"
    assert _sha256(path) == spec["sha256"], f"{name} changed since the floors were pinned: re-pin"
    for text, digest in spec.get("text_sha256", {}).items():
        assert _sha256(GOLD_DIR / text) == digest, f"{text} changed since the floors were pinned"
    coder = extractor.coder
    if coder is not None and coder.trained_on(name, spec["sha256"]):
        key = next(k for k, file in GOLD_FILES.items() if file == name)
        figures = coder.meta.get("pipeline_cv", {}).get(key)
        assert figures, f"{name} trained the coder: coder.json must hold its pipeline CV"
        value = figures.get
    else:
        value = evaluate_extractor(extractor, path).value
    below = {
        score: (value(score), floor)
        for score, floor in spec["floors"].items()
        if (value(score) or 0.0) < floor
    }
    above = {
        score: (value(score), ceiling)
        for score, ceiling in spec.get("ceilings", {}).items()
        if (value(score) or 0.0) > ceiling
    }
    assert not below, f"{name}: scores below their floors (score, floor): {below}"
    assert not above, f"{name}: scores above their ceilings (score, ceiling): {above}"
