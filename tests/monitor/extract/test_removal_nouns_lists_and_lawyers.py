"""Known weak spots, as phenomena in English, Russian and Serbian (both
scripts): deportation nouns that name a thing or a stopped removal, the state an
extradition goes to, public figures' surnames borne by other people, list items as
bounds of the subject search, relative dates between events, long objects and appeals
filed by the lawyer in the first person plural."""

from __future__ import annotations

from datetime import date

import pytest
from tests.monitor.extract_support import Probe

THURSDAY = Probe(date(2025, 2, 13))
events = THURSDAY.events
named = THURSDAY.named


@pytest.mark.parametrize(
    "text",
    [
        "Oleg Panov, a Russian citizen, was arrested in Serbia in May. "
        "The Higher Court approved his extradition to Russia.",
        "Олег Панов, гражданин России, был задержан в Сербии в мае. "
        "Высший суд одобрил его выдачу России.",
        "Oleg Panov, ruski državljanin, uhapšen je u Srbiji u maju. "
        "Viši sud odobrio je njegovo izručenje Ruskoj Federaciji.",
        "Олег Панов, руски држављанин, ухапшен је у Србији у мају. "
        "Виши суд одобрио је његово изручење Русији.",
    ],
)
def test_the_state_an_extradition_goes_to_is_not_the_one_deciding(text: str) -> None:
    rulings = [event for event in events(text) if event["type"] == "court_decision"]
    assert len(rulings) == 1, events(text)
    assert rulings[0]["country"] == "RS"


@pytest.mark.parametrize(
    "text",
    [
        "Sergei Lavrov said the Russian activist Oleg Panov was detained in Belgrade.",
        "Сергей Лавров заявил, что российского активиста Олега Панова задержали в Белграде.",
    ],
)
def test_the_public_figure_himself_is_still_no_subject(text: str) -> None:
    assert {name for _, name in named(text)} <= {"Oleg Panov", "Олег Панов"}


@pytest.mark.parametrize(
    ("text", "detained"),
    [
        (
            "Cases this month:\n"
            "- Oleg Panov, a Russian activist, was detained in Belgrade.\n"
            "- Residence permit revoked for security reasons; the family has appealed.",
            "Oleg Panov",
        ),
        (
            "Cases this month:\n"
            "1. Oleg Panov, a Russian activist, was detained in Belgrade.\n"
            "2. Residence permit revoked for security reasons.",
            "Oleg Panov",
        ),
        (
            "Случаи за месяц:\n"
            "• Олег Панов, российский активист, задержан в Белграде.\n"
            "• Вид на жительство аннулирован по соображениям безопасности.",
            "Олег Панов",
        ),
        (
            "Slučajevi ovog meseca:\n"
            "- Oleg Panov, ruski aktivista, priveden je u Beogradu.\n"
            "- Boravak otkazan iz bezbednosnih razloga.",
            "Oleg Panov",
        ),
        (
            "Случајеви овог месеца:\n"
            "* Олег Панов, руски активиста, приведен је у Београду.\n"
            "* Боравак отказан из безбедносних разлога.",
            "Олег Панов",
        ),
    ],
)
def test_a_list_item_bounds_the_search_for_a_subject(text: str, detained: str) -> None:
    assert named(text) == {("detention", detained)}


@pytest.mark.parametrize(
    ("text", "day"),
    [
        (
            "Police detained the Russian activist Oleg Panov on February 3. "
            "The next day he was ordered to leave Serbia.",
            "2025-02-04",
        ),
        (
            "Полиция задержала российского активиста Олега Панова 3 февраля. "
            "На следующий день ему приказали покинуть Сербию.",
            "2025-02-04",
        ),
        (
            "Policija je 3. februara privela ruskog aktivistu Olega Panova. "
            "Sutradan mu je naloženo da napusti Srbiju.",
            "2025-02-04",
        ),
        (
            "Полиција је 3. фебруара привела руског активисту Олега Панова. "
            "Наредног дана му је наложено да напусти Србију.",
            "2025-02-04",
        ),
    ],
)
def test_the_next_day_counts_from_the_event_before(text: str, day: str) -> None:
    order = next(event for event in events(text) if event["type"] == "expulsion_order")
    assert order["date"] == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        (
            "Police detained the Russian activist Oleg Panov on February 3. "
            "On the same day he was ordered to leave Serbia.",
            "2025-02-03",
        ),
        (
            "Полиция задержала российского активиста Олега Панова 3 февраля. "
            "В тот же день ему приказали покинуть Сербию.",
            "2025-02-03",
        ),
        (
            "Policija je 3. februara privela ruskog aktivistu Olega Panova. "
            "Istog dana mu je naloženo da napusti Srbiju.",
            "2025-02-03",
        ),
    ],
)
def test_the_same_day_is_the_day_of_the_event_before(text: str, day: str) -> None:
    order = next(event for event in events(text) if event["type"] == "expulsion_order")
    assert order["date"] == day


@pytest.mark.parametrize(
    "text",
    [
        "Police ordered the Russian activist Oleg Panov to leave Serbia. "
        '"We filed an appeal," said his lawyer Ana Ilic.',
        "Полиция приказала российскому активисту Олегу Панову покинуть Сербию. "
        "«Мы подали апелляцию», — сказала его адвокат Анна Илич.",
        "Policija je naložila ruskom aktivisti Olegu Panovu da napusti Srbiju. "
        "„Uložili smo žalbu“, rekla je njegova advokatica Ana Ilić.",
    ],
)
def test_the_lawyers_we_appealed_is_the_clients_appeal(text: str) -> None:
    appeals = [event for event in events(text) if event["type"] == "appeal"]
    assert len(appeals) == 1, events(text)
    assert appeals[0]["subject"]["name"] in ("Oleg Panov", "Олег Панов")


@pytest.mark.parametrize(
    "text",
    [
        "Ruski aktivista Oleg Panov uložio je žalbu na rešenje o otkazu boravka.",
        "Руски активиста Олег Панов поднео је тужбу Управном суду против решења о отказу боравка.",
    ],
)
def test_the_decision_an_appeal_names_orders_nobody_out(text: str) -> None:
    assert THURSDAY.count(text, "expulsion_order") == 0
    assert THURSDAY.count(text, "appeal") == 1


@pytest.mark.parametrize(
    "text",
    [
        "The Russian activist Oleg Panov filed a lawsuit with the Administrative Court "
        "against the cancellation of his residence permit.",
        "Российский активист Олег Панов подал иск в Административный суд против "
        "аннулирования его вида на жительство.",
        "Ruski aktivista Oleg Panov podneo je tužbu Upravnom sudu protiv otkaza boravka.",
    ],
)
def test_the_court_appealed_to_did_not_decide_the_measure_appealed(text: str) -> None:
    revoked = [event for event in events(text) if event["type"] == "residence_revoked"]
    assert revoked, events(text)
    assert all(event["authority"] != "court" for event in revoked)


@pytest.mark.parametrize(
    "text",
    [
        "Police revoked the residence permit of the Russian activist Oleg Panov. "
        "The decision was issued on February 3.",
        "Полиция аннулировала вид на жительство российского активиста Олега Панова. "
        "Решение было принято 3 февраля.",
        "Policija je ruskom aktivisti Olegu Panovu otkazala boravak. Odluka je doneta 3. februara.",
        "Полиција је руском активисти Олегу Панову отказала боравак. Одлука је донета 3. фебруара.",
    ],
)
def test_a_sentence_that_only_dates_the_decision_dates_the_one_before(text: str) -> None:
    revoked = next(event for event in events(text) if event["type"] == "residence_revoked")
    assert revoked["date"] == "2025-02-03"


@pytest.mark.parametrize(
    "text",
    [
        "Виши суд у Београду осудио је руског активисту Олега Панова. "
        "Против пресуде је уложио жалбу.",
        "Viši sud u Beogradu osudio je ruskog aktivistu Olega Panova. "
        "Protiv presude je uložio žalbu.",
    ],
)
def test_a_dropped_subject_is_the_person_of_the_sentence_before(text: str) -> None:
    assert ("appeal", "Олег Панов") in named(text) or ("appeal", "Oleg Panov") in named(text)
