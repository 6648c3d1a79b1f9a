"""Link a reported incident to known people and their cases, through the blind index only.

A name read in the news is folded into its keys (`havenwatch.core.names.name_keys`: the
whole name, then each part's stem), each key is turned into its keyed blind-index hash, and
those hashes are looked up in `person_name_keys`. Nobody's identity is decrypted and no clear
name is compared: which keys of the news name hit a person is all the scorer sees.

Every person scoring at least `PROPOSAL_THRESHOLD` is a candidate, kept per team (the best of
each team), so a team is shown only its own people. Why a person matched is a code
(`REASONS`), translated where it is shown; it never quotes the name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from havenwatch.core.names import name_stems
from havenwatch.crypto.keys import Keyring
from havenwatch.store.schema import cases, people, person_name_keys

WHOLE_NAME_SCORE = 100
EVERY_PART_SCORE = 90
SURNAME_ONLY_SCORE = 60
SURNAME_DIFFERENT_FIRST_NAME_SCORE = 50
OTHER_PART_ONLY_SCORE = 20
PROPOSAL_THRESHOLD = 50


@dataclass(frozen=True)
class NameParts:
    """The folded keys of a reported name: the whole name, and the stem of each part."""

    written: str
    whole: str
    stems: tuple[str, ...]

    @property
    def surname(self) -> str:
        """The last part, as names are written in the reports' languages ("Oleg Volokhonsky")."""
        return self.stems[-1]


WHOLE_NAME, EVERY_PART, SURNAME_ONLY, FIRST_NAME_DIFFERS, FIRST_NAME_ONLY = (
    "whole_name",
    "every_part",
    "surname_only",
    "first_name_differs",
    "first_name_only",
)
REASONS = (WHOLE_NAME, EVERY_PART, SURNAME_ONLY, FIRST_NAME_DIFFERS, FIRST_NAME_ONLY)


@dataclass(frozen=True)
class Score:
    value: int
    reason: str


@dataclass(frozen=True)
class Candidate:
    """A known person a reported name could be, with their open case in the lead's country."""

    person_id: str
    team_id: str
    case_id: str | None
    score: int
    reason: str


def name_parts(name: str) -> NameParts | None:
    """The reported name's keys, as `name_keys` makes them for the blind index."""
    stems = tuple(dict.fromkeys(name_stems(name)))
    if not stems:
        return None
    return NameParts(written=name, whole=" ".join(sorted(name_stems(name))), stems=stems)


def score_match(parts: NameParts, hits: set[str]) -> Score:
    """How well a person whose keys include `hits` matches the reported name, and why.

    `hits` holds the folded keys (whole name or stems) of the reported name that are among
    the person's blind-index keys.
    """
    if parts.whole in hits and len(parts.stems) > 1:
        return Score(WHOLE_NAME_SCORE, WHOLE_NAME)
    if len(parts.stems) > 1 and all(stem in hits for stem in parts.stems):
        return Score(EVERY_PART_SCORE, EVERY_PART)
    if parts.surname in hits or parts.whole in hits:
        if all(len(stem) == 1 for stem in parts.stems[:-1]):
            return Score(SURNAME_ONLY_SCORE, SURNAME_ONLY)
        return Score(SURNAME_DIFFERENT_FIRST_NAME_SCORE, FIRST_NAME_DIFFERS)
    return Score(OTHER_PART_ONLY_SCORE, FIRST_NAME_ONLY)


def candidates(
    conn: Connection, keyring: Keyring, name: str | None, country: str | None
) -> list[Candidate]:
    """The people a reported name could be: in each team, those with that team's best score.

    Only scores at or above `PROPOSAL_THRESHOLD` count; people of different teams never
    compete, so one team's lead does not depend on (or reveal) another team's records.
    """
    parts = name_parts(name) if name else None
    if parts is None:
        return []
    scores = {
        person: score
        for person, score in _scores(conn, keyring, parts).items()
        if score.value >= PROPOSAL_THRESHOLD
    }
    if not scores:
        return []
    rows = conn.execute(select(people.c.id, people.c.team_id).where(people.c.id.in_(list(scores))))
    teams = {str(row.id): str(row.team_id) for row in rows}
    best: dict[str, int] = {}
    for person, score in scores.items():
        best[teams[person]] = max(best.get(teams[person], 0), score.value)
    return [
        Candidate(
            person, teams[person], open_case(conn, person, country), score.value, score.reason
        )
        for person, score in sorted(scores.items())
        if score.value == best[teams[person]]
    ]


def _scores(conn: Connection, keyring: Keyring, parts: NameParts) -> dict[str, Score]:
    folded = {keyring.blind_index(key): key for key in (parts.whole, *parts.stems)}
    rows = conn.execute(
        select(person_name_keys.c.person_id, person_name_keys.c.name_key)
        .join(people, people.c.id == person_name_keys.c.person_id)
        .where(person_name_keys.c.name_key.in_(list(folded)), people.c.purged_at.is_(None))
    ).all()
    hits: dict[str, set[str]] = {}
    for row in rows:
        hits.setdefault(row.person_id, set()).add(folded[row.name_key])
    return {person: score_match(parts, keys) for person, keys in hits.items()}


def open_case(conn: Connection, person_id: str, country: str | None) -> str | None:
    """The person's most recently opened open case in the country, if any."""
    if not country:
        return None
    return conn.execute(
        select(cases.c.id)
        .where(cases.c.person_id == person_id, cases.c.country == country, cases.c.status == "open")
        .order_by(cases.c.opened_on.desc(), cases.c.id.desc())
        .limit(1)
    ).scalar()
