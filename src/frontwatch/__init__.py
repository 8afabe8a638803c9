"""frontwatch: conflict news in, events with evidence out.

>>> import frontwatch
>>> text = "Rebels seized the town of Kidal on Tuesday."
>>> result = frontwatch.extract(text, published="2024-03-14")
>>> [e.acled.sub_event_type for e in result.events]  # doctest: +SKIP
['Non-state actor overtakes territory']

Importing frontwatch loads no model: the pipeline is built on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .about import __version__

if TYPE_CHECKING:
    from .pipeline import Extractor, extract

__all__ = ["Extractor", "__version__", "extract"]


def __getattr__(name: str) -> Any:
    """``frontwatch.Extractor`` and ``frontwatch.extract``, imported on first use: importing
    frontwatch loads neither spaCy nor a model. This facade is the only module allowed to
    import from the top of the package (tests/test_architecture.py)."""
    if name in ("Extractor", "extract"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
