"""Counting each stated number once across the views of the situation.

One sentence can give several event records ("gunmen attacked the village, killing 30
civilians" may be an attack on the village and an attack on the civilians); each carries the
same quantity, with the same span. A total must count that number once: :class:`CountedOnce`
remembers the (document, span, kind, item) of every quantity already counted.
"""

from __future__ import annotations

from frontwatch.records import Span

from .records import Quote, ValueSpread


class CountedOnce:
    """The quantities (document id, span) already counted in one total."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, Span, str, str | None]] = set()

    def first(self, spread: ValueSpread) -> bool:
        """Whether none of the quantities behind ``spread`` was counted yet; if so, they are
        now. A value without spans (made by hand) always counts."""
        keys = {
            (v.doc_id, (span[0], span[1]), spread.kind, spread.item)
            for v in spread.values
            for span in v.spans
        }
        if keys & self.seen:
            return False
        self.seen |= keys
        return True


def quotes_of(spread: ValueSpread) -> list[Quote]:
    """The sentences that state the values of ``spread``, one per report."""
    out: list[Quote] = []
    for value in spread.values:
        if value.quote is None:
            continue
        quote = Quote(
            doc_id=value.doc_id,
            event_id=value.event_id,
            text=value.quote.text,
            span=value.quote.span,
        )
        if quote not in out:
            out.append(quote)
    return out
