"""From one decision and its dates to every deadline it opens, explained and cited.

The engine knows how to count and what to warn about; what the law says (which remedy,
which body, how long, suspensive or not, the citation) comes from the jurisdiction rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from havenwatch.legal.calendar import format_day
from havenwatch.legal.counting import UNIT_SINGULAR, CountResult, count_deadline
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
    """
    rule = decision_rule(rules, decision)
    chosen = procedure_code(rule, procedure)
    method = service_method(rules, service)
    _check_dates(served, adopted, departure_days)
    delivery = deemed_service(method, served)
    step_rules = _step_rules(rule, chosen, departure_days)
    _check_departure_accepted(rule, step_rules, departure_days)
    inputs = _Inputs(rules, rule, method, delivery.served, adopted, departure_days)
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
        uncertain += (f"counting method '{method.label}' is uncertain [U]",)
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
        suspensive_text=_suspensive_text(step, suspensive),
        citation=step.citation,
        source=step.source,
        confidence=step.confidence,
        verify_with_counsel=step.confidence == "U" or bool(uncertain),
        uncertain=uncertain,
        explanation=_explanation(inputs, step, counted),
        note=step.note or remedy.description,
        if_missed=_if_missed_text(inputs.rules, step),
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
    label = "service" if step.runs_from == "service" else "adoption of the decision"
    return count_deadline(trigger, period, method, inputs.rules.calendar, label)


def _period(step: StepRule, departure_days: int | None) -> Period | None:
    if step.length_from_decision:
        return None if departure_days is None else Period(departure_days, "days")
    return step.period


def _explanation(inputs: _Inputs, step: StepRule, counted: CountResult | None) -> str:
    if counted is not None:
        return counted.explanation
    if step.length_from_decision and inputs.departure_days is None:
        return (
            "the period is set in the decision itself and was not given: read it off the decision"
        )
    if _has_period(step) and step.runs_from == "adoption":
        return "runs from the adoption of the decision, whose date was not given"
    return step.note or "no fixed deadline"


def _service_doubt(inputs: _Inputs, step: StepRule) -> tuple[str, ...]:
    """Deemed-service rules that may not fit this decision, when the step runs from service."""
    method = inputs.service
    if step.runs_from != "service" or not _has_period(step) or method.days_after == 0:
        return ()
    if not inputs.decision.deemed_service_applies:
        return (f"the deemed-service rule ({method.citation}) may not apply to this decision [U]",)
    if method.confidence == "U":
        return (f"the deemed-service rule ({method.citation}) is uncertain [U]",)
    return ()


def _suspensive(step: StepRule, departure_days: int | None) -> bool | None:
    if step.suspensive == "not_applicable":
        return None
    if step.suspensive == "yes_unless_departure_set":
        return departure_days is None
    return step.suspensive == "yes"


def _suspensive_text(step: StepRule, suspensive: bool | None) -> str:
    if suspensive is None:
        head = "not applicable"
    elif step.suspensive == "yes_unless_departure_set":
        head = (
            "yes (no departure deadline set)" if suspensive else "no: a departure deadline was set"
        )
    else:
        head = "yes" if suspensive else "no"
    return f"{head}; {step.suspensive_note}" if step.suspensive_note else head


def _if_missed_text(rules: Jurisdiction, step: StepRule) -> str:
    if step.if_missed is None:
        return ""
    missed = rules.missed[step.if_missed]
    label = (
        rules.remedies[missed.remedy].label if missed.remedy in rules.remedies else missed.remedy
    )
    text = f"{label} to {missed.body} within {_period_text(missed.period)} from {missed.runs_from}"
    if missed.cap is not None:
        text += f", at the latest {_period_text(missed.cap)} after the missed deadline"
    marker = " [U]" if missed.confidence == "U" else ""
    note = f". {missed.note}" if missed.note else ""
    return f"{text} ({missed.citation}){marker}{note}"


def _period_text(period: Period) -> str:
    unit = UNIT_SINGULAR[period.unit] if period.length == 1 else period.unit
    return f"{period.length} {unit}"


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
        found.append(
            PlanWarning(
                "verify_with_counsel",
                "verify with counsel before relying on: "
                + ", ".join(doubtful)
                + " (uncertain law, marked [U])",
            )
        )
    return tuple(found)


def _departure_warnings(
    inputs: _Inputs, step_rules: tuple[StepRule, ...], steps: tuple[DeadlineStep, ...]
) -> list[PlanWarning]:
    found = []
    for rule, step in zip(step_rules, steps, strict=True):
        if not rule.length_from_decision:
            continue
        if step.due is None and rule.required:
            found.append(
                PlanWarning("departure_missing", f"{step.remedy_label}: {step.explanation}")
            )
        days = inputs.departure_days
        if days is not None and not _within(days, rule.min_days, rule.max_days):
            found.append(PlanWarning("departure_range", _range_text(days, rule)))
    departure = next((s.due for s in steps if s.kind == "obligation" and s.due), None)
    if departure is not None:
        unsuspended = [
            s.remedy_label for s in steps if s.kind == "filing" and s.suspensive is False
        ]
        if unsuspended:
            found.append(_postponement_warning(inputs.rules, departure, unsuspended))
    return found


def _within(days: int, low: int | None, high: int | None) -> bool:
    return (low is None or days >= low) and (high is None or days <= high)


def _range_text(days: int, rule: StepRule) -> str:
    bounds = (
        f"{rule.min_days or 0}-{rule.max_days}" if rule.max_days else f"at least {rule.min_days}"
    )
    return (
        f"a departure period of {days} days is outside the usual {bounds} days ({rule.citation}): "
        "check the decision and whether the exception it relies on applies"
    )


def _postponement_warning(
    rules: Jurisdiction, departure_due: date, unsuspended: list[str]
) -> PlanWarning:
    remedy = rules.remedies.get("postponement_request")
    ask = f"{remedy.label} ({remedy.citation})" if remedy else "a request to postpone removal"
    return PlanWarning(
        "departure_not_suspended",
        f"the departure deadline ({format_day(departure_due)}) runs while "
        f"{', '.join(unsuspended)} does not suspend it; file now: {ask}",
    )


def _removal_warnings(inputs: _Inputs, steps: tuple[DeadlineStep, ...]) -> list[PlanWarning]:
    if not inputs.decision.removal_risk:
        return []
    if any(step.kind == "filing" and step.suspensive for step in steps):
        return []
    remedy = inputs.rules.remedies.get("rule39_request")
    ask = f"{remedy.label} ({remedy.citation})" if remedy else "an interim measure"
    return [
        PlanWarning(
            "removal_imminent",
            "removal can be enforced while these remedies run: if removal to the persecuting "
            f"state is imminent, file at once: {ask}",
        )
    ]


def _applicability_warnings(inputs: _Inputs, step_rules: tuple[StepRule, ...]) -> list[PlanWarning]:
    decided = inputs.adopted or inputs.served
    return [
        PlanWarning(
            "rule_applicability",
            f"{inputs.rules.remedies[rule.remedy].label}: this rule applies to decisions dated on "
            f"or after {format_day(rule.applies_from)}; this one is earlier ({rule.citation})",
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
