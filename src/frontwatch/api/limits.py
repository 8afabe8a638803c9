"""Limits of the HTTP API: page sizes, upload size and per-client rate limits.

The defaults are documented in docs/api.md. :class:`ApiLimits` is passed to
:func:`frontwatch.api.app.create_app`; tests and the load test give their own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_PAGE = 500
DEFAULT_PAGE = 100
MAX_BODY_BYTES = 2_000_000


@dataclass(frozen=True)
class Rate:
    """A token bucket: ``per_second`` tokens refill, at most ``burst`` saved up."""

    per_second: float
    burst: int

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a rate needs per_second > 0 and burst >= 1")


@dataclass(frozen=True)
class ApiLimits:
    """What one client may ask for.

    ``read_rate``/``write_rate`` are per client address; ``None`` switches the limit off
    (the loopback load test does this for reads).
    """

    max_page: int = MAX_PAGE
    default_page: int = DEFAULT_PAGE
    max_body_bytes: int = MAX_BODY_BYTES
    max_documents: int = 100
    index_wait: float = 10.0  # seconds a POST waits for its documents to be readable
    # exports being written at once, all clients together: writing is Python work under one
    # interpreter lock, so more at once only makes each slower
    max_exports: int = 2
    max_exports_per_client: int = 1
    export_retry_after: int = 5  # seconds, in the Retry-After of a refused export
    read_rate: Rate | None = field(default_factory=lambda: Rate(per_second=50.0, burst=200))
    write_rate: Rate | None = field(default_factory=lambda: Rate(per_second=0.5, burst=10))

    def __post_init__(self) -> None:
        if not 1 <= self.default_page <= self.max_page:
            raise ValueError("default_page must be between 1 and max_page")
        if self.max_body_bytes < 1 or self.max_documents < 1:
            raise ValueError("max_body_bytes and max_documents must be positive")
        if not 1 <= self.max_exports_per_client <= self.max_exports:
            raise ValueError("max_exports_per_client must be between 1 and max_exports")


class RateLimiter:
    """Token buckets keyed by client; thread-safe. ``take`` returns the seconds to wait (0: go).

    Buckets of clients that stayed away long enough to be full again are dropped, so the table
    cannot grow without bound.
    """

    def __init__(
        self, rate: Rate, *, clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last time)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + (now - last) * self.rate.per_second)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / self.rate.per_second
            if len(self._buckets) > self._max_clients:
                self._prune(now)
        return wait

    def _prune(self, now: float) -> None:
        full = self.rate.burst / self.rate.per_second
        for client, (_, last) in list(self._buckets.items()):
            if now - last >= full:
                del self._buckets[client]
        while len(self._buckets) > self._max_clients:  # all busy: forget the oldest
            del self._buckets[min(self._buckets, key=lambda c: self._buckets[c][1])]


class Slots:
    """At most ``total`` holders at once, at most ``per_client`` of them one client's;
    thread-safe. :meth:`take` says whether the client got a slot; :meth:`give_back` frees it."""

    def __init__(self, total: int, per_client: int) -> None:
        self.total = total
        self.per_client = per_client
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> bool:
        with self._lock:
            if sum(self._held.values()) >= self.total:
                return False
            if self._held.get(client, 0) >= self.per_client:
                return False
            self._held[client] = self._held.get(client, 0) + 1
            return True

    def give_back(self, client: str) -> int:
        """Free one of ``client``'s slots; the number of slots still held."""
        with self._lock:
            left = self._held.get(client, 0) - 1
            if left > 0:
                self._held[client] = left
            else:
                self._held.pop(client, None)
            return sum(self._held.values())
