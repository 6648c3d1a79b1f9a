"""Organisations and outlets are never people, in any case form and either Serbian script."""

from __future__ import annotations

from datetime import date

import pytest

from havenwatch.core.names import fold_name
from havenwatch.monitor.extract.pipeline import analyse

PUBLISHED = date(2024, 3, 14)


def names(text: str) -> list[str]:
    analysis = analyse(text, document="t", published=PUBLISHED)
    return [mention.text for mention in analysis.mentions if mention.kind == "name"]


@pytest.mark.parametrize(
    "text",
    [
        "The Kremlin said the deportation of Ivan Petrov was lawful.",
        "Meduza and Novaya Gazeta Europe reported that Ivan Petrov was detained.",
        "Radio Free Europe/Radio Liberty said Ivan Petrov had been expelled.",
        "Как сообщила Новая газета Европа, Ивана Петрова выслали из Сербии.",
        "По данным Медузы и Кремля, Ивана Петрова задержали.",
        "Radio Slobodna Evropa je objavio da je Ivanu Petrovu otkazan boravak.",
        "Ivan Petrov je za Radio Slobodna Evropa rekao da mu je otkazan boravak.",
        "Радију Слободна Европа су рекли да је Ивану Петрову отказан боравак.",
        "Za Glas Amerike i N1 Ivan Petrov je rekao da je proteran.",
        "Portparol MUP-a i BIA-e nisu odgovorili, a Ivan Petrov je proteran.",
    ],
)
def test_outlets_ministries_and_the_kremlin_are_not_names(text: str) -> None:
    found = names(text)
    assert len(found) == 1 and fold_name(found[0]).split()[-1].startswith("petrov"), found
