"""Linguistic behaviour the extractor must get right, in English, Russian and Serbian."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from havenwatch.monitor.extract import extract_text


def events(text: str, published: date | None = None) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = extract_text(
        text, document="t", published=published
    ).to_contract()["events"]
    return result


def types(text: str, published: date | None = None) -> set[str]:
    return {event["type"] for event in events(text, published)}


@pytest.mark.parametrize(
    "text",
    [
        "Ivan Sorokin was not detained at the border.",
        "Ivan Sorokin fears that he will be deported to Russia.",
        "Ivan Sorokin could face an entry ban.",
        "Ivan Sorokin said he will appeal the decision.",
        "Ивана Сорокина не задержали на границе.",
        "Ивану Сорокину грозит депортация в Россию.",
        "Иван Сорокин может быть выслан из Сербии.",
        "Ivan Sorokin nije uhapšen na granici.",
        "Ivanu Sorokinu preti proterivanje iz Srbije.",
        "Ivan Sorokin će uložiti žalbu.",
    ],
)
def test_negated_and_modal_events_are_not_events(text: str) -> None:
    assert events(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Some activists were banned from entering the country.",
        "Many Russians have had their residence permits revoked.",
        "Некоторых активистов не пустили в страну.",
        "Neki aktivisti su proterani iz Srbije.",
    ],
)
def test_generic_statements_are_not_events(text: str) -> None:
    assert events(text) == []


def test_one_sentence_can_state_several_events() -> None:
    text = (
        "Olga Demina was declared a threat to national security, "
        "leading to the revocation of her residence permit."
    )
    assert types(text) == {"security_designation", "residence_revoked"}


def test_rejected_appeal_is_an_appeal_and_a_court_decision() -> None:
    found = types("The Administrative Court rejected the appeal of Pavel Lukin.")
    assert {"appeal", "court_decision"} <= found


def test_pronoun_refers_back_to_the_named_person() -> None:
    text = "Marina Kuzmina, 41, is a Russian designer. On Monday she was detained in Belgrade."
    [event] = events(text)
    assert event["subject"]["name"] == "Marina Kuzmina"
    assert (event["subject"]["age"], event["subject"]["nationality"]) == (41, "RU")


def test_surname_later_refers_back_to_the_named_person() -> None:
    text = "Police questioned Gleb Orlov last year. In March Orlov was expelled from Serbia."
    [event] = events(text)
    assert event["subject"]["name"] == "Gleb Orlov"
    assert event["type"] == "expulsion_order"


def test_russian_inflected_name_is_given_in_the_nominative() -> None:
    [event] = events("Сербские власти выслали Елену Копосову из страны.")
    assert event["subject"]["name"] == "Елена Копосова"
    assert event["subject"]["gender"] == "female"


def test_serbian_inflected_name_is_given_in_the_nominative() -> None:
    found = events("Eleni Koposovoj je ukinut boravak u Srbiji.")
    assert [event["subject"]["name"] for event in found] == ["Elena Koposova"]


def test_described_person_without_name_is_an_event() -> None:
    [event] = events("A 54-year-old Russian woman was refused entry at Belgrade airport.")
    assert event["type"] == "entry_ban"
    assert event["subject"] == {"name": None, "nationality": "RU", "age": 54, "gender": "female"}


def test_relative_named_in_passing_gets_no_event() -> None:
    text = "Pavel Gorin, whose wife Irina stayed in Belgrade, was expelled from Serbia."
    assert [event["subject"]["name"] for event in events(text)] == ["Pavel Gorin"]


def test_deportation_destination_is_not_the_country_of_the_measure() -> None:
    [event] = events("Ivan Sorokin was deported to Russia by Serbian police.")
    assert (event["type"], event["country"], event["authority"]) == (
        "deportation",
        "RS",
        "interior_ministry",
    )


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Police ordered Ivan Sorokin to leave Serbia within 30 days.", 30),
        ("Ivan Sorokin was ordered to leave Serbia within two weeks.", 14),
        ("Ivan Sorokin was told to leave the country within 48 hours.", 2),
        ("Ивану Сорокину приказали покинуть Сербию в течение 15 дней.", 15),
        ("Ivanu Sorokinu je naloženo da napusti Srbiju u roku od 30 dana.", 30),
    ],
)
def test_deadline_days_convert_units_and_number_words(text: str, days: int) -> None:
    orders = [event for event in events(text) if event["type"] == "expulsion_order"]
    assert [event["deadline_days"] for event in orders] == [days]
