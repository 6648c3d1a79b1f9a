"""The public report's languages: its own gettext catalogs, compiled in memory like the web's.

The report is made below the web layer (the command line makes it too), so its texts live in
their own catalogs, `reports/locale/<locale>/LC_MESSAGES/report.po`, in the same locales as
the interface: English, Russian, Serbian Latin, and Serbian Cyrillic written mechanically from
the Latin. Dates and numbers are formatted by Babel for the same locale.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from importlib import resources

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from havenwatch.core.errors import ValidationError
from havenwatch.core.serbian import DERIVED_LOCALES

LOCALES = ("en", "ru", "sr_Latn", "sr_Cyrl")
# What a user may type for each locale (`--language sr`, `sr-Cyrl`...).
ALIASES = {
    "en": "en",
    "ru": "ru",
    "sr": "sr_Latn",
    "sr-latn": "sr_Latn",
    "sr_latn": "sr_Latn",
    "sr-cyrl": "sr_Cyrl",
    "sr_cyrl": "sr_Cyrl",
}
# The languages `locale_of` names when it refuses one.
TYPED_LANGUAGES = "en, ru, sr, sr-Cyrl"
HTML_LANG = {"en": "en", "ru": "ru", "sr_Latn": "sr-Latn", "sr_Cyrl": "sr-Cyrl"}


def locale_of(text: str) -> str:
    """The locale a language name asks for; a clear error for one the report is not in."""
    found = ALIASES.get(text.strip().lower())
    if found is None:
        raise ValidationError.of(
            "language", "report.unknown_language", value=text, accepted=TYPED_LANGUAGES
        )
    return found


@cache
def catalog(locale: str) -> Translations:
    """The locale's report catalog, compiled from its .po file (or the one it is derived from)."""
    written, convert = DERIVED_LOCALES.get(locale, (locale, None))
    source = resources.files("havenwatch.reports").joinpath(
        f"locale/{written}/LC_MESSAGES/report.po"
    )
    with source.open("rb") as handle:
        messages = read_po(handle, locale=written)
    if convert is not None:
        for message in messages:
            if isinstance(message.string, str):
                message.string = convert(message.string)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return Translations(fp=compiled)


class ReportLanguage:
    """Texts, months and numbers of the report in one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.html_lang = HTML_LANG[locale]
        self._babel = Locale.parse(locale)
        self._catalog = catalog(locale)

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def number(self, value: int | float) -> str:
        return str(format_decimal(value, locale=self._babel))

    def month(self, key: str) -> str:
        """`YYYY-MM` as a short month and year; a year or other period as it is."""
        if len(key) != 7:
            return key
        year, month = (int(part) for part in key.split("-"))
        return str(format_date(date(year, month, 1), format="MMM y", locale=self._babel))

    def day(self, value: date | str | None) -> str:
        """A day (or its ISO text, as releases store it) in the locale's long form."""
        if value is None:
            return ""
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return str(format_date(value, format="long", locale=self._babel))
