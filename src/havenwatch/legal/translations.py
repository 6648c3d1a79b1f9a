"""Translations of a rules file: which texts people read, and a translation's checks.

A jurisdiction's rules (``RS.toml``) are written in English; ``RS.<locale>.toml`` holds the
same texts at the same places in another language, and nothing else. This module finds those
places, checks a translation against the English file and lays it over the English table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

# Keys whose values people read; they are translated in `<code>.<locale>.toml`. Missed-deadline
# remedies' `runs_from` is words too (elsewhere it is a code).
TEXT_KEYS = frozenset(
    {
        "name",
        "label",
        "description",
        "note",
        "body",
        "issuer",
        "warning",
        "suspensive_note",
        "uncertain",
        "no_roll_over_note",
        "filing_note",
    }
)


def translation_path(path: Path, locale: str) -> Path:
    """Where the ``locale`` texts of a rules file live: ``RS.toml`` -> ``RS.ru.toml``."""
    return path.with_name(f"{path.stem}.{locale}.toml")


def converted_texts(
    data: Any, convert: Callable[[str], str], path: tuple[str | int, ...] = ()
) -> Any:
    """A translation with its people-read texts converted (to another script); codes kept."""
    if path and _is_text(path):
        if isinstance(data, str):
            return convert(data)
        if isinstance(data, list):
            return [convert(item) if isinstance(item, str) else item for item in data]
    if isinstance(data, dict):
        return {key: converted_texts(value, convert, (*path, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [converted_texts(value, convert, (*path, n)) for n, value in enumerate(data)]
    return data


def _is_text(path: tuple[str | int, ...]) -> bool:
    """Whether the value at ``path`` is shown to people (and so translated)."""
    key = path[-1]
    return key in TEXT_KEYS or (key == "runs_from" and path[0] == "missed")


def text_paths(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The place of every translatable text in a rules table, e.g. ``remedies.appeal.label``."""
    if isinstance(data, dict):
        for key, value in data.items():
            if _is_text((*path, key)):
                yield (*path, key)
            else:
                yield from text_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_paths(value, (*path, index))


def _leaf_paths(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every value of a table that is not itself a table or an array of tables."""
    if isinstance(data, dict) and not (path and _is_text(path)):
        for key, value in data.items():
            yield from _leaf_paths(value, (*path, key))
    elif isinstance(data, list) and not (path and _is_text(path)):
        for index, value in enumerate(data):
            yield from _leaf_paths(value, (*path, index))
    else:
        yield path


def translation_problems(english: Mapping[str, Any], texts: Mapping[str, Any]) -> list[str]:
    """Everything wrong with a translation of a rules file, as readable lines.

    A translation holds the texts of the English file at the same places (tables by name,
    arrays entry by entry); a step may repeat its ``remedy`` to say which step it translates.
    A text missing, one the English file lacks, or any other key is a problem.
    """
    wanted = set(text_paths(english))
    given = set(text_paths(texts))
    problems = [f"missing text {_dotted(place)}" for place in sorted(wanted - given, key=str)]
    problems += [
        f"text not in the English file: {_dotted(place)}"
        for place in sorted(given - wanted, key=str)
    ]
    for place in _leaf_paths(texts):
        if _is_text(place) or _is_anchor(english, texts, place):
            continue
        if place[-1] == "remedy":
            problems.append(f"{_dotted(place)} does not name the English step's remedy")
        else:
            problems.append(f"{_dotted(place)} is not a text and cannot be translated")
    for place in wanted & given:
        if _shape(_at(english, place)) != _shape(_at(texts, place)):
            problems.append(f"{_dotted(place)} must be a text of the same kind as in English")
    return problems


def _is_anchor(
    english: Mapping[str, Any], texts: Mapping[str, Any], place: tuple[str | int, ...]
) -> bool:
    """A step's ``remedy``, repeated in a translation to show which step it is: must match."""
    if place[-1] != "remedy" or place[0] != "decisions":
        return False
    try:
        return bool(_at(english, place) == _at(texts, place))
    except (KeyError, IndexError, TypeError):
        return False


def _at(data: Any, place: tuple[str | int, ...]) -> Any:
    for key in place:
        data = data[key]
    return data


def _shape(value: Any) -> Any:
    return len(value) if isinstance(value, list) else type(value)


def _dotted(place: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in place)


def translated(english: Any, texts: Any) -> Any:
    """The English table with each text replaced by its translation (checked beforehand)."""
    if isinstance(english, dict) and isinstance(texts, dict):
        return {
            key: translated(value, texts.get(key)) if key in texts else value
            for key, value in english.items()
        }
    if (
        isinstance(english, list)
        and isinstance(texts, list)
        and all(isinstance(item, dict) for item in english)
    ):
        padded = texts + [{}] * (len(english) - len(texts))
        return [translated(value, text) for value, text in zip(english, padded, strict=False)]
    return texts
