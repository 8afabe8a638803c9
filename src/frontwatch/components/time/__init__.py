"""Date and time expressions, resolved against the publication date.

The ``fw_time`` component (after ``ner``) finds date expressions with surface patterns built from
the lexicon ``data/lexicon/time_words.json`` (plus spaCy ``DATE`` entities the patterns miss),
resolves each into a :class:`TimeMention` against ``doc._.fw_published`` (never "now") and the
discourse context (narrative reference time), and writes ``doc._.fw_times``.

Event assembly uses :func:`event_date`, :func:`default_date` and :func:`is_historical`.
The resolution rules, with examples, are in ``docs/dates.md``.

===================  ==========================================================
module               what
===================  ==========================================================
:mod:`.words`        :class:`TimeLexicon`, :class:`TimeMention`, tables, tense
:mod:`.patterns`     the compiled surface patterns and their cues
:mod:`.intervals`    calendar arithmetic
:mod:`.context`      the narrative reference time of a document
:mod:`.resolve`      resolution of each pattern's matches
:mod:`.recognise`    the ``fw_time`` component: finding date expressions
:mod:`.link`         :func:`event_date`, :func:`default_date`, :func:`is_historical`
===================  ==========================================================
"""

from __future__ import annotations

from . import (
    context,  # noqa: F401  (registers what it defines)
    intervals,  # noqa: F401  (registers what it defines)
    patterns,  # noqa: F401  (registers what it defines)
    resolve,  # noqa: F401  (registers what it defines)
)
from .link import default_date, event_date, is_historical
from .recognise import TimeTagger, make_time_tagger
from .words import (
    CONTEXT_SENTENCES,
    HISTORICAL_DAYS,
    MAX_DEFAULT_DAYS,
    Kind,
    Tense,
    TimeLexicon,
    TimeMention,
    load_lexicon,
)

__all__ = [
    "CONTEXT_SENTENCES",
    "HISTORICAL_DAYS",
    "MAX_DEFAULT_DAYS",
    "Kind",
    "Tense",
    "TimeLexicon",
    "TimeMention",
    "TimeTagger",
    "default_date",
    "event_date",
    "is_historical",
    "load_lexicon",
    "make_time_tagger",
]
