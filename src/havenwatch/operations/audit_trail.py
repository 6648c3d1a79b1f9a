"""Reading and verifying the stored audit log, and signing checkpoints of its head.

The chain itself (hashing, the rules an intact chain obeys) lives in `security.audit`; the
signed checkpoints in `security.audit_checkpoint`. This module connects both to the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, Select, func, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import audit_visibility
from havenwatch.core.clock import utcnow
from havenwatch.operations.audit_checkpoint import (
    Checkpoint,
    CheckpointError,
    check_signature,
    compare_with_log,
    public_key_text,
    sign_checkpoint,
)
from havenwatch.operations.audit_verified import VerifiedHead, compare_with_verified
from havenwatch.store.audit_chain import GENESIS, AuditEntry, ChainBreak, verify_chain
from havenwatch.store.database import Database
from havenwatch.store.schema import AnyRow, audit_log

SCAN_BATCH = 2000
MAX_PAGE = 1000


def entry_from_row(row: AnyRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        case_id=row.case_id,
        detail=dict(row.detail or {}),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _filtered(
    query: Select[Any], scope: Scope, actor: str | None, case_id: str | None, action: str | None
) -> Select[Any]:
    query = query.where(audit_visibility(scope))
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if case_id:
        query = query.where(audit_log.c.case_id == case_id)
    if action:
        query = query.where(audit_log.c.action == action)
    return query


def list_entries(
    db: Database,
    *,
    scope: Scope,
    actor: str | None = None,
    case_id: str | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    """Entries the scope may read matching every given filter, newest first; at most 1000 a page.

    A scope of named teams reads only entries about their cases (`audit_visibility`).
    """
    query = _filtered(select(audit_log), scope, actor, case_id, action)
    query = query.order_by(audit_log.c.seq.desc())
    query = query.limit(max(0, min(limit, MAX_PAGE))).offset(max(0, offset))
    with db.read() as conn:
        return [entry_from_row(row) for row in conn.execute(query)]


def count_entries(
    db: Database,
    *,
    scope: Scope,
    actor: str | None = None,
    case_id: str | None = None,
    action: str | None = None,
) -> int:
    query = _filtered(select(func.count()).select_from(audit_log), scope, actor, case_id, action)
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


def iter_entries(conn: Connection, *, after_seq: int = 0) -> Iterator[AuditEntry]:
    """Every entry after `after_seq` in sequence order, read in batches to bound memory."""
    last = after_seq
    while True:
        rows = conn.execute(
            select(audit_log)
            .where(audit_log.c.seq > last)
            .order_by(audit_log.c.seq)
            .limit(SCAN_BATCH)
        ).all()
        for row in rows:
            yield entry_from_row(row)
        if len(rows) < SCAN_BATCH:
            return
        last = rows[-1].seq


@dataclass
class ChainScan:
    """What one pass over the chain saw: its head, its first break, chosen entries' hashes."""

    head_seq: int = 0
    head_hash: str = GENESIS
    entries: int = 0
    wanted: frozenset[int] = frozenset()
    hashes: dict[int, str] = field(default_factory=dict)
    broken: ChainBreak | None = None

    def watch(self, entries: Iterable[AuditEntry]) -> Iterator[AuditEntry]:
        for entry in entries:
            if entry.seq in self.wanted:
                self.hashes[entry.seq] = entry.hash
            yield entry
            self.entries += 1
            self.head_seq, self.head_hash = entry.seq, entry.hash


def scan_chain(
    conn: Connection,
    *,
    after_seq: int = 0,
    start_hash: str = GENESIS,
    wanted: Iterable[int] = (),
) -> ChainScan:
    """Walk the chain from `after_seq` (whose hash is `start_hash`) to its head."""
    scan = ChainScan(head_seq=after_seq, head_hash=start_hash, wanted=frozenset(wanted))
    scan.broken = verify_chain(scan.watch(iter_entries(conn, after_seq=after_seq)), start_hash)
    return scan


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of `verify`: intact, or the first entry found broken and why.

    Without a signed checkpoint the result never says "intact": an unbroken chain may still
    have lost its newest entries, which only a checkpoint (or the verified length) shows.
    """

    entries: int
    head_seq: int
    checkpoints: int
    broken_seq: int | None = None
    problem: str | None = None
    head_hash: str = GENESIS
    verified_before: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def unanchored(self) -> bool:
        """Whether nothing signed vouched for the log's length."""
        return self.checkpoints == 0

    def message(self) -> str:
        if not self.ok:
            return f"broken at entry {self.broken_seq}: {self.problem}"
        longer = (
            f", not shorter than the {self.verified_before} entries verified before"
            if self.verified_before is not None
            else ""
        )
        if self.unanchored:
            return (
                f"chain unbroken, {self.entries} entries{longer}; "
                "not checked against a signed checkpoint"
            )
        return (
            f"intact, {self.entries} entries, consistent with {self.checkpoints} checkpoint(s)"
            + (longer)
        )


def _disagreement(
    scan: ChainScan, checkpoints: Sequence[Checkpoint], verified: VerifiedHead | None
) -> tuple[int, str] | None:
    """The first position where the log contradicts a checkpoint or the verified length."""
    for checkpoint in sorted(checkpoints, key=lambda c: c.seq):
        problem = compare_with_log(checkpoint, scan.head_seq, scan.hashes.get(checkpoint.seq))
        if problem is not None:
            return min(checkpoint.seq, scan.head_seq + 1), problem
    if verified is not None:
        problem = compare_with_verified(verified, scan.head_seq, scan.hashes.get(verified.seq))
        if problem is not None:
            return min(verified.seq, scan.head_seq + 1), problem
    return None


def verify(
    db: Database,
    checkpoints: Sequence[Checkpoint] = (),
    trusted_keys: Sequence[Ed25519PublicKey] = (),
    verified: VerifiedHead | None = None,
) -> VerifyResult:
    """Check the whole chain, then that it extends every signed checkpoint and the head
    recorded by the last successful verification (`verified`, see `audit_verified`).

    Without checkpoints, a log whose newest entries were cut off, or a database restored from
    an older copy, still looks like an unbroken chain: pass the admin's checkpoints to catch
    those too. A checkpoint whose signature fails raises `CheckpointError`.
    """
    for checkpoint in checkpoints:
        check_signature(checkpoint, list(trusted_keys))
    wanted = [c.seq for c in checkpoints] + ([verified.seq] if verified else [])
    with db.read() as conn:
        scan = scan_chain(conn, wanted=wanted)
    count = len(checkpoints)
    if scan.broken is not None:
        return VerifyResult(scan.entries, scan.head_seq, count, scan.broken.seq, scan.broken.reason)
    disagreement = _disagreement(scan, checkpoints, verified)
    if disagreement is not None:
        return VerifyResult(scan.entries, scan.head_seq, count, *disagreement)
    return VerifyResult(
        scan.entries,
        scan.head_seq,
        count,
        head_hash=scan.head_hash,
        verified_before=None if verified is None else verified.seq,
    )


def create_checkpoint(db: Database, signing_key: Ed25519PrivateKey, *, actor: str) -> Checkpoint:
    """Sign the head of a verified chain; the checkpoint covers its own audit entry.

    The bulk of the chain is verified without blocking writers; the few entries written
    meanwhile are verified again under the write lock, so nothing unverified gets signed.
    """
    with db.read() as conn:
        verified = scan_chain(conn)
    if verified.broken is not None:
        raise CheckpointError(
            f"refusing to sign a broken log (entry {verified.broken.seq}: "
            f"{verified.broken.reason}); run `havenwatch audit verify`"
        )
    with db.write(actor) as unit:
        unit.audit(
            "audit.checkpoint", detail={"public_key": public_key_text(signing_key.public_key())}
        )
        rest = scan_chain(unit.conn, after_seq=verified.head_seq, start_hash=verified.head_hash)
        if rest.broken is not None:
            raise CheckpointError(f"refusing to sign: entry {rest.broken.seq} is broken")
        return sign_checkpoint(rest.head_seq, rest.head_hash, utcnow(), signing_key)
