"""Names a report withholds: initials ("A. K.", "Denis V.", "Анна К.") name a person
where the report says who they are, and the contract's scoring matches the same initials."""

from __future__ import annotations

from datetime import date

import pytest

from havenwatch.core.names import names_match
from havenwatch.monitor.extract import extract_text
from havenwatch.monitor.extract.pipeline import analyse

PUBLISHED = date(2025, 4, 2)


def subjects(text: str) -> set[str | None]:
    found = extract_text(text, document="t", published=PUBLISHED).events
    return {event.subject.name for event in found}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "The police revoked the residence permit of A. K., a Russian journalist, "
            "and ordered her to leave Serbia within 30 days.",
            "A. K.",
        ),
        ("Russian activist Denis V., 34, was refused entry at Belgrade airport.", "Denis V."),
        (
            "Policija je naložila ruskom aktivisti D. M. da napusti Srbiju u roku od 30 dana.",
            "D. M.",
        ),
        ("Активистке Анне К. отказали во въезде в Сербию.", "Анне К."),
    ],
)
def test_initials_name_the_person_the_report_describes(text: str, name: str) -> None:
    assert subjects(text) == {name} or any(
        found and names_match(found, name) for found in subjects(text)
    )


def test_initials_written_together_are_an_abbreviation_not_a_person() -> None:
    analysis = analyse(
        "The U.S. embassy said nothing.", document="t", published=PUBLISHED, decisions=None
    )
    assert [mention.text for mention in analysis.mentions if mention.kind == "name"] == []


def test_initials_with_nobody_described_are_no_name() -> None:
    analysis = analyse(
        "Section A. B. applies, the court said.",
        document="t",
        published=PUBLISHED,
        decisions=None,
    )
    assert [mention.text for mention in analysis.mentions if mention.kind == "name"] == []


def test_the_same_initials_match_across_scripts_and_other_initials_do_not() -> None:
    assert names_match("A. K.", "А. К.")
    assert not names_match("A. K.", "A. M.")
    assert not names_match("A.", "Anna")
