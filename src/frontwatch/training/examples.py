"""Training examples: the written corpus and, when asked, the dev gold sets read at run time.

An :class:`Example` is one text with what is known of it: its CASE 2021 label (one of the 30,
or ``NONE``: no event stated as having happened), its PLOVER type and mode, its modality. A
field that a source does not give is ``None`` and that head does not learn from the example.

- corpus: the record's text, with all its labels;
- ``case2021`` gold: the snippet, with its ``case_label`` and the PLOVER type and mode that
  the ACLED sub-type implies (``taxonomy.json``), or ACCUSE, CRIME, DISASTER, ACCIDENT for the
  out-of-scope labels;
- ``plover`` gold: the sentence, with its PLOVER type (and mode, when ``taxonomy.json`` knows
  it);
- ``seed`` gold: the sentence of each gold event's evidence (CASE label of its ACLED
  sub-type, PLOVER type, modality) and of each negative (``NONE``, with the modality that its
  ``why`` implies).

Gold files are never copied: they are read from the path given at run time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from ..errors import Errors, FrontwatchError
from ..lexicon import load
from .corpus import Taxonomy, load_taxonomy

NONE = "NONE"
# the out-of-scope CASE labels' PLOVER types (taxonomy.json's frontwatch additions)
OOS_PLOVER: dict[str, str] = {
    label: plover
    for label, plover in load("corpus_labels")["out_of_scope_plover"].items()
    if plover is not None
}
NEGATIVE_MODALITY = {"negated": "negated", "hypothetical": "hypothetical", "opinion": None}
#: The gold sets a trainer may read (at run time) and where an example comes from.
GoldSet = Literal["case2021", "plover", "seed"]
Source = Literal["corpus", "case2021", "plover", "seed"]
GOLD_SETS: tuple[GoldSet, ...] = get_args(GoldSet)
GOLD_FILES = {
    "case2021": "case2021-dev.gold.jsonl",
    "plover": "plover-dev.gold.jsonl",
    "seed": "seed.gold.jsonl",
}


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    source: Source  # the written corpus or a gold set
    group: str  # examples of one group stay in one fold (a document; a corpus scene)
    label: str | None = None  # CASE 2021 label or NONE
    plover: str | None = None  # PLOVER type, NONE (no event), or None (unknown)
    mode: str | None = None
    modality: str | None = None
    rules: tuple[str, ...] = ()  # the pipeline's rule features of the text (.reading)
    abstract: tuple[str, ...] = ()  # its abstraction (lemmas, entity types)


def from_corpus(records: Iterable[dict[str, Any]]) -> list[Example]:
    """Corpus records as examples; the variants of one scene (``pair``) form one group."""
    out = []
    for rec in records:
        out.append(
            Example(
                id=rec["id"],
                text=rec["text"],
                source="corpus",
                group="corpus:" + (rec.get("pair") or rec["id"]),
                label=rec["label"],
                plover=rec.get("plover") or NONE,
                mode=rec.get("plover_mode"),
                modality=rec["modality"],
            )
        )
    return out


def _lines(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise FrontwatchError(Errors.E201, path=path, line=0, detail=err) from err
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as err:
            raise FrontwatchError(Errors.E201, path=path, line=n, detail=err) from err
        if not isinstance(doc, dict) or "doc_id" not in doc or "events" not in doc:
            raise FrontwatchError(Errors.E201, path=path, line=n, detail="not a gold document")
        out.append(doc)
    return out


def _text(doc: dict[str, Any], path: Path) -> str:
    if "text" in doc:
        return str(doc["text"])
    return (path.parent / str(doc["text_file"])).read_text(encoding="utf-8")


def _one(value: Any) -> str | None:
    """A gold field that may list acceptable values: the first one."""
    if isinstance(value, list):
        return str(value[0]) if value else None
    return None if value is None else str(value)


def from_case2021(path: Path, tax: Taxonomy | None = None) -> list[Example]:
    tax = tax or load_taxonomy()
    case_to_acled = tax.case_to_acled
    out = []
    for doc in _lines(path):
        label = doc["events"][0].get("case_label") if doc["events"] else None
        if label is None:
            continue
        plover, mode = OOS_PLOVER.get(label), None
        if label in case_to_acled:
            plover, mode = tax.acled_to_plover[case_to_acled[label]]
        out.append(
            Example(
                id=doc["doc_id"],
                text=_text(doc, path),
                source="case2021",
                group="case2021:" + doc["doc_id"],
                label=label,
                plover=plover,
                mode=mode,
            )
        )
    return out


def from_plover(path: Path, tax: Taxonomy | None = None) -> list[Example]:
    tax = tax or load_taxonomy()
    out = []
    for doc in _lines(path):
        events = doc["events"]
        plover = _one(events[0].get("plover")) if len(events) == 1 else None
        if plover is None:
            continue
        plover = plover.upper()
        mode = events[0].get("mode")
        if mode not in tax.plover_modes.get(plover, ()):
            mode = None
        out.append(
            Example(
                id=doc["doc_id"],
                text=_text(doc, path),
                source="plover",
                group="plover:" + doc["doc_id"],
                plover=plover,
                mode=mode,
            )
        )
    return out


SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]?\s+(?=[\"'“‘(\[A-Z0-9])|\n\s*\n")


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentences of ``text`` that ``[start, end)`` overlaps (split at sentence-final
    punctuation before a capital and at blank lines)."""
    bounds = [0]
    bounds += [m.end() for m in SENTENCE_END.finditer(text)]
    bounds.append(len(text))
    first = max(b for b in bounds if b <= start)
    last = min(b for b in bounds if b >= end)
    return text[first:last].strip()


def from_seed(path: Path, tax: Taxonomy | None = None) -> list[Example]:
    """The seed article's gold events and negatives, each as the sentence that states it."""
    tax = tax or load_taxonomy()
    out = []
    for doc in _lines(path):
        text = _text(doc, path)
        group = "seed:" + doc["doc_id"]
        for n, event in enumerate(doc["events"]):
            acled = _one(event.get("acled"))
            label = tax.acled_to_case.get(acled) if acled else None
            start = text.find(event["evidence"])
            if start < 0:
                continue
            out.append(
                Example(
                    id=f"{doc['doc_id']}#e{n}",
                    text=sentence_around(text, start, start + len(event["evidence"])),
                    source="seed",
                    group=group,
                    label=label,
                    plover=(_one(event.get("plover")) or "").upper() or None,
                    modality=event.get("modality"),
                )
            )
        for n, neg in enumerate(doc.get("negatives") or []):
            start = text.find(neg["evidence"])
            if start < 0:
                continue
            out.append(
                Example(
                    id=f"{doc['doc_id']}#n{n}",
                    text=sentence_around(text, start, start + len(neg["evidence"])),
                    source="seed",
                    group=group,
                    label=NONE,
                    modality=NEGATIVE_MODALITY.get(neg.get("why", "")),
                )
            )
    return out


READERS = {"case2021": from_case2021, "plover": from_plover, "seed": from_seed}


def gold_examples(
    gold_dir: Path, sets: Iterable[str], tax: Taxonomy | None = None
) -> list[Example]:
    """The examples of the named gold sets (``case2021``, ``plover``, ``seed``) in ``gold_dir``."""
    tax = tax or load_taxonomy()
    out: list[Example] = []
    for name in sets:
        out += READERS[name](gold_dir / GOLD_FILES[name], tax)
    return out
