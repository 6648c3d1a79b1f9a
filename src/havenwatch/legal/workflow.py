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
)
from havenwatch.legal.messages import messages_for
from havenwatch.legal.model import EventMapping, Jurisdiction

DeadlineStatus = Literal["open", "overdue", "met", "superseded", "no_deadline"]
ANY_FILING_EVENT = "appeal"
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
    service: str = "personal"

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
class CaseDeadlines:
    deadlines: tuple[CaseDeadline, ...]
    next_stages: tuple[NextStage, ...]
    warnings: tuple[CaseWarning, ...]


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
    """Every deadline of a case, in the language the rules were loaded in (``rules.locale``)."""
    ordered = sorted(decisions, key=lambda event: (event.service_date, event.event_id))
    deadlines: list[CaseDeadline] = []
    warnings: list[CaseWarning] = []
    for event in ordered:
        plan, event_warnings = _plan_for(rules, event)
        warnings += event_warnings
        if plan is not None:
            deadlines += [_deadline(event, plan, step, today) for step in plan.steps]
    deadlines = _apply_remedies(deadlines, remedies)
    deadlines = _supersede(deadlines)
    return CaseDeadlines(tuple(deadlines), tuple(_next_stages(deadlines)), tuple(warnings))


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
        plan = _compute(rules, event, code, procedure)
    except DeadlineInputError as error:
        return None, [CaseWarning(event.event_id, "input", str(error))]
    warnings = [CaseWarning(event.event_id, w.code, w.message) for w in plan.warnings]
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
) -> DeadlinePlan:
    rule = rules.decisions.get(code)
    candidates: Sequence[str | None] = [procedure]
    if rule is not None and procedure is None and rule.procedures and not rule.default_procedure:
        candidates = sorted(rule.procedures)
    plans = [
        compute_deadlines(
            rules,
            code,
            served=event.service_date,
            adopted=event.adopted_on,
            departure_days=event.departure_days,
            service=event.service,
            procedure=candidate,
        )
        for candidate in candidates
    ]
    return min(plans, key=_earliest_due)


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
