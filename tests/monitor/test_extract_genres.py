"""Mechanisms for genres the older sets lack (devset3): tables and lists of counts, channel
posts that announce tomorrow's steps, case summaries headed by the claimant, appeals about
other matters, names that read as cues once diacritics are dropped, held at an airport and
sent back, long objects before "to leave", and a Serbian report that names no state."""

from __future__ import annotations

from datetime import date

import pytest
from tests.monitor.extract_support import Probe

PROBE = Probe(date(2025, 3, 12))
extract, events, named, count = PROBE.extract, PROBE.events, PROBE.named, PROBE.count


def aggregates(text: str) -> set[tuple[tuple[str, ...], int, str]]:
    return {
        (tuple(found["types"]), found["count"], found["qualifier"])
        for found in extract(text)["aggregates"]
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Measures recorded in 2024\n\nMeasure | People\nRefused entry at the border | "
            "at least 31\nResidence permit cancelled | 18\n\nRequests for information sent: 112.",
            {(("entry_ban",), 31, "at_least"), (("residence_revoked",), 18, "exact")},
        ),
        (
            "Mere u 2024. godini:\n\n- zabrana ulaska: najmanje 27 osoba\n- otkaz boravka: "
            "desetak osoba\n\nCentar je poslao 85 zahteva za pristup informacijama.",
            {(("entry_ban",), 27, "at_least"), (("residence_revoked",), 10, "about")},
        ),
    ],
)
def test_a_table_or_list_row_counting_people_of_a_measure_is_an_aggregate(
    text: str, expected: set[tuple[tuple[str, ...], int, str]]
) -> None:
    assert aggregates(text) == expected


def test_a_row_without_a_measure_is_no_aggregate() -> None:
    result = extract("Our year in numbers\n\nCalls to the hotline | 240\nVolunteers | 31")
    assert result["aggregates"] == []
    assert result["relevant"] is False


@pytest.mark.parametrize(
    "text",
    [
        "In February nine people asked us for help after being refused entry; four of them "
        "agreed to have their cases published.",
        "В феврале к нам обратились девять человек, которым отказали во въезде; четверо из "
        "них согласились рассказать свои истории.",
    ],
)
def test_a_part_of_a_counted_group_without_its_own_measure_is_no_aggregate(text: str) -> None:
    assert {found[1] for found in aggregates(text)} == {9}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "Police detained Yegor Shtyrov, 27, this morning.\nAppeal goes in tomorrow.",
            "detention",
        ),
        (
            "Policija je jutros privela Artjoma Rudakova (30).\nAdvokat sutra podnosi žalbu.",
            "detention",
        ),
        (
            "Полиция сегодня задержала Глеба Аксенова (34).\nЖалобу адвокат подаёт завтра.",
            "detention",
        ),
    ],
)
def test_a_step_dated_after_the_report_has_not_happened(text: str, kept: str) -> None:
    assert {event["type"] for event in events(text)} == {kept}


@pytest.mark.parametrize(
    "text",
    [
        "The Administrative Court annulled a decision that refused a building permit to "
        "Milan Stojkovic, who appealed to the city and then sued.",
        "Upravni sud poništio je rešenje kojim je Marku Petroviću odbijen zahtev za "
        "građevinsku dozvolu, a on se prvo žalio gradskom sekretarijatu.",
        "Арбитражный суд отклонил жалобу Сергея Батурина на решение налоговой службы.",
    ],
)
def test_appeals_and_rulings_about_another_matter_are_no_events(text: str) -> None:
    result = extract(text)
    assert result["events"] == []
    assert result["relevant"] is False


def test_a_ruling_alone_without_another_matter_is_still_an_event() -> None:
    text = "The Administrative Court returned the case of Lev Arkhipov for reconsideration."
    assert named(text) == {("court_decision", "Lev Arkhipov")}


@pytest.mark.parametrize(
    "text",
    [
        "Алини Ромашовој је јуче на аеродрому у Нишу забрањен улазак у Србију.",
        "Alini Romašovoj je juče na aerodromu u Nišu zabranjen ulazak u Srbiju.",
    ],
)
def test_a_capitalised_place_is_not_a_negation_cue(text: str) -> None:
    assert {event["type"] for event in events(text)} == {"entry_ban"}


@pytest.mark.parametrize(
    "text",
    [
        "In June the journalist Oleg Pryadko was held at Podgorica airport for six hours and "
        "sent back to Istanbul.",
        "В июне журналиста Олега Прядко продержали в аэропорту Подгорицы шесть часов и "
        "отправили обратно в Стамбул.",
        "Novinar Oleg Prjadko je u junu zadržan na aerodromu u Podgorici šest sati i vraćen "
        "nazad u Istanbul.",
    ],
)
def test_held_at_an_airport_and_sent_back_is_an_entry_ban(text: str) -> None:
    assert {event["type"] for event in events(text)} == {"entry_ban"}


@pytest.mark.parametrize(
    ("text", "person"),
    [
        (
            "NOVI SAD, Serbia, March 6 (Balkan Wire) - Serbian police on Tuesday ordered "
            "Russian theatre director Kirill Vetrov to leave the country within ten days.",
            "Kirill Vetrov",
        ),
        (
            "НОВИ САД, 18. јуна (Агенција Исток) – Полиција је у понедељак наложила руском "
            "активисти Денису Малову (29) да напусти Србију у року од осам дана.",
            "Денис Малов",
        ),
    ],
)
def test_a_long_object_before_to_leave_is_still_ordered_to_leave(text: str, person: str) -> None:
    found = [event for event in events(text) if event["type"] == "expulsion_order"]
    assert [(event["subject"]["name"], event["deadline_days"]) for event in found] in (
        [(person, 10)],
        [(person, 8)],
    )


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        (
            "Administrative Court, case no. 14 U 2231/24\n\nClaimant: Taras Bilyk, a Ukrainian "
            "national.\n\nThe court dismissed the lawsuit of the claimant against the "
            "cancellation of his residence permit.",
            "Taras Bilyk",
        ),
        (
            "Upravni sud, presuda 9 U 4410/24\n\nTužilja: Natalija Kuzmina, državljanka "
            "Rusije.\n\nPolicija je otkaz boravka tužilje obrazložila ocenom BIA.",
            "Natalija Kuzmina",
        ),
    ],
)
def test_the_claimant_of_a_case_summary_is_its_subject(text: str, claimant: str) -> None:
    assert {event["subject"]["name"] for event in events(text)} == {claimant}


def test_a_prosecutor_is_still_an_official() -> None:
    text = "Javni tužilac Marko Ilić rekao je da je Nikolaju Jegorovu otkazan boravak."
    assert {name for _, name in named(text)} == {"Nikolaj Jegorov"}


def test_a_comma_after_a_role_word_closes_its_phrase() -> None:
    text = (
        "По словам защитника, 34-летнему Глебу Волкову вручили решение о выдворении: он "
        "должен покинуть страну в течение 15 дней."
    )
    assert named(text) == {("expulsion_order", "Глеб Волков")}


def test_a_serbian_report_that_names_no_state_speaks_of_serbia() -> None:
    found = events("Ukrajinki Oleni Tkačuk (52) boravak je otkazan u julu.")
    assert [(event["type"], event["country"]) for event in found] == [("residence_revoked", "RS")]


@pytest.mark.parametrize(
    "text",
    [
        "Preporučujemo da nas kontaktirate što pre, jer su rokovi za žalbu kratki, rekla je "
        "Ana Kovač.",
        "Игорь Белов по вечерам обсуждает с друзьями сроки подачи жалоб.",
    ],
)
def test_a_time_limit_for_appeals_is_no_appeal(text: str) -> None:
    assert events(text) == []


@pytest.mark.parametrize(
    ("text", "people"),
    [
        (
            "The couple Lev and Alisa Markin appealed to the ministry against the refusal of "
            "their residence extension in Serbia.",
            {"Lev Markin", "Alisa Markin"},
        ),
        (
            "Супруги Ирина и Павел Зуевы обжаловали в министерстве внутренних дел Сербии отказ "
            "в продлении ВНЖ.",
            {"Ирина Зуева", "Павел Зуев"},
        ),
    ],
)
def test_a_plural_description_right_before_names_describes_them(
    text: str, people: set[str]
) -> None:
    assert {name for kind, name in named(text) if kind == "appeal"} == people


def test_days_given_for_departure_are_an_order_to_leave() -> None:
    text = "Полиция отменила Марку Волкову вид на жительство и дала 30 дней на выезд."
    found = [event for event in events(text) if event["type"] == "expulsion_order"]
    assert [event["deadline_days"] for event in found] == [30]
