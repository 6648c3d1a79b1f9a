"""The dashboard's aggregate cache: stale values are served while one refresh runs."""

from __future__ import annotations

import threading
import time

from havenwatch.web.cache import TimedCache


def test_a_value_is_computed_once_and_then_served() -> None:
    cache = TimedCache(ttl=60.0)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get("k", compute) == 1
    assert cache.get("k", compute) == 1
    assert len(calls) == 1


def test_concurrent_first_requests_share_one_computation() -> None:
    cache = TimedCache(ttl=60.0)
    calls: list[int] = []
    release = threading.Event()

    def slow() -> int:
        calls.append(1)
        release.wait(5)
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("k", slow))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    release.set()
    for thread in threads:
        thread.join()
    assert results == [42] * 8
    assert len(calls) == 1


def test_a_stale_value_is_served_while_it_is_refreshed_in_the_background() -> None:
    cache = TimedCache(ttl=0.05, max_stale=60.0)
    assert cache.get("k", lambda: "old") == "old"
    time.sleep(0.1)
    refreshed = threading.Event()

    def new() -> str:
        refreshed.set()
        return "new"

    assert cache.get("k", new) == "old"
    assert refreshed.wait(5)
    deadline = time.monotonic() + 5
    while cache.get("k", new) != "new" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.get("k", new) == "new"


def test_a_value_past_max_stale_is_recomputed_before_it_is_served() -> None:
    cache = TimedCache(ttl=0.01, max_stale=0.05)
    assert cache.get("k", lambda: "old") == "old"
    time.sleep(0.1)
    assert cache.get("k", lambda: "new") == "new"


def test_a_quick_value_made_out_of_date_by_a_write_is_computed_again_at_once() -> None:
    cache = TimedCache(ttl=60.0, quick=1.0)
    assert cache.get("k", lambda: "before", version=1) == "before"
    assert cache.get("k", lambda: "unchanged", version=1) == "before"
    assert cache.get("k", lambda: "after", version=2) == "after"


def test_a_slow_value_made_out_of_date_by_a_write_is_served_while_it_is_refreshed() -> None:
    cache = TimedCache(ttl=60.0, quick=0.0)

    def slow_old() -> str:
        time.sleep(0.02)
        return "old"

    assert cache.get("k", slow_old, version=1) == "old"
    refreshed = threading.Event()

    def new() -> str:
        refreshed.set()
        return "new"

    assert cache.get("k", new, version=2) == "old"
    assert refreshed.wait(5)
    deadline = time.monotonic() + 5
    while cache.get("k", new, version=2) != "new" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.get("k", new, version=2) == "new"
