"""`havenwatch reminders send`: today's deadline digests by e-mail, and the signed webhook."""

from __future__ import annotations

from datetime import date

import click

from havenwatch.cases.reminders import ReminderSettings, send_reminders
from havenwatch.commands.common import cli_actor, open_db
from havenwatch.core.dates import parse_day


@click.group()
def reminders() -> None:
    """Deadline reminders (HAVENWATCH_SMTP_* and HAVENWATCH_REMINDER_* settings)."""


@reminders.command("send")
@click.option("--dry-run", is_flag=True, help="Say who would get what; send nothing.")
@click.option("--today", help="Count from this day instead of today.")
@click.pass_context
def reminders_send(ctx: click.Context, dry_run: bool, today: str | None) -> None:
    """Send each assignee (or, for unassigned steps, the team's coordinators) a digest of
    the steps due within HAVENWATCH_REMINDER_DAYS (default 7) and those overdue, through
    HAVENWATCH_SMTP_HOST/_PORT/_FROM/_USER/_PASSWORD/_STARTTLS, and POST them once to
    HAVENWATCH_REMINDER_WEBHOOK_URL, signed (X-Havenwatch-Signature: sha256=HMAC of the body
    with HAVENWATCH_REMINDER_WEBHOOK_SECRET). Links use HAVENWATCH_BASE_URL. Reminders carry
    pseudonyms and case links, never names or case titles."""
    settings = ReminderSettings.from_env()
    day = parse_day(today, "--today") if today else date.today()
    report, digests = send_reminders(open_db(ctx), settings, day, cli_actor(), dry_run=dry_run)
    for digest in digests:
        where = "e-mail" if digest.sealed_email else "no address set"
        click.echo(f"{digest.username}: {len(digest.items)} steps ({where})")
    verb = "would send" if dry_run else "sent"
    click.echo(
        f"{verb}: {report.digests} digests, {report.emailed} e-mailed, "
        f"{report.without_address} without an address, {report.steps} steps"
        + (", webhook posted" if report.webhook_sent else "")
    )


COMMANDS = [reminders]
