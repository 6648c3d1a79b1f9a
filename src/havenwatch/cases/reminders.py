"""Deadline reminders: a daily digest by e-mail to each assignee, and a signed JSON webhook.

A digest lists the open, unresolved steps (`deadline_steps`) due within N days or overdue:
to the lawyer a step is assigned to, or, unassigned, to the coordinators (active
administrators) of the case's team. No reminder ever carries a real name or a case title (a
title may hold one): a step is named by the person's pseudonym, its remedy, its last day and
a link to the case page. Mail goes through the SMTP server of the settings; the webhook
(for Matrix or Signal bridges) gets one JSON body signed with HMAC-SHA256 of the secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import smtplib
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from sqlalchemy import and_, select

from havenwatch.access.staff_email import open_email
from havenwatch.cases.deadlines import rules_for
from havenwatch.core.errors import ValidationError
from havenwatch.store.database import Database
from havenwatch.store.instance_values import read_value, write_value
from havenwatch.store.schema import cases, deadline_actions, deadline_steps, people, users

SIGNATURE_HEADER = "X-Havenwatch-Signature"
LAST_SENT_KEY = "reminders.last_sent"
COORDINATOR_ROLES = ("admin",)


@dataclass(frozen=True)
class ReminderSettings:
    """From HAVENWATCH_SMTP_* and HAVENWATCH_REMINDER_* (docs/cli.md, `reminders send`)."""

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "havenwatch@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    webhook_url: str | None = None
    webhook_secret: str | None = None
    days: int = 7
    base_url: str = "http://127.0.0.1:8000"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ReminderSettings:
        values = os.environ if env is None else env
        try:
            port, days = (
                int(values.get("HAVENWATCH_SMTP_PORT", "25")),
                int(values.get("HAVENWATCH_REMINDER_DAYS", "7")),
            )
        except ValueError:
            raise ValidationError.of("settings", "reminders.numbers") from None
        return cls(
            smtp_host=values.get("HAVENWATCH_SMTP_HOST") or None,
            smtp_port=port,
            smtp_from=values.get("HAVENWATCH_SMTP_FROM", cls.smtp_from),
            smtp_user=values.get("HAVENWATCH_SMTP_USER") or None,
            smtp_password=values.get("HAVENWATCH_SMTP_PASSWORD") or None,
            smtp_starttls=values.get("HAVENWATCH_SMTP_STARTTLS", "") in ("1", "true", "yes"),
            webhook_url=values.get("HAVENWATCH_REMINDER_WEBHOOK_URL") or None,
            webhook_secret=values.get("HAVENWATCH_REMINDER_WEBHOOK_SECRET") or None,
            days=days,
            base_url=values.get("HAVENWATCH_BASE_URL", cls.base_url).rstrip("/"),
        )

    @property
    def configured(self) -> bool:
        return bool(self.smtp_host or self.webhook_url)


@dataclass(frozen=True)
class ReminderItem:
    case_id: str
    pseudonym: str
    remedy: str
    remedy_label: str
    due: dt.date
    overdue: bool
    link: str
    assignee: str | None


@dataclass
class Digest:
    user_id: str
    username: str
    locale: str
    sealed_email: bytes | None
    items: list[ReminderItem] = field(default_factory=list)


@dataclass(frozen=True)
class ReminderReport:
    digests: int
    emailed: int
    without_address: int
    steps: int
    webhook_sent: bool


def _rows(db: Database, today: dt.date, days: int) -> list[Any]:
    horizon = today + dt.timedelta(days=days)
    query = (
        select(
            deadline_steps.c.case_id,
            deadline_steps.c.deadline_id,
            deadline_steps.c.remedy,
            deadline_steps.c.due,
            deadline_steps.c.team_id,
            cases.c.country,
            people.c.pseudonym,
            deadline_actions.c.assignee_id,
        )
        .select_from(
            deadline_steps.join(cases, cases.c.id == deadline_steps.c.case_id)
            .join(people, people.c.id == cases.c.person_id)
            .outerjoin(
                deadline_actions,
                and_(
                    deadline_actions.c.case_id == deadline_steps.c.case_id,
                    deadline_actions.c.deadline_id == deadline_steps.c.deadline_id,
                ),
            )
        )
        .where(deadline_steps.c.status == "open", deadline_steps.c.due <= horizon)
        .order_by(deadline_steps.c.due, deadline_steps.c.case_id, deadline_steps.c.deadline_id)
    )
    with db.read() as conn:
        return list(conn.execute(query))


def _staff(db: Database) -> dict[str, Any]:
    query = select(
        users.c.id, users.c.username, users.c.role, users.c.team_id, users.c.locale, users.c.email
    ).where(users.c.active.is_(True))
    with db.read() as conn:
        return {row.id: row for row in conn.execute(query)}


def build_digests(
    db: Database, today: dt.date, days: int, base_url: str
) -> tuple[list[Digest], list[ReminderItem]]:
    """Each recipient's digest (assignee, else the team's coordinators), and every step."""
    staff = _staff(db)
    digests: dict[str, Digest] = {}
    every: list[ReminderItem] = []
    for row in _rows(db, today, days):
        assignee = staff.get(row.assignee_id) if row.assignee_id else None
        if assignee is not None and assignee.team_id != row.team_id:
            assignee = None
        recipients = (
            [assignee]
            if assignee is not None
            else [
                u
                for u in staff.values()
                if u.team_id == row.team_id and u.role in COORDINATOR_ROLES
            ]
        )
        every.append(_item(row, "en", today, base_url, assignee))
        for user in recipients:
            digest = digests.setdefault(
                user.id, Digest(user.id, user.username, user.locale, user.email)
            )
            digest.items.append(_item(row, user.locale, today, base_url, assignee))
    return sorted(digests.values(), key=lambda d: d.username), every


def _coordinators(staff: Mapping[str, Any], team_id: str) -> list[Any]:
    return [u for u in staff.values() if u.team_id == team_id and u.role in COORDINATOR_ROLES]


def _item(row: Any, locale: str, today: dt.date, base_url: str, assignee: Any) -> ReminderItem:
    rules = rules_for(row.country, locale)
    remedy = rules.remedies.get(row.remedy) if rules else None
    anchor = row.deadline_id.replace(":", "-")
    return ReminderItem(
        case_id=row.case_id,
        pseudonym=row.pseudonym,
        remedy=row.remedy,
        remedy_label=remedy.label if remedy else row.remedy,
        due=row.due,
        overdue=row.due < today,
        link=f"{base_url}/cases/{row.case_id}#step-{anchor}",
        assignee=assignee.username if assignee is not None else None,
    )


def digest_text(digest: Digest, today: dt.date, days: int) -> str:
    """The e-mail body: overdue steps first, then those due within `days`."""
    overdue = [item for item in digest.items if item.overdue]
    soon = [item for item in digest.items if not item.overdue]
    lines = [f"havenwatch deadlines for {today.isoformat()}", ""]
    for title, items in (("Overdue", overdue), (f"Due within {days} days", soon)):
        if items:
            lines += [f"{title}:"]
            lines += [
                f"- {item.due.isoformat()}  {item.remedy_label}  ({item.pseudonym})  {item.link}"
                for item in items
            ]
            lines.append("")
    lines.append("Open the links to mark a step done or assign it.")
    return "\n".join(lines)


def webhook_body(items: list[ReminderItem], today: dt.date) -> bytes:
    payload = {
        "date": today.isoformat(),
        "steps": [
            {
                "case_link": item.link,
                "pseudonym": item.pseudonym,
                "remedy": item.remedy,
                "due": item.due.isoformat(),
                "overdue": item.overdue,
                "assignee": item.assignee,
            }
            for item in items
        ],
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def signature(secret: str, body: bytes) -> str:
    """The webhook's signature header value: sha256=<hex HMAC-SHA256 of the body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_reminders(
    db: Database, settings: ReminderSettings, today: dt.date, actor: str, *, dry_run: bool
) -> tuple[ReminderReport, list[Digest]]:
    """Send today's digests and the webhook once; with ``dry_run`` only say what would go."""
    digests, every = build_digests(db, today, settings.days, settings.base_url)
    keyring = db.require_keyring()
    emailed = without = 0
    messages = []
    for digest in digests:
        if digest.sealed_email is None:
            without += 1
            continue
        address = open_email(keyring, digest.user_id, digest.sealed_email)
        messages.append(_message(settings, address, digest, today))
    if not dry_run and settings.smtp_host and messages:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user and settings.smtp_password:
                smtp.login(settings.smtp_user, settings.smtp_password)
            for message in messages:
                smtp.send_message(message)
                emailed += 1
    sent = False
    if not dry_run and settings.webhook_url and every:
        _post(settings, webhook_body(every, today))
        sent = True
    report = ReminderReport(len(digests), emailed, without, len(every), sent)
    if not dry_run:
        with db.write(actor) as unit:
            unit.audit(
                "reminders.send",
                detail={
                    "digests": report.digests,
                    "emailed": report.emailed,
                    "without_address": report.without_address,
                    "steps": report.steps,
                    "webhook": report.webhook_sent,
                },
            )
    return report, digests


def _message(
    settings: ReminderSettings, address: str, digest: Digest, today: dt.date
) -> EmailMessage:
    message = EmailMessage()
    overdue = sum(1 for item in digest.items if item.overdue)
    message["Subject"] = (
        f"havenwatch: {overdue} overdue, {len(digest.items) - overdue} due soon ({today})"
    )
    message["From"] = settings.smtp_from
    message["To"] = address
    message.set_content(digest_text(digest, today, settings.days))
    return message


def _post(settings: ReminderSettings, body: bytes) -> None:
    url = settings.webhook_url or ""
    if not url.startswith(("https://", "http://")):
        raise ValidationError.of("webhook", "reminders.webhook_scheme")
    headers = {"Content-Type": "application/json"}
    if settings.webhook_secret:
        headers[SIGNATURE_HEADER] = signature(settings.webhook_secret, body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()


def send_daily(
    db: Database, settings: ReminderSettings, today: dt.date, actor: str
) -> ReminderReport | None:
    """Send today's reminders unless they already went out today (None then).

    The day is claimed in the same database first, so several servers of one instance send
    once; a day whose sending failed is not retried (the failure is logged by the caller).
    """
    with db.write(actor) as unit:
        if read_value(unit.conn, LAST_SENT_KEY) == today.isoformat():
            return None
        write_value(unit.conn, LAST_SENT_KEY, today.isoformat())
    report, _ = send_reminders(db, settings, today, actor, dry_run=False)
    return report
