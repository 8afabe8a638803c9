"""Atheris target: bytes -> the gold reader -> gold documents or FrontwatchError(E201/E202).

.venv/bin/python tests/fuzz/fuzz_gold.py -atheris_runs=20000 -max_len=4096 -timeout=10
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["frontwatch"]):
    from _common import WORKDIR

    from frontwatch.errors import FrontwatchError
    from frontwatch.eval.gold import read_gold

PATH = WORKDIR / "fuzz.gold.jsonl"


def test_one_input(data: bytes) -> None:
    PATH.write_bytes(data)
    try:
        read_gold(PATH)
    except FrontwatchError as err:
        assert str(err)[:6] in ("[E201]", "[E202]"), str(err)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
