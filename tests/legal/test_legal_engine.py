"""Every Serbian decision code gives the right deadlines, citations, flags and warnings."""

from __future__ import annotations

from datetime import date

import pytest

from havenwatch.legal.calendar import format_day
from havenwatch.legal.engine import (
    DeadlineInputError,
    DeadlinePlan,
    DeadlineStep,
    compute_deadlines,
    plan_as_dict,
)
from havenwatch.legal.model import Jurisdiction

SERVED = date(2025, 4, 3)  # a Thursday; +15 days is Good Friday

ISSUE_DECISIONS = [
    "entry_refusal",
    "visa_refusal",
    "short_stay_cancelled",
    "temporary_residence_refused",
    "temporary_residence_terminated",
    "single_permit_refused",
    "single_permit_terminated",
    "permanent_residence_refused",
    "permanent_residence_terminated",
    "return_decision",
    "entry_ban",
    "stay_cancelled_after_court_measure",
    "shelter_detention",
    "mandatory_residence",
    "second_instance_decision",
    "administrative_court_judgment",
    "constitutional_court_decision",
    "asylum_decision",
]
ISSUE_REMEDIES = [
    "appeal",
    "administrative_dispute",
    "request_for_review",
    "constitutional_appeal",
    "ecthr_application",
    "rule39_request",
    "postponement_request",
    "restitutio",
    "lifting_request",
    "departure",
]


def step(plan: DeadlinePlan, remedy: str) -> DeadlineStep:
    return next(item for item in plan.steps if item.remedy == remedy)


def test_all_issue_codes_are_defined(rs: Jurisdiction) -> None:
    assert set(ISSUE_DECISIONS) <= set(rs.decisions)
    assert set(ISSUE_REMEDIES) <= set(rs.remedies)
    assert set(rs.decisions["asylum_decision"].procedures) == {
        "regular",
        "accelerated",
        "inadmissibility",
        "border",
    }


@pytest.mark.parametrize(
    ("decision", "procedure", "remedy", "due", "citation"),
    [
        ("entry_refusal", None, "appeal", date(2025, 4, 11), "ZoS 15(2),(6); 38(1)-(3)"),
        ("visa_refusal", None, "appeal", date(2025, 4, 11), "ZoS 38"),
        ("short_stay_cancelled", None, "appeal", date(2025, 4, 22), "ZoS 39(3)-(8)"),
        ("temporary_residence_refused", None, "appeal", date(2025, 4, 22), "ZoS 45(2)-(5), 41(7)"),
        ("temporary_residence_terminated", None, "appeal", date(2025, 4, 22), "ZoS 66(2),(5)-(9)"),
        ("single_permit_refused", None, "appeal", date(2025, 4, 22), "ZoS 46đ(2)-(6)"),
        ("single_permit_terminated", None, "appeal", date(2025, 4, 22), "ZoS 46ž(6)-(10)"),
        ("permanent_residence_refused", None, "appeal", date(2025, 4, 22), "ZoS 71(4)-(8)"),
        ("permanent_residence_terminated", None, "appeal", date(2025, 4, 22), "ZoS 72(4)-(11)"),
        ("return_decision", None, "appeal", date(2025, 4, 22), "ZoS 77, 80"),
        (
            "stay_cancelled_after_court_measure",
            None,
            "administrative_dispute",
            date(2025, 5, 5),
            "ZoS 81(2); ZUS 14(2), 18",
        ),
        ("shelter_detention", None, "administrative_dispute", date(2025, 4, 11), "ZoS 87-90"),
        ("mandatory_residence", None, "appeal", date(2025, 4, 11), "ZoS 93(7)-(10)"),
        (
            "second_instance_decision",
            None,
            "administrative_dispute",
            date(2025, 5, 5),
            "ZoS 38(4), 45(6), 66(9); ZUS 18, 23",
        ),
        (
            "second_instance_decision",
            "asylum",
            "administrative_dispute",
            date(2025, 5, 5),
            "Asylum Act art. 96; ZUS 18",
        ),
        (
            "administrative_court_judgment",
            None,
            "constitutional_appeal",
            date(2025, 5, 5),
            "ZUSud 82, 84, 86",
        ),
        (
            "administrative_court_judgment",
            None,
            "request_for_review",
            date(2025, 5, 5),
            "ZUS 49, 51",
        ),
        (
            "constitutional_court_decision",
            None,
            "ecthr_application",
            date(2025, 8, 3),
            "ECHR art. 35(1); Protocol No. 15 art. 4",
        ),
        ("asylum_decision", "regular", "appeal", date(2025, 4, 22), "Asylum Act art. 95"),
        ("asylum_decision", "accelerated", "appeal", date(2025, 4, 11), "Asylum Act art. 40, 95"),
        (
            "asylum_decision",
            "inadmissibility",
            "appeal",
            date(2025, 4, 11),
            "Asylum Act art. 42, 95",
        ),
        ("asylum_decision", "border", "appeal", date(2025, 4, 8), "Asylum Act art. 41, 95"),
    ],
)
def test_each_decision_gives_the_right_due_date_and_citation(
    rs: Jurisdiction,
    decision: str,
    procedure: str | None,
    remedy: str,
    due: date,
    citation: str,
) -> None:
    plan = compute_deadlines(rs, decision, served=SERVED, procedure=procedure)
    found = step(plan, remedy)
    assert found.due == due
    assert found.citation == citation
    assert found.due is not None and format_day(found.due) in found.explanation


def test_every_step_of_every_decision_carries_citation_and_source(rs: Jurisdiction) -> None:
    for code, rule in rs.decisions.items():
        procedures: list[str | None] = [*rule.procedures] or [None]
        for procedure in procedures:
            plan = compute_deadlines(rs, code, served=SERVED, procedure=procedure)
            assert plan.steps, code
            for item in plan.steps:
                assert item.citation and item.source and item.explanation, (code, item.remedy)
                if item.confidence == "U":
                    assert item.verify_with_counsel, (code, item.remedy)


def test_constitutional_appeal_is_flagged_verify_with_counsel(rs: Jurisdiction) -> None:
    plan = compute_deadlines(rs, "administrative_court_judgment", served=SERVED)
    appeal = step(plan, "constitutional_appeal")
    assert appeal.confidence == "U" and appeal.verify_with_counsel
    assert "restitutio" not in appeal.if_missed and "15 days" in appeal.if_missed
    assert any(w.code == "verify_with_counsel" for w in plan.warnings)


def test_ecthr_application_has_no_roll_over_and_is_flagged(rs: Jurisdiction) -> None:
    plan = compute_deadlines(rs, "constitutional_court_decision", served=SERVED)
    application = step(plan, "ecthr_application")
    assert application.due == date(2025, 8, 3)  # a Sunday, not moved
    assert "no roll-over" in application.explanation
    assert application.verify_with_counsel


def test_ecthr_rule_before_protocol_15_is_warned(rs: Jurisdiction) -> None:
    plan = compute_deadlines(rs, "constitutional_court_decision", served=date(2021, 12, 1))
    assert any(w.code == "rule_applicability" for w in plan.warnings)


def test_return_decision_departure_runs_from_adoption(rs: Jurisdiction) -> None:
    plan = compute_deadlines(
        rs, "return_decision", served=SERVED, adopted=date(2025, 4, 1), departure_days=15
    )
    departure = step(plan, "departure")
    assert departure.due == date(2025, 4, 16)
    assert "adoption" in departure.explanation
    codes = {w.code for w in plan.warnings}
    assert {"departure_not_suspended", "removal_imminent"} <= codes
    assert step(plan, "postponement_request").due is None


def test_return_decision_without_adoption_date_warns(rs: Jurisdiction) -> None:
    plan = compute_deadlines(rs, "return_decision", served=SERVED, departure_days=15)
    assert step(plan, "departure").due is None
    plan = compute_deadlines(rs, "return_decision", served=SERVED)
    assert any(w.code == "departure_missing" for w in plan.warnings)


def test_departure_outside_the_legal_range_is_warned(rs: Jurisdiction) -> None:
    plan = compute_deadlines(
        rs, "return_decision", served=SERVED, adopted=SERVED, departure_days=45
    )
    assert any(w.code == "departure_range" for w in plan.warnings)


def test_termination_appeal_loses_suspensive_effect_with_a_departure_deadline(
    rs: Jurisdiction,
) -> None:
    without = compute_deadlines(rs, "temporary_residence_terminated", served=SERVED)
    assert step(without, "appeal").suspensive is True
    assert not any(item.remedy == "postponement_request" for item in without.steps)
    with_departure = compute_deadlines(
        rs, "temporary_residence_terminated", served=SERVED, departure_days=30
    )
    assert step(with_departure, "appeal").suspensive is False
    assert step(with_departure, "departure").due == date(2025, 5, 3)
    assert any(w.code == "departure_not_suspended" for w in with_departure.warnings)


def test_suspensive_remedies_do_not_raise_the_rule39_warning(rs: Jurisdiction) -> None:
    plan = compute_deadlines(rs, "asylum_decision", served=SERVED, procedure="regular")
    assert not any(w.code == "removal_imminent" for w in plan.warnings)
    assert step(plan, "appeal").suspensive is True


def test_entry_ban_points_to_the_imposing_decision(rs: Jurisdiction) -> None:
    plan = compute_deadlines(rs, "entry_ban", served=SERVED)
    assert step(plan, "lifting_request").due is None
    assert any(w.code == "decision" and "return_decision" in w.message for w in plan.warnings)


@pytest.mark.parametrize(
    ("service", "deemed", "due"),
    [
        ("personal", date(2025, 4, 3), date(2025, 4, 22)),
        ("registered_post", date(2025, 4, 3), date(2025, 4, 22)),
        ("ordinary_post", date(2025, 4, 10), date(2025, 4, 25)),
        ("ordinary_post_abroad", date(2025, 4, 18), date(2025, 5, 5)),
        ("notice_left", date(2025, 4, 18), date(2025, 5, 5)),
    ],
)
def test_deemed_service(rs: Jurisdiction, service: str, deemed: date, due: date) -> None:
    plan = compute_deadlines(rs, "temporary_residence_refused", served=SERVED, service=service)
    assert plan.deemed_served == deemed
    assert step(plan, "appeal").due == due


def test_deemed_service_on_a_court_decision_is_flagged(rs: Jurisdiction) -> None:
    plan = compute_deadlines(
        rs, "administrative_court_judgment", served=SERVED, service="ordinary_post"
    )
    assert step(plan, "request_for_review").verify_with_counsel


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"decision": "deportation"}, "unknown decision 'deportation'"),
        ({"decision": "asylum_decision"}, "needs a procedure; valid: accelerated"),
        ({"decision": "asylum_decision", "procedure": "fast"}, "unknown procedure 'fast'"),
        ({"decision": "entry_refusal", "procedure": "border"}, "has no procedures"),
        ({"decision": "entry_refusal", "service": "pigeon"}, "unknown service method 'pigeon'"),
        ({"decision": "entry_refusal", "adopted": date(2025, 4, 4)}, "after the service date"),
        ({"decision": "entry_refusal", "departure_days": 10}, "sets no departure period"),
        ({"decision": "return_decision", "departure_days": -1}, "cannot be negative"),
    ],
)
def test_bad_input_is_rejected_with_the_valid_choices(
    rs: Jurisdiction, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(DeadlineInputError, match=message.replace("(", r"\(")):
        compute_deadlines(rs, served=SERVED, **kwargs)  # type: ignore[arg-type]


def test_nothing_serbian_in_a_fictional_jurisdiction(xx: Jurisdiction) -> None:
    plan = compute_deadlines(xx, "deportation_order", served=date(2026, 2, 1), departure_days=5)
    assert step(plan, "appeal").due == date(2026, 2, 10)
    assert step(plan, "departure").due == date(2026, 2, 6)  # a Friday, never rolled over
    warning = next(w for w in plan.warnings if w.code == "departure_not_suspended")
    assert "ZUS" not in warning.message
    assert plan_as_dict(plan)["jurisdiction"] == "XX"


def test_plan_as_dict_is_json_ready(rs: Jurisdiction) -> None:
    data = plan_as_dict(compute_deadlines(rs, "entry_refusal", served=SERVED))
    assert data["steps"][0]["due"] == "2025-04-11"
    assert data["steps"][0]["due_weekday"] == "Friday"
    assert set(data) >= {"jurisdiction", "decision", "served", "steps", "warnings"}
