"""Which teams' records a call may read or decide on: one value every team-data service requires.

`Scope.of(principal)` on the web (an administrator sees every team, anyone else their own
team), `Scope.everything()` for the command line and instance-wide work, `Scope.teams(...)`
for a job acting for named teams. No service has a default: a call that forgets its scope is
a type error and fails `tests/test_scope_rule.py`, never a silent "every team". An empty
scope sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true

from havenwatch.access.permissions import Principal


@dataclass(frozen=True)
class Scope:
    """The teams a call may see (`team_ids`), or every team (`every_team`)."""

    team_ids: tuple[str, ...]
    every_team: bool = False

    @classmethod
    def everything(cls) -> Scope:
        """Every team: the command line, administrators, instance-wide maintenance."""
        return cls((), every_team=True)

    @classmethod
    def teams(cls, *ids: str) -> Scope:
        """Exactly these teams (none given: nothing at all)."""
        return cls(tuple(sorted(set(ids))))

    @classmethod
    def of(cls, principal: Principal) -> Scope:
        """What a signed-in user may see: every team for an administrator, else their own."""
        if principal.role == "admin":
            return cls.everything()
        return cls.teams(principal.team_id)

    def allows(self, team_id: str | None) -> bool:
        """Whether a record of `team_id` lies inside the scope (a record of no team does not)."""
        return self.every_team or (team_id is not None and team_id in self.team_ids)

    def where(self, column: ColumnElement[str]) -> ColumnElement[bool]:
        """The condition "this team column lies inside the scope", for any table."""
        if self.every_team:
            return true()
        if not self.team_ids:
            return false()
        return column.in_(self.team_ids)
