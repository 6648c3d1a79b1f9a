"""From one decision and its dates to every deadline it opens, explained and cited.

The engine knows how to count and what to warn about; what the law says (which remedy,
which body, how long, suspensive or not, the citation) comes from the jurisdiction rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from havenwatch.legal.counting import UNCERTAIN_MARKER, CountResult, count_deadline
from havenwatch.legal.messages import Messages, messages_for
from havenwatch.legal.model import (
    WEEKDAYS,
    Confidence,
    DecisionRule,
    Jurisdiction,
    Period,
    RemedyKind,
    RunsFrom,
    ServiceMethod,
    StepRule,
)
from havenwatch.legal.service import deemed_service


class DeadlineInputError(ValueError):
    """The caller's input cannot be used: unknown code, impossible dates, and the like."""


@dataclass(frozen=True)
class PlanWarning:
    code: str
    message: str


@dataclass(frozen=True)
class DeadlineStep:
    """One remedy or obligation opened by a decision. ``due`` is the last day to act."""

    remedy: str
    remedy_label: str
    kind: RemedyKind
    body: str
    due: date | None
    plain_end: date | None
    safe_due: date | None
    runs_from: RunsFrom
    suspensive: bool | None
    suspensive_text: str
    citation: str
    source: str
    confidence: Confidence
    verify_with_counsel: bool
    uncertain: tuple[str, ...]
    explanation: str
    note: str
    if_missed: str
    leads_to: str | None
    leads_to_procedure: str | None
    decides_within_days: int | None


@dataclass(frozen=True)
class DeadlinePlan:
    jurisdiction: str
    jurisdiction_name: str
    decision: str
    decision_label: str
    procedure: str | None
    service: str
    served: date
    deemed_served: date
    service_explanation: str
    adopted: date | None
    departure_days: int | None
    steps: tuple[DeadlineStep, ...]
    warnings: tuple[PlanWarning, ...]


@dataclass(frozen=True)
class _Inputs:
    messages: Messages
    rules: Jurisdiction
    decision: DecisionRule
    service: ServiceMethod
    served: date
    adopted: date | None
    departure_days: int | None


def compute_deadlines(
    rules: Jurisdiction,
    decision: str,
    served: date,
    adopted: date | None = None,
    departure_days: int | None = None,
    service: str = "personal",
    procedure: str | None = None,
) -> DeadlinePlan:
    """Every deadline that ``decision`` opens.

    ``served`` is the date of the act of service (handover, return receipt, posting, or
    notice left, depending on ``service``); the deemed service date is derived from it.
    ``adopted`` is the date the decision was adopted, from which a return decision's
    departure period runs. ``departure_days`` is the departure period the decision set.
    Every text of the plan is in the language the rules were loaded in (``rules.locale``).
    """
    rule = decision_rule(rules, decision)
    chosen = procedure_code(rule, procedure)
    method = service_method(rules, service)
    _check_dates(served, adopted, departure_days)
    delivery = deemed_service(method, served, rules.locale)
    step_rules = _step_rules(rule, chosen, departure_days)
    _check_departure_accepted(rule, step_rules, departure_days)
    messages = messages_for(rules.locale)
    inputs = _Inputs(messages, rules, rule, method, delivery.served, adopted, departure_days)
    steps = tuple(_compute_step(inputs, step) for step in step_rules)
    return DeadlinePlan(
        jurisdiction=rules.code,
        jurisdiction_name=rules.name,
        decision=rule.code,
        decision_label=rule.label,
        procedure=chosen,
        service=method.code,
        served=served,
        deemed_served=delivery.served,
        service_explanation=delivery.explanation,
        adopted=adopted,
        departure_days=departure_days,
        steps=steps,
        warnings=_warnings(inputs, step_rules, steps),
    )


def decision_rule(rules: Jurisdiction, code: str) -> DecisionRule:
    if code not in rules.decisions:
        valid = ", ".join(sorted(rules.decisions))
        raise DeadlineInputError(f"unknown decision '{code}' for {rules.code}; valid: {valid}")
    return rules.decisions[code]


def procedure_code(rule: DecisionRule, procedure: str | None) -> str | None:
    """The procedure to use; None for decisions that have no procedures."""
    valid = ", ".join(sorted(rule.procedures))
    if not rule.procedures:
        if procedure is not None:
            raise DeadlineInputError(f"decision '{rule.code}' has no procedures; omit --procedure")
        return None
    chosen = procedure or rule.default_procedure
    if chosen is None:
        raise DeadlineInputError(f"decision '{rule.code}' needs a procedure; valid: {valid}")
    if chosen not in rule.procedures:
        raise DeadlineInputError(
            f"unknown procedure '{chosen}' for decision '{rule.code}'; valid: {valid}"
        )
    return chosen


def service_method(rules: Jurisdiction, code: str) -> ServiceMethod:
    if code not in rules.service:
        valid = ", ".join(sorted(rules.service))
        raise DeadlineInputError(f"unknown service method '{code}'; valid: {valid}")
    return rules.service[code]


def sets_departure_period(rules: Jurisdiction, decision: str, procedure: str | None) -> bool:
    """Whether the decision (in that procedure) can set a departure period of its own."""
    rule = decision_rule(rules, decision)
    chosen = procedure_code(rule, procedure)
    return any(step.length_from_decision for step in _step_rules(rule, chosen, 0))


def _check_dates(served: date, adopted: date | None, departure_days: int | None) -> None:
    if adopted is not None and adopted > served:
        raise DeadlineInputError(
            f"adoption date {adopted.isoformat()} is after the service date {served.isoformat()}"
        )
    if departure_days is not None and departure_days < 0:
        raise DeadlineInputError("the departure period cannot be negative")


def _step_rules(
    rule: DecisionRule, procedure: str | None, departure_days: int | None
) -> tuple[StepRule, ...]:
    own = rule.procedures[procedure].steps if procedure is not None else ()
    return tuple(
        step for step in (*own, *rule.steps) if step.when == "always" or departure_days is not None
    )


def _check_departure_accepted(
    rule: DecisionRule, steps: tuple[StepRule, ...], departure_days: int | None
) -> None:
    if departure_days is not None and not any(step.length_from_decision for step in steps):
        raise DeadlineInputError(f"decision '{rule.code}' sets no departure period")


def _compute_step(inputs: _Inputs, step: StepRule) -> DeadlineStep:
    remedy = inputs.rules.remedies[step.remedy]
    counted = _count(inputs, step)
    uncertain = step.uncertain + _service_doubt(inputs, step)
    if counted is not None:
        uncertain += counted.uncertain
    method = inputs.rules.counting.get(step.counting or "")
    if method is not None and method.confidence == "U" and _has_period(step):
        uncertain += (inputs.messages.text("step.counting_uncertain", method=method.label),)
    suspensive = _suspensive(step, inputs.departure_days)
    return DeadlineStep(
        remedy=step.remedy,
        remedy_label=remedy.label,
        kind=remedy.kind,
        body=step.body,
        due=counted.due if counted else None,
        plain_end=counted.plain_end if counted else None,
        safe_due=counted.safe_due if counted else None,
        runs_from=step.runs_from,
        suspensive=suspensive,
        suspensive_text=_suspensive_text(inputs.messages, step, suspensive),
        citation=step.citation,
        source=step.source,
        confidence=step.confidence,
        verify_with_counsel=step.confidence == "U" or bool(uncertain),
        uncertain=uncertain,
        explanation=_explanation(inputs, step, counted),
        note=step.note or remedy.description,
        if_missed=_if_missed_text(inputs.messages, inputs.rules, step),
        leads_to=step.leads_to,
        leads_to_procedure=step.leads_to_procedure,
        decides_within_days=step.decides_within_days,
    )


def _has_period(step: StepRule) -> bool:
    return step.period is not None or step.length_from_decision


def _count(inputs: _Inputs, step: StepRule) -> CountResult | None:
    period = _period(step, inputs.departure_days)
    trigger = inputs.served if step.runs_from == "service" else inputs.adopted
    if period is None or trigger is None or step.counting is None:
        return None
    method = inputs.rules.counting[step.counting]
    return count_deadline(trigger, period, method, inputs.rules.calendar, step.runs_from)


def _period(step: StepRule, departure_days: int | None) -> Period | None:
    if step.length_from_decision:
        return None if departure_days is None else Period(departure_days, "days")
    return step.period


def _explanation(inputs: _Inputs, step: StepRule, counted: CountResult | None) -> str:
    if counted is not None:
        return counted.explanation
    if step.length_from_decision and inputs.departure_days is None:
        return inputs.messages.text("step.period_in_decision")
    if _has_period(step) and step.runs_from == "adoption":
        return inputs.messages.text("step.adoption_unknown")
    return step.note or inputs.messages.text("step.no_fixed_deadline")


def _service_doubt(inputs: _Inputs, step: StepRule) -> tuple[str, ...]:
    """Deemed-service rules that may not fit this decision, when the step runs from service."""
    method = inputs.service
    if step.runs_from != "service" or not _has_period(step) or method.days_after == 0:
        return ()
    if not inputs.decision.deemed_service_applies:
        key = "step.deemed_service_may_not_apply"
    elif method.confidence == "U":
        key = "step.deemed_service_uncertain"
    else:
        return ()
    return (inputs.messages.text(key, citation=method.citation),)


def _suspensive(step: StepRule, departure_days: int | None) -> bool | None:
    if step.suspensive == "not_applicable":
        return None
    if step.suspensive == "yes_unless_departure_set":
        return departure_days is None
    return step.suspensive == "yes"


def _suspensive_text(messages: Messages, step: StepRule, suspensive: bool | None) -> str:
    if suspensive is None:
        key = "not_applicable"
    elif step.suspensive == "yes_unless_departure_set":
        key = "yes_no_departure_set" if suspensive else "no_departure_set"
    else:
        key = "yes" if suspensive else "no"
    head = messages.text(f"suspensive.{key}")
    if not step.suspensive_note:
        return head
    return messages.text("suspensive.with_note", head=head, note=step.suspensive_note)


def _if_missed_text(messages: Messages, rules: Jurisdiction, step: StepRule) -> str:
    if step.if_missed is None:
        return ""
    missed = rules.missed[step.if_missed]
    label = (
        rules.remedies[missed.remedy].label if missed.remedy in rules.remedies else missed.remedy
    )
    text = messages.text(
        "missed.remedy",
        remedy=label,
        body=missed.body,
        period=_period_text(messages, missed.period),
        runs_from=missed.runs_from,
    )
    if missed.cap is not None:
        text = messages.text("missed.cap", text=text, cap=_period_text(messages, missed.cap))
    text = messages.text("missed.cited", text=text, citation=missed.citation)
    if missed.confidence == "U":
        text += UNCERTAIN_MARKER
    return messages.text("missed.with_note", text=text, note=missed.note) if missed.note else text


def _period_text(messages: Messages, period: Period) -> str:
    return messages.period(period.length, period.unit)


def _warnings(
    inputs: _Inputs, step_rules: tuple[StepRule, ...], steps: tuple[DeadlineStep, ...]
) -> tuple[PlanWarning, ...]:
    found: list[PlanWarning] = []
    if inputs.decision.warning:
        found.append(PlanWarning("decision", inputs.decision.warning))
    found += _departure_warnings(inputs, step_rules, steps)
    found += _removal_warnings(inputs, steps)
    found += _applicability_warnings(inputs, step_rules)
    doubtful = [step.remedy_label for step in steps if step.verify_with_counsel]
    if doubtful:
        remedies = inputs.messages.join(doubtful)
        message = inputs.messages.text("warning.verify_with_counsel", remedies=remedies)
        found.append(PlanWarning("verify_with_counsel", message))
    return tuple(found)


def _departure_warnings(
    inputs: _Inputs, step_rules: tuple[StepRule, ...], steps: tuple[DeadlineStep, ...]
) -> list[PlanWarning]:
    found = []
    for rule, step in zip(step_rules, steps, strict=True):
        if not rule.length_from_decision:
            continue
        if step.due is None and rule.required:
            message = inputs.messages.text(
                "warning.departure_missing", remedy=step.remedy_label, explanation=step.explanation
            )
            found.append(PlanWarning("departure_missing", message))
        days = inputs.departure_days
        if days is not None and not _within(days, rule.min_days, rule.max_days):
            found.append(PlanWarning("departure_range", _range_text(inputs.messages, days, rule)))
    departure = next((s.due for s in steps if s.kind == "obligation" and s.due), None)
    if departure is not None:
        unsuspended = [
            s.remedy_label for s in steps if s.kind == "filing" and s.suspensive is False
        ]
        if unsuspended:
            found.append(_postponement_warning(inputs, departure, unsuspended))
    return found


def _within(days: int, low: int | None, high: int | None) -> bool:
    return (low is None or days >= low) and (high is None or days <= high)


def _range_text(messages: Messages, days: int, rule: StepRule) -> str:
    if rule.max_days:
        bounds = messages.text("warning.range_between", low=rule.min_days or 0, high=rule.max_days)
    else:
        bounds = messages.text("warning.range_at_least", low=rule.min_days)
    return messages.text(
        "warning.departure_range",
        period=messages.period(days, "days"),
        bounds=bounds,
        citation=rule.citation,
    )


def _ask(messages: Messages, rules: Jurisdiction, remedy_code: str, fallback_key: str) -> str:
    """The remedy to file now, named and cited when the rules define it."""
    remedy = rules.remedies.get(remedy_code)
    if remedy is None:
        return messages.text(fallback_key)
    return messages.text("warning.ask_remedy", remedy=remedy.label, citation=remedy.citation)


def _postponement_warning(
    inputs: _Inputs, departure_due: date, unsuspended: list[str]
) -> PlanWarning:
    messages = inputs.messages
    ask = _ask(messages, inputs.rules, "postponement_request", "warning.ask_postponement")
    message = messages.text(
        "warning.departure_not_suspended",
        date=messages.day(departure_due),
        remedies=messages.join(unsuspended),
        ask=ask,
    )
    return PlanWarning("departure_not_suspended", message)


def _removal_warnings(inputs: _Inputs, steps: tuple[DeadlineStep, ...]) -> list[PlanWarning]:
    if not inputs.decision.removal_risk:
        return []
    if any(step.kind == "filing" and step.suspensive for step in steps):
        return []
    messages = inputs.messages
    ask = _ask(messages, inputs.rules, "rule39_request", "warning.ask_interim_measure")
    return [PlanWarning("removal_imminent", messages.text("warning.removal_imminent", ask=ask))]


def _applicability_warnings(inputs: _Inputs, step_rules: tuple[StepRule, ...]) -> list[PlanWarning]:
    decided = inputs.adopted or inputs.served
    messages = inputs.messages
    return [
        PlanWarning(
            "rule_applicability",
            messages.text(
                "warning.rule_applicability",
                remedy=inputs.rules.remedies[rule.remedy].label,
                date=messages.day(rule.applies_from),
                citation=rule.citation,
            ),
        )
        for rule in step_rules
        if rule.applies_from is not None and decided < rule.applies_from
    ]


def plan_as_dict(plan: DeadlinePlan) -> dict[str, Any]:
    """A JSON-ready view of a plan (dates as ISO strings)."""
    return {
        "jurisdiction": plan.jurisdiction,
        "decision": plan.decision,
        "decision_label": plan.decision_label,
        "procedure": plan.procedure,
        "service": plan.service,
        "served": plan.served.isoformat(),
        "deemed_served": plan.deemed_served.isoformat(),
        "service_explanation": plan.service_explanation,
        "adopted": plan.adopted.isoformat() if plan.adopted else None,
        "departure_days": plan.departure_days,
        "steps": [step_as_dict(step) for step in plan.steps],
        "warnings": [{"code": w.code, "message": w.message} for w in plan.warnings],
    }


def step_as_dict(step: DeadlineStep) -> dict[str, Any]:
    return {
        "remedy": step.remedy,
        "remedy_label": step.remedy_label,
        "kind": step.kind,
        "body": step.body,
        "due": _iso(step.due),
        "due_weekday": WEEKDAYS[step.due.weekday()].capitalize() if step.due else None,
        "plain_end": _iso(step.plain_end),
        "safe_due": _iso(step.safe_due),
        "runs_from": step.runs_from,
        "suspensive": step.suspensive,
        "suspensive_text": step.suspensive_text,
        "citation": step.citation,
        "source": step.source,
        "confidence": step.confidence,
        "verify_with_counsel": step.verify_with_counsel,
        "uncertain": list(step.uncertain),
        "explanation": step.explanation,
        "note": step.note,
        "if_missed": step.if_missed,
        "leads_to": step.leads_to,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
