"""`havenwatch report`: the public report of a published release, as HTML or PDF."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from havenwatch.commands.common import err_console, open_db, upper_value
from havenwatch.core.errors import ValidationError
from havenwatch.core.file_modes import write_private
from havenwatch.reports.language import locale_of
from havenwatch.reports.report import ReportRequest, month_range
from havenwatch.reports.report_document import FORMATS, STEPS, public_report


def _request(first: str, last: str, country: str | None, language: str) -> ReportRequest:
    try:
        month_range(first, last)
        return ReportRequest(first, last, country, locale_of(language))
    except ValidationError as error:
        raise click.BadParameter(str(error)) from None


@click.command("report")
@click.option("--from", "first", required=True, help="First month, YYYY-MM (e.g. 2024-01).")
@click.option("--to", "last", required=True, help="Last month, YYYY-MM (e.g. 2025-12).")
@click.option("--country", callback=upper_value, help="Only this host country (ISO code, e.g. RS).")
@click.option("--language", default="en", show_default=True, help="en, ru, sr (Latin) or sr-Cyrl.")
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="html", show_default=True
)
@click.option(
    "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="File to write.",
)  # fmt: skip
@click.option("--version", type=click.IntRange(1), help="A published release (default: latest).")
@click.pass_context
def report(
    ctx: click.Context,
    first: str,
    last: str,
    country: str | None,
    language: str,
    output_format: str,
    output: Path,
    version: int | None,
) -> None:
    """Write the public report of a published anonymised release: counts, charts, what
    changed against the period before, the methodology and the codebook, in one
    self-contained HTML or PDF file (made only from the release, never from the records)."""
    request = _request(first, last, country, language)
    db = open_db(ctx, need_keys=False)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console(), transient=True) as progress:
        task = progress.add_task("Report", total=len(STEPS))

        def step(name: str) -> None:
            progress.update(task, description=f"Report: {name}", completed=STEPS.index(name) + 1)

        document = public_report(db, request, output_format, version=version, progress=step)
    write_private(output, document)
    click.echo(f"{output_format.upper()} report written to {output} ({len(document)} bytes)")


COMMANDS = [report]
