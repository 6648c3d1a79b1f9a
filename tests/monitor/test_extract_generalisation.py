"""Wordings outside the labelled sets: synonyms, inflections and word orders that outlets use
for the same incidents, in English, Russian and Serbian (Latin and Cyrillic)."""

from __future__ import annotations

from typing import Any

import pytest

from havenwatch.monitor.extract import extract_text


def extract(text: str) -> dict[str, Any]:
    result: dict[str, Any] = extract_text(text, document="t", published=None).to_contract()
    return result


def typed(text: str) -> set[tuple[str, str | None]]:
    return {(event["type"], event["country"]) for event in extract(text)["events"]}


@pytest.mark.parametrize(
    "text",
    [
        "Serbian police put Oleg Rudnev on a plane to Istanbul on Friday.",
        "Oleg Rudnev was flown back to Moscow by Serbian police on Friday.",
        "Олега Руднева депортировали из Сербии в пятницу.",
        "Сербская полиция посадила Олега Руднева на рейс в Стамбул.",
        "Oleg Rudnev je u petak vraćen u Rusiju iz Srbije.",
        "Олег Руднев је у петак принудно удаљен из Србије.",
        "Policija je Olega Rudneva u petak sprovela do granice i udaljila iz Srbije.",
    ],
)
def test_removals_carried_out_are_deportations(text: str) -> None:
    assert ("deportation", "RS") in typed(text)


@pytest.mark.parametrize(
    "text",
    [
        "In Belgrade, Oleg Rudnev asked for asylum in Serbia, saying Russia would jail him.",
        "Oleg Rudnev lodged an asylum claim in Serbia in May.",
        "Олег Руднев подал в Сербии прошение об убежище.",
        "Oleg Rudnev je u maju zatražio azil u Srbiji.",
        "Олег Руднев је у мају поднео захтев за азил у Србији.",
    ],
)
def test_asylum_applications_belong_to_the_state_asked(text: str) -> None:
    assert ("asylum_application", "RS") in typed(text)


@pytest.mark.parametrize(
    "text",
    [
        "The Asylum Office in Belgrade rejected the claim of Oleg Rudnev in June.",
        "Azilna kancelarija je u junu odbila zahtev za azil Olega Rudneva u Srbiji.",
        "Канцеларија за азил у Београду одбила је у јуну захтев Олега Руднева.",
    ],
)
def test_asylum_refusals_are_asylum_decisions(text: str) -> None:
    assert ("asylum_decision", "RS") in typed(text)


@pytest.mark.parametrize(
    "text",
    [
        "The Administrative Court in Belgrade overturned the expulsion order against Oleg Rudnev.",
        "Административный суд в Белграде отменил решение о выдворении Олега Руднева.",
        "Upravni sud u Beogradu poništio je rešenje o proterivanju Olega Rudneva.",
        "Виши суд у Београду одредио је Олегу Рудневу екстрадициони притвор.",
    ],
)
def test_court_rulings_are_court_decisions(text: str) -> None:
    assert ("court_decision", "RS") in typed(text)


@pytest.mark.parametrize(
    "text",
    [
        "After the expulsion order, Oleg Rudnev left Serbia for Montenegro.",
        "После решения о выдворении Олег Руднев уехал из Сербии в Черногорию.",
        "Posle rešenja o proterivanju Oleg Rudnev je napustio Srbiju.",
    ],
)
def test_leaving_the_host_state_is_a_departure_from_it(text: str) -> None:
    assert ("departure", "RS") in typed(text)


@pytest.mark.parametrize(
    "text",
    [
        "In 2022 Oleg Rudnev fled to Serbia from the mobilisation.",
        "В 2022 году Олег Руднев уехал в Сербию.",
        "Oleg Rudnev je 2022. otišao u Srbiju.",
    ],
)
def test_arriving_in_the_host_state_is_no_departure(text: str) -> None:
    assert "departure" not in {event_type for event_type, _ in typed(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Адвокат Руднева Предраг Лалич обжаловал решение о выдворении из Сербии.",
        "Адвокат Рудневой Бранко Маркович обжаловал решение о выдворении из Сербии.",
    ],
)
def test_a_surname_before_a_lawyers_name_stays_the_clients(text: str) -> None:
    names = {event["subject"]["name"] for event in extract(text)["events"]}
    assert names
    assert not any("Лалич" in name or "Маркович" in name for name in names)


def test_a_measure_is_not_taken_by_the_subjects_home_state() -> None:
    text = (
        "Russian activist Oleg Rudnev, who lives in Belgrade, asked for asylum, "
        "saying he would be prosecuted in Russia."
    )
    assert ("asylum_application", "RS") in typed(text)


def test_deported_from_a_state_does_not_make_it_the_subjects_nationality() -> None:
    text = "Руски активиста Олег Руднев депортован је из Србије у уторак."
    [event] = extract(text)["events"]
    assert event["subject"]["nationality"] == "RU"
    assert event["country"] == "RS"


@pytest.mark.parametrize(
    ("text", "count", "qualifier"),
    [
        ("Около десятка россиян развернули на грузинской границе в этом месяце.", 10, "about"),
        (
            "Roughly two dozen Russian, Belarusian and Ukrainian activists have had their "
            "Serbian residence permits revoked.",
            24,
            "about",
        ),
        (
            "Nekoliko desetina ruskih državljana ostalo je bez dozvole boravka u Srbiji.",
            20,
            "at_least",
        ),
    ],
)
def test_counted_groups_are_aggregates(text: str, count: int, qualifier: str) -> None:
    found = {(item["count"], item["qualifier"]) for item in extract(text)["aggregates"]}
    assert (count, qualifier) in found


@pytest.mark.parametrize(
    "text",
    [
        "None of my clients has been ordered to leave Serbia because of the new law, she said.",
        "Никто из моих клиентов не был выслан из Сербии, сказала она.",
        "Zakon predviđa da stranac kome je boravak otkazan mora da napusti Srbiju u roku od 30 dana.",
        (
            "A Belgrade court ordered the tabloid to pay damages to Russian director Lidiya "
            "Mirskaya. The Higher Court upheld the ruling on Monday."
        ),
    ],
)
def test_generic_legal_and_unrelated_court_statements_are_not_events(text: str) -> None:
    result = extract(text)
    assert result["events"] == []
    assert result["relevant"] is False
