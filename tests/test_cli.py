"""The command line: help everywhere, one-line errors, the foundation's commands end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from havenwatch.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


ALL_COMMANDS = sorted(_commands(cli))


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_help_text(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    assert (command.help or "").strip(), f"{' '.join(path)} has no help text"


@pytest.fixture
def run(tmp_path: Path) -> Iterator[object]:
    base = ["--data-dir", str(tmp_path / "data"), "--key-file", str(tmp_path / "keys" / "k.key")]

    def invoke(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "havenwatch", *base, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    yield invoke


def test_init_person_case_event_round_trip_from_the_command_line(
    run: object, tmp_path: Path
) -> None:
    assert callable(run)
    assert run("init").returncode == 0
    person_id = run(
        "person",
        "add",
        "--pseudonym",
        "Heron",
        "--full-name",
        "Oleg Volokhonsky",
        "--nationality",
        "ru",
    ).stdout.strip()
    case_id = run("case", "add", "--person", person_id, "--country", "rs").stdout.strip()
    added = run(
        "event",
        "add",
        "--case",
        case_id,
        "--type",
        "expulsion_order",
        "--date",
        "16.09.2024",
        "--served",
        "2024-09-18",
        "--deadline-days",
        "30",
    )
    assert added.returncode == 0, added.stderr
    listed = json.loads(run("event", "list", "--case", case_id, "--format", "json").stdout)
    assert [(e["type"], e["served_on"], e["deadline_days"]) for e in listed] == [
        ("expulsion_order", "2024-09-18", 30)
    ]
    found = json.loads(run("person", "list", "--name", "Волохонский", "--format", "json").stdout)
    assert [p["pseudonym"] for p in found] == ["Heron"]
    closed = run("case", "close", case_id, "--status", "won")
    assert closed.stdout.strip().endswith("won")


def test_edit_a_person_reopen_a_case_and_delete_an_event_from_the_command_line(
    run: object,
) -> None:
    assert callable(run)
    run("init")
    person_id = run("person", "add", "--pseudonym", "Heron", "--full-name", "Oleg Volokhonsky")
    person_id = person_id.stdout.strip()
    edited = run("person", "edit", person_id, "--full-name", "Elena Koposova", "--clear", "note")
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout.strip() == f"{person_id} Heron"
    for name, found in (("Копосова", ["Heron"]), ("Volokhonsky", [])):
        listed = json.loads(run("person", "list", "--name", name, "--format", "json").stdout)
        assert [p["pseudonym"] for p in listed] == found, name
    nothing = run("person", "edit", person_id)
    assert nothing.returncode == 2 and "nothing to change" in nothing.stderr
    case_id = run("case", "add", "--person", person_id, "--country", "RS").stdout.strip()
    run("case", "close", case_id, "--status", "won")
    reopened = run("case", "reopen", case_id, "--reason", "new_decision")
    assert reopened.stdout.strip() == f"{case_id} open", reopened.stderr
    again = run("case", "reopen", case_id, "--reason", "new_decision")
    assert again.returncode == 1 and again.stderr.startswith("havenwatch: error: status:")
    event_id = run("event", "add", "--case", case_id, "--type", "entry_ban").stdout.strip()
    refused = run("event", "delete", event_id, "--case", case_id, stdin="n\n")
    assert refused.returncode == 1
    deleted = run("event", "delete", event_id, "--case", case_id, "--yes")
    assert deleted.stdout.strip() == f"{event_id} deleted", deleted.stderr
    assert json.loads(run("event", "list", "--case", case_id, "--format", "json").stdout) == []


def test_search_edit_an_event_assign_a_case_and_link_a_source_from_the_command_line(
    run: object, tmp_path: Path
) -> None:
    assert callable(run)
    run("init")
    person_id = run("person", "add", "--pseudonym", "Heron", "--full-name", "Oleg Volokhonsky")
    case_id = run(
        "case", "add", "--person", person_id.stdout.strip(), "--country", "RS", "--title", "Kite"
    ).stdout.strip()
    event_id = run("event", "add", "--case", case_id, "--type", "entry_ban").stdout.strip()
    edited = run("event", "edit", event_id, "--case", case_id, "--served", "2026-11-20")
    assert edited.stdout.strip() == f"{event_id} changed: served_on", edited.stderr
    listed = json.loads(run("event", "list", "--case", case_id, "--format", "json").stdout)
    assert [(e["type"], e["served_on"]) for e in listed] == [("entry_ban", "2026-11-20")]
    nothing = run("event", "edit", event_id, "--case", case_id)
    assert nothing.returncode == 2 and "nothing to change" in nothing.stderr

    report = tmp_path / "report.txt"
    report.write_text("Heron was refused entry at Belgrade airport.", encoding="utf-8")
    linked = run(
        "source", "add", "--title", "Wire", "--text-file", str(report), "--event", event_id
    )
    assert linked.returncode == 0 and linked.stdout.strip().endswith(f"linked to {event_id}")

    hits = json.loads(run("search", "Volokhonsky", "--format", "json").stdout)
    assert [(hit["kind"], hit["name"]) for hit in hits] == [("person", "Heron")]
    kinds = {
        hit["kind"] for hit in json.loads(run("search", "Belgrade", "--format", "json").stdout)
    }
    assert kinds == {"source"}

    run("user", "add", "marta", "--role", "caseworker", stdin="a long enough password\n" * 2)
    assigned = run("case", "assign", case_id, "marta")
    assert assigned.stdout.strip() == f"{case_id} assigned to marta", assigned.stderr
    unknown = run("case", "assign", case_id, "nobody-here")
    assert unknown.returncode == 2 and "no user nobody-here" in unknown.stderr
    cleared = run("case", "assign", case_id)
    assert cleared.stdout.strip() == f"{case_id} assigned to nobody"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("event", "add", "--case", "nope", "--type", "entry_ban"),
            "havenwatch: error: case: no case nope",
        ),
        (
            ("event", "add", "--case", "x", "--type", "entry_ban", "--date", "2024-02-30"),
            "havenwatch: error: date: impossible date '2024-02-30'",
        ),
        (
            ("person", "add", "--pseudonym", "X", "--nationality", "Russia"),
            "havenwatch: error: nationality: 'RUSSIA' is not an ISO 3166 alpha-2 code",
        ),
        (("case", "show", "missing"), "havenwatch: error: no case missing"),
        (
            ("source", "add", "--url", "https://x.example", "--event", "gone"),
            "havenwatch: error: no event gone",
        ),
        (("import", "/no/such/file.csv"), "havenwatch: error: /no/such/file.csv: cannot read"),
    ],
)
def test_errors_are_one_line_without_traceback(
    run: object, args: tuple[str, ...], message: str
) -> None:
    assert callable(run)
    run("init")
    result = run(*args)
    assert result.returncode == 1
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_commands_refuse_an_uninitialised_data_directory(run: object) -> None:
    assert callable(run)
    result = run("person", "list")
    assert result.returncode == 1
    assert "run `havenwatch init` first" in result.stderr


def test_csv_import_and_export_from_the_command_line(run: object, tmp_path: Path) -> None:
    assert callable(run)
    run("init")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Псевдоним;Страна;Тип события;Дата\nЦапля;RS;entry_ban;01.02.2024\n", encoding="utf-8"
    )
    dry = run("import", str(sheet), "--dry-run")
    assert dry.stdout.startswith("Would create 1 people, 1 cases, 1 events")
    assert json.loads(run("export").stdout)["people"] == []
    assert run("import", str(sheet)).returncode == 0
    exported = run("export", "--format", "csv").stdout.splitlines()
    assert exported[1].startswith("Цапля,,,RS,entry_ban,2024-02-01")


def test_demo_without_serving_creates_data_publishes_a_release_and_prints_logins(
    run: object,
) -> None:
    assert callable(run)
    result = run("demo", "--no-serve", "--cases", "12")
    assert result.returncode == 0, result.stderr
    assert "admin" in result.stdout and "One-time logins" in result.stdout
    assert "Demo release 1:" in result.stdout
    cases = json.loads(run("case", "list", "--format", "json").stdout)
    assert len(cases) == 12
