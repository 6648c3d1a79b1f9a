"""Events of a case from the command line: add, edit, list, delete."""

from __future__ import annotations

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
)
from havenwatch.core.dates import parse_day, parse_fuzzy
from havenwatch.core.model import Event
from havenwatch.core.vocabulary import vocabulary

VOCAB = vocabulary()


@click.group()
def event() -> None:
    """Events on a case's timeline."""


@event.command("add")
@click.option("--case", "case_id", required=True)
@click.option("--type", "event_type", type=click.Choice(VOCAB.event_types), required=True)
@click.option("--date", "when", help="2024-09-16, 2024-09, 2024, ../2024-10-19 (before)...")
@click.option("--served", help="When the decision was served (drives deadlines).")
@click.option("--authority", type=click.Choice(VOCAB.authorities))
@click.option("--grounds", type=click.Choice(VOCAB.grounds))
@click.option("--deadline-days", type=click.IntRange(0, 3650))
@click.option(
    "--origin-link", type=click.Choice(VOCAB.origin_state_link), default="none", show_default=True
)
@click.option("--outcome", type=click.Choice(VOCAB.outcomes))
@click.option(
    "--decision-code", help="Refine the legal decision code (see `havenwatch deadlines`)."
)
@click.option(
    "--service",
    help="How the decision was served: personal, ordinary_post... (see `havenwatch deadlines`).",
)
@click.option("--procedure", help="The decision's procedure, where it has several (asylum).")
@click.option("--source", "source_ids", multiple=True, help="Id of a source reporting it.")
@click.option("--note")
@click.pass_context
def event_add(
    ctx: click.Context,
    case_id: str,
    event_type: str,
    when: str | None,
    served: str | None,
    authority: str | None,
    grounds: str | None,
    deadline_days: int | None,
    origin_link: str,
    outcome: str | None,
    decision_code: str | None,
    service: str | None,
    procedure: str | None,
    source_ids: tuple[str, ...],
    note: str | None,
) -> None:
    """Add an event to a case."""
    added = add_event(
        open_db(ctx),
        Event(
            case_id=case_id,
            type=event_type,
            date=parse_fuzzy(when) if when else None,
            served_on=parse_day(served, "served") if served else None,
            authority=authority,
            grounds=grounds,
            deadline_days=deadline_days,
            origin_state_link=origin_link,
            outcome=outcome,
            decision_code=decision_code,
            service=service,
            procedure=procedure,
            source_ids=list(source_ids),
            notes=note,
        ),
        cli_actor(),
        scope=Scope.everything(),
    )
    click.echo(added.id)


@event.command("edit")
@click.argument("event_id")
@click.option("--case", "case_id", required=True, help="The case the event belongs to.")
@click.option("--type", "event_type", type=click.Choice(VOCAB.event_types))
@click.option("--date", "when", help="2024-09-16, 2024-09, 2024, ../2024-10-19 (before)...")
@click.option("--served", help="When the decision was served (drives deadlines).")
@click.option("--authority", type=click.Choice(VOCAB.authorities))
@click.option("--grounds", type=click.Choice(VOCAB.grounds))
@click.option("--deadline-days", type=click.IntRange(0, 3650))
@click.option("--origin-link", type=click.Choice(VOCAB.origin_state_link))
@click.option("--outcome", type=click.Choice(VOCAB.outcomes))
@click.option("--decision-code", help="Refine the legal decision code.")
@click.option(
    "--service",
    help="How the decision was served: personal, ordinary_post... (see `havenwatch deadlines`).",
)
@click.option("--procedure", help="The decision's procedure, where it has several (asylum).")
@click.option("--note", help="Replaces the event's notes (encrypted).")
@click.pass_context
def event_edit(
    ctx: click.Context,
    event_id: str,
    case_id: str,
    event_type: str | None,
    when: str | None,
    served: str | None,
    authority: str | None,
    grounds: str | None,
    deadline_days: int | None,
    origin_link: str | None,
    outcome: str | None,
    decision_code: str | None,
    service: str | None,
    procedure: str | None,
    note: str | None,
) -> None:
    """Change the fields given; the others, notes included, keep their values."""
    given = {
        "type": event_type,
        "date": parse_fuzzy(when) if when else None,
        "served_on": parse_day(served, "served") if served else None,
        "authority": authority,
        "grounds": grounds,
        "deadline_days": deadline_days,
        "origin_state_link": origin_link,
        "outcome": outcome,
        "decision_code": decision_code,
        "service": service,
        "procedure": procedure,
        "notes": note,
    }
    changes = {name: value for name, value in given.items() if value is not None}
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
