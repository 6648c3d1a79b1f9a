"""The case data model: plain dataclasses, no web or database imports.

Identifying information about a person lives in one place, `Identity`, which the store
encrypts as a whole with that person's own data key. Everything else on `Person` is what
the organisation needs to work and count without knowing who the person is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from havenwatch.core.dates import FuzzyDate
from havenwatch.core.errors import ValidationError
from havenwatch.core.fields import entered, entered_fields, field_labels
from havenwatch.core.vocabulary import vocabulary

COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


@dataclass
class Identity:
    """Everything that identifies a person. Encrypted at rest as one unit."""

    full_name: str | None = None
    other_names: list[str] = field(default_factory=list)
    date_of_birth: dt.date | None = None
    contact: str | None = None
    address: str | None = None
    document_numbers: list[str] = field(default_factory=list)
    notes: str | None = None

    def names(self) -> list[str]:
        """Every spelling of the person's name, for the blind index."""
        return [name for name in [self.full_name, *self.other_names] if name]

    def is_empty(self) -> bool:
        return not (
            self.full_name
            or self.other_names
            or self.date_of_birth
            or self.contact
            or self.address
            or self.document_numbers
            or self.notes
        )


@dataclass
class Person:
    pseudonym: str
    team: str = "default"
    identity: Identity = field(default_factory=Identity)
    nationality: str | None = None
    gender: str | None = None
    birth_year: int | None = None
    family_affected_count: int = 0
    family_relation: str | None = None
    consent: str = "none"
    risk_level: str = "medium"
    id: str | None = None
    created_at: dt.datetime | None = None


@dataclass
class Case:
    person_id: str
    country: str
    title: str = ""
    status: str = "open"
    team: str = "default"
    tags: list[str] = field(default_factory=list)
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    assigned_to: str | None = None
    notes: str | None = None
    id: str | None = None
    created_at: dt.datetime | None = None
    # The earliest last day among its open, unresolved deadline steps (read-only: kept by
    # `cases.step_workflow`).
    next_deadline: dt.date | None = None


@dataclass
class Event:
    """One thing that happened in a case: a decision, a detention, a hearing...

    The fields people enter carry their declaration (`core.fields`): the API's input shapes,
    the form's parsing and the command's options are drawn from it."""

    case_id: str
    type: str = field(metadata=entered("code", "Event type", codes="event_types", limit=40))
    date: FuzzyDate | None = field(
        default=None,
        metadata=entered(
            "fuzzy_date",
            "Date",
            limit=40,
            option_help="2024-09-16, 2024-09, 2024, ../2024-10-19 (before)...",
        ),
    )
    origin_state_link: str = field(
        default="none",
        metadata=entered(
            "code",
            "Link to the state of origin",
            codes="origin_state_link",
            limit=20,
            option="--origin-link",
        ),
    )
    served_on: dt.date | None = field(
        default=None,
        metadata=entered(
            "day",
            "Served on",
            option="--served",
            option_help="When the decision was served (drives deadlines).",
        ),
    )
    authority: str | None = field(
        default=None, metadata=entered("code", "Authority", codes="authorities", limit=40)
    )
    grounds: str | None = field(
        default=None, metadata=entered("code", "Grounds", codes="grounds", limit=40)
    )
    deadline_days: int | None = field(
        default=None, metadata=entered("number", "Days to act", high=3650)
    )
    outcome: str | None = field(
        default=None, metadata=entered("code", "Outcome", codes="outcomes", limit=20)
    )
    decision_code: str | None = field(
        default=None,
        metadata=entered(
            "text",
            "Decision code",
            limit=60,
            option_help="Refine the legal decision code (see `havenwatch deadlines`).",
        ),
    )
    notes: str | None = field(
        default=None,
        metadata=entered(
            "text",
            "Notes",
            limit=20_000,
            sealed=True,
            option="--note",
            option_help="The event's notes (stored encrypted).",
        ),
    )
    # How the decision was served (a service method of the case's rules: personal,
    # ordinary_post...) and its procedure; None: personal service, the default procedure.
    service: str | None = field(
        default=None,
        metadata=entered(
            "text",
            "How it was served",
            limit=40,
            option_help="How the decision was served: personal, ordinary_post... "
            "(see `havenwatch deadlines`).",
        ),
    )
    procedure: str | None = field(
        default=None,
        metadata=entered(
            "text",
            "Procedure",
            limit=40,
            option_help="The decision's procedure, where it has several (asylum).",
        ),
    )
    source_ids: list[str] = field(default_factory=list)
    document_ids: list[str] = field(default_factory=list)
    id: str | None = None
    created_at: dt.datetime | None = None


@dataclass
class Source:
    """A news report or other published source. Public text: not encrypted."""

    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published_on: dt.date | None = None
    language: str | None = None
    text: str = ""
    content_hash: str | None = None
    id: str | None = None
    created_at: dt.datetime | None = None
    # Never stored: set on a copy whose title, text and URL path were withheld from a reader
    # without identity rights (see `sources.withhold_names`).
    withheld: bool = False


@dataclass(frozen=True)
class UploadReport:
    """What an upload did to the file: the metadata removed (codes of the web's labels,
    "metadata"; `detected`: found in this very file, else what its kind's cleaner removes
    wherever present), the media type it was converted from (a HEIC photo stored as JPEG),
    and how its text was read ("read", "ocr", "ocr_unavailable", "ocr_failed", "none")."""

    removed: tuple[str, ...] = ()
    detected: bool = False
    converted_from: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Document:
    """A vault entry as users see it; `sha256` is the plaintext hash, known once opened.

    The encrypted bytes live in the vault (`cases.vault`); the filename is sealed. As
    evidence: its type and date, the hash of the file as received (`original_sha256`, sealed),
    whether that original was kept, and the events it proves (`document_events`)."""

    id: str
    case_id: str
    event_id: str | None
    filename: str
    media_type: str
    size: int
    sha256: str | None
    metadata_stripped: bool
    created_at: dt.datetime
    document_type: str | None = None
    document_date: dt.date | None = None
    original_sha256: str | None = None
    original_kept: bool = False
    event_ids: tuple[str, ...] = ()
    report: UploadReport | None = None


def entered_labels() -> dict[str, str]:
    """field -> its English name in messages, as the records declare it (`core.fields`)."""
    return field_labels(Person, Case, Event, Source)


def check_choice(
    field_name: str, value: str | None, choices: tuple[str, ...] | frozenset[str]
) -> None:
    if value is not None and value not in choices:
        raise ValidationError.of(
            field_name, "value.unknown", value=value, accepted=", ".join(sorted(choices))
        )


def check_country(field_name: str, value: str | None) -> None:
    if value is not None and not COUNTRY_CODE.match(value):
        raise ValidationError.of(field_name, "value.country_code", value=value)


def check_text(field_name: str, value: str | None, limit: int | None = None) -> None:
    """Text kept in clear must fit its column and hold no NUL (PostgreSQL refuses both)."""
    if value is None:
        return
    if "\x00" in value:
        raise ValidationError.of(field_name, "value.nul")
    if limit is not None and len(value) > limit:
        raise ValidationError.of(field_name, "value.too_long", limit=limit)


def validate_person(person: Person) -> None:
    vocab = vocabulary()
    if not person.pseudonym.strip():
        raise ValidationError.of("pseudonym", "person.pseudonym_required")
    check_text("pseudonym", person.pseudonym, 200)
    check_text("family_relation", person.family_relation, 200)
    check_country("nationality", person.nationality)
    check_choice("gender", person.gender, vocab.genders)
    check_choice("consent", person.consent, vocab.consent)
    check_choice("risk_level", person.risk_level, vocab.risk_levels)
    if person.family_affected_count < 0:
        raise ValidationError.of("family_affected_count", "value.negative")


def validate_case(case: Case) -> None:
    check_country("country", case.country)
    check_text("title", case.title, 300)
    for tag in case.tags:
        check_text("tags", tag, 80)
    check_choice("status", case.status, vocabulary().case_statuses)
    if case.opened_on and case.closed_on and case.closed_on < case.opened_on:
        raise ValidationError.of("closed_on", "case.closes_before_opening")


def validate_event(event: Event) -> None:
    vocab = vocabulary()
    check_choice("event_type", event.type, vocab.event_types)
    check_choice("authority", event.authority, vocab.authorities)
    check_choice("grounds", event.grounds, vocab.grounds)
    check_choice("origin_state_link", event.origin_state_link, vocab.origin_state_link)
    check_choice("outcome", event.outcome, vocab.outcomes)
    for entry in entered_fields(Event):
        # A text kept in clear fits its column (sealed ones are ciphertexts of any length).
        if entry.how.kind == "text" and not entry.how.sealed:
            check_text(entry.name, getattr(event, entry.name), entry.how.limit)
    if event.deadline_days is not None and not 0 <= event.deadline_days <= 3650:
        raise ValidationError.of("deadline_days", "value.not_days", value=str(event.deadline_days))
    earliest = event.date.earliest if event.date else None
    if event.served_on and earliest and event.served_on < earliest:
        raise ValidationError.of("served_on", "event.served_before_taken")


def validate_source(source: Source) -> None:
    if not (source.url or source.text or source.title):
        raise ValidationError.of("source", "source.empty")
    for name, value in (("url", source.url), ("title", source.title), ("text", source.text)):
        check_text(name, value)
    check_text("publisher", source.publisher, 200)
    check_text("language", source.language, 8)
