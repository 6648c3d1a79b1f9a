"""A case's deadlines from its recorded events: which are open, met, overdue or superseded.

Decision events open deadlines (through the engine); remedy events close them. Recording
an appeal marks the matching step met and starts waiting for the decision it leads to;
once that decision is recorded, its own deadlines open in turn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from havenwatch.legal.engine import (
    DeadlineInputError,
    DeadlinePlan,
    DeadlineStep,
    compute_deadlines,
    sets_departure_period,
)
from havenwatch.legal.messages import messages_for
from havenwatch.legal.model import EventMapping, Jurisdiction

DeadlineStatus = Literal["open", "overdue", "met", "superseded", "no_deadline"]
ANY_FILING_EVENT = "appeal"
DEFAULT_SERVICE = "personal"
DEPARTURE_EVENT = "departure"


@dataclass(frozen=True)
class DecisionEvent:
    """A decision recorded on a case.

    ``event_type`` comes from the extraction vocabulary; ``decision_code`` is the
    caseworker's refinement and wins over the jurisdiction's default for the type.
    Without ``served_on`` the event ``date`` is taken as the date of service.
    """

    event_id: str
    event_type: str
    date: dt.date
    decision_code: str | None = None
    served_on: dt.date | None = None
    adopted_on: dt.date | None = None
    procedure: str | None = None
    departure_days: int | None = None
    service: str = DEFAULT_SERVICE

    @property
    def service_date(self) -> dt.date:
        return self.served_on or self.date


@dataclass(frozen=True)
class RemedyEvent:
    """A remedy lodged (or a departure made) on ``date``.

    ``event_type`` ``appeal`` (the vocabulary's "appeal or lawsuit lodged") matches any
    filing remedy; a remedy code such as ``constitutional_appeal``, or ``remedy``, names it.
    """

    event_id: str
    event_type: str
    date: dt.date
    remedy: str | None = None


@dataclass(frozen=True)
class CaseDeadline:
    deadline_id: str
    decision_event_id: str
    decision: str
    served: dt.date
    step: DeadlineStep
    status: DeadlineStatus
    met_by: str | None = None
    met_on: dt.date | None = None


@dataclass(frozen=True)
class NextStage:
    """A decision the case is waiting for after a remedy was lodged."""

    after_deadline_id: str
    decision: str
    procedure: str | None
    expected_by: dt.date | None
    arrived: bool


@dataclass(frozen=True)
class CaseWarning:
    decision_event_id: str
    code: str
    message: str


@dataclass(frozen=True)
class DecisionGroup:
    """One decision and the steps it opens.

    Several events may record one decision (the same decision entered twice, or a residence
    revocation and the order to leave it contains, served the same day): they give one set of
    steps, computed from ``event_id``'s facts completed by the others'.
    """

    event_id: str
    event_ids: tuple[str, ...]
    event_type: str
    decision: str | None
    decision_label: str | None
    procedure: str | None
    served: dt.date
    deemed_served: dt.date | None
    departure_days: int | None
    deadlines: tuple[CaseDeadline, ...]
    warnings: tuple[CaseWarning, ...]


@dataclass(frozen=True)
class CaseDeadlines:
    deadlines: tuple[CaseDeadline, ...]
    next_stages: tuple[NextStage, ...]
    warnings: tuple[CaseWarning, ...]
    decisions: tuple[DecisionGroup, ...] = ()


def default_decision(rules: Jurisdiction, event_type: str) -> EventMapping | None:
    """The jurisdiction's default decision code for a vocabulary event type."""
    return rules.event_types.get(event_type)


def decision_code_for(rules: Jurisdiction, event: DecisionEvent) -> tuple[str | None, str | None]:
    """The decision code and procedure to use for an event: the caseworker's, else the default."""
    if event.decision_code:
        return event.decision_code, event.procedure
    mapping = default_decision(rules, event.event_type)
    if mapping is None:
        return None, event.procedure
    return mapping.decision, event.procedure or mapping.procedure


def case_deadlines(
    rules: Jurisdiction,
    decisions: Sequence[DecisionEvent],
    remedies: Sequence[RemedyEvent],
    today: dt.date,
) -> CaseDeadlines:
    """Every deadline of a case, in the language the rules were loaded in (``rules.locale``).

    Deadlines come grouped under the decision they stem from (`DecisionGroup`); the flat
    ``deadlines`` and ``warnings`` hold the same, each warning once.
    """
    grouped = one_event_per_decision(rules, decisions)
    planned = [_planned(rules, members, today) for members in grouped]
    deadlines = [item for _, _, steps, _ in planned for item in steps]
    deadlines = _supersede(_apply_remedies(deadlines, remedies))
    by_id = {item.deadline_id: item for item in deadlines}
    groups, shown = [], set()
    for (event, plan, steps, warnings), members in zip(planned, grouped, strict=True):
        fresh = [w for w in _once(warnings) if w.message not in shown]
        shown |= {w.message for w in fresh}
        kept = tuple(by_id[d.deadline_id] for d in steps)
        groups.append(_group(event, members, plan, kept, fresh))
    return CaseDeadlines(
        tuple(deadlines),
        tuple(_next_stages(deadlines)),
        tuple(w for group in groups for w in group.warnings),
        tuple(groups),
    )


def one_event_per_decision(
    rules: Jurisdiction, decisions: Sequence[DecisionEvent]
) -> list[list[DecisionEvent]]:
    """The decision events grouped by the decision they record, in order of service.

    Events served the same day with the same decision code record one decision; an event
    whose type joins a same-day decision (an order to leave without a code of its own) joins
    a decision served that day that sets a departure period itself.
    """
    ordered = sorted(decisions, key=lambda event: (event.service_date, event.event_id))
    groups: dict[tuple[dt.date, str], list[DecisionEvent]] = {}
    joiners = []
    for event in ordered:
        if _joins(rules, event):
            joiners.append(event)
            continue
        code, _ = decision_code_for(rules, event)
        groups.setdefault((event.service_date, code or f"#{event.event_id}"), []).append(event)
    for event in joiners:
        host = next(
            (
                members
                for (day, _), members in groups.items()
                if day == event.service_date and _sets_departure(rules, members[0])
            ),
            None,
        )
        if host is not None:
            host.append(event)
        else:
            code, _ = decision_code_for(rules, event)
            groups.setdefault((event.service_date, code or f"#{event.event_id}"), []).append(event)
    return sorted(groups.values(), key=lambda group: (group[0].service_date, group[0].event_id))


def _joins(rules: Jurisdiction, event: DecisionEvent) -> bool:
    mapping = default_decision(rules, event.event_type)
    return (
        mapping is not None
        and mapping.joins_same_day_decision
        and event.decision_code in (None, mapping.decision)
    )


def _sets_departure(rules: Jurisdiction, event: DecisionEvent) -> bool:
    code, procedure = decision_code_for(rules, event)
    if code is None or code not in rules.decisions:
        return False
    try:
        return sets_departure_period(rules, code, procedure)
    except DeadlineInputError:
        return any(sets_departure_period(rules, code, p) for p in rules.decisions[code].procedures)


def merged_event(
    rules: Jurisdiction, members: Sequence[DecisionEvent]
) -> tuple[DecisionEvent, list[CaseWarning]]:
    """The facts of one decision recorded by several events: the first event's, completed.

    A departure period, service mode or procedure missing from the first is taken from the
    others; two different departure periods give the shorter, with a warning.
    """
    first = members[0]
    periods = sorted({m.departure_days for m in members if m.departure_days is not None})
    event = replace(
        first,
        departure_days=periods[0] if periods else None,
        procedure=first.procedure or next((m.procedure for m in members if m.procedure), None),
        service=first.service
        if first.service != DEFAULT_SERVICE
        else next((m.service for m in members if m.service != DEFAULT_SERVICE), DEFAULT_SERVICE),
    )
    warnings = []
    if len(periods) > 1:
        messages = messages_for(rules.locale)
        text = messages.text(
            "case.departure_conflict",
            periods=messages.join([messages.period(days, "days") for days in periods]),
            shortest=messages.period(periods[0], "days"),
        )
        warnings.append(CaseWarning(first.event_id, "departure_conflict", text))
    return event, warnings


def _planned(
    rules: Jurisdiction, members: Sequence[DecisionEvent], today: dt.date
) -> tuple[DecisionEvent, DeadlinePlan | None, list[CaseDeadline], list[CaseWarning]]:
    event, warnings = merged_event(rules, members)
    plan, plan_warnings = _plan_for(rules, event)
    steps = [_deadline(event, plan, step, today) for step in plan.steps] if plan else []
    return event, plan, steps, warnings + plan_warnings


def _group(
    event: DecisionEvent,
    members: Sequence[DecisionEvent],
    plan: DeadlinePlan | None,
    deadlines: tuple[CaseDeadline, ...],
    warnings: list[CaseWarning],
) -> DecisionGroup:
    return DecisionGroup(
        event_id=event.event_id,
        event_ids=tuple(m.event_id for m in members),
        event_type=event.event_type,
        decision=plan.decision if plan else None,
        decision_label=plan.decision_label if plan else None,
        procedure=plan.procedure if plan else None,
        served=event.service_date,
        deemed_served=plan.deemed_served if plan else None,
        departure_days=plan.departure_days if plan else event.departure_days,
        deadlines=deadlines,
        warnings=tuple(warnings),
    )


def _once(warnings: Sequence[CaseWarning]) -> tuple[CaseWarning, ...]:
    """Each warning message once, in order of first appearance."""
    seen: set[str] = set()
    kept = []
    for warning in warnings:
        if warning.message not in seen:
            seen.add(warning.message)
            kept.append(warning)
    return tuple(kept)


def due_soon(
    deadlines: Iterable[CaseDeadline], today: dt.date, within_days: int = 14
) -> list[CaseDeadline]:
    """Open deadlines due within ``within_days`` and overdue ones, overdue first."""
    horizon = today + dt.timedelta(days=within_days)
    pending = [
        item
        for item in deadlines
        if item.status in ("open", "overdue") and item.step.due is not None
    ]
    soon = [item for item in pending if item.status == "overdue" or _due(item) <= horizon]
    return sorted(soon, key=lambda item: (item.status != "overdue", _due(item)))


def _due(item: CaseDeadline) -> dt.date:
    return item.step.due or dt.date.max


def _plan_for(
    rules: Jurisdiction, event: DecisionEvent
) -> tuple[DeadlinePlan | None, list[CaseWarning]]:
    messages = messages_for(rules.locale)
    code, procedure = decision_code_for(rules, event)
    if code is None:
        message = messages.text("case.unmapped", event_type=event.event_type)
        return None, [CaseWarning(event.event_id, "unmapped", message)]
    try:
        plan, ignored = _compute(rules, event, code, procedure)
    except DeadlineInputError as error:
        return None, [CaseWarning(event.event_id, "input", str(error))]
    warnings = [CaseWarning(event.event_id, w.code, w.message) for w in plan.warnings]
    if ignored:
        message = messages.text(
            "case.departure_ignored",
            period=messages.period(event.departure_days or 0, "days"),
            decision=plan.decision_label,
        )
        warnings.append(CaseWarning(event.event_id, "departure_ignored", message))
    if (
        procedure is None
        and plan.procedure is not None
        and not rules.decisions[code].default_procedure
    ):
        message = messages.text("case.procedure_unknown", procedure=plan.procedure)
        warnings.append(CaseWarning(event.event_id, "procedure_unknown", message))
    return plan, warnings


def _compute(
    rules: Jurisdiction, event: DecisionEvent, code: str, procedure: str | None
) -> tuple[DeadlinePlan, bool]:
    """The plan, and whether a recorded departure period was left out (the decision sets none).

    With the procedure unknown and no default, every procedure is tried and the plan with the
    earliest deadline is kept.
    """
    rule = rules.decisions.get(code)
    candidates: Sequence[str | None] = [procedure]
    if rule is not None and procedure is None and rule.procedures and not rule.default_procedure:
        candidates = sorted(rule.procedures)
    plans = [_compute_one(rules, event, code, candidate) for candidate in candidates]
    return min(plans, key=lambda pair: _earliest_due(pair[0]))


def _compute_one(
    rules: Jurisdiction, event: DecisionEvent, code: str, procedure: str | None
) -> tuple[DeadlinePlan, bool]:
    days = event.departure_days
    ignored = days is not None and not sets_departure_period(rules, code, procedure)
    plan = compute_deadlines(
        rules,
        code,
        served=event.service_date,
        adopted=event.adopted_on,
        departure_days=None if ignored else days,
        service=event.service,
        procedure=procedure,
    )
    return plan, ignored


def _earliest_due(plan: DeadlinePlan) -> dt.date:
    return min((step.due for step in plan.steps if step.due is not None), default=dt.date.max)


def _deadline(
    event: DecisionEvent, plan: DeadlinePlan, step: DeadlineStep, today: dt.date
) -> CaseDeadline:
    if step.due is None:
        status: DeadlineStatus = "no_deadline"
    else:
        status = "overdue" if step.due < today else "open"
    return CaseDeadline(
        deadline_id=f"{event.event_id}:{step.remedy}",
        decision_event_id=event.event_id,
        decision=plan.decision,
        served=plan.deemed_served,
        step=step,
        status=status,
    )


def _apply_remedies(
    deadlines: list[CaseDeadline], remedies: Sequence[RemedyEvent]
) -> list[CaseDeadline]:
    result = list(deadlines)
    for event in sorted(remedies, key=lambda item: (item.date, item.event_id)):
        index = _match(result, event)
        if index is not None:
            result[index] = replace(
                result[index], status="met", met_by=event.event_id, met_on=event.date
            )
    return result


def _match(deadlines: list[CaseDeadline], event: RemedyEvent) -> int | None:
    """The open deadline a remedy event answers: latest decision first, then earliest due."""
    candidates = [
        (index, item)
        for index, item in enumerate(deadlines)
        if item.status not in ("met", "superseded")
        and item.served <= event.date
        and _answers(event, item.step)
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda pair: (-pair[1].served.toordinal(), _due(pair[1])))
    return best[0]


def _answers(event: RemedyEvent, step: DeadlineStep) -> bool:
    if event.remedy is not None:
        return step.remedy == event.remedy
    if event.event_type == ANY_FILING_EVENT:
        return step.kind == "filing"
    if event.event_type == DEPARTURE_EVENT:
        return step.kind == "obligation"
    return step.remedy == event.event_type


def _supersede(deadlines: list[CaseDeadline]) -> list[CaseDeadline]:
    """An unmet filing step is superseded once the decision it leads to has been served."""
    arrived = [(item.decision, item.served) for item in deadlines]
    return [
        replace(item, status="superseded")
        if item.status in ("open", "overdue", "no_deadline")
        and item.step.kind == "filing"
        and any(code == item.step.leads_to and served > item.served for code, served in arrived)
        else item
        for item in deadlines
    ]


def _next_stages(deadlines: list[CaseDeadline]) -> list[NextStage]:
    stages = []
    for item in deadlines:
        if item.status != "met" or item.step.leads_to is None or item.met_on is None:
            continue
        within = item.step.decides_within_days
        stages.append(
            NextStage(
                after_deadline_id=item.deadline_id,
                decision=item.step.leads_to,
                procedure=item.step.leads_to_procedure,
                expected_by=item.met_on + dt.timedelta(days=within) if within else None,
                arrived=any(
                    other.decision == item.step.leads_to and other.served >= item.met_on
                    for other in deadlines
                ),
            )
        )
    return stages
