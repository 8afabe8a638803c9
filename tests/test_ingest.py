from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from frontwatch.errors import DocumentError
from frontwatch.ingest import iter_documents, language_profile, screen
from frontwatch.ingest.readers import binary_reason, strip_html, with_title
from frontwatch.records import Document
from frontwatch.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

ENGLISH = (
    "Government troops regained control of the hill town after three days of heavy fighting, "
    "an army spokesman said on Sunday. Several civilians were wounded when shells fell on the "
    "central market, and the local hospital asked for blood donations."
)
FRENCH = (
    "Les troupes gouvernementales ont repris le contrôle de la petite ville après trois jours "
    "de combats, a déclaré dimanche un porte-parole de l'armée. Plusieurs civils ont été "
    "blessés lorsque des obus sont tombés sur le marché central."
)
ARABIC = (
    "استعادت القوات الحكومية السيطرة على البلدة الجبلية بعد ثلاثة أيام من القتال العنيف، "
    "وقال متحدث باسم الجيش إن عددا من المدنيين أصيبوا عندما سقطت القذائف على السوق."
)
RUSSIAN = (
    "Правительственные войска вернули контроль над горным городком после трёх дней тяжёлых "
    "боёв, заявил в воскресенье представитель армии. Несколько мирных жителей были ранены "
    "при обстреле центрального рынка."
)


@pytest.fixture
def settings() -> Settings:
    return Settings.model_validate({})


def read(
    inputs: list[str | Path],
    settings: Settings,
    stdin: io.TextIOBase | None = None,
    published: dt.date | None = None,
) -> list[Document | DocumentError]:
    return list(
        iter_documents(inputs, settings=settings, stdin=stdin, published=published)  # type: ignore[arg-type]
    )


def outcome(item: Document | DocumentError) -> tuple[str, str]:
    """(id, text) of a document, (code, message) of an error."""
    if isinstance(item, DocumentError):
        return (item.code, str(item))
    return (item.id, item.text)


# --------------------------------------------------------------------------- text files


def test_ingest_text_file_exact(settings: Settings) -> None:
    [doc] = read([FIXTURES / "corpus" / "a.txt"], settings)
    assert isinstance(doc, Document)
    assert doc.id == "a"
    assert doc.text == (
        "Shelling resumed overnight in the eastern suburbs.\n\n"
        "Residents said the power station was hit twice.\n"
    )
    assert doc.path == str(FIXTURES / "corpus" / "a.txt")
    assert doc.published is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            b"Curfew lifted.\r\n\r\nShops reopened in the old city.\r\n",
            "Curfew lifted.\n\nShops reopened in the old city.\n",
        ),
        (b"\xef\xbb\xbfCurfew lifted in the old city.", "Curfew lifted in the old city."),
        (b"Curfew lifted.\rShops reopened.", "Curfew lifted.\rShops reopened."),
    ],
)
def test_ingest_text_newlines_and_bom(
    tmp_path: Path, settings: Settings, raw: bytes, expected: str
) -> None:
    path = tmp_path / "000_note.txt"
    path.write_bytes(raw)
    [doc] = read([path], settings)
    assert outcome(doc) == ("000_note", expected)


def test_ingest_published_default_and_own_date(settings: Settings) -> None:
    default = dt.date(2019, 6, 30)
    docs = read(
        [FIXTURES / "corpus" / "a.txt", FIXTURES / "single.json"], settings, published=default
    )
    assert [d.published for d in docs if isinstance(d, Document)] == [default, default]
    [first, *_] = read([FIXTURES / "docs.jsonl"], settings, published=default)
    assert isinstance(first, Document)
    assert first.published == dt.date(2021, 3, 12)


def test_ingest_single_path_argument(settings: Settings) -> None:
    docs = list(iter_documents(str(FIXTURES / "corpus" / "a.txt"), settings=settings))
    assert [outcome(d)[0] for d in docs] == ["a"]


# --------------------------------------------------------------------------- HTML


def test_ingest_html_main_text_and_metadata(settings: Settings) -> None:
    [doc] = read([FIXTURES / "page.html"], settings)
    assert isinstance(doc, Document)
    assert doc.id == "page"
    assert doc.text == (
        "Drone strike hits fuel depot near river port\n\n"
        "A drone struck a fuel depot on the edge of the river port late on Wednesday, setting two "
        "storage tanks on fire, the regional emergency service said in a statement.\n\n"
        "Firefighters needed nine hours to bring the blaze under control. Nobody was killed, but "
        "three workers were taken to hospital with burns, according to the port authority.\n\n"
        "The defence ministry said air defence units had shot down four other drones over the "
        "province during the night."
    )
    assert doc.title == "Drone strike hits fuel depot near river port"
    assert doc.url == "https://ledger.example.org/world/fuel-depot-strike"
    assert doc.outlet == "Harbour Ledger"
    assert doc.published == dt.date(2023, 9, 14)
    for boilerplate in ("Home", "Sport", "cookies", "Copyright", "newsletter", "tracking"):
        assert boilerplate not in doc.text


def test_ingest_html_fallback_strips_tags(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "fragment.htm"
    path.write_text("<p>Troops left the northern base on Monday &amp; moved south.</p>", "utf-8")
    [doc] = read([path], settings)
    assert outcome(doc) == ("fragment", "Troops left the northern base on Monday & moved south.")


def test_ingest_strip_html_paragraphs_and_title() -> None:
    stripped = strip_html(
        "<html><head><title>Port  closed</title><style>p {}</style></head><body>"
        "<script>x = 1</script><p>Ships were\n turned away.</p><div>Crews waited<br>offshore.</div>"
        "</body></html>"
    )
    assert stripped.title == "Port closed"
    assert stripped.text == "Ships were turned away.\n\nCrews waited\n\noffshore."


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("Port closed", "Ships were turned away.", "Port closed\n\nShips were turned away."),
        (
            "Port closed",
            "Port closed\n\nShips were turned away.",
            "Port closed\n\nShips were turned away.",
        ),
        ("Port closed - Bay News", "Port closed\n\nShips waited.", "Port closed\n\nShips waited."),
        (None, "Ships waited.", "Ships waited."),
        ("Port closed", "", "Port closed"),
    ],
)
def test_ingest_with_title(title: str | None, body: str, expected: str) -> None:
    assert with_title(title, body) == expected


# --------------------------------------------------------------------------- JSON Lines, JSON


def test_ingest_jsonl_lines_and_errors(settings: Settings) -> None:
    name = str(FIXTURES / "docs.jsonl")
    results = read([FIXTURES / "docs.jsonl"], settings)
    assert [outcome(r) for r in results] == [
        (
            "a-1",
            "Police dispersed a crowd of several hundred protesters outside the parliament "
            "on Friday.",
        ),
        ("docs-2", "Two soldiers were killed when their patrol hit a roadside bomb."),
        ("77", "The army said it had retaken the border crossing after a week of fighting."),
        (
            "E006",
            f"[E006] Line 5 of {name} is not valid JSON: "
            "Unterminated string starting at column 26.",
        ),
        ("E007", f"[E007] Line 6 of {name} has no text field (expected 'text' as a string)."),
        ("bad-date", "Rebels shelled the airport road."),  # read without its date (W007)
        ("E007", f"[E007] Line 8 of {name} has no text field (expected 'text' as a string)."),
        (
            "line9",
            "Aid convoys reached the besieged town for the first time in a month.\n"
            "Local officials welcomed the delivery.",
        ),
    ]
    first, second = results[0], results[1]
    assert isinstance(first, Document) and isinstance(second, Document)
    assert (first.title, first.url, first.outlet) == (
        "Protest dispersed",
        "https://example.org/a-1",
        "Metro Daily",
    )
    assert second.published == dt.date(2021, 3, 13)  # calendar date of the ISO datetime


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        ('{"text": "Troops withdrew.", "title": 5}', "title", "a string"),
        ('{"text": "Troops withdrew.", "outlet": ["x"]}', "outlet", "a string"),
        ('{"text": "Troops withdrew.", "id": ""}', "id", "a non-empty string or integer"),
    ],
)
def test_ingest_jsonl_bad_fields(
    tmp_path: Path, settings: Settings, line: str, field: str, expected: str
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(line + "\n", "utf-8")
    [err] = read([path], settings)
    assert isinstance(err, DocumentError)
    assert str(err) == f"[E011] Line 1 of {path}: field {field!r} must be {expected}."


@pytest.mark.parametrize(
    ("value", "published"),
    [
        ('"2016-11-23"', dt.date(2016, 11, 23)),
        ('"2016-11-23T23:30:00-05:00"', dt.date(2016, 11, 23)),  # as written, not in UTC
        ('"2016-11-23T15:02:00Z"', dt.date(2016, 11, 23)),
        ('"Wed, 23 Nov 2016 15:02:00 -0500"', dt.date(2016, 11, 23)),
        ('"Wed Nov 23, 2016 | 3:02pm EST"', dt.date(2016, 11, 23)),
        ('"24 November 2016"', dt.date(2016, 11, 24)),
        ('"2016 Oct 10"', dt.date(2016, 10, 10)),
        ('"Sept. 5th, 2017"', dt.date(2017, 9, 5)),
    ],
)
def test_ingest_jsonl_publication_dates_as_feeds_write_them(
    tmp_path: Path, settings: Settings, value: str, published: dt.date
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(f'{{"text": "Troops withdrew.", "published": {value}}}\n', "utf-8")
    [doc] = read([path], settings)
    assert isinstance(doc, Document) and doc.published == published


@pytest.mark.parametrize("value", ['"13/03/2021"', '"2021-02-30"', "20210101", '"last week"'])
def test_ingest_jsonl_unread_publication_date_is_reported_not_fatal(
    tmp_path: Path, settings: Settings, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(f'{{"id": "d", "text": "Troops withdrew.", "published": {value}}}\n', "utf-8")
    [doc] = read([path], settings)
    assert isinstance(doc, Document) and (doc.id, doc.published) == ("d", None)
    shown = value.strip('"') if value.startswith('"') else value
    assert caplog.messages == [
        f"[W007] Line 1 of {path}: publication date {shown!r} not read; "
        "the document is read without it."
    ]


def test_ingest_text_without_date_warns_once_naming_the_file(
    tmp_path: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Rebels shelled the airport road on Tuesday.", "utf-8")
    [doc] = read([path], settings)
    assert isinstance(doc, Document) and doc.published is None
    assert caplog.messages == [
        f"[W001] Document {path}: publication date missing; relative dates stay unresolved."
    ]
    caplog.clear()
    [doc] = list(iter_documents([path], published=dt.date(2016, 11, 23), settings=settings))
    assert isinstance(doc, Document) and doc.published == dt.date(2016, 11, 23)
    assert caplog.messages == []


def test_ingest_json_list_and_object(settings: Settings) -> None:
    name = str(FIXTURES / "docs.json")
    results = read([FIXTURES / "docs.json", FIXTURES / "single.json"], settings)
    assert [outcome(r) for r in results] == [
        ("j1", "Security forces arrested eleven suspects after a raid in the northern district."),
        ("docs-2", "A car bomb exploded near a checkpoint, wounding four people."),
        ("E007", f"[E007] Line 4 of {name} has no text field (expected 'text' as a string)."),
        (
            "single",
            "Flooding forced about two thousand families to leave their homes along the coast.",
        ),
    ]
    assert isinstance(results[3], Document) and results[3].outlet == "Shore Post"


def test_ingest_json_malformed(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n  {"text": "ok"},\n  {"text": oops},\n  {"text": "fine"}\n]\n', "utf-8")
    assert [outcome(r) for r in read([path], settings)] == [
        ("bad-1", "ok"),
        (
            "E006",
            f"[E006] Line 3 of {path} is not valid JSON: Expecting value at line 3 column 12.",
        ),
        ("bad-3", "fine"),
    ]


# --------------------------------------------------------------------------- feeds


def test_ingest_rss_feed(settings: Settings) -> None:
    results = read([FIXTURES / "feed.rss"], settings)
    assert [outcome(r) for r in results] == [
        (
            "1d91c8cecbb95886",
            "Militia fighters ambush supply convoy\n\nGunmen opened fire on a supply convoy on the "
            "mountain road on Monday, wounding two drivers, a police officer told reporters.",
        ),
        (
            "b15cc317b9e3cbf2",
            "Talks on prisoner exchange resume\n\nNegotiators from both sides met again in the "
            "capital on Thursday to discuss the release of detainees.",
        ),
    ]
    first, second = results
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.published == dt.date(2024, 5, 7)
    assert first.title == "Militia fighters ambush supply convoy"
    assert first.url == "https://courier.example.net/2024/05/convoy-ambush"
    assert first.outlet == second.outlet == "Valley Courier - Conflict desk"
    assert second.published is None


def test_ingest_atom_feed(settings: Settings) -> None:
    [doc] = read([FIXTURES / "feed.atom"], settings, published=dt.date(2000, 1, 1))
    assert isinstance(doc, Document)
    assert outcome(doc) == (
        "41a1790945159b5a",
        "Curfew imposed after clashes\n\nAuthorities imposed a night curfew in the market "
        "district after rival groups clashed with sticks and stones.",
    )
    assert (doc.published, doc.outlet, doc.url) == (
        dt.date(2022, 11, 2),
        "Plains Monitor",
        "https://monitor.example.com/curfew",
    )


def test_ingest_xml_not_a_feed(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "data.xml"
    path.write_text("this is not xml at all, just words", "utf-8")
    [err] = read([path], settings)
    assert isinstance(err, DocumentError) and err.code == "E008"
    assert str(err).startswith(f"[E008] Input {path} cannot be read: no RSS or Atom feed found")


# --------------------------------------------------------------------------- folders


def test_ingest_folder_recursive_sorted_hidden_skipped(settings: Settings) -> None:
    results = read([FIXTURES / "corpus"], settings)
    assert [outcome(r)[0] for r in results] == ["a", "sub/b-1", "sub/deeper/c"]
    assert [r.path for r in results if isinstance(r, Document)] == [
        str(FIXTURES / "corpus" / "a.txt"),
        str(FIXTURES / "corpus" / "sub" / "b.jsonl"),
        str(FIXTURES / "corpus" / "sub" / "deeper" / "c.htm"),
    ]
    assert outcome(results[2])[1] == (
        "Bridge reopened\n\nEngineers reopened the damaged bridge to light traffic on Saturday, "
        "the transport ministry said."
    )


def test_ingest_folder_order(tmp_path: Path, settings: Settings) -> None:
    for rel in ("b.txt", "a/z.txt", "a.txt", "c/.hidden/q.txt", "c/d.txt", "e.csv"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Fighting was reported near the village in file {rel}.", "utf-8")
    results = read([tmp_path], settings)
    assert [outcome(r)[0] for r in results] == ["a/z", "a", "b", "c/d"]


# --------------------------------------------------------------------------- stdin


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "Rebels fired rockets at the airport.\r\n",
            [("stdin", "Rebels fired rockets at the airport.\n")],
        ),
        (
            '\n{"text": "Rebels fired rockets at the airport."}\n'
            '{"id": "k", "text": "Troops withdrew."}\n',
            [("stdin-2", "Rebels fired rockets at the airport."), ("k", "Troops withdrew.")],
        ),
        (
            "  <html><body><p>Rebels fired rockets at the airport on Friday.</p></body></html>",
            [("stdin", "Rebels fired rockets at the airport on Friday.")],
        ),
        ("", [("E001", "[E001] Document stdin is empty (no text after extraction).")]),
    ],
)
def test_ingest_stdin_sniffing(
    settings: Settings, data: str, expected: list[tuple[str, str]]
) -> None:
    results = read(["-"], settings, stdin=io.StringIO(data))
    assert [outcome(r) for r in results] == expected
    assert all(r.path == "-" for r in results if isinstance(r, Document))


def test_ingest_stdin_binary_buffer(settings: Settings) -> None:
    stream = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfTroops crossed the river at dawn."), "utf-8")
    assert [outcome(r) for r in read(["-"], settings, stdin=stream)] == [
        ("stdin", "Troops crossed the river at dawn.")
    ]
    bad = io.TextIOWrapper(io.BytesIO(b"Troops crossed \xff the river."), "utf-8")
    assert [outcome(r) for r in read(["-"], settings, stdin=bad)] == [
        ("E003", "[E003] Document <stdin> is not valid UTF-8 (byte 15); re-encode it as UTF-8.")
    ]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b"The convoy\x00\x00 left.", "NUL byte at position 10"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG signature"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF signature"),
        (b"\x1f\x8b\x08\x00rest", "gzip signature"),
        (b"PK\x03\x04\x14\x00", "ZIP signature (zip, docx, xlsx, epub)"),
        (b"ab\x01\x02\x03\x04cd", "50% control characters"),
    ],
)
def test_ingest_binary_e002(tmp_path: Path, settings: Settings, raw: bytes, detail: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(raw)
    [err] = read([path], settings)
    expected = (
        f"[E002] Document {path} looks binary ({detail}); "
        "only text, HTML, JSON Lines and feeds are read."
    )
    assert outcome(err) == ("E002", expected)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"Plain words.\n\tIndented.\r\n", None),
        ("Nouvelles de Київ".encode(), None),
        (b"\xff\xfeT\x00r\x00", None),  # UTF-16: text, reported as E003 by decoding
        (b"", None),
    ],
)
def test_ingest_binary_reason_text(head: bytes, expected: str | None) -> None:
    assert binary_reason(head) == expected


@pytest.mark.parametrize(
    ("raw", "position"),
    [
        (b"Troops \xe9 withdrew.", 7),
        (b"\xef\xbb\xbfTroops \xe9 withdrew.", 10),
        (b"\xff\xfeT\x00r\x00", 0),
    ],
)
def test_ingest_not_utf8_e003(
    tmp_path: Path, settings: Settings, raw: bytes, position: int
) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(raw)
    [err] = read([path], settings)
    assert outcome(err) == (
        "E003",
        f"[E003] Document {path} is not valid UTF-8 (byte {position}); re-encode it as UTF-8.",
    )


def test_ingest_jsonl_bad_bytes_line_skipped(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"id": "one", "text": "Troops withdrew from the town."}\n'
        b'{"id": "two", "text": "Caf\xe9 shelled."}\n'
        b'{"id": "three", "text": "Police reopened the road."}\n'
    )
    assert [outcome(r) for r in read([path], settings)] == [
        ("one", "Troops withdrew from the town."),
        (
            "E003",
            f"[E003] Document {path}, line 2, is not valid UTF-8 (byte 82); re-encode it as UTF-8.",
        ),
        ("three", "Police reopened the road."),
    ]


def test_ingest_huge_file_e004_without_reading(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.write(b"Shelling continued through the night. " * 300)
        fh.truncate(settings.max_chars * 4 + 10)  # sparse: cheap to make, huge to read
    [err] = read([path], settings)
    assert outcome(err) == (
        "E004",
        f"[E004] Document {path} has at least 1000003 characters, over the limit of 1000000 "
        "(setting max_chars).",
    )


def test_ingest_oversized_text_and_line_e004(tmp_path: Path) -> None:
    settings = Settings.model_validate({"max_chars": 40})
    text_path = tmp_path / "long.txt"
    text_path.write_text("Shelling continued through the night in the south.", "utf-8")
    lines_path = tmp_path / "lines.jsonl"
    long_line = '{"text": "' + "word " * 60 + '"}'
    lines_path.write_text(long_line + '\n{"text": "Troops withdrew."}\n', "utf-8")
    results = read([text_path, lines_path], settings)
    assert [outcome(r) for r in results] == [
        (
            "E004",
            "[E004] Document long has 50 characters, over the limit of 40 (setting max_chars).",
        ),
        (
            "E004",
            f"[E004] Document {lines_path}, line 1 has at least 79 characters, over the limit "
            "of 40 (setting max_chars).",
        ),
        ("lines-2", "Troops withdrew."),
    ]


@pytest.mark.parametrize("raw", [b"", b"  \n\t\n"])
def test_ingest_empty_e001(tmp_path: Path, settings: Settings, raw: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(raw)
    [err] = read([path], settings)
    assert outcome(err) == ("E001", "[E001] Document blank is empty (no text after extraction).")


def test_ingest_missing_and_unsupported(tmp_path: Path, settings: Settings) -> None:
    missing = tmp_path / "missing.txt"
    notes = FIXTURES / "corpus" / "notes.md"
    results = read([missing, notes, FIXTURES / "corpus" / "a.txt"], settings)
    assert [outcome(r) for r in results] == [
        ("E008", f"[E008] Input {missing} cannot be read: no such file or directory."),
        (
            "E010",
            f"[E010] Unsupported input {notes}: the extension '.md' is not one of "
            ".atom, .htm, .html, .json, .jsonl, .ndjson, .rss, .txt, .xml.",
        ),
        (
            "a",
            "Shelling resumed overnight in the eastern suburbs.\n\n"
            "Residents said the power station was hit twice.\n",
        ),
    ]


# --------------------------------------------------------------------------- screening


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        (FRENCH, "3% English function words; script mostly Latin; 36% French function words"),
        (ARABIC, "0% English function words; script mostly Arabic"),
        (RUSSIAN, "0% English function words; script mostly Cyrillic"),
        ("Атака на Київ", "0% English function words; script mostly Cyrillic"),
    ],
)
def test_ingest_screen_rejects_non_english(settings: Settings, text: str, detail: str) -> None:
    doc = Document.model_validate({"id": "d1", "text": text})
    with pytest.raises(DocumentError) as info:
        screen(doc, settings)
    assert info.value.code == "E005"
    assert str(info.value) == (
        f"[E005] Document d1 does not look like English ({detail}); only English is supported."
    )


@pytest.mark.parametrize(
    "text",
    [
        ENGLISH,
        "Attaque à Kharkiv",  # a short title: not judged on function words
        "Kyiv (Київ) shelled overnight",
        "Ataque em Cabo Delgado deixa mortos",
        "12 345 678",
    ],
)
def test_ingest_screen_accepts(settings: Settings, text: str) -> None:
    screen(Document.model_validate({"id": "d1", "text": text}), settings)  # no E005


def test_ingest_language_profile_english(settings: Settings) -> None:
    profile = language_profile(ENGLISH)
    assert (profile.words, profile.main_script, profile.latin_share) == (39, "Latin", 1.0)
    assert round(profile.english_ratio, 3) == 0.41  # 16 of 39 words


def test_ingest_screen_applied_by_iter_documents(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "fr.txt").write_text(FRENCH, "utf-8")
    (tmp_path / "en.txt").write_text(ENGLISH, "utf-8")
    results = read([tmp_path], settings)
    assert [outcome(r)[0] for r in results] == ["en", "E005"]


# -- counting documents for a progress bar's total (issue 14) --------------------------------

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "articles"


def test_ingest_count_documents(tmp_path: Path) -> None:
    from frontwatch.ingest.count import count_documents

    (tmp_path / "a.txt").write_text("One article.", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "x"}\n\n{"text": "y"}\n', encoding="utf-8")
    (tmp_path / "c.json").write_text('[{"text": "x"}, {"text": "y"}, {"text": "z"}]')
    (tmp_path / "d.json").write_text("{not json")
    (tmp_path / ".hidden.txt").write_text("not read")
    (tmp_path / "notes.md").write_text("not read")
    assert count_documents([tmp_path]) == 1 + 2 + 3 + 1
    assert count_documents([SAMPLES]) == 19
    assert count_documents([SAMPLES / "wire" / "feed.rss", tmp_path / "missing.txt"]) == 4
    assert count_documents([tmp_path, "-"]) is None
    assert [d for d in iter_documents([SAMPLES]) if isinstance(d, Document)].__len__() == 19


# --------------------------------------------------------------------------- hostile lines

GOOD_LINE = '{{"id": "d{n}", "text": "Troops shelled the village of Kalvar on day {n}."}}\n'
POISON = {
    # at the default settings: the reader's own limits, not max_chars, stop these
    "deep": ('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n").encode(),
    "deep-1000": ('{"id": "x", "meta": ' + "[" * 1000 + "]" * 1000 + ', "text": "t"}\n').encode(),
    "huge-int": ('{"id": ' + "7" * 4400 + ', "text": "Rebels attacked."}\n').encode(),
    "surrogate-text": b'{"id": "s", "text": "Rebels \\ud800 attacked."}\n',
    "surrogate-id": b'{"id": "\\udfff", "text": "Rebels attacked."}\n',
    "bad-utf8": b'{"id": "u", "text": "Rebels \xff attacked."}\n',
}


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("deep", "E012", "Line 1001 of {p} is over a reader limit: "
         "nested more than 128 levels deep (the limit)."),
        ("deep-1000", "E012", "Line 1001 of {p} is over a reader limit: "
         "nested more than 128 levels deep (the limit)."),
        ("huge-int", "E012", "Line 1001 of {p} is over a reader limit: "
         "an integer of 4400 digits (the limit is 4300)."),
        ("surrogate-text", "E013", "Line 1001 of {p}: field 'text' is not valid Unicode "
         "(a lone surrogate \\ud800 at character 7)."),
        ("surrogate-id", "E013", "Line 1001 of {p}: field 'id' is not valid Unicode "
         "(a lone surrogate \\udfff at character 0)."),
        ("bad-utf8", "E003", "Document {p}, line 1001, is not valid UTF-8 (byte {byte}); "
         "re-encode it as UTF-8."),
    ],
)  # fmt: skip
def test_ingest_jsonl_one_poisoned_line_of_2001(
    tmp_path: Path, settings: Settings, kind: str, code: str, message: str
) -> None:
    path = tmp_path / "news.jsonl"
    lines = [GOOD_LINE.format(n=n).encode() for n in range(1, 2001)]
    path.write_bytes(b"".join(lines[:1000]) + POISON[kind] + b"".join(lines[1000:]))
    results = read([path], settings)
    documents = [r for r in results if isinstance(r, Document)]
    errors = [r for r in results if isinstance(r, DocumentError)]
    assert [d.id for d in documents] == [f"d{n}" for n in range(1, 2001)]
    byte = sum(map(len, lines[:1000])) + POISON[kind].find(b"\xff")
    assert [(e.code, str(e)) for e in errors] == [
        (code, f"[{code}] " + message.format(p=path, byte=byte))
    ]


def test_ingest_json_array_poisoned_items(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "news.json"
    items = [
        '{"text": "Troops shelled the village."}',
        '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"text": "Rebels \\ud800 attacked."}',
        '{"id": ' + "7" * 4400 + ', "text": "x"}',
        '{"text": oops}',
        '{"text": "Police reopened the road."}',
    ]
    path.write_text("[\n" + ",\n".join(items) + "\n]\n", "utf-8")
    assert [outcome(r) for r in read([path], settings)] == [
        ("news-1", "Troops shelled the village."),
        ("E012", f"[E012] Line 3 of {path} is over a reader limit: "
         "nested more than 128 levels deep (the limit)."),
        ("E013", f"[E013] Line 4 of {path}: field 'text' is not valid Unicode "
         "(a lone surrogate \\ud800 at character 7)."),
        ("E012", f"[E012] Line 5 of {path} is over a reader limit: "
         "an integer of 4400 digits (the limit is 4300)."),
        ("E006", f"[E006] Line 6 of {path} is not valid JSON: "
         "Expecting value at line 6 column 10."),
        ("news-6", "Police reopened the road."),
    ]  # fmt: skip


def test_ingest_json_object_limits(tmp_path: Path, settings: Settings) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"text": "x", "a": ' + "{" * 500 + "}" * 500 + "}", "utf-8")
    unclosed = tmp_path / "unclosed.json"
    unclosed.write_text('[\n{"text": "Troops withdrew from the town."},\n', "utf-8")
    assert [outcome(r) for r in read([deep, unclosed], settings)] == [
        ("E012", f"[E012] Line 1 of {deep} is over a reader limit: "
         "nested more than 128 levels deep (the limit)."),
        ("unclosed-1", "Troops withdrew from the town."),
        ("E006", f"[E006] Line 3 of {unclosed} is not valid JSON: the array is not closed."),
    ]  # fmt: skip


def test_ingest_feed_entry_with_surrogate_reference(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "feed.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>Rebels &#xD800; attacked</title><guid>a</guid></item>"
        "<item><title>Troops shelled the village</title><guid>b</guid></item>"
        "</channel></rss>",
        "utf-8",
    )
    results = [outcome(r)[1] for r in read([path], settings)]
    # a reference to a surrogate is not XML: replaced, so that the feed can be read at all
    assert results == ["Rebels \ufffd attacked", "Troops shelled the village"]


# --------------------------------------------------------------------------- folders


def write(path: Path, text: str = "Troops shelled the village near the river.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_ingest_folder_same_names_distinct_ids(tmp_path: Path, settings: Settings) -> None:
    for rel in ("north/report.txt", "south/report.txt", "north/day.jsonl"):
        write(tmp_path / "in" / rel, '{"text": "Rebels attacked."}\n' if "jsonl" in rel else rel)
    results = read([tmp_path / "in"], settings)
    assert [outcome(r) for r in results] == [
        ("north/day-1", "Rebels attacked."),
        ("north/report", "north/report.txt"),
        ("south/report", "south/report.txt"),
    ]


def test_ingest_same_id_from_two_files_e015(tmp_path: Path, settings: Settings) -> None:
    first = write(tmp_path / "in" / "a.html", "<p>Rebels attacked the town.</p>")
    second = write(tmp_path / "in" / "a.txt", "Troops withdrew.")
    third = write(tmp_path / "other" / "a.txt", "Police reopened the road.")
    results = read([tmp_path / "in", third, second], settings)
    assert [outcome(r) for r in results] == [
        ("a", "Rebels attacked the town."),
        (
            "E015",
            f"[E015] Input {second} gives the document id 'a', already given by {first}; "
            "it was skipped.",
        ),
        (
            "E015",
            f"[E015] Input {third} gives the document id 'a', already given by {first}; "
            "it was skipped.",
        ),
    ]  # fmt: skip  (the second naming of a.txt is not read twice)


def test_ingest_folder_symlinks(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "in"
    write(root / "a.txt", "Rebels attacked the town.")
    write(root / "sub" / "b.txt", "Troops withdrew.")
    write(tmp_path / "outside" / "secret.txt", "Not for reading.")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "sub" / "self").symlink_to(".", target_is_directory=True)
    (root / "out").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (root / "z-alias").symlink_to(root / "sub" / "b.txt")  # unsupported name: passed over
    (root / "z-link.txt").symlink_to(root / "a.txt")  # the same file: read once
    (root / "y").symlink_to(root / "sub", target_is_directory=True)  # read once, as sub/
    real = str(root.resolve())
    assert [outcome(r) for r in read([root], settings)] == [
        ("a", "Rebels attacked the town."),
        ("E016", f"[E016] Link {root / 'gone.txt'} was not followed: it points nowhere."),
        ("E016", f"[E016] Link {root / 'out'} was not followed: it points outside the input "
         f"folder {real} (to {(tmp_path / 'outside').resolve()})."),
        ("sub/b", "Troops withdrew."),
        ("E016", f"[E016] Link {root / 'sub' / 'loop'} was not followed: it leads back to "
         f"{real}, a folder that contains it (a loop)."),
        ("E016", f"[E016] Link {root / 'sub' / 'self'} was not followed: it leads back to "
         f"{real}/sub, a folder that contains it (a loop)."),
    ]  # fmt: skip
