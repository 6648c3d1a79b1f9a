"""`havenwatch export-reviewed` and `havenwatch eval --reviewed`: the decisions as a labelled
set, and the extractor scored on them, through the real command line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from sqlalchemy import select
from tests.monitor.ingest_support import run_cli, write_report
from tests.monitor.test_review import MISREAD, NAMED, SECOND, _by_type, _correction

from havenwatch.access.scope import Scope
from havenwatch.core.settings import Settings
from havenwatch.monitor.ingest import run_ingest
from havenwatch.monitor.leads import Target
from havenwatch.monitor.review import accept_reviewed, reject_leads
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log


def _decide_two(db: Database, directory: Path) -> None:
    write_report(directory, "misread.txt", MISREAD)
    write_report(directory, "second.txt", SECOND)
    run_ingest(db, [str(directory)], "test")
    first, second = _by_type(db, "entry_ban"), _by_type(db, "residence_revoked")
    target = Target(None, None, "Wren", "default", Scope.everything())
    accept_reviewed(
        db,
        first.id,
        "cli:rev",
        _correction(first, subject_name=NAMED),
        target=target,
        scope=Scope.everything(),
    )
    reject_leads(db, [second.id], "cli:rev", "not about an exile", scope=Scope.everything())


def test_export_reviewed_writes_a_labelled_set_the_ordinary_eval_reads(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    _decide_two(db, tmp_path / "news")
    out = tmp_path / "reviewed"
    done = run_cli(instance_settings, "export-reviewed", str(out))
    assert done.returncode == 0, done.stderr
    golds = [json.loads(path.read_text("utf-8")) for path in sorted(out.glob("*.gold.json"))]
    assert len(golds) == 2 and len(list(out.glob("*.txt"))) == 2
    by_relevance = {gold["relevant"]: gold for gold in golds}
    assert by_relevance[False]["events"] == []
    (kept,) = by_relevance[True]["events"]
    assert (kept["type"], kept["subject"]["name"]) == ("entry_ban", NAMED)
    for gold in golds:
        assert (out / gold["document"]).read_text("utf-8").strip()
        assert stat.S_IMODE((out / gold["document"]).stat().st_mode) == 0o600
    with db.read() as conn:
        actions = list(conn.execute(select(audit_log.c.action)).scalars())
    assert "lead.export_reviewed" in actions
    scored = run_cli(instance_settings, "eval", str(out), str(out), "--format", "json")
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["documents"] == 2


def test_eval_reviewed_scores_what_the_extractor_said_against_what_was_kept(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    _decide_two(db, tmp_path / "news")
    done = run_cli(instance_settings, "eval", "--reviewed", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["documents"], report["subject_corrections"]) == (2, 1)
    assert report["false_events_on_irrelevant"] == 1
    table = run_cli(instance_settings, "eval", "--reviewed")
    assert "2 reviewed reports; 1 subject names corrected" in table.stdout


def test_eval_reviewed_says_so_when_nothing_was_decided(
    db: Database, instance_settings: Settings
) -> None:
    done = run_cli(instance_settings, "eval", "--reviewed")
    assert done.returncode == 1
    assert "no reviewed leads yet" in done.stderr and "Traceback" not in done.stderr


def test_an_encrypted_export_holds_no_name_in_clear_and_unpacks_with_the_key_file(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    _decide_two(db, tmp_path / "news")
    sealed = tmp_path / "reviewed.hwx"
    done = run_cli(instance_settings, "export-reviewed", "--encrypted", str(sealed))
    assert done.returncode == 0, done.stderr
    raw = sealed.read_bytes()
    for needle in (NAMED, "Zelenk", "Novi Sad", "gold"):
        assert needle.encode() not in raw, needle
    again = run_cli(instance_settings, "export-reviewed", "--encrypted", str(sealed))
    assert again.returncode == 1 and "already exists" in again.stderr
    out = tmp_path / "opened"
    opened = run_cli(instance_settings, "unpack-reviewed", str(sealed), str(out))
    assert opened.returncode == 0, opened.stderr
    golds = sorted(out.glob("*.gold.json"))
    assert len(golds) == 2 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in golds)
    scored = run_cli(instance_settings, "eval", str(out), str(out), "--format", "json")
    assert json.loads(scored.stdout)["documents"] == 2
    damaged = tmp_path / "damaged.hwx"
    damaged.write_bytes(raw[:-40])
    refused = run_cli(instance_settings, "unpack-reviewed", str(damaged), str(tmp_path / "d"))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    with db.read() as conn:
        details = list(
            conn.execute(
                select(audit_log.c.detail).where(audit_log.c.action == "lead.export_reviewed")
            ).scalars()
        )
    assert {"reports": 2, "encrypted": True} in details
