"""`audit verify` without a checkpoint warns instead of saying "intact", and fails when the log
has become shorter than the length it last verified (kept beside the key file)."""

from __future__ import annotations

import stat

from havenwatch.core.clock import utcnow
from havenwatch.core.settings import Settings
from havenwatch.operations.audit_verified import (
    VerifiedHead,
    read_verified,
    verified_length_file,
    write_verified,
)
from havenwatch.store.database import Database
from tests.operations.audit_cli import run_cli, write_entries
from tests.operations.audit_tampering import tamper


def test_verify_without_a_checkpoint_warns_and_never_says_intact(
    db: Database, instance_settings: Settings
) -> None:
    write_entries(db, 4)

    result = run_cli(instance_settings, "audit", "verify")

    assert result.exit_code == 0, result.output
    assert "intact" not in result.output
    assert "chain unbroken, 4 entries" in result.stdout
    assert "not checked against a signed checkpoint" in result.stdout
    assert "warning: no signed checkpoint to verify against" in result.stderr


def test_verify_fails_after_the_whole_log_was_deleted(
    db: Database, instance_settings: Settings
) -> None:
    write_entries(db, 6)
    assert run_cli(instance_settings, "audit", "verify").exit_code == 0
    tamper(db, ["DELETE FROM audit_log"])

    result = run_cli(instance_settings, "audit", "verify")

    assert result.exit_code == 1
    assert "intact" not in result.output
    assert "the log ends at entry 0 but it held 6 entries" in result.stdout


def test_verify_fails_when_the_newest_entries_were_cut_off(
    db: Database, instance_settings: Settings
) -> None:
    write_entries(db, 6)
    assert run_cli(instance_settings, "audit", "verify").exit_code == 0
    tamper(db, ["DELETE FROM audit_log WHERE seq > 4"])

    result = run_cli(instance_settings, "audit", "verify")

    assert result.exit_code == 1
    assert "broken at entry 5: the log ends at entry 4 but it held 6 entries" in result.stdout
    assert "newest entries were deleted" in result.stdout


def test_verify_fails_when_a_cut_log_has_grown_past_the_verified_length_again(
    db: Database, instance_settings: Settings
) -> None:
    write_entries(db, 5)
    assert run_cli(instance_settings, "audit", "verify").exit_code == 0
    tamper(db, ["DELETE FROM audit_log WHERE seq > 2"])
    write_entries(db, 5, actor="someone-else")

    result = run_cli(instance_settings, "audit", "verify")

    assert result.exit_code == 1
    assert "entry 5 differs from the one verified" in result.stdout


def test_a_growing_log_passes_and_moves_the_verified_length_forward(
    db: Database, instance_settings: Settings
) -> None:
    path = verified_length_file(instance_settings.key_file)
    write_entries(db, 3)
    assert run_cli(instance_settings, "audit", "verify").exit_code == 0
    first = read_verified(path)
    write_entries(db, 2)

    result = run_cli(instance_settings, "audit", "verify")

    assert result.exit_code == 0, result.output
    assert "not shorter than the 3 entries verified before" in result.stdout
    second = read_verified(path)
    assert first is not None and second is not None
    assert (first.seq, second.seq) == (3, 5)


def test_accept_shorter_records_the_length_of_a_log_restored_on_purpose(
    db: Database, instance_settings: Settings
) -> None:
    write_entries(db, 6)
    assert run_cli(instance_settings, "audit", "verify").exit_code == 0
    tamper(db, ["DELETE FROM audit_log WHERE seq > 3"])

    assert run_cli(instance_settings, "audit", "verify", "--accept-shorter").exit_code == 0
    assert run_cli(instance_settings, "audit", "verify").exit_code == 0
    recorded = read_verified(verified_length_file(instance_settings.key_file))
    assert recorded is not None and recorded.seq == 3


def test_the_verified_length_is_a_private_file_beside_the_key_file(
    db: Database, instance_settings: Settings
) -> None:
    write_entries(db, 2)
    assert run_cli(instance_settings, "audit", "verify").exit_code == 0

    path = verified_length_file(instance_settings.key_file)
    assert path.parent == instance_settings.key_file.parent
    assert not path.is_relative_to(instance_settings.data_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if "partial" in p.name] == []


def test_a_damaged_verified_length_file_is_a_one_line_error(
    db: Database, instance_settings: Settings
) -> None:
    path = verified_length_file(instance_settings.key_file)
    path.write_text("{not json", "utf-8")

    result = run_cli(instance_settings, "audit", "verify")

    assert result.exit_code == 1
    assert result.stderr.startswith("havenwatch: error: cannot read the verified-length file")
    assert "Traceback" not in result.output


def test_writing_replaces_the_file_whole(instance_settings: Settings) -> None:
    path = verified_length_file(instance_settings.key_file)
    write_verified(path, VerifiedHead(7, "a" * 64, utcnow()))
    write_verified(path, VerifiedHead(9, "b" * 64, utcnow()))

    recorded = read_verified(path)
    assert recorded is not None and (recorded.seq, recorded.hash) == (9, "b" * 64)
