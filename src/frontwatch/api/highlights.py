"""The span of every extracted field, for highlighting a document's text (docs/api.md)."""

from __future__ import annotations

from collections.abc import Iterator

from ..records import Actor, DocumentResult, Event
from .schemas import Highlight


def _name(actor: Actor | None) -> str | None:
    return None if actor is None else (actor.name or actor.text)


def event_highlights(event: Event) -> Iterator[Highlight]:
    """The span of every field of ``event``."""
    eid = event.id
    yield Highlight(
        start=event.evidence.span[0], end=event.evidence.span[1], field="evidence", event_id=eid
    )
    yield Highlight(
        start=event.trigger.span[0],
        end=event.trigger.span[1],
        field="trigger",
        event_id=eid,
        label=event.acled.event_type if event.acled else event.category,
    )
    for mention in event.mentions:
        if mention.evidence.span != event.evidence.span:
            yield Highlight(
                start=mention.evidence.span[0],
                end=mention.evidence.span[1],
                field="mention_evidence",
                event_id=eid,
            )
        if mention.trigger.span != event.trigger.span:
            yield Highlight(
                start=mention.trigger.span[0],
                end=mention.trigger.span[1],
                field="mention_trigger",
                event_id=eid,
            )
    for field, actor in (("actor1", event.actor1), ("actor2", event.actor2)):
        if actor is not None:
            yield Highlight(
                start=actor.span[0],
                end=actor.span[1],
                field=field,
                event_id=eid,
                label=_name(actor),
            )
    if event.location is not None:
        loc = event.location
        yield Highlight(
            start=loc.span[0],
            end=loc.span[1],
            field="location",
            event_id=eid,
            label=loc.name or loc.text,
        )
    date = event.date
    if date is not None and date.span is not None:
        label = None
        if date.start is not None:
            label = date.start.isoformat()
            if date.end is not None and date.end != date.start:
                label += f"/{date.end.isoformat()}"
        yield Highlight(
            start=date.span[0], end=date.span[1], field="date", event_id=eid, label=label
        )
    for q in event.quantities:
        count = q.count if q.count is not None else q.low
        label = q.kind if count is None else f"{q.kind} {count:g}"
        yield Highlight(start=q.span[0], end=q.span[1], field="quantity", event_id=eid, label=label)
    attr = event.attribution
    if attr is not None and not attr.default:
        if attr.span is not None:
            yield Highlight(
                start=attr.span[0],
                end=attr.span[1],
                field="attribution",
                event_id=eid,
                label=attr.source or attr.speaker,
            )
        if attr.source_span is not None:
            yield Highlight(
                start=attr.source_span[0],
                end=attr.source_span[1],
                field="attribution_source",
                event_id=eid,
                label=attr.source,
            )
        if attr.speaker_span is not None:
            yield Highlight(
                start=attr.speaker_span[0],
                end=attr.speaker_span[1],
                field="attribution_speaker",
                event_id=eid,
                label=attr.speaker,
            )


def document_highlights(result: DocumentResult) -> Iterator[Highlight]:
    """Spans of the document-level fields: named sources, toponyms, flags."""
    for source in result.sources:
        yield Highlight(start=source.span[0], end=source.span[1], field="source", label=source.name)
    for toponym in result.toponyms:
        yield Highlight(
            start=toponym.span[0],
            end=toponym.span[1],
            field="toponym",
            label=toponym.name or toponym.text,
        )
    for flag in result.flags:
        yield Highlight(start=flag.span[0], end=flag.span[1], field="flag", label=flag.message)
