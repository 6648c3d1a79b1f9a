"""Group commit: concurrent callers share one transaction, and each returns once it committed.

Every view of a case writes an audit entry, and a commit that waits for the disk costs more
than the page it records. When several requests record at once, the first one to find no
commit in progress writes everything waiting in one transaction; the others wait for that
commit (or lead the next one, if theirs arrived too late for it). No caller returns before
its own item is durable, and a failed commit fails every caller whose item it held.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")


class CommitInterrupted(RuntimeError):
    """The thread committing a batch was stopped before the commit finished."""


@dataclass
class _Waiting(Generic[Item]):
    item: Item
    done: bool = False
    error: BaseException | None = None


class GroupCommit(Generic[Item]):
    """Funnels items from many threads into `commit(batch)` calls, one at a time."""

    def __init__(self, commit: Callable[[list[Item]], None]) -> None:
        self._commit = commit
        self._changed = threading.Condition()
        self._queue: list[_Waiting[Item]] = []
        self._committing = False

    def submit(self, item: Item) -> None:
        """Return once `item` is committed; raise what its commit raised."""
        mine = _Waiting(item)
        with self._changed:
            self._queue.append(mine)
            while not mine.done:
                if self._committing:
                    self._changed.wait()
                    continue
                batch, self._queue, self._committing = self._queue, [], True
                self._changed.release()
                error: BaseException | None = CommitInterrupted("the commit was interrupted")
                try:
                    error = self._run(batch)
                finally:
                    self._changed.acquire()
                    self._committing = False
                    for waiting in batch:
                        waiting.done, waiting.error = True, error
                    self._changed.notify_all()
        if mine.error is not None:
            raise mine.error

    def _run(self, batch: list[_Waiting[Item]]) -> BaseException | None:
        try:
            self._commit([waiting.item for waiting in batch])
        except Exception as error:  # handed to every caller in the batch
            return error
        return None
