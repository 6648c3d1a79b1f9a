"""Import and export: JSON for lossless transfer, CSV for the spreadsheets NGOs keep."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from havenwatch.access.scope import Scope
from havenwatch.cases.csv_export import events_csv
from havenwatch.cases.csv_import import import_csv_rows
from havenwatch.cases.interchange import (
    dump_document,
    export_document,
    import_document,
    load_document,
)
from havenwatch.cases.sheet_import import parse_file
from havenwatch.commands.common import cli_actor, open_db
from havenwatch.core.file_modes import write_private


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        their, sep, ours = pair.partition("=")
        if not sep or not their.strip() or not ours.strip():
            raise click.BadParameter(f"{pair!r}: use their_column=field", param_hint="--map")
        mapping[their.strip()] = ours.strip()
    return mapping


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "input_format",
    type=click.Choice(["auto", "json", "csv"]),
    default="auto",
    show_default=True,
    help="By default, decided by the file name.",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="THEIR=FIELD",
    help="Map a spreadsheet column to a field (repeatable).",
)
@click.option("--country", help="Host country for rows without one (CSV).")
@click.option(
    "--team", default="default", show_default=True, help="Team that owns new records (CSV)."
)
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of a CSV file.")
@click.option("--dry-run", is_flag=True, help="Show what would be created; change nothing.")
@click.pass_context
def import_command(
    ctx: click.Context,
    file: Path,
    input_format: str,
    mapping: tuple[str, ...],
    country: str | None,
    team: str,
    encoding: str,
    dry_run: bool,
) -> None:
    """Import a havenwatch JSON export, or a CSV or Excel (XLSX) sheet with one row per event
    (all or nothing)."""
    kind = (
        input_format
        if input_format != "auto"
        else ("json" if file.suffix.lower() == ".json" else "csv")
    )
    db = open_db(ctx)
    if kind == "json":
        document = load_document(file)
        if dry_run:
            counts = {k: len(v) for k, v in document.items() if isinstance(v, list)}
            click.echo("Would import: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
            return
        counts = import_document(db, document, cli_actor(), origin=str(file))
        click.echo("Imported: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        return
    rows = parse_file(
        file,
        encoding=encoding,
        mapping=_mapping(mapping),
        default_country=country.upper() if country else None,
    )
    summary = import_csv_rows(
        db,
        rows,
        cli_actor(),
        team=team,
        scope=Scope.everything(),
        dry_run=dry_run,
        origin=str(file),
    )
    verb = "Would create" if dry_run else "Created"
    click.echo(
        f"{verb} {summary.people} people, {summary.cases} cases, {summary.events} events, "
        f"{summary.sources} sources from {summary.rows} rows of {file}"
    )


@click.command("export")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default stdout).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ru", "sr_Latn", "sr_Cyrl"]),
    help="CSV: headers, values and days as the interface writes them in this language "
    "(default: field names and codes).",
)
@click.pass_context
def export_command(
    ctx: click.Context, output_format: str, output: Path | None, lang: str | None
) -> None:
    """Export everything (identities included: keep the file as safe as the database)."""
    document = export_document(open_db(ctx), cli_actor())
    text = dump_document(document) if output_format == "json" else events_csv(document, lang)
    if output:
        write_private(output, text)
        click.echo(f"Wrote {output}", err=True)
    else:
        sys.stdout.write(text)


COMMANDS = [import_command, export_command]
