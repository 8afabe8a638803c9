"""From an annotated Doc to event records: :func:`assemble` (arguments, coding, confidence,
one record per event) and :func:`event_id`."""

from __future__ import annotations

from .assemble import assemble, event_id

__all__ = ["assemble", "event_id"]
