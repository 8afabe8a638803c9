"""Doc extensions shared by every frontwatch component.

Each extract module registers the extensions it assigns (``doc._.fw_times``, ...) at import,
next to its component; the document-level inputs every component may read live here.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

if not Doc.has_extension("fw_doc_id"):
    Doc.set_extension("fw_doc_id", default=None)
if not Doc.has_extension("fw_published"):
    # datetime.date or None: the anchor for relative dates, never "now"
    Doc.set_extension("fw_published", default=None)
if not Doc.has_extension("fw_outlet"):
    Doc.set_extension("fw_outlet", default=None)
if not Doc.has_extension("fw_text"):
    # the text, joined once: spaCy's Doc.text joins every token on each read
    Doc.set_extension("fw_text", default=None)


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per Doc and kept in ``doc._.fw_text``. Our stages read the
    text many times a document and never change its tokens."""
    text: str | None = doc._.fw_text
    if text is None:
        text = doc.text
        doc._.fw_text = text
    return text


def char_span(span: object) -> tuple[int, int]:
    """``(start_char, end_char)`` of a spaCy Span or Token."""
    start = getattr(span, "start_char", None)
    if start is None:  # Token
        start = span.idx  # type: ignore[attr-defined]
        return (start, start + len(span.text))  # type: ignore[attr-defined]
    return (start, span.end_char)  # type: ignore[attr-defined]


def entity_of(token: Token) -> Span | None:
    """The named entity that ``token`` is part of, if any."""
    if token.ent_iob_ not in ("B", "I"):
        return None
    return next((e for e in token.doc.ents if e.start <= token.i < e.end), None)


def entity_root(token: Token) -> Token:
    """The root of the entity that ``token`` is part of; the token itself outside one."""
    ent = entity_of(token)
    return ent.root if ent is not None else token
