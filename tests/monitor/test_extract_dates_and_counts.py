"""Dates resolved against the publication date, and counted statements (aggregates)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from havenwatch.monitor.extract import extract_text

THURSDAY = date(2024, 3, 14)


def event_date(text: str, published: date | None) -> str | None:
    [event] = extract_text(text, document="t", published=published).to_contract()["events"]
    value: str | None = event["date"]
    return value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ivan Sorokin was detained on Tuesday.", "2024-03-12"),
        ("Ивана Сорокина задержали во вторник.", "2024-03-12"),
        ("Ivan Sorokin je uhapšen u utorak.", "2024-03-12"),
        ("Ivan Sorokin was detained yesterday.", "2024-03-13"),
        ("Ivan Sorokin was detained last month.", "2024-02"),
        ("Ivan Sorokin was detained on December 7.", "2023-12-07"),
        ("Ивана Сорокина задержали 5 марта.", "2024-03-05"),
        ("Ivan Sorokin je uhapšen 5. marta 2023. godine.", "2023-03-05"),
        ("Ivan Sorokin was detained in May 2022.", "2022-05"),
        ("Ivan Sorokin was detained on 02.03.2024.", "2024-03-02"),
    ],
)
def test_dates_resolve_against_publication(text: str, expected: str) -> None:
    assert event_date(text, THURSDAY) == expected


def test_relative_dates_without_publication_date_are_null() -> None:
    assert event_date("Ivan Sorokin was detained on Tuesday.", None) is None


def aggregates(text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = extract_text(text, document="t").to_contract()["aggregates"]
    return found


@pytest.mark.parametrize(
    ("text", "count", "qualifier"),
    [
        ("At least a dozen Russian activists were banned from entering Serbia.", 12, "at_least"),
        ("Dozens of Russian activists were refused entry to Serbia.", 24, "at_least"),
        ("Roughly 1,500 Russian citizens were refused entry to Serbia.", 1500, "about"),
        ("Около десятка российских активистов выслали из Сербии.", 10, "about"),
        ("Более десятка российских активистов выслали из Сербии.", 10, "more_than"),
        ("Десятки российских активистов выслали из Сербии.", 20, "at_least"),
        ("Desetak ruskih aktivista je proterano iz Srbije.", 10, "about"),
        ("Десетак руских активиста је протерано из Србије.", 10, "about"),
    ],
)
def test_number_words_give_counts_and_qualifiers(text: str, count: int, qualifier: str) -> None:
    [aggregate] = aggregates(text)
    assert (aggregate["count"], aggregate["qualifier"]) == (count, qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "Two hundred protesters gathered outside the Interior Ministry.",
        "More than 300 people signed a letter against the expulsions.",
        "It was the sixth case of an entry ban this year.",
        "Several activists were banned from entering the country.",
    ],
)
def test_counts_of_protesters_signatories_ordinals_and_vague_words_are_not_aggregates(
    text: str,
) -> None:
    assert aggregates(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "In 2023, 40 Russians were refused entry to Serbia.",
        "On 14 March, 40 activists were refused entry to Serbia.",
        "3 марта 40 активистов не пустили в Сербию.",
    ],
)
def test_the_numbers_of_a_date_are_no_count(text: str) -> None:
    aggregates = extract_text(text, document="t", published=THURSDAY).to_contract()["aggregates"]
    assert [aggregate["count"] for aggregate in aggregates] == [40]
