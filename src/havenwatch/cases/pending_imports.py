"""An uploaded spreadsheet kept between its preview and its import, readable only by its form.

A spreadsheet holds real names, so it is never kept in clear. It is sealed (AES-GCM) under a
fresh random key, bound to the id of the upload and the account that sent it, and written
to `data_dir/pending-imports/`; the key is not stored on the server but handed to the page
as part of a ticket (`<id>.<key>`) in a hidden form field. Without that form the file cannot
be opened, and another account's form cannot open it either. A kept file is removed by the
import, and any left older than `KEEP_SECONDS` (a preview abandoned) is removed the next time
an upload is kept or opened.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import time
from pathlib import Path

from havenwatch.cases.vault import write_vault_file
from havenwatch.core.errors import HavenwatchError, explained
from havenwatch.core.settings import Settings
from havenwatch.crypto.keys import KEY_BYTES, KeyFileError, seal, unseal

KEEP_SECONDS = 3600
TICKET = re.compile(r"^([0-9a-f]{32})\.([A-Za-z0-9_-]{43}=?)$")


class UploadGone(HavenwatchError):
    """The kept upload expired, was already imported, or the ticket is not this account's."""


def _directory(settings: Settings) -> Path:
    return settings.data_dir / "pending-imports"


def _label(upload_id: str, actor: str) -> str:
    return f"pending-import|{upload_id}|{actor}"


def _remove_expired(directory: Path) -> None:
    if not directory.exists():
        return
    cutoff = time.time() - KEEP_SECONDS
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def keep_upload(settings: Settings, data: bytes, name: str, actor: str) -> str:
    """Seal the upload (and its file name) and return the ticket that opens it."""
    directory = _directory(settings)
    _remove_expired(directory)
    upload_id, key = secrets.token_hex(16), secrets.token_bytes(KEY_BYTES)
    payload = name.encode() + b"\x00" + data
    write_vault_file(directory, upload_id, seal(key, payload, _label(upload_id, actor)))
    return f"{upload_id}.{base64.urlsafe_b64encode(key).decode()}"


def open_upload(settings: Settings, ticket: str, actor: str) -> tuple[bytes, str]:
    """The kept upload and its file name, or `UploadGone`."""
    directory = _directory(settings)
    _remove_expired(directory)
    match = TICKET.match(ticket or "")
    if match is None:
        raise explained(UploadGone, "import.upload_gone")
    upload_id, encoded = match.groups()
    try:
        key = base64.urlsafe_b64decode(encoded.rstrip("=") + "=")
        payload = unseal(key, (directory / upload_id).read_bytes(), _label(upload_id, actor))
    except (OSError, KeyFileError, binascii.Error, ValueError):
        raise explained(UploadGone, "import.upload_gone") from None
    name, _, data = payload.partition(b"\x00")
    return data, name.decode()


def forget_upload(settings: Settings, ticket: str) -> None:
    """Remove a kept upload (after its import)."""
    match = TICKET.match(ticket or "")
    if match is not None:
        (_directory(settings) / match.group(1)).unlink(missing_ok=True)
