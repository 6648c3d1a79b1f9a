"""Backups: one encrypted, integrity-checked archive of the database, vault and audit log.

The archive (see `havenwatch.operations.archive`) holds a tar stream with the database — for
SQLite a consistent copy made with `VACUUM INTO` while the app runs, for PostgreSQL a logical
dump of every table taken in one repeatable-read snapshot —, the vault files the snapshot
refers to, the audit log as JSON lines, and last a manifest with the SHA-256 of every member.

Restore checks everything before it touches the instance: the key, every chunk, every member
hash, the audit chain, and that the data keys inside were wrapped by the current key file.
It never replaces an existing instance unless asked to with `force`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, create_engine, select

from havenwatch.core.errors import HavenwatchError
from havenwatch.core.settings import Settings
from havenwatch.operations.archive import EncryptingWriter, archive_key, new_header
from havenwatch.operations.table_dump import dump_tables, table_rows
from havenwatch.store import migrate
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, documents

FORMAT = "havenwatch-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite"
DUMP_MEMBER = "database.jsonl"
AUDIT_MEMBER = "audit.jsonl"
VAULT_PREFIX = "vault/"
COPY_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vault_files: int
    audit_entries: int


@contextmanager
def staging_directory(settings: Settings, purpose: str) -> Iterator[Path]:
    """A private scratch directory beside the data directory, always removed afterwards."""
    settings.data_dir.parent.mkdir(parents=True, exist_ok=True)
    path = Path(
        tempfile.mkdtemp(
            prefix=f".{settings.data_dir.name}.{purpose}-", dir=settings.data_dir.parent
        )
    )
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def sqlite_path(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(COPY_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _snapshot_sqlite(db: Database, staging: Path) -> Path:
    target = staging / SQLITE_MEMBER
    raw = db.engine.raw_connection()
    try:
        raw.cursor().execute("VACUUM INTO ?", (str(target),))
    finally:
        raw.close()
    return target


def _write_lines(path: Path, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def _describe_snapshot(conn: Connection, staging: Path) -> tuple[list[str], int]:
    """Vault files the snapshot refers to, and the audit log written beside it."""
    names = [str(name) for name in conn.execute(select(documents.c.vault_name)).scalars()]
    entries = _write_lines(staging / AUDIT_MEMBER, table_rows(conn, audit_log))
    return names, entries


def _snapshot(db: Database, staging: Path) -> tuple[Path, list[str], int]:
    if db.is_sqlite:
        database = _snapshot_sqlite(db, staging)
        engine = create_engine(f"sqlite:///{database}")
        try:
            with engine.connect() as conn:
                names, entries = _describe_snapshot(conn, staging)
        finally:
            engine.dispose()
        return database, names, entries
    database = staging / DUMP_MEMBER
    snapshot = db.engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with snapshot as conn, conn.begin(), database.open("w", encoding="utf-8") as out:
        dump_tables(conn, out)
        names, entries = _describe_snapshot(conn, staging)
    return database, names, entries


def _add_member(tar: tarfile.TarFile, name: str, path: Path) -> str:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = path.stat().st_size, 0o600, 0
    with path.open("rb") as handle:
        tar.addfile(info, handle)
    return _sha256_file(path)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, 0
    tar.addfile(info, io.BytesIO(data))


def _write_archive(
    sink: BinaryIO,
    writer: EncryptingWriter,
    members: list[tuple[str, Path]],
    manifest: dict[str, Any],
) -> None:
    files: dict[str, str] = {}
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
        for name, path in members:
            files[name] = _add_member(tar, name, path)
        manifest["files"] = files
        _add_bytes(tar, MANIFEST, json.dumps(manifest, sort_keys=True, indent=1).encode())
    writer.close()
    sink.flush()
    os.fsync(sink.fileno())


def create_backup(
    db: Database, settings: Settings, output: Path, actor: str, *, passphrase: str | None = None
) -> BackupResult:
    """Write one archive of the running instance to `output` (which must not exist yet)."""
    keyring = db.require_keyring()
    if output.exists():
        raise HavenwatchError(f"{output} already exists; choose a new file name")
    with db.write(actor) as unit:
        unit.audit("backup.create", detail={"passphrase": bool(passphrase)})
    header = new_header(keyring, passphrase)
    with staging_directory(settings, "backup") as staging:
        database, names, entries = _snapshot(db, staging)
        vault = [
            (VAULT_PREFIX + n, settings.vault_dir / n)
            for n in names
            if (settings.vault_dir / n).exists()
        ]
        members = [(database.name, database), (AUDIT_MEMBER, staging / AUDIT_MEMBER), *vault]
        manifest = {
            "format": FORMAT,
            "created_at": header.created_at,
            "backend": "sqlite" if db.is_sqlite else "postgresql",
            "schema": sorted(migrate.current_revisions(db)),
            "key_id": keyring.key_id,
            "audit_entries": entries,
            "missing_vault_files": len(names) - len(vault),
        }
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("xb") as sink:
                os.chmod(partial, 0o600)
                writer = EncryptingWriter(sink, header, archive_key(header, keyring, passphrase))
                _write_archive(sink, writer, members, manifest)
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(output, len(vault), entries)
