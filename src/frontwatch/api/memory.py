"""Giving freed memory back to the system after a burst of work (exports, a new index)."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

logger = logging.getLogger(__name__)


def release_memory() -> None:
    """Give freed memory back to the system: glibc keeps freed heap pages for reuse, so a burst
    of exports, or the rows read for a new index, would leave the server large for good
    (Linux with glibc)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl): nothing to trim
        logger.debug("malloc_trim unavailable", exc_info=True)
