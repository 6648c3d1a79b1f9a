"""Typed, frozen records for a jurisdiction's rules, as loaded from its rules file.

Everything a deadline depends on lives in these records; the engine holds no legal facts.
See docs/legal-rules.md for the file format that fills them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

Confidence = Literal["C", "S", "U"]
Unit = Literal["days", "months", "years"]
RunsFrom = Literal["service", "adoption"]
FirstDay = Literal["next_day", "same_day"]
Suspensive = Literal["yes", "no", "yes_unless_departure_set", "not_applicable"]
StepCondition = Literal["always", "departure_set"]
RemedyKind = Literal["filing", "request", "obligation"]
Computus = Literal["julian", "gregorian"]

CONFIDENCE_LABELS: Mapping[str, str] = {
    "C": "confirmed in the statute",
    "S": "confirmed by a secondary source",
    "U": "uncertain: verify with counsel",
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Period:
    length: int
    unit: Unit


@dataclass(frozen=True)
class CountingMethod:
    """How a period is counted and whether its last day rolls over to a working day."""

    code: str
    label: str
    description: str
    first_day: FirstDay
    roll_over: bool
    rest_days: tuple[tuple[int, Confidence], ...]
    citation: str
    confidence: Confidence
    month_end_confidence: Confidence
    no_roll_over_note: str
    filing_note: str

    def rest_day_confidence(self, weekday: int) -> Confidence | None:
        return dict(self.rest_days).get(weekday)


@dataclass(frozen=True)
class FixedHoliday:
    name: str
    month: int
    days: tuple[int, ...]
    kind: str
    citation: str
    confidence: Confidence


@dataclass(frozen=True)
class MovableDay:
    offset: int
    name: str


@dataclass(frozen=True)
class MovableFeast:
    """Days placed relative to Easter, computed with the Julian or Gregorian computus."""

    name: str
    computus: Computus
    days: tuple[MovableDay, ...]
    kind: str
    citation: str
    confidence: Confidence


@dataclass(frozen=True)
class SubstituteRule:
    """A holiday date falling on certain weekdays makes the next working day free."""

    applies_to: str
    falls_on: tuple[int, ...]
    citation: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class CalendarSpec:
    weekend: tuple[int, ...]
    fixed: tuple[FixedHoliday, ...]
    movable: tuple[MovableFeast, ...]
    substitutes: tuple[SubstituteRule, ...]
    # The language of holiday names and of the weekday names given as reasons.
    locale: str = "en"


@dataclass(frozen=True)
class ServiceMethod:
    """When a decision counts as served, given the date of the act of service."""

    code: str
    label: str
    days_after: int
    citation: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class RemedyType:
    code: str
    label: str
    kind: RemedyKind
    description: str
    citation: str


@dataclass(frozen=True)
class MissedRemedy:
    """What to do when a deadline was missed (restoration to the previous position)."""

    code: str
    remedy: str
    body: str
    period: Period
    runs_from: str
    cap: Period | None
    citation: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class StepRule:
    """One remedy or obligation that a decision opens, exactly as the rules file states it."""

    remedy: str
    body: str
    period: Period | None
    length_from_decision: bool
    min_days: int | None
    max_days: int | None
    required: bool
    runs_from: RunsFrom
    counting: str | None
    suspensive: Suspensive
    suspensive_note: str
    citation: str
    source: str
    confidence: Confidence
    uncertain: tuple[str, ...]
    note: str
    when: StepCondition
    leads_to: str | None
    leads_to_procedure: str | None
    decides_within_days: int | None
    if_missed: str | None
    applies_from: date | None


@dataclass(frozen=True)
class ProcedureRule:
    code: str
    label: str
    steps: tuple[StepRule, ...]


@dataclass(frozen=True)
class DecisionRule:
    code: str
    label: str
    issuer: str
    citation: str
    note: str
    warning: str
    removal_risk: bool
    deemed_service_applies: bool
    steps: tuple[StepRule, ...]
    procedures: Mapping[str, ProcedureRule]
    default_procedure: str | None


@dataclass(frozen=True)
class EventMapping:
    """The default decision code for an event type of the extraction vocabulary."""

    event_type: str
    decision: str | None
    procedure: str | None
    note: str
    # An event of this type without a decision code of its own (an order to leave) served
    # the same day as a decision that itself sets a departure period records that decision.
    joins_same_day_decision: bool = False


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    source_file: str
    sources: tuple[str, ...]
    calendar: CalendarSpec
    counting: Mapping[str, CountingMethod]
    service: Mapping[str, ServiceMethod]
    remedies: Mapping[str, RemedyType]
    missed: Mapping[str, MissedRemedy]
    decisions: Mapping[str, DecisionRule]
    event_types: Mapping[str, EventMapping]
    # The language of the texts above (docs/legal-rules.md, Languages); what the engine
    # writes from these rules is in the same language.
    locale: str = "en"
