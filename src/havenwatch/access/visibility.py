"""What a scope may see, as SQL conditions: cases, people, sources, leads, documents, audit.

The one module that says which rows of the team tables lie inside a `Scope`. Services in
`cases/`, `monitor/` and `reports/` add these conditions to their queries; nothing above them
writes its own. A record outside the scope is simply not found: a 404, never a 403 that
would confirm it exists.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from havenwatch.access.scope import Scope
from havenwatch.store.schema import (
    audit_log,
    cases,
    deadline_steps,
    documents,
    event_facts,
    event_sources,
    events,
    lead_matches,
    lead_sources,
    leads,
    people,
    search_entries,
    sources,
)


def case_visibility(scope: Scope) -> ColumnElement[bool]:
    """Cases of the scope's teams."""
    return scope.where(cases.c.team_id)


def fact_visibility(scope: Scope) -> ColumnElement[bool]:
    """Statistics facts of the scope's teams (each carries its case's team)."""
    return scope.where(event_facts.c.team_id)


def person_visibility(scope: Scope) -> ColumnElement[bool]:
    """People of the scope's teams."""
    return scope.where(people.c.team_id)


def step_visibility(scope: Scope) -> ColumnElement[bool]:
    """Deadline steps of the scope's cases (a step carries its case's team)."""
    return scope.where(deadline_steps.c.team_id)


def search_visibility(scope: Scope) -> ColumnElement[bool]:
    """Search entries of the scope's teams (people, cases, events; sources have no team)."""
    return scope.where(search_entries.c.team_id)


def match_visibility(scope: Scope) -> ColumnElement[bool]:
    """A lead's matches against people of the scope's teams."""
    return scope.where(lead_matches.c.team_id)


def document_visibility(scope: Scope) -> ColumnElement[bool]:
    """Documents in the vault that belong to a case of the scope."""
    if scope.every_team:
        return true()
    return documents.c.case_id.in_(select(cases.c.id).where(case_visibility(scope)))


def audit_visibility(scope: Scope) -> ColumnElement[bool]:
    """Audit entries about a case of the scope (entries about no case: every team only)."""
    if scope.every_team:
        return true()
    return audit_log.c.case_id.in_(select(cases.c.id).where(case_visibility(scope)))


def lead_visibility(scope: Scope) -> ColumnElement[bool]:
    """Leads a team may see: those that could join its cases, and those matching nobody.

    A lead belongs to the teams of the people it matched (or was accepted for), one
    `lead_matches` row each; a lead matching nobody is news for the monitor pool, which every
    team reviews. The one rule for lists, counts, the dashboard and the decisions.
    """
    if scope.every_team:
        return true()
    if not scope.team_ids:
        return false()
    return _lead_visible_to(scope.team_ids)


@lru_cache(maxsize=256)
def _lead_visible_to(teams: tuple[str, ...]) -> ColumnElement[bool]:
    matches = exists().where(lead_matches.c.lead_id == leads.c.id)
    return or_(matches.where(lead_matches.c.team_id.in_(teams)), ~matches)


def source_visibility(scope: Scope) -> ColumnElement[bool]:
    """Sources a team may see: linked to its cases or leads, or not linked to anyone's.

    A news report about a person in another team is linked to that team's case; it must not
    surface in this team's lists, searches or counts.
    """
    if scope.every_team:
        return true()
    if not scope.team_ids:
        return false()
    return _visible_to(scope.team_ids)


def linked_to_an_event() -> ColumnElement[bool]:
    """Sources linked to some event: they name the people of those cases."""
    return exists().where(event_sources.c.source_id == sources.c.id)


def source_visibility_for(scope: Scope, *, linked: bool) -> ColumnElement[bool]:
    """Sources a role may see: without identity rights (`linked` False), only unlinked ones."""
    visible = source_visibility(scope)
    return visible if linked else and_(visible, ~linked_to_an_event())


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
