"""`havenwatch export-anonymised`, `stats` and `release` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from reidentification_data import Population

from havenwatch.access.scope import Scope
from havenwatch.cli import cli
from havenwatch.core.settings import Settings
from havenwatch.operations.audit_trail import list_entries
from havenwatch.reports.public import anonymised_export
from havenwatch.reports.publication import latest_release
from havenwatch.reports.suppression import SuppressionError
from havenwatch.store.database import Database


def _run(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "--data-dir", str(settings.data_dir),
            "--database-url", settings.database_url,
            "--key-file", str(settings.key_file),
            *args,
        ],
    )  # fmt: skip


def test_export_with_k_below_five_is_refused_with_a_clear_message(
    db: Database, instance_settings: Settings
) -> None:
    result = _run(instance_settings, "export-anonymised", "--k", "4")

    assert result.exit_code == 2
    assert "k must be a whole number of at least 5" in result.output
    with pytest.raises(SuppressionError):
        anonymised_export(db, k=3)


def test_export_writes_json_and_records_who_exported(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "public.json"

    result = _run(
        instance_settings, "export-anonymised", "--k", "12", "--format", "json",
        "--output", str(target),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["k"] == 12
    (entry,) = list_entries(db, action="export.anonymised", scope=Scope.everything())
    assert entry.detail["k"] == 12
    assert entry.actor.startswith("cli:")


def test_export_prints_csv_with_its_preamble(db: Database, instance_settings: Settings) -> None:
    result = _run(instance_settings, "export-anonymised")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# havenwatch-anonymised/1\n# k=10\n")
    assert "period,period_precision,event_type,nationality,host_country,people" in result.stdout


def test_stats_shows_the_published_totals_and_what_was_suppressed(
    population: Population, instance_settings: Settings
) -> None:
    release = anonymised_export(population.db, 10)

    result = _run(instance_settings, "stats", "--k", "10")

    assert result.exit_code == 0, result.output
    assert "k=10" in result.output
    assert (
        f"{release.suppressed_cells} cells and {release.suppressed_totals} totals" in result.output
    )
    busiest = max((c for c in release.counts if c.nationality == "ALL"), key=lambda c: c.people)
    assert str(busiest.people) in result.output


def test_release_publish_list_show_and_schedule_from_the_command_line(
    db: Database, instance_settings: Settings
) -> None:
    nothing = _run(instance_settings, "release", "show")
    assert nothing.exit_code == 1
    assert "no release has been published yet" in nothing.output

    published = _run(instance_settings, "release", "publish", "--k", "12")
    assert published.exit_code == 0, published.output
    assert published.output.startswith("published release 1 of ")
    listed = json.loads(_run(instance_settings, "release", "list", "--format", "json").output)
    assert [(v["version"], v["k"]) for v in listed] == [(1, 12)]
    shown = _run(instance_settings, "release", "show", "--format", "json").output
    stored = latest_release(db)
    assert stored is not None and shown == stored.to_json()
    assert "# version=1\n" in _run(instance_settings, "release", "show", "--version", "1").output
    assert _run(instance_settings, "release", "show", "--version", "2").exit_code == 1
    assert [
        e.action for e in list_entries(db, action="release.published", scope=Scope.everything())
    ] == ["release.published"]

    scheduled = _run(instance_settings, "release", "schedule", "monthly", "--k", "12")
    assert "release schedule: monthly, k=12" in scheduled.output
    assert "monthly, k=12" in _run(instance_settings, "release", "schedule").output
    assert "off" in _run(instance_settings, "release", "schedule", "off").output
    refused = _run(instance_settings, "release", "schedule", "hourly")
    assert refused.exit_code == 2 and "hourly" in refused.output
