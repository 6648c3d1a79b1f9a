"""The extractor's typed result: events and aggregates as dataclasses.

Components work on an `Analysis`; `pipeline.extraction` turns it into an `Extraction`. The
JSON object of the extraction contract (`extraction.schema.json`, docs/extraction-contract.md)
is made from it only where a result leaves the program: `havenwatch extract` and
`havenwatch eval` print it, and ingestion stores it (`to_contract`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Subject:
    """The person an event happened to, as far as the text tells."""

    name: str | None = None
    nationality: str | None = None
    age: int | None = None
    gender: str | None = None

    def to_contract(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "nationality": self.nationality,
            "age": self.age,
            "gender": self.gender,
        }


@dataclass(frozen=True)
class ExtractedEvent:
    """One incident of one person; `evidence` is the text that states it."""

    type: str
    subject: Subject
    evidence: str
    country: str | None = None
    authority: str | None = None
    grounds: str | None = None
    date: str | None = None
    deadline_days: int | None = None

    def to_contract(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "subject": self.subject.to_contract(),
            "country": self.country,
            "authority": self.authority,
            "grounds": self.grounds,
            "date": self.date,
            "deadline_days": self.deadline_days,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class ExtractedAggregate:
    """A counted statement about several people."""

    types: tuple[str, ...]
    count: int
    qualifier: str
    evidence: str
    nationality: str | None = None
    country: str | None = None

    def to_contract(self) -> dict[str, Any]:
        return {
            "types": list(self.types),
            "count": self.count,
            "qualifier": self.qualifier,
            "nationality": self.nationality,
            "country": self.country,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Extraction:
    """Everything found in one document."""

    document: str
    language: str | None
    events: tuple[ExtractedEvent, ...] = field(default_factory=tuple)
    aggregates: tuple[ExtractedAggregate, ...] = field(default_factory=tuple)

    @property
    def relevant(self) -> bool:
        """A document is relevant exactly when it reports an event or an aggregate."""
        return bool(self.events or self.aggregates)

    def to_contract(self) -> dict[str, Any]:
        """The JSON object of the extraction contract."""
        return {
            "document": self.document,
            "language": self.language,
            "relevant": self.relevant,
            "events": [event.to_contract() for event in self.events],
            "aggregates": [aggregate.to_contract() for aggregate in self.aggregates],
        }
