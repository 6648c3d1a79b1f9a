"""Whole ingest runs, through the library and through the real command in a subprocess."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.helpers import snapshot
from tests.monitor.ingest_support import (
    REFUSED_AT_AIRPORT,
    add_volokhonsky,
    cli_env,
    count,
    havenwatch_command,
    run_cli,
    write_report,
)

from havenwatch.access.scope import Scope
from havenwatch.core.settings import Settings
from havenwatch.monitor.ingest import run_ingest
from havenwatch.monitor.leads import list_leads
from havenwatch.monitor.news import NewsItem
from havenwatch.monitor.reader import read_news
from havenwatch.monitor.synthetic_news import generate_reports, write_json_lines, write_text_files
from havenwatch.store.database import Database
from havenwatch.store.schema import ingest_queue, lead_sources, leads, sources


def _content_hashes(directory: Path) -> set[str]:
    return {item.content_hash for item in read_news([str(directory)]) if isinstance(item, NewsItem)}


def _assert_complete_without_duplicates(db: Database, directory: Path) -> None:
    """Every report stored once, each with its one lead link, the queue all done."""
    expected = _content_hashes(directory)
    with db.read() as conn:
        stored = list(conn.execute(select(sources.c.content_hash)).scalars())
        linked_sources = conn.execute(
            select(func.count(func.distinct(lead_sources.c.source_id)))
        ).scalar_one()
        statuses = set(conn.execute(select(ingest_queue.c.status).distinct()).scalars())
    assert len(stored) == len(set(stored)) == len(expected)
    assert set(stored) == expected
    assert linked_sources == count(db, lead_sources) == len(expected)
    assert statuses == {"done"}


def test_ingesting_the_same_thousand_reports_twice_changes_nothing(
    db: Database, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    write_text_files(generate_reports(1000, seed=11), reports)
    first = run_ingest(db, [str(reports)], "test")
    before = snapshot(db)
    second = run_ingest(db, [str(reports)], "test")
    assert snapshot(db) == before
    assert first.documents + first.exact_duplicates == 1000
    assert first.near_duplicates > 50
    assert (second.documents, second.new_leads, second.exact_duplicates) == (0, 0, 1000)
    _assert_complete_without_duplicates(db, reports)


def test_a_killed_ingest_completes_on_the_next_run_without_duplicates_or_loss(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    write_json_lines(generate_reports(1500, seed=5), reports, per_file=100)
    process = subprocess.Popen(
        havenwatch_command("ingest", "--quiet", str(reports)),
        env=cli_env(instance_settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while count(db, sources) < 200 and time.monotonic() < deadline:
        assert process.poll() is None, "the ingest finished before it could be killed"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    interrupted = count(db, sources)
    assert 200 <= interrupted < 1500

    result = run_cli(instance_settings, "ingest", str(reports))
    assert result.returncode == 0, result.stderr
    _assert_complete_without_duplicates(db, reports)


def test_a_story_republished_by_three_outlets_is_one_lead_with_three_sources(
    db: Database, tmp_path: Path
) -> None:
    story = REFUSED_AT_AIRPORT.format(name="Oleg Volokhonsky")
    copies = [
        story,
        story.replace("Volokhonsky", "Volokhonski").replace("taught", "was teaching")
        + " Reporting by Danube Daily.",
        story.replace("weekly", "regular").replace(" beyond a reference to a security report", ""),
    ]
    for number, text in enumerate(copies):
        write_report(tmp_path / "news", f"outlet-{number}.txt", text)
    total = run_ingest(db, [str(tmp_path / "news")], "test")
    assert (total.documents, total.new_leads, total.near_duplicates) == (3, 1, 2)
    with db.read() as conn:
        (lead,) = conn.execute(select(leads)).all()
        stories = set(conn.execute(select(sources.c.story_id)).scalars())
    assert stories == {lead.story_id}
    assert count(db, lead_sources) == 3


def test_spellings_across_scripts_and_transliterations_resolve_to_one_person(
    db: Database, tmp_path: Path
) -> None:
    person_id = add_volokhonsky(db)
    write_report(tmp_path / "a", "en.txt", REFUSED_AT_AIRPORT.format(name="Volokhonsky"))
    write_report(
        tmp_path / "b", "de.txt",
        "Oleg Volokhonski, a Russian activist, was ordered to leave Serbia within 30 days "
        "on 10 June 2024. The ministry did not answer questions.",
    )  # fmt: skip
    write_report(
        tmp_path / "c", "ru.txt",
        "Олег Волохонский, российский активист, не был допущен в Сербию в аэропорту Белграда "
        "3 мая 2024 года.",
    )  # fmt: skip
    run_ingest(db, [str(tmp_path / name) for name in "abc"], "test")
    rows = list_leads(db, scope=Scope.everything())
    assert {row.subject_name for row in rows} == {
        "Volokhonsky", "Oleg Volokhonski", "Олег Волохонский",
    }  # fmt: skip
    assert {row.candidate_person_id for row in rows} == {person_id}


def test_bad_files_are_reported_in_one_line_and_skipped(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    news = tmp_path / "news"
    write_report(news, "good.txt", REFUSED_AT_AIRPORT.format(name="Oleg Volokhonsky"))
    (news / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (news / "broken.rss").write_text("<?xml version='1.0'?><rss><channel><item><title>", "utf-8")
    (news / "undecodable.jsonl").write_bytes(b'{"text": "\xff\xfe\xfa"}\n')
    result = run_cli(instance_settings, "ingest", str(news))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("havenwatch: error")]
    assert len(errors) == 3
    assert {Path(line.split(": ")[2]).name.split(":")[0] for line in errors} == {
        "binary.txt", "broken.rss", "undecodable.jsonl",
    }  # fmt: skip
    assert "Traceback" not in result.stderr
    assert "ingested 1 new reports" in result.stderr
    assert count(db, sources) == count(db, leads) == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_processes_sharing_one_queue_store_each_report_once(
    db: Database, instance_settings: Settings, tmp_path: Path, workers: int
) -> None:
    reports = tmp_path / "reports"
    write_json_lines(generate_reports(600, seed=3), reports, per_file=50)
    command = havenwatch_command("ingest", "--quiet", "--workers", str(workers), str(reports))
    env = cli_env(instance_settings)
    processes = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE) for _ in range(2)]
    for process in processes:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr
    _assert_complete_without_duplicates(db, reports)
