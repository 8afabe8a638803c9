"""Untrusted bytes into every reader: records or a coded error, never a crash or a hang.

Property-based (hypothesis) over the document readers (text, HTML, JSON Lines, JSON, feeds,
stdin), the GeoNames dump importer and the gold reader, plus the regression tests of what the
fuzzers found (docs/reliability.md). Each example runs under ``signal.alarm``: a reader that
loops forever fails the test instead of stalling the suite.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from frontwatch.errors import DocumentError, FrontwatchError
from frontwatch.eval.gold import read_gold
from frontwatch.gazetteer.build import PlaceRow
from frontwatch.gazetteer.geonames_dump import read_dump
from frontwatch.ingest.readers import iter_documents
from frontwatch.records import Document
from frontwatch.settings import Settings, load_settings

#: Seconds one example may take before it counts as a hang.
HANG_SECONDS = 10
#: Small enough that "unbounded memory" shows up as E004, not as an exhausted machine.
MAX_CHARS = 20_000
#: Examples per property in CI; FW_FUZZ_EXAMPLES raises it for a long run (docs/reliability.md).
EXAMPLES = int(os.environ.get("FW_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the alarm bounds each example; the first HTML parse imports trafilatura
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# fragments that steer random bytes towards the formats' interesting corners
_FRAGMENTS = [
    b"<html><body><p>",
    b"</p></body></html>",
    b"<script>",
    b"<!--",
    b"<![CDATA[",
    b"&#x0;",
    b"&#99999999;",
    b'<?xml version="1.0"?>',
    b'<rss version="2.0"><channel><item><title>',
    b"</title></item></channel></rss>",
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>',
    b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
    b'{"text": "',
    b'", "id": ',
    b'"published": "2024-02-30"',
    b"[[[[[[[[[[",
    b"\r\n",
    b"\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"Rebels attacked the town of Kalvar on Friday and two soldiers were killed. ",
]
HOSTILE_BYTES = st.one_of(
    st.binary(max_size=2048),
    st.lists(st.sampled_from(_FRAGMENTS) | st.binary(max_size=16), max_size=40).map(b"".join),
    st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


class Hang(Exception):
    """A reader ran longer than :data:`HANG_SECONDS`."""


@contextmanager
def alarm(seconds: int = HANG_SECONDS) -> Iterator[None]:
    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def small() -> Settings:
    return load_settings(max_chars=MAX_CHARS)


def read_all(path: Path, small: Settings) -> list[Document | DocumentError]:
    with alarm():
        return list(iter_documents([path], settings=small))


def check_contract(results: list[Document | DocumentError]) -> None:
    for result in results:
        assert isinstance(result, Document | DocumentError)
        if isinstance(result, DocumentError):
            assert str(result).startswith("[E0")
        else:
            assert 0 < len(result.text) <= MAX_CHARS


# -- document readers ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".html", ".jsonl", ".json", ".xml"])
@FUZZ
@given(data=HOSTILE_BYTES)
@example(data=b"")
@example(data=b"\xef\xbb\xbf")
@example(data=b'{"text": "x", "id": true}\n{"text": 1}\n[]\n')
@example(data=b"[1, {}, ")
def test_fuzz_readers_file_bytes(tmp_path: Path, small: Settings, suffix: str, data: bytes) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    check_contract(read_all(path, small))


@FUZZ
@given(data=HOSTILE_BYTES)
def test_fuzz_readers_stdin_bytes(small: Settings, data: bytes) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    with alarm():
        results = list(iter_documents(["-"], settings=small, stdin=stdin))
    check_contract(results)


@pytest.mark.parametrize(
    ("suffix", "data"),
    [
        # a billion-laughs feed: entities are not expanded into gigabytes
        (
            ".xml",
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "xxxxxxxxxx">'
            + b"".join(
                f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode()
                for i in range(8)
            )
            + b']><rss version="2.0"><channel><item><title>&i;</title></item></channel></rss>',
        ),
        # deep nesting: JSON and HTML parsers are not recursion bombs
        (".json", b"[" * 100_000 + b"]" * 100_000),
        (".jsonl", b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"),
        (".html", b"<div>" * 20_000 + b"Rebels attacked the town." + b"</div>" * 20_000),
        # one line far over the size limit: skipped without being held in memory
        (".jsonl", b'{"text": "' + b"a" * (MAX_CHARS * 8) + b'"}\n{"text": "ok"}\n'),
    ],
    ids=["entity-expansion", "deep-json", "deep-jsonl", "deep-html", "long-line"],
)
def test_fuzz_readers_bombs(tmp_path: Path, small: Settings, suffix: str, data: bytes) -> None:
    path = tmp_path / f"bomb{suffix}"
    path.write_bytes(data)
    results = read_all(path, small)
    check_contract(results)
    assert sum(len(r.text) for r in results if isinstance(r, Document)) <= MAX_CHARS


@pytest.mark.parametrize(
    ("suffix", "data", "code"),
    [
        (".json", b"[" * 100_000 + b"]" * 100_000, "E012"),
        (".json", b'{"text": ' + b"{" * 100_000 + b"}" * 100_000 + b"}", "E012"),
        (".jsonl", b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "E012"),
        (".jsonl", b'{"text": "x", "n": ' + b"9" * 100_000 + b"}\n", "E012"),
        (".json", b"[" * 100_000, "E012"),  # never closed
    ],
    ids=["deep-json-array", "deep-json-object", "deep-jsonl", "huge-int-jsonl", "unclosed"],
)
def test_fuzz_readers_json_bombs_at_default_settings(
    tmp_path: Path, suffix: str, data: bytes, code: str
) -> None:
    # at the settings users run (max_chars 1,000,000): the reader's own limits stop these
    path = tmp_path / f"bomb{suffix}"
    path.write_bytes(data)
    with alarm():
        results = list(iter_documents([path], settings=load_settings()))
    assert [r.code for r in results if isinstance(r, DocumentError)][:1] == [code]
    assert not [r for r in results if isinstance(r, Document)]


# -- the GeoNames dump importer -----------------------------------------------------------

_GEONAMES_LINE = st.lists(
    st.one_of(
        st.sampled_from(["", "1", "-1", "nan", "inf", "1e999", "91", "-181", "P", "PPL", "ADM1"]),
        st.sampled_from(["9" * 30, "12.5", "Kalvar", "a,b,,c", "\u202e", "0x10"]),
        st.text(alphabet=st.characters(blacklist_characters="\t\n\r"), max_size=12),
    ),
    min_size=0,
    max_size=20,
).map("\t".join)


def _check_rows(path: Path) -> None:
    with alarm():
        try:
            rows = list(read_dump(path))
        except FrontwatchError as err:
            assert str(err).startswith("[E101]")
            return
    for row in rows:
        assert isinstance(row, PlaceRow)
        assert -90 <= row.lat <= 90 and -180 <= row.lon <= 180
        assert 0 < row.geonameid < 1 << 63 and 0 <= row.population < 1 << 63


@FUZZ
@given(lines=st.lists(_GEONAMES_LINE, max_size=8), raw=st.binary(max_size=64))
def test_fuzz_readers_geonames_lines(tmp_path: Path, lines: list[str], raw: bytes) -> None:
    path = tmp_path / "XX.txt"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + raw)
    _check_rows(path)


@FUZZ
@given(data=st.binary(max_size=512), member=st.booleans())
def test_fuzz_readers_geonames_zip(tmp_path: Path, data: bytes, member: bool) -> None:
    path = tmp_path / "XX.zip"
    if member:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("XX.txt", data)
    else:
        path.write_bytes(data)
    _check_rows(path)


GOOD_ROW = "1\tKalvar\tKalvar\tKalwar\t34.5\t40.25\tP\tPPL\tXX\t\t01\t\t\t\t1200"


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (GOOD_ROW.encode(), "XX.txt", [(1, 34.5, 40.25, 1200)]),
        (GOOD_ROW.replace("34.5", "nan").encode(), "XX.txt", []),
        (GOOD_ROW.replace("40.25", "inf").encode(), "XX.txt", []),
        (GOOD_ROW.replace("34.5", "91").encode(), "XX.txt", []),
        (GOOD_ROW.replace("1200", "-3").encode(), "XX.txt", []),
        (GOOD_ROW.replace("1200", "9" * 25).encode(), "XX.txt", []),
        (GOOD_ROW.replace("1\tK", "9" * 20 + "\tK", 1).encode(), "XX.txt", []),
    ],
    ids=["good", "nan-lat", "inf-lon", "lat-91", "negative-pop", "huge-pop", "huge-id"],
)
def test_fuzz_readers_geonames_range_regressions(
    tmp_path: Path, content: bytes, name: str, expected: list[tuple[int, float, float, int]]
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    rows = list(read_dump(path))
    assert [(r.geonameid, r.lat, r.lon, r.population) for r in rows] == expected


@pytest.mark.parametrize(
    ("name", "content", "detail"),
    [
        ("XX.txt", b"1\tKalvar\xff\n", "can't decode byte 0xff in position 8"),
        ("XX.zip", b"not a zip archive", "File is not a zip file"),
    ],
)
def test_fuzz_readers_geonames_coded_errors(
    tmp_path: Path, name: str, content: bytes, detail: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FrontwatchError) as caught:
        list(read_dump(path))
    assert str(caught.value).startswith(f"[E101] Data file {path} is invalid: ")
    assert detail in str(caught.value)


# -- the gold reader ----------------------------------------------------------------------

_GOLD_FRAGMENTS = [
    '{"doc_id": "g1", "text": "Rebels attacked Kalvar.", "events": []}',
    '{"doc_id": "g1", "text": "x", "events": [{"evidence": "not there"}]}',
    '{"doc_id": "g2", "text_file": "../../../etc/passwd", "events": []}',
    '{"doc_id": "g3", "text_file": "", "events": []}',
    '{"doc_id": 5, "text": "x", "events": null}',
    '{"events": [{"acled": "Battles/Nonsense"}], "text": "x", "doc_id": "g4"}',
    '{"doc_id": "g5", "text": "a", "published": "2024-13-45", "events": []}',
    "[1, 2]",
    "null",
    '{"doc_id": "g6", "text": "a", "events": [{"quantities": [{"kind": "killed"}]}]}',
]


@FUZZ
@given(
    lines=st.lists(
        st.one_of(st.sampled_from(_GOLD_FRAGMENTS), st.text(max_size=80)),
        max_size=6,
    ),
    raw=st.binary(max_size=32),
)
def test_fuzz_readers_gold(tmp_path: Path, lines: list[str], raw: bytes) -> None:
    path = tmp_path / "fuzz.gold.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + raw)
    with alarm():
        try:
            documents = read_gold(path)
        except FrontwatchError as err:
            assert str(err)[:6] in ("[E201]", "[E202]")
            return
    assert all(doc.text for doc in documents) or documents == []


# -- the atheris targets, briefly ----------------------------------------------------------

FUZZ_DIR = Path(__file__).parent / "fuzz"


def run_target(target: str, tmp_path: Path, runs: int, max_len: int = 2048) -> None:
    """Run an atheris target in a subprocess for ``runs`` inputs (or 20 s, whichever first)."""
    pytest.importorskip("atheris")
    done = subprocess.run(
        [
            sys.executable,
            str(FUZZ_DIR / f"{target}.py"),
            f"-atheris_runs={runs}",
            f"-max_len={max_len}",
            "-max_total_time=20",
            "-timeout=10",
            "-rss_limit_mb=1024",
            f"-artifact_prefix={tmp_path}/",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "FW_FUZZ_TMP": str(tmp_path)},
    )
    assert "Done " in done.stderr, done.stderr[-3000:]
    # every run made: libFuzzer's per-input watchdog (SIGALRM, every -timeout/2 s) can still
    # fire while a loaded machine tears the interpreter down after "Done"; that is no finding
    # (a finding is a non-zero exit before "Done", with a crash- or timeout- file written)
    findings = [
        p for kind in ("crash", "timeout", "oom", "leak") for p in tmp_path.glob(kind + "-*")
    ]
    finished = done.returncode == -signal.SIGALRM and not findings
    assert done.returncode == 0 or finished, done.stderr[-3000:]


@pytest.mark.parametrize(
    ("target", "runs"), [("fuzz_readers", 3000), ("fuzz_geonames", 5000), ("fuzz_gold", 5000)]
)
def test_fuzz_readers_atheris_short_run(tmp_path: Path, target: str, runs: int) -> None:
    run_target(target, tmp_path, runs)


# -- regressions found by the fuzzers ------------------------------------------------------

_BAD_CHARREF = (
    b'<rss version="2.0"><channel><item><title>&#99999999;</title></item></channel></rss>'
)


def test_fuzz_readers_feed_charref_out_of_range_e008(tmp_path: Path, small: Settings) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(_BAD_CHARREF)
    (error,) = read_all(path, small)
    assert isinstance(error, DocumentError)
    assert str(error) == (
        f"[E008] Input {path} cannot be read: "
        "the feed cannot be parsed (chr() arg not in range(0x110000))."
    )


def test_fuzz_readers_watched_feed_charref_out_of_range_e008() -> None:
    from frontwatch.ingest.feeds import _parse_feed

    with pytest.raises(DocumentError) as caught:
        _parse_feed(_BAD_CHARREF, "http://127.0.0.1/feed.rss")
    assert str(caught.value) == (
        "[E008] Input http://127.0.0.1/feed.rss cannot be read: "
        "the feed cannot be parsed (chr() arg not in range(0x110000))."
    )
