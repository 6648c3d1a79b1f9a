"""Human labels for stored codes (event types, statuses, roles...), in the active language."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from importlib import resources

from havenwatch.core.vocabulary import vocabulary
from havenwatch.web.i18n import current


@cache
def _english() -> dict[str, dict[str, str]]:
    text = resources.files("havenwatch.web").joinpath("labels.json").read_text("utf-8")
    table = {key: value for key, value in json.loads(text).items() if not key.startswith("_")}
    table["event_type"] = dict(vocabulary().event_labels)
    return table


def label(kind: str, code: str | None) -> str:
    """The translated label of a code; unknown codes are shown as they are."""
    if not code:
        return ""
    english = _english().get(kind, {}).get(code)
    return current().gettext(english) if english else code


def choices(kind: str) -> tuple[tuple[str, str], ...]:
    """(code, translated label) pairs for a select element, in the data file's order."""
    return _choices(kind, current().locale)


@lru_cache(maxsize=256)
def _choices(kind: str, locale: str) -> tuple[tuple[str, str], ...]:
    """Forms show the same lists on every page: translated once per language."""
    return tuple((code, label(kind, code)) for code in _english().get(kind, {}))


def english_labels() -> dict[str, dict[str, str]]:
    return _english()
