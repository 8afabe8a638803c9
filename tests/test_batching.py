"""Tests for frontwatch.nlp.batching: components run over a whole batch, then pass it on."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from frontwatch import Extractor
from frontwatch.nlp.batching import BatchedPipe
from frontwatch.records import Document


class Recorder(BatchedPipe):
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, doc: Doc) -> Doc:
        self.calls.append(doc.text)
        return doc


def test_batching_runs_the_batch_before_yielding() -> None:
    nlp = spacy.blank("en")
    docs = [nlp.make_doc(t) for t in ("one", "two", "three", "four", "five")]
    recorder = Recorder()
    stream = recorder.pipe(iter(docs), batch_size=2)
    first = next(stream)
    assert first.text == "one"
    assert recorder.calls == ["one", "two"]  # the whole first batch, before the first Doc
    rest = [d.text for d in stream]
    assert rest == ["two", "three", "four", "five"]
    assert recorder.calls == ["one", "two", "three", "four", "five"]


def test_batching_pipeline_components_are_batched() -> None:
    nlp = Extractor().nlp
    ours = [name for name in nlp.pipe_names if name.startswith("fw_") and name != "fw_segment"]
    assert ours
    assert all(isinstance(nlp.get_pipe(name), BatchedPipe) for name in ours)


def test_batching_same_result_as_one_by_one() -> None:
    extractor = Extractor()
    texts = [
        "Rebels attacked an army base near Gao on Monday, killing twelve soldiers.",
        "Police arrested four protesters in Bamako on Wednesday, a spokesman said.",
        "The ministry said talks would resume next week.",
    ]
    documents = [Document(id=f"d{n}", text=text) for n, text in enumerate(texts)]
    streamed = list(extractor.extract_many(documents))
    single = [extractor.extract(document) for document in documents]
    assert [r.model_dump() for r in streamed] == [r.model_dump() for r in single]
