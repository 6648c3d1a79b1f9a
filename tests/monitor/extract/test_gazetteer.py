"""States and cities beyond the hand-written places: every state CLDR names, in English,
Russian and Serbian (both scripts), with their case forms, so a measure taken in a state the
lexicons were not written for keeps its state."""

from __future__ import annotations

from datetime import date

import pytest

from havenwatch.monitor.extract import extract_text
from havenwatch.monitor.extract.gazetteer import FILE_NAME, LEXICON_ROOT, gazetteer_json
from havenwatch.monitor.extract.lexicon import LANGUAGES
from havenwatch.monitor.extract.pipeline import analyse

PUBLISHED = date(2025, 4, 2)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shipped_gazetteer_is_what_the_generator_writes(language: str) -> None:
    shipped = (LEXICON_ROOT / language / FILE_NAME).read_text("utf-8")
    assert shipped == gazetteer_json(language), "run `make gazetteer` and commit the files"


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Russian activist Ivan Petrov was refused entry to Mongolia on Monday.", "MN"),
        ("Police in Bangkok detained the Russian blogger Anton Lavrentyev on Monday.", "TH"),
        ("Российского активиста Ивана Петрова задержали в аэропорту Бангкока.", "TH"),
        ("Власти Кипра аннулировали вид на жительство Ивана Петрова.", "CY"),
        ("Ruskom aktivisti Ivanu Petrovu zabranjen je ulazak na Kipar.", "CY"),
        ("Руском активисти Ивану Петрову забрањен је улазак у Монголију.", "MN"),
    ],
)
def test_a_measure_in_a_state_the_hand_written_lexicon_lacks_keeps_its_state(
    text: str, country: str
) -> None:
    events = extract_text(text, document="t", published=PUBLISHED).to_contract()["events"]
    assert events and {event["country"] for event in events} == {country}


def test_names_that_are_ordinary_words_are_no_places() -> None:
    analysis = analyse(
        "A male activist said it was nice to be back.",
        document="t",
        published=PUBLISHED,
        decisions=None,
    )
    assert analysis.spans["place"] == []


def test_the_hand_written_places_keep_their_own_patterns() -> None:
    analysis = analyse(
        "He was deported to Serbia from Belgrade.",
        document="t",
        published=PUBLISHED,
        decisions=None,
    )
    assert {span.value[0] for span in analysis.spans["place"]} == {"RS"}


@pytest.mark.parametrize(
    ("text", "country"),
    [
        (
            "Кипарска полиција ухапсила је руског активисту Андреја Соколова по потерници Москве.",
            "CY",
        ),
        ("Таиландская полиция задержала российского музыканта Олега Саркисова.", "TH"),
    ],
)
def test_a_states_regular_adjective_before_its_police_names_the_state(
    text: str, country: str
) -> None:
    events = extract_text(text, document="t", published=PUBLISHED).to_contract()["events"]
    assert [event["country"] for event in events if event["type"] == "detention"] == [country]


def test_a_serbian_report_about_another_state_is_about_that_state_not_serbia() -> None:
    text = (
        "Ruski novinar Ilja Zotov proteran je iz Ujedinjenih Arapskih Emirata. "
        "Vlasti u Dubaiju su mu poništile boravišnu dozvolu bez objašnjenja."
    )
    analysis = analyse(text, document="t", published=PUBLISHED, decisions=None)
    assert analysis.default_country == "AE"


def test_a_report_naming_russia_most_is_still_about_the_state_that_acts() -> None:
    text = (
        "Uzbekistan deported Russian blogger Artem Lazarev to Russia on Friday. "
        "In Russia he faces charges; Russia had asked for him in March."
    )
    analysis = analyse(text, document="t", published=PUBLISHED, decisions=None)
    assert analysis.default_country == "UZ"
