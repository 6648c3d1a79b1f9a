"""What a team does about each deadline step: stored steps, resolutions, assignees, counts.

A case's steps are computed by the legal engine (`cases.deadlines`) and stored in
`deadline_steps` whenever its events change, in the same transaction, so the dashboard can
count overdue and due-soon steps, and the case list sort by the next deadline, without
computing every case's deadlines. What the team did about a step lives apart, in
`deadline_actions`: done (on a day, by an event of the case), not applicable or superseded,
always with a note (sealed with the person's key) and who did it; and the lawyer it is
assigned to. Every change is audited through `Database.write`; every read and decision takes
the caller's teams and fails closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility, step_visibility
from havenwatch.cases.assignment import ASSIGNABLE_ROLES
from havenwatch.cases.deadlines import deadlines_from_rows, rules_for
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.crypto.keys import Keyring
from havenwatch.crypto.sealing import PersonKey
from havenwatch.store.database import Database, Unit, record_read
from havenwatch.store.schema import cases, deadline_actions, deadline_steps, events, people, users

RESOLUTIONS = ("done", "not_applicable", "superseded")
NOTE_LIMIT = 4000
SOON_DAYS = 14


@dataclass(frozen=True)
class StepAction:
    """What was done about one step; ``note`` is None unless it was opened for the reader."""

    deadline_id: str
    resolution: str | None
    resolved_on: dt.date | None
    resolved_event_id: str | None
    resolved_by: str | None
    assignee_id: str | None
    assignee: str | None
    note: str | None = None


@dataclass(frozen=True)
class StepCounts:
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class DueStep:
    """An open, unresolved step of a case, for lists across cases (no recomputation)."""

    case_id: str
    case_title: str
    country: str
    deadline_id: str
    remedy: str
    remedy_label: str
    due: dt.date
    overdue: bool
    assignee: str | None


def step_rows(
    country: str, case_id: str, team_id: str, event_rows: Sequence[Any], *, case_open: bool
) -> tuple[list[dict[str, Any]], dt.date | None]:
    """A new case's stored step rows from its event rows, and its next deadline."""
    return _steps(country, case_id, team_id, event_rows, case_open=case_open, resolved=frozenset())


def _steps(
    country: str,
    case_id: str,
    team_id: str,
    event_rows: Sequence[Any],
    *,
    case_open: bool,
    resolved: Collection[str],
) -> tuple[list[dict[str, Any]], dt.date | None]:
    plan = deadlines_from_rows(country, event_rows, dt.date.min)
    if plan is None:
        return [], None
    rows: list[dict[str, Any]] = []
    for item in plan.deadlines:
        status: str = item.status
        if status == "open" and item.deadline_id in resolved:
            status = "resolved"
        elif status == "open" and not case_open:
            status = "closed"
        if status == "open" and item.step.due is None:
            status = "no_deadline"
        rows.append(
            {
                "case_id": case_id,
                "deadline_id": item.deadline_id,
                "team_id": team_id,
                "remedy": item.step.remedy,
                "due": item.step.due,
                "status": status,
            }
        )
    dues = [row["due"] for row in rows if row["status"] == "open"]
    return rows, min(dues, default=None)


def refresh_steps(conn: Connection, case_id: str) -> None:
    """Rewrite the case's stored steps and next deadline, in the caller's transaction."""
    case = conn.execute(
        select(cases.c.country, cases.c.team_id, cases.c.status).where(cases.c.id == case_id)
    ).first()
    if case is None:
        return
    rows = list(conn.execute(select(events).where(events.c.case_id == case_id)))
    resolved = set(
        conn.execute(
            select(deadline_actions.c.deadline_id).where(
                deadline_actions.c.case_id == case_id, deadline_actions.c.resolution.is_not(None)
            )
        ).scalars()
    )
    computed, earliest = _steps(
        case.country,
        case_id,
        case.team_id,
        rows,
        case_open=case.status == "open",
        resolved=resolved,
    )
    conn.execute(deadline_steps.delete().where(deadline_steps.c.case_id == case_id))
    if computed:
        conn.execute(deadline_steps.insert(), computed)
    conn.execute(cases.update().where(cases.c.id == case_id).values(next_deadline=earliest))


def refresh_all_steps(db: Database, actor: str) -> int:
    """Recompute every case's stored steps (after an upgrade or a change of the rules)."""
    with db.read() as conn:
        case_ids = [str(value) for value in conn.execute(select(cases.c.id)).scalars()]
    for start in range(0, len(case_ids), 500):
        with db.write(actor) as unit:
            for case_id in case_ids[start : start + 500]:
                refresh_steps(unit.conn, case_id)
            unit.audit("deadlines.refresh", detail={"cases": len(case_ids[start : start + 500])})
    return len(case_ids)


def _open_steps(query: Any, scope: Scope) -> Any:
    return query.where(deadline_steps.c.status == "open", step_visibility(scope))


def _case_owner(conn: Connection, case_id: str, scope: Scope) -> Any:
    query = (
        select(cases.c.id, cases.c.team_id, cases.c.person_id, people.c.wrapped_key)
        .join(people, people.c.id == cases.c.person_id)
        .where(cases.c.id == case_id, case_visibility(scope))
    )
    owner = conn.execute(query).first()
    if owner is None:
        raise NotFoundError(f"no case {case_id}")
    return owner


def _require_step(conn: Connection, case_id: str, deadline_id: str) -> None:
    found = conn.execute(
        select(deadline_steps.c.deadline_id).where(
            deadline_steps.c.case_id == case_id, deadline_steps.c.deadline_id == deadline_id
        )
    ).first()
    if found is None:
        raise NotFoundError(f"no deadline {deadline_id}")


def _save_action(
    conn: Connection, case_id: str, deadline_id: str, values: Mapping[str, Any]
) -> None:
    key = (deadline_actions.c.case_id == case_id, deadline_actions.c.deadline_id == deadline_id)
    changed = conn.execute(
        deadline_actions.update().where(*key).values(**values, updated_at=utcnow())
    ).rowcount
    if not changed:
        conn.execute(
            deadline_actions.insert().values(
                case_id=case_id, deadline_id=deadline_id, **values, updated_at=utcnow()
            )
        )


def resolve_step(
    db: Database,
    case_id: str,
    deadline_id: str,
    actor: str,
    *,
    resolution: str | None,
    note: str,
    done_on: dt.date | None = None,
    event_id: str | None = None,
    scope: Scope,
) -> None:
    """Mark a step done (on ``done_on``, by ``event_id`` of the case), not applicable or
    superseded; ``resolution`` None opens it again. Always with a note; audited."""
    _check_resolution(resolution, note, done_on)
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        owner = _case_owner(unit.conn, case_id, scope)
        _require_step(unit.conn, case_id, deadline_id)
        if event_id is not None:
            _require_event(unit.conn, case_id, event_id)
        sealed = _seal_note(keyring, owner, case_id, deadline_id, note)
        _save_action(
            unit.conn,
            case_id,
            deadline_id,
            {
                "resolution": resolution,
                "resolved_on": done_on if resolution == "done" else None,
                "resolved_event_id": event_id if resolution == "done" else None,
                "note": sealed,
                "resolved_by": actor,
            },
        )
        refresh_steps(unit.conn, case_id)
        _audit(unit, "deadline.resolve", case_id, deadline_id, resolution, done_on, event_id)


def _check_resolution(resolution: str | None, note: str, done_on: dt.date | None) -> None:
    if resolution is not None and resolution not in RESOLUTIONS:
        raise ValidationError("resolution", f"choose one of {', '.join(RESOLUTIONS)}")
    if not note.strip():
        raise ValidationError("note", "say what was done and why (a note is required)")
    if len(note) > NOTE_LIMIT or "\x00" in note:
        raise ValidationError("note", f"at most {NOTE_LIMIT} characters, no NUL")
    if resolution == "done" and done_on is None:
        raise ValidationError("done_on", "give the day it was done")


def _require_event(conn: Connection, case_id: str, event_id: str) -> None:
    found = conn.execute(
        select(events.c.id).where(events.c.id == event_id, events.c.case_id == case_id)
    ).first()
    if found is None:
        raise ValidationError("event", f"no event {event_id} in this case")


def _seal_note(keyring: Keyring, owner: Any, case_id: str, deadline_id: str, note: str) -> bytes:
    key = PersonKey(keyring, owner.wrapped_key, owner.person_id)
    sealed = key.seal_text(note, "deadline_actions", "note", f"{case_id}/{deadline_id}")
    assert sealed is not None
    return sealed


def _audit(
    unit: Unit,
    action: str,
    case_id: str,
    deadline_id: str,
    resolution: str | None,
    done_on: dt.date | None,
    event_id: str | None,
) -> None:
    event_id_of_step, _, remedy = deadline_id.partition(":")
    unit.audit(
        action,
        target_type="deadline",
        target_id=event_id_of_step,
        case_id=case_id,
        detail={
            "step": remedy,
            "resolution": resolution,
            "done_on": done_on.isoformat() if done_on else None,
            "event_id": event_id,
        },
    )


def assign_step(
    db: Database,
    case_id: str,
    deadline_id: str,
    user_id: str | None,
    actor: str,
    *,
    scope: Scope,
) -> None:
    """Give the step to ``user_id`` (None: nobody), an active lawyer of the case's team."""
    with db.write(actor) as unit:
        owner = _case_owner(unit.conn, case_id, scope)
        _require_step(unit.conn, case_id, deadline_id)
        if user_id is not None:
            found = unit.conn.execute(
                select(users.c.id).where(
                    users.c.id == user_id,
                    users.c.team_id == owner.team_id,
                    users.c.active.is_(True),
                    users.c.role.in_(ASSIGNABLE_ROLES),
                )
            ).first()
            if found is None:
                raise ValidationError("assignee", "choose an active caseworker of the case's team")
        _save_action(unit.conn, case_id, deadline_id, {"assignee_id": user_id})
        event_id_of_step, _, remedy = deadline_id.partition(":")
        unit.audit(
            "deadline.assign",
            target_type="deadline",
            target_id=event_id_of_step,
            case_id=case_id,
            detail={"step": remedy, "assignee": user_id},
        )


def step_actions(
    db: Database,
    case_id: str,
    *,
    scope: Scope,
    reader: str | None = None,
) -> dict[str, StepAction]:
    """What was done about the case's steps; their notes are opened only for a ``reader``,
    whose read is recorded in the audit trail."""
    keyring = db.require_keyring() if reader else None
    with db.read() as conn:
        actions = actions_in(conn, keyring, case_id, scope)
    if reader is not None and any(action.note is not None for action in actions.values()):
        record_read(
            db,
            reader,
            "deadlines.read_notes",
            target_type="case",
            target_id=case_id,
            case_id=case_id,
        )
    return actions


def actions_in(
    conn: Connection, keyring: Keyring | None, case_id: str, scope: Scope
) -> dict[str, StepAction]:
    """`step_actions` inside a transaction the caller holds; notes opened only with a keyring."""
    owner = _case_owner(conn, case_id, scope)
    rows = conn.execute(
        select(deadline_actions, users.c.username)
        .outerjoin(users, users.c.id == deadline_actions.c.assignee_id)
        .where(deadline_actions.c.case_id == case_id)
    ).all()
    key = PersonKey(keyring, owner.wrapped_key, owner.person_id) if keyring else None
    return {
        row.deadline_id: StepAction(
            deadline_id=row.deadline_id,
            resolution=row.resolution,
            resolved_on=row.resolved_on,
            resolved_event_id=row.resolved_event_id,
            resolved_by=row.resolved_by,
            assignee_id=row.assignee_id,
            assignee=row.username,
            note=key.open_text(row.note, "deadline_actions", "note", f"{case_id}/{row.deadline_id}")
            if key
            else None,
        )
        for row in rows
    }


def step_counts(
    db: Database, scope: Scope, today: dt.date, within_days: int = SOON_DAYS
) -> StepCounts:
    """Open cases' unresolved steps: overdue, and due from today to ``within_days`` ahead.

    Two counts over one index range each (`ix_deadline_steps_team_status_due`)."""
    horizon = today + dt.timedelta(days=within_days)
    count = select(func.count()).select_from(deadline_steps)
    with db.read() as conn:
        overdue = conn.execute(
            _open_steps(count, scope).where(deadline_steps.c.due < today)
        ).scalar_one()
        soon = conn.execute(
            _open_steps(count, scope).where(deadline_steps.c.due.between(today, horizon))
        ).scalar_one()
    return StepCounts(int(overdue), int(soon))


def due_steps(
    db: Database,
    scope: Scope,
    today: dt.date,
    *,
    within_days: int = SOON_DAYS,
    limit: int = 20,
    locale: str = "en",
) -> list[DueStep]:
    """Unresolved steps overdue or due within ``within_days``, the earliest last day first."""
    horizon = today + dt.timedelta(days=within_days)
    query = _open_steps(
        select(
            cases.c.id,
            cases.c.title,
            cases.c.country,
            deadline_steps.c.deadline_id,
            deadline_steps.c.remedy,
            deadline_steps.c.due,
            users.c.username,
        )
        .select_from(
            deadline_steps.join(cases, cases.c.id == deadline_steps.c.case_id)
            .outerjoin(
                deadline_actions,
                and_(
                    deadline_actions.c.case_id == deadline_steps.c.case_id,
                    deadline_actions.c.deadline_id == deadline_steps.c.deadline_id,
                ),
            )
            .outerjoin(users, users.c.id == deadline_actions.c.assignee_id)
        )
        .where(deadline_steps.c.due <= horizon),
        scope,
    ).order_by(deadline_steps.c.due, deadline_steps.c.case_id, deadline_steps.c.deadline_id)
    with db.read() as conn:
        rows = conn.execute(query.limit(limit)).all()
    return [_due_step(row, today, locale) for row in rows]


def _due_step(row: Any, today: dt.date, locale: str) -> DueStep:
    rules = rules_for(row.country, locale)
    remedy = rules.remedies.get(row.remedy) if rules else None
    return DueStep(
        case_id=row.id,
        case_title=row.title,
        country=row.country,
        deadline_id=row.deadline_id,
        remedy=row.remedy,
        remedy_label=remedy.label if remedy else row.remedy,
        due=row.due,
        overdue=row.due < today,
        assignee=row.username,
    )
