"""Errors a user can act on. Their text is shown as-is, on one line."""

from __future__ import annotations


class HavenwatchError(Exception):
    """Base class for errors that carry a message fit for users."""


class ValidationError(HavenwatchError):
    """A value does not fit the data model (unknown code, impossible date...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class NotFoundError(HavenwatchError):
    """The record does not exist, or the caller may not know that it does."""
