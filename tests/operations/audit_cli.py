"""Running `havenwatch` in-process against a test instance, and writing audit entries."""

from __future__ import annotations

from click.testing import CliRunner, Result

from havenwatch.cli import cli
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database


def run_cli(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "--data-dir",
            str(settings.data_dir),
            "--database-url",
            settings.database_url,
            "--key-file",
            str(settings.key_file),
            *args,
        ],
    )


def write_entries(
    db: Database, count: int, *, actor: str = "tester", case_id: str | None = None
) -> None:
    """`count` ordinary changes, each committed with its own audit entry."""
    for number in range(count):
        with db.write(actor) as unit:
            unit.audit(
                "test.change",
                target_type="case",
                target_id=f"c{number}",
                case_id=case_id,
                detail={"number": number},
            )
