"""Whole classes of errors, in English, Russian and Serbian
(both scripts): dates counted back from the report, the weekday of the week before, the
asylum office as part of the interior ministry, occupations that introduce a named person."""

from __future__ import annotations

from datetime import date

import pytest
from tests.monitor.extract_support import Probe

THURSDAY = Probe(date(2025, 2, 13))
events = THURSDAY.events


def only_event(text: str) -> dict[str, object]:
    found = events(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text",
    [
        "Police detained the Russian activist Gleb Somov in Belgrade last Thursday.",
        "В прошлый четверг полиция задержала в Белграде российского активиста Глеба Сомова.",
        "Policija je prošlog četvrtka u Beogradu privela ruskog aktivistu Gleba Somova.",
        "Полиција је прошлог четвртка у Београду привела руског активисту Глеба Сомова.",
    ],
)
def test_last_weekday_named_on_that_weekday_is_a_week_back(text: str) -> None:
    assert only_event(text)["date"] == "2025-02-06"


@pytest.mark.parametrize(
    "text",
    [
        "Police detained the Russian activist Gleb Somov in Belgrade the day before yesterday.",
        "Позавчера полиция задержала в Белграде российского активиста Глеба Сомова.",
        "Policija je prekjuče u Beogradu privela ruskog aktivistu Gleba Somova.",
        "Полиција је пре два дана у Београду привела руског активисту Глеба Сомова.",
    ],
)
def test_days_counted_back_give_the_day(text: str) -> None:
    assert only_event(text)["date"] == "2025-02-11"


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("Police detained the Russian activist Gleb Somov in Belgrade two weeks ago.", "2025-01"),
        (
            "Две недели назад полиция задержала в Белграде российского активиста Глеба Сомова.",
            "2025-01",
        ),
        (
            "Policija je pre dve nedelje u Beogradu privela ruskog aktivistu Gleba Somova.",
            "2025-01",
        ),
        ("Полиција је прошле недеље у Београду привела руског активисту Глеба Сомова.", "2025-02"),
    ],
)
def test_weeks_counted_back_give_only_the_month(text: str, month: str) -> None:
    assert only_event(text)["date"] == month


@pytest.mark.parametrize(
    "text",
    [
        "The Asylum Office rejected the asylum application of the Russian deserter Ivan Melnik.",
        "Kancelarija za azil odbila je zahtev za azil ruskog programera Ivana Melnika.",
        "Канцеларија за азил одбила је захтев за азил руског програмера Ивана Мелника.",
    ],
)
def test_the_asylum_office_decides_for_the_interior_ministry(text: str) -> None:
    decision = next(event for event in events(text) if event["type"] == "asylum_decision")
    assert decision["authority"] == "interior_ministry"


@pytest.mark.parametrize(
    "text",
    [
        "Serbian police ordered Russian chess coach Pavel Dorokhin to leave the country.",
        "Полиция Сербии предписала российскому тренеру Павлу Дорохину покинуть страну.",
        "Policija je naložila ruskom treneru Pavlu Dorohinu da napusti Srbiju.",
        "Полиција је наложила руском тренеру Павлу Дорохину да напусти Србију.",
    ],
)
def test_an_occupation_between_nationality_and_name_keeps_the_nationality(text: str) -> None:
    assert only_event(text)["subject"]["nationality"] == "RU"


@pytest.mark.parametrize(
    "text",
    [
        "Serbian police ordered the Russian activist Vladislav Ptichkin to leave the country. "
        "Ptichkin was not willing to wait to be deported.",
        "Полиция предписала российскому активисту Владиславу Птичкину покинуть Сербию. "
        "Птичкин не стал ждать, пока его депортируют.",
        "Policija je naložila ruskom aktivisti Vladislavu Ptičkinu da napusti Srbiju. Ptičkin "
        "nije hteo da čeka da bude deportovan.",
    ],
)
def test_waiting_to_be_removed_is_no_removal(text: str) -> None:
    assert {event["type"] for event in events(text)} == {"expulsion_order"}


@pytest.mark.parametrize(
    ("text", "authority"),
    [
        ("Russian activist Yulia Semina appealed to the Asylum Commission.", "other"),
        ("Руска активисткиња Јулија Семина уложила је жалбу Комисији за азил.", "other"),
        (
            "Police at Nikola Tesla airport refused entry to Russian journalist Darya Melnik.",
            "border_police",
        ),
    ],
)
def test_bodies_named_indirectly_get_their_authority(text: str, authority: str) -> None:
    assert only_event(text)["authority"] == authority


def test_a_serbian_report_naming_only_a_home_town_is_about_serbia() -> None:
    text = (
        "Канцеларија за азил одбила је захтев за азил Ивана Мелешкина (22), који је напустио "
        "јединицу у Белгороду."
    )
    assert {event["country"] for event in events(text)} == {"RS"}


@pytest.mark.parametrize(
    "text",
    [
        "The Administrative Court rejected the lawsuit of Russian activist Timur Zaslavsky.",
        "Административный суд отклонил иск российского активиста Глеба Сомова.",
        "Upravni sud odbio je tužbu ruskog aktiviste Gleba Somova.",
        "Управни суд одбио је тужбу руског активисте Глеба Сомова.",
    ],
)
def test_a_presupposed_appeal_went_to_the_body_that_decided_it(text: str) -> None:
    appeal = next(event for event in events(text) if event["type"] == "appeal")
    assert appeal["authority"] == "court"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Russian blogger Timur Zaslavsky, 33, was detained on Monday. He was held at the "
            "Padinska Skela shelter until the flight.",
            "Timur Zaslavsky",
        ),
        (
            "Ruski muzičar Lev Dudin (35) uhapšen je u ponedeljak i predat bosanskoj graničnoj "
            "policiji na prelazu Sremska Rača.",
            "Lev Dudin",
        ),
        (
            "Ruski aktivista Arkadij Semjonov (44) uhapšen je u oktobru po Interpolovoj poternici.",
            "Arkadij Semjonov",
        ),
    ],
)
def test_detention_centres_crossings_and_interpol_are_no_people(text: str, name: str) -> None:
    assert {event["subject"]["name"] for event in events(text)} == {name}


@pytest.mark.parametrize(
    "text",
    [
        "Serbian police put Kazakh activist Nurlan Seitkali on a plane to Almaty on Saturday. "
        "It is the second deportation of a Kazakh national from Serbia this year.",
        "Сербская полиция в субботу депортировала казахского активиста Нурлана Сейткали. "
        "В этом году Сербия уже второй раз депортирует гражданина Казахстана.",
    ],
)
def test_a_vaguer_date_restates_the_same_event(text: str) -> None:
    assert [event["date"] for event in events(text)] == ["2025-02-08"]
