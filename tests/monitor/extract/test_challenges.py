"""Challenge files: one per phenomenon, under `challenges/`, each a list of cases (a text,
its language, the publication date, the events expected), run by one parametrised test.

An expected event names only the fields that matter for the phenomenon (`type` always;
`name`, `country`, `date`, `authority`, `nationality`, `age` when given; names compared as
the scorer does: across scripts and case endings). `exact` says which produced events the
case accounts for: `true` all of them, a list of types those types only, `false` none
beyond the expected ones. The round-named test files were folded in by phenomenon: their
cases with such an outcome are challenge files now; those that check dates, authorities,
ages or narrators stay as tests in the phenomenon-named modules beside this one.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from havenwatch.core.names import names_match
from havenwatch.monitor.extract import ExtractedEvent, extract_text

CHALLENGES = Path(__file__).resolve().parent / "challenges"
FIELDS = ("country", "date", "authority")
SUBJECT_FIELDS = ("nationality", "age")


def challenge_cases() -> list[Any]:
    cases = []
    for path in sorted(CHALLENGES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for number, case in enumerate(data["cases"], start=1):
            cases.append(pytest.param(case, id=f"{path.stem}-{number}"))
    return cases


def fits(wanted: dict[str, Any], event: ExtractedEvent) -> bool:
    if wanted["type"] != event.type:
        return False
    if "name" in wanted and not (
        event.subject.name and names_match(wanted["name"], event.subject.name)
    ):
        return False
    if any(field in wanted and wanted[field] != getattr(event, field) for field in FIELDS):
        return False
    return not any(
        field in wanted and wanted[field] != getattr(event.subject, field)
        for field in SUBJECT_FIELDS
    )


def unmatched(expected: list[dict[str, Any]], produced: list[ExtractedEvent]) -> list[Any]:
    """Expected events no produced event fits, each produced event used once."""
    left = list(produced)
    missing = []
    for wanted in expected:
        found = next((event for event in left if fits(wanted, event)), None)
        if found is None:
            missing.append(wanted)
        else:
            left.remove(found)
    return missing


def accounted(exact: bool | list[str], event: ExtractedEvent) -> bool:
    return exact is True or (isinstance(exact, list) and event.type in exact)


@pytest.mark.parametrize("case", challenge_cases())
def test_challenge(case: dict[str, Any]) -> None:
    published = date.fromisoformat(case["published"]) if case.get("published") else None
    result = extract_text(case["text"], document="challenge", published=published)
    produced = list(result.events)
    if "language" in case:
        assert result.language == case["language"]
    expected = case["expected"]
    assert unmatched(expected, produced) == [], [e.to_contract() for e in produced]
    counted = [event for event in produced if accounted(case["exact"], event)]
    assert len(counted) <= len(expected), [e.to_contract() for e in produced]


def test_every_phenomenon_file_names_its_phenomenon_and_has_cases() -> None:
    for path in sorted(CHALLENGES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["phenomenon"] and data["cases"], path.name
