"""The length of the audit log last verified, kept in a small file beside the key file.

Without a signed checkpoint, a log whose newest entries were deleted (or a database restored
from an older copy) is still a valid chain. Someone who can rewrite the database can usually
not also rewrite a file that lives outside it, beside the data key: so every successful
`havenwatch audit verify` records the head it saw there (sequence number and hash), and the
next one fails when the log is shorter, or holds another entry at that position.

The file is not in the data directory (a copy of the data directory must not carry it, and
an attacker who restores an old data directory must not restore it too). It is written
atomically: a new file beside it, flushed to disk, then renamed over the old one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from havenwatch.core.errors import HavenwatchError

VERIFIED_FORMAT = "havenwatch-audit-verified/1"
SUFFIX = ".audit-verified"


class VerifiedLengthError(HavenwatchError):
    """The verified-length file exists but cannot be read or written."""


@dataclass(frozen=True)
class VerifiedHead:
    """The head of the log as the last successful verification saw it."""

    seq: int
    hash: str
    verified_at: datetime

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": VERIFIED_FORMAT,
                "seq": self.seq,
                "hash": self.hash,
                "verified_at": self.verified_at.isoformat(timespec="seconds"),
            }
        )


def verified_length_file(key_file: Path) -> Path:
    """Where the verified length lives: beside the key file, named after it."""
    return key_file.with_name(key_file.name + SUFFIX)


def read_verified(path: Path) -> VerifiedHead | None:
    """The recorded head, or None when nothing was verified yet (no file)."""
    try:
        raw = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise VerifiedLengthError(f"cannot read the verified-length file {path}") from None
    try:
        if raw.get("format") != VERIFIED_FORMAT:
            raise ValueError(raw.get("format"))
        return VerifiedHead(
            int(raw["seq"]), str(raw["hash"]), datetime.fromisoformat(raw["verified_at"])
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        raise VerifiedLengthError(f"{path} is not a havenwatch verified-length file") from None


def write_verified(path: Path, head: VerifiedHead) -> None:
    """Replace the file atomically, readable by its owner only."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(head.to_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise VerifiedLengthError(
            f"cannot record the verified length in {path}: {error.strerror}"
        ) from None


def compare_with_verified(head: VerifiedHead, head_seq: int, stored_hash: str | None) -> str | None:
    """Why the log disagrees with what was verified before, or None when it extends it."""
    on = head.verified_at.strftime("%Y-%m-%d %H:%M UTC")
    if head_seq < head.seq:
        return (
            f"the log ends at entry {head_seq} but it held {head.seq} entries when it was "
            f"verified on {on}: its newest entries were deleted or the database was restored "
            "from an older copy"
        )
    if head.seq > 0 and stored_hash != head.hash:
        return (
            f"entry {head.seq} differs from the one verified on {on}: the log was rewritten "
            "or the database was restored from an older copy"
        )
    return None
