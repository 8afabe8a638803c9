"""Attribution mentions and sources (:class:`AttributionMention`, :class:`AttributionResult`),
and the span helpers they are built with: articles, quotations, pronoun antecedents."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from spacy.tokens import Doc, Span, Token

from frontwatch.lexicon import words
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_outlet)
from frontwatch.records import Attribution, Source

from .words import AttributionLexicon, SourceKind

logger = logging.getLogger(__name__)
MentionKind = Literal["speech", "according", "hedge"]
# what a noun phrase is, for ranking: pronouns are resolved, roles are unnamed persons
PhraseKind = Literal["outlet", "organisation", "document", "person", "role", "pronoun"]
_RANK: dict[str, int] = {"outlet": 0, "organisation": 1, "document": 2}
_CLAUSE_DEPS = frozenset({"ccomp", "parataxis"})
_ATTACHED_DEPS = frozenset({"ccomp", "parataxis"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_NP_STOP_DEPS = frozenset({"appos", "relcl", "acl", "punct", "cc", "conj", "advcl", "parataxis"})
_AFFILIATION_PREPS = words("attribution", "affiliation_preps")  # "a spokesman for the army"
_OUTLET_PREPS = words("attribution", "outlet_preps")  # "told Reuters", "spoke with the BBC"
_SINGULAR_PERSONS = words("attribution", "singular_person_pronouns")
QuoteRole = Literal["open", "close", "toggle"]
_QUOTE_CHARS: dict[str, QuoteRole] = {
    "“": "open",
    "”": "close",
    '"': "toggle",
    "«": "open",
    "»": "close",
}


_QUOTE_RE = re.compile("[" + re.escape("".join(_QUOTE_CHARS)) + "]")
_PRONOUN_WINDOW = 3  # sentences looked back to resolve "he said"
if not Doc.has_extension("fw_attributions"):
    Doc.set_extension("fw_attributions", default=None)
if not Doc.has_extension("fw_sources"):
    Doc.set_extension("fw_sources", default=None)


@dataclass
class AttributionMention:
    """One attribution construction: the record, and the text it covers.

    ``content`` is the ``[start, end)`` character range of the attributed text; ``cue`` the
    range of the speech verb, "according to" or hedge word; ``hedge`` marks a construction
    with no named source ("reportedly"); ``organisation`` the speaker's affiliation, if named.
    """

    attribution: Attribution
    content: tuple[int, int]
    cue: tuple[int, int]
    kind: MentionKind = "speech"
    hedge: bool = False
    organisation: Source | None = None

    def covers(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` lies in the content and outside the attribution phrase."""
        if not (self.content[0] <= start and end <= self.content[1]):
            return False
        if start < self.cue[1] and self.cue[0] < end:
            return False
        phrase = self.attribution.span
        return not (phrase and start >= phrase[0] and end <= phrase[1])


@dataclass
class AttributionResult:
    mentions: list[AttributionMention] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass(frozen=True)
class _Named:
    """A lexicon match (outlet/organisation) in token offsets."""

    start: int
    end: int
    name: str
    kind: SourceKind


@dataclass(frozen=True)
class _Phrase:
    """A noun phrase in an attribution role, classified."""

    start: int  # token offsets, [start, end)
    end: int
    kind: PhraseKind
    name: str | None  # canonical or proper name, None for unnamed roles/documents

    def text(self, doc: Doc) -> str:
        return doc[self.start : self.end].text

    def chars(self, doc: Doc) -> tuple[int, int]:
        return (doc[self.start].idx, doc[self.end - 1].idx + len(doc[self.end - 1].text))


def _longest_first(spans: Iterable[Span]) -> list[Span]:
    taken: set[int] = set()
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(i in taken for i in range(span.start, span.end)):
            out.append(span)
            taken.update(range(span.start, span.end))
    return out


def _required_words(patterns: Sequence[Sequence[dict[str, Any]]]) -> frozenset[str] | None:
    """Lowercase words one of which a text must contain for any of ``patterns`` to match.

    Each pattern contributes the words of its first token that is not optional and is pinned
    by ``LOWER`` (a string or ``{"IN": [...]}``); None when some pattern has no such token.
    """
    words: set[str] = set()
    for pattern in patterns:
        for spec in pattern:
            if spec.get("OP", "1") not in ("1", "+"):  # optional or negated
                continue
            value = spec.get("LOWER")
            if isinstance(value, str):
                words.add(value)
                break
            if isinstance(value, dict) and set(value) == {"IN"}:
                words.update(str(v) for v in value["IN"])
                break
        else:
            return None
    return frozenset(words)


def _according_by_first(
    sequences: tuple[tuple[str, ...], ...],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The "according to" sequences by their first word, in lexicon order."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for seq in sequences:
        if seq:
            out.setdefault(seq[0], []).append(seq)
    return {first: tuple(seqs) for first, seqs in out.items()}


def _head_of(doc: Doc, start: int, end: int) -> Token:
    return doc[start:end].root


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Token range without leading/trailing punctuation and conjunctions."""
    while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].dep_ == "cc"):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return (start, end) if end > start else None


_EDGE_CHARS = ' \t\r\n,;:—–-“”"‘’«»()'


def _strip_chars(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the punctuation and quotes at its edges."""
    while start < end and text[start] in _EDGE_CHARS:
        start += 1
    while end > start and text[end - 1] in _EDGE_CHARS:
        end -= 1
    return (start, end)


def _chars(doc: Doc, tokens: tuple[int, int]) -> tuple[int, int]:
    last = doc[tokens[1] - 1]
    return (doc[tokens[0]].idx, last.idx + len(last.text))


def _antecedent(
    doc: Doc,
    pronoun: _Phrase,
    before: Sequence[AttributionMention],
    lex: AttributionLexicon,
    sents: Sequence[Span],
) -> tuple[str, tuple[int, int], Attribution | None] | None:
    """The speaker a pronoun refers to: the last speaker or person named before it."""
    at = doc[pronoun.start].idx
    sent_i = next(i for i, s in enumerate(sents) if s.start <= pronoun.start < s.end)
    floor = sents[max(0, sent_i - _PRONOUN_WINDOW)].start_char
    thing = doc[pronoun.start].lower_ in lex.thing_pronouns
    best: tuple[int, str, tuple[int, int], Attribution | None] | None = None
    for mention in before:
        a = mention.attribution
        if thing:
            if a.source and a.source_span and floor <= a.source_span[0] < at:
                cand = (a.source_span[0], a.source, a.source_span, a)
                best = cand if best is None or cand[0] > best[0] else best
        elif (
            a.speaker
            and a.speaker_span
            and floor <= a.speaker_span[0] < at
            and _agrees(doc, pronoun, a.speaker_span)
        ):
            cand = (a.speaker_span[0], a.speaker, a.speaker_span, a)
            best = cand if best is None or cand[0] > best[0] else best
    if not thing:
        for ent in doc.ents:
            if (
                ent.label_ == "PERSON"
                and floor <= ent.start_char < at
                and (best is None or ent.start_char > best[0])
            ):
                best = (ent.start_char, ent.text, (ent.start_char, ent.end_char), None)
    if best is None:
        return None
    return best[1], best[2], best[3]


def _agrees(doc: Doc, pronoun: _Phrase, chars: tuple[int, int]) -> bool:
    """Number agreement: "he"/"she" do not refer to "witnesses"."""
    span = doc.char_span(chars[0], chars[1], alignment_mode="expand")
    if span is None:
        return True
    plural = span.root.tag_ in ("NNS", "NNPS")
    return not (plural and doc[pronoun.start].lower_ in _SINGULAR_PERSONS)


def _quote_regions(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every quotation, curly or straight quotes."""
    regions: list[tuple[int, int]] = []
    open_at: int | None = None
    for match in _QUOTE_RE.finditer(text):  # only the quote characters are visited
        i, ch = match.start(), match.group()
        role = _QUOTE_CHARS[ch]
        if role == "open" or (role == "toggle" and open_at is None):
            open_at = i
        elif open_at is not None:
            regions.append((open_at, i + 1))
            open_at = None
    return regions


def _extend_to_quotes(text: str, mentions: list[AttributionMention]) -> None:
    """A content that ends a quotation opened sentences before covers the whole quotation."""
    regions = [r for r in _quote_regions(text) if "\n\n" not in text[r[0] : r[1]]]
    for mention in mentions:
        if mention.hedge:
            continue
        start, end = mention.content
        for q0, q1 in regions:
            if q0 < start < q1 or (q0 < end <= q1 and q0 < start):
                start, end = min(start, q0 + 1), max(end, min(q1 - 1, end))
        mention.content = (start, end)


def _collect_sources(doc: Doc, named: Sequence[_Named], sourced: Sequence[_Phrase]) -> list[Source]:
    """Named sources, first mention, deduplicated by canonical name (persons by surname)."""
    found: list[tuple[int, Source]] = []
    for n in named:
        span = doc[n.start : n.end]
        found.append(
            (
                span.start_char,
                Source(
                    name=n.name, kind=n.kind, text=span.text, span=(span.start_char, span.end_char)
                ),
            )
        )
    for p in sourced:
        if p.name is None or p.kind in ("role", "pronoun"):
            continue
        phrase_span = doc[p.start : p.end]
        kind: SourceKind = "person" if p.kind == "person" else p.kind  # type: ignore[assignment]
        offset = phrase_span.text.find(p.name)
        start = phrase_span.start_char + max(offset, 0)
        name_span = doc.char_span(start, start + len(p.name)) if kind == "person" else None
        # "US President Joe Biden": a person's span is the name only
        span = name_span if name_span is not None and offset > 0 else phrase_span
        found.append(
            (
                span.start_char,
                Source(
                    name=p.name, kind=kind, text=span.text, span=(span.start_char, span.end_char)
                ),
            )
        )
    out: list[Source] = []
    seen: dict[str, Source] = {}
    surnames: dict[str, Source] = {}
    for _, source in sorted(found, key=lambda item: item[0]):
        key = source.name.casefold()
        if key in seen or key in surnames:  # "Petrova" after "Ana Petrova", any tag
            continue
        if source.kind == "person":
            surname = key.split()[-1]
            if surname in surnames:
                continue
            surnames[surname] = source
        seen[key] = source
        out.append(source)
    return out
