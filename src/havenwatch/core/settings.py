"""Where havenwatch keeps its data, and how it finds its database and keys.

Settings come from command-line options first, then environment variables, then defaults.
Nothing here touches the disk: creating directories is the job of `havenwatch init`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "havenwatch-data"


@dataclass(frozen=True)
class Settings:
    """Where the data directory, database and key file are."""

    data_dir: Path
    database_url: str
    key_file: Path

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def vault_dir(self) -> Path:
        return self.data_dir / "vault"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def resolve_settings(
    data_dir: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    key_file: str | os.PathLike[str] | None = None,
) -> Settings:
    """Combine explicit values, HAVENWATCH_* environment variables and defaults.

    The key file lives beside the data directory, never inside it, so that a copy of the
    data directory alone does not carry the key that decrypts it.
    """
    env = os.environ
    directory = Path(data_dir or env.get("HAVENWATCH_DATA_DIR") or DEFAULT_DATA_DIR).absolute()
    url = (
        database_url
        or env.get("HAVENWATCH_DATABASE_URL")
        or sqlite_url(directory / "havenwatch.db")
    )
    default_key = directory.parent / f"{directory.name}.key"
    key = Path(key_file or env.get("HAVENWATCH_KEY_FILE") or default_key).absolute()
    return Settings(data_dir=directory, database_url=url, key_file=key)
