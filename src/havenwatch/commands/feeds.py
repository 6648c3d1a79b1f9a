"""`havenwatch feeds`: subscribe to news feeds and fetch them into the review queue."""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.process import BaseProcess

import click

from havenwatch.commands.common import FORMAT_OPTION, cli_actor, open_db, print_json, print_table
from havenwatch.core.settings import Settings
from havenwatch.monitor.fetching import FetchPolicy
from havenwatch.monitor.subscriptions import (
    LANGUAGES,
    FeedRun,
    add_feed,
    feed_summaries,
    fetch_feeds,
    fetch_on_schedule,
    list_feeds,
    parse_interval,
    remove_feed,
)
from havenwatch.operations.instance import open_database

PROXY_OPTION = click.option(
    "--proxy",
    envvar="HAVENWATCH_FEED_PROXY",
    metavar="URL",
    help="Fetch through this proxy, e.g. socks5://127.0.0.1:9050 for Tor "
    "(env HAVENWATCH_FEED_PROXY).",
)


@click.group()
def feeds() -> None:
    """News feeds (RSS, Atom, JSON Feed) fetched on a schedule into the review queue."""


@feeds.command("add")
@click.argument("url")
@click.option("--language", type=click.Choice(LANGUAGES), help="The feed's language, if known.")
@click.option("--team", help="The team that keeps this subscription.")
@click.option("--every", default="30m", show_default=True, help="How often: 30m, 2h, 1d...")
@click.pass_context
def feeds_add(
    ctx: click.Context, url: str, language: str | None, team: str | None, every: str
) -> None:
    """Subscribe to the feed at URL; it is fetched at the next `feeds fetch` or by `serve`."""
    feed = add_feed(
        open_db(ctx),
        url,
        cli_actor(),
        language=language,
        team=team,
        every_minutes=parse_interval(every),
    )
    click.echo(f"Added feed {feed.id}: {feed.url} (every {feed.every_minutes} min)")


@feeds.command("list")
@FORMAT_OPTION
@click.pass_context
def feeds_list(ctx: click.Context, output_format: str) -> None:
    """Subscribed feeds, with the outcome of their last fetch."""
    subscribed = list_feeds(open_db(ctx, need_keys=False))
    if output_format == "json":
        print_json(subscribed)
        return
    print_table(
        ["id", "url", "every", "last success", "last error", "items", "ingested"],
        [
            [
                feed.id,
                feed.url,
                f"{feed.every_minutes}m",
                feed.last_success_at.isoformat(" ", "minutes") if feed.last_success_at else "",
                feed.last_error or "",
                str(feed.items_seen),
                str(feed.items_ingested),
            ]
            for feed in subscribed
        ],
    )


@feeds.command("remove")
@click.argument("feed_id")
@click.pass_context
def feeds_remove(ctx: click.Context, feed_id: str) -> None:
    """Unsubscribe; reports already ingested stay."""
    remove_feed(open_db(ctx), feed_id, cli_actor())
    click.echo(f"Removed feed {feed_id}")


@feeds.command("fetch")
@click.option("--once", is_flag=True, help="Fetch the feeds that are due, then stop.")
@click.option("--force", is_flag=True, help="Fetch every feed now, due or not (implies --once).")
@PROXY_OPTION
@click.pass_context
def feeds_fetch(ctx: click.Context, once: bool, force: bool, proxy: str | None) -> None:
    """Fetch due feeds into the review queue; without --once, keep fetching on schedule.

    One line per feed fetched. A failing feed is recorded (see `feeds list`) and never stops
    the others; the exit status is 1 when any feed failed in a single run.
    """
    db = open_db(ctx)
    policy = FetchPolicy(proxy=proxy)

    def show(run: FeedRun) -> None:
        for line in feed_summaries([run]):
            click.echo(line, err=run.error is not None)

    if once or force:
        runs = fetch_feeds(db, cli_actor(), policy=policy, force=force, on_feed=show)
        ctx.exit(1 if any(run.error for run in runs) else 0)
    fetch_on_schedule(
        db, cli_actor(), policy=policy, keep_going=lambda: True, on_feed=show, on_error=warn
    )


def warn(message: str) -> None:
    click.echo(f"havenwatch: feeds: {message}", err=True)


def start_feed_fetcher(settings: Settings) -> BaseProcess:
    """The process that fetches feeds on schedule beside `serve`'s workers (one per server).

    A process, not a thread: trafilatura is not thread-safe, and its time limit needs the
    main thread's signals. It stops when the server that started it is gone.
    """
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=_fetch_beside_server, args=(settings, os.getpid()), daemon=True, name="feeds"
    )
    process.start()
    return process


def _fetch_beside_server(settings: Settings, server_pid: int) -> None:
    policy = FetchPolicy(proxy=os.environ.get("HAVENWATCH_FEED_PROXY"))
    fetch_on_schedule(
        open_database(settings),
        "feeds:schedule",
        policy=policy,
        keep_going=lambda: os.getppid() == server_pid,
        on_error=warn,
    )


COMMANDS = [feeds]
