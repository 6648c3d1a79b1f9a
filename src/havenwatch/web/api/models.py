"""The API's JSON shapes (they make the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from havenwatch.cases.events import DeletedEvent
from havenwatch.cases.model import Case, Event, Person, Source


def _as_utc(moment: dt.datetime) -> dt.datetime:
    """Stored timestamps are naive UTC; say so, as RFC 3339 `date-time` requires an offset."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


UtcDatetime = Annotated[dt.datetime, AfterValidator(_as_utc)]
# PostgreSQL cannot hold or compare text with NUL in it: refuse it at the door, as a 422.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]


class ApiError(BaseModel):
    """A refusal: a short message that never echoes what was sent."""

    detail: str


class InvalidRequest(BaseModel):
    """A request the API could not read: which fields were wrong, never their values."""

    detail: str
    fields: list[str]


class CaseOut(BaseModel):
    id: str
    person_id: str
    country: str
    title: str
    status: str
    team: str
    tags: list[str]
    opened_on: dt.date | None
    closed_on: dt.date | None

    @classmethod
    def of(cls, case: Case) -> CaseOut:
        return cls(
            id=case.id or "",
            person_id=case.person_id,
            country=case.country,
            title=case.title,
            status=case.status,
            team=case.team,
            tags=case.tags,
            opened_on=case.opened_on,
            closed_on=case.closed_on,
        )


class CaseIn(BaseModel):
    person_id: Text = Field(max_length=40)
    country: Text = Field(min_length=2, max_length=2)
    title: Text = Field(default="", max_length=300)
    tags: list[Annotated[Text, Field(max_length=80)]] = Field(default_factory=list, max_length=20)
    opened_on: dt.date | None = None


class EventOut(BaseModel):
    id: str
    case_id: str
    type: str
    date: str | None
    served_on: dt.date | None
    authority: str | None
    grounds: str | None
    deadline_days: int | None
    outcome: str | None
    decision_code: str | None
    source_ids: list[str]

    @classmethod
    def of(cls, event: Event) -> EventOut:
        return cls(
            id=event.id or "",
            case_id=event.case_id,
            type=event.type,
            date=event.date.text if event.date else None,
            served_on=event.served_on,
            authority=event.authority,
            grounds=event.grounds,
            deadline_days=event.deadline_days,
            outcome=event.outcome,
            decision_code=event.decision_code,
            source_ids=event.source_ids,
        )


class EventIn(BaseModel):
    type: Text = Field(max_length=40)
    date: Text | None = Field(default=None, max_length=40)
    served_on: dt.date | None = None
    authority: Text | None = Field(default=None, max_length=40)
    grounds: Text | None = Field(default=None, max_length=40)
    deadline_days: int | None = Field(default=None, ge=0, le=3650)
    outcome: Text | None = Field(default=None, max_length=20)
    decision_code: Text | None = Field(default=None, max_length=60)


class PersonOut(BaseModel):
    id: str
    pseudonym: str
    team: str
    nationality: str | None
    gender: str | None
    birth_year: int | None
    risk_level: str

    @classmethod
    def of(cls, person: Person) -> PersonOut:
        return cls(
            id=person.id or "",
            pseudonym=person.pseudonym,
            team=person.team,
            nationality=person.nationality,
            gender=person.gender,
            birth_year=person.birth_year,
            risk_level=person.risk_level,
        )


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
    gender: Text | None = Field(default=None, max_length=10)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    family_affected_count: int | None = Field(default=None, ge=0, le=100)
    consent: Text | None = Field(default=None, max_length=20)
    risk_level: Text | None = Field(default=None, max_length=20)
    identity: IdentityPatch | None = None


# The codes of `havenwatch.cases.case_files.REOPEN_REASONS` (a test keeps them equal).
ReopenReason = Literal[
    "new_decision", "proceedings_resumed", "returned", "closed_in_error", "other"
]


class ReopenIn(BaseModel):
    reason: ReopenReason


class DeletedEventOut(BaseModel):
    """What deleting an event did: the sources it was linked to, those deleted with it (linked
    to nothing else), and how many documents and leads no longer point to it."""

    event_id: str
    case_id: str
    type: str
    unlinked_sources: list[str]
    deleted_sources: list[str]
    detached_documents: int
    detached_leads: int

    @classmethod
    def of(cls, deleted: DeletedEvent) -> DeletedEventOut:
        return cls(
            event_id=deleted.event_id,
            case_id=deleted.case_id,
            type=deleted.type,
            unlinked_sources=deleted.unlinked_sources,
            deleted_sources=deleted.deleted_sources,
            detached_documents=deleted.detached_documents,
            detached_leads=deleted.detached_leads,
        )


class SourceOut(BaseModel):
    id: str
    url: str | None
    title: str | None
    publisher: str | None
    published_on: dt.date | None
    language: str | None
    text: str

    @classmethod
    def of(cls, source: Source) -> SourceOut:
        return cls(
            id=source.id or "",
            url=source.url,
            title=source.title,
            publisher=source.publisher,
            published_on=source.published_on,
            language=source.language,
            text=source.text,
        )


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
    source_ids: list[str]
    created_at: UtcDatetime
    decision_reason: str | None
    event_id: str | None


class AcceptIn(BaseModel):
    case_id: Text | None = Field(default=None, max_length=40)
    pseudonym: Text | None = Field(default=None, max_length=200)


class MergeIn(BaseModel):
    event_id: Text = Field(max_length=40)


class RejectIn(BaseModel):
    reason: Text = Field(min_length=1, max_length=1000)


class Page(BaseModel):
    total: int
    offset: int
    limit: int
