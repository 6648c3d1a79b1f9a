"""Envelope encryption for identifying data.

Every person has their own data key. It encrypts that person's identity record, the notes on
their cases and events, and their documents in the vault. The data key is stored only wrapped
(AES-GCM) by the instance's key-encryption key, which lives in a key file outside the data
directory, optionally itself wrapped by a passphrase (scrypt). Destroying a person's wrapped
data key makes every copy of their data unreadable: that is how a purge reaches old backups.

Ciphertexts carry associated data naming where they belong (table, column, row), so a
ciphertext copied into another row fails to decrypt instead of silently moving a secret. The
wrapped data keys are bound the same way to their person's id, so swapping two people's wrapped
keys makes both unreadable instead of letting one person's key open the other's record.

A wrapped data key only dies with the key-encryption key that wrapped it: a backup made before
a purge still holds the purged person's wrapped key. That is why a purge also rotates the
key-encryption key (`havenwatch.operations.rotation`): only once the previous key file is gone
do older backups stop opening. Values sealed directly under the key-encryption key (such as
`users.totp_secret`) are re-sealed by the rotation too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from havenwatch.core.errors import HavenwatchError

KEY_FILE_FORMAT = "havenwatch-key/1"
SEALED_VERSION = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32
SCRYPT_N = 2**15


class KeyFileError(HavenwatchError):
    """The key file is missing, damaged, or does not open this data."""


def seal(key: bytes, plaintext: bytes, aad: str) -> bytes:
    """Encrypt with AES-256-GCM under a fresh random nonce."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return SEALED_VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode())


def unseal(key: bytes, blob: bytes, aad: str) -> bytes:
    if blob[:1] != SEALED_VERSION:
        raise KeyFileError("encrypted value has an unknown format")
    nonce, ciphertext = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad.encode())
    except InvalidTag:
        raise KeyFileError("encrypted value does not open with this key") from None


def data_key_aad(person_id: str) -> str:
    """Associated data binding a wrapped data key to the person it belongs to."""
    return f"data-key|{person_id}"


@dataclass(frozen=True)
class Keyring:
    """The instance's key-encryption key and blind-index key."""

    key_id: str
    kek: bytes
    index_key: bytes

    def new_data_key(self, person_id: str) -> tuple[bytes, bytes]:
        """A fresh data key for one person and its wrapped form for storage."""
        data_key = secrets.token_bytes(KEY_BYTES)
        return data_key, self.wrap(data_key, person_id)

    def wrap(self, data_key: bytes, person_id: str) -> bytes:
        """Seal a person's data key, bound to that person: it opens for no other row."""
        return self.key_id.encode() + b":" + seal(self.kek, data_key, data_key_aad(person_id))

    def unwrap(self, wrapped: bytes, person_id: str) -> bytes:
        key_id, _, sealed = wrapped.partition(b":")
        if key_id.decode(errors="replace") != self.key_id:
            raise KeyFileError("a data key was wrapped by another key file (rotation unfinished?)")
        try:
            return unseal(self.kek, sealed, data_key_aad(person_id))
        except KeyFileError:
            raise KeyFileError(
                f"the data key stored for person {person_id} does not open: it was damaged, "
                "or moved from another person's record"
            ) from None

    def is_current(self, wrapped: bytes) -> bool:
        return wrapped.split(b":", 1)[0] == self.key_id.encode()

    def blind_index(self, folded_text: str) -> str:
        """A keyed hash of an already normalised text: equal inputs, equal outputs, no plaintext."""
        digest = hmac.new(self.index_key, folded_text.encode(), hashlib.sha256).digest()
        return base64.b32encode(digest[:20]).decode().lower()


def generate_keyring() -> Keyring:
    return Keyring(
        key_id=secrets.token_hex(8),
        kek=secrets.token_bytes(KEY_BYTES),
        index_key=secrets.token_bytes(KEY_BYTES),
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())


def _passphrase_key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        passphrase.encode(),
        salt=salt,
        n=SCRYPT_N,
        r=8,
        p=1,
        dklen=KEY_BYTES,
        maxmem=128 * 1024 * 1024,
    )


def keyring_to_json(keyring: Keyring, passphrase: str | None = None) -> str:
    secret = json.dumps({"kek": _b64(keyring.kek), "index_key": _b64(keyring.index_key)})
    document: dict[str, str] = {"format": KEY_FILE_FORMAT, "key_id": keyring.key_id}
    if passphrase:
        salt = secrets.token_bytes(16)
        document["scrypt_salt"] = _b64(salt)
        document["sealed"] = _b64(
            seal(_passphrase_key(passphrase, salt), secret.encode(), "key-file")
        )
    else:
        document["secret"] = secret
    return json.dumps(document, indent=1)


def keyring_from_json(text: str, passphrase: str | None = None) -> Keyring:
    try:
        document = json.loads(text)
        if document.get("format") != KEY_FILE_FORMAT:
            raise KeyFileError("not a havenwatch key file")
        if "sealed" in document:
            if not passphrase:
                raise KeyFileError("the key file is protected: set HAVENWATCH_KEY_PASSPHRASE")
            key = _passphrase_key(passphrase, _unb64(document["scrypt_salt"]))
            try:
                secret = json.loads(unseal(key, _unb64(document["sealed"]), "key-file"))
            except KeyFileError:
                raise KeyFileError("wrong passphrase for the key file") from None
        else:
            secret = json.loads(document["secret"])
        return Keyring(document["key_id"], _unb64(secret["kek"]), _unb64(secret["index_key"]))
    except (ValueError, KeyError, TypeError):
        raise KeyFileError("the key file is damaged") from None


def write_key_file(path: Path, keyring: Keyring, passphrase: str | None = None) -> None:
    """Write atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(keyring_to_json(keyring, passphrase))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def is_protected(path: Path) -> bool:
    """Whether a key file is sealed under a passphrase."""
    try:
        return "sealed" in json.loads(path.read_text())
    except (OSError, ValueError):
        raise KeyFileError(f"cannot read the key file {path}") from None


def key_id_of(blob: bytes) -> str:
    """The id of the key file that wrapped a data key or sealed a secret."""
    return blob.split(b":", 1)[0].decode(errors="replace")


def check_key_file_private(path: Path) -> None:
    """Refuse a key file that other accounts on the machine could read or replace."""
    mode = path.stat().st_mode
    if mode & 0o077:
        raise KeyFileError(
            f"the key file {path} is readable or writable by other accounts "
            f"(mode {mode & 0o777:o}); run `chmod 600` on it"
        )


def load_key_file(path: Path, passphrase: str | None = None) -> Keyring:
    """Read the key from HAVENWATCH_DATA_KEY if set, else from the key file."""
    inline = os.environ.get("HAVENWATCH_DATA_KEY")
    passphrase = passphrase or os.environ.get("HAVENWATCH_KEY_PASSPHRASE")
    if inline:
        return keyring_from_json(inline, passphrase)
    if not path.exists():
        raise KeyFileError(f"no key file at {path} (run `havenwatch init`)")
    check_key_file_private(path)
    return keyring_from_json(path.read_text(), passphrase)
