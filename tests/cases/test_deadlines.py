from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner, Result
from icalendar import Calendar

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.deadlines import calendar_of, deadlines_due, deadlines_of_case
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person
from havenwatch.cli import cli
from havenwatch.core.dates import from_day
from havenwatch.core.model import Case, Event, Person
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database


def _case(db: Database, country: str = "RS") -> str:
    person = add_person(
        db, Person(pseudonym="Lark", nationality="RU"), "test", scope=Scope.everything()
    )
    case = add_case(
        db,
        Case(person_id=person.id or "", country=country, title="Lark v. MUP"),
        "test",
        scope=Scope.everything(),
    )
    return case.id or ""


def _expulsion(db: Database, case_id: str) -> None:
    add_event(
        db,
        Event(
            case_id=case_id,
            type="expulsion_order",
            date=from_day(date(2025, 4, 1)),
            served_on=date(2025, 4, 3),
            deadline_days=30,
        ),
        "test",
        scope=Scope.everything(),
    )


def test_a_served_decision_gives_the_appeal_deadline_with_easter_roll_over(db: Database) -> None:
    case_id = _case(db)
    _expulsion(db, case_id)
    plan = deadlines_of_case(db, case_id, "RS", today=date(2025, 4, 5), scope=Scope.everything())
    assert plan is not None
    appeal = next(d for d in plan.deadlines if d.step.remedy == "appeal")
    assert (appeal.step.due, appeal.status) == (date(2025, 4, 22), "open")
    assert "Good Friday" in appeal.step.explanation and appeal.step.citation


def test_recording_the_appeal_marks_the_deadline_met(db: Database) -> None:
    case_id = _case(db)
    _expulsion(db, case_id)
    add_event(
        db,
        Event(case_id=case_id, type="appeal", date=from_day(date(2025, 4, 15))),
        "test",
        scope=Scope.everything(),
    )
    plan = deadlines_of_case(db, case_id, "RS", today=date(2025, 4, 16), scope=Scope.everything())
    assert plan is not None
    appeal = next(d for d in plan.deadlines if d.step.remedy == "appeal")
    assert appeal.status == "met" and appeal.met_on == date(2025, 4, 15)


def test_team_list_puts_overdue_deadlines_first(db: Database) -> None:
    late, soon = _case(db), _case(db)
    _expulsion(db, late)
    add_event(
        db,
        Event(
            case_id=soon,
            type="expulsion_order",
            date=from_day(date(2025, 4, 20)),
            served_on=date(2025, 4, 22),
            deadline_days=30,
        ),
        "test",
        scope=Scope.everything(),
    )
    due = deadlines_due(db, today=date(2025, 4, 25), scope=Scope.everything())
    assert due[0].deadline.status == "overdue"
    assert due[0].case_id == late and soon in {d.case_id for d in due}


def test_countries_without_rules_have_no_deadlines(db: Database) -> None:
    case_id = _case(db, country="GE")
    _expulsion(db, case_id)
    assert (
        deadlines_of_case(db, case_id, "GE", today=date(2025, 4, 5), scope=Scope.everything())
        is None
    )


def test_the_calendar_feed_parses_back_with_the_due_dates(db: Database) -> None:
    case_id = _case(db)
    _expulsion(db, case_id)
    plan = deadlines_of_case(db, case_id, "RS", today=date(2025, 4, 5), scope=Scope.everything())
    assert plan is not None
    feed = Calendar.from_ical(calendar_of((("Lark", d) for d in plan.deadlines), "Lark"))
    events = feed.walk("VEVENT")
    assert date(2025, 4, 22) in {event.decoded("dtstart") for event in events}
    assert all("Lark" in str(event.get("summary")) for event in events)


def test_deadlines_are_written_in_the_language_asked_for(db: Database) -> None:
    case_id = _case(db)
    _expulsion(db, case_id)
    plan = deadlines_of_case(
        db, case_id, "RS", today=date(2025, 4, 5), locale="ru", scope=Scope.everything()
    )
    assert plan is not None
    appeal = next(d for d in plan.deadlines if d.step.remedy == "appeal")
    assert appeal.step.remedy_label == "Жалоба (žalba)"
    assert "Страстная пятница" in appeal.step.explanation
    assert appeal.step.due == date(2025, 4, 22)
    due = deadlines_due(
        db, today=date(2025, 4, 5), within_days=30, locale="sr_Latn", scope=Scope.everything()
    )
    assert "Žalba" in {d.deadline.step.remedy_label for d in due}
    feed = calendar_of((("Lark", d) for d in plan.deadlines), "Lark", locale="ru").decode()
    assert "Последний день: 2025-04-22" in feed.replace("\r\n ", "")


def _cli(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "--data-dir",
            str(settings.data_dir),
            "--database-url",
            settings.database_url,
            "--key-file",
            str(settings.key_file),
            *args,
        ],
    )


def _revocation_with_days_to_leave(db: Database, case_id: str) -> str:
    """The issue's example: a temporary residence terminated, served 3 March 2025, 30 days."""
    event = add_event(
        db,
        Event(
            case_id=case_id,
            type="residence_revoked",
            served_on=date(2025, 3, 3),
            deadline_days=30,
            decision_code="temporary_residence_terminated",
        ),
        "test",
        scope=Scope.everything(),
    )
    return event.id or ""


def test_case_deadlines_gives_a_revocation_its_departure_date_and_postponement_step(
    db: Database, instance_settings: Settings
) -> None:
    case_id = _case(db)
    event_id = _revocation_with_days_to_leave(db, case_id)
    result = _cli(instance_settings, "case", "deadlines", case_id, "--today", "2025-03-05")
    assert result.exit_code == 0, result.output
    found = json.loads(
        _cli(
            instance_settings,
            "case",
            "deadlines",
            case_id,
            "--today",
            "2025-03-05",
            "--format",
            "json",
        ).output
    )
    [decision] = found["decisions"]
    steps = {step["remedy"]: step for step in decision["deadlines"]}
    assert decision["event_id"] == event_id and decision["departure_days"] == 30
    assert steps["departure"]["due"] == "2025-04-02"
    assert (steps["appeal"]["due"], steps["appeal"]["suspensive"]) == ("2025-03-18", False)
    assert "postponement_request" in steps
    assert "2 April 2025" in result.output and "ZUS art. 23" in result.output


def test_a_revocation_and_the_order_to_leave_served_that_day_are_one_decision(
    db: Database,
) -> None:
    case_id = _case(db)
    revocation = _revocation_with_days_to_leave(db, case_id)
    order = add_event(
        db,
        Event(case_id=case_id, type="expulsion_order", served_on=date(2025, 3, 3)),
        "test",
        scope=Scope.everything(),
    )
    plan = deadlines_of_case(db, case_id, "RS", today=date(2025, 3, 5), scope=Scope.everything())
    assert plan is not None
    [decision] = plan.decisions
    assert decision.event_ids == (revocation, order.id)
    assert decision.decision == "temporary_residence_terminated"
    assert [d.step.remedy for d in plan.deadlines].count("appeal") == 1
    messages = [warning.message for warning in plan.warnings]
    assert len(messages) == len(set(messages))


def test_two_records_of_one_decision_with_different_days_to_leave_count_the_shorter(
    db: Database,
) -> None:
    case_id = _case(db)
    _revocation_with_days_to_leave(db, case_id)
    add_event(
        db,
        Event(
            case_id=case_id, type="expulsion_order", served_on=date(2025, 3, 3), deadline_days=15
        ),
        "test",
        scope=Scope.everything(),
    )
    plan = deadlines_of_case(db, case_id, "RS", today=date(2025, 3, 5), scope=Scope.everything())
    assert plan is not None
    [decision] = plan.decisions
    departure = next(d for d in decision.deadlines if d.step.remedy == "departure")
    assert (decision.departure_days, departure.step.due) == (15, date(2025, 3, 18))
    assert "departure_conflict" in {warning.code for warning in decision.warnings}


def test_an_order_to_leave_served_another_day_is_its_own_decision(db: Database) -> None:
    case_id = _case(db)
    _revocation_with_days_to_leave(db, case_id)
    add_event(
        db,
        Event(case_id=case_id, type="expulsion_order", served_on=date(2025, 3, 20)),
        "test",
        scope=Scope.everything(),
    )
    plan = deadlines_of_case(db, case_id, "RS", today=date(2025, 3, 21), scope=Scope.everything())
    assert plan is not None
    assert [group.decision for group in plan.decisions] == [
        "temporary_residence_terminated",
        "return_decision",
    ]
