"""Restoring a backup archive: check everything first, then replace the instance.

Nothing on disk changes until the archive has been read to its end with every chunk and
member hash checked, its audit chain verified, and the data keys inside found to be wrapped by
the current key file. An existing instance is replaced only with `force`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from havenwatch.core.errors import HavenwatchError
from havenwatch.core.settings import Settings
from havenwatch.crypto.keys import Keyring, key_id_of, load_key_file
from havenwatch.operations.archive import ArchiveError, DecryptingReader, archive_key, read_header
from havenwatch.operations.backup import (
    AUDIT_MEMBER,
    COPY_BLOCK,
    DUMP_MEMBER,
    FORMAT,
    MANIFEST,
    SQLITE_MEMBER,
    VAULT_PREFIX,
    sqlite_path,
    staging_directory,
)
from havenwatch.operations.instance import open_database
from havenwatch.operations.table_dump import decode_row, load_tables, parse_lines
from havenwatch.store import migrate
from havenwatch.store.audit_chain import AuditEntry, verify_chain
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log

MEMBER_NAME = re.compile(
    r"^(manifest\.json|database\.sqlite|database\.jsonl|audit\.jsonl|vault/[0-9a-f]{32})$"
)

AUDIT_FIELDS = [field.name for field in fields(AuditEntry)]


class RestoreRefused(HavenwatchError):
    """The restore would lose data or could not give a working instance."""


@dataclass(frozen=True)
class RestoreResult:
    created_at: str
    vault_files: int
    audit_entries: int


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, staging: Path) -> str:
    if not member.isfile() or not MEMBER_NAME.match(member.name):
        raise ArchiveError(f"the archive holds an unexpected entry ({member.name[:80]!r})")
    source = tar.extractfile(member)
    target = staging / member.name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    assert source is not None
    with target.open("xb") as out:
        for block in iter(lambda: source.read(COPY_BLOCK), b""):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _unpack(
    archive: Path, staging: Path, keyring: Keyring, passphrase: str | None
) -> dict[str, Any]:
    """Decrypt and unpack into `staging`; the manifest, once every hash has matched."""
    hashes: dict[str, str] = {}
    try:
        with archive.open("rb") as source:
            header, raw_header = read_header(source)
            reader = DecryptingReader(source, raw_header, archive_key(header, keyring, passphrase))
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    if member.name in hashes:
                        raise ArchiveError(f"the archive holds {member.name} twice")
                    hashes[member.name] = _extract_member(tar, member, staging)
            reader.check_complete()
    except (tarfile.TarError, EOFError):
        raise ArchiveError("the archive is damaged (its contents cannot be read)") from None
    except FileNotFoundError:
        raise ArchiveError(f"no archive at {archive}") from None
    return _checked_manifest(staging, hashes)


def _checked_manifest(staging: Path, hashes: dict[str, str]) -> dict[str, Any]:
    if MANIFEST not in hashes:
        raise ArchiveError("the archive has no manifest (it is incomplete)")
    manifest: dict[str, Any] = json.loads((staging / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise ArchiveError("the archive's manifest has an unknown format")
    expected = dict(manifest.get("files", {}))
    found = {name: digest for name, digest in hashes.items() if name != MANIFEST}
    if expected != found:
        bad = sorted(set(expected.items()) ^ set(found.items()))
        raise ArchiveError(f"the archive is damaged ({bad[0][0]} does not match the manifest)")
    return manifest


def _audit_entries(path: Path) -> Iterator[AuditEntry]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = decode_row(audit_log, json.loads(line))
            yield AuditEntry(**{name: row[name] for name in AUDIT_FIELDS})


def _wrapped_keys(staging: Path) -> Iterator[bytes]:
    if (staging / SQLITE_MEMBER).exists():
        connection = sqlite3.connect(f"file:{staging / SQLITE_MEMBER}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise ArchiveError("the database in the archive is damaged")
            query = "SELECT wrapped_key FROM people WHERE wrapped_key IS NOT NULL"
            yield from (bytes(row[0]) for row in connection.execute(query))
        finally:
            connection.close()
        return
    with (staging / DUMP_MEMBER).open(encoding="utf-8") as lines:
        for table, row in parse_lines(lines):
            if table == "people" and row.get("wrapped_key"):
                yield base64.b64decode(row["wrapped_key"])


def _check_contents(
    staging: Path, manifest: dict[str, Any], keyring: Keyring, target: Database
) -> None:
    broken = verify_chain(_audit_entries(staging / AUDIT_MEMBER))
    if broken is not None:
        raise ArchiveError(f"the audit log in the archive is broken at entry {broken.seq}")
    for wrapped in _wrapped_keys(staging):
        if key_id_of(wrapped) != keyring.key_id:
            raise RestoreRefused(
                f"the data in this archive is encrypted under key file {key_id_of(wrapped)}, "
                f"not the current one ({keyring.key_id}); restore with that key file"
            )
    if (staging / SQLITE_MEMBER).exists() and not target.is_sqlite:
        raise RestoreRefused("this archive holds a SQLite database; restore it into SQLite")
    if (staging / DUMP_MEMBER).exists() and set(manifest["schema"]) != migrate.head_revisions(
        target
    ):
        raise RestoreRefused(
            "the archive was made by another version of havenwatch (schema differs)"
        )


def _instance_exists(settings: Settings, target: Database) -> bool:
    if target.is_sqlite:
        return sqlite_path(settings).exists()
    return bool(inspect(target.engine).get_table_names())


def _clear_database(settings: Settings, target: Database) -> None:
    target.dispose()
    if target.is_sqlite:
        base = sqlite_path(settings)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{base}{suffix}").unlink(missing_ok=True)
        return
    with target.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    target.dispose()


def _install_database(settings: Settings, staging: Path, target: Database) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if (staging / SQLITE_MEMBER).exists():
        destination = sqlite_path(settings)
        shutil.move(staging / SQLITE_MEMBER, destination)
        os.chmod(destination, 0o600)
        migrate.upgrade(target)
        return
    migrate.upgrade(target)
    with target.engine.begin() as conn, (staging / DUMP_MEMBER).open(encoding="utf-8") as lines:
        load_tables(conn, parse_lines(lines))


def _install_vault(settings: Settings, staging: Path) -> int:
    staged = staging / VAULT_PREFIX.rstrip("/")
    staged.mkdir(exist_ok=True)
    previous = settings.vault_dir.with_name(settings.vault_dir.name + ".replaced")
    if settings.vault_dir.exists():
        shutil.rmtree(previous, ignore_errors=True)
        os.replace(settings.vault_dir, previous)
    shutil.move(staged, settings.vault_dir)
    os.chmod(settings.vault_dir, 0o700)
    shutil.rmtree(previous, ignore_errors=True)
    return sum(1 for _ in settings.vault_dir.iterdir())


def restore_backup(
    settings: Settings,
    archive: Path,
    actor: str,
    *,
    passphrase: str | None = None,
    force: bool = False,
) -> RestoreResult:
    """Check an archive completely, then make it the instance named by `settings`."""
    keyring = load_key_file(settings.key_file)
    target = Database(settings.database_url, keyring)
    try:
        with staging_directory(settings, "restore") as staging:
            manifest = _unpack(archive, staging, keyring, passphrase)
            _check_contents(staging, manifest, keyring, target)
            if _instance_exists(settings, target):
                if not force:
                    raise RestoreRefused(
                        f"an instance already exists at {settings.data_dir}; restore will not "
                        "overwrite it (back it up, then use --force)"
                    )
                _clear_database(settings, target)
            _install_database(settings, staging, target)
            vault_files = _install_vault(settings, staging)
    finally:
        target.dispose()
    db = open_database(settings)
    try:
        with db.write(actor) as unit:
            unit.audit("backup.restore", detail={"archive_created_at": manifest["created_at"]})
    finally:
        db.dispose()
    return RestoreResult(str(manifest["created_at"]), vault_files, int(manifest["audit_entries"]))
