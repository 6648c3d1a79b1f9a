"""People, cases, events and sources from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, TextIO

import click

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
from havenwatch.cases.dates import MAX_AGE, birth_year_from_age, parse_day, parse_fuzzy
from havenwatch.cases.deadlines import calendar_of, deadlines_of_case
from havenwatch.cases.events import (
    add_event,
    add_event_source,
    delete_event,
    edit_event,
    list_events,
)
from havenwatch.cases.model import Case, Event, Identity, Person, Source
from havenwatch.cases.people import (
    add_person,
    edit_person,
    find_people_by_name,
    get_person,
    list_people,
)
from havenwatch.cases.sources import add_source
from havenwatch.cases.step_workflow import StepAction, refresh_all_steps, step_actions
from havenwatch.cases.vocabulary import vocabulary
from havenwatch.commands.common import FORMAT_OPTION, cli_actor, open_db, print_json, print_table
from havenwatch.legal.engine import step_as_dict
from havenwatch.legal.workflow import CaseDeadlines, DecisionGroup
from havenwatch.security.accounts import list_users
from havenwatch.security.file_modes import write_private
from havenwatch.store.clock import today

VOCAB = vocabulary()


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    return parse_day(value) if value else None


def _upper(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    return value.upper() if value else None


@click.group()
def person() -> None:
    """People: pseudonymous by default; identity fields are encrypted."""


@person.command("add")
@click.option("--pseudonym", required=True, help="The name used everywhere in havenwatch.")
@click.option("--full-name", help="Real name (encrypted at rest).")
@click.option(
    "--other-name", "other_names", multiple=True, help="Another spelling, e.g. in Cyrillic."
)
@click.option("--nationality", callback=_upper, help="ISO 3166 alpha-2 code, e.g. RU.")
@click.option("--born", callback=_day, help="Date of birth (encrypted).")
@click.option("--birth-year", type=click.IntRange(1900, 2100), help="Year of birth.")
@click.option("--age", type=click.IntRange(0, MAX_AGE), help="Age today, when the year is unknown.")
@click.option("--contact", help="How to reach the person (encrypted).")
@click.option("--note", help="Free-text note (encrypted).")
@click.option("--consent", type=click.Choice(VOCAB.consent), default="none", show_default=True)
@click.option(
    "--risk",
    "risk_level",
    type=click.Choice(VOCAB.risk_levels),
    default="medium",
    show_default=True,
)
@click.option("--team", default="default", show_default=True)
@click.pass_context
def person_add(
    ctx: click.Context,
    pseudonym: str,
    full_name: str | None,
    other_names: tuple[str, ...],
    nationality: str | None,
    born: date | None,
    birth_year: int | None,
    age: int | None,
    contact: str | None,
    note: str | None,
    consent: str,
    risk_level: str,
    team: str,
) -> None:
    """Add a person."""
    if birth_year is None and age is not None:
        birth_year = birth_year_from_age(age, today())
    identity = Identity(
        full_name=full_name,
        other_names=list(other_names),
        date_of_birth=born,
        contact=contact,
        notes=note,
    )
    added = add_person(
        open_db(ctx),
        Person(
            pseudonym=pseudonym,
            identity=identity,
            nationality=nationality,
            birth_year=birth_year,
            consent=consent,
            risk_level=risk_level,
            team=team,
        ),
        cli_actor(),
    )
    click.echo(added.id)


@person.command("list")
@click.option(
    "--name", help="Find by any spelling of a name (exact match through the blind index)."
)
@click.option("--limit", default=100, show_default=True)
@FORMAT_OPTION
@click.pass_context
def person_list(ctx: click.Context, name: str | None, limit: int, output_format: str) -> None:
    """List people (pseudonyms only)."""
    db = open_db(ctx)
    found = list_people(db, limit=limit)
    if name:
        wanted = set(find_people_by_name(db, name))
        found = [p for p in list_people(db, limit=10**9) if p.id in wanted][:limit]
    if output_format == "json":
        print_json([{k: v for k, v in vars(p).items() if k != "identity"} for p in found])
    else:
        print_table(
            ["id", "pseudonym", "nationality", "team", "risk"],
            [(p.id, p.pseudonym, p.nationality, p.team, p.risk_level) for p in found],
        )


@person.command("show")
@click.argument("person_id")
@FORMAT_OPTION
@click.pass_context
def person_show(ctx: click.Context, person_id: str, output_format: str) -> None:
    """Show a person with their identity (the read is audited)."""
    db = open_db(ctx)
    found = get_person(db, person_id, actor=cli_actor(), with_identity=True)
    their_cases = list_cases(db, CaseFilter(person_id=person_id))
    if output_format == "json":
        print_json({"person": found, "cases": their_cases})
        return
    identity = found.identity
    rows = [
        ("pseudonym", found.pseudonym),
        ("full name", identity.full_name),
        ("other names", ", ".join(identity.other_names)),
        ("born", identity.date_of_birth),
        ("nationality", found.nationality),
        ("contact", identity.contact),
        ("notes", identity.notes),
        ("consent", found.consent),
        ("risk", found.risk_level),
        ("team", found.team),
        ("cases", ", ".join(f"{c.id} ({c.country}, {c.status})" for c in their_cases)),
    ]
    print_table(["field", "value"], rows, title=found.pseudonym)


# Fields `person edit --clear` may empty (the others always hold a value).
CLEARABLE = {
    "nationality": "nationality",
    "full-name": "identity.full_name",
    "other-names": "identity.other_names",
    "born": "identity.date_of_birth",
    "contact": "identity.contact",
    "note": "identity.notes",
}


@person.command("edit")
@click.argument("person_id")
@click.option("--pseudonym", help="A new pseudonym.")
@click.option("--full-name", help="Real name (encrypted at rest).")
@click.option(
    "--other-name",
    "other_names",
    multiple=True,
    help="Other spellings; replaces all of them (repeat for each).",
)
@click.option("--nationality", callback=_upper, help="ISO 3166 alpha-2 code, e.g. RU.")
@click.option("--born", callback=_day, help="Date of birth (encrypted).")
@click.option("--contact", help="How to reach the person (encrypted).")
@click.option("--note", help="Free-text note (encrypted).")
@click.option("--consent", type=click.Choice(VOCAB.consent))
@click.option("--risk", "risk_level", type=click.Choice(VOCAB.risk_levels))
@click.option(
    "--clear",
    "cleared",
    multiple=True,
    type=click.Choice(sorted(CLEARABLE)),
    help="Empty this field (repeat for more).",
)
@click.pass_context
def person_edit(
    ctx: click.Context,
    person_id: str,
    pseudonym: str | None,
    full_name: str | None,
    other_names: tuple[str, ...],
    nationality: str | None,
    born: date | None,
    contact: str | None,
    note: str | None,
    consent: str | None,
    risk_level: str | None,
    cleared: tuple[str, ...],
) -> None:
    """Change a person's pseudonym, identity or other fields.

    Fields not given keep their values. Name search finds the new names at once, and no
    longer the old ones. The change is audited with the names of the fields changed, never
    their values.
    """
    given = {
        "pseudonym": pseudonym,
        "nationality": nationality,
        "consent": consent,
        "risk_level": risk_level,
    }
    changes: dict[str, object] = {k: v for k, v in given.items() if v is not None}
    identity_given = {
        "full_name": full_name,
        "other_names": list(other_names) or None,
        "date_of_birth": born,
        "contact": contact,
        "notes": note,
    }
    identity: dict[str, object] = {k: v for k, v in identity_given.items() if v is not None}
    for name in cleared:
        field = CLEARABLE[name]
        if field.startswith("identity."):
            field = field.removeprefix("identity.")
            identity[field] = [] if field == "other_names" else None
        else:
            changes[field] = None
    if not changes and not identity:
        raise click.UsageError("nothing to change: give at least one option")
    edited = edit_person(
        open_db(ctx), person_id, cli_actor(), changes=changes, identity_changes=identity
    )
    click.echo(f"{edited.id} {edited.pseudonym}")


@click.group("case")
def case_group() -> None:
    """Cases: one person's matter in one host country."""


@case_group.command("add")
@click.option("--person", "person_id", required=True, help="The person's id.")
@click.option("--country", required=True, callback=_upper, help="Host country, ISO code (RS).")
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
    )
    click.echo(added.id)


@case_group.command("list")
@click.option("--status", type=click.Choice(VOCAB.case_statuses))
@click.option("--country", callback=_upper)
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
    case_file = get_case_file(db, case_id, team_ids=None, actor=cli_actor(), with_notes=True)
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
    closed = close_case(open_db(ctx), case_id, cli_actor(), status=status)
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
    assign_case(db, case_id, user_id, cli_actor())
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
    reopened = reopen_case(open_db(ctx), case_id, cli_actor(), reason=reason)
    click.echo(f"{reopened.id} {reopened.status}")


@case_group.command("deadlines")
@click.argument("case_id")
@click.option("--today", callback=_day, help="Count from this day instead of today.")
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
    found = get_case(db, case_id)
    plan = deadlines_of_case(db, case_id, found.country, today=today or date.today())
    if plan is None:
        raise click.ClickException(f"havenwatch has no deadline rules for {found.country}")
    if ics:
        write_private(
            ics, calendar_of(((found.title, d) for d in plan.deadlines), found.title or case_id)
        )
    actions = step_actions(db, case_id)
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
    edit_event(open_db(ctx), case_id, event_id, cli_actor(), changes=changes)
    click.echo(f"{event_id} changed: {', '.join(sorted(changes))}")


@event.command("list")
@click.option("--case", "case_id", required=True)
@FORMAT_OPTION
@click.pass_context
def event_list(ctx: click.Context, case_id: str, output_format: str) -> None:
    """List a case's events in date order."""
    timeline = list_events(open_db(ctx), case_id)
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
    deleted = delete_event(open_db(ctx), case_id, event_id, cli_actor())
    click.echo(f"{deleted.event_id} deleted")
    if deleted.deleted_sources:
        click.echo(f"sources deleted with it: {', '.join(deleted.deleted_sources)}")


@click.group()
def source() -> None:
    """Sources: news reports and other published material."""


@source.command("add")
@click.option("--url")
@click.option("--title")
@click.option("--publisher")
@click.option("--published", callback=_day, help="Publication date.")
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
        linked = add_event_source(db, event_id, report, cli_actor())
        click.echo(f"{linked.id} linked to {event_id}")
        return
    added, created = add_source(db, report, cli_actor())
    click.echo(added.id if created else f"{added.id} (already stored)")


COMMANDS = [person, case_group, event, source]
