"""Round 5: whole classes of errors found on devset4, fixed in English, Russian and Serbian
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
