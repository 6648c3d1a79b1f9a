"""A small memo for expensive aggregates (the dashboard's counts and charts).

Aggregates over a million events take longer than a page may, so each is kept per team
scope. Nothing identifying is ever cached here: only counts.

A value is current while it is younger than `ttl` and no write has changed the records since
it was computed (the caller passes the database's change counter as `version`). Someone who
has just added a case expects to see it counted, so a value made out of date by a write is
computed again while the request waits, when its last computation was quick (`quick`
seconds or less: every small instance). Only slow aggregates, on large instances, are served
out of date while one background thread computes the new value (in the requesting context,
so the same language is active); the same happens to any value older than `ttl`. A value
never computed, or older than `max_stale`, is always computed while the request waits, and
concurrent requests for the same key wait for that one computation instead of each
starting their own.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
TTL = 60.0
STALE_FACTOR = 4.0
QUICK = 0.25
MAX_ENTRIES = 256
LOG = logging.getLogger("havenwatch.web")


@dataclass(frozen=True)
class Entry:
    computed_at: float
    version: object
    value: Any
    cost: float


class TimedCache:
    def __init__(
        self, ttl: float = TTL, max_stale: float | None = None, quick: float = QUICK
    ) -> None:
        self.ttl = ttl
        self.max_stale = max_stale if max_stale is not None else ttl * STALE_FACTOR
        self.quick = quick
        self._items: dict[Hashable, Entry] = {}
        self._computing: dict[Hashable, Future[Any]] = {}
        self._refreshing: set[Hashable] = set()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T], version: object = None) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and self._servable(hit, now, version):
                if not self._current(hit, now, version) and key not in self._refreshing:
                    self._refreshing.add(key)
                    self._refresh_in_background(key, compute, version)
                return hit.value  # type: ignore[no-any-return]
            pending = self._computing.get(key)
            owner = pending is None
            if pending is None:
                pending = self._computing[key] = Future()
        if not owner:
            return pending.result()  # type: ignore[no-any-return]
        return self._compute_now(key, compute, version, pending)

    def _current(self, hit: Entry, now: float, version: object) -> bool:
        return now - hit.computed_at < self.ttl and hit.version == version

    def _servable(self, hit: Entry, now: float, version: object) -> bool:
        """Whether `hit` may be returned at once, current or not (then refreshed behind)."""
        if now - hit.computed_at >= self.max_stale:
            return False
        return hit.version == version or hit.cost > self.quick

    def _compute_now(
        self, key: Hashable, compute: Callable[[], T], version: object, pending: Future[Any]
    ) -> T:
        try:
            value = self._timed(key, compute, version)
        except BaseException as error:
            self._finish(key)
            pending.set_exception(error)
            raise
        self._finish(key)
        pending.set_result(value)
        return value

    def _timed(self, key: Hashable, compute: Callable[[], T], version: object) -> T:
        started = time.monotonic()
        value = compute()
        self._store(key, Entry(started, version, value, time.monotonic() - started))
        return value

    def _finish(self, key: Hashable) -> None:
        with self._lock:
            self._computing.pop(key, None)

    def _refresh_in_background(
        self, key: Hashable, compute: Callable[[], Any], version: object
    ) -> None:
        context = contextvars.copy_context()

        def refresh() -> None:
            try:
                context.run(self._timed, key, compute, version)
            except Exception as error:
                LOG.error("refreshing a cached aggregate failed: %s", type(error).__name__)
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        threading.Thread(target=refresh, name="havenwatch-cache-refresh", daemon=True).start()

    def _store(self, key: Hashable, entry: Entry) -> None:
        with self._lock:
            if len(self._items) >= MAX_ENTRIES and key not in self._items:
                self._items.clear()
            self._items[key] = entry

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
