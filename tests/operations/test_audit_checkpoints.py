"""Signed checkpoints: made from the command line with a key kept off the server, checked
against the admin's public key, refused when altered or signed by someone else."""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from havenwatch.access.scope import Scope
from havenwatch.core.settings import Settings
from havenwatch.operations.audit_checkpoint import CheckpointError, read_checkpoint
from havenwatch.operations.audit_trail import create_checkpoint, list_entries, verify
from havenwatch.store.database import Database
from tests.operations.audit_cli import run_cli, write_entries
from tests.operations.audit_tampering import tamper


@pytest.fixture
def admin_dir(tmp_path: Path) -> Path:
    """The admin's own machine or USB stick: outside the data directory."""
    path = tmp_path / "admin"
    path.mkdir()
    return path


def test_keygen_checkpoint_and_verify_from_the_command_line(
    db: Database, instance_settings: Settings, admin_dir: Path
) -> None:
    write_entries(db, 3)
    key, checkpoint = admin_dir / "audit.key", admin_dir / "checkpoint-1.json"

    assert run_cli(instance_settings, "audit", "keygen", "--output", str(key)).exit_code == 0
    made = run_cli(
        instance_settings,
        "audit",
        "checkpoint",
        "--signing-key",
        str(key),
        "--output",
        str(checkpoint),
    )
    assert made.exit_code == 0, made.output
    checked = run_cli(
        instance_settings,
        "audit",
        "verify",
        "--checkpoint",
        str(checkpoint),
        "--public-key",
        f"{key}.pub",
    )

    assert checked.exit_code == 0, checked.output
    assert "intact, 4 entries, consistent with 1 checkpoint(s)" in checked.output
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert json.loads(checkpoint.read_text())["seq"] == 4
    assert list_entries(db, limit=1, scope=Scope.everything())[0].action == "audit.checkpoint"


def test_verify_from_the_command_line_fails_on_a_truncated_log(
    db: Database, instance_settings: Settings, admin_dir: Path
) -> None:
    write_entries(db, 5)
    key, checkpoint = admin_dir / "audit.key", admin_dir / "checkpoint.json"
    run_cli(instance_settings, "audit", "keygen", "--output", str(key))
    run_cli(
        instance_settings,
        "audit",
        "checkpoint",
        "--signing-key",
        str(key),
        "--output",
        str(checkpoint),
    )
    tamper(db, ["DELETE FROM audit_log WHERE seq > 2"])

    result = run_cli(instance_settings, "audit", "verify", "--checkpoint", str(checkpoint))

    assert result.exit_code == 1
    assert "broken at entry 3" in result.output
    assert "tail was removed" in result.output


def test_the_signing_key_and_checkpoint_may_not_live_in_the_data_directory(
    db: Database, instance_settings: Settings
) -> None:
    inside = instance_settings.data_dir / "audit.key"

    result = run_cli(instance_settings, "audit", "keygen", "--output", str(inside))

    assert result.exit_code == 1
    assert "outside the data directory" in result.output
    assert not inside.exists()


def test_a_checkpoint_with_an_altered_head_is_refused(db: Database) -> None:
    write_entries(db, 3)
    checkpoint = create_checkpoint(db, Ed25519PrivateKey.generate(), actor="admin")
    forged = dataclasses.replace(checkpoint, seq=2)

    with pytest.raises(CheckpointError, match="invalid signature"):
        verify(db, [forged])


def test_a_checkpoint_signed_by_another_key_is_refused_when_the_admin_key_is_pinned(
    db: Database,
) -> None:
    admin, stranger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    write_entries(db, 3)
    checkpoint = create_checkpoint(db, stranger, actor="stranger")

    with pytest.raises(CheckpointError, match="signed by another key"):
        verify(db, [checkpoint], [admin.public_key()])
    assert verify(db, [checkpoint], [stranger.public_key()]).ok


def test_a_checkpoint_file_round_trips(db: Database, admin_dir: Path) -> None:
    write_entries(db, 2)
    checkpoint = create_checkpoint(db, Ed25519PrivateKey.generate(), actor="admin")
    path = admin_dir / "checkpoint.json"
    path.write_text(checkpoint.to_json())

    assert read_checkpoint(path) == checkpoint


def test_no_checkpoint_is_signed_over_a_broken_chain(db: Database) -> None:
    write_entries(db, 4)
    tamper(db, ["UPDATE audit_log SET action = 'nothing.happened' WHERE seq = 2"])

    with pytest.raises(CheckpointError, match="refusing to sign a broken log"):
        create_checkpoint(db, Ed25519PrivateKey.generate(), actor="admin")
