"""People: add, read, update and find them, with their identity sealed under their own key."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields, replace
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, select, union

from havenwatch.access.scope import Scope
from havenwatch.access.teams import ensure_team, team_names
from havenwatch.access.visibility import person_visibility
from havenwatch.cases.custom_fields import holder_of, write_values
from havenwatch.cases.search import index_person, positioned
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.ids import new_id
from havenwatch.core.model import Identity, Person, validate_person
from havenwatch.core.names import name_keys
from havenwatch.crypto.keys import Keyring
from havenwatch.crypto.sealing import PersonKey
from havenwatch.store.database import Database, Unit
from havenwatch.store.rows import PERSON_ROWS
from havenwatch.store.schema import AnyRow, people, person_name_keys

PSEUDONYM_DOMAIN = "pseudonym\x1f"


def real_name_keys(keyring: Keyring, name: str) -> set[str]:
    return {keyring.blind_index(key) for key in name_keys(name)}


def pseudonym_keys(keyring: Keyring, name: str) -> set[str]:
    """Keys of a pseudonym, in a domain of their own: never equal to a real name's key.

    Pseudonyms are stored in clear. Hashed like real names, each of their keys would be
    known plaintext: anyone holding the table (not the key) could tell which real name parts
    equal a word of some pseudonym.
    """
    return {keyring.blind_index(PSEUDONYM_DOMAIN + key) for key in name_keys(name)}


def blind_keys(keyring: Keyring, identity: Identity, pseudonym: str) -> set[str]:
    """Keyed hashes of every folded form of every spelling of the person's names."""
    keys = pseudonym_keys(keyring, pseudonym)
    for name in identity.names():
        keys |= real_name_keys(keyring, name)
    return keys


def person_row(keyring: Keyring, person: Person, team_id: str) -> tuple[dict[str, Any], set[str]]:
    """The stored row and blind-index keys for a new person; assigns id and data key."""
    validate_person(person)
    person.id = person.id or new_id()
    now = utcnow()
    person.created_at = person.created_at or now
    _, wrapped = keyring.new_data_key(person.id)
    key = PersonKey(keyring, wrapped, person.id)
    identity = None if person.identity.is_empty() else key.seal_identity(person.identity, person.id)
    row = PERSON_ROWS.row(
        person,
        pseudonym=person.pseudonym.strip(),
        team_id=team_id,
        wrapped_key=wrapped,
        identity=identity,
        updated_at=now,
    )
    return row, blind_keys(keyring, person.identity, person.pseudonym)


def insert_person(unit: Unit, keyring: Keyring, person: Person) -> Person:
    team_id = ensure_team(unit, person.team)
    row, keys = person_row(keyring, person, team_id)
    unit.conn.execute(people.insert(), row)
    if keys:
        unit.conn.execute(
            person_name_keys.insert(), [{"person_id": person.id, "name_key": key} for key in keys]
        )
    index_person(unit.conn, person.id)
    unit.audit("person.create", target_type="person", target_id=person.id)
    return person


def add_person(
    db: Database,
    person: Person,
    actor: str,
    *,
    scope: Scope,
    custom: Mapping[str, object] | None = None,
) -> Person:
    """A new person in a team of the scope, with the values of the team's fields when given
    (then every required field needs one)."""
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        if not scope.allows(ensure_team(unit, person.team)):
            raise ValidationError.of("team", "team.out_of_scope", id=person.team)
        insert_person(unit, keyring, person)
        if custom is not None and person.id is not None:
            holder = holder_of(unit.conn, "person", person.id)
            write_values(unit, keyring, holder, custom, complete=True)
        return person


def _person_from_row(row: AnyRow, teams: dict[str, str], identity: Identity) -> Person:
    return PERSON_ROWS.record_of(row, identity=identity, team=teams.get(row.team_id, row.team_id))


def load_people(conn: Connection, keyring: Keyring | None, rows: Sequence[AnyRow]) -> list[Person]:
    """Turn rows into people; identity is opened only when a keyring is given."""
    teams = team_names(conn)
    result = []
    for row in rows:
        identity = Identity()
        if keyring is not None and row.wrapped_key is not None:
            identity = PersonKey(keyring, row.wrapped_key, row.id).open_identity(
                row.identity, row.id
            )
        result.append(_person_from_row(row, teams, identity))
    return result


def get_person(
    db: Database,
    person_id: str,
    *,
    actor: str,
    with_identity: bool = False,
    scope: Scope,
) -> Person:
    """One person of the scope; reading their identity is recorded in the audit trail."""
    query = select(people).where(people.c.id == person_id, person_visibility(scope))
    with db.write(actor) if with_identity else db.read() as handle:
        conn = handle.conn if isinstance(handle, Unit) else handle
        row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(f"no person {person_id}")
        keyring = db.require_keyring() if with_identity else None
        person = load_people(conn, keyring, [row])[0]
        if isinstance(handle, Unit):
            handle.audit("person.read_identity", target_type="person", target_id=person_id)
        return person


def read_person(conn: Connection, person_id: str, scope: Scope) -> Person:
    """One person of the scope without their identity, inside the caller's transaction."""
    row = conn.execute(
        select(people).where(people.c.id == person_id, person_visibility(scope))
    ).first()
    if row is None:
        raise NotFoundError(f"no person {person_id}")
    return load_people(conn, None, [row])[0]


def list_people(
    db: Database,
    *,
    scope: Scope,
    limit: int = 100,
    offset: int = 0,
) -> list[Person]:
    """People of the scope without their identity: pseudonyms and working fields only."""
    query = (
        select(people)
        .where(person_visibility(scope))
        .order_by(people.c.pseudonym, people.c.id)
        .limit(limit)
        .offset(offset)
    )
    with db.read() as conn:
        return load_people(conn, None, conn.execute(query).all())


def pseudonyms(db: Database, person_ids: Collection[str], *, scope: Scope) -> dict[str, str]:
    """Pseudonyms of the given people (those of the scope only), in one query."""
    if not person_ids:
        return {}
    query = select(people.c.id, people.c.pseudonym).where(
        people.c.id.in_(list(person_ids)), person_visibility(scope)
    )
    with db.read() as conn:
        return {row.id: row.pseudonym for row in conn.execute(query)}


def count_people(db: Database, *, scope: Scope) -> int:
    query = select(func.count()).select_from(people).where(person_visibility(scope))
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


def find_people_by_name(
    db: Database, name: str, *, scope: Scope, limit: int | None = None
) -> list[str]:
    """Ids of people one of whose names folds to the same key, in any script or spelling.

    Best matches (most names in common) first; `limit` keeps only that many.
    """
    keyring = db.require_keyring()
    with db.read() as conn:
        return people_named(conn, keyring, name, scope=scope, limit=limit)


def people_named(
    conn: Connection,
    keyring: Keyring,
    name: str,
    *,
    scope: Scope,
    limit: int | None = None,
) -> list[str]:
    """`find_people_by_name` inside a transaction the caller holds."""
    keys = sorted(real_name_keys(keyring, name) | pseudonym_keys(keyring, name))
    if not keys:
        return []
    if len(keys) == 2:  # one word: its real-name key and its pseudonym key
        found: set[str] = set()
        for key in keys:
            query = _scoped(_people_with_keys([key]).limit(limit), scope)
            found.update(conn.execute(query).scalars())
        return sorted(found)[:limit]
    return list(conn.execute(_scoped(_people_with_keys(keys).limit(limit), scope)).scalars())


NAME_KEYS = "name_keys"
ONE_WORD = ("name_key_real", "name_key_pseudonym")


def name_parameters(keyring: Keyring, name: str) -> dict[str, Any]:
    """The parameters of `named_arm` for a name (none: a name without letters)."""
    keys = sorted(real_name_keys(keyring, name) | pseudonym_keys(keyring, name))
    if len(keys) == 2:
        return dict(zip(ONE_WORD, keys, strict=True))
    return {NAME_KEYS: keys} if keys else {}


def named_arm(scope: Scope, *, one_word: bool, limit: int) -> Select[Any]:
    """People with the keys of `name_parameters`, as a `positioned` arm labelled "named", in
    `people_named`'s order: for one word, the first people by id of either key (each key's
    list read alone in id order, then the two short lists merged), else most keys first."""
    person_id = person_name_keys.c.person_id
    if one_word:
        firsts = [
            _scoped(
                select(person_id.label("id"))
                .where(person_name_keys.c.name_key == bindparam(key))
                .order_by(person_id)
                .limit(limit),
                scope,
            ).subquery(f"first_{key}")
            for key in ONE_WORD
        ]
        merged = union(*(select(first.c.id) for first in firsts)).subquery("merged")
        ranked = select(merged.c.id).order_by(merged.c.id).limit(limit).subquery("ranked_named")
        return positioned("named", ranked, ranked.c.id)
    holding = _scoped(
        select(person_id.label("id"), func.count().label("hits"))
        .where(person_name_keys.c.name_key.in_(bindparam(NAME_KEYS, expanding=True)))
        .group_by(person_id)
        .order_by(func.count().desc(), person_id)
        .limit(limit),
        scope,
    ).subquery("ranked_named")
    return positioned("named", holding, holding.c.hits.desc(), holding.c.id)


def _scoped(query: Select[str], scope: Scope) -> Select[str]:
    if scope.every_team:
        return query
    return query.join(people, people.c.id == person_name_keys.c.person_id).where(
        person_visibility(scope)
    )


def _people_with_keys(keys: list[str]) -> Select[str]:
    """People holding any of the keys, most keys in common first, then by id.

    One key needs no counting: the index already lists its people by id, so a limited search
    stops after the first rows instead of grouping thousands. A one-word name has two keys
    (real name, pseudonym): `people_named` asks for each alone and merges the two short lists.
    """
    person_id = person_name_keys.c.person_id
    if len(keys) == 1:
        return select(person_id).where(person_name_keys.c.name_key == keys[0]).order_by(person_id)
    return (
        select(person_id)
        .where(person_name_keys.c.name_key.in_(keys))
        .group_by(person_id)
        .order_by(func.count().desc(), person_id)
    )


PERSON_FIELDS = (
    "pseudonym",
    "nationality",
    "gender",
    "birth_year",
    "family_affected_count",
    "family_relation",
    "consent",
    "risk_level",
)
REQUIRED_FIELDS = ("pseudonym", "family_affected_count", "consent", "risk_level")
IDENTITY_FIELDS = tuple(field.name for field in fields(Identity))
LIST_FIELDS = ("other_names", "document_numbers")  # cleared to [], never None


def _editable_row(conn: Connection, person_id: str, scope: Scope) -> AnyRow:
    """The person's row, if the scope may see it and it was not purged."""
    query = select(people).where(people.c.id == person_id, person_visibility(scope))
    row = conn.execute(query).first()
    if row is None:
        raise NotFoundError(f"no person {person_id}")
    if row.purged_at is not None or row.wrapped_key is None:
        raise ValidationError.of("person", "person.purged")
    return row


def _changed_fields(before: Person, after: Person) -> list[str]:
    """Names (never values) of the fields that differ, identity fields as `identity.<name>`."""
    changed = [name for name in PERSON_FIELDS if getattr(before, name) != getattr(after, name)]
    changed += [
        f"identity.{name}"
        for name in IDENTITY_FIELDS
        if getattr(before.identity, name) != getattr(after.identity, name)
    ]
    return changed


def _rewrite_person(unit: Unit, keyring: Keyring, row: AnyRow, person: Person) -> None:
    """Store the person's fields and sealed identity, and rebuild both of their indexes.

    The blind index of names is replaced whole, so a name that was removed or changed no
    longer finds the person and the new one does; the search index gets the new pseudonym.
    """
    key = PersonKey(keyring, row.wrapped_key, row.id)
    unit.conn.execute(
        people.update()
        .where(people.c.id == row.id)
        .values(
            pseudonym=person.pseudonym.strip(),
            nationality=person.nationality,
            gender=person.gender,
            birth_year=person.birth_year,
            family_affected_count=person.family_affected_count,
            family_relation=person.family_relation,
            consent=person.consent,
            risk_level=person.risk_level,
            identity=None
            if person.identity.is_empty()
            else key.seal_identity(person.identity, row.id),
            updated_at=utcnow(),
        )
    )
    unit.conn.execute(person_name_keys.delete().where(person_name_keys.c.person_id == row.id))
    keys = blind_keys(keyring, person.identity, person.pseudonym)
    if keys:
        unit.conn.execute(
            person_name_keys.insert(), [{"person_id": row.id, "name_key": k} for k in keys]
        )
    index_person(unit.conn, row.id)


def update_person(db: Database, person: Person, actor: str, *, scope: Scope) -> Person:
    """Replace a person's working fields and identity (re-sealed, blind index rebuilt).

    The team is not changed. A purged person cannot be updated: their key is gone.
    """
    validate_person(person)
    keyring = db.require_keyring()
    if person.id is None:
        raise NotFoundError("the person has no id")
    with db.write(actor) as unit:
        row = _editable_row(unit.conn, person.id, scope)
        before = load_people(unit.conn, keyring, [row])[0]
        _rewrite_person(unit, keyring, row, person)
        unit.audit(
            "person.update",
            target_type="person",
            target_id=person.id,
            detail={"changed": _changed_fields(before, person)},
        )
    return person


def edit_person(
    db: Database,
    person_id: str,
    actor: str,
    *,
    changes: Mapping[str, Any] | None = None,
    identity_changes: Mapping[str, Any] | None = None,
    custom_changes: Mapping[str, object] | None = None,
    scope: Scope,
) -> Person:
    """Change only the given fields of a person; every other field keeps its stored value.

    `changes` names working fields (`PERSON_FIELDS`), `identity_changes` identity fields
    (`IDENTITY_FIELDS`), `custom_changes` the team's own fields by key; a value of None clears
    the field. The identity is opened, changed and
    sealed again inside one write transaction, and the audit entry (`person.update`) names the
    fields that changed, never their values. Nothing is written when nothing changes.
    Returns the person as stored, identity included.
    """
    changes, identity_changes = dict(changes or {}), dict(identity_changes or {})
    unknown = sorted(set(changes) - set(PERSON_FIELDS))
    unknown += sorted(set(identity_changes) - set(IDENTITY_FIELDS))
    if unknown:
        raise ValueError(f"not fields of a person: {', '.join(unknown)}")
    for name in LIST_FIELDS:
        if name in identity_changes and identity_changes[name] is None:
            identity_changes[name] = []
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        row = _editable_row(unit.conn, person_id, scope)
        before = load_people(unit.conn, keyring, [row])[0]
        after = replace(before, **changes, identity=replace(before.identity, **identity_changes))
        for name in REQUIRED_FIELDS:
            if getattr(after, name) is None:
                raise ValidationError.of(name, "value.empty")
        after.pseudonym = after.pseudonym.strip()
        validate_person(after)
        changed = _changed_fields(before, after)
        if changed:
            _rewrite_person(unit, keyring, row, after)
        holder = holder_of(unit.conn, "person", person_id)
        changed += write_values(unit, keyring, holder, custom_changes or {}, complete=False)
        if changed:
            unit.audit(
                "person.update",
                target_type="person",
                target_id=person_id,
                detail={"changed": changed},
            )
    return after
