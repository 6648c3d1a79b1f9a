"""The evidence vault: uploaded files, encrypted with their owner's data key.

A file is sealed (AES-GCM) with the data key of the person whose case it belongs to, so a
purge of that person shreds their files along with everything else. It is stored under a
random name in `Settings.vault_dir`; the database row (`documents`) keeps the sealed original
filename, the media type, a size rounded up (Padmé) and a keyed fingerprint of the plaintext
SHA-256, which is checked again on every download.

Crash safety: the encrypted file is written to a temporary name, synced, renamed, and only
then is the row inserted. A process killed at any point leaves at worst a file without a row,
never a row without a file; `check_vault` removes such orphans.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility, document_visibility
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import HavenwatchError, NotFoundError
from havenwatch.core.ids import new_id
from havenwatch.core.model import Document
from havenwatch.core.settings import Settings
from havenwatch.crypto.keys import KeyFileError, Keyring
from havenwatch.crypto.padding import pad, padme, unpad
from havenwatch.crypto.sealing import PersonKey
from havenwatch.media import metadata_clean
from havenwatch.media.filetypes import MAX_DOCUMENT_BYTES, sniff
from havenwatch.store.database import Database
from havenwatch.store.rows import DOCUMENT_ROWS
from havenwatch.store.schema import AnyRow, cases, documents, people

VAULT_NAME = re.compile(r"^[0-9a-f]{32}$")
PARTIAL_SUFFIX = ".part"
ORPHAN_GRACE_SECONDS = 3600
MAX_FILENAME_CHARS = 255


class VaultError(HavenwatchError):
    """A stored document cannot be given back as it was uploaded."""


def content_label(document_id: str) -> str:
    return f"documents|content|{document_id}"


def vault_path(settings: Settings, vault_name: str) -> Path:
    if not VAULT_NAME.match(vault_name):
        raise VaultError("a document row names an invalid vault file")
    return settings.vault_dir / vault_name


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_vault_file(directory: Path, vault_name: str, blob: bytes) -> Path:
    """Write, fsync, rename, fsync the directory: the file is either whole or absent."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = directory / vault_name
    partial = directory / (vault_name + PARTIAL_SUFFIX)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(blob)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, final)
    _sync_directory(directory)
    return final


def clean_filename(filename: str) -> str:
    """The last path component, without control characters, kept only for display."""
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    return name[:MAX_FILENAME_CHARS] or "document"


def _case_owner(conn: Connection, case_id: str, scope: Scope) -> AnyRow:
    query = (
        select(cases.c.id, cases.c.team_id, cases.c.person_id, people.c.wrapped_key)
        .join(people, people.c.id == cases.c.person_id)
        .where(cases.c.id == case_id, case_visibility(scope))
    )
    row = conn.execute(query).first()
    if row is None:
        raise NotFoundError(f"no case {case_id}")
    return row


def _prepare(data: bytes, strip_metadata: bool) -> tuple[bytes, str, bool]:
    """Sniff, then clean: a file whose metadata cannot be removed is refused, never stored."""
    kind = sniff(data, max_bytes=MAX_DOCUMENT_BYTES)
    if not strip_metadata:
        return data, kind.media_type, False
    cleaned = metadata_clean.strip_metadata(data, kind)
    return cleaned.data, kind.media_type, cleaned.stripped


def store_document(
    db: Database,
    settings: Settings,
    *,
    case_id: str,
    filename: str,
    data: bytes,
    actor: str,
    scope: Scope,
    event_id: str | None = None,
    strip_metadata: bool = True,
) -> Document:
    """Check, clean, encrypt and store an upload; the returned document says what was done.

    With `strip_metadata` (the default) identifying metadata is removed from every kind of
    file (see `metadata_clean`); a file of an accepted kind that cannot be read well enough to
    clean it is refused with `UploadRefused` before anything is written.
    """
    keyring = db.require_keyring()
    content, media_type, stripped = _prepare(data, strip_metadata)
    digest = hashlib.sha256(content).digest()
    with db.read() as conn:
        owner = _case_owner(conn, case_id, scope)
    key = PersonKey(keyring, owner.wrapped_key, owner.person_id)
    if not key.available:
        raise VaultError("this case's person was purged: nothing more can be stored for them")
    document_id, vault_name = new_id(), secrets.token_hex(16)
    name = clean_filename(filename)
    path = write_vault_file(
        settings.vault_dir, vault_name, key.seal_bytes(pad(content), content_label(document_id))
    )
    document = Document(
        document_id,
        case_id,
        event_id,
        name,
        media_type,
        len(content),
        digest.hex(),
        stripped,
        utcnow(),
    )
    row = DOCUMENT_ROWS.row(
        document,
        filename=key.seal_text(name, "documents", "filename", document_id),
        size=padme(len(content)),
        sha256=key.fingerprint(digest, content_label(document_id)),
        vault_name=vault_name,
    )
    try:
        with db.write(actor) as unit:
            unit.conn.execute(documents.insert(), row)
            unit.audit(
                "document.upload",
                target_type="document",
                target_id=document_id,
                case_id=case_id,
                detail={"media_type": media_type, "metadata_stripped": stripped},
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return document


def _document_row(conn: Connection, document_id: str, scope: Scope) -> tuple[AnyRow, AnyRow]:
    row = conn.execute(
        select(documents).where(documents.c.id == document_id, document_visibility(scope))
    ).first()
    if row is None:
        raise NotFoundError(f"no document {document_id}")
    try:
        owner = _case_owner(conn, row.case_id, scope)
    except NotFoundError:
        raise NotFoundError(f"no document {document_id}") from None
    return row, owner


def open_document(settings: Settings, row: AnyRow, key: PersonKey) -> tuple[str, bytes]:
    """The plaintext and its SHA-256, after checking it against the recorded fingerprint."""
    if not key.available:
        raise VaultError(f"document {row.id} belonged to a purged person and cannot be opened")
    path = vault_path(settings, row.vault_name)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise VaultError(f"the file of document {row.id} is missing from the vault") from None
    try:
        content = unpad(key.open_bytes(blob, content_label(row.id)))
    except (KeyFileError, ValueError):
        raise VaultError(f"the file of document {row.id} is damaged or was replaced") from None
    digest = hashlib.sha256(content).digest()
    if key.fingerprint(digest, content_label(row.id)) != row.sha256:
        raise VaultError(
            f"document {row.id} does not match the SHA-256 recorded at upload; not served"
        )
    return digest.hex(), content


def _document_from_row(row: AnyRow, key: PersonKey, size: int, sha256: str | None) -> Document:
    filename = key.open_text(row.filename, "documents", "filename", row.id) or "document"
    return DOCUMENT_ROWS.record_of(row, filename=filename, size=size, sha256=sha256)


def read_document(
    db: Database,
    settings: Settings,
    document_id: str,
    actor: str,
    *,
    scope: Scope,
) -> tuple[Document, bytes]:
    """A document and its verified content; the download is recorded in the audit trail."""
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        row, owner = _document_row(unit.conn, document_id, scope)
        key = PersonKey(keyring, owner.wrapped_key, owner.person_id)
        sha256, content = open_document(settings, row, key)
        unit.audit(
            "document.download",
            target_type="document",
            target_id=document_id,
            case_id=row.case_id,
        )
    return _document_from_row(row, key, len(content), sha256), content


def list_documents(db: Database, case_id: str, *, scope: Scope) -> list[Document]:
    """A case's documents with their names; sizes are rounded and hashes unknown until opened."""
    keyring = db.require_keyring()
    with db.read() as conn:
        return documents_in(conn, keyring, case_id, scope)


def documents_in(conn: Connection, keyring: Keyring, case_id: str, scope: Scope) -> list[Document]:
    """`list_documents` inside a transaction the caller holds."""
    owner = _case_owner(conn, case_id, scope)
    key = PersonKey(keyring, owner.wrapped_key, owner.person_id)
    rows = conn.execute(
        select(documents)
        .where(documents.c.case_id == case_id)
        .order_by(documents.c.created_at, documents.c.id)
    ).all()
    if not key.available:
        return []
    return [_document_from_row(row, key, row.size, None) for row in rows]


@dataclass
class VaultReport:
    """What `check_vault` found and did."""

    documents: int = 0
    orphans_removed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not (self.missing or self.damaged)


def _remove_orphans(
    directory: Path, known: set[str], grace_seconds: float, report: VaultReport
) -> None:
    if not directory.exists():
        return
    cutoff = time.time() - grace_seconds
    for path in sorted(directory.iterdir()):
        if path.name in known or not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        path.unlink(missing_ok=True)
        report.orphans_removed.append(path.name)


def check_vault(
    db: Database,
    settings: Settings,
    *,
    verify: bool = False,
    grace_seconds: float = ORPHAN_GRACE_SECONDS,
) -> VaultReport:
    """Remove files no row points at (older than the grace period, so uploads in flight are
    left alone), list rows whose file is missing, and with `verify` re-check every hash."""
    report = VaultReport()
    with db.read() as conn:
        rows = conn.execute(
            select(documents, cases.c.person_id, people.c.wrapped_key)
            .join(cases, cases.c.id == documents.c.case_id)
            .join(people, people.c.id == cases.c.person_id)
        ).all()
    report.documents = len(rows)
    _remove_orphans(settings.vault_dir, {row.vault_name for row in rows}, grace_seconds, report)
    keyring = db.require_keyring() if verify else None
    for row in rows:
        if not vault_path(settings, row.vault_name).exists():
            report.missing.append(row.id)
        elif keyring is not None and row.wrapped_key is not None:
            try:
                open_document(settings, row, PersonKey(keyring, row.wrapped_key, row.person_id))
            except VaultError:
                report.damaged.append(row.id)
    return report
