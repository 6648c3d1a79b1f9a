"""Helpers shared by command modules: opening the instance, output formats, the actor name."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from havenwatch.core.dates import parse_day, parse_fuzzy
from havenwatch.core.fields import EnteredField, entered_fields
from havenwatch.core.settings import Settings
from havenwatch.core.vocabulary import vocabulary
from havenwatch.operations.instance import open_database
from havenwatch.store.database import Database

F = TypeVar("F", bound=Callable[..., Any])

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


def record_options(record: type, *, adding: bool) -> Callable[[F], F]:
    """One option per field of `record` that people enter (`core.fields`), in the record's
    order: for a command that adds one (`adding`: required fields required, defaults shown)
    or changes one (every option optional). The command reads them with `record_values`."""

    def decorate(command: F) -> F:
        for entry in reversed(entered_fields(record)):
            settings = _option_settings(entry, adding=adding)
            command = click.option(entry.option, entry.name, **settings)(command)
        return command

    return decorate


def _option_settings(entry: EnteredField, *, adding: bool) -> dict[str, Any]:
    how = entry.how
    settings: dict[str, Any] = {"help": how.option_help}
    if how.kind == "code":
        settings["type"] = click.Choice(getattr(vocabulary(), how.codes or ""))
    elif how.kind == "number":
        settings["type"] = click.IntRange(0, how.high)
    if adding and entry.required:
        settings["required"] = True
    elif adding and entry.default is not None:
        settings.update(default=entry.default, show_default=True)
    return settings


def record_values(record: type, given: dict[str, Any]) -> dict[str, Any]:
    """The options `record_options` made, as the record holds them (days and fuzzy dates
    read; a bad one is a one-line error naming the option); options not given are None."""
    values = {}
    for entry in entered_fields(record):
        value = given.get(entry.name)
        if isinstance(value, str) and entry.how.kind in {"day", "fuzzy_date"}:
            read = parse_day if entry.how.kind == "day" else parse_fuzzy
            value = read(value, entry.option.lstrip("-")) if value else None
        values[entry.name] = value
    return values
