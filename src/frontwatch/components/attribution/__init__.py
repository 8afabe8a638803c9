"""Attribution: who asserts what, and the sources a document names.

The component ``fw_attribution`` (after ``parser`` and ``ner``) finds, sentence by sentence,

- speech/report constructions: a speech verb ("say", "tell", "report", ...) whose clausal
  complement (``ccomp``/``parataxis``, or the clause it is attached to) is the *content*;
  its subject is the speaker, ``told <outlet>`` / ``to <outlet>`` / ``quoted by <outlet>``
  give the outlet, ``according to X`` / ``citing X`` add a further source;
- ``according to X`` attached to a non-speech clause ("According to witnesses, rebels ...");
- hedges without a named source: "reportedly", "allegedly", "is said/believed/thought to",
  "reports of", "alleged" + noun; they make :func:`is_reported` true but give no attribution.

Convention for :class:`~frontwatch.records.Attribution` (see docs/attribution.md):
``source`` is who published or issued the content, ranked outlet > organisation > document,
given as a canonical name when the lexicon knows it; ``speaker`` is the person or role who
asserted it ("a surviving soldier", "Jeremy Binnie"); when there is no person or role, the
next-ranked source (usually a document: "the classified assessment") becomes the speaker.
A pronoun speaker ("he said") is resolved to the last speaker or person named before it, and
``speaker_span`` then points to that antecedent.

Doc extensions assigned: ``doc._.fw_attributions: list[AttributionMention]`` and
``doc._.fw_sources: list[Source]``.

===================  ==========================================================
module               what
===================  ==========================================================
:mod:`.words`        :class:`AttributionLexicon` (``attribution.json``)
:mod:`.mentions`     mentions, results, and span helpers
:mod:`.sentences`    the attributions of one sentence
:mod:`.recognise`    the ``fw_attribution`` component
:mod:`.link`         :func:`attribution_for`, :func:`is_reported`, for event assembly
===================  ==========================================================
"""

from __future__ import annotations

from . import sentences  # noqa: F401  (registers what it defines)
from .link import attribution_for, default_attribution, is_reported
from .mentions import (
    AttributionMention,
    AttributionResult,
    MentionKind,
    PhraseKind,
    _required_words,
)
from .recognise import AttributionFinder, make_attribution
from .words import AttributionLexicon, SourceEntry, default_lexicon

__all__ = [
    "AttributionFinder",
    "AttributionLexicon",
    "AttributionMention",
    "AttributionResult",
    "MentionKind",
    "PhraseKind",
    "SourceEntry",
    "_required_words",
    "attribution_for",
    "default_attribution",
    "default_lexicon",
    "is_reported",
    "make_attribution",
]
