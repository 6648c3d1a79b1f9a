"""Key rotation: every wrapped data key and KEK-sealed secret moves to a new key file.

The new key file is written first, beside the current one (`<key file>.next`). People are then
re-wrapped in batches, one transaction each, and their blind-index rows are rebuilt under the
new index key; each wrapped key names the key file that wrapped it, so a re-run skips what is
done. TOTP secrets are re-sealed, and the monitor pool's data key re-wrapped
(`havenwatch.store.monitor_key`). Only when nothing is left under the old key is `.next`
renamed over the key file, atomically. The old key then opens nothing in the live database.

A rotation killed at any point is finished by running it again (with the same passphrase).
Running processes keep the old key in memory: restart the web workspace afterwards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from havenwatch.access.staff_email import open_email, seal_email
from havenwatch.access.totp import open_secret, seal_secret
from havenwatch.cases.people import blind_keys
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import HavenwatchError
from havenwatch.crypto.keys import (
    KeyFileError,
    Keyring,
    generate_keyring,
    is_protected,
    key_id_of,
    load_key_file,
    write_key_file,
)
from havenwatch.crypto.sealing import PersonKey
from havenwatch.store.database import Database, Unit
from havenwatch.store.instance_values import read_value, write_value
from havenwatch.store.monitor_key import rewrap_monitor_key
from havenwatch.store.schema import AnyRow, people, person_name_keys, users

PROGRESS_KEY = "keys.rotation"
NEXT_SUFFIX = ".next"
BATCH_SIZE = 100


class RotationError(HavenwatchError):
    """The rotation cannot go on safely; the message says what to do."""


@dataclass(frozen=True)
class RotationResult:
    old_key_id: str
    new_key_id: str
    people_rewrapped: int
    secrets_resealed: int


def next_key_path(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + NEXT_SUFFIX)


def _require_key_file(key_file: Path) -> None:
    if os.environ.get("HAVENWATCH_DATA_KEY"):
        raise RotationError(
            "the key is given in HAVENWATCH_DATA_KEY: rotation needs a key file it can replace"
        )
    if not key_file.exists():
        raise RotationError(f"no key file at {key_file}")


def _new_keyring(key_file: Path, passphrase: str | None) -> Keyring:
    """The key being rotated to: the one a killed rotation left behind, or a fresh one."""
    pending = next_key_path(key_file)
    if pending.exists():
        return load_key_file(pending, passphrase)
    keyring = generate_keyring()
    write_key_file(pending, keyring, passphrase)
    return keyring


def _rewrap_person(unit: Unit, row: AnyRow, old: Keyring, new: Keyring) -> None:
    wrapped = new.wrap(old.unwrap(row.wrapped_key, row.id), row.id)
    identity = PersonKey(new, wrapped, row.id).open_identity(row.identity, row.id)
    unit.conn.execute(people.update().where(people.c.id == row.id).values(wrapped_key=wrapped))
    unit.conn.execute(person_name_keys.delete().where(person_name_keys.c.person_id == row.id))
    keys = blind_keys(new, identity, row.pseudonym)
    if keys:
        unit.conn.execute(
            person_name_keys.insert(), [{"person_id": row.id, "name_key": k} for k in keys]
        )


def _rewrap_batch(db: Database, old: Keyring, new: Keyring, after: str, size: int) -> str:
    """Re-wrap the next batch of people (one transaction); the last id seen, "" at the end."""
    moved = 0
    with db.write("system:key-rotation") as unit:
        rows = unit.conn.execute(
            select(people.c.id, people.c.pseudonym, people.c.wrapped_key, people.c.identity)
            .where(people.c.id > after, people.c.wrapped_key.is_not(None))
            .order_by(people.c.id)
            .limit(size)
        ).all()
        for row in rows:
            if new.is_current(row.wrapped_key):
                continue
            if not old.is_current(row.wrapped_key):
                raise RotationError(
                    f"person {row.id} is wrapped by key {key_id_of(row.wrapped_key)}, which is "
                    "neither the current nor the new key file"
                )
            _rewrap_person(unit, row, old, new)
            moved += 1
        progress = dict(read_value(unit.conn, PROGRESS_KEY) or {})
        progress["rewrapped"] = int(progress.get("rewrapped", 0)) + moved
        write_value(unit.conn, PROGRESS_KEY, progress)
    return str(rows[-1].id) if rows else ""


def _reseal_secrets(db: Database, old: Keyring, new: Keyring) -> int:
    """TOTP secrets and staff e-mail addresses are sealed under the KEK itself; AES-GCM
    tells which key sealed each. The monitor pool's wrapped data key names its key file, like a
    person's."""
    resealed = 0
    sealed_columns = (
        (users.c.totp_secret, open_secret, seal_secret),
        (users.c.email, open_email, seal_email),
    )
    with db.write("system:key-rotation") as unit:
        for column, opener, sealer in sealed_columns:
            rows = unit.conn.execute(select(users.c.id, column).where(column.is_not(None))).all()
            for row in rows:
                try:
                    opener(new, row.id, row[1])
                    continue
                except KeyFileError:
                    secret = opener(old, row.id, row[1])
                unit.conn.execute(
                    users.update()
                    .where(users.c.id == row.id)
                    .values({column.name: sealer(new, row.id, secret)})
                )
                resealed += 1
        resealed += int(rewrap_monitor_key(unit.conn, old, new))
    return resealed


def _start(db: Database, old: Keyring, new: Keyring, actor: str) -> None:
    with db.write(actor) as unit:
        progress = read_value(unit.conn, PROGRESS_KEY) or {}
        if progress.get("to") == new.key_id:
            return
        write_value(
            unit.conn,
            PROGRESS_KEY,
            {"from": old.key_id, "to": new.key_id, "started_at": utcnow().isoformat()},
        )
        unit.audit("keys.rotate_start", detail={"from": old.key_id, "to": new.key_id})


def _swap(key_file: Path) -> None:
    os.replace(next_key_path(key_file), key_file)
    descriptor = os.open(key_file.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _finish(db: Database, old_id: str, new: Keyring, actor: str) -> int:
    with db.write(actor) as unit:
        progress = read_value(unit.conn, PROGRESS_KEY) or {}
        write_value(unit.conn, PROGRESS_KEY, None)
        unit.audit(
            "keys.rotate",
            detail={"from": progress.get("from", old_id), "to": new.key_id},
        )
    db.keyring = new
    return int(progress.get("rewrapped", 0))


def _unfinished_after_swap(db: Database, current: Keyring) -> bool:
    """True when a rotation was killed after the key swap but before it was recorded."""
    with db.read() as conn:
        progress = read_value(conn, PROGRESS_KEY) or {}
    return progress.get("to") == current.key_id


def _passphrase_for(key_file: Path, passphrase: str | None) -> str | None:
    """The new key file is protected exactly when the current one is."""
    if not is_protected(key_file):
        return None
    return passphrase or os.environ.get("HAVENWATCH_KEY_PASSPHRASE")


def rotate_keys(
    db: Database,
    key_file: Path,
    actor: str,
    *,
    passphrase: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> RotationResult:
    """Move everything to a new key file, resuming a rotation that was interrupted."""
    _require_key_file(key_file)
    passphrase = _passphrase_for(key_file, passphrase)
    current = load_key_file(key_file, passphrase)
    if not next_key_path(key_file).exists() and _unfinished_after_swap(db, current):
        rewrapped = _finish(db, current.key_id, current, actor)
        return RotationResult(current.key_id, current.key_id, rewrapped, 0)
    new = _new_keyring(key_file, passphrase)
    _start(db, current, new, actor)
    after = _rewrap_batch(db, current, new, "", batch_size)
    while after:
        after = _rewrap_batch(db, current, new, after, batch_size)
    resealed = _reseal_secrets(db, current, new)
    _swap(key_file)
    rewrapped = _finish(db, current.key_id, new, actor)
    return RotationResult(current.key_id, new.key_id, rewrapped, resealed)


def change_passphrase(key_file: Path, old: str | None, new: str | None) -> Keyring:
    """Re-write the key file under a new passphrase (or none); the keys themselves stay."""
    _require_key_file(key_file)
    keyring = load_key_file(key_file, old)
    write_key_file(key_file, keyring, new or None)
    return keyring
