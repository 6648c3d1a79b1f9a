"""The extractor run on a test's own text, and the parts of its result tests look at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from havenwatch.monitor.extract import extract_text


@dataclass(frozen=True)
class Probe:
    """Extracts texts as if published on `published` (relative dates resolve against it)."""

    published: date

    def extract(self, text: str) -> dict[str, Any]:
        result: dict[str, Any] = extract_text(
            text, document="t", published=self.published
        ).to_contract()
        return result

    def events(self, text: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.extract(text)["events"]
        return found

    def named(self, text: str) -> set[tuple[str, str | None]]:
        """(event type, subject's name) of every event."""
        return {(event["type"], event["subject"]["name"]) for event in self.events(text)}

    def count(self, text: str, event_type: str) -> int:
        return sum(1 for event in self.events(text) if event["type"] == event_type)
