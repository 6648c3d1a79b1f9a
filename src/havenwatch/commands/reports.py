"""`havenwatch export-anonymised` and `havenwatch stats`: counts safe to publish."""

from __future__ import annotations

from pathlib import Path

import click

from havenwatch.commands.common import cli_actor, open_db, print_table
from havenwatch.reports.public import anonymised_export
from havenwatch.reports.release import AnonymisedRelease
from havenwatch.reports.suppression import DEFAULT_K, MIN_K, SuppressionError, check_k
from havenwatch.reports.suppression import TOTAL as ALL


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
    output.write_text(text, "utf-8")
    click.echo(
        f"{len(release.counts)} counts written to {output} (k={k}, "
        f"{release.suppressed_cells} cells and {release.suppressed_totals} totals suppressed)",
        err=True,
    )


def _rows(release: AnonymisedRelease, detail: bool) -> list[tuple[object, ...]]:
    return [
        (c.period, c.event_type, c.nationality, c.host_country, c.people)
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
        ["period", "event type", "nationality", "host country", "people"],
        _rows(release, detail),
        title=f"People by event type and period (k={k})",
    )
    click.echo(
        f"{release.suppressed_cells} cells and {release.suppressed_totals} totals suppressed; "
        "counts are people, not events; dates less precise than a month are shown at their "
        "own precision (year or 'unknown')."
    )


COMMANDS = [export_anonymised, stats]
