"""Sealing and opening the identifying parts of records with each person's data key."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date
from typing import Any

from havenwatch.core.model import Identity
from havenwatch.crypto.keys import Keyring, seal, unseal


def identity_to_json(identity: Identity) -> dict[str, Any]:
    return {
        "full_name": identity.full_name,
        "other_names": identity.other_names,
        "date_of_birth": identity.date_of_birth.isoformat() if identity.date_of_birth else None,
        "contact": identity.contact,
        "address": identity.address,
        "document_numbers": identity.document_numbers,
        "notes": identity.notes,
    }


def identity_from_json(data: dict[str, Any]) -> Identity:
    born = data.get("date_of_birth")
    return Identity(
        full_name=data.get("full_name"),
        other_names=list(data.get("other_names") or []),
        date_of_birth=date.fromisoformat(born) if born else None,
        contact=data.get("contact"),
        address=data.get("address"),
        document_numbers=list(data.get("document_numbers") or []),
        notes=data.get("notes"),
    )


def aad(table: str, column: str, row_id: str) -> str:
    return f"{table}|{column}|{row_id}"


class PersonKey:
    """One person's data key, opened from its wrapped form for the duration of a request."""

    def __init__(self, keyring: Keyring, wrapped: bytes | None, person_id: str) -> None:
        self._key = keyring.unwrap(wrapped, person_id) if wrapped else None

    @property
    def available(self) -> bool:
        """False once the person was purged: their data can no longer be opened."""
        return self._key is not None

    def seal_text(self, value: str | None, table: str, column: str, row_id: str) -> bytes | None:
        if value is None or self._key is None:
            return None
        return seal(self._key, value.encode(), aad(table, column, row_id))

    def open_text(self, blob: bytes | None, table: str, column: str, row_id: str) -> str | None:
        if blob is None or self._key is None:
            return None
        return unseal(self._key, blob, aad(table, column, row_id)).decode()

    def seal_identity(self, identity: Identity, person_id: str) -> bytes | None:
        text = json.dumps(identity_to_json(identity), ensure_ascii=False, sort_keys=True)
        return self.seal_text(text, "people", "identity", person_id)

    def open_identity(self, blob: bytes | None, person_id: str) -> Identity:
        text = self.open_text(blob, "people", "identity", person_id)
        return identity_from_json(json.loads(text)) if text else Identity()

    def seal_bytes(self, data: bytes, label: str) -> bytes:
        if self._key is None:
            raise ValueError("this person's data key was destroyed")
        return seal(self._key, data, label)

    def open_bytes(self, blob: bytes, label: str) -> bytes:
        if self._key is None:
            raise ValueError("this person's data key was destroyed")
        return unseal(self._key, blob, label)

    def fingerprint(self, digest: bytes, label: str) -> str:
        """A keyed form of a content hash, safe to store: without this person's key nobody can
        test whether a file they already hold (a decision they issued, a photo) is in the vault.
        """
        if self._key is None:
            raise ValueError("this person's data key was destroyed")
        return hmac.new(self._key, label.encode() + b"|" + digest, hashlib.sha256).hexdigest()
