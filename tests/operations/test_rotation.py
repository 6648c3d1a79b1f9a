"""Key rotation: everything moves to the new key, resumably; the old key stops working."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.access.totp import new_secret, open_secret, seal_secret
from havenwatch.cases.case_files import get_case
from havenwatch.cases.people import find_people_by_name, get_person
from havenwatch.cases.vault import read_document
from havenwatch.core.settings import Settings
from havenwatch.crypto.keys import KeyFileError, load_key_file, write_key_file
from havenwatch.monitor.ingest import run_ingest
from havenwatch.monitor.leads import list_leads
from havenwatch.operations.instance import open_database
from havenwatch.operations.rotation import (
    PROGRESS_KEY,
    change_passphrase,
    next_key_path,
    rotate_keys,
)
from havenwatch.store.database import Database
from havenwatch.store.instance_values import read_value
from havenwatch.store.schema import people, users
from tests.protection_support import FULL_NAME, add_canary, add_plain_person

HAVENWATCH = [sys.executable, "-m", "havenwatch"]
ROTATION_KILLS = 8


def all_readable(db: Database, settings: Settings, person_ids: list[str]) -> None:
    for person_id in person_ids:
        assert get_person(
            db, person_id, actor="t", with_identity=True, scope=Scope.everything()
        ).identity.full_name


def test_rotation_moves_every_key_and_the_old_key_opens_nothing(
    db: Database, instance_settings: Settings
) -> None:
    canary = add_canary(db, instance_settings)
    old_key = instance_settings.key_file.read_bytes()
    result = rotate_keys(db, instance_settings.key_file, "admin")
    assert result.people_rewrapped == 1 and result.old_key_id != result.new_key_id
    assert not next_key_path(instance_settings.key_file).exists()

    fresh = open_database(instance_settings)
    assert (
        get_person(
            fresh, canary.person_id, actor="t", with_identity=True, scope=Scope.everything()
        ).identity.full_name
        == FULL_NAME
    )
    assert get_case(
        fresh, canary.case_id, with_notes=True, actor="test", scope=Scope.everything()
    ).notes
    assert read_document(
        fresh, instance_settings, canary.document.id, "t", scope=Scope.everything()
    )[1]
    assert find_people_by_name(fresh, "Златослава Кверингтонова", scope=Scope.everything()) == [
        canary.person_id
    ]
    fresh.dispose()

    stale = instance_settings.key_file.with_name("stale.key")
    stale.write_bytes(old_key)
    os.chmod(stale, 0o600)
    old_db = Database(db.url, load_key_file(stale))
    with pytest.raises(KeyFileError):
        get_person(
            old_db, canary.person_id, actor="t", with_identity=True, scope=Scope.everything()
        )
    assert find_people_by_name(old_db, FULL_NAME, scope=Scope.everything()) == []
    old_db.dispose()


def test_rotation_reseals_second_factor_secrets(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    from havenwatch.access.accounts import add_user

    user = add_user(sqlite_db, "alice", "long enough password", "admin", "default", "t")
    keyring = sqlite_db.require_keyring()
    secret = new_secret()
    with sqlite_db.engine.begin() as conn:
        conn.execute(users.update().values(totp_secret=seal_secret(keyring, user.id, secret)))
    result = rotate_keys(sqlite_db, sqlite_settings.key_file, "admin")
    with sqlite_db.read() as conn:
        sealed = conn.execute(select(users.c.totp_secret)).scalar_one()
    assert result.secrets_resealed == 1
    assert open_secret(load_key_file(sqlite_settings.key_file), user.id, sealed) == secret
    with pytest.raises(KeyFileError):
        open_secret(keyring, user.id, sealed)


def test_rotation_reseals_staff_email_addresses(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    from havenwatch.access.accounts import add_user
    from havenwatch.access.staff_email import open_email, set_email

    user = add_user(sqlite_db, "alice", "long enough password", "admin", "default", "t")
    keyring = sqlite_db.require_keyring()
    set_email(sqlite_db, "alice", "alice@example.org", "t")
    result = rotate_keys(sqlite_db, sqlite_settings.key_file, "admin")
    with sqlite_db.read() as conn:
        sealed = conn.execute(select(users.c.email)).scalar_one()
    assert result.secrets_resealed == 1
    assert open_email(load_key_file(sqlite_settings.key_file), user.id, sealed) == (
        "alice@example.org"
    )
    with pytest.raises(KeyFileError):
        open_email(keyring, user.id, sealed)


def test_a_passphrase_protected_key_stays_protected_after_rotation(
    sqlite_db: Database, sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    change_passphrase(sqlite_settings.key_file, None, "correct horse battery")
    with pytest.raises(KeyFileError, match="protected"):
        load_key_file(sqlite_settings.key_file)
    monkeypatch.setenv("HAVENWATCH_KEY_PASSPHRASE", "correct horse battery")
    person_id, _ = add_plain_person(sqlite_db, "Ivan Petrov")
    rotate_keys(sqlite_db, sqlite_settings.key_file, "admin")
    monkeypatch.delenv("HAVENWATCH_KEY_PASSPHRASE")
    with pytest.raises(KeyFileError, match="protected"):
        load_key_file(sqlite_settings.key_file)
    rotated = load_key_file(sqlite_settings.key_file, "correct horse battery")
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        load_key_file(sqlite_settings.key_file, "wrong")
    assert Database(sqlite_db.url, rotated) and sqlite_db.keyring == rotated
    all_readable(sqlite_db, sqlite_settings, [person_id])


def test_a_key_file_readable_by_others_is_refused(
    sqlite_settings: Settings, sqlite_db: Database
) -> None:
    os.chmod(sqlite_settings.key_file, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_key_file(sqlite_settings.key_file)


def cli(settings: Settings, *args: str) -> list[str]:
    return [
        *HAVENWATCH,
        "--data-dir",
        str(settings.data_dir),
        "--database-url",
        settings.database_url,
        "--key-file",
        str(settings.key_file),
        *args,
    ]


def wait_for_rotation_to_start(settings: Settings, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while not next_key_path(settings.key_file).exists() and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_rotation_killed_with_sigkill_again_and_again_completes_when_re_run(
    db: Database, instance_settings: Settings
) -> None:
    person_ids = [add_plain_person(db, f"Person Number{n}")[0] for n in range(400)]
    canary = add_canary(db, instance_settings)
    original = load_key_file(instance_settings.key_file).key_id
    db.dispose()
    rng, interrupted = random.Random(5), 0
    for _ in range(ROTATION_KILLS):
        process = subprocess.Popen(
            cli(instance_settings, "keys", "rotate", "--batch-size", "1"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_rotation_to_start(instance_settings, process)
        time.sleep(rng.uniform(0.0, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait()
        if next_key_path(instance_settings.key_file).exists():
            interrupted += 1
    finished = subprocess.run(
        cli(instance_settings, "keys", "rotate"), capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr
    assert interrupted >= ROTATION_KILLS // 2

    current = load_key_file(instance_settings.key_file)
    assert current.key_id != original
    assert not next_key_path(instance_settings.key_file).exists()
    fresh = open_database(instance_settings)
    with fresh.read() as conn:
        wrapped = conn.execute(select(people.c.wrapped_key)).scalars().all()
        assert read_value(conn, PROGRESS_KEY) is None
    assert all(current.is_current(w) for w in wrapped)
    all_readable(fresh, instance_settings, [*person_ids, canary.person_id])
    assert read_document(
        fresh, instance_settings, canary.document.id, "t", scope=Scope.everything()
    )[1]
    assert find_people_by_name(fresh, FULL_NAME, scope=Scope.everything()) == [canary.person_id]
    fresh.dispose()


def test_rotation_refuses_a_key_given_in_the_environment(
    sqlite_db: Database, sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAVENWATCH_DATA_KEY", sqlite_settings.key_file.read_text())
    with pytest.raises(Exception, match="HAVENWATCH_DATA_KEY"):
        rotate_keys(sqlite_db, sqlite_settings.key_file, "admin")


def test_passphrase_command_adds_and_removes_the_passphrase(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    add = subprocess.run(
        cli(sqlite_settings, "keys", "passphrase", "--stdin"),
        input="\nnew secret words\n",
        capture_output=True,
        text=True,
    )
    assert add.returncode == 0, add.stderr
    with pytest.raises(KeyFileError):
        load_key_file(sqlite_settings.key_file)
    remove = subprocess.run(
        cli(sqlite_settings, "keys", "passphrase", "--stdin", "--remove"),
        input="new secret words\n",
        capture_output=True,
        text=True,
    )
    assert remove.returncode == 0, remove.stderr
    assert load_key_file(sqlite_settings.key_file).key_id
    shutil.rmtree(sqlite_settings.data_dir / "vault", ignore_errors=True)


def test_write_key_file_is_private(tmp_path: Path) -> None:
    from havenwatch.crypto.keys import generate_keyring

    path = tmp_path / "k.key"
    write_key_file(path, generate_keyring())
    assert path.stat().st_mode & 0o777 == 0o600


def test_rotation_rewraps_the_monitor_key_so_leads_open_with_the_new_key_only(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    canary = add_canary(db, instance_settings)
    report = tmp_path / "news" / "report.txt"
    report.parent.mkdir()
    report.write_text(
        f"Published: 2024-05-04\n{FULL_NAME}, a Russian activist, was refused entry at "
        "Belgrade airport on 3 May 2024.\n",
        encoding="utf-8",
    )
    run_ingest(db, [str(report.parent)], "t")
    old_key = instance_settings.key_file.read_bytes()
    rotate_keys(db, instance_settings.key_file, "admin")

    fresh = open_database(instance_settings)
    (lead,) = list_leads(fresh, scope=Scope.everything())
    assert lead.subject_name and lead.subject_name in FULL_NAME
    assert lead.candidate_person_id == canary.person_id and FULL_NAME in lead.evidence
    fresh.dispose()

    stale = instance_settings.key_file.with_name("stale.key")
    stale.write_bytes(old_key)
    os.chmod(stale, 0o600)
    old_db = Database(db.url, load_key_file(stale))
    with pytest.raises(KeyFileError):
        list_leads(old_db, scope=Scope.everything())
    old_db.dispose()
