"""Lossless JSON export and import of everything a case file holds.

The document is deterministic (records sorted by id, keys sorted), so export → import into an
empty database → export gives the same bytes. Identity fields and notes appear in clear: a
full export is as sensitive as the database and key together, and is recorded in the audit
trail. Document files are not included; `havenwatch backup` carries the vault. The format is
described in docs/interchange.md.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from havenwatch.access.accounts import ROLES
from havenwatch.access.scope import Scope
from havenwatch.access.teams import ensure_team
from havenwatch.cases.case_files import insert_case, load_cases
from havenwatch.cases.events import event_from_row, insert_event
from havenwatch.cases.people import insert_person, load_people
from havenwatch.cases.record_shapes import TABLES, check_record
from havenwatch.cases.sources import insert_source, sources_from_rows
from havenwatch.core.clock import utcnow
from havenwatch.core.dates import parse_fuzzy
from havenwatch.core.errors import HavenwatchError, ValidationError
from havenwatch.core.model import Case, Event, Identity, Person, Source
from havenwatch.crypto.keys import Keyring
from havenwatch.crypto.sealing import PersonKey, identity_from_json, identity_to_json
from havenwatch.store.database import Database, Unit
from havenwatch.store.schema import cases, event_sources, events, people, sources, teams, users

FORMAT = "havenwatch-export/1"
MAX_IMPORT_BYTES = 512 * 1024 * 1024
# Not an argon2 hash, so no password ever matches it: imported users must be given a new one.
UNUSABLE_PASSWORD = "!imported"  # noqa: S105


class InterchangeError(HavenwatchError):
    """An export document is malformed; the message names the file and record."""


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _people(conn: Connection, keyring: Keyring) -> list[dict[str, Any]]:
    rows = conn.execute(select(people).order_by(people.c.id)).all()
    return [
        {
            "id": p.id,
            "pseudonym": p.pseudonym,
            "team": p.team,
            "nationality": p.nationality,
            "gender": p.gender,
            "birth_year": p.birth_year,
            "family_affected_count": p.family_affected_count,
            "family_relation": p.family_relation,
            "consent": p.consent,
            "risk_level": p.risk_level,
            "identity": identity_to_json(p.identity),
            "created_at": _iso(p.created_at),
        }
        for p in load_people(conn, keyring, rows)
    ]


def _cases(
    conn: Connection, keyring: Keyring, wrapped: dict[str, bytes | None]
) -> list[dict[str, Any]]:
    rows = conn.execute(select(cases).order_by(cases.c.id)).all()
    return [
        {
            "id": c.id,
            "person_id": c.person_id,
            "country": c.country,
            "title": c.title,
            "status": c.status,
            "team": c.team,
            "assigned_to": c.assigned_to,
            "tags": c.tags,
            "opened_on": _iso(c.opened_on),
            "closed_on": _iso(c.closed_on),
            "notes": c.notes,
            "created_at": _iso(c.created_at),
        }
        for c in load_cases(conn, keyring, list(rows), wrapped)
    ]


def _events(conn: Connection, keyring: Keyring) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(events, cases.c.person_id, people.c.wrapped_key)
        .join(cases, cases.c.id == events.c.case_id)
        .join(people, people.c.id == cases.c.person_id)
        .order_by(events.c.id)
    ).all()
    links: dict[str, list[str]] = {}
    for link in conn.execute(select(event_sources).order_by(event_sources.c.source_id)):
        links.setdefault(link.event_id, []).append(link.source_id)
    result = []
    for row in rows:
        key = PersonKey(keyring, row.wrapped_key, row.person_id)
        notes = key.open_text(row.notes, "events", "notes", row.id)
        event = event_from_row(row, notes, links.get(row.id, []), [])
        result.append(
            {
                "id": event.id,
                "case_id": event.case_id,
                "type": event.type,
                "date": event.date.text if event.date else None,
                "origin_state_link": event.origin_state_link,
                "served_on": _iso(event.served_on),
                "authority": event.authority,
                "grounds": event.grounds,
                "deadline_days": event.deadline_days,
                "outcome": event.outcome,
                "decision_code": event.decision_code,
                "service": event.service,
                "procedure": event.procedure,
                "notes": event.notes,
                "source_ids": event.source_ids,
                "created_at": _iso(event.created_at),
            }
        )
    return result


def _sources(conn: Connection, keyring: Keyring) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "url": s.url,
            "title": s.title,
            "publisher": s.publisher,
            "published_on": _iso(s.published_on),
            "language": s.language,
            "text": s.text,
            "content_hash": s.content_hash,
            "created_at": _iso(s.created_at),
        }
        for s in sources_from_rows(
            conn, keyring, conn.execute(select(sources).order_by(sources.c.id)).all()
        )
    ]


def _users(conn: Connection) -> list[dict[str, Any]]:
    names = {row.id: row.name for row in conn.execute(select(teams))}
    return [
        {"id": u.id, "username": u.username, "role": u.role, "team": names[u.team_id]}
        for u in conn.execute(select(users).order_by(users.c.id))
    ]


def export_document(db: Database, actor: str) -> dict[str, Any]:
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        conn = unit.conn
        wrapped = {
            row.id: row.wrapped_key
            for row in conn.execute(select(people.c.id, people.c.wrapped_key))
        }
        document = {
            "format": FORMAT,
            "teams": sorted(row.name for row in conn.execute(select(teams.c.name))),
            "users": _users(conn),
            "people": _people(conn, keyring),
            "cases": _cases(conn, keyring, wrapped),
            "events": _events(conn, keyring),
            "sources": _sources(conn, keyring),
        }
        unit.audit(
            "export.full",
            detail={key: len(value) for key, value in document.items() if isinstance(value, list)},
        )
    return document


def dump_document(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def load_document(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise InterchangeError(f"{path}: larger than {MAX_IMPORT_BYTES // 2**20} MB")
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        raise InterchangeError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise InterchangeError(f"{path}: not UTF-8 text") from None
    except RecursionError:
        raise InterchangeError(f"{path}: not an export (values nested too deeply)") from None
    except json.JSONDecodeError as error:
        raise InterchangeError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InterchangeError(f'{path}: not a havenwatch export (expected "format": "{FORMAT}")')
    return document


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _stamp(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _person(record: dict[str, Any]) -> Person:
    return Person(
        id=record["id"],
        pseudonym=record["pseudonym"],
        team=record.get("team") or "default",
        identity=identity_from_json(record.get("identity") or {})
        if record.get("identity")
        else Identity(),
        nationality=record.get("nationality"),
        gender=record.get("gender"),
        birth_year=record.get("birth_year"),
        family_affected_count=record.get("family_affected_count") or 0,
        family_relation=record.get("family_relation"),
        consent=record.get("consent") or "none",
        risk_level=record.get("risk_level") or "medium",
        created_at=_stamp(record.get("created_at")),
    )


def _case(record: dict[str, Any]) -> Case:
    return Case(
        id=record["id"],
        person_id=record["person_id"],
        country=record["country"],
        title=record.get("title") or "",
        status=record.get("status") or "open",
        team=record.get("team") or "default",
        assigned_to=record.get("assigned_to"),
        tags=list(record.get("tags") or []),
        opened_on=_day(record.get("opened_on")),
        closed_on=_day(record.get("closed_on")),
        notes=record.get("notes"),
        created_at=_stamp(record.get("created_at")),
    )


def _event(record: dict[str, Any]) -> Event:
    return Event(
        id=record["id"],
        case_id=record["case_id"],
        type=record["type"],
        date=parse_fuzzy(record["date"]) if record.get("date") else None,
        origin_state_link=record.get("origin_state_link") or "none",
        served_on=_day(record.get("served_on")),
        authority=record.get("authority"),
        grounds=record.get("grounds"),
        deadline_days=record.get("deadline_days"),
        outcome=record.get("outcome"),
        decision_code=record.get("decision_code"),
        service=record.get("service"),
        procedure=record.get("procedure"),
        notes=record.get("notes"),
        source_ids=list(record.get("source_ids") or []),
        created_at=_stamp(record.get("created_at")),
    )


def _source(record: dict[str, Any]) -> Source:
    return Source(
        id=record["id"],
        url=record.get("url"),
        title=record.get("title"),
        publisher=record.get("publisher"),
        published_on=_day(record.get("published_on")),
        language=record.get("language"),
        text=record.get("text") or "",
        content_hash=record.get("content_hash"),
        created_at=_stamp(record.get("created_at")),
    )


def _insert_user(unit: Unit, record: dict[str, Any]) -> None:
    if record["role"] not in ROLES:
        raise ValidationError("role", f"unknown role {record['role']!r}")
    if unit.conn.execute(select(users.c.id).where(users.c.id == record["id"])).first():
        return
    unit.conn.execute(
        users.insert().values(
            id=record["id"],
            username=record["username"],
            role=record["role"],
            team_id=ensure_team(unit, record["team"]),
            locale="en",
            active=False,
            password_hash=UNUSABLE_PASSWORD,
            created_at=utcnow(),
        )
    )


def _exists(unit: Unit, table: Any, record_id: str) -> bool:
    return unit.conn.execute(select(table.c.id).where(table.c.id == record_id)).first() is not None


def import_document(
    db: Database, document: dict[str, Any], actor: str, *, origin: str = ""
) -> dict[str, int]:
    """Insert every record not already present (matched by id); all or nothing."""
    keyring = db.require_keyring()
    counts = {"people": 0, "cases": 0, "events": 0, "sources": 0, "users": 0}
    with db.write(actor) as unit:
        for section, build, insert in _sections(keyring):
            for index, record in enumerate(_records(document, section, origin)):
                try:
                    check_record(section, record)
                    if _exists(unit, TABLES[section], record["id"]):
                        continue
                    insert(unit, build(record))
                except ValidationError as error:
                    raise InterchangeError(
                        f"{origin}: {section}[{index}] field {error.field}: {error.reason}"
                    ) from None
                except (KeyError, TypeError, ValueError) as error:
                    raise InterchangeError(
                        f"{origin}: {section}[{index}]: malformed record ({error})"
                    ) from None
                except IntegrityError:
                    raise InterchangeError(
                        f"{origin}: {section}[{index}]: clashes with a record already in the "
                        "database (same username or source content under another id), "
                        "or links to a record that does not exist"
                    ) from None
                counts[section] += 1
        unit.audit("import.json", detail={"origin": origin, **counts})
    return counts


def _records(document: dict[str, Any], section: str, origin: str) -> list[Any]:
    records = document.get(section) or []
    if not isinstance(records, list):
        raise InterchangeError(f"{origin}: {section} must be a list of records")
    return records


def _sections(keyring: Keyring) -> list[tuple[str, Any, Any]]:
    return [
        ("users", lambda r: r, _insert_user),
        ("sources", _source, lambda unit, s: insert_source(unit, s, scope=Scope.everything())),
        ("people", _person, lambda unit, p: insert_person(unit, keyring, p)),
        ("cases", _case, lambda unit, c: insert_case(unit, keyring, c)),
        ("events", _event, lambda unit, e: insert_event(unit, keyring, e)),
    ]
