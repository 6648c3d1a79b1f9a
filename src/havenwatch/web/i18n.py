"""The interface's languages: gettext catalogs compiled in memory, Babel for dates and numbers.

Catalogs live as `.po` files under `web/locale/<locale>/LC_MESSAGES/messages.po` and are compiled
once per process, so no build step can leave a stale `.mo` behind. The active translator is
held in a context variable for the duration of one request.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache, lru_cache
from importlib import resources

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from havenwatch.core.dates import FuzzyDate, format_day, format_fuzzy, parse_fuzzy
from havenwatch.core.errors import HavenwatchError, ValidationError, error_catalogue, field_names
from havenwatch.core.model import entered_labels
from havenwatch.core.serbian import DERIVED_LOCALES
from havenwatch.core.value_labels import labels_of

LOCALES = {
    "en": "English",
    "ru": "Русский",
    "sr_Latn": "Srpski (latinica)",
    "sr_Cyrl": "Српски (ћирилица)",
}
DEFAULT_LOCALE = "en"
HTML_LANG = {"en": "en", "ru": "ru", "sr_Latn": "sr-Latn", "sr_Cyrl": "sr-Cyrl"}
DERIVED = DERIVED_LOCALES  # Serbian Cyrillic is written from Serbian Latin


def catalog_path(locale: str) -> str:
    return f"locale/{locale}/LC_MESSAGES/messages.po"


@cache
def translations(locale: str) -> Translations:
    """The locale's catalog, compiled from its .po file (or from the one it is derived from)."""
    written, convert = DERIVED.get(locale, (locale, None))
    source = resources.files("havenwatch.web").joinpath(catalog_path(written))
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=written)
    if convert is not None:
        for message in catalog:
            if isinstance(message.string, str):
                message.string = convert(message.string)
            elif message.string:
                message.string = tuple(convert(form) for form in message.string)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def normalise_locale(value: str | None) -> str:
    return value if value in LOCALES else DEFAULT_LOCALE


class Translator:
    """Messages, dates and numbers in one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = normalise_locale(locale)
        self.babel_locale = Locale.parse(self.locale)
        self._catalog = translations(self.locale)

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.locale]

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalog.ngettext(singular, plural, count)

    def date(self, value: date | None) -> str:
        """A day in the locale's one format (`data/date_formats.json`), on every page."""
        return format_day(value, self.locale) if value else ""

    def fuzzy(self, value: FuzzyDate | None) -> str:
        """A record's date: a day in the locale's format, a month or range as recorded."""
        return format_fuzzy(value, self.locale)

    def day_text(self, value: str | None) -> str:
        """A day stored as ISO text (`2025-03-03`) in the locale's format; other text as is."""
        if not value:
            return ""
        try:
            return format_fuzzy(parse_fuzzy(value), self.locale)
        except ValidationError:
            return value

    @property
    def date_example(self) -> str:
        """How to type a day here, shown beside date fields ("14 Mar 2025", "14.03.2025")."""
        return format_day(EXAMPLE_DAY, self.locale)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return f"{format_day(value.date(), self.locale)} {value:%H:%M}"

    def number(self, value: int | float) -> str:
        return _formatted_number(self.locale, value)

    def month(self, key: str) -> str:
        """`YYYY-MM` as a short month and year ("Sep 2024", "сент. 2024 г.")."""
        year, month = (int(part) for part in key.split("-"))
        return _formatted_date(self.locale, date(year, month, 1), "MMM y")


FORMAT_CACHE_SIZE = 8192
EXAMPLE_DAY = date(2025, 3, 14)


@lru_cache(maxsize=FORMAT_CACHE_SIZE)
def _formatted_date(locale: str, value: date, style: str) -> str:
    """Babel's formatting costs tens of microseconds; a page shows the same dates many times."""
    return format_date(value, format=style, locale=Locale.parse(locale))


@lru_cache(maxsize=FORMAT_CACHE_SIZE)
def _formatted_number(locale: str, value: int | float) -> str:
    return format_decimal(value, locale=Locale.parse(locale))


_current: ContextVar[Translator] = ContextVar("havenwatch_translator")


@cache
def translator(locale: str) -> Translator:
    return Translator(locale)


def activate(locale: str) -> Translator:
    active = translator(normalise_locale(locale))
    _current.set(active)
    return active


def current() -> Translator:
    return _current.get(translator(DEFAULT_LOCALE))


def _(message: str) -> str:
    """Translate a message of the Python side of the interface into the active language."""
    return current().gettext(message)


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    return current().ngettext(singular, plural, count)


def explain(error: Exception) -> str:
    """An error's one line in the user's language (the English text for an error the
    catalogue does not know, such as one from a library)."""
    if not isinstance(error, HavenwatchError) or error.key is None:
        return str(error)
    text = _filled(error)
    if isinstance(error, ValidationError):
        labels = error.field_labels
        name = labels.get(current().locale) if labels else None
        return f"{name or _field_name(error)}: {text}"
    return text


def _filled(error: HavenwatchError) -> str:
    """The catalogue message translated, its values placed (accepted values in this language)."""
    active = current()
    params: dict[str, str | int] = dict(error.params)
    if error.inner is not None:
        params["reason"] = _filled(error.inner) if error.inner.key else error.inner.args[0]
    kind = params.get("kind")
    if isinstance(kind, str):
        params["accepted"] = ", ".join(labels_of(kind, active.locale))
    localised = getattr(error, "localised_params", None)
    if localised:
        params.update(localised.get(active.locale, {}))
    return active.gettext(error_catalogue()[error.key or ""]) % params


def _field_name(error: ValidationError) -> str:
    """The field's name in this language: as the error catalogue or the record names it."""
    field = error.field
    english = field_names().get(field) or error.label or entered_labels().get(field)
    return current().gettext(english) if english else field
