"""`havenwatch audit verify` names the first entry an attacker edited, deleted or reordered,
and signed checkpoints catch a cut-off tail or a database restored from an older copy."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from havenwatch.core.settings import Settings
from havenwatch.operations.audit_trail import create_checkpoint, verify
from havenwatch.store.database import Database
from tests.operations.audit_cli import run_cli, write_entries
from tests.operations.audit_tampering import drop_snapshot, restore, snapshot, tamper


def test_audit_verify_passes_an_untouched_log(db: Database, instance_settings: Settings) -> None:
    write_entries(db, 6)

    result = run_cli(instance_settings, "audit", "verify")

    assert result.exit_code == 0, result.output
    assert "chain unbroken, 6 entries" in result.output


def test_audit_verify_catches_an_edited_entry(db: Database, instance_settings: Settings) -> None:
    write_entries(db, 6)
    tamper(db, ["UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3"])

    result = run_cli(instance_settings, "audit", "verify")

    assert result.exit_code == 1
    assert "broken at entry 3" in result.output
    assert "edited" in result.output


def test_audit_verify_catches_a_deleted_entry(db: Database, instance_settings: Settings) -> None:
    write_entries(db, 6)
    tamper(db, ["DELETE FROM audit_log WHERE seq = 3"])

    result = run_cli(instance_settings, "audit", "verify")

    assert result.exit_code == 1
    assert "broken at entry 4" in result.output
    assert "sequence jumps from 2 to 4" in result.output


def test_audit_verify_catches_reordered_entries(db: Database, instance_settings: Settings) -> None:
    write_entries(db, 6)
    tamper(
        db,
        [
            "UPDATE audit_log SET seq = -1 WHERE seq = 3",
            "UPDATE audit_log SET seq = 3 WHERE seq = 4",
            "UPDATE audit_log SET seq = 4 WHERE seq = -1",
        ],
    )

    result = run_cli(instance_settings, "audit", "verify")

    assert result.exit_code == 1
    assert "broken at entry 3" in result.output
    assert "deleted or reordered" in result.output


def test_a_log_rewritten_with_fresh_hashes_passes_the_chain_but_fails_the_checkpoint(
    db: Database,
) -> None:
    write_entries(db, 4)
    checkpoint = create_checkpoint(db, Ed25519PrivateKey.generate(), actor="admin")
    write_entries(db, 2)
    tamper(db, ["DELETE FROM audit_log"])
    write_entries(db, 9, actor="forger")

    assert verify(db).ok
    result = verify(db, [checkpoint])
    assert not result.ok
    assert result.broken_seq == checkpoint.seq
    assert "differs from the checkpoint" in (result.problem or "")


def test_a_truncated_tail_is_caught_only_with_a_checkpoint(db: Database) -> None:
    write_entries(db, 5)
    checkpoint = create_checkpoint(db, Ed25519PrivateKey.generate(), actor="admin")
    tamper(db, [f"DELETE FROM audit_log WHERE seq > {checkpoint.seq - 2}"])

    assert verify(db).ok
    result = verify(db, [checkpoint])
    assert not result.ok
    assert result.broken_seq == checkpoint.seq - 1
    assert "tail was removed" in (result.problem or "")


def test_a_database_restored_to_an_older_copy_is_caught_with_a_checkpoint(db: Database) -> None:
    write_entries(db, 3)
    older = snapshot(db, "older")
    try:
        write_entries(db, 3)
        checkpoint = create_checkpoint(db, Ed25519PrivateKey.generate(), actor="admin")
        restore(db, older)
        write_entries(db, 10, actor="after-restore")

        assert verify(db).ok
        result = verify(db, [checkpoint])
    finally:
        drop_snapshot(db, older)
    assert not result.ok
    assert result.broken_seq == checkpoint.seq
    assert "restored from an older copy" in (result.problem or "")


def test_a_log_that_grew_after_the_checkpoint_is_still_intact(db: Database) -> None:
    write_entries(db, 3)
    first = create_checkpoint(db, Ed25519PrivateKey.generate(), actor="admin")
    write_entries(db, 3)
    second = create_checkpoint(db, Ed25519PrivateKey.generate(), actor="admin")
    write_entries(db, 3)

    result = verify(db, [second, first])

    assert result.ok
    assert result.message() == "intact, 11 entries, consistent with 2 checkpoint(s)"
