"""An upload waiting between preview and import is sealed; only its ticket and its account
open it, and an abandoned one is removed after an hour."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from havenwatch.cases.pending_imports import (
    KEEP_SECONDS,
    UploadGone,
    forget_upload,
    keep_upload,
    open_upload,
)
from havenwatch.core.settings import Settings, resolve_settings

SHEET = b"Pseudonim,Puno ime\nVrabac,Dragoslava Kvernigradska\n"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return resolve_settings(tmp_path / "data", None, tmp_path / "keys" / "data.key")


def _kept(settings: Settings) -> list[Path]:
    return sorted((settings.data_dir / "pending-imports").iterdir())


def test_the_ticket_and_its_account_open_the_sealed_upload(settings: Settings) -> None:
    ticket = keep_upload(settings, SHEET, "spisak.csv", "user:a")
    [stored] = _kept(settings)
    assert b"Kvernigradska" not in stored.read_bytes() and b"spisak" not in stored.read_bytes()
    assert stored.stat().st_mode & 0o077 == 0
    assert open_upload(settings, ticket, "user:a") == (SHEET, "spisak.csv")
    upload_id = ticket.split(".")[0]
    other_key = keep_upload(settings, b"x", "y.csv", "user:a").split(".")[1]
    for wrong, actor in (
        (ticket, "user:b"),
        (f"{upload_id}.{other_key}", "user:a"),
        ("../../etc/passwd.x", "user:a"),
        ("", "user:a"),
    ):
        with pytest.raises(UploadGone):
            open_upload(settings, wrong, actor)
    forget_upload(settings, ticket)
    with pytest.raises(UploadGone):
        open_upload(settings, ticket, "user:a")


def test_an_abandoned_upload_is_removed_after_an_hour(settings: Settings) -> None:
    old = keep_upload(settings, SHEET, "old.csv", "user:a")
    [stored] = _kept(settings)
    an_hour_ago = time.time() - KEEP_SECONDS - 1
    os.utime(stored, (an_hour_ago, an_hour_ago))
    keep_upload(settings, SHEET, "new.csv", "user:a")
    assert len(_kept(settings)) == 1
    with pytest.raises(UploadGone):
        open_upload(settings, old, "user:a")
