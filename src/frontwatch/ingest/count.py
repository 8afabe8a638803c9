"""How many documents some inputs hold: the total of a progress bar, known before reading.

:func:`count_documents` looks at the inputs cheaply (files listed, JSON Lines lines counted,
JSON arrays and feeds parsed, no text screened); it answers ``None`` when the number cannot be
known beforehand (standard input). A count that turns out wrong (a line that is not a
document, a file that cannot be read) only makes a wrong total on the bar.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from .readers import STDIN, SUPPORTED_SUFFIXES

logger = logging.getLogger(__name__)


def count_documents(inputs: Iterable[str | Path]) -> int | None:
    """The number of documents (or errors) that :func:`~frontwatch.ingest.iter_documents` will
    give for ``inputs``; ``None`` with standard input."""
    total = 0
    for item in inputs:
        if str(item) == STDIN:
            return None
        path = Path(item)
        if path.is_dir():
            total += sum(_in_file(file) for file in _files(path))
        else:
            total += _in_file(path)
    return total


def _files(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") for part in relative):
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES and path.is_file():
            yield path


def _in_file(path: Path) -> int:
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    try:
        if kind == "jsonl":
            with path.open("rb") as fh:
                return sum(1 for line in fh if line.strip())
        if kind == "json":
            data = json.loads(path.read_bytes())
            return len(data) if isinstance(data, list) else 1
        if kind == "feed":
            import feedparser

            return len(feedparser.parse(path.read_bytes()).entries) or 1
    except (OSError, ValueError) as err:
        logger.debug("counting %s: %s", path, err)
    return 1
