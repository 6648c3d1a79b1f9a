"""Link a reported incident to a known person and case, through the blind index only.

A name read in the news is folded into its keys (`havenwatch.monitor.names.name_keys`: the
whole name, then each part's stem), each key is turned into its keyed blind-index hash, and
those hashes are looked up in `person_name_keys`. Nobody's identity is decrypted and no clear
name is compared: which keys of the news name hit a person is all the scorer sees.

The reason given to the caseworker names the spelling read in the report, which is public.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from havenwatch.monitor.names import name_stems
from havenwatch.security.crypto import Keyring
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


@dataclass(frozen=True)
class Score:
    value: int
    reason: str


@dataclass(frozen=True)
class Link:
    """A lead's candidates: a known person (and their open case), or a new person proposed."""

    person_id: str | None
    case_id: str | None
    team_id: str | None
    score: int | None
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
    quoted = f"'{parts.written}'"
    if parts.whole in hits and len(parts.stems) > 1:
        return Score(WHOLE_NAME_SCORE, f"full name {quoted} matches a recorded spelling")
    if len(parts.stems) > 1 and all(stem in hits for stem in parts.stems):
        return Score(EVERY_PART_SCORE, f"surname and first name match the {quoted} spelling")
    if parts.surname in hits or parts.whole in hits:
        if all(len(stem) == 1 for stem in parts.stems[:-1]):
            return Score(SURNAME_ONLY_SCORE, f"surname in {quoted} matches; no first name given")
        return Score(
            SURNAME_DIFFERENT_FIRST_NAME_SCORE, f"surname in {quoted} matches, first name differs"
        )
    return Score(OTHER_PART_ONLY_SCORE, f"only a first name in {quoted} matches")


def link_subject(conn: Connection, keyring: Keyring, name: str | None, country: str | None) -> Link:
    """The best candidate person for a reported name, and their open case in `country`."""
    parts = name_parts(name) if name else None
    if parts is None:
        return Link(
            None, None, None, None, "the report does not name the person; new person proposed"
        )
    scores = _scores(conn, keyring, parts)
    best = max((score.value for score in scores.values()), default=0)
    leaders = sorted(person for person, score in scores.items() if score.value == best)
    if best < PROPOSAL_THRESHOLD:
        return Link(
            None, None, None, None, f"no known person matches '{name}'; new person proposed"
        )
    if len(leaders) > 1:
        return Link(
            None, None, None, best,
            f"{len(leaders)} known people match '{name}' equally; choose one by hand",
        )  # fmt: skip
    person_id = leaders[0]
    team_id = conn.execute(select(people.c.team_id).where(people.c.id == person_id)).scalar()
    case_id = open_case(conn, person_id, country)
    reason = scores[person_id].reason + ("" if case_id else f"; no open case in {country or '?'}")
    return Link(person_id, case_id, team_id, best, reason)


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
