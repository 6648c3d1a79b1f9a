"""`havenwatch export-open-data`: a published release as open data with its codebook."""

from __future__ import annotations

from pathlib import Path

import click

from havenwatch.commands.common import open_db
from havenwatch.core.errors import HavenwatchError
from havenwatch.reports.open_data import DATABASE, write_open_data
from havenwatch.reports.publication import latest_release, release_version


@click.command("export-open-data")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--version", type=click.IntRange(1), help="A published version (default: the latest)."
)
@click.option("--title", default="Measures against exiles (havenwatch open data)",
              show_default=True, help="The data set's title in every file.")  # fmt: skip
@click.pass_context
def export_open_data(ctx: click.Context, folder: Path, version: int | None, title: str) -> None:
    """Write a published anonymised release into FOLDER as CSV, JSON and SQLite, with a codebook.

    Only published versions (`havenwatch release publish`) become open data, so two open-data
    files can never be differenced more finely than two publications. The SQLite file comes
    with a Datasette `metadata.json`: `datasette FOLDER/havenwatch-open-data.sqlite -m
    FOLDER/metadata.json` publishes it with its titles and column descriptions.
    """
    db = open_db(ctx, need_keys=False)
    published = release_version(db, version) if version else latest_release(db)
    if published is None:
        raise HavenwatchError("no release is published yet: run `havenwatch release publish`")
    release = published.release()
    written = write_open_data(release, folder, title=f"{title}, release {published.version}")
    click.echo(
        f"release {published.version}: {len(release.counts)} counts in {len(written)} files "
        f"in {folder} ({DATABASE})"
    )


COMMANDS = [export_open_data]
