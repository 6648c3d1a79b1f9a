"""Sources (reports and documents cited by events) from the command line."""

from __future__ import annotations

from datetime import date
from typing import TextIO

import click

from havenwatch.access.scope import Scope
from havenwatch.cases.events import (
    add_event_source,
)
from havenwatch.cases.sources import add_source
from havenwatch.commands.common import (
    cli_actor,
    day_value,
    open_db,
)
from havenwatch.core.model import Source


@click.group()
def source() -> None:
    """Sources: news reports and other published material."""


@source.command("add")
@click.option("--url")
@click.option("--title")
@click.option("--publisher")
@click.option("--published", callback=day_value, help="Publication date.")
@click.option("--language")
@click.option("--text-file", type=click.File("r", encoding="utf-8"), help="The report's text.")
@click.option("--event", "event_id", help="Link it to this event as the report of it.")
@click.pass_context
def source_add(
    ctx: click.Context,
    url: str | None,
    title: str | None,
    publisher: str | None,
    published: date | None,
    language: str | None,
    text_file: TextIO | None,
    event_id: str | None,
) -> None:
    """Add a source (stored once per content), and link it to an event if asked."""
    db = open_db(ctx)
    report = Source(
        url=url,
        title=title,
        publisher=publisher,
        published_on=published,
        language=language,
        text=text_file.read() if text_file else "",
    )
    if event_id is not None:
        linked = add_event_source(db, event_id, report, cli_actor(), scope=Scope.everything())
        click.echo(f"{linked.id} linked to {event_id}")
        return
    added, created = add_source(db, report, cli_actor(), scope=Scope.everything())
    click.echo(added.id if created else f"{added.id} (already stored)")


COMMANDS = [source]
