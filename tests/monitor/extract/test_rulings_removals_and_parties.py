"""General mechanisms, checked on fresh wordings in English, Russian and Serbian (both
scripts): denials, arrests in absentia, other genres that must yield nothing, court
rulings (ECtHR Rule 39 included), removals, facilities, lawyers' clients, digests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from havenwatch.monitor.extract import extract_text

PUBLISHED = date(2025, 2, 10)


def extract(text: str) -> dict[str, Any]:
    result: dict[str, Any] = extract_text(text, document="t", published=PUBLISHED).to_contract()
    return result


def typed(text: str) -> set[tuple[str, str | None]]:
    return {(event["type"], event["country"]) for event in extract(text)["events"]}


def by_name(text: str) -> dict[str, dict[str, Any]]:
    return {event["subject"]["name"]: event["subject"] for event in extract(text)["events"]}


def test_a_contrast_after_a_denial_restores_the_event() -> None:
    text = (
        "Lev Arkhipov denied that he had broken any law, but the police detained him "
        "in Belgrade on Friday."
    )
    assert ("detention", "RS") in typed(text)


def test_a_detention_beside_an_arrest_in_absentia_still_counts() -> None:
    text = (
        "Serbian police detained Lev Arkhipov in Belgrade, whom a Moscow court had "
        "arrested in absentia."
    )
    assert ("detention", "RS") in typed(text)


@pytest.mark.parametrize(
    "text",
    [
        "Second-year student Lev Arkhipov was expelled from the university in Tomsk.",
        "Студента Льва Архипова отчислили из университета за пост против войны.",
        "Defender Lev Arkhipov was sent off in the 81st minute for a second yellow card.",
        "Вратарь Лев Архипов был удалён с поля на 70-й минуте матча.",
        "Golman Lev Arhipov dobio je crveni karton u 70. minutu utakmice.",
        "Russia's Justice Ministry put the Belgrade-based writer Lev Arkhipov on its "
        "register of foreign agents.",
        "Lev Arkhipov was fined 15,000 dinars for an unregistered rally in Belgrade.",
        "The draft law would let the police expel any foreigner deemed a security risk.",
        "Nacrt zakona predviđa da policija može da otkaže boravak strancu.",
        "Some 300,000 Russian tourists visited Montenegro last summer, the statistics office said.",
    ],
)
def test_other_genres_yield_nothing(text: str) -> None:
    result = extract(text)
    assert result["events"] == []
    assert result["relevant"] is False


@pytest.mark.parametrize(
    "text",
    [
        "Kazakh border guards handed Lev Arkhipov over to Russian officers at a crossing "
        "near Petropavl.",
        "Serbian police drove Lev Arkhipov to the Hungarian border and removed him from the "
        "country.",
    ],
)
def test_removals_name_the_removing_state(text: str) -> None:
    events = typed(text)
    assert any(kind == "deportation" for kind, _ in events)
    assert ("deportation", "RU") not in events
    assert ("deportation", "HU") not in events


@pytest.mark.parametrize(
    "text",
    [
        "Адвокат Льва Архипова обжаловал решение МВД Сербии в суде.",
        "Advokat Leva Arhipova uložio je žalbu na rešenje MUP-a Srbije.",
        "The lawyer of Lev Arkhipov appealed against the decision of the Serbian police.",
    ],
)
def test_a_name_after_a_lawyer_word_can_be_the_client(text: str) -> None:
    events = extract(text)["events"]
    assert [event["type"] for event in events] == ["appeal"]
    assert "Ar" in events[0]["subject"]["name"] or "Ар" in events[0]["subject"]["name"]


def test_a_lawyer_named_in_the_nominative_is_no_subject() -> None:
    text = "Его адвокат Анна Смирнова подала жалобу в Административный суд Сербии."
    assert all(event["subject"]["name"] != "Анна Смирнова" for event in extract(text)["events"])


def test_digest_items_keep_each_persons_age() -> None:
    text = (
        "Cases of the month\n\n"
        "– Lev Arkhipov, 41: detained by police in Novi Sad on 3 January.\n"
        "– Sofia Gerasimova (27), Belarusian translator: her residence permit was revoked "
        "in Serbia on 9 January.\n"
    )
    people = by_name(text)
    assert people["Lev Arkhipov"]["age"] == 41
    assert people["Sofia Gerasimova"]["age"] == 27
    assert people["Sofia Gerasimova"]["nationality"] == "BY"


def test_a_host_state_named_only_as_entered_is_the_reports_state() -> None:
    text = (
        "1. Лев Архипов: 3 января ему отказали во въезде в Сербию.\n"
        "2. София Герасимова: 9 января у неё аннулировали ВНЖ."
    )
    assert ("residence_revoked", "RS") in typed(text)


@pytest.mark.parametrize("surname", ["Пастухов", "Ахмедов", "Кузнецов"])
def test_russian_surnames_in_the_nominative_stay_whole(surname: str) -> None:
    text = f"Глеб {surname} был задержан полицией в Белграде."
    assert f"Глеб {surname}" in by_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "The police turned down Lev Arkhipov's request to extend his residence in Serbia.",
        "Moscow has asked Montenegro to extradite Lev Arkhipov.",
        "Lev Arkhipov requested international protection at Belgrade airport.",
    ],
)
def test_more_wordings_of_measures(text: str) -> None:
    kinds = {kind for kind, _ in typed(text)}
    assert kinds & {"residence_denied", "extradition_request", "asylum_application"}
