"""The command-line reference in docs/cli.md is generated from the commands themselves.

Regenerate it after changing a command: `.venv/bin/python -m tests.test_docs`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
from click.testing import CliRunner

from havenwatch.cli import cli

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _walk(
    command: click.Command, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            found = command.get_command(context, name)
            assert found is not None
            yield from _walk(found, (*path, name))


def render_reference() -> str:
    """Each command's help exactly as `havenwatch ... --help` prints it."""
    runner = CliRunner()
    parts = [
        "# Command-line reference",
        "",
        "Generated from `havenwatch --help`; do not edit by hand.",
        "",
    ]
    for path, _command in _walk(cli, ("havenwatch",)):
        result = runner.invoke(
            cli, [*path[1:], "--help"], prog_name="havenwatch", terminal_width=80
        )
        parts += [f"## `{' '.join(path)}`", "", "```", result.output.rstrip("\n"), "```", ""]
    return "\n".join(parts)


def test_the_cli_reference_is_up_to_date() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == render_reference(), (
        "docs/cli.md is stale: run `.venv/bin/python -m tests.test_docs`"
    )


if __name__ == "__main__":
    REFERENCE.write_text(render_reference(), encoding="utf-8")
