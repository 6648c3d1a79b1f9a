"""The monitor pool's data key: what news monitoring stores is sealed with it.

A lead read in the news names someone, quotes them, and may match a person the instance
protects; the report it was read in, and the queue item that carried the report, name them
too. A lead that matches nobody has no person whose key could seal it, so everything the
monitor stores is sealed with one instance-level data key, wrapped by the key-encryption key
like a person's (`havenwatch.crypto.keys`) and kept in `instance_settings`. Without the
key file, none of it opens. A key rotation re-wraps it (`havenwatch.operations.rotation`).

The same key makes the keyed digests the monitor stores in clear: a lead's fingerprint and the
reference from a lead's match to a person, so neither can be recomputed from a guessed name
or a person id without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from havenwatch.crypto.keys import Keyring, seal, unseal
from havenwatch.crypto.sealing import aad
from havenwatch.store.instance_values import read_value, write_value

SETTING = "monitor.data_key"
OWNER = "monitor-pool"


class MonitorKey:
    """The monitor pool's data key, opened for the duration of a transaction."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def seal_json(self, value: Any, table: str, column: str, row_id: str) -> bytes:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        return seal(self._key, text.encode(), aad(table, column, row_id))

    def open_json(self, blob: bytes, table: str, column: str, row_id: str) -> Any:
        return json.loads(unseal(self._key, bytes(blob), aad(table, column, row_id)))

    def digest(self, label: str, value: str) -> str:
        """A keyed hash, safe to store and to look up by: equal inputs, equal outputs."""
        message = f"{label}|{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def person_ref(self, person_id: str) -> str:
        """How a lead's match row refers to its person (`lead_matches.person_ref`)."""
        return self.digest("person", person_id)


def wrapped_monitor_key(conn: Connection) -> bytes | None:
    stored = read_value(conn, SETTING)
    return base64.b64decode(stored["wrapped"]) if stored else None


def store_wrapped_monitor_key(conn: Connection, wrapped: bytes) -> None:
    write_value(conn, SETTING, {"wrapped": base64.b64encode(wrapped).decode()})


def monitor_key(conn: Connection, keyring: Keyring) -> MonitorKey | None:
    """The key, or None when the monitor has stored nothing yet."""
    wrapped = wrapped_monitor_key(conn)
    return MonitorKey(keyring.unwrap(wrapped, OWNER)) if wrapped else None


def ensure_monitor_key(conn: Connection, keyring: Keyring) -> MonitorKey:
    """The key, made and stored on first use (call inside a write transaction).

    Two processes may make it at once (ingest workers sharing a PostgreSQL queue): the second
    one's insert fails on the key's primary key, inside a savepoint, and it reads the first's.
    """
    found = monitor_key(conn, keyring)
    if found is not None:
        return found
    key, wrapped = keyring.new_data_key(OWNER)
    try:
        with conn.begin_nested():
            store_wrapped_monitor_key(conn, wrapped)
    except IntegrityError:
        made_meanwhile = monitor_key(conn, keyring)
        if made_meanwhile is None:
            raise
        return made_meanwhile
    return MonitorKey(key)


def rewrap_monitor_key(conn: Connection, old: Keyring, new: Keyring) -> bool:
    """Move the key under a new key-encryption key; False when there was nothing to move."""
    wrapped = wrapped_monitor_key(conn)
    if wrapped is None or new.is_current(wrapped):
        return False
    store_wrapped_monitor_key(conn, new.wrap(old.unwrap(wrapped, OWNER), OWNER))
    return True
