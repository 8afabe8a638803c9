"""The written training corpus (``data/training/corpus/*.jsonl``): read and validate.

The rules are those of the data card (``data/training/README.md``) and of
``scripts/check_training_corpus.py``: every record is checked before it is used; a file with an
invalid record stops the read with a coded error (E101), so that a model is never trained on
a half-valid corpus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Errors, FrontwatchError
from ..lexicon import DATA_DIR, LEXICON_DIR, load, read
from ..records import MODALITIES

CORPUS_DIR = DATA_DIR / "training" / "corpus"
TAXONOMY = LEXICON_DIR / "taxonomy.json"
CASE_LABELS = LEXICON_DIR / "case2021_labels.json"

# the corpus record format (data/lexicon/corpus_labels.json)
_LABELS = load("corpus_labels")
NONE_KINDS = frozenset(_LABELS["none_kinds"])
REGIONS = frozenset(_LABELS["regions"])
REGISTERS = frozenset(_LABELS["registers"])
FIELDS = frozenset(_LABELS["fields"])
REQUIRED = frozenset(_LABELS["required"])
#: the out-of-scope CASE labels and the PLOVER types each allows (None: any)
OUT_OF_SCOPE: dict[str, set[str] | None] = {
    label: None if plover is None else {plover}
    for label, plover in _LABELS["out_of_scope_plover"].items()
}
COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class Taxonomy:
    """The label tables the corpus is checked against."""

    acled_to_case: dict[str, str]
    plover_modes: dict[str, tuple[str, ...]]
    acled_to_plover: dict[str, tuple[str | None, str | None]]

    @property
    def case_to_acled(self) -> dict[str, str]:
        return {case: acled for acled, case in self.acled_to_case.items()}

    @property
    def case_labels(self) -> list[str]:
        """The 30 CASE 2021 labels: the 25 ACLED codes, then the five out-of-scope ones."""
        return [*self.acled_to_case.values(), *OUT_OF_SCOPE]


def load_taxonomy(taxonomy: Path = TAXONOMY, case_labels: Path = CASE_LABELS) -> Taxonomy:
    tax = read(taxonomy)
    case = read(case_labels)
    return Taxonomy(
        acled_to_case=dict(case["acled_to_case"]),
        plover_modes={k: tuple(v["modes"]) for k, v in tax["plover"].items()},
        acled_to_plover={k: (v[0], v[1]) for k, v in tax["acled_to_plover"].items()},
    )


def check_record(rec: dict[str, Any], tax: Taxonomy) -> list[str]:
    """The problems of one corpus record (empty: valid)."""
    missing = REQUIRED - rec.keys()
    if missing:
        return [f"missing {sorted(missing)}"]
    errs: list[str] = []
    extra = rec.keys() - FIELDS
    if extra:
        errs.append(f"unknown fields {sorted(extra)}")
    text = rec["text"]
    if not isinstance(text, str) or not 40 <= len(text) <= 700:
        errs.append(f"text length {len(text) if isinstance(text, str) else text!r}")
    errs += _label_problems(rec, tax)
    errs += _plover_problems(rec, tax)
    if rec["modality"] not in MODALITIES:
        errs.append(f"modality {rec['modality']!r}")
    label = rec["label"]
    if label == "NONE":
        if rec.get("none_kind") not in NONE_KINDS:
            errs.append(f"none_kind {rec.get('none_kind')!r}")
    elif rec.get("none_kind") is not None:
        errs.append("none_kind on a labelled event")
    country = rec["country"]
    if not (isinstance(country, str) and COUNTRY.fullmatch(country)):
        errs.append(f"country {country!r}")
    if rec["region"] not in REGIONS:
        errs.append(f"region {rec['region']!r}")
    if rec["register"] not in REGISTERS:
        errs.append(f"register {rec['register']!r}")
    return errs


def _label_problems(rec: dict[str, Any], tax: Taxonomy) -> list[str]:
    """The label against the record's ACLED type (and, out of scope, its PLOVER type)."""
    errs: list[str] = []
    label = rec["label"]
    case_to_acled = tax.case_to_acled
    acled = rec.get("acled")
    if label in case_to_acled:
        if acled != case_to_acled[label]:
            errs.append(f"acled {acled!r} != {case_to_acled[label]!r} for {label}")
    elif label in OUT_OF_SCOPE or label == "NONE":
        if acled is not None:
            errs.append(f"acled must be null for {label}")
        allowed = OUT_OF_SCOPE.get(label)
        if allowed and rec.get("plover") not in allowed:
            errs.append(f"plover {rec.get('plover')!r} not in {sorted(allowed)} for {label}")
    else:
        errs.append(f"unknown label {label!r}")
    return errs


def _plover_problems(rec: dict[str, Any], tax: Taxonomy) -> list[str]:
    """The PLOVER type and mode against the taxonomy."""
    errs: list[str] = []
    ptype = rec.get("plover")
    mode = rec.get("plover_mode")
    if ptype is not None and ptype not in tax.plover_modes:
        errs.append(f"unknown plover {ptype!r}")
    elif ptype is not None and mode is not None and mode not in tax.plover_modes[ptype]:
        errs.append(f"mode {mode!r} not a mode of {ptype}")
    elif ptype is None and mode is not None:
        errs.append("mode without plover type")
    return errs


def corpus_files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


@dataclass(frozen=True)
class CorpusLine:
    """One non-blank line of a corpus file: the record read (``None`` when the line is not a
    JSON object) and the problems found with it."""

    path: Path
    line: int
    record: dict[str, Any] | None
    problems: list[str]

    def messages(self) -> list[str]:
        """``file:line: id: problem`` for each problem (``file:line: problem`` without a record)."""
        where = f"{self.path.name}:{self.line}"
        if self.record is None:
            return [f"{where}: {p}" for p in self.problems]
        return [f"{where}: {self.record.get('id')}: {p}" for p in self.problems]


def corpus_lines(files: Iterable[Path], tax: Taxonomy | None = None) -> Iterator[CorpusLine]:
    """Every non-blank line of ``files``, read and checked (:func:`check_record`, and ids
    unique across the files), in order: the one reading loop of the corpus."""
    tax = tax or load_taxonomy()
    ids: set[str] = set()
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as err:
                yield CorpusLine(path, n, None, [f"bad JSON: {err}"])
                continue
            if not isinstance(rec, dict):
                yield CorpusLine(path, n, None, ["not an object"])
                continue
            errs = check_record(rec, tax)
            if rec.get("id") in ids:
                errs.append(f"duplicate id {rec.get('id')}")
            ids.add(str(rec.get("id")))
            yield CorpusLine(path, n, rec, errs)


def read_corpus(
    files: Iterable[Path], tax: Taxonomy | None = None, *, strict: bool = True
) -> list[dict[str, Any]]:
    """Every record of ``files``, validated. ``strict``: the first invalid record raises E101;
    otherwise invalid records are skipped (with their problems logged by the caller via
    :func:`corpus_problems`)."""
    records: list[dict[str, Any]] = []
    for item in corpus_lines(files, tax):
        if item.problems or item.record is None:
            if strict:
                raise FrontwatchError(
                    Errors.E101, path=f"{item.path}:{item.line}", detail="; ".join(item.problems)
                )
            continue
        item.record["_file"] = item.path.name
        records.append(item.record)
    return records


def corpus_problems(files: Iterable[Path], tax: Taxonomy | None = None) -> list[str]:
    """``file:line: id: problem`` for every invalid record of ``files``."""
    return [message for item in corpus_lines(files, tax) for message in item.messages()]
