"""The `havenwatch` command: a thin layer over the library.

Each area of the product contributes its commands from a module in `havenwatch.commands`
(plugins add theirs the same way, through an entry point). This file only builds the root
group, its global options, and the error handling every command shares: a one-line message
and an exit status, never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from importlib.metadata import entry_points
from typing import Any

import click

from havenwatch import __version__
from havenwatch.core.file_modes import restrict_umask
from havenwatch.core.settings import resolve_settings

PLUGIN_GROUP = "havenwatch.commands"
HELP_OPTIONS = ["-h", "--help"]
BUILTIN_COMMAND_MODULES = (
    "havenwatch.commands.legal",
    "havenwatch.commands.admin",
    "havenwatch.commands.people",
    "havenwatch.commands.cases",
    "havenwatch.commands.events",
    "havenwatch.commands.sources",
    "havenwatch.commands.interchange",
    "havenwatch.commands.app",
    "havenwatch.commands.evaluate",
    "havenwatch.commands.protection",
    "havenwatch.commands.ingest",
    "havenwatch.commands.feeds",
    "havenwatch.commands.audit",
    "havenwatch.commands.reports",
    "havenwatch.commands.open_data",
    "havenwatch.commands.public_report",
    "havenwatch.commands.monitor",
    "havenwatch.commands.search",
    "havenwatch.commands.reminders",
)


class HavenwatchGroup(click.Group):
    """Turns every expected failure into one line on stderr, and imports a command module
    only when one of its commands is asked for: `havenwatch ingest` does not load WeasyPrint
    and matplotlib, which only the report and chart commands need (a third of the memory a
    long ingest holds)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending_modules: list[str] = []

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        while cmd_name not in self.commands and self.pending_modules:
            self._load(self.pending_modules.pop(0))
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        while self.pending_modules:
            self._load(self.pending_modules.pop(0))
        return sorted(self.commands)

    def _load(self, module_name: str) -> None:
        module = importlib.import_module(module_name)
        for command in module.COMMANDS:
            accept_short_help(command)
            self.add_command(command)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("havenwatch: interrupted", err=True)
            sys.exit(130)
        except Exception as error:
            click.echo(f"havenwatch: error: {one_line(error)}", err=True)
            sys.exit(1)


def one_line(error: BaseException) -> str:
    """A message for users: the error's own text on one line, no locals, no traceback."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:500]


@click.group(cls=HavenwatchGroup, context_settings={"help_option_names": HELP_OPTIONS})
@click.option(
    "--data-dir",
    envvar="HAVENWATCH_DATA_DIR",
    type=click.Path(file_okay=False),
    help="Data directory (default ./havenwatch-data).",
)
@click.option(
    "--database-url",
    envvar="HAVENWATCH_DATABASE_URL",
    help="SQLAlchemy URL; default SQLite inside the data directory.",
)
@click.option(
    "--key-file",
    envvar="HAVENWATCH_KEY_FILE",
    type=click.Path(dir_okay=False),
    help="Data key file, kept outside the data directory.",
)
@click.version_option(__version__, prog_name="havenwatch")
@click.pass_context
def cli(
    ctx: click.Context, data_dir: str | None, database_url: str | None, key_file: str | None
) -> None:
    """havenwatch: document cases, monitor the news, compute legal deadlines."""
    ctx.obj = resolve_settings(data_dir, database_url, key_file)


def register_commands(group: HavenwatchGroup) -> None:
    """Add the built-in command modules, then any installed plugin's, to be imported when
    one of their commands is asked for (or all of them, for the list of commands).

    A plugin is a distribution with an entry point in the `havenwatch.commands` group naming a
    module that exposes `COMMANDS`, exactly like the built-in ones.
    """
    plugin_modules = [point.value for point in entry_points(group=PLUGIN_GROUP)]
    group.pending_modules.extend((*BUILTIN_COMMAND_MODULES, *plugin_modules))


def accept_short_help(command: click.Command) -> None:
    """`-h` works like `--help` on every command, however it is invoked."""
    command.context_settings.setdefault("help_option_names", HELP_OPTIONS)
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            accept_short_help(subcommand)


register_commands(cli)


def main() -> None:
    restrict_umask()
    cli(prog_name="havenwatch")
