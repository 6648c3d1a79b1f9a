"""`havenwatch export-open-data`: the anonymised release as open data with its codebook."""

from __future__ import annotations

from pathlib import Path

import click

from havenwatch.commands.common import cli_actor, open_db
from havenwatch.reports.open_data import DATABASE, write_open_data
from havenwatch.reports.public import anonymised_export
from havenwatch.reports.suppression import DEFAULT_K, MIN_K


@click.command("export-open-data")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--k", default=DEFAULT_K, show_default=True, type=click.IntRange(MIN_K),
              help="Smallest number of people a published count may describe.")  # fmt: skip
@click.option("--title", default="Measures against exiles (havenwatch open data)",
              show_default=True, help="The data set's title in every file.")  # fmt: skip
@click.pass_context
def export_open_data(ctx: click.Context, folder: Path, k: int, title: str) -> None:
    """Write the anonymised release into FOLDER as CSV, JSON and SQLite with a codebook.

    The SQLite file comes with a Datasette `metadata.json`: `datasette FOLDER/DATABASE -m
    FOLDER/metadata.json` publishes it with its titles and column descriptions.
    """
    release = anonymised_export(open_db(ctx, need_keys=False), k, actor=cli_actor())
    written = write_open_data(release, folder, title=title)
    click.echo(f"{len(release.counts)} counts in {len(written)} files in {folder} ({DATABASE})")


COMMANDS = [export_open_data]
