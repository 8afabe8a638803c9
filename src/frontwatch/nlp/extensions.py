"""Doc extensions shared by every frontwatch component.

Each extract module registers the extensions it assigns (``doc._.fw_times``, ...) at import,
next to its component; the document-level inputs every component may read live here.
"""

from __future__ import annotations

from spacy.tokens import Doc

if not Doc.has_extension("fw_doc_id"):
    Doc.set_extension("fw_doc_id", default=None)
if not Doc.has_extension("fw_published"):
    # datetime.date or None: the anchor for relative dates, never "now"
    Doc.set_extension("fw_published", default=None)
if not Doc.has_extension("fw_outlet"):
    Doc.set_extension("fw_outlet", default=None)


def char_span(span: object) -> tuple[int, int]:
    """``(start_char, end_char)`` of a spaCy Span or Token."""
    start = getattr(span, "start_char", None)
    if start is None:  # Token
        start = span.idx  # type: ignore[attr-defined]
        return (start, start + len(span.text))  # type: ignore[attr-defined]
    return (start, span.end_char)  # type: ignore[attr-defined]
