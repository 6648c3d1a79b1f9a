"""Cases: one person's matter in one host country."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Date, Select, func, literal, select, tuple_

from havenwatch.access.scope import Scope
from havenwatch.access.teams import ensure_team, team_names
from havenwatch.access.visibility import case_visibility
from havenwatch.cases.custom_fields import holder_of, write_values
from havenwatch.cases.events import read_timeline
from havenwatch.cases.search import index_case
from havenwatch.cases.step_workflow import refresh_steps
from havenwatch.core.clock import today, utcnow
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.ids import new_id
from havenwatch.core.model import Case, Event, check_choice, validate_case
from havenwatch.crypto.keys import Keyring
from havenwatch.crypto.sealing import PersonKey
from havenwatch.store.database import Database, Unit, record_read
from havenwatch.store.rows import CASE_ROWS
from havenwatch.store.schema import AnyRow, case_tags, cases, events, people


@dataclass
class CaseFilter:
    """What a case list may be narrowed to; every field is optional (the teams are the scope)."""

    status: str | None = None
    country: str | None = None
    event_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    tag: str | None = None
    person_id: str | None = None
    case_ids: Collection[str] | None = field(default=None)


def _person_row(conn: Connection, person_id: str) -> AnyRow:
    row = conn.execute(
        select(people.c.id, people.c.team_id, people.c.wrapped_key).where(people.c.id == person_id)
    ).first()
    if row is None:
        raise ValidationError.of("person", "person.unknown", id=person_id)
    return row


def case_row(
    keyring: Keyring, case: Case, wrapped_key: bytes | None, team_id: str
) -> dict[str, Any]:
    validate_case(case)
    case.id = case.id or new_id()
    now = utcnow()
    case.created_at = case.created_at or now
    case.opened_on = case.opened_on or today()
    key = PersonKey(keyring, wrapped_key, case.person_id)
    notes = key.seal_text(case.notes, "cases", "notes", case.id)
    return CASE_ROWS.row(case, team_id=team_id, notes=notes, updated_at=now)


def insert_case(unit: Unit, keyring: Keyring, case: Case) -> Case:
    person = _person_row(unit.conn, case.person_id)
    team_id = ensure_team(unit, case.team) if case.team else person.team_id
    unit.conn.execute(cases.insert(), case_row(keyring, case, person.wrapped_key, team_id))
    tags = sorted({tag.strip() for tag in case.tags if tag.strip()})
    if tags:
        unit.conn.execute(case_tags.insert(), [{"case_id": case.id, "tag": tag} for tag in tags])
    index_case(unit.conn, case.id)
    unit.audit("case.create", target_type="case", target_id=case.id, case_id=case.id)
    return case


def add_case(
    db: Database,
    case: Case,
    actor: str,
    *,
    scope: Scope,
    custom: Mapping[str, object] | None = None,
) -> Case:
    """A new case for a person of the scope, in the scope's teams, with the values of the
    team's case fields when given (then every required field needs one)."""
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        person = _person_row(unit.conn, case.person_id)
        team_id = ensure_team(unit, case.team) if case.team else person.team_id
        if not (scope.allows(person.team_id) and scope.allows(team_id)):
            raise NotFoundError(f"no person {case.person_id}")
        insert_case(unit, keyring, case)
        if custom is not None and case.id is not None:
            holder = holder_of(unit.conn, "case", case.id)
            write_values(unit, keyring, holder, custom, complete=True)
        return case


def _filtered(query: Select[Any], flt: CaseFilter, scope: Scope) -> Select[Any]:
    conditions = [case_visibility(scope)]
    if flt.status:
        conditions.append(cases.c.status == flt.status)
    if flt.country:
        conditions.append(cases.c.country == flt.country)
    if flt.person_id:
        conditions.append(cases.c.person_id == flt.person_id)
    if flt.case_ids is not None:
        conditions.append(cases.c.id.in_(flt.case_ids))
    if flt.tag:
        conditions.append(
            select(case_tags.c.case_id)
            .where(case_tags.c.case_id == cases.c.id, case_tags.c.tag == flt.tag)
            .exists()
        )
    if flt.event_type:
        conditions.append(cases.c.event_types.contains(f" {flt.event_type} ", autoescape=True))
    if flt.date_from or flt.date_to:
        conditions.append(_has_matching_event(flt))
    return query.where(*conditions)


def _has_matching_event(flt: CaseFilter) -> ColumnElement[bool]:
    """The case has an event of the filter's type and dates: one index probe per case.

    A type alone is read from `cases.event_types`, without a probe.
    """
    matching = select(events.c.case_id).where(events.c.case_id == cases.c.id)
    if flt.event_type:
        matching = matching.where(events.c.type == flt.event_type)
    if flt.date_from:
        matching = matching.where(events.c.date_latest >= flt.date_from)
    if flt.date_to:
        matching = matching.where(events.c.date_earliest <= flt.date_to)
    return matching.exists()


def tags_for(conn: Connection, case_ids: Collection[str]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return result
    rows = conn.execute(
        select(case_tags).where(case_tags.c.case_id.in_(case_ids)).order_by(case_tags.c.tag)
    )
    for row in rows:
        result[row.case_id].append(row.tag)
    return result


def load_cases(
    conn: Connection,
    keyring: Keyring | None,
    rows: list[AnyRow],
    wrapped: dict[str, bytes | None],
) -> list[Case]:
    """Rows into cases; notes are opened only when a keyring is given."""
    teams = team_names(conn)
    tags = tags_for(conn, [row.id for row in rows])
    result = []
    for row in rows:
        notes = None
        if keyring is not None and row.notes is not None:
            notes = PersonKey(keyring, wrapped.get(row.person_id), row.person_id).open_text(
                row.notes, "cases", "notes", row.id
            )
        team = teams.get(row.team_id, row.team_id)
        result.append(CASE_ROWS.record_of(row, team=team, tags=tags[row.id], notes=notes))
    return result


def list_cases(
    db: Database,
    flt: CaseFilter | None = None,
    *,
    scope: Scope,
    limit: int = 100,
    offset: int = 0,
) -> list[Case]:
    query = _filtered(select(cases), flt or CaseFilter(), scope)
    query = query.order_by(cases.c.opened_on.desc(), cases.c.id.desc()).limit(limit).offset(offset)
    with db.read() as conn:
        return load_cases(conn, None, list(conn.execute(query)), {})


def count_cases(
    db: Database, flt: CaseFilter | None = None, *, scope: Scope, at_most: int | None = None
) -> int:
    """How many cases match; with `at_most`, counting stops there (min(count, at_most))."""
    matching = _filtered(select(cases.c.id), flt or CaseFilter(), scope)
    if at_most is not None:
        matching = matching.limit(at_most)
    query = select(func.count()).select_from(matching.subquery())
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


CASE_ORDERS = ("opened", "next_deadline")
CURSOR_PATTERN = r"^[on](\d{4}-\d{2}-\d{2})?~[0-9A-Za-z_-]{1,64}$"


@dataclass(frozen=True)
class CaseCursor:
    """Where a page of the case list ends: the order, its last case's sort day and id.

    Written `o2025-03-01~<id>` (by opening day) or `n~<id>` (by next deadline, none set), so
    the next page walks the index from there instead of counting every earlier case.
    """

    order: str
    day: date | None
    case_id: str

    def text(self) -> str:
        day = self.day.isoformat() if self.day else ""
        return f"{self.order[0]}{day}~{self.case_id}"

    @classmethod
    def parse(cls, text: str) -> CaseCursor | None:
        """The cursor written by `text`, or None when it is not one."""
        if not re.match(CURSOR_PATTERN, text):
            return None
        head, _, case_id = text.partition("~")
        order = "opened" if head[0] == "o" else "next_deadline"
        try:
            return cls(order, date.fromisoformat(head[1:]) if head[1:] else None, case_id)
        except ValueError:
            return None


@dataclass(frozen=True)
class CasePage:
    """One page of a filtered list and how many cases match, counted up to a limit.

    ``next_cursor`` is where the next page starts, when more cases match.
    """

    cases: list[Case]
    matching: int
    offset: int
    next_cursor: CaseCursor | None = None


def page_of_cases(
    db: Database,
    flt: CaseFilter,
    *,
    scope: Scope,
    offset: int,
    size: int,
    count_until: int,
    order: str = "opened",
    after: CaseCursor | None = None,
) -> CasePage:
    """The cases at `offset` and how many match (at most `count_until`), in one index walk.

    Counting and listing walk the same ordered index; doing both in one pass halves the
    work of a filtered list. An offset past the last match is moved back to the last page.
    `order` "next_deadline" puts the cases with the earliest open, unresolved deadline step
    first (`cases.next_deadline`), "opened" the newest first; cases without that day come
    last. With ``after`` (the cursor of the page before, for this order), the walk starts
    there: the page is its first `size` cases, and `offset` only counts the pages before.
    """
    cursor = after if after is not None and after.order == order else None
    with db.read() as conn:
        keys: list[tuple[str, date | None]] = []
        if cursor is not None:
            keys = _walk(
                conn, _filtered(select(cases.c.id), flt, scope), order, cursor, count_until - offset
            )
        if keys:
            start, matching = 0, offset + len(keys)
        else:
            keys = _walk(conn, _filtered(select(cases.c.id), flt, scope), order, None, count_until)
            start = offset
            if start >= len(keys) > 0:
                start = (len(keys) - 1) // size * size
            offset, matching = start, len(keys)
        wanted = [case_id for case_id, _ in keys[start : start + size]]
        rows = {row.id: row for row in conn.execute(select(cases).where(cases.c.id.in_(wanted)))}
        found = load_cases(conn, None, [rows[case_id] for case_id in wanted], {})
    following = None
    if len(keys) > start + size:
        last_id, last_day = keys[start + size - 1]
        following = CaseCursor(order, last_day, last_id)
    return CasePage(found, matching, offset, following)


def _walk(
    conn: Connection, base: Select[Any], order: str, after: CaseCursor | None, limit: int
) -> list[tuple[str, date | None]]:
    """Up to `limit` (id, sort day) of the matching cases in `order`, from after ``after``.

    Two ranges of one index: the cases with a day (keyset on the day and the id), then
    those without (on the id), so both databases order them alike and a cursor resumes
    either range.
    """
    ascending = order == "next_deadline"
    day = cases.c.next_deadline if ascending else cases.c.opened_on
    keys: list[tuple[str, date | None]] = []
    if after is None or after.day is not None:
        keys += _dated(conn, base, day, ascending, after, limit)
    if len(keys) < limit:
        resume = after.case_id if after is not None and after.day is None else None
        keys += _undated(conn, base.where(day.is_(None)), ascending, resume, limit - len(keys))
    return keys


def _dated(
    conn: Connection,
    base: Select[Any],
    day: ColumnElement[Any],
    ascending: bool,
    after: CaseCursor | None,
    limit: int,
) -> list[tuple[str, date | None]]:
    query = base.add_columns(day).where(day.is_not(None))
    if after is not None:
        here, mark = tuple_(day, cases.c.id), tuple_(literal(after.day, Date), after.case_id)
        query = query.where(here > mark if ascending else here < mark)
    ordering = (day, cases.c.id) if ascending else (day.desc(), cases.c.id.desc())
    return [(row[0], row[1]) for row in conn.execute(query.order_by(*ordering).limit(limit))]


def _undated(
    conn: Connection, base: Select[Any], ascending: bool, after_id: str | None, limit: int
) -> list[tuple[str, date | None]]:
    query = base
    if after_id is not None:
        query = query.where(cases.c.id > after_id if ascending else cases.c.id < after_id)
    ordering = cases.c.id if ascending else cases.c.id.desc()
    return [
        (case_id, None) for case_id in conn.execute(query.order_by(ordering).limit(limit)).scalars()
    ]


def read_case(conn: Connection, keyring: Keyring | None, case_id: str, scope: Scope) -> Case:
    """One case of the scope; its notes are opened only with a keyring."""
    query = select(cases).where(cases.c.id == case_id, case_visibility(scope))
    row = conn.execute(query).first()
    if row is None:
        raise NotFoundError(f"no case {case_id}")
    wrapped = {row.person_id: _person_row(conn, row.person_id).wrapped_key}
    return load_cases(conn, keyring, [row], wrapped)[0]


def get_case(
    db: Database,
    case_id: str,
    *,
    scope: Scope,
    with_notes: bool = False,
    actor: str | None = None,
) -> Case:
    """One case; opening its notes needs the reader's name, for the audit trail."""
    if with_notes and actor is None:
        raise ValueError("reading a case's notes needs an actor for the audit trail")
    keyring = db.require_keyring() if with_notes else None
    with db.read() as conn:
        case = read_case(conn, keyring, case_id, scope)
    if with_notes and actor is not None:
        record_read(
            db, actor, "case.read_notes", target_type="case", target_id=case_id, case_id=case_id
        )
    return case


@dataclass(frozen=True)
class CaseFile:
    """A case with its timeline, as the case page shows them."""

    case: Case
    timeline: list[Event]


def get_case_file(
    db: Database,
    case_id: str,
    *,
    scope: Scope,
    actor: str,
    with_notes: bool,
) -> CaseFile:
    """A case and its timeline read together; opening their notes is one audit entry.

    The entry, `case.read_notes` with `{"events": true}`, says the actor read the notes of the
    case and of its events (what `get_case` and `list_events` record as two entries).
    """
    keyring = db.require_keyring() if with_notes else None
    with db.read() as conn:
        case = read_case(conn, keyring, case_id, scope)
        timeline = read_timeline(conn, keyring, case_id, scope)
    if with_notes:
        record_read(
            db,
            actor,
            "case.read_notes",
            target_type="case",
            target_id=case_id,
            case_id=case_id,
            detail={"events": True},
        )
    return CaseFile(case, timeline)


def close_case(
    db: Database,
    case_id: str,
    actor: str,
    *,
    scope: Scope,
    status: str = "closed",
    closed_on: date | None = None,
) -> Case:
    if status == "open":
        raise ValidationError.of("status", "case.close_needs_status")
    probe = Case(person_id="", country="XX", status=status)
    validate_case(probe)
    with db.write(actor) as unit:
        current = unit.conn.execute(
            select(cases.c.status).where(cases.c.id == case_id, case_visibility(scope))
        ).first()
        if current is None:
            raise NotFoundError(f"no case {case_id}")
        if current.status != "open":
            raise ValidationError.of("status", "case.already_closed")
        unit.conn.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(status=status, closed_on=closed_on or today(), updated_at=utcnow())
        )
        refresh_steps(unit.conn, case_id)
        unit.audit(
            "case.close",
            target_type="case",
            target_id=case_id,
            case_id=case_id,
            detail={"status": status},
        )
    return get_case(db, case_id, scope=scope)


# Why a closed case is opened again. Codes, not free text: the reason is kept in the audit
# trail, which can never be changed or purged, so it must not hold names or notes.
REOPEN_REASONS = ("new_decision", "proceedings_resumed", "returned", "closed_in_error", "other")


def reopen_case(
    db: Database,
    case_id: str,
    actor: str,
    *,
    reason: str,
    scope: Scope,
) -> Case:
    """Open a closed case again: status `open`, no closing date.

    The audit entry (`case.reopen`) keeps the reason code, the final status the case had and
    the day it had closed, so the closing is never lost from the case's history.
    """
    check_choice("reason", reason, REOPEN_REASONS)
    query = select(cases.c.status, cases.c.closed_on).where(
        cases.c.id == case_id, case_visibility(scope)
    )
    with db.write(actor) as unit:
        row = unit.conn.execute(query).first()
        if row is None:
            raise NotFoundError(f"no case {case_id}")
        if row.status == "open":
            raise ValidationError.of("status", "case.already_open")
        unit.conn.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(status="open", closed_on=None, updated_at=utcnow())
        )
        refresh_steps(unit.conn, case_id)
        unit.audit(
            "case.reopen",
            target_type="case",
            target_id=case_id,
            case_id=case_id,
            detail={"reason": reason, "from": row.status, "closed_on": row.closed_on},
        )
    return get_case(db, case_id, scope=scope)
