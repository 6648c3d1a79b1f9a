"""A small time-limited memo for expensive aggregates (the dashboard's monthly counts).

Aggregates over a million events take longer than a page may; they change slowly, so each is
kept for `TTL` seconds per team scope. Nothing identifying is ever cached here: only counts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
TTL = 60.0
MAX_ENTRIES = 256


class TimedCache:
    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._items: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            if len(self._items) >= MAX_ENTRIES:
                self._items.clear()
            self._items[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
