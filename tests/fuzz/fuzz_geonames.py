"""Atheris target: bytes -> the GeoNames dump importer -> place rows or FrontwatchError(E101).

    .venv/bin/python tests/fuzz/fuzz_geonames.py -atheris_runs=20000 -max_len=4096 -timeout=10

The first byte picks a plain ``.txt`` dump or a ``.zip`` (a valid archive holding the bytes,
or the raw bytes as a would-be archive).
"""

from __future__ import annotations

import io
import sys
import zipfile

import atheris

with atheris.instrument_imports(include=["frontwatch"]):
    from _common import WORKDIR

    from frontwatch.errors import FrontwatchError
    from frontwatch.gazetteer.geonames_dump import read_dump


def test_one_input(data: bytes) -> None:
    if not data:
        return
    kind, body = data[0] % 3, data[1:]
    if kind == 0:
        path = WORKDIR / "XX.txt"
        path.write_bytes(body)
    else:
        path = WORKDIR / "XX.zip"
        if kind == 1:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as zf:
                zf.writestr("XX.txt", body)
            body = buffer.getvalue()
        path.write_bytes(body)
    try:
        rows = list(read_dump(path))
    except FrontwatchError as err:
        assert str(err).startswith("[E101]")
        return
    for row in rows:
        assert -90 <= row.lat <= 90 and -180 <= row.lon <= 180
        assert 0 < row.geonameid < 1 << 63 and 0 <= row.population < 1 << 63


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
