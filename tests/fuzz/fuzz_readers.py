"""Atheris target: bytes -> every document reader -> Document or coded DocumentError.

    .venv/bin/python tests/fuzz/fuzz_readers.py -atheris_runs=20000 -max_len=4096 -timeout=10

The first byte picks the reader (.txt, .html, .jsonl, .json, .xml file, or stdin); any other
exception is a finding (docs/reliability.md).
"""

from __future__ import annotations

import io
import sys

import atheris

with atheris.instrument_imports(include=["frontwatch"]):
    from _common import MAX_CHARS, WORKDIR

    from frontwatch.errors import DocumentError
    from frontwatch.ingest.readers import iter_documents
    from frontwatch.records import Document
    from frontwatch.settings import load_settings

SETTINGS = load_settings(max_chars=MAX_CHARS)
SUFFIXES = (".txt", ".html", ".jsonl", ".json", ".xml", "-")


def test_one_input(data: bytes) -> None:
    if not data:
        return
    suffix, body = SUFFIXES[data[0] % len(SUFFIXES)], data[1:]
    if suffix == "-":
        stdin = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8", errors="surrogateescape")
        results = list(iter_documents(["-"], settings=SETTINGS, stdin=stdin))
    else:
        path = WORKDIR / f"input{suffix}"
        path.write_bytes(body)
        results = list(iter_documents([path], settings=SETTINGS))
    for result in results:
        if isinstance(result, Document):
            assert 0 < len(result.text) <= MAX_CHARS
        else:
            assert isinstance(result, DocumentError) and str(result).startswith("[E0")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
