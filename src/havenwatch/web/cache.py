"""A small time-limited memo for expensive aggregates (the dashboard's counts and charts).

Aggregates over a million events take longer than a page may; they change slowly, so each is
kept for `ttl` seconds per team scope. Nothing identifying is ever cached here: only counts.

No request waits for a refresh it does not need: once a value is older than `ttl`, the next
request still gets it while one background thread computes the new one (in the requesting
context, so the same language is active). Only a value never computed, or older than
`max_stale`, is computed while the request waits, and concurrent requests for the same key
wait for that one computation instead of each starting their own.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
TTL = 60.0
STALE_FACTOR = 4.0
MAX_ENTRIES = 256
LOG = logging.getLogger("havenwatch.web")


class TimedCache:
    def __init__(self, ttl: float = TTL, max_stale: float | None = None) -> None:
        self.ttl = ttl
        self.max_stale = max_stale if max_stale is not None else ttl * STALE_FACTOR
        self._items: dict[Hashable, tuple[float, Any]] = {}
        self._computing: dict[Hashable, Future[Any]] = {}
        self._refreshing: set[Hashable] = set()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and now - hit[0] < self.max_stale:
                if now - hit[0] >= self.ttl and key not in self._refreshing:
                    self._refreshing.add(key)
                    self._refresh_in_background(key, compute)
                return hit[1]  # type: ignore[no-any-return]
            pending = self._computing.get(key)
            owner = pending is None
            if pending is None:
                pending = self._computing[key] = Future()
        if not owner:
            return pending.result()  # type: ignore[no-any-return]
        return self._compute_now(key, compute, pending)

    def _compute_now(self, key: Hashable, compute: Callable[[], T], pending: Future[Any]) -> T:
        try:
            value = compute()
        except BaseException as error:
            self._finish(key)
            pending.set_exception(error)
            raise
        self._store(key, value)
        self._finish(key)
        pending.set_result(value)
        return value

    def _finish(self, key: Hashable) -> None:
        with self._lock:
            self._computing.pop(key, None)

    def _refresh_in_background(self, key: Hashable, compute: Callable[[], Any]) -> None:
        context = contextvars.copy_context()

        def refresh() -> None:
            try:
                self._store(key, context.run(compute))
            except Exception as error:
                LOG.error("refreshing a cached aggregate failed: %s", type(error).__name__)
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        threading.Thread(target=refresh, name="havenwatch-cache-refresh", daemon=True).start()

    def _store(self, key: Hashable, value: Any) -> None:
        with self._lock:
            if len(self._items) >= MAX_ENTRIES and key not in self._items:
                self._items.clear()
            self._items[key] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
