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

from . import extract  # the package is callable: frontwatch.extract(text, published=...)
from .about import __version__

if TYPE_CHECKING:
    from .pipeline import Extractor

__all__ = ["Extractor", "__version__", "extract"]


def __getattr__(name: str) -> Any:  # lazy: importing frontwatch loads no model
    if name == "Extractor":
        from .pipeline import Extractor

        return Extractor
    raise AttributeError(name)
