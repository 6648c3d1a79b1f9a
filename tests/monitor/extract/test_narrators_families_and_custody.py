"""General mechanisms for harder genres, checked on fresh wordings in English, Russian and
Serbian (both scripts): first-person narration, couples and families, questions, custody
in extradition cases, the state a paragraph is set in, and names of bodies."""

from __future__ import annotations

from datetime import date

import pytest
from tests.monitor.extract_support import Probe

PROBE = Probe(date(2025, 3, 12))
extract, events, named, count = PROBE.extract, PROBE.events, PROBE.named, PROBE.count


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "The Ukrainian translator Mykola Hrytsenko, 41, has lived in Novi Sad since "
            "2019.\n\nWhat happened in January?\n\nI came back from Vienna and the officer "
            "at the border told me that I was banned from entering Serbia.",
            "Mykola Hrytsenko",
        ),
        (
            "Журналист Тимофей Ласточкин, 38 лет, два года жил в Подгорице.\n\n"
            "— Что случилось?\n\n— В феврале меня задержали прямо в редакции.",
            "Тимофей Ласточкин",
        ),
        (
            "Ruska glumica Vasilisa Kornejeva (33) živi u Beogradu od 2022.\n\n"
            "Šta se desilo?\n\n– Policija mi je u decembru ukinula privremeni boravak.",
            "Vasilisa Kornejeva",
        ),
        (
            "Руска глумица Василиса Корнејева (33) живи у Београду од 2022.\n\n"
            "Шта се десило?\n\n– Полиција ми је у децембру укинула привремени боравак.",
            "Василиса Корнејева",
        ),
    ],
)
def test_first_person_narration_is_the_interviewee(text: str, name: str) -> None:
    assert {event["subject"]["name"] for event in events(text)} == {name}


def test_first_person_in_a_quote_is_the_quoted_speaker() -> None:
    text = (
        "Arseny Volkov, 29, a Russian programmer, settled in Belgrade in 2022. His friend "
        'Gleb Orekhov said on Monday: "I was detained at the airport for five hours," '
        "Orekhov said."
    )
    assert named(text) == {("detention", "Gleb Orekhov")}


def test_a_lawyer_speaking_of_my_clients_creates_no_event() -> None:
    text = (
        'The lawyer Jelena Simić advises exiles in Niš. "Not one of my clients has been '
        'told to leave yet," she said.'
    )
    assert events(text) == []


@pytest.mark.parametrize(
    ("text", "people"),
    [
        (
            "Maxim Tarasov and his wife, Inna, moved to Batumi in 2022. In May the Tarasovs "
            "applied for asylum in Georgia.",
            {"Maxim Tarasov", "Inna"},
        ),
        (
            "Анатолий и Ксения Зуевы, граждане России, подали жалобы на отказы в продлении "
            "ВНЖ в Черногории.",
            {"Анатолий Зуев", "Ксения Зуева"},
        ),
        (
            "Pavle i Darja Smirnov, državljani Rusije, podneli su tužbu Upravnom sudu u Beogradu.",
            {"Pavle Smirnov", "Darja Smirnov"},
        ),
    ],
)
def test_a_family_or_an_apposed_description_spreads_events(text: str, people: set[str]) -> None:
    assert {event["subject"]["name"] for event in events(text)} == people


@pytest.mark.parametrize(
    "text",
    [
        "Kazakhstan's police detained the Russian blogger Oleg Sirin in Almaty on 3 June. "
        "On 4 June a district court remanded him in custody for 40 days. In July the court "
        "extended his custody by two months. On 2 September an appeals court released him.",
        "Российского блогера Олега Сирина задержали в Алматы 3 июня. 4 июня районный суд "
        "санкционировал его арест на 40 суток. В июле суд продлил арест на два месяца. "
        "2 сентября городской суд отменил арест и освободил его.",
        "Ruski bloger Oleg Sirin uhapšen je u Beogradu 3. juna. Viši sud mu je 4. juna "
        "odredio ekstradicioni pritvor. Sud mu je u julu produžio pritvor. Apelacioni sud "
        "je 2. septembra ukinuo pritvor.",
    ],
)
def test_custody_is_one_detention_and_each_custody_ruling_counts(text: str) -> None:
    assert count(text, "detention") == 1
    assert count(text, "court_decision") == 3


def test_continuous_custody_is_dated_by_its_start() -> None:
    text = (
        "An appeals court in Astana on Friday freed Russian activist Oleg Sirin, who had "
        "spent two months in custody. Sirin was detained on 3 January at the airport."
    )
    detentions = [event for event in events(text) if event["type"] == "detention"]
    assert [event["date"] for event in detentions] == ["2025-01-03"]


@pytest.mark.parametrize(
    "text",
    [
        "The Belarusian poet Ales Krupenka was detained in Minsk in 2021 and again in "
        "Belgrade. Serbian police detained Krupenka again on 4 March.",
        "Сербская полиция задержала белорусского поэта Алеся Крупенко 2 марта. "
        "4 марта его снова задержали в Белграде.",
        "Policija je 2. marta privela beloruskog pesnika Alesja Krupenka u Beogradu. "
        "Ponovo je priveden 4. marta.",
    ],
)
def test_a_repeated_arrest_is_a_second_detention(text: str) -> None:
    assert count(text, "detention") >= 2


@pytest.mark.parametrize(
    ("text", "country"),
    [
        (
            "The reporter Anton Lisin flew in from Paris.\n\nIn May he was stopped at "
            "Zvartnots airport. He was held for about five hours and then admitted.",
            "AM",
        ),
        (
            "Художник Антон Лисин жил в Сербии.\n\nВ мае его остановили в аэропорту "
            "Звартноц. Его задержали на пять часов, а потом впустили.",
            "AM",
        ),
    ],
)
def test_the_paragraph_sets_the_state_of_a_sentence_without_a_place(
    text: str, country: str
) -> None:
    assert {event["country"] for event in events(text)} == {country}


def test_a_measure_named_by_its_appeal_is_the_measure_already_reported() -> None:
    text = (
        "Border police refused entry to Serbia to the Russian poet Fyodor Minaev on "
        "2 February. On 20 February his lawyer filed a lawsuit with the Administrative "
        "Court against the entry ban."
    )
    assert count(text, "entry_ban") == 1
    assert count(text, "appeal") == 1


def test_a_possessed_relative_is_someone_else() -> None:
    text = (
        "A Russian anti-war activist was refused entry to Serbia at Belgrade airport on "
        "Monday. Ilya Gromov, 35, had lived in Novi Sad since 2022. Gromov's wife stayed "
        "in Novi Sad."
    )
    assert named(text) == {("entry_ban", "Ilya Gromov")}


def test_a_name_of_any_origin_is_told_apart_by_an_age_description() -> None:
    text = (
        "Georgia has cancelled the residence permit of Lukas Brenner, a 47-year-old Austrian "
        "photographer, the interior ministry said."
    )
    assert named(text) == {("residence_revoked", "Lukas Brenner")}


@pytest.mark.parametrize(
    "text",
    [
        "The translator Zlata Orlik said that her request to renew temporary residence was "
        "turned down by the police in Belgrade.",
        "Заявление переводчицы Златы Орлик о продлении временного ВНЖ полиция Белграда отклонила.",
        "Policija u Beogradu odbila je zahtev prevoditeljke Zlate Orlik za produženje "
        "privremenog boravka.",
        "Полиција у Београду одбила је захтев преводитељке Злате Орлик за продужење "
        "привременог боравка.",
    ],
)
def test_a_refused_request_to_extend_residence(text: str) -> None:
    assert [event["type"] for event in events(text)] == ["residence_denied"]
