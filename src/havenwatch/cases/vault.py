"""The evidence vault: uploaded files, encrypted with their owner's data key.

A file is sealed (AES-GCM) with the data key of the person whose case it belongs to, so a
purge of that person shreds their files along with everything else. It is stored under a
random name in `Settings.vault_dir`; the database row (`documents`) keeps the sealed original
filename, the media type, a size rounded up (Padmé) and a keyed fingerprint of the plaintext
SHA-256, which is checked again on every download.

Evidence: a document has a type (`vocabulary().document_types`), the day it bears, links to
events of its case (`document_events`), and the SHA-256 of the bytes as received and of the
cleaned copy, both sealed with the person's key and shown on the document's page. With
`keep_original` the file as received is sealed into the vault too; only roles with
`download_originals` may download it. Its chain of custody is the audit chain's entries on
the document: `document.upload`, `document.clean`, `document.link`, `document.view`,
`document.download`, `document.download_original` (`document_custody`).

Words: the text of the cleaned file (`media.text_extract`) is sealed with the person's key and
its words put in a keyed blind index (`cases.document_words`) in the same transaction as the
row, so a search finds the document by a word inside it in either script.

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
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility, document_visibility
from havenwatch.cases.document_words import index_document_text
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import HavenwatchError, NotFoundError, ValidationError
from havenwatch.core.ids import new_id
from havenwatch.core.model import Document, UploadReport
from havenwatch.core.settings import Settings
from havenwatch.core.vocabulary import vocabulary
from havenwatch.crypto.keys import KeyFileError, Keyring
from havenwatch.crypto.padding import pad, padme, unpad
from havenwatch.crypto.sealing import PersonKey
from havenwatch.media import metadata_clean
from havenwatch.media.filetypes import MAX_DOCUMENT_BYTES, FileKind, sniff
from havenwatch.media.metadata_clean import Cleaned
from havenwatch.media.text_extract import read_text
from havenwatch.store.database import Database, Unit
from havenwatch.store.rows import DOCUMENT_ROWS
from havenwatch.store.schema import (
    AnyRow,
    audit_log,
    cases,
    document_events,
    documents,
    events,
    people,
)

VAULT_NAME = re.compile(r"^[0-9a-f]{32}$")
PARTIAL_SUFFIX = ".part"
ORPHAN_GRACE_SECONDS = 3600
MAX_FILENAME_CHARS = 255


class VaultError(HavenwatchError):
    """A stored document cannot be given back as it was uploaded."""


@dataclass(frozen=True)
class Evidence:
    """What the uploader says the document is; all of it optional."""

    document_type: str | None = None
    document_date: date | None = None
    event_ids: tuple[str, ...] = ()
    keep_original: bool = False


@dataclass(frozen=True)
class CustodyEntry:
    """One step of a document's chain of custody, as the audit chain recorded it."""

    seq: int
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


def content_label(document_id: str) -> str:
    return f"documents|content|{document_id}"


def original_label(document_id: str) -> str:
    return f"documents|original|{document_id}"


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


def _prepare(data: bytes, strip_metadata: bool) -> tuple[FileKind, Cleaned]:
    """Sniff, then clean: a file whose metadata cannot be removed is refused, never stored.

    Returns the kind received and what to store (a HEIC photo is stored as a JPEG)."""
    kind = sniff(data, max_bytes=MAX_DOCUMENT_BYTES)
    if not strip_metadata:
        return kind, Cleaned(data, stripped=False)
    return kind, metadata_clean.strip_metadata(data, kind)


def upload_report(custody: list[CustodyEntry]) -> UploadReport:
    """The `UploadReport` of a document from its chain of custody."""
    upload = next((e.detail for e in custody if e.action == "document.upload"), {})
    clean = next((e.detail for e in custody if e.action == "document.clean"), {})
    return UploadReport(
        removed=tuple(str(code) for code in clean.get("removed") or ()),
        detected=bool(clean.get("detected")),
        converted_from=upload.get("converted_from"),
        text=upload.get("text"),
    )


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
    evidence: Evidence | None = None,
) -> Document:
    """Check, clean, encrypt and store an upload; the returned document says what was done.

    With `strip_metadata` (the default) identifying metadata is removed from every kind of
    file (see `metadata_clean`); a file of an accepted kind that cannot be read well enough to
    clean it is refused with `UploadRefused` before anything is written.
    """
    keyring = db.require_keyring()
    evidence = evidence or Evidence()
    _check_type(evidence.document_type)
    received, cleaned = _prepare(data, strip_metadata)
    content, stripped, kind = cleaned.data, cleaned.stripped, cleaned.stored_kind(received)
    media_type, reading = kind.media_type, read_text(cleaned.data, kind)
    report = UploadReport(
        cleaned.removed,
        cleaned.detected,
        received.media_type if kind != received else None,
        reading.method,
    )
    digest, original_digest = hashlib.sha256(content).digest(), hashlib.sha256(data).digest()
    with db.read() as conn:
        owner = _case_owner(conn, case_id, scope)
    key = PersonKey(keyring, owner.wrapped_key, owner.person_id)
    if not key.available:
        raise VaultError("this case's person was purged: nothing more can be stored for them")
    document_id, vault_name = new_id(), secrets.token_hex(16)
    original_name = secrets.token_hex(16) if evidence.keep_original else None
    name = clean_filename(filename)
    written = [
        write_vault_file(
            settings.vault_dir,
            vault_name,
            key.seal_bytes(pad(content), content_label(document_id)),
        )
    ]
    created_at = utcnow()
    document = Document(
        document_id,
        case_id,
        event_id,
        name,
        media_type,
        len(content),
        digest.hex(),
        stripped,
        created_at,
        evidence.document_type,
        evidence.document_date,
        original_digest.hex(),
        original_name is not None,
    )
    try:
        if original_name is not None:
            sealed = key.seal_bytes(pad(data), original_label(document_id))
            written.append(write_vault_file(settings.vault_dir, original_name, sealed))
        with db.write(actor) as unit:
            row = DOCUMENT_ROWS.row(
                document,
                filename=key.seal_text(name, "documents", "filename", document_id),
                size=padme(len(content)),
                sha256=key.fingerprint(digest, content_label(document_id)),
                vault_name=vault_name,
                original_sha256=key.seal_bytes(
                    original_digest, f"documents|original_sha256|{document_id}"
                ),
                cleaned_sha256=key.seal_bytes(digest, f"documents|cleaned_sha256|{document_id}"),
                original_vault_name=original_name,
            )
            unit.conn.execute(documents.insert(), row)
            index_document_text(unit.conn, keyring, key, document_id, reading.text)
            _audit_upload(unit, document_id, case_id, media_type, stripped, evidence, report)
            linked = link_events(unit, document_id, case_id, evidence.event_ids)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return replace(document, event_ids=linked, report=report)


def _check_type(document_type: str | None) -> None:
    if document_type is not None and document_type not in vocabulary().document_types:
        accepted = ", ".join(vocabulary().document_types)
        raise ValidationError.of(
            "document_type", "document.unknown_type", value=document_type, accepted=accepted
        )


def _audit_upload(
    unit: Unit,
    document_id: str,
    case_id: str,
    media_type: str,
    stripped: bool,
    evidence: Evidence,
    report: UploadReport,
) -> None:
    """The first links of the chain of custody: received, then cleaned (when it was), with
    what was removed and how the text was read (codes only, never a value)."""
    where = {"target_type": "document", "target_id": document_id, "case_id": case_id}
    detail: dict[str, Any] = {
        "media_type": media_type,
        "metadata_stripped": stripped,
        "document_type": evidence.document_type,
        "original_kept": evidence.keep_original,
        "text": report.text,
    }
    if report.converted_from:
        detail["converted_from"] = report.converted_from
    unit.audit("document.upload", detail=detail, **where)
    if stripped:
        cleaned = {
            "metadata_stripped": True,
            "removed": list(report.removed),
            "detected": report.detected,
        }
        unit.audit("document.clean", detail=cleaned, **where)


def link_events(
    unit: Unit, document_id: str, case_id: str, event_ids: tuple[str, ...]
) -> tuple[str, ...]:
    """Link a document to events of its own case, each link a step of its chain of custody."""
    wanted = tuple(dict.fromkeys(event_id for event_id in event_ids if event_id))
    if not wanted:
        return ()
    found = set(
        unit.conn.execute(
            select(events.c.id).where(events.c.id.in_(wanted), events.c.case_id == case_id)
        ).scalars()
    )
    if found != set(wanted):
        raise ValidationError.of("event_ids", "document.unknown_event")
    already = set(
        unit.conn.execute(
            select(document_events.c.event_id).where(document_events.c.document_id == document_id)
        ).scalars()
    )
    for event_id in wanted:
        if event_id in already:
            continue
        unit.conn.execute(
            document_events.insert().values(document_id=document_id, event_id=event_id)
        )
        unit.audit(
            "document.link",
            target_type="document",
            target_id=document_id,
            case_id=case_id,
            detail={"event_id": event_id},
        )
    return wanted


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


def _document_from_row(
    row: AnyRow,
    key: PersonKey,
    size: int,
    sha256: str | None,
    original_sha256: str | None = None,
    event_ids: tuple[str, ...] = (),
) -> Document:
    filename = key.open_text(row.filename, "documents", "filename", row.id) or "document"
    return DOCUMENT_ROWS.record_of(
        row,
        filename=filename,
        size=size,
        sha256=sha256,
        original_sha256=original_sha256,
        original_kept=row.original_vault_name is not None,
        event_ids=event_ids,
    )


def _sealed_hash(key: PersonKey, blob: bytes | None, column: str, document_id: str) -> str | None:
    """A recorded SHA-256 in hex; None for documents uploaded before hashes were recorded."""
    if blob is None:
        return None
    return key.open_bytes(blob, f"documents|{column}|{document_id}").hex()


def view_document(
    db: Database, document_id: str, actor: str, *, scope: Scope
) -> tuple[Document, list[CustodyEntry]]:
    """A document's evidence record (both hashes, linked events) and its chain of custody.

    Looking at it is itself a step of the chain (`document.view`), recorded before the chain
    is read, so the page shows its own visit.
    """
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        row, owner = _document_row(unit.conn, document_id, scope)
        key = PersonKey(keyring, owner.wrapped_key, owner.person_id)
        if not key.available:
            raise VaultError(f"document {row.id} belonged to a purged person and cannot be opened")
        unit.audit(
            "document.view", target_type="document", target_id=document_id, case_id=row.case_id
        )
        linked = tuple(
            unit.conn.execute(
                select(document_events.c.event_id)
                .where(document_events.c.document_id == document_id)
                .order_by(document_events.c.event_id)
            ).scalars()
        )
        custody = _custody(unit.conn, row.case_id, document_id)
    cleaned = _sealed_hash(key, row.cleaned_sha256, "cleaned_sha256", row.id)
    original = _sealed_hash(key, row.original_sha256, "original_sha256", row.id)
    return _document_from_row(row, key, row.size, cleaned, original, linked), custody


def _custody(conn: Connection, case_id: str, document_id: str) -> list[CustodyEntry]:
    """The audit chain's entries on one document, oldest first (the case index narrows it)."""
    rows = conn.execute(
        select(
            audit_log.c.seq,
            audit_log.c.at,
            audit_log.c.actor,
            audit_log.c.action,
            audit_log.c.detail,
        )
        .where(
            audit_log.c.case_id == case_id,
            audit_log.c.target_type == "document",
            audit_log.c.target_id == document_id,
        )
        .order_by(audit_log.c.seq)
    )
    return [CustodyEntry(r.seq, r.at, r.actor, r.action, dict(r.detail or {})) for r in rows]


def read_original(
    db: Database,
    settings: Settings,
    document_id: str,
    actor: str,
    *,
    scope: Scope,
) -> tuple[Document, bytes]:
    """The file exactly as it was uploaded, checked against its recorded SHA-256; audited."""
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        row, owner = _document_row(unit.conn, document_id, scope)
        if row.original_vault_name is None:
            raise NotFoundError(f"no original kept for document {document_id}")
        key = PersonKey(keyring, owner.wrapped_key, owner.person_id)
        content = _open_original(settings, row, key)
        unit.audit(
            "document.download_original",
            target_type="document",
            target_id=document_id,
            case_id=row.case_id,
        )
    digest = hashlib.sha256(content).hexdigest()
    return _document_from_row(row, key, len(content), None, digest), content


def _open_original(settings: Settings, row: AnyRow, key: PersonKey) -> bytes:
    if not key.available:
        raise VaultError(f"document {row.id} belonged to a purged person and cannot be opened")
    try:
        blob = vault_path(settings, row.original_vault_name).read_bytes()
        content = unpad(key.open_bytes(blob, original_label(row.id)))
    except FileNotFoundError:
        raise VaultError(f"the original of document {row.id} is missing from the vault") from None
    except (KeyFileError, ValueError):
        raise VaultError(f"the original of document {row.id} is damaged or was replaced") from None
    if hashlib.sha256(content).hexdigest() != _sealed_hash(
        key, row.original_sha256, "original_sha256", row.id
    ):
        raise VaultError(f"the original of document {row.id} does not match its SHA-256")
    return content


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
    known = {row.vault_name for row in rows} | {
        row.original_vault_name for row in rows if row.original_vault_name
    }
    _remove_orphans(settings.vault_dir, known, grace_seconds, report)
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
