"""Helpers shared by command modules: opening the instance, output formats, the actor name."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from havenwatch.core.dates import parse_day
from havenwatch.core.settings import Settings
from havenwatch.operations.instance import open_database
from havenwatch.store.database import Database

FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)


def settings_of(ctx: click.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def open_db(ctx: click.Context, *, need_keys: bool = True) -> Database:
    return open_database(settings_of(ctx), need_keys=need_keys)


def cli_actor() -> str:
    """Who acts from the command line: the operating-system account, for the audit trail."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def print_json(value: Any) -> None:
    click.echo(json.dumps(jsonable(value), ensure_ascii=False, indent=1, sort_keys=True))


def print_table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str | None = None
) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    Console(file=sys.stdout, soft_wrap=True).print(table)


def err_console() -> Console:
    return Console(stderr=True)


def day_value(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """A click callback: an option's day in any form `event add` accepts."""
    return parse_day(value) if value else None


def upper_value(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A click callback: a code option in capitals (country and nationality codes)."""
    return value.upper() if value else None
