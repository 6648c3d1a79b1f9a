"""`havenwatch extract`: incidents from news reports, one JSON object per document."""

from __future__ import annotations

import json

import click

from havenwatch.monitor.extract import extract_document
from havenwatch.monitor.news import ReadError
from havenwatch.monitor.reader import read_news


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl"]),
    default="jsonl",
    show_default=True,
    help="Output format: one JSON object per line.",
)
def extract(files: tuple[str, ...], output_format: str) -> None:
    """Extract incidents from FILES: text, HTML, JSON lines, RSS/Atom feeds, directories
    of them, http(s) addresses; - for stdin.

    Unreadable files are reported on stderr, one line each; the others are still
    processed and the exit status is then 1.
    """
    failed = False
    for item in read_news(files):
        if isinstance(item, ReadError):
            click.echo(f"havenwatch: error: {item.message}", err=True)
            failed = True
            continue
        click.echo(json.dumps(extract_document(item).to_contract(), ensure_ascii=False))
    if failed:
        raise SystemExit(1)


COMMANDS = [extract]
