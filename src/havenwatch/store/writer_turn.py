"""Whose turn it is to write to a SQLite file, across the threads and processes of a server.

SQLite lets one writer in at a time and makes the others retry on a sleeping back-off (1, 2,
5, 10... up to 100 ms a try). Under load that back-off, not the work, sets the slowest
responses. Writers of one process queue on a lock; writers of the server's processes also
queue on an advisory lock file beside the database (`flock`), which wakes the next one the
moment the previous one is done. A process that does not take the lock (an older version,
the sqlite3 shell) is still kept out by SQLite itself: the lock only orders those who ask.

The lock file also carries a change counter: the writer that holds the turn adds one after it
commits a change to the records, and any process reads it with one `pread`. Caches of
aggregates (the dashboard's) compare it to know whether what they hold is still current.
"""

from __future__ import annotations

import os
import struct
import threading
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the in-process lock and SQLite's own remain
    fcntl = None  # type: ignore[assignment]

COUNTER = struct.Struct("<Q")


class WriterTurn:
    """A reentrant lock for this process's writers, and an advisory lock file for all."""

    def __init__(self, lock_file: Path | None) -> None:
        self._threads = threading.RLock()
        self._lock_file = lock_file
        self._fd: int | None = None
        self._opened_by: int | None = None
        self._depth = 0
        self._local_changes = 0
        self._opening = threading.Lock()

    def __enter__(self) -> WriterTurn:
        self._threads.acquire()
        try:
            if self._depth == 0:
                self._take_file_lock()
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None and fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _take_file_lock(self) -> None:
        fd = self._file()
        if fd is not None and fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)

    def _file(self) -> int | None:
        if self._lock_file is None or fcntl is None:
            return None
        with self._opening:
            if self._fd is None or self._opened_by != os.getpid():
                # A child process opens its own: an inherited descriptor shares the parent's lock.
                self._fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600)
                self._opened_by = os.getpid()
            return self._fd

    def changes(self) -> int:
        """How many changes the writers of all processes have counted (without waiting a turn)."""
        fd = self._file()
        if fd is None:
            return self._local_changes
        data = os.pread(fd, COUNTER.size, 0)
        return COUNTER.unpack(data)[0] if len(data) == COUNTER.size else 0

    def count_change(self) -> None:
        """Add one to the change counter: for the writer holding the turn, after its commit."""
        with self._threads:
            self._local_changes += 1
            fd = self._file()
            if fd is not None:
                os.pwrite(fd, COUNTER.pack(self.changes() + 1), 0)

    def close(self) -> None:
        with self._threads:
            if self._fd is not None and self._opened_by == os.getpid():
                os.close(self._fd)
            self._fd = None
