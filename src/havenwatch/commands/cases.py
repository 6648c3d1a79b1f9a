"""Cases from the command line: open, list, show, assign, close, reopen, deadlines."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from havenwatch.access.accounts import list_users
from havenwatch.access.scope import Scope
from havenwatch.cases.assignment import assign_case
from havenwatch.cases.case_files import (
    REOPEN_REASONS,
    CaseFilter,
    add_case,
    close_case,
    get_case,
    get_case_file,
    list_cases,
    reopen_case,
)
from havenwatch.cases.deadlines import calendar_of, deadlines_of_case
from havenwatch.cases.step_workflow import StepAction, refresh_all_steps, step_actions
from havenwatch.commands.common import (
    FORMAT_OPTION,
    cli_actor,
    day_value,
    open_db,
    print_json,
    print_table,
    upper_value,
)
from havenwatch.core.file_modes import write_private
from havenwatch.core.model import Case
from havenwatch.core.vocabulary import vocabulary
from havenwatch.legal.engine import step_as_dict
from havenwatch.legal.workflow import CaseDeadlines, DecisionGroup

VOCAB = vocabulary()


@click.group("case")
def case_group() -> None:
    """Cases: one person's matter in one host country."""


@case_group.command("add")
@click.option("--person", "person_id", required=True, help="The person's id.")
@click.option("--country", required=True, callback=upper_value, help="Host country, ISO code (RS).")
@click.option("--title", default="")
@click.option("--tag", "tags", multiple=True)
@click.option("--team", default=None, help="Team (default: the person's team).")
@click.option("--note")
@click.pass_context
def case_add(
    ctx: click.Context,
    person_id: str,
    country: str,
    title: str,
    tags: tuple[str, ...],
    team: str | None,
    note: str | None,
) -> None:
    """Open a case."""
    added = add_case(
        open_db(ctx),
        Case(
            person_id=person_id,
            country=country,
            title=title,
            tags=list(tags),
            team=team or "",
            notes=note,
        ),
        cli_actor(),
        scope=Scope.everything(),
    )
    click.echo(added.id)


@case_group.command("list")
@click.option("--status", type=click.Choice(VOCAB.case_statuses))
@click.option("--country", callback=upper_value)
@click.option("--event-type", type=click.Choice(VOCAB.event_types))
@click.option("--tag")
@click.option("--limit", default=100, show_default=True)
@FORMAT_OPTION
@click.pass_context
def case_list(
    ctx: click.Context,
    status: str | None,
    country: str | None,
    event_type: str | None,
    tag: str | None,
    limit: int,
    output_format: str,
) -> None:
    """List cases."""
    found = list_cases(
        open_db(ctx, need_keys=False),
        CaseFilter(status=status, country=country, event_type=event_type, tag=tag),
        limit=limit,
        scope=Scope.everything(),
    )
    if output_format == "json":
        print_json(found)
    else:
        print_table(
            ["id", "country", "status", "title", "tags", "opened"],
            [(c.id, c.country, c.status, c.title, ", ".join(c.tags), c.opened_on) for c in found],
        )


@case_group.command("show")
@click.argument("case_id")
@FORMAT_OPTION
@click.pass_context
def case_show(ctx: click.Context, case_id: str, output_format: str) -> None:
    """Show a case and its timeline."""
    db = open_db(ctx)
    case_file = get_case_file(
        db, case_id, scope=Scope.everything(), actor=cli_actor(), with_notes=True
    )
    found, timeline = case_file.case, case_file.timeline
    if output_format == "json":
        print_json({"case": found, "events": timeline})
        return
    click.echo(f"{found.title or found.id} — {found.country}, {found.status}, team {found.team}")
    print_table(
        ["date", "type", "authority", "grounds", "served", "deadline", "id"],
        [
            (
                e.date.text if e.date else "",
                e.type,
                e.authority,
                e.grounds,
                e.served_on,
                e.deadline_days,
                e.id,
            )
            for e in timeline
        ],
    )


@case_group.command("close")
@click.argument("case_id")
@click.option(
    "--status",
    type=click.Choice([s for s in VOCAB.case_statuses if s != "open"]),
    default="closed",
    show_default=True,
)
@click.pass_context
def case_close(ctx: click.Context, case_id: str, status: str) -> None:
    """Close a case with its final status."""
    closed = close_case(open_db(ctx), case_id, cli_actor(), status=status, scope=Scope.everything())
    click.echo(f"{closed.id} {closed.status}")


@case_group.command("assign")
@click.argument("case_id")
@click.argument("username", required=False)
@click.pass_context
def case_assign(ctx: click.Context, case_id: str, username: str | None) -> None:
    """Give the case to USERNAME, an active caseworker of its team; without it, to nobody."""
    db = open_db(ctx)
    user_id = None
    if username is not None:
        user_id = next((u.id for u in list_users(db) if u.username == username), None)
        if user_id is None:
            raise click.UsageError(f"no user {username}")
    assign_case(db, case_id, user_id, cli_actor(), scope=Scope.everything())
    click.echo(f"{case_id} assigned to {username or 'nobody'}")


@case_group.command("reopen")
@click.argument("case_id")
@click.option(
    "--reason",
    type=click.Choice(REOPEN_REASONS),
    required=True,
    help="Why the case is open again (kept in the audit trail).",
)
@click.pass_context
def case_reopen(ctx: click.Context, case_id: str, reason: str) -> None:
    """Open a closed case again."""
    reopened = reopen_case(
        open_db(ctx), case_id, cli_actor(), reason=reason, scope=Scope.everything()
    )
    click.echo(f"{reopened.id} {reopened.status}")


@case_group.command("deadlines")
@click.argument("case_id")
@click.option("--today", callback=day_value, help="Count from this day instead of today.")
@click.option(
    "--ics", type=click.Path(dir_okay=False, path_type=Path), help="Also write an .ics feed."
)
@FORMAT_OPTION
@click.pass_context
def case_deadlines(
    ctx: click.Context, case_id: str, today: date | None, ics: Path | None, output_format: str
) -> None:
    """The case's legal deadlines from its decisions, with citations."""
    db = open_db(ctx)
    found = get_case(db, case_id, scope=Scope.everything())
    plan = deadlines_of_case(
        db, case_id, found.country, today=today or date.today(), scope=Scope.everything()
    )
    if plan is None:
        raise click.ClickException(f"havenwatch has no deadline rules for {found.country}")
    if ics:
        write_private(
            ics, calendar_of(((found.title, d) for d in plan.deadlines), found.title or case_id)
        )
    actions = step_actions(db, case_id, scope=Scope.everything())
    if output_format == "json":
        print_json(deadlines_as_json(plan, actions))
        return
    for number, group in enumerate(plan.decisions, start=1):
        _echo_decision(number, group, actions)


@case_group.command("refresh-deadlines")
@click.pass_context
def case_refresh_deadlines(ctx: click.Context) -> None:
    """Recompute every case's stored deadline steps (after an upgrade or a rules change)."""
    count = refresh_all_steps(open_db(ctx), cli_actor())
    click.echo(f"deadline steps recomputed for {count} cases")


def _action_text(action: StepAction | None) -> str:
    if action is None:
        return ""
    parts = [action.resolution or ""]
    if action.resolved_on:
        parts.append(action.resolved_on.isoformat())
    if action.assignee:
        parts.append(f"assigned to {action.assignee}")
    return " ".join(part for part in parts if part)


def deadlines_as_json(plan: CaseDeadlines, actions: dict[str, StepAction]) -> dict[str, Any]:
    """The case's deadlines grouped under their decisions, each warning once."""
    return {
        "decisions": [
            {
                "event_id": group.event_id,
                "event_ids": list(group.event_ids),
                "event_type": group.event_type,
                "decision": group.decision,
                "procedure": group.procedure,
                "served": group.served,
                "deemed_served": group.deemed_served,
                "departure_days": group.departure_days,
                "deadlines": [
                    {
                        "deadline_id": d.deadline_id,
                        "status": d.status,
                        "resolution": _resolution(actions, d.deadline_id),
                        "assignee": _assignee(actions, d.deadline_id),
                        **step_as_dict(d.step),
                    }
                    for d in group.deadlines
                ],
                "warnings": [w.message for w in group.warnings],
            }
            for group in plan.decisions
        ],
        "warnings": [w.message for w in plan.warnings],
    }


def _resolution(actions: dict[str, StepAction], deadline_id: str) -> str | None:
    action = actions.get(deadline_id)
    return action.resolution if action else None


def _assignee(actions: dict[str, StepAction], deadline_id: str) -> str | None:
    action = actions.get(deadline_id)
    return action.assignee if action else None


def _echo_decision(number: int, group: DecisionGroup, actions: dict[str, StepAction]) -> None:
    served = f"served {group.served.isoformat()}"
    if group.deemed_served and group.deemed_served != group.served:
        served += f", deemed served {group.deemed_served.isoformat()}"
    if group.departure_days is not None:
        served += f", {group.departure_days} days to leave"
    served += "; events " + ", ".join(group.event_ids)
    click.echo(f"{number}. {group.decision_label or group.event_type} ({served})")
    if group.deadlines:
        print_table(
            ["due", "status", "remedy", "suspensive", "body", "citation", "confidence", "done"],
            [
                (
                    d.step.due,
                    d.status,
                    d.step.remedy_label,
                    {None: "-", True: "yes", False: "no"}[d.step.suspensive],
                    d.step.body,
                    d.step.citation,
                    d.step.confidence
                    + (" verify with counsel" if d.step.verify_with_counsel else ""),
                    _action_text(actions.get(d.deadline_id)),
                )
                for d in group.deadlines
            ],
        )
    for warning in group.warnings:
        click.echo(f"warning: {warning.message}")
    click.echo("")


COMMANDS = [case_group]
