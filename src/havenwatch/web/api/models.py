"""The API's JSON shapes (they make the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from havenwatch.cases.events import DeletedEvent
from havenwatch.cases.step_workflow import StepAction
from havenwatch.core.dates import parse_fuzzy
from havenwatch.core.errors import ValidationError
from havenwatch.core.fields import EnteredField, entered_fields
from havenwatch.core.model import Case, Event, Person, Source
from havenwatch.core.shapes import RecordShape, record_hints
from havenwatch.core.vocabulary import vocabulary
from havenwatch.legal.workflow import (
    CaseDeadline,
    CaseDeadlines,
    CaseWarning,
    DecisionGroup,
    NextStage,
)


def _as_utc(moment: dt.datetime) -> dt.datetime:
    """Stored timestamps are naive UTC; say so, as RFC 3339 `date-time` requires an offset."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


UtcDatetime = Annotated[dt.datetime, AfterValidator(_as_utc)]
# PostgreSQL cannot hold or compare text with NUL in it: refuse it at the door, as a 422.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]


def _codes(list_name: str, *, leaving_out: str | None = None) -> tuple[str, ...]:
    return tuple(code for code in getattr(vocabulary(), list_name) if code != leaving_out)


def _listed(codes: tuple[str, ...]) -> Any:
    """Documents the codes as the field's enum and refuses any other with a 422.

    The library checks the same codes, but its refusal (a 400) quotes the value sent; a
    refusal here names only the field."""

    def known(value: str) -> str:
        if value not in codes:
            raise ValueError("not a code of the vocabulary")
        return value

    return (Field(json_schema_extra={"enum": list(codes)}), AfterValidator(known))


def _readable_date(text: str) -> str:
    """An EDTF-style date (`2024-09-16`, `16.09.2024`, `2024-09`, `2024/..`), else a 422."""
    try:
        parse_fuzzy(text)
    except ValidationError as error:
        raise ValueError("not a date") from error
    return text


Gender = Annotated[str, *_listed(_codes("genders"))]
Consent = Annotated[str, *_listed(_codes("consent"))]
RiskLevel = Annotated[str, *_listed(_codes("risk_levels"))]
FinalStatus = Annotated[str, *_listed(_codes("case_statuses", leaving_out="open"))]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]


def _record_id(value: str | None) -> str:
    return value or ""


class ApiShape(RecordShape):
    """The API's shapes of records: every field required (and so always sent), ids as text;
    a sealed field (`core.fields`) is never sent."""

    @classmethod
    def left_out(cls, record: type) -> Collection[str]:
        return [entry.name for entry in entered_fields(record) if entry.how.sealed]

    @classmethod
    def shape_field(cls, record: type, name: str, hint: Any) -> tuple[Any, Any]:
        drawn, _ = super().shape_field(record, name, hint)
        if name == "id":
            return Annotated[str, BeforeValidator(_record_id)], ...
        return drawn, ...


def _never_cleared(value: Any) -> Any:
    """Left out, the field keeps its value; sent as null, it is refused (it has none)."""
    if value is None:
        raise ValueError("cannot be cleared")
    return value


def _sent_type(entry: EnteredField) -> Any:
    """What a client may send for one entered field, with its limits (a 422 otherwise)."""
    how = entry.how
    if how.kind == "code":
        return Annotated[str, *_listed(_codes(how.codes or ""))]
    if how.kind == "number":
        return Annotated[int, Field(ge=0, le=how.high)]
    if how.kind == "day":
        return dt.date
    text = Annotated[str, StringConstraints(max_length=how.limit, pattern=NO_NUL)]
    if how.kind == "fuzzy_date":
        return Annotated[text, AfterValidator(_readable_date)]
    return text


class ApiInput(RecordShape):
    """What a client sends to create a record: the fields people enter, as the record declares
    them (`core.fields`), each with its limits; a field left out takes the record's default.
    Other fields sent are ignored."""

    @classmethod
    def left_out(cls, record: type) -> Collection[str]:
        entered = {entry.name for entry in entered_fields(record)}
        return [name for name in record_hints(record) if name not in entered]

    @classmethod
    def shape_field(cls, record: type, name: str, hint: Any) -> tuple[Any, Any]:
        entry = _entered(record, name)
        sent = _sent_type(entry)
        return (sent | None if entry.clearable else sent), (
            ... if entry.required else entry.default
        )

    def values(self) -> dict[str, Any]:
        """The record's fields as sent (or their defaults), fuzzy dates read."""
        return self._values(type(self).model_fields)

    def _values(self, names: Collection[str]) -> dict[str, Any]:
        """The record's own fields among `names` (not what a shape adds, as `custom`)."""
        record = type(self).__record__
        assert record is not None
        return {
            entry.name: _record_value(entry, getattr(self, entry.name))
            for entry in entered_fields(record)
            if entry.name in names
        }


class ApiPatch(ApiInput):
    """What a client sends to change a record: any entered field; left out, a field keeps its
    value; null clears it, where the record admits none. Other fields are refused."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def shape_field(cls, record: type, name: str, hint: Any) -> tuple[Any, Any]:
        entry = _entered(record, name)
        sent = _sent_type(entry) | None
        if not entry.clearable:
            sent = Annotated[sent, BeforeValidator(_never_cleared)]
        return sent, None

    def changes(self) -> dict[str, Any]:
        """The fields sent, as the record holds them."""
        return self._values(self.model_fields_set)


def _entered(record: type, name: str) -> EnteredField:
    return next(entry for entry in entered_fields(record) if entry.name == name)


def _record_value(entry: EnteredField, value: Any) -> Any:
    if entry.how.kind == "fuzzy_date" and isinstance(value, str):
        return parse_fuzzy(value)
    return value


class ApiError(BaseModel):
    """A refusal: a short message that never echoes what was sent."""

    detail: str


class InvalidRequest(BaseModel):
    """A request the API could not read: which fields were wrong, never their values."""

    detail: str
    fields: list[str]


class CaseOut(ApiShape, record=Case, leave_out=("notes", "created_at", "next_deadline")):
    """A case as the API shows it; its sealed notes are never sent."""

    assigned_to: str | None = Field(description="The id of the user the case is assigned to")


CustomKey = Annotated[str, StringConstraints(max_length=60, pattern=NO_NUL)]
CustomText = Annotated[str, StringConstraints(max_length=1000, pattern=NO_NUL)]
CustomValue = CustomText | int | float | bool
CustomValues = Annotated[
    dict[CustomKey, CustomValue | None],
    Field(
        max_length=200,
        description="Values of the fields the team defined, by key: text, a number, a date "
        "(2025-03-03, or as the user's language writes it), a choice's value or label, true or "
        "false; null clears one. Values of identifying fields are accepted and sealed, never "
        "sent back.",
    ),
]


class CaseIn(BaseModel):
    person_id: Text = Field(max_length=40)
    country: Text = Field(min_length=2, max_length=2)
    title: Text = Field(default="", max_length=300)
    tags: list[Annotated[Text, Field(max_length=80)]] = Field(default_factory=list, max_length=20)
    opened_on: dt.date | None = None
    custom: CustomValues | None = None


class CasePatch(BaseModel):
    """Values of the team's case fields to change (a key left out keeps its value)."""

    model_config = ConfigDict(extra="forbid")

    custom: CustomValues = Field(default_factory=dict)


class EventOut(
    ApiShape, record=Event, leave_out=("origin_state_link", "document_ids", "created_at")
):
    """An event as the API shows it; its sealed notes are never sent."""


class EventIn(ApiInput, record=Event):
    """A new event: the fields people enter (its type is required). `notes` are sealed and
    never sent back."""

    custom: CustomValues | None = None


class EventPatch(ApiPatch, record=Event):
    """The fields to change: a field left out keeps its value, null clears it (`type` and
    `origin_state_link` cannot be cleared). `notes` are sealed and never sent back."""

    custom: CustomValues | None = None


class PersonOut(
    ApiShape,
    record=Person,
    leave_out=("identity", "family_affected_count", "family_relation", "consent", "created_at"),
):
    """A person as the API shows them: never their identity."""


FieldsOut = Annotated[
    dict[str, str | int | float | bool],
    Field(
        description="Values of the fields the team defined, by key (identifying ones never)",
    ),
]


class PersonFieldsOut(PersonOut):
    """A person with the values of the team's (non-identifying) fields."""

    custom: FieldsOut = Field(default_factory=dict)


class EventFieldsOut(EventOut):
    """An event with the values of the team's (non-identifying) event fields."""

    custom: FieldsOut = Field(default_factory=dict)


class CaseFieldsOut(CaseOut):
    """A case with the values of the team's (non-identifying) fields."""

    custom: FieldsOut = Field(default_factory=dict)


class IdentityPatch(BaseModel):
    """Identity fields to change (sealed with the person's key); null clears one."""

    model_config = ConfigDict(extra="forbid")

    full_name: Text | None = Field(default=None, max_length=300)
    other_names: list[Annotated[Text, Field(max_length=300)]] | None = Field(
        default=None, max_length=20
    )
    date_of_birth: dt.date | None = None
    contact: Text | None = Field(default=None, max_length=500)
    address: Text | None = Field(default=None, max_length=500)
    document_numbers: list[Annotated[Text, Field(max_length=100)]] | None = Field(
        default=None, max_length=20
    )
    notes: Text | None = Field(default=None, max_length=20_000)


class PersonPatch(BaseModel):
    """The fields to change: a field left out keeps its value, null clears it (where it may be
    empty). Changing `identity` needs a role that may see identity; it is never sent back."""

    model_config = ConfigDict(extra="forbid")

    pseudonym: Text | None = Field(default=None, max_length=200)
    nationality: Text | None = Field(default=None, max_length=2)
    gender: Gender | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    family_affected_count: int | None = Field(default=None, ge=0, le=100)
    consent: Consent | None = None
    risk_level: RiskLevel | None = None
    identity: IdentityPatch | None = None
    custom: CustomValues | None = None


class PersonIn(BaseModel):
    """A new person of the caller's team. Giving `identity` needs a role that may see
    identity; it is sealed with the person's own key and never sent back."""

    model_config = ConfigDict(extra="forbid")

    pseudonym: Text = Field(min_length=1, max_length=200)
    nationality: CountryCode | None = None
    gender: Gender | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    family_affected_count: int = Field(default=0, ge=0, le=100)
    consent: Consent = "none"
    risk_level: RiskLevel = "medium"
    identity: IdentityPatch | None = None
    custom: CustomValues | None = None


# The codes of `havenwatch.cases.case_files.REOPEN_REASONS` (a test keeps them equal).
ReopenReason = Literal[
    "new_decision", "proceedings_resumed", "returned", "closed_in_error", "other"
]


class ReopenIn(BaseModel):
    reason: ReopenReason


class StatusIn(BaseModel):
    """Close the case with a final status; the closing day defaults to today."""

    status: FinalStatus
    closed_on: dt.date | None = None


class AssignIn(BaseModel):
    """The user to give the case to (an active caseworker or administrator of the case's
    team), or null for nobody."""

    assignee: Text | None = Field(max_length=40)


class DeletedEventOut(ApiShape, record=DeletedEvent):
    """What deleting an event did: the sources it was linked to, those deleted with it (linked
    to nothing else), and how many documents and leads no longer point to it."""


class SourceOut(ApiShape, record=Source, leave_out=("content_hash", "created_at")):
    """A published report as the API shows it."""

    withheld: bool = Field(
        default=False,
        description="Title, text and URL path left out: the report is linked to a case and "
        "the caller's role sees pseudonyms only.",
    )


class SourceIn(BaseModel):
    """A report to link to an event; a source with the same text (or, without text, the same
    URL) is stored once and linked again."""

    model_config = ConfigDict(extra="forbid")

    url: Text | None = Field(default=None, max_length=2000)
    title: Text | None = Field(default=None, max_length=500)
    publisher: Text | None = Field(default=None, max_length=200)
    published_on: dt.date | None = None
    text: Text = Field(default="", max_length=200_000)

    @model_validator(mode="after")
    def _says_something(self) -> SourceIn:
        if not (self.url or self.title or self.text.strip()):
            raise ValueError("a source needs a URL, a title or a text")
        return self


class LeadOut(BaseModel):
    id: str
    status: str
    event_type: str
    subject_name: str | None
    country: str | None
    event_date: str | None
    evidence: str
    candidate_person_id: str | None
    candidate_case_id: str | None
    match_score: int | None
    match_reason: str = Field(description="why it matched: a code, never a name")
    source_ids: list[str]
    created_at: UtcDatetime
    decision_reason: str | None
    event_id: str | None


class LeadCorrectionIn(BaseModel):
    """What the reviewer corrects before accepting, as on the lead page: a field left out
    keeps the extractor's reading, null clears it (`event_type` cannot be cleared). Codes,
    dates and numbers are checked by the service that accepts: a wrong one is a 400 with one
    line in the caller's language, and nothing is stored."""

    model_config = ConfigDict(extra="forbid")

    subject_name: Text | None = Field(default=None, max_length=200)
    event_type: Text | None = Field(default=None, max_length=40)
    event_date: Text | None = Field(
        default=None, max_length=40, description="`2024-05-03`, `2024-05` or `2024`"
    )
    country: Text | None = Field(default=None, max_length=10, description="two-letter code")
    authority: Text | None = Field(default=None, max_length=40)
    grounds: Text | None = Field(default=None, max_length=40)
    deadline_days: int | None = Field(default=None, description="0 to 3650")
    nationality: Text | None = Field(default=None, max_length=10, description="two-letter code")
    gender: Text | None = Field(default=None, max_length=20)
    age: int | None = Field(default=None, description="0 to 120")

    def changes(self) -> dict[str, Any]:
        """The fields sent, by name (a field sent as null included)."""
        return {name: getattr(self, name) for name in sorted(self.model_fields_set)}


class AcceptIn(BaseModel):
    """Where an accepted lead goes (all optional: its candidate case, or candidate person),
    and what the reviewer corrected (optional: accepted as extracted)."""

    case_id: Text | None = Field(default=None, max_length=40)
    person_id: Text | None = Field(default=None, max_length=40)
    pseudonym: Text | None = Field(default=None, max_length=200)
    correction: LeadCorrectionIn | None = None


class MergeIn(BaseModel):
    event_id: Text = Field(max_length=40)


class RejectIn(BaseModel):
    reason: Text = Field(min_length=1, max_length=1000)


class Page(BaseModel):
    total: int
    offset: int
    limit: int


class DeadlineOut(BaseModel):
    """One step opened by a decision: the last day to act, how it was counted and the rule it
    comes from. Verify with counsel where `verify_with_counsel` is true."""

    deadline_id: str
    decision_event_id: str
    decision: str
    served: dt.date
    status: Literal["open", "overdue", "met", "superseded", "no_deadline"]
    remedy: str
    remedy_label: str
    kind: str
    body: str
    due: dt.date | None
    safe_due: dt.date | None
    suspensive: bool | None
    suspensive_text: str
    citation: str
    source: str
    confidence: str
    verify_with_counsel: bool
    explanation: str
    if_missed: str
    met_by: str | None
    met_on: dt.date | None
    resolution: Literal["done", "not_applicable", "superseded"] | None = None
    resolved_on: dt.date | None = None
    resolved_event_id: str | None = None
    assignee: str | None = None

    @classmethod
    def of(cls, item: CaseDeadline, action: StepAction | None = None) -> DeadlineOut:
        step = item.step
        return cls(
            deadline_id=item.deadline_id,
            decision_event_id=item.decision_event_id,
            decision=item.decision,
            served=item.served,
            status=item.status,
            remedy=step.remedy,
            remedy_label=step.remedy_label,
            kind=step.kind,
            body=step.body,
            due=step.due,
            safe_due=step.safe_due,
            suspensive=step.suspensive,
            suspensive_text=step.suspensive_text,
            citation=step.citation,
            source=step.source,
            confidence=step.confidence,
            verify_with_counsel=step.verify_with_counsel,
            explanation=step.explanation,
            if_missed=step.if_missed,
            met_by=item.met_by,
            met_on=item.met_on,
            resolution=action.resolution if action else None,  # type: ignore[arg-type]
            resolved_on=action.resolved_on if action else None,
            resolved_event_id=action.resolved_event_id if action else None,
            assignee=action.assignee if action else None,
        )


class NextStageOut(ApiShape, record=NextStage):
    """A decision the case waits for after a remedy was lodged."""


class DeadlineWarningOut(ApiShape, record=CaseWarning):
    """A warning about a decision: its code and a sentence for people."""


class DecisionOut(BaseModel):
    """One decision and the steps it opens (`deadline_ids`, in `deadlines`); `event_ids` are
    every event recording it, `event_id` the one whose facts were used."""

    event_id: str
    event_ids: list[str]
    event_type: str
    decision: str | None
    decision_label: str | None
    procedure: str | None
    served: dt.date
    deemed_served: dt.date | None
    departure_days: int | None
    deadline_ids: list[str]
    warnings: list[DeadlineWarningOut]

    @classmethod
    def of(cls, group: DecisionGroup) -> DecisionOut:
        return cls(
            event_id=group.event_id,
            event_ids=list(group.event_ids),
            event_type=group.event_type,
            decision=group.decision,
            decision_label=group.decision_label,
            procedure=group.procedure,
            served=group.served,
            deemed_served=group.deemed_served,
            departure_days=group.departure_days,
            deadline_ids=[item.deadline_id for item in group.deadlines],
            warnings=[DeadlineWarningOut.of(warning) for warning in group.warnings],
        )


class CaseDeadlinesOut(BaseModel):
    """A case's deadlines as the case page shows them; `rules` is false where havenwatch has
    no rules for the case's country (and the lists are empty)."""

    case_id: str
    country: str
    rules: bool
    deadlines: list[DeadlineOut]
    next_stages: list[NextStageOut]
    warnings: list[DeadlineWarningOut]
    decisions: list[DecisionOut]

    @classmethod
    def of(
        cls,
        case: Case,
        plan: CaseDeadlines | None,
        actions: Mapping[str, StepAction] | None = None,
    ) -> CaseDeadlinesOut:
        done = actions or {}
        return cls(
            case_id=case.id or "",
            country=case.country,
            rules=plan is not None,
            deadlines=[DeadlineOut.of(item, done.get(item.deadline_id)) for item in plan.deadlines]
            if plan
            else [],
            next_stages=[NextStageOut.of(stage) for stage in plan.next_stages] if plan else [],
            warnings=[DeadlineWarningOut.of(warning) for warning in plan.warnings] if plan else [],
            decisions=[DecisionOut.of(group) for group in plan.decisions] if plan else [],
        )


class PersonHit(BaseModel):
    id: str
    pseudonym: str
    nationality: str | None


class CaseHit(BaseModel):
    id: str
    title: str
    country: str
    status: str


class EventHit(BaseModel):
    id: str
    type: str
    date: str | None
    case_id: str
    case_title: str


class SourceHit(BaseModel):
    id: str
    title: str | None
    publisher: str | None
    published_on: dt.date | None


class DocumentHit(BaseModel):
    """A document holding every word of the query (roles that may see documents)."""

    id: str
    case_id: str
    filename: str
    case_title: str | None
    document_type: str | None


class SearchOut(BaseModel):
    """What the search page finds, kind by kind, newest first, at most `limit` of each."""

    query: str
    limit: int
    people: list[PersonHit]
    cases: list[CaseHit]
    events: list[EventHit]
    sources: list[SourceHit]
    documents: list[DocumentHit] = []
