"""Events of a case from the command line: add, edit, list, delete."""

from __future__ import annotations

from typing import Any

import click

from havenwatch.access.scope import Scope
from havenwatch.cases.events import (
    add_event,
    delete_event,
    edit_event,
    list_events,
)
from havenwatch.commands.common import (
    FORMAT_OPTION,
    cli_actor,
    open_db,
    print_json,
    print_table,
    record_options,
    record_values,
)
from havenwatch.core.model import Event


@click.group()
def event() -> None:
    """Events on a case's timeline."""


@event.command("add")
@click.option("--case", "case_id", required=True)
@record_options(Event, adding=True)
@click.option("--source", "source_ids", multiple=True, help="Id of a source reporting it.")
@click.pass_context
def event_add(
    ctx: click.Context, /, case_id: str, source_ids: tuple[str, ...], **given: Any
) -> None:
    """Add an event to a case."""
    fields = record_values(Event, given)
    added = add_event(
        open_db(ctx),
        Event(case_id=case_id, source_ids=list(source_ids), **fields),
        cli_actor(),
        scope=Scope.everything(),
    )
    click.echo(added.id)


@event.command("edit")
@click.argument("event_id")
@click.option("--case", "case_id", required=True, help="The case the event belongs to.")
@record_options(Event, adding=False)
@click.pass_context
def event_edit(ctx: click.Context, /, event_id: str, case_id: str, **given: Any) -> None:
    """Change the fields given; the others, notes included, keep their values."""
    values = record_values(Event, given)
    changes = {name: value for name, value in values.items() if value is not None}
    if not changes:
        raise click.UsageError("nothing to change: give at least one option")
    edit_event(
        open_db(ctx), case_id, event_id, cli_actor(), changes=changes, scope=Scope.everything()
    )
    click.echo(f"{event_id} changed: {', '.join(sorted(changes))}")


@event.command("list")
@click.option("--case", "case_id", required=True)
@FORMAT_OPTION
@click.pass_context
def event_list(ctx: click.Context, case_id: str, output_format: str) -> None:
    """List a case's events in date order."""
    timeline = list_events(open_db(ctx), case_id, scope=Scope.everything())
    if output_format == "json":
        print_json(timeline)
    else:
        print_table(
            ["id", "date", "type", "authority", "grounds", "served", "deadline"],
            [
                (
                    e.id,
                    e.date.text if e.date else "",
                    e.type,
                    e.authority,
                    e.grounds,
                    e.served_on,
                    e.deadline_days,
                )
                for e in timeline
            ],
        )


@event.command("delete")
@click.argument("event_id")
@click.option("--case", "case_id", required=True, help="The case the event belongs to.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def event_delete(ctx: click.Context, event_id: str, case_id: str, yes: bool) -> None:
    """Delete an event from a case's timeline.

    Its links to sources are cut, and a source linked to nothing else is deleted with it;
    documents attached to it stay with the case. The deletion is audited.
    """
    if not yes:
        click.confirm(f"Delete event {event_id}? This cannot be undone", abort=True)
    deleted = delete_event(open_db(ctx), case_id, event_id, cli_actor(), scope=Scope.everything())
    click.echo(f"{deleted.event_id} deleted")
    if deleted.deleted_sources:
        click.echo(f"sources deleted with it: {', '.join(deleted.deleted_sources)}")


COMMANDS = [event]
