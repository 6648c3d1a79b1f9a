"""A case's deadlines are what `havenwatch deadlines` computes for the same facts.

The facts an event records (decision code or its type's default, served and adopted dates,
service mode, procedure, days given to leave) are drawn at random for every decision code of
every jurisdiction file, stored through the case service, and the case's steps compared with
the command's JSON, step by step: remedy, due date, suspensive effect, and its warnings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.deadlines import deadlines_of_case, rules_for
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person
from havenwatch.commands.legal import deadlines as deadlines_command
from havenwatch.core.dates import from_day
from havenwatch.core.model import Case, Event, Person
from havenwatch.core.vocabulary import vocabulary
from havenwatch.legal.engine import sets_departure_period
from havenwatch.legal.rules import available_jurisdictions
from havenwatch.legal.workflow import CaseDeadlines
from havenwatch.store.database import Database

# The modest, reproducible profile of tests/legal/test_legal_properties.py.
CASE_PROFILE = settings(
    deadline=None,
    max_examples=60,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
DECISION_TYPES = sorted(vocabulary().decision_event_types)


@dataclass(frozen=True)
class Facts:
    country: str
    event_type: str
    decision_code: str | None
    served: date
    adopted_days_before: int | None
    served_recorded: bool
    service: str | None
    procedure: str | None
    departure_days: int | None

    @property
    def adopted(self) -> date | None:
        if self.adopted_days_before is None or not self.served_recorded:
            return None
        return self.served - timedelta(days=self.adopted_days_before)


def _decision(country: str, facts: Facts) -> str:
    rules = rules_for(country)
    assert rules is not None
    if facts.decision_code:
        return facts.decision_code
    mapping = rules.event_types[facts.event_type]
    assert mapping.decision is not None
    return mapping.decision


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    country = draw(st.sampled_from(available_jurisdictions()))
    rules = rules_for(country)
    assert rules is not None
    defaults = sorted(code for code, m in rules.event_types.items() if m.decision)
    if draw(st.booleans()) and defaults:
        event_type, code = draw(st.sampled_from(defaults)), None
    else:
        event_type = draw(st.sampled_from(DECISION_TYPES))
        code = draw(st.sampled_from(sorted(rules.decisions)))
    decision = rules.decisions[code or rules.event_types[event_type].decision or ""]
    return Facts(
        country=country,
        event_type=event_type,
        decision_code=code,
        served=draw(st.dates(min_value=date(2023, 1, 1), max_value=date(2030, 12, 31))),
        adopted_days_before=draw(st.none() | st.integers(min_value=0, max_value=20)),
        served_recorded=draw(st.booleans()),
        service=draw(st.none() | st.sampled_from(sorted(rules.service))),
        procedure=draw(st.none() | st.sampled_from(sorted(decision.procedures)))
        if decision.procedures
        else None,
        departure_days=draw(st.none() | st.integers(min_value=0, max_value=45)),
    )


def _record(db: Database, found: Facts) -> str:
    person = add_person(db, Person(pseudonym="Heron"), "test", scope=Scope.everything())
    case = add_case(
        db, Case(person_id=person.id or "", country=found.country), "test", scope=Scope.everything()
    )
    adopted = found.adopted
    add_event(
        db,
        Event(
            case_id=case.id or "",
            type=found.event_type,
            date=from_day(adopted or found.served),
            served_on=found.served if found.served_recorded else None,
            decision_code=found.decision_code,
            service=found.service,
            procedure=found.procedure,
            deadline_days=found.departure_days,
        ),
        "test",
        scope=Scope.everything(),
    )
    return case.id or ""


def engine_json(found: Facts, procedure: str | None, with_departure: bool) -> dict[str, Any]:
    """What `havenwatch deadlines` prints for these facts (JSON)."""
    args = ["--jurisdiction", found.country, "--decision", _decision(found.country, found)]
    args += ["--served", found.served.isoformat(), "--format", "json"]
    # With a served-on date, the event's own date is the adoption: `_record` writes the
    # adoption day there, or the service day when none was drawn, so the engine gets the same.
    adopted = found.adopted or (found.served if found.served_recorded else None)
    if adopted is not None:
        args += ["--adopted", adopted.isoformat()]
    if found.departure_days is not None and with_departure:
        args += ["--departure-days", str(found.departure_days)]
    if found.service is not None:
        args += ["--service", found.service]
    if procedure is not None:
        args += ["--procedure", procedure]
    result = CliRunner().invoke(deadlines_command, args)
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.output)
    return parsed


def _earliest(plan: dict[str, Any]) -> str:
    return min((step["due"] for step in plan["steps"] if step["due"]), default="9999-12-31")


def expected_plan(found: Facts) -> tuple[dict[str, Any], set[str]]:
    """The command's plan for the facts, and the codes of the warnings the case adds to it.

    Where the command needs a procedure the event does not record, the case shows the
    procedure with the earliest deadline; where the decision sets no departure period, the
    case leaves the days out (the command refuses them): each with a warning saying so.
    """
    rules = rules_for(found.country)
    assert rules is not None
    rule = rules.decisions[_decision(found.country, found)]
    procedures: list[str | None] = [found.procedure]
    added = set()
    if found.procedure is None and rule.procedures and not rule.default_procedure:
        procedures = sorted(rule.procedures)
        added.add("procedure_unknown")
    plans = []
    for procedure in procedures:
        takes = sets_departure_period(rules, rule.code, procedure)
        if found.departure_days is not None and not takes:
            added.add("departure_ignored")
        plans.append(engine_json(found, procedure, with_departure=takes))
    return min(plans, key=_earliest), added


def _steps(plan: CaseDeadlines) -> list[tuple[str, str | None, bool | None]]:
    return [
        (
            item.step.remedy,
            item.step.due.isoformat() if item.step.due else None,
            item.step.suspensive,
        )
        for item in plan.deadlines
    ]


@CASE_PROFILE
@given(found=facts())
def test_the_case_deadlines_are_the_engine_s_for_the_same_facts(db: Database, found: Facts) -> None:
    case_id = _record(db, found)
    plan = deadlines_of_case(
        db, case_id, found.country, today=date(2023, 1, 1), scope=Scope.everything()
    )
    assert plan is not None
    expected, added = expected_plan(found)
    wanted = [(step["remedy"], step["due"], step["suspensive"]) for step in expected["steps"]]
    if "procedure_unknown" in added and expected["departure_days"] is not None:
        added.discard("departure_ignored")  # the procedure shown does take the days
    assert _steps(plan) == wanted
    assert plan.decisions[0].departure_days == expected["departure_days"]
    assert [group.decision for group in plan.decisions] == [expected["decision"]]
    codes = {warning.code for warning in plan.warnings}
    assert added <= codes
    messages = {warning.message for warning in plan.warnings}
    assert {warning["message"] for warning in expected["warnings"]} <= messages
