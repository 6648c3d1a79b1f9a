"""Deadline reminders reach a real local SMTP server and HTTP receiver, to the right people,
with the right steps, signed, and never with a real name or a case title."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
from datetime import date
from email.message import Message

import pytest
from click.testing import CliRunner

from havenwatch.access.accounts import add_user
from havenwatch.access.scope import Scope
from havenwatch.access.staff_email import set_email
from havenwatch.cases.case_files import add_case
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person
from havenwatch.cases.reminders import (
    SIGNATURE_HEADER,
    ReminderSettings,
    send_daily,
    send_reminders,
)
from havenwatch.cases.step_workflow import assign_step
from havenwatch.cli import cli
from havenwatch.core.dates import from_day
from havenwatch.core.errors import ValidationError
from havenwatch.core.model import Case, Event, Identity, Person
from havenwatch.core.settings import Settings
from havenwatch.operations.audit_trail import list_entries
from havenwatch.store.database import Database
from tests.cases.local_servers import http_receiver, smtp_server

PASSWORD = "correct horse battery"
REAL_NAME = "Oleg Volokhonsky"
TITLE = "Volokhonsky v. MUP"
TODAY = date(2025, 3, 25)


def _revoked_case(db: Database, pseudonym: str, team: str) -> tuple[str, str]:
    person = add_person(
        db,
        Person(pseudonym=pseudonym, team=team, identity=Identity(full_name=REAL_NAME)),
        "t",
        scope=Scope.everything(),
    )
    case = add_case(
        db,
        Case(person_id=person.id or "", country="RS", team=team, title=TITLE),
        "t",
        scope=Scope.everything(),
    )
    event = add_event(
        db,
        Event(
            case_id=case.id or "",
            type="residence_revoked",
            date=from_day(date(2025, 3, 3)),
            served_on=date(2025, 3, 3),
            deadline_days=30,
        ),
        "t",
        scope=Scope.everything(),
    )
    return case.id or "", event.id or ""


def _team(db: Database) -> tuple[str, str, str]:
    """Two cases of team A (one departure assigned to a lawyer), staff with addresses."""
    lawyer = add_user(db, "lawyer-a", PASSWORD, "caseworker", "team-a", "t")
    add_user(db, "coord-a", PASSWORD, "admin", "team-a", "t")
    add_user(db, "coord-b", PASSWORD, "admin", "team-b", "t")
    for username in ("lawyer-a", "coord-a", "coord-b"):
        set_email(db, username, f"{username}@example.org", "t")
    assigned_case, assigned_event = _revoked_case(db, "Heron", "team-a")
    _revoked_case(db, "Kestrel", "team-a")
    assign_step(
        db, assigned_case, f"{assigned_event}:departure", lawyer.id, "t", scope=Scope.everything()
    )
    return assigned_case, assigned_event, lawyer.id


def _bodies(mails: list[object]) -> dict[str, Message]:
    parsed = [email.message_from_bytes(mail.data) for mail in mails]  # type: ignore[attr-defined]
    return {str(message["To"]): message for message in parsed}


def _text(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_each_assignee_and_coordinator_gets_the_right_steps_and_no_name(db: Database) -> None:
    case_id, event_id, _ = _team(db)
    with smtp_server() as (port, inbox), http_receiver() as (url, received):
        settings = ReminderSettings(
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_from="deadlines@example.org",
            webhook_url=url,
            webhook_secret="s3cret",
            days=10,
            base_url="https://hw.example.org",
        )
        report, _ = send_reminders(db, settings, TODAY, "system:reminders", dry_run=False)
    mails = _bodies(inbox.mails)
    assert sorted(mails) == ["coord-a@example.org", "lawyer-a@example.org"]
    lawyer = _text(mails["lawyer-a@example.org"])
    assert "Departure (last day to leave)" in lawyer and "Heron" in lawyer
    assert f"https://hw.example.org/cases/{case_id}#step-{event_id}-departure" in lawyer
    assert "Kestrel" not in lawyer and "Appeal" not in lawyer
    coordinator = _text(mails["coord-a@example.org"])
    assert "Overdue:" in coordinator and coordinator.count("Appeal (žalba)") == 2
    assert "Kestrel" in coordinator and "2025-04-02" in coordinator
    [hook] = received
    expected = "sha256=" + hmac.new(b"s3cret", hook.body, hashlib.sha256).hexdigest()
    assert hook.headers[SIGNATURE_HEADER] == expected
    steps = json.loads(hook.body)["steps"]
    assert len(steps) == report.steps == 4
    assert {s["assignee"] for s in steps} == {"lawyer-a", None}
    for text in [*(mail.data.decode() for mail in inbox.mails), hook.body.decode()]:
        assert REAL_NAME not in text and "Volokhonsky" not in text and TITLE not in text
    assert report.emailed == 2
    assert any(
        e.action == "reminders.send"
        for e in list_entries(db, actor="system:reminders", scope=Scope.everything())
    )


def test_a_dry_run_sends_nothing(db: Database) -> None:
    _team(db)
    with smtp_server() as (port, inbox), http_receiver() as (url, received):
        settings = ReminderSettings(smtp_host="127.0.0.1", smtp_port=port, webhook_url=url, days=10)
        report, digests = send_reminders(db, settings, TODAY, "system:reminders", dry_run=True)
    assert inbox.mails == [] and received == []
    assert {d.username for d in digests} == {"lawyer-a", "coord-a"} and report.emailed == 0
    assert not any(e.action == "reminders.send" for e in list_entries(db, scope=Scope.everything()))


def test_an_address_is_sealed_and_must_look_like_one(db: Database) -> None:
    add_user(db, "lawyer-a", PASSWORD, "caseworker", "team-a", "t")
    set_email(db, "lawyer-a", "lawyer-a@example.org", "t")
    with db.read() as conn:
        from sqlalchemy import select

        from havenwatch.store.schema import users

        sealed = conn.execute(select(users.c.email)).scalar_one()
    assert b"example.org" not in sealed
    with pytest.raises(ValidationError, match="email"):
        set_email(db, "lawyer-a", "not an address", "t")


def test_reminders_send_dry_run_from_the_command_line(
    db: Database, instance_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _team(db)
    monkeypatch.setenv("HAVENWATCH_REMINDER_DAYS", "10")
    base = [
        "--data-dir",
        str(instance_settings.data_dir),
        "--database-url",
        instance_settings.database_url,
        "--key-file",
        str(instance_settings.key_file),
    ]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "user", "email", "coord-b"]).exit_code == 0
    result = runner.invoke(cli, [*base, "reminders", "send", "--dry-run", "--today", "2025-03-25"])
    assert result.exit_code == 0, result.output
    assert "lawyer-a: 1 steps (e-mail)" in result.output
    assert "coord-a: 3 steps (e-mail)" in result.output
    assert "would send: 2 digests" in result.output


def test_the_daily_run_sends_once_a_day(db: Database) -> None:
    _team(db)
    with smtp_server() as (port, inbox):
        settings = ReminderSettings(smtp_host="127.0.0.1", smtp_port=port, days=10)
        first = send_daily(db, settings, TODAY, "system:reminders")
        again = send_daily(db, settings, TODAY, "system:reminders")
        next_day = send_daily(db, settings, date(2025, 3, 26), "system:reminders")
    assert first is not None and first.emailed == 2 and again is None
    assert next_day is not None and len(inbox.mails) == 4
