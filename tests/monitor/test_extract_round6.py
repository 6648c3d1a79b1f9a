"""Round 6: known weak spots fixed as phenomena in English, Russian and Serbian (both
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
        "The Russian activist Oleg Panov is being held in a deportation centre in Padinska Skela.",
        "Police started deportation proceedings against the Russian activist Oleg Panov.",
        "The Russian activist Oleg Panov received a deportation notice.",
        "It was the sixth deportation of a Russian citizen this year, said the activist Oleg Panov.",
        "Российского активиста Олега Панова поместили в центр для депортации.",
        "Ruski aktivista Oleg Panov smešten je u centar za deportaciju.",
        "Ruskom aktivisti Olegu Panovu je pokrenut postupak deportacije.",
        "Руском активисти Олегу Панову је покренут поступак депортације.",
    ],
)
def test_a_deportation_noun_naming_a_place_or_procedure_is_no_removal(text: str) -> None:
    assert THURSDAY.count(text, "deportation") == 0


@pytest.mark.parametrize(
    "text",
    [
        "The court halted the deportation of the Russian activist Oleg Panov.",
        "The Russian activist Oleg Panov was spared deportation.",
        "The Russian activist Oleg Panov was to be deported on Monday.",
        "Суд приостановил депортацию российского активиста Олега Панова.",
        "Российского активиста Олега Панова должны были депортировать.",
        "Sud je obustavio deportaciju ruskog aktiviste Olega Panova.",
        "Суд је зауставио депортацију руског активисте Олега Панова.",
    ],
)
def test_a_stopped_or_intended_deportation_is_no_removal(text: str) -> None:
    assert THURSDAY.count(text, "deportation") == 0


@pytest.mark.parametrize(
    "text",
    [
        "The Russian activist Oleg Panov could be deported to Russia.",
        "The Russian journalist Oleg Panov faces deportation.",
        "The Russian activist Oleg Panov was not deported.",
        "Российскому активисту Олегу Панову грозит депортация.",
        "Ruski aktivista Oleg Panov nije deportovan.",
        "Руски активиста Олег Панов страхује од депортације.",
    ],
)
def test_a_possible_feared_or_negated_deportation_is_no_removal(text: str) -> None:
    assert THURSDAY.count(text, "deportation") == 0


@pytest.mark.parametrize(
    "text",
    [
        "The Russian activist Oleg Panov was deported to Russia on Monday.",
        "Российского активиста Олега Панова депортировали в Россию в понедельник.",
        "Ruski aktivista Oleg Panov deportovan je u Rusiju u ponedeljak.",
    ],
)
def test_a_removal_carried_out_is_still_a_deportation(text: str) -> None:
    assert THURSDAY.count(text, "deportation") == 1


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
        "Police detained the Russian activist Yevgeny Lavrov in Belgrade.",
        "Полиция задержала в Белграде российского активиста Евгения Лаврова.",
        "Policija je u Beogradu privela ruskog aktivistu Evgenija Lavrova.",
        "Полиција је у Београду привела руског активисту Јевгенија Лаврова.",
    ],
)
def test_a_public_figures_surname_with_another_first_name_is_a_subject(text: str) -> None:
    assert THURSDAY.count(text, "detention") == 1


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
    "text",
    [
        "Cases this month:\n- Oleg Panov, a Russian activist, detained in Belgrade\n- Other cases",
        "Случаи:\n- Олег Панов, российский активист, задержан в Белграде\n- Другие случаи",
        "Slučajevi:\n- Oleg Panov, ruski aktivista, priveden u Beogradu\n- Ostali slučajevi",
    ],
)
def test_a_list_item_without_a_full_stop_is_no_heading(text: str) -> None:
    assert THURSDAY.count(text, "detention") == 1


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
        "Миграционная служба отказала россиянке Анне Котовой, 58 лет, в продлении вида на жительство.",
        "The police refused the Russian woman Anna Kotova, 58, an extension of her residence permit.",
        "Police denied the Russian programmer Oleg Panov the renewal of his residence permit.",
        "MUP je odbio zahtev Ruskinje Ane Kotove, 58, za produženje boravka.",
        "МУП је одбио захтев Рускиње Ане Котове, 58 година, за продужење боравка.",
    ],
)
def test_an_age_between_verb_and_object_keeps_the_refusal(text: str) -> None:
    assert THURSDAY.count(text, "residence_denied") == 1


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
        "The Russian activist Oleg Panov returned to Russia in 2023 to visit his mother.",
        "The Russian activist Oleg Panov was taken to Belgrade for questioning.",
        "Российский активист Олег Панов вернулся в Россию в 2023 году.",
        "Российская активистка Анна Котова отправилась в Москву в 2023 году.",
        "Ruska aktivistkinja Ana Kotova vratila se u Rusiju 2023. godine.",
        "Олега Панова полиција је одвела у Београд на саслушање.",
    ],
)
def test_going_back_on_ones_own_or_being_taken_within_the_country_is_no_removal(
    text: str,
) -> None:
    assert THURSDAY.count(text, "deportation") == 0


@pytest.mark.parametrize(
    "text",
    [
        "The Russian activist Oleg Panov was returned to Russia on Monday.",
        "Российского активиста Олега Панова вернули в Россию.",
        "Policija je ruskog aktivistu Olega Panova vratila u Rusiju.",
        "Руски активиста Олег Панов враћен је у Русију.",
    ],
)
def test_being_returned_to_a_country_is_a_removal(text: str) -> None:
    assert THURSDAY.count(text, "deportation") == 1


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


@pytest.mark.parametrize(
    "text",
    [
        "The Russian activist Oleg Panov was detained. His deportation would put him at risk.",
        "The Russian activist Oleg Panov, who fled deportation from Kazakhstan, lives in Belgrade.",
        "Российский активист Олег Панов был задержан. Его депортация нарушила бы конвенцию.",
        "Российского активиста Олега Панова задержали в Белграде до депортации.",
        "Ruski aktivista Oleg Panov priveden je. Njegova deportacija bila bi kršenje konvencije.",
        "Ruski aktivista Oleg Panov priveden je u Beogradu. Deportacije Rusa su sve češće.",
        "Руски активиста Олег Панов задржан је у прихватилишту до депортације.",
    ],
)
def test_a_conditional_awaited_fled_or_general_deportation_is_no_removal(text: str) -> None:
    assert THURSDAY.count(text, "deportation") == 0
