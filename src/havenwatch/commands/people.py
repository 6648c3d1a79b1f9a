"""People from the command line: pseudonymous by default, identities sealed."""

from __future__ import annotations

from datetime import date

import click

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import (
    CaseFilter,
    list_cases,
)
from havenwatch.cases.people import (
    add_person,
    edit_person,
    find_people_by_name,
    get_person,
    list_people,
)
from havenwatch.commands.common import (
    FORMAT_OPTION,
    cli_actor,
    day_value,
    open_db,
    print_json,
    print_table,
    upper_value,
)
from havenwatch.core.clock import today
from havenwatch.core.dates import MAX_AGE, birth_year_from_age
from havenwatch.core.model import Identity, Person
from havenwatch.core.vocabulary import vocabulary

VOCAB = vocabulary()


@click.group()
def person() -> None:
    """People: pseudonymous by default; identity fields are encrypted."""


@person.command("add")
@click.option("--pseudonym", required=True, help="The name used everywhere in havenwatch.")
@click.option("--full-name", help="Real name (encrypted at rest).")
@click.option(
    "--other-name", "other_names", multiple=True, help="Another spelling, e.g. in Cyrillic."
)
@click.option("--nationality", callback=upper_value, help="ISO 3166 alpha-2 code, e.g. RU.")
@click.option("--born", callback=day_value, help="Date of birth (encrypted).")
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
        scope=Scope.everything(),
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
    found = list_people(db, limit=limit, scope=Scope.everything())
    if name:
        wanted = set(find_people_by_name(db, name, scope=Scope.everything()))
        found = [
            p for p in list_people(db, limit=10**9, scope=Scope.everything()) if p.id in wanted
        ][:limit]
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
    found = get_person(
        db, person_id, actor=cli_actor(), with_identity=True, scope=Scope.everything()
    )
    their_cases = list_cases(db, CaseFilter(person_id=person_id), scope=Scope.everything())
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
@click.option("--nationality", callback=upper_value, help="ISO 3166 alpha-2 code, e.g. RU.")
@click.option("--born", callback=day_value, help="Date of birth (encrypted).")
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
        open_db(ctx),
        person_id,
        cli_actor(),
        changes=changes,
        identity_changes=identity,
        scope=Scope.everything(),
    )
    click.echo(f"{edited.id} {edited.pseudonym}")


COMMANDS = [person]
