"""Signed checkpoints of the audit log's head, kept by an admin away from the server.

A hash chain shows any edit, deletion or reordering inside the log, but not a log whose tail
was cut off, nor a database restored from an older copy: both still form a valid chain. A
checkpoint records the head of the chain (sequence number and hash) at a moment, signed with
an Ed25519 key that never lives on the server. Later, a log that stops before the checkpoint's
entry, or whose entry at that position has another hash, was truncated, rolled back or
rewritten. Only the public key is needed to verify; the private key stays with the admin.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from havenwatch.core.errors import HavenwatchError

CHECKPOINT_FORMAT = "havenwatch-audit-checkpoint/1"
RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


class CheckpointError(HavenwatchError):
    """A checkpoint or key file is unreadable, or its signature does not hold."""


@dataclass(frozen=True)
class Checkpoint:
    """The head of the audit chain at `created_at`, signed by the admin's key."""

    seq: int
    hash: str
    created_at: datetime
    public_key: str
    signature: str

    def signed_bytes(self) -> bytes:
        return signed_payload(self.seq, self.hash, self.created_at)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": CHECKPOINT_FORMAT,
                "seq": self.seq,
                "hash": self.hash,
                "created_at": self.created_at.isoformat(),
                "public_key": self.public_key,
                "signature": self.signature,
            },
            indent=1,
        )


def signed_payload(seq: int, head_hash: str, created_at: datetime) -> bytes:
    """What the signature covers; the format name keeps it from meaning anything else."""
    return json.dumps(
        [CHECKPOINT_FORMAT, seq, head_hash, created_at.isoformat()], separators=(",", ":")
    ).encode()


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(*RAW)).decode()


def parse_public_key(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except ValueError:
        raise CheckpointError("not an Ed25519 public key (base64 of 32 bytes)") from None


def sign_checkpoint(
    seq: int, head_hash: str, created_at: datetime, key: Ed25519PrivateKey
) -> Checkpoint:
    signature = key.sign(signed_payload(seq, head_hash, created_at))
    return Checkpoint(
        seq=seq,
        hash=head_hash,
        created_at=created_at,
        public_key=public_key_text(key.public_key()),
        signature=base64.b64encode(signature).decode(),
    )


def check_signature(checkpoint: Checkpoint, trusted_keys: list[Ed25519PublicKey]) -> None:
    """Raise unless the checkpoint is signed by its key, and that key is a trusted one.

    With no trusted keys given, the key written inside the checkpoint is used: that still
    proves the file was not edited, but not who made it.
    """
    own_key = parse_public_key(checkpoint.public_key)
    if trusted_keys and checkpoint.public_key not in {public_key_text(k) for k in trusted_keys}:
        raise CheckpointError(f"checkpoint at entry {checkpoint.seq} is signed by another key")
    try:
        own_key.verify(base64.b64decode(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError):
        raise CheckpointError(
            f"checkpoint at entry {checkpoint.seq} has an invalid signature (file altered?)"
        ) from None


def read_checkpoint(path: Path) -> Checkpoint:
    try:
        raw = json.loads(path.read_text("utf-8"))
        if raw.get("format") != CHECKPOINT_FORMAT:
            raise CheckpointError(f"{path.name} is not a havenwatch audit checkpoint")
        return Checkpoint(
            seq=int(raw["seq"]),
            hash=str(raw["hash"]),
            created_at=datetime.fromisoformat(raw["created_at"]),
            public_key=str(raw["public_key"]),
            signature=str(raw["signature"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise CheckpointError(f"cannot read the checkpoint file {path.name}") from None


def write_private_file(path: Path, content: bytes) -> None:
    """Create a file only its owner can read; never overwrite an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def private_key_pem(key: Ed25519PrivateKey, passphrase: bytes | None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def key_needs_passphrase(path: Path) -> bool:
    return b"ENCRYPTED PRIVATE KEY" in _read_key_bytes(path)


def load_signing_key(path: Path, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read_key_bytes(path), passphrase)
    except (ValueError, TypeError):
        raise CheckpointError(
            f"{path.name} does not open as an Ed25519 private key (wrong passphrase?)"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path.name} holds a key of another kind than Ed25519")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        return parse_public_key(path.read_text("utf-8"))
    except OSError:
        raise CheckpointError(f"cannot read the public key file {path.name}") from None


def _read_key_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        raise CheckpointError(f"cannot read the key file {path.name}") from None


def compare_with_log(checkpoint: Checkpoint, head_seq: int, stored_hash: str | None) -> str | None:
    """Why the log disagrees with the checkpoint, or None when it extends it faithfully.

    `stored_hash` is the hash the log holds at the checkpoint's position (None if absent).
    """
    signed_on = checkpoint.created_at.strftime("%Y-%m-%d %H:%M UTC")
    if checkpoint.seq > head_seq:
        return (
            f"the log ends at entry {head_seq} but the checkpoint signed {signed_on} covers "
            f"entry {checkpoint.seq}: the tail was removed or the database was restored "
            "from an older copy"
        )
    if checkpoint.seq > 0 and stored_hash != checkpoint.hash:
        return (
            f"entry {checkpoint.seq} differs from the checkpoint signed {signed_on}: the log "
            "up to it was rewritten or the database was restored from an older copy"
        )
    return None
