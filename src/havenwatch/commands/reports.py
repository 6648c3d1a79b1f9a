"""`havenwatch export-anonymised`, `stats` and `release`: counts safe to publish.

`export-anonymised` and `stats` compute the counts on demand, for the operator who holds the
database anyway; `release publish` freezes them as the numbered version the web pages and
the API serve to everyone else.
"""

from __future__ import annotations

from pathlib import Path

import click

from havenwatch.commands.common import FORMAT_OPTION, cli_actor, open_db, print_json, print_table
from havenwatch.core.file_modes import write_private
from havenwatch.reports.anonymise import SCHEMES
from havenwatch.reports.public import anonymised_export
from havenwatch.reports.publication import (
    SCHEDULES,
    Schedule,
    latest_release,
    list_releases,
    publish_release,
    read_schedule,
    release_version,
    set_schedule,
)
from havenwatch.reports.release import AnonymisedRelease
from havenwatch.reports.suppression import DEFAULT_K, MIN_K, SuppressionError, check_k
from havenwatch.reports.suppression import TOTAL as ALL

SHORTFALLS_SHOWN = 40


def _k(_ctx: click.Context, _param: click.Parameter, value: int) -> int:
    try:
        return check_k(value)
    except SuppressionError as error:
        raise click.BadParameter(str(error)) from None


K_OPTION = click.option(
    "--k",
    "k",
    type=int,
    default=DEFAULT_K,
    show_default=True,
    callback=_k,
    help=f"Smallest number of people a published count may describe (at least {MIN_K}).",
)


@click.command("export-anonymised")
@K_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@click.pass_context
def export_anonymised(ctx: click.Context, k: int, output_format: str, output: Path | None) -> None:
    """Anonymised counts for researchers and the public (recorded in the audit trail)."""
    release = anonymised_export(open_db(ctx, need_keys=False), k, actor=cli_actor())
    text = release.to_csv() if output_format == "csv" else release.to_json()
    if output is None:
        click.echo(text, nl=False)
        return
    write_private(output, text)
    click.echo(
        f"{len(release.counts)} counts written to {output} (k={k}, "
        f"{release.suppressed_cells} cells and {release.suppressed_totals} totals suppressed)",
        err=True,
    )


def _rows(release: AnonymisedRelease, detail: bool) -> list[tuple[object, ...]]:
    return [
        (c.period, c.event_type, c.nationality, c.host_country, c.grounds, c.people)
        for c in release.counts
        if detail or c.nationality == ALL
    ]


@click.command("stats")
@K_OPTION
@click.option("--detail", is_flag=True, help="Every published cell, not only the totals.")
@click.pass_context
def stats(ctx: click.Context, k: int, detail: bool) -> None:
    """Public statistics: the published counts of the anonymised export."""
    release = anonymised_export(open_db(ctx, need_keys=False), k)
    print_table(
        ["period", "event type", "nationality", "host country", "grounds", "people"],
        _rows(release, detail),
        title=f"People by event type and period (k={k})",
    )
    click.echo(
        f"{release.suppressed_cells} cells and {release.suppressed_totals} totals suppressed; "
        "counts are people, not events; dates less precise than a month are shown at their "
        "own precision (year or 'unknown')."
    )


@click.group()
def release() -> None:
    """Frozen, numbered versions of the anonymised counts (what the web pages serve)."""


@release.command("publish")
@K_OPTION
@click.option(
    "--scheme",
    type=click.Choice(SCHEMES),
    default="generalised",
    show_default=True,
    help="generalised: each event type at the finest of month, year or the whole record "
    "(nationality or OTHER, country or region) where every entry has k people; monthly: "
    "months, nationalities and countries, suppressed.",
)
@click.pass_context
def release_publish(ctx: click.Context, k: int, scheme: str) -> None:
    """Compute the anonymised counts now and publish them as the next version.

    What could not be published is listed with how many more people each withheld entry
    needs (for you only: the release itself never says).
    """
    db = open_db(ctx, need_keys=False)
    published = publish_release(db, actor=cli_actor(), k=k, scheme=scheme)
    click.echo(
        f"published release {published.version} of {published.published_at:%Y-%m-%d} "
        f"(k={published.k}, {scheme}, {len(published.release().counts)} counts)"
    )
    if published.shortfalls:
        click.echo(f"not publishable yet ({len(published.shortfalls)}):")
    for shortfall in published.shortfalls[:SHORTFALLS_SHOWN]:
        click.echo(f"  {shortfall.sentence()}")
    if len(published.shortfalls) > SHORTFALLS_SHOWN:
        click.echo(f"  ... and {len(published.shortfalls) - SHORTFALLS_SHOWN} more")


@release.command("list")
@FORMAT_OPTION
@click.pass_context
def release_list(ctx: click.Context, output_format: str) -> None:
    """Every published version, newest first."""
    versions = [
        {"version": v.version, "published_at": v.published_at, "k": v.k}
        for v in list_releases(open_db(ctx, need_keys=False))
    ]
    if output_format == "json":
        print_json(versions)
        return
    print_table(
        ["version", "published (UTC)", "k"],
        [(v["version"], v["published_at"], v["k"]) for v in versions],
    )


@release.command("show")
@click.option("--version", "number", type=click.IntRange(min=1), help="Default: the latest.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
)
@click.pass_context
def release_show(ctx: click.Context, number: int | None, output_format: str) -> None:
    """Print a published version exactly as the web pages serve it."""
    db = open_db(ctx, need_keys=False)
    published = latest_release(db) if number is None else release_version(db, number)
    if published is None:
        raise click.ClickException("no release has been published yet (havenwatch release publish)")
    click.echo(published.to_csv() if output_format == "csv" else published.to_json(), nl=False)


@release.command("schedule")
@click.argument("every", type=click.Choice(SCHEDULES), required=False)
@K_OPTION
@click.pass_context
def release_schedule(ctx: click.Context, every: str | None, k: int) -> None:
    """Show, or set, how often `havenwatch serve` publishes by itself (off, weekly, monthly)."""
    db = open_db(ctx, need_keys=False)
    if every is not None:
        set_schedule(db, Schedule(every, k), actor=cli_actor())
    current = read_schedule(db)
    if current.every == "off":
        click.echo("release schedule: off (publish with `havenwatch release publish`)")
    else:
        click.echo(f"release schedule: {current.every}, k={current.k}, published by `serve`")


COMMANDS = [export_anonymised, stats, release]
