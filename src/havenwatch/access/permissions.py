"""Who may do what, and on which team's records.

Roles grant capabilities (`roles.json`); teams narrow records. Every service call from the
web and API layers passes `Principal.team_ids` (None only for administrators), so a record
of another team is simply not found: a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources

from sqlalchemy import ColumnElement, and_, exists, or_, true

from havenwatch.core.errors import HavenwatchError
from havenwatch.store.schema import (
    cases,
    event_sources,
    events,
    lead_matches,
    lead_sources,
    leads,
    sources,
)


class Capability(StrEnum):
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    VIEW_IDENTITY = "view_identity"
    VIEW_NOTES = "view_notes"
    VIEW_DOCUMENTS = "view_documents"
    DOWNLOAD_ORIGINALS = "download_originals"
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
    def team_ids(self) -> tuple[str, ...] | None:
        """Teams whose records this user may see; None means every team."""
        return None if self.role == "admin" else (self.team_id,)

    @property
    def actor(self) -> str:
        return f"user:{self.username}"

    def can(self, capability: Capability) -> bool:
        return capability in role_capabilities().get(self.role, frozenset())

    def require(self, capability: Capability) -> None:
        if not self.can(capability):
            raise Forbidden(f"the {self.role} role may not {capability.value.replace('_', ' ')}")


def team_condition(
    column: ColumnElement[str], team_ids: Collection[str] | None
) -> ColumnElement[bool]:
    return true() if team_ids is None else column.in_(list(team_ids))


def lead_visibility(team_ids: Collection[str] | None) -> ColumnElement[bool]:
    """Leads a team may see: those that could join its cases, and those matching nobody.

    A lead belongs to the teams of the people it matched (or was accepted for), one
    `lead_matches` row each; a lead matching nobody is news for the monitor pool, which every
    team reviews. The one rule for lists, counts, the dashboard and the decisions.
    """
    if team_ids is None:
        return true()
    return _lead_visible_to(tuple(sorted(team_ids)))


@lru_cache(maxsize=256)
def _lead_visible_to(teams: tuple[str, ...]) -> ColumnElement[bool]:
    matches = exists().where(lead_matches.c.lead_id == leads.c.id)
    return or_(matches.where(lead_matches.c.team_id.in_(teams)), ~matches)


def source_visibility(team_ids: Collection[str] | None) -> ColumnElement[bool]:
    """Sources a team may see: linked to its cases or leads, or not linked to anyone's.

    A news report about a person in another team is linked to that team's case; it must not
    surface in this team's lists, searches or counts.
    """
    if team_ids is None:
        return true()
    return _visible_to(tuple(sorted(team_ids)))


@lru_cache(maxsize=256)
def _visible_to(teams: tuple[str, ...]) -> ColumnElement[bool]:
    """Built once per set of teams: SQL expressions are immutable, and this one is large."""
    case_link = (
        exists()
        .where(event_sources.c.source_id == sources.c.id)
        .where(events.c.id == event_sources.c.event_id, cases.c.id == events.c.case_id)
    )
    lead_link = exists().where(leads.c.source_id == sources.c.id)
    lead_list = exists().where(
        lead_sources.c.source_id == sources.c.id, leads.c.id == lead_sources.c.lead_id
    )
    matches = exists().where(lead_matches.c.lead_id == leads.c.id)
    ours = matches.where(lead_matches.c.team_id.in_(teams))
    unlinked = and_(
        ~exists().where(event_sources.c.source_id == sources.c.id),
        ~lead_link.where(matches),
        ~lead_list.where(matches),
    )
    return or_(
        case_link.where(cases.c.team_id.in_(teams)),
        lead_link.where(ours),
        lead_list.where(ours),
        unlinked,
    )
