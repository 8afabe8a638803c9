"""Tests for frontwatch.pipeline: the public ``extract()`` and :class:`Extractor` API.

Every text here is written for these tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from collections.abc import Callable
from typing import Any, cast

import pytest
from spacy.language import Language
from spacy.tokens import Doc

import frontwatch
from frontwatch import Extractor, pipeline
from frontwatch.assembly.assemble import event_id
from frontwatch.errors import DocumentError, FrontwatchError
from frontwatch.offsets import reduce_text
from frontwatch.pipeline import Prepared, as_document, local, parse_date, restore
from frontwatch.pipeline.local import Part
from frontwatch.records import Document, DocumentResult, Event, Plover, TextSpan
from frontwatch.settings import load_settings

MENAKA = "Rebels captured the town of Menaka on Monday."
TWO_EVENTS = (
    "Militants attacked an army base near Gao on Monday. The attack killed twelve soldiers, the "
    "defence ministry said.\n\nSeparately, police arrested four men in Bamako on Wednesday."
)
FRENCH = (
    "Les rebelles ont pris la ville de Kidal mardi après de violents combats avec l'armée, "
    "selon un responsable local qui a demandé à ne pas être nommé."
)
# frontwatch.extract is resolved lazily by the package's __getattr__: typed here for mypy
EXTRACT = cast("Callable[..., DocumentResult]", frontwatch.extract)


def _document(**fields: Any) -> Document:
    return Document.model_validate(fields)


GERMAN = (
    "Die Armee hat am Montag die Stadt nach schweren Kämpfen mit den Rebellen zurückerobert, "
    "wie ein Sprecher des Ministeriums mitteilte."
)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def test_pipeline_extract_is_the_pipeline_function() -> None:
    assert frontwatch.extract is pipeline.extract
    assert EXTRACT(MENAKA, published="2024-03-14") == pipeline.extract(MENAKA, "2024-03-14")


def test_pipeline_extract_returns_document_result() -> None:
    result = EXTRACT(MENAKA, published="2024-03-14")
    assert isinstance(result, DocumentResult)
    assert [(e.trigger.text, e.trigger.span) for e in result.events] == [("captured", (7, 15))]


@pytest.mark.parametrize("published", ["2024-03-14", dt.date(2024, 3, 14), "2024-03-14T08:30:00Z"])
def test_pipeline_published_as_str_or_date(published: str | dt.date) -> None:
    result = EXTRACT(MENAKA, published=published)
    (event,) = result.events
    assert event.date is not None
    assert (event.date.text, event.date.span, event.date.start, event.date.end) == (
        "Monday",
        (38, 44),
        dt.date(2024, 3, 11),
        dt.date(2024, 3, 11),
    )


def test_pipeline_published_str_and_date_give_the_same_result() -> None:
    as_str = EXTRACT(TWO_EVENTS, published="2024-03-14")
    as_date = EXTRACT(TWO_EVENTS, published=dt.date(2024, 3, 14))
    assert as_str.model_dump() == as_date.model_dump()


def test_pipeline_without_published_relative_dates_stay_unresolved() -> None:
    (event,) = EXTRACT(MENAKA).events
    assert event.date is not None
    assert (event.date.text, event.date.start, event.date.end) == ("Monday", None, None)


@pytest.mark.parametrize("published", ["14/03/2024", "yesterday", "2024-13-01"])
def test_pipeline_bad_published_is_e009(published: str) -> None:
    with pytest.raises(FrontwatchError) as info:
        EXTRACT(MENAKA, published=published)
    assert info.value.code == "E009"
    assert not isinstance(info.value, DocumentError)  # a usage error, not a skipped document


def test_pipeline_doc_id_given() -> None:
    result = EXTRACT(TWO_EVENTS, published="2024-03-14", doc_id="gao-1")
    assert result.doc_id == "gao-1"
    assert [e.doc_id for e in result.events] == ["gao-1", "gao-1"]


def test_pipeline_doc_id_default_is_a_content_hash() -> None:
    expected = hashlib.sha1(MENAKA.encode("utf-8")).hexdigest()[:16]
    first = EXTRACT(MENAKA, published="2024-03-14")
    second = EXTRACT(MENAKA, published="2024-03-14")
    assert first.doc_id == second.doc_id == expected
    assert [e.id for e in first.events] == [e.id for e in second.events]


def test_pipeline_ids_differ_between_documents() -> None:
    one = EXTRACT(MENAKA, published="2024-03-14", doc_id="one")
    two = EXTRACT(MENAKA, published="2024-03-14", doc_id="two")
    assert one.events[0].id != two.events[0].id


@pytest.mark.parametrize(
    ("text", "code"), [("", "E001"), ("  \n\n\t ", "E001"), (FRENCH, "E005"), (GERMAN, "E005")]
)
def test_pipeline_unreadable_document_raises(text: str, code: str) -> None:
    with pytest.raises(DocumentError) as info:
        EXTRACT(text, doc_id="bad-doc")
    assert info.value.code == code
    assert str(info.value).startswith(f"[{code}] Document bad-doc ")


def test_pipeline_document_input(extractor: Extractor) -> None:
    doc = _document(id="doc-7", text=MENAKA, published=dt.date(2024, 3, 14), outlet="Example Wire")
    result = extractor.extract(doc)
    assert result.doc_id == "doc-7"
    (event,) = result.events
    assert event.date is not None and event.date.start == dt.date(2024, 3, 11)


def test_pipeline_document_without_date_takes_published(extractor: Extractor) -> None:
    doc = _document(id="doc-8", text=MENAKA)
    (event,) = extractor.extract(doc, published="2024-03-14").events
    assert event.date is not None and event.date.start == dt.date(2024, 3, 11)


def test_pipeline_crlf_text_is_normalised(extractor: Extractor) -> None:
    text = "Rebels take Menaka\r\n\r\nRebels captured the town of Menaka on Monday."
    result = extractor.extract(text, published="2024-03-14")
    normalised = text.replace("\r\n", "\n")
    for event in result.events:
        start, end = event.trigger.span
        assert normalised[start:end] == event.trigger.text


def test_pipeline_extractor_shares_a_pipeline(extractor: Extractor) -> None:
    other = Extractor(nlp=extractor.nlp)
    assert other.nlp is extractor.nlp
    assert other.extract(MENAKA, published="2024-03-14") == extractor.extract(
        MENAKA, published="2024-03-14"
    )
    assert extractor.nlp.pipe_names[-1] == "fw_events"


def test_pipeline_extract_many_passes_errors_through(extractor: Extractor) -> None:
    error = DocumentError(frontwatch.errors.Errors.E001, name="empty.txt")
    items: list[Document | DocumentError] = [
        as_document(MENAKA, published="2024-03-14", doc_id="a"),
        error,
        as_document(TWO_EVENTS, published="2024-03-14", doc_id="b"),
    ]
    out = list(extractor.extract_many(items))
    assert [x for x in out if isinstance(x, DocumentError)] == [error]
    results = [x for x in out if isinstance(x, DocumentResult)]
    assert [(r.doc_id, len(r.events)) for r in results] == [("a", 1), ("b", 2)]
    assert results[1] == extractor.extract(TWO_EVENTS, published="2024-03-14", doc_id="b")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (dt.date(2020, 2, 29), dt.date(2020, 2, 29)),
        ("2020-02-29", dt.date(2020, 2, 29)),
        (" 2020-02-29 ", dt.date(2020, 2, 29)),
        ("2020-02-29T23:59:00+05:00", dt.date(2020, 2, 29)),
    ],
)
def test_pipeline_parse_date(value: str | dt.date | None, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


def test_pipeline_as_document() -> None:
    doc = as_document("One.\r\nTwo.", published="2021-05-01")
    assert (doc.text, doc.published) == ("One.\nTwo.", dt.date(2021, 5, 1))
    assert doc.id == hashlib.sha1(b"One.\nTwo.").hexdigest()[:16]
    given = _document(id="x", text="Three.")
    assert as_document(given, published="2021-05-01").published == dt.date(2021, 5, 1)
    dated = _document(id="y", text="Four.", published=dt.date(2020, 1, 1))
    assert as_document(dated, published="2021-05-01") is dated


def test_pipeline_prepare_without_screening_parses_the_document(extractor: Extractor) -> None:
    off = Extractor(load_settings(relevance="off"), nlp=extractor.nlp)
    document = as_document(TWO_EVENTS, doc_id="gao")
    assert off.prepare(document) == Prepared(document, (Part(document),))
    assert off.relevant(document)


def test_pipeline_safe_screening_by_default(extractor: Extractor) -> None:
    """Every sentence of a conflict report can hold an event or a place: parsed whole."""
    assert extractor.settings.relevance == "safe"
    document = as_document(TWO_EVENTS, doc_id="gao")
    assert extractor.prepare(document) == Prepared(document, (Part(document),))


def test_pipeline_restore_maps_spans_and_recomputes_ids() -> None:
    original = "Gao news\n\nThe market was calm. Militants attacked a base. Rain fell."
    reduced, offsets = reduce_text(original, [(0, 8), (31, 57)])
    assert reduced == "Gao news\n\nMilitants attacked a base."
    trigger = TextSpan(text="attacked", span=(20, 28))
    event = Event(
        id=event_id("gao", (20, 28), "ASSAULT"),
        doc_id="gao",
        plover=Plover(type="ASSAULT"),
        category="political_violence",
        modality="asserted",
        trigger=trigger,
        evidence=TextSpan(text="Militants attacked a base.", span=(10, 36)),
        confidence=0.8,
        extractor_version="test",
    )
    restored = restore(DocumentResult(doc_id="gao", events=[event]), offsets)
    (moved,) = restored.events
    assert (moved.trigger.span, moved.evidence.span) == ((41, 49), (31, 57))
    assert original[41:49] == "attacked"
    assert original[31:57] == "Militants attacked a base."
    assert moved.id == event_id("gao", (41, 49), "ASSAULT") != event.id


@Language.component("test_poison")
def _poison(doc: Doc) -> Doc:
    if "POISON" in doc.text:
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
    return doc


@pytest.mark.parametrize("batch_size", [1, 3, 16])
def test_pipeline_one_failing_document_costs_only_itself(
    extractor: Extractor, batch_size: int
) -> None:
    texts = [MENAKA, TWO_EVENTS, "POISON: " + MENAKA, MENAKA, TWO_EVENTS]
    documents = [
        as_document(text, published="2024-03-14", doc_id=f"d{n}") for n, text in enumerate(texts)
    ]
    documents[2] = documents[2].model_copy(update={"path": "news.jsonl"})
    expected = {d.id: extractor.extract(d) for d in documents if d.id != "d2"}
    poisoned = Extractor(extractor.settings.model_copy(update={"batch_size": batch_size}))
    poisoned._nlp = extractor.nlp
    extractor.nlp.add_pipe("test_poison", after="tok2vec")
    try:
        out = list(poisoned.extract_many(documents))
    finally:
        extractor.nlp.remove_pipe("test_poison")
    assert [o.doc_id if isinstance(o, DocumentResult) else str(o) for o in out] == [
        "d0",
        "d1",
        "[E014] Document d2 (news.jsonl) could not be processed and was skipped: "
        "UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' in position 0: "
        "surrogates not allowed.",
        "d3",
        "d4",
    ]
    error = out[2]
    assert isinstance(error, DocumentError) and error.doc_id == "d2"
    assert [o for o in out if isinstance(o, DocumentResult)] == list(expected.values())


def test_pipeline_failure_after_the_parse_is_e014(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = local.assemble

    def flaky(doc: Doc, **kwargs: Any) -> DocumentResult:
        if doc._.fw_doc_id == "bad":
            raise KeyError("event id")
        return real(doc, **kwargs)

    monkeypatch.setattr(local, "assemble", flaky)
    items = [as_document(MENAKA, doc_id=i, published="2024-03-14") for i in ("a", "bad", "c")]
    out = list(extractor.extract_many(items))
    assert [o.doc_id if isinstance(o, DocumentResult) else o.code for o in out] == [
        "a",
        "E014",
        "c",
    ]
    assert str(out[1]).endswith("could not be processed and was skipped: KeyError: 'event id'.")


def test_pipeline_document_error_pickles() -> None:
    err = DocumentError(
        frontwatch.errors.Errors.E014, doc_id="d{1}", name="d{1} (a.jsonl)", detail="ValueError: x"
    )
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.code, back.doc_id, str(back), back.details) == (
        DocumentError,
        "E014",
        "d{1}",
        str(err),
        err.details,
    )
