"""frontwatch: conflict news in, events with evidence out.

>>> import frontwatch
>>> result = frontwatch.extract("Rebels seized the town of Kidal on Tuesday.", published="2024-03-14")
>>> [e.acled.sub_event_type for e in result.events]  # doctest: +SKIP
['Non-state actor overtakes territory']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .about import __version__

if TYPE_CHECKING:
    from .pipeline import Extractor, extract

__all__ = ["Extractor", "__version__", "extract"]


def __getattr__(name: str) -> Any:  # lazy: importing frontwatch loads no model
    if name in {"extract", "Extractor"}:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
