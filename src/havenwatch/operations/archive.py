"""A streaming, authenticated encryption format for backup archives.

Layout: a magic line, a JSON header (key derivation, key id, salt), a key-check value, then
chunks of at most 1 MiB, each sealed with AES-256-GCM. Every chunk's associated data names the
header's hash, the chunk's position and whether it is the last one, so a damaged, reordered,
spliced or truncated archive fails instead of restoring something partial. The key-check
value tells a wrong key apart from a damaged archive.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from havenwatch.core.clock import utcnow
from havenwatch.core.errors import HavenwatchError
from havenwatch.crypto.keys import KeyFileError, Keyring, seal, unseal

MAGIC = b"HAVENWATCH-BACKUP/1\n"
CHUNK_BYTES = 1024 * 1024
LENGTH_BYTES = 4
MAX_HEADER_BYTES = 4096
KEY_CHECK = b"havenwatch backup key check"
SCRYPT_N = 2**16


class ArchiveError(HavenwatchError):
    """The archive is not one of ours, is damaged, or needs another key."""


@dataclass(frozen=True)
class ArchiveHeader:
    kdf: str
    key_id: str | None
    salt: bytes
    created_at: str

    def to_bytes(self) -> bytes:
        document = {
            "kdf": self.kdf,
            "key_id": self.key_id,
            "salt": base64.b64encode(self.salt).decode(),
            "created_at": self.created_at,
        }
        return json.dumps(document, sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> ArchiveHeader:
        try:
            document = json.loads(raw)
            return cls(
                str(document["kdf"]),
                document.get("key_id"),
                base64.b64decode(document["salt"]),
                str(document["created_at"]),
            )
        except (ValueError, KeyError, TypeError):
            raise ArchiveError("the archive header is damaged") from None


def new_header(keyring: Keyring, passphrase: str | None) -> ArchiveHeader:
    kdf = "scrypt" if passphrase else "instance"
    key_id = None if passphrase else keyring.key_id
    return ArchiveHeader(kdf, key_id, secrets.token_bytes(16), utcnow().isoformat())


def archive_key(header: ArchiveHeader, keyring: Keyring | None, passphrase: str | None) -> bytes:
    """The key for this archive: from a passphrase, or derived from the instance's key."""
    if header.kdf == "scrypt":
        if not passphrase:
            raise ArchiveError("this archive is protected by a passphrase (--passphrase-stdin)")
        return hashlib.scrypt(
            passphrase.encode(),
            salt=header.salt,
            n=SCRYPT_N,
            r=8,
            p=1,
            dklen=32,
            maxmem=256 * 1024 * 1024,
        )
    if header.kdf != "instance" or keyring is None:
        raise ArchiveError("this archive needs the instance key file it was made with")
    if header.key_id != keyring.key_id:
        raise ArchiveError(
            f"this archive was made with key file {header.key_id}; the current key file is "
            f"{keyring.key_id} (use the key file of that time, or a passphrase archive)"
        )
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=header.salt, info=b"havenwatch-backup/1")
    return hkdf.derive(keyring.kek)


def _chunk_aad(header_digest: str, index: int, last: bool) -> str:
    return f"{header_digest}|{index}|{'last' if last else 'more'}"


def _framed(blob: bytes) -> bytes:
    return len(blob).to_bytes(LENGTH_BYTES, "big") + blob


class EncryptingWriter:
    """A write-only file object that seals what it is given, chunk by chunk."""

    def __init__(self, sink: BinaryIO, header: ArchiveHeader, key: bytes) -> None:
        raw_header = header.to_bytes()
        self._sink, self._key = sink, key
        self._digest = hashlib.sha256(raw_header).hexdigest()
        self._buffer, self._index, self._closed = bytearray(), 0, False
        sink.write(MAGIC + _framed(raw_header) + _framed(seal(key, KEY_CHECK, self._digest)))

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:
            self._emit(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        aad = _chunk_aad(self._digest, self._index, last)
        self._sink.write(_framed(seal(self._key, chunk, aad)))
        self._index += 1

    def close(self) -> None:
        """Seal what is left as the last chunk; without it the archive reads as truncated."""
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True


def _read_framed(source: BinaryIO, limit: int) -> bytes | None:
    prefix = source.read(LENGTH_BYTES)
    if not prefix:
        return None
    length = int.from_bytes(prefix, "big")
    if len(prefix) != LENGTH_BYTES or length > limit:
        raise ArchiveError("the archive is damaged (bad chunk length)")
    blob = source.read(length)
    if len(blob) != length:
        raise ArchiveError("the archive is truncated")
    return blob


def read_header(source: BinaryIO) -> tuple[ArchiveHeader, bytes]:
    """The header and its raw bytes; refuses files that are not havenwatch archives."""
    if source.read(len(MAGIC)) != MAGIC:
        raise ArchiveError("not a havenwatch backup archive")
    raw = _read_framed(source, MAX_HEADER_BYTES)
    if raw is None:
        raise ArchiveError("the archive is truncated")
    return ArchiveHeader.from_bytes(raw), raw


class DecryptingReader:
    """A read-only file object over an archive's plaintext; every chunk is checked first."""

    def __init__(self, source: BinaryIO, raw_header: bytes, key: bytes) -> None:
        self._source, self._key = source, key
        self._digest = hashlib.sha256(raw_header).hexdigest()
        check = _read_framed(source, MAX_HEADER_BYTES)
        try:
            if check is None or unseal(key, check, self._digest) != KEY_CHECK:
                raise KeyFileError("key check failed")
        except KeyFileError:
            raise ArchiveError("wrong key or passphrase for this archive") from None
        self._buffer, self._position = bytearray(), 0
        self._index, self.finished = 0, False

    def _next_chunk(self) -> None:
        blob = _read_framed(self._source, CHUNK_BYTES + 64)
        if blob is None:
            raise ArchiveError("the archive is truncated")
        for last in (False, True):
            try:
                chunk = unseal(self._key, blob, _chunk_aad(self._digest, self._index, last))
            except KeyFileError:
                continue
            self._buffer += chunk
            self._index += 1
            self.finished = last
            return
        raise ArchiveError(f"the archive is damaged (part {self._index} fails its integrity check)")

    def read(self, size: int = -1) -> bytes:
        while not self.finished and (size < 0 or len(self._buffer) - self._position < size):
            del self._buffer[: self._position]
            self._position = 0
            self._next_chunk()
        end = len(self._buffer) if size < 0 else min(len(self._buffer), self._position + size)
        data = bytes(self._buffer[self._position : end])
        self._position = end
        return data

    def check_complete(self) -> None:
        """Read to the end: a missing final chunk or trailing bytes mean a damaged archive."""
        while not self.finished:
            self._next_chunk()
        if self._source.read(1):
            raise ArchiveError("the archive has unexpected data after its end")
