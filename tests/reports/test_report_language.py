"""The report's own catalogs hold every text of the report, translated into Russian and
Serbian (Latin; Cyrillic is written from it), and a language is asked for by its usual name."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from havenwatch.core.errors import ValidationError
from havenwatch.core.vocabulary import vocabulary
from havenwatch.reports.language import ReportLanguage, locale_of

METHODS = [("templates/**.html", "jinja2"), ("report*.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def report_messages() -> set[str]:
    root = Path(str(resources.files("havenwatch.reports")))
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), METHODS, OPTIONS, keywords={"_": None, "gettext": None}
        )
    }
    return found | set(vocabulary().event_labels.values())


@pytest.mark.parametrize("locale", ["en", "ru", "sr_Latn"])
def test_the_report_catalog_has_every_report_text(locale: str) -> None:
    source = resources.files("havenwatch.reports").joinpath(
        f"locale/{locale}/LC_MESSAGES/report.po"
    )
    with source.open("rb") as handle:
        catalog = {message.id: message.string for message in read_po(handle) if message.id}

    assert not sorted(report_messages() - set(catalog)), "missing from the catalog"
    if locale != "en":
        assert not [key for key, text in catalog.items() if not text], "untranslated"


def test_serbian_cyrillic_is_written_from_the_latin_catalog() -> None:
    assert ReportLanguage("sr_Cyrl").gettext("Methodology") == "Методологија"


@pytest.mark.parametrize(
    ("asked", "locale"),
    [("en", "en"), ("ru", "ru"), ("sr", "sr_Latn"), ("sr-Cyrl", "sr_Cyrl"), ("sr_Latn", "sr_Latn")],
)
def test_a_language_is_asked_for_by_its_usual_name(asked: str, locale: str) -> None:
    assert locale_of(asked) == locale


def test_an_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="not a report language"):
        locale_of("de")
