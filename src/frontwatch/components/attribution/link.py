"""Attributions for event assembly: :func:`attribution_for`, :func:`is_reported` and
:func:`default_attribution`."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_outlet)
from frontwatch.records import Attribution

from .mentions import AttributionMention
from .words import AttributionLexicon, default_lexicon


def _trigger_chars(trigger: Span | Token) -> tuple[int, int]:
    if isinstance(trigger, Token):
        return (trigger.idx, trigger.idx + len(trigger.text))
    return (trigger.start_char, trigger.end_char)


def _covering(doc: Doc, trigger: Span | Token, hedges: bool) -> list[AttributionMention]:
    start, end = _trigger_chars(trigger)
    mentions: list[AttributionMention] = doc._.fw_attributions or []
    found = [m for m in mentions if (hedges or not m.hedge) and m.covers(start, end)]
    return sorted(found, key=lambda m: m.content[1] - m.content[0])


def attribution_for(doc: Doc, trigger: Span) -> Attribution | None:
    """The explicit attribution whose content covers ``trigger`` (innermost first), or None.

    None means no explicit source: the caller may use :func:`default_attribution`.
    """
    found = _covering(doc, trigger, hedges=False)
    return found[0].attribution.model_copy(deep=True) if found else None


def is_reported(doc: Doc, trigger: Span) -> bool:
    """True when the trigger is attributed to a source or hedged ("reportedly", "reports of")."""
    return bool(_covering(doc, trigger, hedges=True))


def default_attribution(doc: Doc, lexicon: AttributionLexicon | None = None) -> Attribution | None:
    """The document's own outlet (``doc._.fw_outlet``) as a default source, or None."""
    outlet = doc._.fw_outlet
    if not outlet:
        return None
    lexicon = lexicon or default_lexicon()
    return Attribution(
        source=lexicon.canonical(str(outlet)) or str(outlet),
        speaker=None,
        source_span=None,
        speaker_span=None,
        text=None,
        span=None,
        default=True,
    )
