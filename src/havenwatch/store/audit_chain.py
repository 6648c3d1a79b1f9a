"""The tamper-evident audit trail: an append-only, hash-chained log.

Each entry's hash covers its content and the previous entry's hash, so editing, deleting or
reordering any entry breaks the chain from that point on. The database itself also refuses
UPDATE and DELETE on the table (see the migrations).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    target_type: str | None
    target_id: str | None
    case_id: str | None
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target_type: str | None,
    target_id: str | None,
    case_id: str | None,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        [seq, at.isoformat(), actor, action, target_type, target_id, case_id, detail, prev_hash],
        sort_keys=True,
        ensure_ascii=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(entries: Iterable[AuditEntry], start_hash: str = GENESIS) -> ChainBreak | None:
    """The first entry where the chain breaks, or None when it is intact."""
    previous, expected_seq = start_hash, None
    for entry in entries:
        if expected_seq is not None and entry.seq != expected_seq:
            return ChainBreak(entry.seq, f"sequence jumps from {expected_seq - 1} to {entry.seq}")
        if entry.prev_hash != previous:
            return ChainBreak(
                entry.seq, "does not follow the previous entry (deleted or reordered)"
            )
        recomputed = entry_hash(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            case_id=entry.case_id,
            detail=entry.detail,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return ChainBreak(entry.seq, "content was edited after it was written")
        previous, expected_seq = entry.hash, entry.seq + 1
    return None
