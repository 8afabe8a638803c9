"""frontwatch.extract: the extraction stages (events, actors, places, time, quantities,
attribution) and, called as a function, the public API :func:`frontwatch.pipeline.extract`.

``frontwatch.extract(text, published=...)`` is the library's front door, and ``extract`` is also
the name of this package: once a submodule such as ``frontwatch.extract.events`` is imported,
Python binds the package to the ``frontwatch.extract`` attribute, replacing any function of that
name. So the package itself is callable (a module subclass with ``__call__``; supported by
CPython since 3.5) and both ``frontwatch.extract(...)`` and ``import frontwatch.extract.events``
work, whatever was imported first.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from ..pipeline import extract

        return extract(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
