"""The engine's own sentences in each language, from message templates kept as data.

Templates live in `phrases/<locale>.toml`, one file per language with the same keys and the
same `{named}` placeholders. Dates are written by Babel with the locale's own patterns, and
counted periods take the plural form the locale's grammar asks for ("1 день", "2 дня",
"5 дней"). The web layer is not involved: a jurisdiction loaded in a locale carries it, and
everything the engine writes for that jurisdiction follows it.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

from babel import Locale
from babel.dates import format_date

from havenwatch.core.serbian import DERIVED_LOCALES

DEFAULT_LOCALE = "en"
LOCALES = ("en", "ru", "sr_Latn", "sr_Cyrl")
DERIVED = DERIVED_LOCALES  # Serbian Cyrillic is written from Serbian Latin


@dataclass(frozen=True)
class Messages:
    """The templates of one locale, and how that locale writes dates and periods."""

    locale: str
    templates: Mapping[str, str]

    def text(self, key: str, **values: object) -> str:
        return self.templates[key].format(**values)

    def day(self, day: date, *, year: bool = True) -> str:
        """'Friday 18 Apr 2025' in English, 'пятница, 18.04.2025' in Russian."""
        pattern = self.templates["date.with_year" if year else "date.without_year"]
        return _formatted_date(self.locale, day, pattern)

    def weekday(self, day: date) -> str:
        return _formatted_date(self.locale, day, "EEEE")

    def period(self, length: int, unit: str) -> str:
        """'15 days', '15 дней', '15 dana': the unit in the plural form the number takes."""
        form = _babel_locale(self.locale).plural_form(length)
        key = f"unit.{unit}.{form}"
        return self.text(key if key in self.templates else f"unit.{unit}.other", n=length)

    def join(self, items: Iterable[str]) -> str:
        return self.templates["list_separator"].join(items)


@cache
def _babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


@lru_cache(maxsize=8192)
def _formatted_date(locale: str, day: date, pattern: str) -> str:
    """Babel takes tens of microseconds a date; team lists write the same dates many times."""
    return format_date(day, format=pattern, locale=_babel_locale(locale))


def normalise_locale(locale: str | None) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


@cache
def messages_for(locale: str = DEFAULT_LOCALE) -> Messages:
    """The engine's templates in ``locale``; an unknown locale gets English."""
    chosen = normalise_locale(locale)
    written, convert = DERIVED.get(chosen, (chosen, None))
    source = files("havenwatch.legal").joinpath("phrases", f"{written}.toml")
    templates = flatten(tomllib.loads(source.read_text(encoding="utf-8")))
    if convert is not None:
        templates = {key: convert(value) for key, value in templates.items()}
    return Messages(chosen, templates)


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested TOML tables as dotted keys: ``[unit.days] one = ...`` is ``unit.days.one``."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def placeholders(template: str) -> frozenset[str]:
    """The named fields of a template, e.g. ``{date}`` and ``{citation}``."""
    return frozenset(field for _, field, _, _ in string.Formatter().parse(template) if field)
