"""A step can be done, not applicable or superseded (audited, with a sealed note), assigned,
counted overdue or due soon until resolved, and sorted on; team scope fails closed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from havenwatch.access.accounts import add_user
from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import (
    CaseFilter,
    add_case,
    close_case,
    page_of_cases,
    reopen_case,
)
from havenwatch.cases.events import add_event, delete_event
from havenwatch.cases.people import add_person
from havenwatch.cases.step_workflow import (
    StepCounts,
    assign_step,
    due_steps,
    refresh_all_steps,
    resolve_step,
    step_actions,
    step_counts,
)
from havenwatch.core.dates import from_day
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Case, Event, Person
from havenwatch.operations.audit_trail import list_entries
from havenwatch.store.database import Database
from havenwatch.store.schema import deadline_actions, deadline_steps

SERVED = date(2025, 3, 3)


def _case(db: Database, team: str = "team-a") -> str:
    person = add_person(db, Person(pseudonym="Lark", team=team), "test", scope=Scope.everything())
    case = add_case(
        db,
        Case(person_id=person.id or "", country="RS", team=team),
        "test",
        scope=Scope.everything(),
    )
    return case.id or ""


def _revocation(db: Database, case_id: str, served: date = SERVED) -> str:
    event = add_event(
        db,
        Event(
            case_id=case_id,
            type="residence_revoked",
            date=from_day(served),
            served_on=served,
            deadline_days=30,
        ),
        "test",
        scope=Scope.everything(),
    )
    return event.id or ""


def test_recording_a_decision_stores_its_steps_and_the_case_s_next_deadline(db: Database) -> None:
    case_id = _case(db)
    event_id = _revocation(db, case_id)
    with db.read() as conn:
        stored = {row.remedy: row.due for row in conn.execute(select(deadline_steps))}
    assert stored["appeal"] == date(2025, 3, 18) and stored["departure"] == date(2025, 4, 2)
    page = page_of_cases(
        db, CaseFilter(), offset=0, size=10, count_until=10, scope=Scope.everything()
    )
    assert page.cases[0].next_deadline == date(2025, 3, 18)
    delete_event(db, case_id, event_id, "test", scope=Scope.everything())
    with db.read() as conn:
        assert conn.execute(select(deadline_steps)).all() == []
    page = page_of_cases(
        db, CaseFilter(), offset=0, size=10, count_until=10, scope=Scope.everything()
    )
    assert page.cases[0].next_deadline is None


def test_overdue_steps_count_until_resolved_and_due_soon_apart(db: Database) -> None:
    case_id = _case(db)
    event_id = _revocation(db, case_id)
    today = date(2025, 3, 25)
    assert step_counts(db, Scope.everything(), today) == StepCounts(1, 1)
    resolve_step(
        db,
        case_id,
        f"{event_id}:appeal",
        "user:anna",
        resolution="done",
        note="lodged at the office in person",
        done_on=date(2025, 3, 17),
        event_id=event_id,
        scope=Scope.everything(),
    )
    counts = step_counts(db, Scope.everything(), today)
    assert (counts.overdue, counts.due_soon) == (0, 1)
    assert [step.remedy for step in due_steps(db, Scope.everything(), today)] == ["departure"]
    actions = step_actions(db, case_id, reader="user:anna", scope=Scope.everything())
    done = actions[f"{event_id}:appeal"]
    assert (done.resolution, done.resolved_on, done.resolved_event_id) == (
        "done",
        date(2025, 3, 17),
        event_id,
    )
    assert done.note == "lodged at the office in person" and done.resolved_by == "user:anna"
    with db.read() as conn:
        sealed = conn.execute(select(deadline_actions.c.note)).scalar_one()
    assert b"lodged" not in sealed
    entry = next(
        e
        for e in list_entries(db, actor="user:anna", scope=Scope.everything())
        if e.action == "deadline.resolve"
    )
    assert entry.detail["resolution"] == "done" and "lodged" not in str(entry.detail)
    assert "deadlines.read_notes" in {
        e.action for e in list_entries(db, actor="user:anna", scope=Scope.everything())
    }


def test_a_step_cannot_be_resolved_without_a_note_or_a_day(db: Database) -> None:
    case_id = _case(db)
    event_id = _revocation(db, case_id)
    with pytest.raises(ValidationError, match="note"):
        resolve_step(
            db,
            case_id,
            f"{event_id}:appeal",
            "t",
            resolution="not_applicable",
            note=" ",
            scope=Scope.everything(),
        )
    with pytest.raises(ValidationError, match="done_on"):
        resolve_step(
            db,
            case_id,
            f"{event_id}:appeal",
            "t",
            resolution="done",
            note="x",
            scope=Scope.everything(),
        )


def test_another_team_can_neither_resolve_nor_assign_nor_count_a_step(db: Database) -> None:
    case_id = _case(db)
    event_id = _revocation(db, case_id)
    step = f"{event_id}:appeal"
    other = add_user(db, "bea", "correct horse battery", "caseworker", "team-b", "test")
    team_b = [other.team_id]
    with pytest.raises(NotFoundError):
        resolve_step(
            db, case_id, step, "t", resolution="superseded", note="x", scope=Scope.teams(*team_b)
        )
    with pytest.raises(NotFoundError):
        assign_step(db, case_id, step, None, "t", scope=Scope.teams(*team_b))
    with pytest.raises(ValidationError, match="assignee"):
        assign_step(db, case_id, step, other.id, "t", scope=Scope.everything())
    assert step_counts(db, Scope.teams(*team_b), date(2025, 3, 10)).due_soon == 0


def test_a_step_is_assigned_to_a_lawyer_of_the_case_s_team(db: Database) -> None:
    case_id = _case(db)
    event_id = _revocation(db, case_id)
    lawyer = add_user(db, "anna", "correct horse battery", "caseworker", "team-a", "test")
    assign_step(
        db, case_id, f"{event_id}:departure", lawyer.id, "user:boss", scope=Scope.everything()
    )
    assert (
        step_actions(db, case_id, scope=Scope.everything())[f"{event_id}:departure"].assignee
        == "anna"
    )
    [soon] = [
        s for s in due_steps(db, Scope.everything(), date(2025, 3, 30)) if s.remedy == "departure"
    ]
    assert soon.assignee == "anna"
    assert "deadline.assign" in {
        e.action for e in list_entries(db, actor="user:boss", scope=Scope.everything())
    }


def test_the_case_list_sorts_by_the_next_deadline(db: Database) -> None:
    late, early, none = _case(db), _case(db), _case(db)
    _revocation(db, late, date(2025, 5, 5))
    _revocation(db, early, date(2025, 3, 3))
    page = page_of_cases(
        db,
        CaseFilter(),
        offset=0,
        size=10,
        count_until=10,
        order="next_deadline",
        scope=Scope.everything(),
    )
    assert [case.id for case in page.cases] == [early, late, none]


def test_a_closed_case_s_steps_leave_the_counts_and_come_back_when_reopened(
    db: Database,
) -> None:
    case_id = _case(db)
    _revocation(db, case_id)
    day = date(2025, 3, 25)
    close_case(db, case_id, "test", scope=Scope.everything())
    assert step_counts(db, Scope.everything(), day) == StepCounts(0, 0)
    reopen_case(db, case_id, "test", reason="new_decision", scope=Scope.everything())
    assert step_counts(db, Scope.everything(), day) == StepCounts(1, 1)


def test_refreshing_every_case_rebuilds_the_stored_steps(db: Database) -> None:
    case_id = _case(db)
    _revocation(db, case_id)
    with db.write("test") as unit:
        unit.conn.execute(deadline_steps.delete())
    assert refresh_all_steps(db, "test") == 1
    with db.read() as conn:
        assert len(conn.execute(select(deadline_steps)).all()) == 4
