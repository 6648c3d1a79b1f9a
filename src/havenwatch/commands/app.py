"""Running the workspace: `serve`, and `demo` which fills an instance with fictional data first."""

from __future__ import annotations

import logging
import os
import secrets
import threading
from datetime import date

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import select

from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import demo_data, generate
from havenwatch.cases.people import count_people
from havenwatch.cases.reminders import ReminderSettings, send_daily
from havenwatch.commands.common import cli_actor, err_console, open_db, settings_of
from havenwatch.security.accounts import hash_password, insert_user
from havenwatch.settings import Settings
from havenwatch.store.database import Database
from havenwatch.store.instance import initialise
from havenwatch.store.schema import users

LOG = logging.getLogger("havenwatch.reminders")

DEMO_USERS = (
    ("caseworker", "caseworker"),
    ("lawyer", "caseworker"),
    ("researcher", "researcher"),
    ("observer", "viewer"),
)


APP_FACTORY = "havenwatch.web.app:app_from_environment"


def export_settings(settings: Settings) -> None:
    """Hand the instance to the server workers, which read their settings from the environment."""
    os.environ["HAVENWATCH_DATA_DIR"] = str(settings.data_dir)
    os.environ["HAVENWATCH_DATABASE_URL"] = settings.database_url
    os.environ["HAVENWATCH_KEY_FILE"] = str(settings.key_file)


def run_server(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve with `workers` processes, each with its own app (uvicorn's multi-process mode)."""
    import uvicorn

    export_settings(settings_of(ctx))
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        server_header=False,
        date_header=False,
        log_level="warning",
        access_log=False,
    )


def default_workers() -> int:
    return os.cpu_count() or 1


WORKERS = click.option(
    "--workers",
    default=default_workers,
    show_default="the number of CPU cores",
    type=click.IntRange(1, 64),
    help="Server processes answering requests in parallel.",
)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@WORKERS
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Start the web workspace."""
    open_db(ctx).dispose()
    click.echo(f"havenwatch is serving on http://{host}:{port}/ with {workers} worker(s)")
    reminders = ReminderSettings.from_env()
    if reminders.configured:
        start_daily_reminders(open_db(ctx), reminders)
        click.echo("deadline reminders are sent once a day (HAVENWATCH_SMTP_HOST/WEBHOOK)")
    run_server(ctx, host, port, workers)


def start_daily_reminders(
    db: Database, settings: ReminderSettings, every_seconds: float = 900.0
) -> threading.Event:
    """A daemon thread that sends the day's reminders once (checked every 15 minutes)."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                send_daily(db, settings, date.today(), "system:reminders")
            except Exception as error:
                LOG.error("deadline reminders failed: %s", type(error).__name__)
            stop.wait(every_seconds)

    threading.Thread(target=loop, name="havenwatch-reminders", daemon=True).start()
    return stop


def load_demo(db: Database, cases: int, seed: int) -> None:
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err_console(), transient=False) as progress:
        task = progress.add_task("Generating demo cases", total=cases)
        load_files(
            db,
            generate(cases, seed=seed, upto=date.today()),
            "demo",
            progress=lambda done: progress.advance(task, done),
        )


def reset_password(db: Database, username: str, role: str, team: str) -> str:
    """A fresh one-time password for a demo account, creating the account if needed."""
    password = secrets.token_urlsafe(12)
    with db.write("demo") as unit:
        existing = unit.conn.execute(
            select(users.c.id).where(users.c.username == username)
        ).scalar()
        if existing:
            unit.conn.execute(
                users.update()
                .where(users.c.id == existing)
                .values(password_hash=hash_password(password), active=True)
            )
            unit.audit("user.password_reset", target_type="user", target_id=existing)
        else:
            insert_user(unit, username, password, role, team)
    return password


@click.command()
@click.option(
    "--cases",
    default=16,
    show_default=True,
    type=click.IntRange(1, 10_000_000),
    help="How many demo cases to generate.",
)
@click.option("--seed", default=2024, show_default=True, help="Random seed for the generator.")
@click.option("--no-serve", is_flag=True, help="Only create the data; do not start the server.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@WORKERS
@click.pass_context
def demo(
    ctx: click.Context, cases: int, seed: int, no_serve: bool, host: str, port: int, workers: int
) -> None:
    """Create a demo instance with fictional people and cases, then serve it."""
    db = initialise(settings_of(ctx))
    if count_people(db) == 0:
        load_demo(db, cases, seed)
    team = demo_data()["teams"][0]
    admin_password = reset_password(db, "admin", "admin", team)
    logins = [("admin", admin_password)] + [
        (name, reset_password(db, name, role, team)) for name, role in DEMO_USERS
    ]
    db.dispose()
    click.echo(f"havenwatch demo data is in {settings_of(ctx).data_dir} ({cli_actor()})")
    click.echo("One-time logins (they change every time you run the demo):")
    for name, password in logins:
        click.echo(f"  {name:<11} {password}")
    if not no_serve:
        click.echo(f"Open http://{host}:{port}/ and log in as admin.")
        run_server(ctx, host, port, workers)


COMMANDS = [serve, demo]
