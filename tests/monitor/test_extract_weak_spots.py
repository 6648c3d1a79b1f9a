"""Mechanisms for the extractor's known weak spots, on fresh wordings in English, Russian and
Serbian (both scripts): interviews introduced by a host, legal explainers, counted rulings,
criminal courts of the home state, home towns, organisations, couples named after the lead,
vague counts, modals past an aside, reporting dates and rulings of different bodies."""

from __future__ import annotations

from datetime import date

import pytest
from tests.monitor.extract_support import Probe

PROBE = Probe(date(2025, 4, 16))
extract, events, named, count = PROBE.extract, PROBE.events, PROBE.named, PROBE.count


@pytest.mark.parametrize(
    ("text", "guest"),
    [
        (
            "Marta Ilic runs a shelter in Nis where we met Boris Lanin, a 33-year-old "
            "carpenter who agreed to talk.\n\nWhat happened?\n\nIn March the police "
            "revoked my residence permit.",
            "Boris Lanin",
        ),
        (
            "Беседу организовала Ольга Рябова из фонда «Мост». Наш собеседник — Степан "
            "Гусев, 38 лет.\n\n— Что случилось?\n\n— В марте у меня аннулировали вид на "
            "жительство.",
            "Степан Гусев",
        ),
        (
            "Sa Jelenom Perić iz udruženja „Luka“ razgovarali smo o Timuru Saljakovu (40).\n\n"
            "Šta se desilo?\n\n– U martu mi je policija ukinula privremeni boravak.",
            "Timur Saljakov",
        ),
    ],
)
def test_interviewee_introduced_after_the_host_is_the_narrator(text: str, guest: str) -> None:
    assert named(text) == {("residence_revoked", guest)}


@pytest.mark.parametrize(
    "text",
    [
        "Under the law, a foreigner whose permit is cancelled is usually ordered to leave "
        "within 15 days. He or she may appeal to the ministry.",
        "Иностранец, которому отказали в продлении, обязан покинуть страну. Тот, кто не "
        "выехал вовремя, может быть задержан.",
        "Stranac kome je otkazan boravak mora da napusti Srbiju. Protiv rešenja o otkazu "
        "boravka dozvoljena je žalba ministarstvu.",
    ],
)
def test_law_explained_for_a_generic_foreigner_yields_no_events(text: str) -> None:
    result = extract(text)
    assert result["events"] == []
    assert result["relevant"] is False


@pytest.mark.parametrize(
    "text",
    [
        "Kazakh blogger Arman Dosov, 31, is held in Belgrade. The Higher Court has extended "
        "his extradition custody twice.",
        "Суд в Алматы дважды продлил экстрадиционный арест белорусу Олегу Климовичу, 29 лет.",
        "Viši sud je dva puta produžio ekstradicioni pritvor novinaru Firuzu Karimovu (35).",
        "Узбекистанском блогеру Ботиру Алимову притвор је продужен два пута.",
    ],
)
def test_a_ruling_made_twice_is_two_court_decisions(text: str) -> None:
    assert count(text, "court_decision") == 2


@pytest.mark.parametrize(
    "text",
    [
        "A district court in Moscow remanded the Russian activist Ilya Somov, 30, in custody "
        "for two months on charges of discrediting the army.",
        "Московский суд заочно приговорил российского блогера Кирилла Осипова к пяти "
        "годам колонии. Осипов обжаловал приговор в суде в Москве.",
    ],
)
def test_criminal_courts_of_the_home_state_decide_no_measure(text: str) -> None:
    assert not {"court_decision", "appeal"} & {event["type"] for event in events(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Police in Belgrade detained Oleg Varin, a 27-year-old engineer from Omsk, on Monday.",
        "В понедельник в Белграде задержали Олега Варина, инженера из Омска.",
        "Policija je u ponedeljak privela Olega Varina (27), inženjera iz Omska.",
    ],
)
def test_a_home_town_in_russia_makes_the_person_russian(text: str) -> None:
    found = events(text)
    assert [event["subject"]["nationality"] for event in found] == ["RU"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Полиция задержала уроженку Перми Зою Лаврову в понедельник.",
            "Зоя Лаврова",
        ),
        (
            "Граничари су вратили програмера из Омска Тимура Јусупова (32) са прелаза.",
            "Тимур Јусупов",
        ),
    ],
)
def test_a_home_town_before_the_name_is_not_part_of_it(text: str, name: str) -> None:
    assert {event["subject"]["name"] for event in events(text)} == {name}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Полиција је привела руског музичара Павла Рјабова (38).", "Павел Рјабов"),
        ("Policija je privela Stepanom Grekovim (41) u ponedeljak.", "Stepan Grekov"),
    ],
)
def test_serbian_case_forms_give_the_nominative_with_its_dropped_vowel(
    text: str, name: str
) -> None:
    assert {event["subject"]["name"] for event in events(text)} == {name}


def test_a_capitalised_name_after_an_organisation_word_is_no_person() -> None:
    text = (
        "At least a dozen Russians were, according to the Belgrade group Exile Aid, refused "
        "entry at the border last year."
    )
    result = extract(text)
    assert result["events"] == []
    assert [aggregate["count"] for aggregate in result["aggregates"]] == [12]


def test_a_couple_in_the_lead_is_the_pair_named_next() -> None:
    text = (
        "A Russian couple who ran a bakery in Kotor have left Montenegro after police "
        "ordered them to leave within ten days. Inna Gorina, 36, and her husband Petr, 40, "
        "received the decisions on 2 April."
    )
    found = named(text)
    assert ("expulsion_order", "Inna Gorina") in found
    assert ("expulsion_order", "Petr") in found
    assert {event["subject"]["nationality"] for event in events(text)} == {"RU"}


@pytest.mark.parametrize(
    "text",
    [
        "Полиција је 60-годишњој Рускињи из Сочија отказала боравак. Центар наводи да је "
        "поднето више од 150 жалби.",
        "The police cancelled the residence of a 60-year-old Russian woman. More than 150 "
        "appeals were filed last year.",
    ],
)
def test_a_large_count_of_appeals_is_no_appeal_of_one_person(text: str) -> None:
    assert count(text, "appeal") == 0


@pytest.mark.parametrize(
    "text",
    [
        "Lawyers say courts can, in more serious cases, order the removal of Ivan Petrov.",
        "Он боится, что его, если выдадут, в Таджикистане арестуют.",
        "Sapar Ermekov (40) kaže da će ga, ako ga izruče, u Kazahstanu uhapsiti.",
    ],
)
def test_a_modal_reaches_the_trigger_past_a_short_aside(text: str) -> None:
    assert events(text) == []


def test_a_date_after_a_reporting_verb_dates_the_report_not_the_event() -> None:
    text = (
        "Russian activist Denis Orlov, 35, was ordered to leave Serbia, his lawyer said on Monday."
    )
    orders = [event for event in events(text) if event["type"] == "expulsion_order"]
    assert [event["date"] for event in orders] == [None]


def test_rulings_of_the_ministry_and_of_the_court_are_two_decisions() -> None:
    text = (
        "Serbia's Administrative Court annulled the refusal to extend the residence of "
        "Russian journalist Vera Nikitina, 29. She had sued in October, after the ministry "
        "dismissed her first appeal."
    )
    assert count(text, "court_decision") == 2


def test_a_lawyer_from_another_state_is_a_subject_of_her_own() -> None:
    text = (
        "Georgian border guards barred a Russian human rights lawyer from entering the "
        "country on Friday. Nadezhda Kuzina, 44, was sent back to Istanbul."
    )
    assert ("entry_ban", "Nadezhda Kuzina") in named(text)


@pytest.mark.parametrize(
    "text",
    [
        "Полиция отказала Ирине Котовой в продлении ВНЖ. Жалобу она подавать не стала.",
        "Пока дело рассматривается, выслать Ирину Котову из Черногории не могут.",
    ],
)
def test_russian_denial_after_the_trigger_blocks_it(text: str) -> None:
    types = {event["type"] for event in events(text)}
    assert not types & {"appeal", "deportation", "expulsion_order"}
