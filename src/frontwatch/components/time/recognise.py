"""The ``fw_time`` component: date expressions found by the surface patterns (and spaCy
``DATE`` entities the patterns miss), then resolved (:mod:`.resolve`)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers doc._.fw_published)
from frontwatch.nlp.batching import BatchedPipe
from frontwatch.nlp.extensions import doc_text

from .context import _Context
from .patterns import _CueText, _Patterns
from .resolve import TimeResolution
from .words import (
    _AGE_FOLLOWERS,
    _AGE_WORDS,
    _ANAPHORIC_WHICH,
    _NAME_LABELS,
    _NOT_DATES,
    TimeLexicon,
    TimeMention,
    _Candidate,
    _governing_verb,
    _tense,
    load_lexicon,
)

logger = logging.getLogger(__name__)


def _holiday_like(ent: Span) -> bool:
    """A proper name on its own ("Christmas", "Ramadan"), not the tail of a longer name."""
    doc = ent.doc
    alone = (ent.start == 0 or doc[ent.start - 1].pos_ != "PROPN") and (
        ent.end == len(doc) or doc[ent.end].pos_ != "PROPN"
    )
    return (
        alone
        and any(t.pos_ == "PROPN" for t in ent)
        and all(t.pos_ == "PROPN" or t.is_lower for t in ent)
        and not any(t.like_num for t in ent)
    )


class TimeTagger(TimeResolution, BatchedPipe):
    """Find and resolve date expressions; writes ``doc._.fw_times``."""

    def __init__(
        self,
        nlp: Language | None = None,
        name: str = "fw_time",
        *,
        lexicon: TimeLexicon | None = None,
    ) -> None:
        self.name = name
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self.patterns = _Patterns(self.lexicon)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.predict(doc))
        return doc

    def set_annotations(self, doc: Doc, mentions: list[TimeMention]) -> None:
        doc._.fw_times = mentions

    # -- detection --------------------------------------------------------------------------

    def predict(self, doc: Doc) -> list[TimeMention]:
        """Every time mention of ``doc``, resolved, in text order."""
        text = doc_text(doc)  # Doc.text joins every token: read it once
        ents = doc.ents
        candidates = self._select(doc, self._match(text), text, ents)
        published: dt.date | None = doc._.fw_published
        mentions: list[TimeMention] = []
        pending: list[tuple[TimeMention, _Candidate]] = []
        for cand in candidates:
            span = doc.char_span(cand.start_char, cand.end_char, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            verb = _governing_verb(span)
            mention = TimeMention(
                text=text[span.start_char : span.end_char],
                span=(span.start_char, span.end_char),
                start=None,
                end=None,
                precision="unknown",
                kind="relative",
                tokens=(span.start, span.end),
                tense=_tense(verb, self.lexicon),
                anchor=verb.i if verb is not None else None,
                pattern=cand.pattern,
            )
            res = self._resolve(cand, mention, published)
            mention.start, mention.end, mention.precision, mention.kind = (
                res.start,
                res.end,
                res.precision,
                res.kind,
            )
            mentions.append(mention)
            pending.append((mention, cand))
        context = _Context(doc, mentions, text)
        for mention, cand in pending:  # second pass: narrative reference time
            self._resolve_in_context(cand, mention, published, context)
        for mention, _ in pending:
            self._apply_since(doc, mention, published, text)
        return mentions

    def _match(self, text: str) -> list[_Candidate]:
        found: list[_Candidate] = []
        lowered = _CueText(text)
        for name, pattern in self.patterns.table:
            cue = self.patterns.cues.get(name)
            if cue is not None and not cue.found_in(lowered):
                continue  # the pattern cannot match this text
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    found.append(_Candidate(name, m.start(), m.end(), m.groupdict()))
        return found

    def _select(
        self, doc: Doc, found: list[_Candidate], text: str, ents: Sequence[Span]
    ) -> list[_Candidate]:
        order = {name: i for i, (name, _) in enumerate(self.patterns.table)}
        found = [c for c in found if self._plausible(doc, c, text, ents)]
        found.sort(key=lambda c: (-(c.end_char - c.start_char), order[c.pattern], c.start_char))
        taken: list[_Candidate] = []
        for cand in found:
            if all(cand.end_char <= t.start_char or cand.start_char >= t.end_char for t in taken):
                taken.append(cand)
        taken.extend(self._ner_leftovers(doc, taken, ents))
        taken.sort(key=lambda c: c.start_char)
        return taken

    def _plausible(self, doc: Doc, cand: _Candidate, text: str, ents: Sequence[Span]) -> bool:
        """Guards for bare month names and bare years (names, modal "May", counts)."""
        g = cand.groups
        if cand.pattern in ("weekday", "atom") and any(
            e.label_ in _NAME_LABELS and e.start_char <= cand.start_char < e.end_char for e in ents
        ):
            return False  # "the Sunday Times", "April Ryan"
        if cand.pattern == "duration":
            # "the previous day", "the next week" without a number or a preposition: anaphora
            anaphoric = (g["which"] or "").lower() in _ANAPHORIC_WHICH
            return not (anaphoric and not g["n"] and not g["prep"])
        if cand.pattern != "atom":
            return True
        atom = self.patterns.parse_atom(cand.groups["a"] or "", self.lexicon)
        if atom is None:
            return False
        if atom.day is not None or (atom.month is not None and atom.year is not None):
            return True
        in_date_entity = any(
            e.label_ == "DATE" and e.start_char <= cand.start_char and cand.end_char <= e.end_char
            for e in ents
        )
        before = re.findall(r"[\w—-]+", text[max(0, cand.start_char - 20) : cand.start_char])
        guarded = bool(before) and before[-1].lower() in self.lexicon.guard_words
        span = doc.char_span(cand.start_char, cand.end_char, alignment_mode="expand")
        if atom.month is not None:  # bare month name; "May" must not be the modal verb
            modal = span is not None and span.root.tag_ == "MD"
            return not modal and (guarded or in_date_entity)
        if span is not None and span.root.dep_ == "nummod" and span.root.head.tag_ == "NNS":
            return False  # "2000 fighters"
        return guarded or in_date_entity

    def _ner_leftovers(
        self, doc: Doc, taken: list[_Candidate], ents: Sequence[Span]
    ) -> list[_Candidate]:
        """spaCy DATE entities the patterns missed, unless they are ages, counts or durations."""
        extra: list[_Candidate] = []
        bare_duration = re.compile(_NOT_DATES["bare_duration"], re.IGNORECASE)
        for ent in ents:
            if ent.label_ != "DATE":
                continue
            if any(
                not (ent.end_char <= t.start_char or ent.start_char >= t.end_char) for t in taken
            ):
                continue
            low = ent.text.lower()
            words = set(re.findall(r"[a-z]+", low))
            following = doc[ent.end].lower_ if ent.end < len(doc) else ""
            if (
                re.fullmatch(r"[\d.,\s]+", low)
                or words & _AGE_WORDS
                or following in _AGE_FOLLOWERS
                or bare_duration.match(low)
                or re.search(_NOT_DATES["hyphen_duration"], low)  # "four-day", "30-day"
                or words & self.lexicon.frequency_words
                or not (words & self.lexicon.anchor_words or _holiday_like(ent))
            ):
                continue
            extra.append(_Candidate("ner", ent.start_char, ent.end_char, {}))
        return extra


@Language.factory(
    "fw_time",
    default_config={"lexicon_path": None},
    requires=["doc.ents", "token.dep"],
    assigns=["doc._.fw_times"],
)
def make_time_tagger(nlp: Language, name: str, lexicon_path: str | None) -> TimeTagger:
    return TimeTagger(nlp, name, lexicon=load_lexicon(lexicon_path))
