"""A case's deadlines from its events: opened by decisions, met by remedies."""

from __future__ import annotations

from datetime import date

from havenwatch.legal.model import Jurisdiction
from havenwatch.legal.workflow import (
    CaseDeadline,
    DecisionEvent,
    RemedyEvent,
    case_deadlines,
    decision_code_for,
    due_soon,
)

REFUSAL = DecisionEvent("d1", "residence_denied", date(2025, 4, 3))


def by_remedy(items: tuple[CaseDeadline, ...], event_id: str, remedy: str) -> CaseDeadline:
    return next(i for i in items if i.decision_event_id == event_id and i.step.remedy == remedy)


def test_decision_event_opens_its_deadlines(rs: Jurisdiction) -> None:
    result = case_deadlines(rs, [REFUSAL], [], today=date(2025, 4, 5))
    appeal = by_remedy(result.deadlines, "d1", "appeal")
    assert appeal.status == "open"
    assert appeal.step.due == date(2025, 4, 22)
    assert appeal.deadline_id == "d1:appeal"


def test_recording_an_appeal_meets_it_and_awaits_the_next_stage(rs: Jurisdiction) -> None:
    result = case_deadlines(
        rs, [REFUSAL], [RemedyEvent("r1", "appeal", date(2025, 4, 10))], today=date(2025, 5, 1)
    )
    appeal = by_remedy(result.deadlines, "d1", "appeal")
    assert (appeal.status, appeal.met_by, appeal.met_on) == ("met", "r1", date(2025, 4, 10))
    (stage,) = result.next_stages
    assert stage.decision == "second_instance_decision"
    assert stage.expected_by == date(2025, 6, 9)
    assert not stage.arrived


def test_second_instance_decision_opens_the_administrative_dispute(rs: Jurisdiction) -> None:
    second = DecisionEvent(
        "d2", "court_decision", date(2025, 6, 1), decision_code="second_instance_decision"
    )
    result = case_deadlines(
        rs,
        [REFUSAL, second],
        [RemedyEvent("r1", "appeal", date(2025, 4, 10))],
        today=date(2025, 6, 2),
    )
    dispute = by_remedy(result.deadlines, "d2", "administrative_dispute")
    assert dispute.status == "open" and dispute.step.due == date(2025, 7, 1)
    assert result.next_stages[0].arrived


def test_unrecorded_appeal_is_superseded_by_the_decision_it_led_to(rs: Jurisdiction) -> None:
    second = DecisionEvent(
        "d2", "court_decision", date(2025, 6, 1), decision_code="second_instance_decision"
    )
    result = case_deadlines(rs, [REFUSAL, second], [], today=date(2025, 6, 2))
    assert by_remedy(result.deadlines, "d1", "appeal").status == "superseded"


def test_overdue_and_due_soon_come_first(rs: Jurisdiction) -> None:
    later = DecisionEvent("d3", "detention", date(2025, 5, 2))
    result = case_deadlines(rs, [REFUSAL, later], [], today=date(2025, 5, 5))
    soon = due_soon(result.deadlines, today=date(2025, 5, 5))
    assert [item.deadline_id for item in soon] == ["d1:appeal", "d3:administrative_dispute"]
    assert soon[0].status == "overdue"
    assert "8 days" in soon[0].step.if_missed


def test_departure_event_meets_the_departure_obligation(rs: Jurisdiction) -> None:
    order = DecisionEvent(
        "d1", "expulsion_order", date(2025, 4, 3), adopted_on=date(2025, 4, 1), departure_days=10
    )
    result = case_deadlines(
        rs, [order], [RemedyEvent("r1", "departure", date(2025, 4, 9))], today=date(2025, 4, 9)
    )
    assert by_remedy(result.deadlines, "d1", "departure").status == "met"
    assert by_remedy(result.deadlines, "d1", "appeal").status == "open"
    assert any(w.code == "departure_not_suspended" for w in result.warnings)


def test_named_remedy_event_matches_exactly(rs: Jurisdiction) -> None:
    judgment = DecisionEvent("d1", "court_decision", date(2025, 4, 3))
    review = RemedyEvent("r1", "appeal", date(2025, 4, 20), remedy="request_for_review")
    result = case_deadlines(rs, [judgment], [review], today=date(2025, 4, 21))
    assert by_remedy(result.deadlines, "d1", "request_for_review").status == "met"
    assert by_remedy(result.deadlines, "d1", "constitutional_appeal").status == "open"


def test_caseworker_refinement_wins_over_the_default(rs: Jurisdiction) -> None:
    assert decision_code_for(rs, REFUSAL) == ("temporary_residence_refused", None)
    refined = DecisionEvent(
        "d1", "residence_denied", date(2025, 4, 3), decision_code="permanent_residence_refused"
    )
    assert decision_code_for(rs, refined) == ("permanent_residence_refused", None)


def test_unknown_procedure_shows_the_shortest_deadline(rs: Jurisdiction) -> None:
    asylum = DecisionEvent("d1", "asylum_decision", date(2025, 4, 3))
    result = case_deadlines(rs, [asylum], [], today=date(2025, 4, 3))
    assert by_remedy(result.deadlines, "d1", "appeal").step.due == date(2025, 4, 8)
    assert any(w.code == "procedure_unknown" for w in result.warnings)


def test_unmapped_and_invalid_events_warn_instead_of_failing(rs: Jurisdiction) -> None:
    events = [
        DecisionEvent("d1", "security_designation", date(2025, 4, 3)),
        DecisionEvent("d2", "residence_denied", date(2025, 4, 3), service="pigeon"),
    ]
    result = case_deadlines(rs, events, [], today=date(2025, 4, 3))
    assert result.deadlines == ()
    assert [w.code for w in result.warnings] == ["unmapped", "input"]
