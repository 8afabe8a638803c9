"""The pipeline's reading of each training text: the rule features and the abstraction that the
learned coder is given at run time (:mod:`frontwatch.assembly.learned`), cached on disk.

A training text is one label; the pipeline may find several candidate events in it. The text
is given the reading of the candidate the rules put first (the factual one of highest
confidence, as ``frontwatch eval`` picks a short document's primary event), which is what the
model will see of that candidate at run time. A text without any candidate has no rule
features, only its abstraction.

The cache (JSON Lines, one text a line, keyed by the text's sha1) is valid for one version of
the extractor, of the lexicon and of this reading (:func:`reading_version`): parsing the
5,000 corpus texts takes minutes, reading them from the cache a second.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc

from ..about import EXTRACTOR_VERSION
from ..assembly.assemble import coder_rows
from ..assembly.learned import abstraction
from ..gazetteer.index import default_home
from ..lexicon.events import load_lexicon
from ..pipeline import Extractor
from ..records import FACTUAL_MODALITIES, Document

logger = logging.getLogger(__name__)

READING_VERSION = 1
CACHE_DIR = default_home() / "coder-readings"


@dataclass(frozen=True)
class Reading:
    rules: tuple[str, ...] = ()
    abstract: tuple[str, ...] = ()


def reading_version() -> str:
    return f"{READING_VERSION}-{EXTRACTOR_VERSION}-{load_lexicon().version}"


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def read_cache(path: Path) -> dict[str, Reading]:
    out: dict[str, Reading] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
                out[rec["key"]] = Reading(tuple(rec["rules"]), tuple(rec["abstract"]))
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by an interrupted run: read it again
    return out


def readings(
    texts: Sequence[str],
    extractor: Extractor | None = None,
    cache_dir: Path | None = CACHE_DIR,
    progress: Callable[[int, int], None] | None = None,
) -> list[Reading]:
    """The reading of each text (parsed with ``extractor``, the rules only), from the cache
    when it has one."""
    cache_path = cache_dir / f"readings-{reading_version()}.jsonl" if cache_dir else None
    known = read_cache(cache_path) if cache_path else {}
    todo = sorted({text_key(t): t for t in texts if text_key(t) not in known}.items())
    if todo:
        if extractor is None:
            extractor = Extractor()
        extractor.coder = None  # the rules' reading, whatever the settings say
        if cache_path:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
        documents = (Document(id=key, text=text) for key, text in todo)
        out = cache_path.open("a", encoding="utf-8") if cache_path else None
        try:
            for n, doc in enumerate(extractor.parse_many(documents), 1):
                key = str(doc._.fw_doc_id)
                reading = doc_reading(doc)
                known[key] = reading
                if out is not None:
                    line = {"key": key, "rules": reading.rules, "abstract": reading.abstract}
                    out.write(json.dumps(line) + "\n")
                if progress is not None:
                    progress(n, len(todo))
        finally:
            if out is not None:
                out.close()
    return [known[text_key(t)] for t in texts]


def doc_reading(doc: Doc) -> Reading:
    """The reading of a parsed text: its first candidate's rule features (factual ones first,
    then by the rules' confidence), and the abstraction of the whole text."""
    rows = coder_rows(doc)
    abstract = abstraction(doc)
    if not rows:
        return Reading((), abstract)
    best = max(
        range(len(rows)),
        key=lambda i: (rows[i][1].modality in FACTUAL_MODALITIES, rows[i][1].confidence, -i),
    )
    return Reading(rows[best][0].rules, abstract)
