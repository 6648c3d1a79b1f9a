"""Setting up an instance: init, migrate, users, the PostgreSQL application role."""

from __future__ import annotations

import sys

import click

from havenwatch.access.accounts import ROLES, add_user, list_users
from havenwatch.access.staff_email import set_email
from havenwatch.cases.document_reindex import index_unread_documents
from havenwatch.cases.step_workflow import refresh_all_steps
from havenwatch.commands.common import (
    FORMAT_OPTION,
    cli_actor,
    open_db,
    print_json,
    print_table,
    settings_of,
)
from havenwatch.crypto.keys import load_key_file
from havenwatch.operations.instance import enclosing_work_tree, initialise, upgrade
from havenwatch.store import migrate as migrations
from havenwatch.store.app_role import check_app_role, grant_app_role
from havenwatch.store.database import Database


def read_new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.command()
@click.option("--admin", "admin_name", metavar="NAME", help="Create the first administrator.")
@click.option("--team", default="default", show_default=True, help="The administrator's team.")
@click.option("--password-stdin", is_flag=True, help="Read its password from standard input.")
@click.pass_context
def init(ctx: click.Context, admin_name: str | None, team: str, password_stdin: bool) -> None:
    """Create the data directory, the key file, the database schema and the first administrator."""
    settings = settings_of(ctx)
    db = initialise(settings)
    try:
        click.echo(f"Initialised havenwatch in {settings.data_dir}")
        click.echo(
            f"Data key: {settings.key_file} (keep it outside the data directory, and back it up)"
        )
        work_tree = enclosing_work_tree(settings.key_file)
        if work_tree is not None:
            click.echo(
                f"Warning: the key file lies inside the git work tree {work_tree}; "
                "keep it out of version control (move it with --key-file, or ignore it in git).",
                err=True,
            )
        if admin_name is not None:
            password = read_new_password(password_stdin)
            account = add_user(db, admin_name, password, "admin", team, cli_actor())
            click.echo(f"Added administrator {account.username}: log in with `havenwatch serve`")
        elif not list_users(db):
            click.echo("No account yet: add one with `havenwatch user add NAME --role admin`")
    finally:
        db.dispose()


@click.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Upgrade an existing database to the current schema."""
    settings = settings_of(ctx)
    db = Database(settings.database_url, load_key_file(settings.key_file))
    before = migrations.current_revisions(db)
    upgrade(db)
    after = migrations.current_revisions(db)
    state = ", ".join(sorted(after))
    click.echo(
        f"Schema at {state}"
        + ("" if before == after else f" (was {', '.join(sorted(before)) or 'empty'})")
    )
    if before != after:
        # The stored deadline steps follow the schema and the rules: recompute them.
        count = refresh_all_steps(db, cli_actor())
        click.echo(f"Deadline steps recomputed for {count} cases")
    indexed = index_unread_documents(db, settings)
    if indexed.documents or indexed.unreadable:
        click.echo(
            f"Words of {indexed.documents} documents indexed"
            + (f"; {indexed.unreadable} could not be read" if indexed.unreadable else "")
        )


@click.group()
def user() -> None:
    """Manage user accounts."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--team", default="default", show_default=True, help="The user's team.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def user_add(ctx: click.Context, username: str, role: str, team: str, password_stdin: bool) -> None:
    """Add a user account."""
    password = read_new_password(password_stdin)
    account = add_user(open_db(ctx), username, password, role, team, cli_actor())
    click.echo(f"Added {account.username} ({account.role}, team {account.team})")


@user.command("list")
@FORMAT_OPTION
@click.pass_context
def user_list(ctx: click.Context, output_format: str) -> None:
    """List user accounts."""
    accounts = list_users(open_db(ctx, need_keys=False))
    if output_format == "json":
        print_json(accounts)
    else:
        print_table(
            ["username", "role", "team", "active"],
            [(a.username, a.role, a.team, a.active) for a in accounts],
        )


@user.command("email")
@click.argument("username")
@click.argument("address", required=False)
@click.pass_context
def user_email(ctx: click.Context, username: str, address: str | None) -> None:
    """Where USERNAME's deadline reminders go (sealed at rest); without ADDRESS, nowhere."""
    set_email(open_db(ctx), username, address, cli_actor())
    click.echo(f"{username}: reminders {'by e-mail' if address else 'not e-mailed'}")


@click.group("db-role")
def db_role() -> None:
    """Least privilege on PostgreSQL: the role the application connects as.

    Run these with --database-url naming the role that owns the tables (the one that ran
    init and migrate); the web workspace then connects as ROLE.
    """


@db_role.command("grant")
@click.argument("role")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Set ROLE's password from standard input (sent only as a SCRAM verifier).",
)
@click.pass_context
def db_role_grant(ctx: click.Context, role: str, password_stdin: bool) -> None:
    """Create ROLE if needed and give it only what the application needs.

    SELECT, INSERT, UPDATE, DELETE on every table, but only SELECT and INSERT on audit_log
    and SELECT on alembic_version; no ownership, no DDL. Run it again after every migrate.
    """
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    if password == "":
        raise click.UsageError("the password read from standard input is empty")
    report = grant_app_role(
        open_db(ctx, need_keys=False), role, actor=cli_actor(), password=password
    )
    state = "created" if report.created else "updated"
    click.echo(
        f"Role {report.role} {state}: read and write on {report.read_write_tables} tables, "
        "append-only on audit_log, read-only on alembic_version, no DDL"
    )
    if report.created and not report.password_set:
        click.echo("It has no password: set one with --password-stdin or use peer authentication")


@db_role.command("check")
@click.argument("role")
@click.pass_context
def db_role_check(ctx: click.Context, role: str) -> None:
    """Say whether ROLE has exactly the application's rights; exit 1 if not."""
    problems = check_app_role(open_db(ctx, need_keys=False), role)
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        sys.exit(1)
    click.echo(f"Role {role} has exactly the application's rights (append-only audit log)")


COMMANDS = [init, migrate, user, db_role]
