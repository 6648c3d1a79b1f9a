"""Annotation conventions the extractor must follow, each in new wording and all languages."""

from __future__ import annotations

from typing import Any

import pytest

from havenwatch.monitor.extract import extract_text


def result(text: str) -> dict[str, Any]:
    found: dict[str, Any] = extract_text(text, document="t").to_contract()
    return found


def events(text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = result(text)["events"]
    return found


def pairs(text: str) -> set[tuple[str, str | None]]:
    return {(event["type"], event["subject"]["name"]) for event in events(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Belgrade expels Russian painter\n"
            "Serbian police ordered Russian painter Kirill Avdeev to leave the country.",
            {("expulsion_order", "Kirill Avdeev")},
        ),
        (
            "Сербия выдворила российского художника\n"
            "Полиция предписала Кириллу Авдееву покинуть Сербию в течение недели.",
            {("expulsion_order", "Кирилл Авдеев")},
        ),
        (
            "Ruski slikar proteran iz Srbije\n"
            "Policija je naložila ruskom slikaru Kirilu Avdejevu da napusti Srbiju.",
            {("expulsion_order", "Kiril Avdejev")},
        ),
    ],
)
def test_a_heading_restates_and_adds_no_event(text: str, expected: set[Any]) -> None:
    assert pairs(text) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Police detained Lev Markin and his partner Alina Sokolova in Budva on Friday.",
            {"Lev Markin", "Alina Sokolova"},
        ),
        (
            "Stepan Orlov, 30, and his wife Ekaterina Orlova, 28, arrived in 2023. "
            "In May the couple were declared a threat to national security.",
            {"Stepan Orlov", "Ekaterina Orlova"},
        ),
        (
            "Глеба Ветрова и его жену Марию задержали в Будве. Позже обоих выслали в Стамбул.",
            {"Глеб Ветров", "Мария"},
        ),
        (
            "Petar Lukin i Vera Lukina stigli su 2022. Policija ih je uhapsila u petak.",
            {"Petar Lukin", "Vera Lukina"},
        ),
    ],
)
def test_an_event_of_named_people_together_is_an_event_of_each(text: str, names: set[str]) -> None:
    named = [event["subject"]["name"] for event in events(text)]
    assert names <= set(named)


def test_the_couple_without_named_members_stays_generic() -> None:
    assert events("A Russian couple were ordered to leave Serbia, activists said.") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Irina Belova, 52, a Russian citizen, was detained on Monday, her lawyer Sanja Ilic said.",
            "Irina Belova",
        ),
        (
            "Адвокат Беловой Стефан Илич сообщил, что полиция задержала её в понедельник.",
            "Белова",
        ),
        (
            "A Belarusian blogger who criticised Alexander Lukashenko was deported from Georgia.",
            None,
        ),
    ],
)
def test_lawyers_and_politicians_named_in_passing_are_not_subjects(
    text: str, name: str | None
) -> None:
    subjects = {event["subject"]["name"] for event in events(text)}
    assert subjects == {name}


@pytest.mark.parametrize(
    ("text", "name", "age"),
    [
        ("Ahmed Karimi, 41, was refused entry at Tbilisi airport on Sunday.", "Ahmed Karimi", 41),
        ("Journalist John Whitfield was deported from Serbia in March.", "John Whitfield", None),
    ],
)
def test_names_of_any_origin_are_names_when_described(text: str, name: str, age: int) -> None:
    (event,) = events(text)
    assert (event["subject"]["name"], event["subject"]["age"]) == (name, age)


@pytest.mark.parametrize(
    "text",
    [
        "On Friday a Russian pianist from Samara was refused entry at the border.",
        "Vera Gordina was refused entry at the „Morava” airport near Kraljevo.",
    ],
)
def test_places_and_quoted_titles_are_not_names(text: str) -> None:
    names = {event["subject"]["name"] for event in events(text)}
    assert names <= {None, "Vera Gordina"}


@pytest.mark.parametrize(
    "text",
    [
        "Olga Zimina said she had been given 48 hours to lodge an appeal.",
        "Lawyers for Olga Zimina are preparing an appeal to the Administrative Court.",
        "Ольга Зимина заявила, что обжалует это решение в суде.",
        "Адвокаты Ольги Зиминой готовят жалобу в Конституционный суд.",
        "Запроса об экстрадиции Ольги Зиминой пока не поступало.",
        "Advokat Olge Zimine najavio je žalbu Upravnom sudu.",
        "Olga Zimina nikada nije zadržana, niti je ikada bila privedena.",
        "Ukoliko bude doneto rešenje, Olga Zimina će, u slučaju proterivanja, otići u Tursku.",
    ],
)
def test_future_prepared_and_denied_measures_are_not_events(text: str) -> None:
    assert events(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Russian striker Pavel Minin was expelled in the 52nd minute after a second yellow card.",
        "Российского нападающего Павла Минина удалили с поля на 52 минуте матча за красную "
        "карточку, его выслали в раздевалку.",
        "Ruski napadač Pavel Minin isključen je sa terena u 52. minutu utakmice posle crvenog "
        "kartona.",
    ],
)
def test_football_sendings_off_are_not_expulsions(text: str) -> None:
    assert result(text)["relevant"] is False


@pytest.mark.parametrize(
    "text",
    [
        "Policija je Ani Mirnoj naložila da u roku od deset dana napusti Srbiju.",
        "Полицијска управа наложила је Ани Мирној да у року од десет дана напусти земљу.",
        "Ане Мирной предписали покинуть Сербию в течение десяти дней.",
    ],
)
def test_an_order_to_leave_is_not_a_departure(text: str) -> None:
    assert {event["type"] for event in events(text)} == {"expulsion_order"}


@pytest.mark.parametrize(
    "text",
    [
        "Руском новинару Денису Жукову забрањен је улазак у Србију.",
        "Ruskom novinaru Denisu Žukovu granična policija zabranila je ulazak u Srbiju.",
        "Денису Жукову отказали во въезде в Сербию на границе с Хорватией.",
    ],
)
def test_the_state_refusing_entry_is_the_one_entered(text: str) -> None:
    assert [(event["type"], event["country"]) for event in events(text)] == [("entry_ban", "RS")]


@pytest.mark.parametrize(
    "text",
    [
        "Maxim Rudin was refused entry at Belgrade airport on Monday. He was held in the "
        "transit zone for nine hours and then put on a flight back to Dubai.",
        "Максиму Рудину отказали во въезде в Сербию. Его продержали в аэропорту девять часов "
        "и посадили на рейс обратно в Дубай.",
        "Maksimu Rudinu zabranjen je ulazak u Srbiju. Zadržan je na aerodromu devet sati, a "
        "zatim je vraćen avionom u Dubai.",
    ],
)
def test_held_at_the_border_and_flown_back_is_part_of_the_entry_ban(text: str) -> None:
    assert {event["type"] for event in events(text)} == {"entry_ban"}


@pytest.mark.parametrize(
    ("text", "count", "qualifier"),
    [
        (
            "В этом году в Грузию не пустили более десятка российских музыкантов и активистов.",
            10,
            "more_than",
        ),
        ("Last spring, three of her Russian colleagues were refused entry to Armenia.", 3, "exact"),
        ("Od januara je desetak njih dobilo zabranu ulaska u Crnu Goru.", 10, "about"),
    ],
)
def test_counted_statements_are_aggregates(text: str, count: int, qualifier: str) -> None:
    found = result(text)
    assert [(a["count"], a["qualifier"]) for a in found["aggregates"]] == [(count, qualifier)]
    assert found["events"] == []


def test_an_enumeration_of_named_people_is_not_an_aggregate() -> None:
    text = (
        "Two Russian students were refused entry at Nis airport. "
        "Kira Lapina and Yegor Zotov were each refused entry on Thursday."
    )
    found = result(text)
    assert found["aggregates"] == []
    assert {event["subject"]["name"] for event in found["events"]} == {"Kira Lapina", "Yegor Zotov"}


@pytest.mark.parametrize(
    "text",
    [
        "Semyon Gusev left Serbia on Monday after the police declined to renew his residence permit.",
        "Semyon Gusev said the police refused last month to extend his temporary residence.",
    ],
)
def test_measures_in_subordinate_clauses_are_found(text: str) -> None:
    assert "residence_denied" in {event["type"] for event in events(text)}
