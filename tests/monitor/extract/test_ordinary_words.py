"""A capitalised ordinary word shaped like a surname is no name: words pymorphy3's Russian
dictionary knows as no name ("Коротко", "Часов"), and words the lexicon's own patterns spell
out ("Zahtev" of "zahtev za azil"), while surnames that are also words keep their place."""

from __future__ import annotations

from datetime import date

import pytest

from havenwatch.monitor.extract.pipeline import analyse

PUBLISHED = date(2025, 4, 2)


def names(text: str) -> list[str]:
    analysis = analyse(text, document="t", published=PUBLISHED, decisions=None)
    return [mention.text for mention in analysis.mentions if mention.kind == "name"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Коротко. Суд отклонил жалобу Владимира Кострикова.", ["Владимира Кострикова"]),
        ("Часов через шесть Ивана Петрова отпустили.", ["Ивана Петрова"]),
        ("Zahtev za azil Ivan Dubovik je podneo 2. aprila.", ["Ivan Dubovik"]),
    ],
)
def test_an_ordinary_word_opening_a_sentence_is_no_name(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_a_surname_that_is_also_a_word_stays_a_name() -> None:
    assert names("Орлов получил отказ во въезде в Сербию.") == ["Орлов"]
