"""Protecting the data: keys, purge and retention, backups and restore, the vault."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from havenwatch.cases.document_reindex import index_unread_documents
from havenwatch.cases.vault import check_vault
from havenwatch.commands.common import cli_actor, open_db, settings_of
from havenwatch.operations.backup import create_backup
from havenwatch.operations.purge import PurgeReport, purge_people
from havenwatch.operations.restore import restore_backup
from havenwatch.operations.retention import (
    apply_retention,
    people_due,
    retention_days,
    set_retention_days,
)
from havenwatch.operations.rotation import change_passphrase, rotate_keys

PASSPHRASE_STDIN = click.option(
    "--passphrase-stdin", is_flag=True, help="Read the passphrase from standard input."
)
ROTATION_NOTE = (
    "Key rotated: backups and key files from before can no longer open the purged data once "
    "every old copy of the key file is destroyed. Restart the web workspace."
)


def read_stdin_line() -> str:
    return sys.stdin.readline().rstrip("\n")


@click.group()
def keys() -> None:
    """Manage the instance key file."""


@keys.command("rotate")
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(1, 10_000))
@click.pass_context
def keys_rotate(ctx: click.Context, batch_size: int) -> None:
    """Re-wrap every data key under a new key file (resumes an interrupted rotation)."""
    settings = settings_of(ctx)
    db = open_db(ctx)
    try:
        result = rotate_keys(db, settings.key_file, cli_actor(), batch_size=batch_size)
    finally:
        db.dispose()
    click.echo(
        f"Key file {settings.key_file} now holds key {result.new_key_id} "
        f"(was {result.old_key_id}); {result.people_rewrapped} people re-wrapped, "
        f"{result.secrets_resealed} second-factor secrets re-sealed."
    )
    click.echo("Restart the web workspace, and replace every offline copy of the key file.")


@keys.command("passphrase")
@click.option("--remove", is_flag=True, help="Store the key file without a passphrase.")
@click.option(
    "--stdin", "from_stdin", is_flag=True, help="Read current and new passphrase as two lines."
)
@click.pass_context
def keys_passphrase(ctx: click.Context, remove: bool, from_stdin: bool) -> None:
    """Add, change or remove the passphrase that protects the key file."""
    settings = settings_of(ctx)
    if from_stdin:
        current, new = read_stdin_line() or None, None if remove else read_stdin_line()
    else:
        current = click.prompt(
            "Current passphrase (empty if none)", hide_input=True, default="", show_default=False
        )
        new = (
            None
            if remove
            else click.prompt("New passphrase", hide_input=True, confirmation_prompt=True)
        )
    if not remove and not new:
        raise click.UsageError("the new passphrase is empty (use --remove to drop it)")
    change_passphrase(settings.key_file, current or None, new)
    click.echo(
        "Key file re-written "
        + ("without a passphrase." if remove else "under the new passphrase.")
    )


def print_purge(report: PurgeReport) -> None:
    if not report.purged:
        click.echo("No one to purge.")
    for result in report.purged:
        click.echo(
            f"Purged {result.person_id}: {result.cases} cases, {result.events} events, "
            f"{result.documents} documents"
        )
    if report.rotation is not None:
        click.echo(ROTATION_NOTE)
    elif report.purged:
        click.echo(
            "The key is given in HAVENWATCH_DATA_KEY, so it was not rotated: older backups can "
            "still open the purged data until you replace that key.",
            err=True,
        )


@click.command()
@click.argument("person_ids", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def purge(ctx: click.Context, person_ids: tuple[str, ...], yes: bool) -> None:
    """Erase people's identifying data for good by destroying their data keys."""
    if not yes:
        click.confirm(
            f"Destroy the data of {len(person_ids)} people? This cannot be undone", abort=True
        )
    db = open_db(ctx)
    try:
        print_purge(purge_people(db, settings_of(ctx), list(person_ids), cli_actor()))
    finally:
        db.dispose()


@click.group()
def retention() -> None:
    """Purge people whose cases have all been closed for long enough."""


@retention.command("show")
@click.pass_context
def retention_show(ctx: click.Context) -> None:
    """Show the retention period for closed cases."""
    days = retention_days(open_db(ctx, need_keys=False))
    click.echo("Retention is off." if days is None else f"Retention: {days} days after closing.")


@retention.command("set")
@click.argument("days")
@click.pass_context
def retention_set(ctx: click.Context, days: str) -> None:
    """Set the period in days after which closed cases are purged, or `off`."""
    try:
        value = None if days == "off" else int(days)
    except ValueError:
        raise click.BadParameter("a number of days, or `off`", param_hint="DAYS") from None
    set_retention_days(open_db(ctx, need_keys=False), value, cli_actor())
    click.echo("Retention is off." if value is None else f"Retention set to {value} days.")


@retention.command("apply")
@click.option("--closed-for-days", type=click.IntRange(min=1), help="Override the set period.")
@click.option("--dry-run", is_flag=True, help="Only count who would be purged.")
@click.pass_context
def retention_apply(ctx: click.Context, closed_for_days: int | None, dry_run: bool) -> None:
    """Purge everyone whose cases have all been closed longer than the retention period."""
    db = open_db(ctx)
    try:
        if dry_run:
            days = closed_for_days or retention_days(db)
            due = people_due(db, days) if days else []
            click.echo(f"{len(due)} people would be purged.")
            return
        print_purge(
            apply_retention(db, settings_of(ctx), cli_actor(), closed_for_days=closed_for_days)
        )
    finally:
        db.dispose()


@click.command()
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@PASSPHRASE_STDIN
@click.pass_context
def backup(ctx: click.Context, output: Path, passphrase_stdin: bool) -> None:
    """Write an encrypted archive of the database, vault and audit log."""
    passphrase = read_stdin_line() if passphrase_stdin else None
    db = open_db(ctx)
    try:
        result = create_backup(db, settings_of(ctx), output, cli_actor(), passphrase=passphrase)
    finally:
        db.dispose()
    click.echo(
        f"Backup written to {result.path}: {result.vault_files} vault files, "
        f"{result.audit_entries} audit entries."
    )


@click.command()
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@PASSPHRASE_STDIN
@click.option("--force", is_flag=True, help="Replace an existing instance.")
@click.pass_context
def restore(ctx: click.Context, archive: Path, passphrase_stdin: bool, force: bool) -> None:
    """Check an archive completely, then restore it."""
    passphrase = read_stdin_line() if passphrase_stdin else None
    result = restore_backup(
        settings_of(ctx), archive, cli_actor(), passphrase=passphrase, force=force
    )
    click.echo(
        f"Restored the backup of {result.created_at}: {result.vault_files} vault files, "
        f"{result.audit_entries} audit entries."
    )


@click.group()
def vault() -> None:
    """The evidence vault."""


@vault.command("check")
@click.option("--verify", is_flag=True, help="Also decrypt every file and re-check its hash.")
@click.option(
    "--grace-minutes",
    default=60,
    show_default=True,
    type=click.IntRange(min=0),
    help="Leave newer unreferenced files alone (uploads in flight).",
)
@click.pass_context
def vault_check(ctx: click.Context, verify: bool, grace_minutes: int) -> None:
    """Remove orphaned files and report missing or damaged ones."""
    db = open_db(ctx)
    try:
        report = check_vault(db, settings_of(ctx), verify=verify, grace_seconds=grace_minutes * 60)
    finally:
        db.dispose()
    click.echo(
        f"{report.documents} documents; {len(report.orphans_removed)} orphaned files removed; "
        f"{len(report.missing)} missing; {len(report.damaged)} damaged."
    )
    for document_id in report.missing:
        click.echo(f"missing: {document_id}", err=True)
    for document_id in report.damaged:
        click.echo(f"damaged: {document_id}", err=True)
    if not report.healthy:
        ctx.exit(1)


@vault.command("index-words")
@click.pass_context
def vault_index_words(ctx: click.Context) -> None:
    """Read and index the words of documents stored before their text was read."""
    db = open_db(ctx)
    try:
        report = index_unread_documents(db, settings_of(ctx))
    finally:
        db.dispose()
    click.echo(
        f"Words of {report.documents} documents indexed ({report.words} distinct words); "
        f"{report.unreadable} could not be read."
    )


COMMANDS = [keys, purge, retention, backup, restore, vault]
