"""Codes read back from the words people and havenwatch's own exports write for them.

A spreadsheet says "Zabrana ulaska", "МВД", "Interior Ministry" or "RS" where the records keep
`entry_ban`, `interior_ministry` and `RS`. Two data files give the words:

- `data/value_labels.json`, generated (`python -m havenwatch.web.value_labels`) from
  `data/vocabulary.json`, `web/labels.json`, the interface catalogues and CLDR's country
  names: every label the interface shows, in every interface language;
- `data/value_synonyms.json`, kept by hand: what NGOs write that the interface never shows
  (MUP's full name, BIA, "высылка").

Both follow `data/value_labels.schema.json`. Words are compared folded: case, diacritics,
punctuation and spacing do not matter ("Odbijen ulazak" finds "Odbijen ulazak ili zabrana
ulaska" only whole, never by prefix).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

LABEL_FILE = "value_labels.json"
SYNONYM_FILE = "value_synonyms.json"
NOT_WORD = re.compile(r"[\W_]+")
# Letters NFKD does not take apart; people type them as two Latin letters.
SPELLED = str.maketrans({"đ": "dj", "ß": "ss", "æ": "ae", "ø": "o", "ł": "l", "ё": "е"})


def fold_label(text: str) -> str:
    """Lowercase, without diacritics, punctuation or extra spaces ("Ulazak!" -> "ulazak").

    Both sides of a comparison are folded alike, so й folding to и costs nothing.
    """
    lowered = text.casefold().translate(SPELLED)
    decomposed = unicodedata.normalize("NFKD", lowered)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(NOT_WORD.sub(" ", bare).split())


def _data(name: str) -> dict[str, Any]:
    text = resources.files("havenwatch.data").joinpath(name).read_text("utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


@cache
def generated() -> dict[str, Any]:
    """The generated table: `locales`, `columns` and `kinds` (code -> locale -> label)."""
    return _data(LABEL_FILE)


@cache
def synonyms() -> dict[str, dict[str, list[str]]]:
    """kind -> code -> words kept by hand."""
    return {k: v for k, v in _data(SYNONYM_FILE).items() if not k.startswith("_")}


def kinds() -> tuple[str, ...]:
    return tuple(generated()["kinds"])


@cache
def _lookup(kind: str) -> dict[str, str]:
    """folded word -> code for one kind; a word two codes share is left out as ambiguous."""
    table: dict[str, set[str]] = {}
    for code, labels in generated()["kinds"][kind].items():
        for word in (code, code.replace("_", " "), *labels.values()):
            table.setdefault(fold_label(word), set()).add(code)
    for code, words in synonyms().get(kind, {}).items():
        for word in words:
            table.setdefault(fold_label(word), set()).add(code)
    return {word: next(iter(codes)) for word, codes in table.items() if len(codes) == 1 and word}


def code_for(kind: str, value: str) -> str | None:
    """The code a written value means, or None when it means none (or more than one)."""
    return _lookup(kind).get(fold_label(value))


def label_for(kind: str, code: str, locale: str) -> str:
    """The label the interface shows for a code in a locale (the code when it has none)."""
    labels: dict[str, str] = generated()["kinds"].get(kind, {}).get(code, {})
    return labels.get(locale) or code


def labels_of(kind: str, locale: str) -> list[str]:
    """Every label of a kind in one locale, in the vocabulary's order."""
    return [label_for(kind, code, locale) for code in generated()["kinds"][kind]]


def column_label(column: str, locale: str) -> str:
    """A CSV column's header as the interface writes it in a locale."""
    labels: dict[str, str] = generated()["columns"].get(column, {})
    return labels.get(locale) or column


def column_labels() -> dict[str, list[str]]:
    """column -> its header in every locale, so an exported sheet's headers import again."""
    return {column: list(labels.values()) for column, labels in generated()["columns"].items()}
