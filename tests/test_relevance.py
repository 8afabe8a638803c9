"""Relevance screening: vocabulary from the lexicon, document decisions, recall on the gold sets."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import BaseModel

from frontwatch.eval.align import align_document
from frontwatch.eval.gold import GoldDocument, read_gold
from frontwatch.eval.score import agreement
from frontwatch.offsets import span_fields
from frontwatch.pipeline import Extractor, as_document
from frontwatch.records import Document, DocumentResult
from frontwatch.relevance import (
    RelevanceScreen,
    ScreenVocabulary,
    Selection,
    inflections,
    load_vocabulary,
    split_sentences,
)
from frontwatch.settings import load_settings

GOLD_DIR = Path(os.environ.get("FRONTWATCH_GOLD_DIR") or "/work/shared/gold")
DEVSETS = Path(__file__).resolve().parent.parent / "devsets"

TRIGGERS = {
    "frames": {
        "attack": {"family": "explosion"},
        "capture": {"family": "territory"},
        "fight": {"family": "violence"},
        "agree": {"family": "agreement"},
    },
    "verbs": {
        "shell": "attack",
        "seize": "capture",
        "fight": "fight",
        "approve": "agree",
        "fire": "attack",
    },
    "nouns": {"clash": "fight", "air strike": "attack"},
    "phrases": [{"lemmas": "take control", "frame": "capture", "anchor": 0}],
    "verbs_need_context": ["fire"],
    "event_nouns_need_context": [],
}
CONTEXT = {"militia", "gunmen", "Kenya", "Burkina Faso"}


@pytest.fixture(scope="module")
def small_screen() -> RelevanceScreen:
    irregular = {"fight": ["fought"], "take": ["took", "taken"]}
    return RelevanceScreen(ScreenVocabulary.from_lexicon(TRIGGERS, CONTEXT, irregular))


@pytest.mark.parametrize(
    ("lemma", "expected"),
    [
        ("seize", {"seized", "seizes", "seizing"}),
        ("shell", {"shelled", "shelling", "shells"}),
        ("stab", {"stabbed", "stabbing"}),
        ("bury", {"buried", "buries"}),
    ],
)
def test_relevance_inflections(lemma: str, expected: set[str]) -> None:
    assert expected <= inflections(lemma)


def test_relevance_vocabulary_from_lexicon() -> None:
    vocab = ScreenVocabulary.from_lexicon(TRIGGERS, CONTEXT, {"fight": ["fought"]})
    assert {"shelled", "seizing", "fought", "clashes"} <= vocab.strong
    assert {"approved", "fired"} <= vocab.weak
    assert not {"approved", "fired"} & vocab.strong
    assert vocab.context == {"militia", "gunmen"}
    assert vocab.names == {"Kenya"}
    assert vocab.long_names == (("Burkina", "Faso"),)
    assert len(vocab.phrases) == 2  # "air strike" and "take control"


@pytest.mark.parametrize(
    ("text", "relevant"),
    [
        ("Artillery units shelled the river port at dawn.", True),
        ("The two sides fought for the ridge.", True),
        ("Gunmen took control of the crossing.", True),
        ("Investors took control of the firm.", False),
        ("An air strike by the militia hit the depot.", True),
        ("The board approved the merger on Monday.", False),
        ("A militia approved the truce.", True),
        ("Kenya approved the truce.", True),
        ("The kenya approved the truce.", False),
        ("Burkina Faso approved the truce.", True),
        ("Burkina approved the Faso truce.", False),
        ("The staff fired the kiln.", False),
        ("The striker scored twice as the home side won 3-1.", False),
        ("Rain is expected over the coast through Friday.", False),
        ("", False),
    ],
)
def test_relevance_is_relevant(small_screen: RelevanceScreen, text: str, relevant: bool) -> None:
    assert small_screen.is_relevant(text) is relevant


def test_relevance_bundled_vocabulary_has_lexicon_forms() -> None:
    vocab = load_vocabulary()
    assert {"clashed", "shelling", "ambushed", "kidnapped"} <= vocab.strong
    assert {"government", "troops", "militia", "grenades"} <= vocab.context
    assert {"Serbian", "Kenya", "Libyans"} <= vocab.names
    assert {("Ivory", "Coast"), ("Burkina", "Faso")} <= set(vocab.long_names)


# -- sentences ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One line", ["One line"]),
        (
            "Headline here\n\nFirst one. Second one! Third?",
            ["Headline here", "First one.", "Second one!", "Third?"],
        ),
        ("  Spaced out.   Again.  \n", ["Spaced out.", "Again."]),
        ('He said: "Go." Then he left.', ['He said: "Go."', "Then he left."]),
        ("A list\n- item one\n- item two", ["A list", "- item one", "- item two"]),
        ("It rose 2.5 percent. 12 were hurt.", ["It rose 2.5 percent.", "12 were hurt."]),
        (
            "Talks in the U.S. Senate ended. Gen. Musa spoke.",
            ["Talks in the U.S. Senate ended.", "Gen. Musa spoke."],
        ),
        (
            "The J. Smith trial opened. Mr. Jones left.",
            ["The J. Smith trial opened.", "Mr. Jones left."],
        ),
        ("They met in Washington, D.C. on Monday.", ["They met in Washington, D.C. on Monday."]),
        ("", []),
    ],
)
def test_relevance_split_sentences(text: str, sentences: list[str]) -> None:
    spans = split_sentences(text)
    assert [text[start:end] for start, end in spans] == sentences


VALLEY = (
    "Quiet week in the valley\n\nThe harvest was good. Prices held steady. Markets were busy. "
    "Artillery units shelled the river port at dawn. Ferries stopped. The mayor asked for calm."
    "\nSchools reopen on Monday."
)


@pytest.mark.parametrize(
    ("window", "lead", "kept"),
    [
        (
            1,
            1,
            [
                "Quiet week in the valley",
                "Markets were busy.",
                "Artillery units shelled the river port at dawn.",
                "Ferries stopped.",
            ],
        ),
        (0, 1, ["Quiet week in the valley", "Artillery units shelled the river port at dawn."]),
        (0, 0, ["Artillery units shelled the river port at dawn."]),
        (
            2,
            2,
            [
                "Quiet week in the valley",
                "The harvest was good.",
                "Prices held steady.",
                "Markets were busy.",
                "Artillery units shelled the river port at dawn.",
                "Ferries stopped.",
                "The mayor asked for calm.",
            ],
        ),
    ],
)
def test_relevance_select_keeps_candidates_context_and_lead(
    window: int, lead: int, kept: list[str]
) -> None:
    vocab = ScreenVocabulary.from_lexicon(TRIGGERS, CONTEXT)
    selection = RelevanceScreen(vocab, window=window, lead=lead).select(VALLEY)
    assert selection is not None
    assert selection.candidates == (4,)
    assert len(selection.sentences) == 8
    assert [VALLEY[start:end] for start, end in selection.kept] == kept


@pytest.mark.parametrize(
    "text",
    ["The board approved the merger on Monday.\n\nThe staff fired the kiln.", "", "\n\n"],
)
def test_relevance_select_none_without_candidates(small_screen: RelevanceScreen, text: str) -> None:
    assert small_screen.select(text) is None


def test_relevance_select_weak_word_needs_participant_in_same_sentence(
    small_screen: RelevanceScreen,
) -> None:
    text = "The militia gathered. The board approved the plan. A militia approved the truce."
    selection = small_screen.select(text)
    assert selection == Selection(
        sentences=((0, 21), (22, 50), (51, 80)), candidates=(2,), kept=((0, 21), (22, 50), (51, 80))
    )


# -- the stage in the Extractor ----------------------------------------------------------------


@pytest.fixture(scope="module")
def extractors() -> tuple[Extractor, Extractor]:
    on = Extractor(load_settings(relevance="document"))
    off = Extractor(load_settings(relevance="off"), nlp=on.nlp)
    return on, off


@pytest.fixture(scope="module")
def sentence_extractor(extractors: tuple[Extractor, Extractor]) -> Extractor:
    on, _ = extractors
    return Extractor(load_settings(relevance="sentence"), nlp=on.nlp, screen=on.screen)


TEXTS = [
    "Rebels seized the town of Kidal on Tuesday, residents said. Two soldiers were killed.",
    "The home side beat the visitors 2-0 in front of a record crowd on Saturday.",
    "Shares of the carmaker rose 4% after it reported higher quarterly profit.",
    "Police fired tear gas at hundreds of protesters in the capital, witnesses told reporters.",
]


def test_relevance_extractor_skips_unrelated(extractors: tuple[Extractor, Extractor]) -> None:
    on, _ = extractors
    result = on.extract(TEXTS[2], published="2024-03-14", doc_id="business")
    assert result == DocumentResult(doc_id="business")


def test_relevance_extractor_same_results_for_relevant(
    extractors: tuple[Extractor, Extractor],
) -> None:
    on, off = extractors
    docs = [as_document(t, published="2024-03-14") for t in TEXTS]
    with_screen = [r for r in on.extract_many(docs) if isinstance(r, DocumentResult)]
    without = [r for r in off.extract_many(docs) if isinstance(r, DocumentResult)]
    assert [r.doc_id for r in with_screen] == [d.id for d in docs]
    for doc, a, b in zip(docs, with_screen, without, strict=True):
        if on.screen.is_relevant(doc.text):
            assert a == b
        else:
            assert a == DocumentResult(doc_id=doc.id)
    assert with_screen[0].events and with_screen[3].events


def _spans(value: object) -> Iterator[tuple[tuple[int, int], str]]:
    if isinstance(value, BaseModel):
        fields = dict(value)
        span, text = fields.get("span"), fields.get("text")
        if isinstance(span, tuple) and isinstance(text, str):
            yield span, text
        for child in fields.values():
            yield from _spans(child)
    elif isinstance(value, (list, tuple)):
        for child in value:
            yield from _spans(child)


def test_relevance_spans_index_the_original_text(extractors: tuple[Extractor, Extractor]) -> None:
    on, _ = extractors
    text = "\n\n".join(TEXTS)
    result = on.extract(text, published="2024-03-14")
    spans = list(_spans(result))
    assert len(spans) > 5
    for (start, end), value in spans:
        assert text[start:end] == value


# -- sentence screening in the Extractor ------------------------------------------------------

ARTICLE = (
    "Gunmen attack village in central Mali\n\n"
    "The rainy season began early this year across the region. "
    "Farmers planted millet and sorghum in June. "
    "Local markets have been busy since the new road opened. "
    "Gunmen killed nine villagers near Mopti on Sunday, a local official said. "
    "No further details were released. "
    "A new school is due to open in the autumn. "
    "The football team of the region won its league last season."
)
ARTICLE_PARSED = (
    "Gunmen attack village in central Mali\n\n"
    "The rainy season began early this year across the region. "
    "Local markets have been busy since the new road opened. "
    "Gunmen killed nine villagers near Mopti on Sunday, a local official said. "
    "No further details were released."
)


def test_relevance_sentence_mode_parses_candidates_and_context(
    sentence_extractor: Extractor,
) -> None:
    document = as_document(ARTICLE, published="2024-03-14", doc_id="mopti")
    prepared = sentence_extractor.prepare(document)
    assert prepared is not None and prepared.offsets is not None
    assert prepared.document is document
    assert prepared.parsed.text == ARTICLE_PARSED
    assert (prepared.parsed.id, prepared.parsed.published) == ("mopti", document.published)


def test_relevance_sentence_mode_same_events_as_off(
    extractors: tuple[Extractor, Extractor], sentence_extractor: Extractor
) -> None:
    _, off = extractors
    with_screen = sentence_extractor.extract(ARTICLE, published="2024-03-14", doc_id="mopti")
    without = off.extract(ARTICLE, published="2024-03-14", doc_id="mopti")
    assert with_screen.events and without.events
    assert [(e.id, e.trigger.text, e.trigger.span) for e in with_screen.events] == [
        (e.id, e.trigger.text, e.trigger.span) for e in without.events
    ]
    killed = next(e for e in with_screen.events if e.trigger.text == "killed")
    assert killed.trigger.span == (204, 210)
    assert killed.evidence.text == (
        "Gunmen killed nine villagers near Mopti on Sunday, a local official said."
    )
    assert killed.location is not None and killed.location.text == "Mopti"
    assert killed.date is not None and killed.date.span == (240, 246)
    assert ARTICLE[240:246] == "Sunday"
    spans = list(_spans(with_screen))
    assert len(spans) > 5
    for (start, end), value in spans:
        assert ARTICLE[start:end] == value


@pytest.mark.parametrize("mode", ["document", "sentence"])
def test_relevance_no_candidate_sentence_is_not_parsed(
    extractors: tuple[Extractor, Extractor], mode: str
) -> None:
    on, _ = extractors
    extractor = Extractor(load_settings(relevance=mode), nlp=on.nlp, screen=on.screen)
    document = as_document(TEXTS[1], doc_id="sport")
    assert extractor.prepare(document) is None
    assert not extractor.relevant(document)
    assert extractor.extract(document) == DocumentResult(doc_id="sport")


def test_relevance_sentence_mode_whole_text_when_all_sentences_kept(
    sentence_extractor: Extractor,
) -> None:
    document = as_document(TEXTS[0], doc_id="kidal")
    prepared = sentence_extractor.prepare(document)
    assert prepared is not None
    assert (prepared.parsed, prepared.offsets) == (document, None)


def test_relevance_sentence_mode_stream_keeps_order(
    extractors: tuple[Extractor, Extractor], sentence_extractor: Extractor
) -> None:
    docs = [as_document(t, published="2024-03-14") for t in [*TEXTS, ARTICLE]]
    streamed = [r for r in sentence_extractor.extract_many(docs) if isinstance(r, DocumentResult)]
    assert streamed == [sentence_extractor.extract(d) for d in docs]
    assert [r.doc_id for r in streamed] == [d.id for d in docs]
    assert streamed[1:3] == [DocumentResult(doc_id=docs[1].id), DocumentResult(doc_id=docs[2].id)]


# -- recall on the gold sets ------------------------------------------------------------------

MODES = ("document", "sentence", "safe")


@dataclass
class GoldRun:
    """One gold set extracted without screening and with each screen."""

    gold: list[GoldDocument]
    results: dict[str, list[DocumentResult]]

    def found(self, mode: str) -> set[tuple[str, int]]:
        """Gold events (document id, index) that a prediction aligns with."""
        found: set[tuple[str, int]] = set()
        for gold, result in zip(self.gold, self.results[mode], strict=True):
            found.update((gold.doc_id, g) for _, g in align_document(gold, result, agreement).pairs)
        return found


@pytest.fixture(scope="module")
def safe_extractor(extractors: tuple[Extractor, Extractor]) -> Extractor:
    on, _ = extractors
    return Extractor(load_settings(relevance="safe"), nlp=on.nlp)


@pytest.fixture(scope="module")
def gold_runs(
    extractors: tuple[Extractor, Extractor],
    safe_extractor: Extractor,
) -> dict[str, GoldRun]:
    """Every gold set, extracted once per mode (document screening: the result without
    screening for a document that passes, asserted equal above, an empty one otherwise).

    The lexicon's screens (``document``, ``sentence``) are measured against the rules alone
    (``rules``): the learned coder's events of short texts without any trigger
    (docs/coding.md, step 7) are out of their sight by design. The default screen (``safe``)
    is measured against the default pipeline (``off``)."""
    on, off = extractors
    rules = Extractor(load_settings(relevance="off", coder="off"), nlp=on.nlp)
    rules_sentence = Extractor(
        load_settings(relevance="sentence", coder="off"), nlp=on.nlp, screen=on.screen
    )
    runs: dict[str, GoldRun] = {}
    for path in [*sorted(GOLD_DIR.glob("*.gold.jsonl")), *sorted(DEVSETS.glob("*.gold.jsonl"))]:
        gold = read_gold(path)
        docs = [Document(id=g.doc_id, text=g.text, published=g.published) for g in gold]
        without = [r for r in off.extract_many(docs) if isinstance(r, DocumentResult)]
        by_rules = [r for r in rules.extract_many(docs) if isinstance(r, DocumentResult)]
        by_document = [
            r if on.screen.is_relevant(d.text) else DocumentResult(doc_id=d.id)
            for d, r in zip(docs, by_rules, strict=True)
        ]
        by_sentence = [
            r for r in rules_sentence.extract_many(docs) if isinstance(r, DocumentResult)
        ]
        safe = [r for r in safe_extractor.extract_many(docs) if isinstance(r, DocumentResult)]
        results = {
            "off": without,
            "rules": by_rules,
            "document": by_document,
            "sentence": by_sentence,
            "safe": safe,
        }
        runs[path.name] = GoldRun(gold, results)
    return runs


#: Known losses of the opt-in lexicon screens above the 2% bound, exactly: devsets/
#: plover-types.gold.jsonl (written 2026-12-05, after the screens) holds verbal and protest
#: events whose text names no participant of the actor data beside a weak trigger form (dock
#: workers who walk off the job, farmers blocking highways, an EU asset freeze): 3 of 51.
KNOWN_LOSSES: dict[tuple[str, str], set[tuple[str, int]]] = {
    ("plover-types.gold.jsonl", mode): {
        ("pt-protest-02", 0),
        ("pt-protest-03", 0),
        ("pt-sanction-01", 0),
    }
    for mode in ("document", "sentence")
}


@pytest.mark.skipif(not GOLD_DIR.is_dir(), reason=f"gold sets not found at {GOLD_DIR}")
@pytest.mark.parametrize("mode", MODES)
def test_relevance_recall_on_gold_sets(gold_runs: dict[str, GoldRun], mode: str) -> None:
    """Gold events found without screening that screening loses: at most 2% in every set,
    but for the losses listed in :data:`KNOWN_LOSSES`, which are exactly those."""
    assert set(gold_runs) >= {"seed.gold.jsonl", "plover-dev.gold.jsonl"}
    for name, run in gold_runs.items():
        found = run.found("off" if mode == "safe" else "rules")
        lost = found - run.found(mode)
        if (name, mode) in KNOWN_LOSSES:
            assert lost == KNOWN_LOSSES[name, mode], (name, mode, sorted(lost))
            continue
        assert len(lost) <= 0.02 * len(found), (name, mode, sorted(lost), len(found))


@pytest.mark.skipif(not GOLD_DIR.is_dir(), reason=f"gold sets not found at {GOLD_DIR}")
def test_relevance_safe_keeps_the_unscreened_events_and_toponyms(
    gold_runs: dict[str, GoldRun],
) -> None:
    """The default screen keeps at least 99.5% of the events (by trigger span) and of the
    toponyms (by span) of the run without screening, on every gold set and dev set."""
    assert "conflict-zones.gold.jsonl" in gold_runs
    for name, run in gold_runs.items():
        for field in ("events", "toponyms"):
            found = {
                (r.doc_id, _record_span(x)) for r in run.results["off"] for x in getattr(r, field)
            }
            kept = {
                (r.doc_id, _record_span(x)) for r in run.results["safe"] for x in getattr(r, field)
            }
            assert len(found & kept) >= 0.995 * len(found), (name, field, sorted(found - kept))


def _record_span(record: object) -> tuple[int, int]:
    trigger = getattr(record, "trigger", None)
    return trigger.span if trigger is not None else record.span  # type: ignore[attr-defined, no-any-return]


def _span_pairs(value: object) -> Iterator[tuple[tuple[int, int], str | None, str]]:
    """(span, text the record holds for it, field) for every ``Span`` field, at any depth."""
    # Attribution.source is a canonical name ("Agence France-Presse" for "the AFP news
    # agency"): its span is only checked to lie in the text
    holders = {"span": "text", "speaker_span": "speaker"}
    if isinstance(value, BaseModel):
        for name in span_fields(type(value)):
            span = getattr(value, name)
            if span is not None:
                held = getattr(value, holders.get(name, ""), None)
                yield span, held if isinstance(held, str) else None, name
        for field in type(value).model_fields:
            yield from _span_pairs(getattr(value, field))
    elif isinstance(value, list):
        for child in value:
            yield from _span_pairs(child)


@pytest.mark.skipif(not GOLD_DIR.is_dir(), reason=f"gold sets not found at {GOLD_DIR}")
def test_relevance_sentence_spans_index_original_gold_texts(gold_runs: dict[str, GoldRun]) -> None:
    """With sentence screening, every span of every gold document's result is a span of the
    original text, and holds the same text as the record (as without screening)."""
    checked = 0
    for run in gold_runs.values():
        for gold, result in zip(run.gold, run.results["sentence"], strict=True):
            for span, held, _ in _span_pairs(result):
                assert 0 <= span[0] <= span[1] <= len(gold.text), (gold.doc_id, span)
                if held is not None:
                    assert gold.text[span[0] : span[1]] == held, (gold.doc_id, span, held)
                    checked += 1
    assert checked > 1000
