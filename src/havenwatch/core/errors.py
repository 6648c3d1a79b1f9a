"""Errors a user can act on. Their text is shown as-is, on one line.

An error raised with `explained(key, ...)` or `ValidationError.of(field, key, ...)` also
carries its key in the error catalogue (`data/error_messages.json`) and the values it names,
so the web translates it into the user's language (`web/i18n.explain`) while the command line
and logs keep the English text. Every catalogue message has a translation in every interface
language (`tests/web/test_error_catalogue.py`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TypeVar

Params = Mapping[str, str | int]


@cache
def error_catalogue() -> dict[str, str]:
    """key -> English message with `%(name)s` placeholders (the catalogues' message id)."""
    text = resources.files("havenwatch.data").joinpath("error_messages.json").read_text("utf-8")
    messages: dict[str, str] = json.loads(text)["messages"]
    return messages


@cache
def field_names() -> dict[str, str]:
    """field -> its English name in messages (translated like the messages)."""
    text = resources.files("havenwatch.data").joinpath("error_messages.json").read_text("utf-8")
    names: dict[str, str] = json.loads(text)["fields"]
    return names


class HavenwatchError(Exception):
    """Base class for errors that carry a message fit for users."""

    key: str | None = None
    params: Params = MappingProxyType({})
    # The error about one value that this one places (a file's row and column), if any.
    inner: HavenwatchError | None = None


E = TypeVar("E", bound=HavenwatchError)


def explained(kind: type[E], key: str, **params: str | int) -> E:
    """An error of `kind` whose message is the catalogue's `key` filled with `params`."""
    error = kind(error_catalogue()[key] % params)
    error.key, error.params = key, params
    return error


class ValidationError(HavenwatchError):
    """A value does not fit the data model (unknown code, impossible date...).

    A field a team defined has no name in the catalogue: `field_labels` names it in each
    language, and `localised_params` gives values of the message that differ by language
    (its choices' labels).
    """

    field_labels: Mapping[str, str] | None = None
    localised_params: Mapping[str, Params] | None = None

    # The field's English name in messages, where the reader of a record declares it
    # (`core.fields`); else the catalogue's name for `field`.
    label: str | None = None

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message

    @classmethod
    def of(cls, field: str, key: str, **params: str | int) -> ValidationError:
        """The catalogue's message `key` about `field`, translatable where it is shown."""
        error = cls(field, error_catalogue()[key] % params)
        error.key, error.params = key, params
        return error


class NotFoundError(HavenwatchError):
    """The record does not exist, or the caller may not know that it does."""
