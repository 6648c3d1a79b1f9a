"""Files havenwatch creates are its owner's alone: 0600 files, 0700 directories.

Two layers. The command line and every server worker set the process umask to 077 first, so
whatever a library creates (SQLite's -wal and -shm files, temporary files) is private from
its first byte. And the places that create a file on purpose (the SQLite database, exports,
calendar files) create it 0600 or chmod it explicitly, so the rule holds when havenwatch is
used as a library under another umask.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077
PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def restrict_umask() -> None:
    """New files and directories of this process (and its children) are owner-only."""
    os.umask(PRIVATE_UMASK)


def create_private_file(path: Path) -> None:
    """Create `path` empty and owner-only if it does not exist; make it owner-only if it does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    os.close(descriptor)
    os.chmod(path, PRIVATE_FILE)


def write_private(path: Path, content: str | bytes) -> None:
    """Write a whole file that only its owner may read (an existing file is replaced)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    create_private_file(path)
    with path.open("r+b") as handle:
        handle.truncate(0)
        handle.write(data)


def make_sqlite_files_private(database: Path) -> None:
    """The database and the journal files beside it, owner-only (those that exist and that
    this account owns: another account's files are its administrator's to fix)."""
    for suffix in SQLITE_COMPANIONS:
        companion = Path(f"{database}{suffix}")
        try:
            status = companion.stat()
        except FileNotFoundError:
            continue
        if status.st_uid == os.getuid() and status.st_mode & 0o777 != PRIVATE_FILE:
            os.chmod(companion, PRIVATE_FILE)
