"""Who may do what, and on which team's records.

Roles grant capabilities (`roles.json`); teams narrow records: every service of team data
requires a `Scope` (`access/scope.py`, `Scope.of(principal)` on the web), and the rules of
what a scope sees live in `access/visibility.py`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from havenwatch.core.errors import HavenwatchError


class Capability(StrEnum):
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    VIEW_IDENTITY = "view_identity"
    VIEW_NOTES = "view_notes"
    VIEW_DOCUMENTS = "view_documents"
    VIEW_SOURCES = "view_sources"
    SEARCH = "search"
    SEARCH_NAMES = "search_names"
    REVIEW_LEADS = "review_leads"
    IMPORT = "import"
    IMPORT_FULL = "import_full"
    EXPORT_FULL = "export_full"
    EXPORT_ANONYMISED = "export_anonymised"
    EXPORT_ANONYMISED_LIVE = "export_anonymised_live"
    PUBLISH_RELEASE = "publish_release"
    VIEW_STATISTICS = "view_statistics"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"


class Forbidden(HavenwatchError):
    """The user's role does not allow this action."""


@cache
def role_capabilities() -> dict[str, frozenset[Capability]]:
    text = resources.files("havenwatch.access").joinpath("roles.json").read_text("utf-8")
    table = json.loads(text)
    return {
        role: frozenset(Capability(name) for name in names)
        for role, names in table.items()
        if not role.startswith("_")
    }


@dataclass(frozen=True)
class Principal:
    """The signed-in user as the permission checks see them."""

    user_id: str
    username: str
    role: str
    team_id: str
    team: str
    locale: str

    @property
    def actor(self) -> str:
        return f"user:{self.username}"

    def can(self, capability: Capability) -> bool:
        return capability in role_capabilities().get(self.role, frozenset())

    def require(self, capability: Capability) -> None:
        if not self.can(capability):
            raise Forbidden(f"the {self.role} role may not {capability.value.replace('_', ' ')}")
