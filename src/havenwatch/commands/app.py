"""Running the workspace: `serve`, and `demo` which fills an instance with fictional data first."""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
from collections.abc import Sequence
from datetime import date
from importlib import resources
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import DEMO_CASES, demo_data, generate
from havenwatch.cases.demo_instance import claim_for_demo, define_demo_fields, reset_demo_logins
from havenwatch.cases.reminders import ReminderSettings, send_daily
from havenwatch.commands.common import cli_actor, err_console, open_db, settings_of
from havenwatch.commands.feeds import start_feed_fetcher
from havenwatch.core.file_modes import restrict_umask
from havenwatch.core.settings import Settings
from havenwatch.monitor.ingest import run_ingest
from havenwatch.operations.instance import initialise
from havenwatch.reports.publication import publish_release, start_schedule
from havenwatch.reports.suppression import DEFAULT_K
from havenwatch.store.database import Database

LOG = logging.getLogger("havenwatch.reminders")


APP_FACTORY = "havenwatch.web.app:app_from_environment"


def export_settings(settings: Settings) -> None:
    """Hand the instance to the server workers, which read their settings from the environment."""
    os.environ["HAVENWATCH_DATA_DIR"] = str(settings.data_dir)
    os.environ["HAVENWATCH_DATABASE_URL"] = settings.database_url
    os.environ["HAVENWATCH_KEY_FILE"] = str(settings.key_file)


def proxy_options(trusted_proxies: Sequence[str]) -> dict[str, Any]:
    """uvicorn's proxy settings: forwarded headers believed only from the trusted proxies.

    With none (the default) uvicorn ignores `X-Forwarded-For` and `X-Forwarded-Proto` from
    everyone; left to itself it would believe them from loopback, and any local process or
    onion service could then pick the client address the login throttle counts.
    """
    if not trusted_proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(trusted_proxies)}


def run_server(
    ctx: click.Context,
    host: str,
    port: int,
    workers: int,
    trusted_proxies: Sequence[str] = (),
) -> None:
    """Serve with `workers` processes, each with its own app (uvicorn's multi-process mode).

    Beside them, one process fetches the subscribed news feeds on their schedule, and this
    process publishes the anonymised release when its schedule says one is due (`havenwatch
    release schedule`), in a background thread: the workers never compute either.
    """
    # local import: the server loads only for `serve`, not at every command's start
    import uvicorn

    restrict_umask()
    export_settings(settings_of(ctx))
    start_schedule(open_db(ctx, need_keys=False))
    fetcher = start_feed_fetcher(settings_of(ctx))
    try:
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
            **proxy_options(trusted_proxies),
        )
    finally:
        fetcher.terminate()


def trusted_networks(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """Each --trusted-proxy value as a network (an address is a network of one)."""
    networks = []
    for value in values:
        try:
            networks.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError:
            raise click.BadParameter(f"{value!r} is not an IP address or network") from None
    return tuple(networks)


TRUSTED_PROXY = click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    envvar="HAVENWATCH_TRUSTED_PROXIES",
    callback=trusted_networks,
    help="Address or network (CIDR) of a reverse proxy whose X-Forwarded-For and "
    "X-Forwarded-Proto are believed; repeat for several. Default: none, the headers are "
    "ignored from everyone, loopback included.",
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
@TRUSTED_PROXY
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, workers: int, trusted_proxies: tuple[str, ...]
) -> None:
    """Start the web workspace."""
    open_db(ctx).dispose()
    click.echo(f"havenwatch is serving on http://{host}:{port}/ with {workers} worker(s)")
    reminders = ReminderSettings.from_env()
    if reminders.configured:
        start_daily_reminders(open_db(ctx), reminders)
        click.echo("deadline reminders are sent once a day (HAVENWATCH_SMTP_HOST/WEBHOOK)")
    run_server(ctx, host, port, workers, trusted_proxies)


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


def publish_demo_release(db: Database) -> None:
    """A first anonymised release, so a researcher's login has open data to read."""
    published = publish_release(db, actor=cli_actor(), k=DEFAULT_K)
    release = published.release()
    yearly = sum(1 for count in release.counts if count.period_precision == "year")
    click.echo(
        f"Demo release {published.version}: {len(release.counts)} counts at "
        f"k={published.k}, {yearly} of them by year"
    )


def ingest_demo_news(db: Database) -> None:
    """The demo's fictional feeds in English, Russian and Serbian, so the review queue has leads."""
    with resources.as_file(resources.files("havenwatch.data") / "demo_news") as folder:
        tally = run_ingest(db, [str(folder)], "demo")
    click.echo(f"Demo news: {tally.documents} reports, {tally.new_leads} leads to review")


@click.command()
@click.option(
    "--cases",
    default=DEMO_CASES,
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
    try:
        if claim_for_demo(db):
            load_demo(db, cases, seed)
            ingest_demo_news(db)
            define_demo_fields(db, demo_data()["teams"][0])
            publish_demo_release(db)
        logins = reset_demo_logins(db, demo_data()["teams"][0])
    finally:
        db.dispose()
    click.echo(f"havenwatch demo data is in {settings_of(ctx).data_dir} ({cli_actor()})")
    click.echo("One-time logins (they change every time you run the demo):")
    for name, password in logins:
        click.echo(f"  {name:<11} {password}")
    if not no_serve:
        click.echo(f"Open http://{host}:{port}/ and log in as admin.")
        run_server(ctx, host, port, workers)


COMMANDS = [serve, demo]
