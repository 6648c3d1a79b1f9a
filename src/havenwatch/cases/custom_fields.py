"""Fields a team defines, and their values on the team's people, cases and events.

Definitions belong to one team and are seen only inside a scope holding it; values are read
and written only through the definitions of the record's own team, so another team's fields
and values stay invisible (team scope fails closed). A value of an identifying field is
sealed with the person's data key (associated data `custom_values|sealed|<field>:<record>`)
and never stored in clear; other values are kept as canonical text (`core.custom_fields`).
Defining, changing and removing a field are audited (`custom_field.define`, `.change`,
`.remove`, naming the key, never a value); value changes are named in the record's own
audit entry (`custom.<key>`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import NoResultFound

from havenwatch.access.scope import Scope
from havenwatch.access.teams import ensure_team, team_names
from havenwatch.core.clock import utcnow
from havenwatch.core.custom_fields import (
    RECORDS,
    FieldDefinition,
    Option,
    check_definition,
    fold_answer,
)
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.ids import new_id
from havenwatch.crypto.keys import Keyring
from havenwatch.crypto.sealing import PersonKey
from havenwatch.store.database import Database, Unit, record_read
from havenwatch.store.schema import AnyRow, cases, custom_fields, custom_values, events, people

Values = dict[str, str]  # field key -> canonical text


@dataclass(frozen=True)
class Holder:
    """The record values belong to: which kind, its id, its person (whose key seals them)."""

    applies_to: str
    record_id: str
    person_id: str
    wrapped_key: bytes | None
    team_id: str
    case_id: str | None = None
    event_id: str | None = None


def holder_of(conn: Connection, applies_to: str, record_id: str) -> Holder:
    """The holder of a stored person, case or event (its team is the case's or person's)."""
    if applies_to == "person":
        one: AnyRow = conn.execute(
            select(people.c.id, people.c.wrapped_key, people.c.team_id).where(
                people.c.id == record_id
            )
        ).one()
        return Holder("person", record_id, one.id, one.wrapped_key, one.team_id)
    query = select(
        cases.c.id, cases.c.team_id, people.c.id.label("person_id"), people.c.wrapped_key
    ).join(people, people.c.id == cases.c.person_id)
    if applies_to == "case":
        row: AnyRow = conn.execute(query.where(cases.c.id == record_id)).one()
        return Holder("case", record_id, row.person_id, row.wrapped_key, row.team_id, row.id)
    row = conn.execute(
        query.join(events, events.c.case_id == cases.c.id).where(events.c.id == record_id)
    ).one()
    return Holder(
        "event", record_id, row.person_id, row.wrapped_key, row.team_id, row.id, record_id
    )


def _definition(row: AnyRow, teams: Mapping[str, str]) -> FieldDefinition:
    options = tuple(Option(o["value"], dict(o["labels"])) for o in row.options or [])
    return FieldDefinition(
        key=row.key,
        applies_to=row.applies_to,
        kind=row.kind,
        labels=dict(row.labels),
        options=options,
        identifying=bool(row.identifying),
        required=bool(row.required),
        position=row.position,
        id=row.id,
        team_id=row.team_id,
        team=teams.get(row.team_id),
    )


def _options_json(options: Iterable[Option]) -> list[dict[str, Any]]:
    return [{"value": o.value, "labels": dict(o.labels)} for o in options]


def team_fields(conn: Connection, team_id: str, applies_to: str) -> list[FieldDefinition]:
    """The fields one team defined for one kind of record, in their order.

    A building block for services that already hold the record (and so know its team is in
    their caller's scope)."""
    query = (
        select(custom_fields)
        .where(custom_fields.c.team_id == team_id, custom_fields.c.applies_to == applies_to)
        .order_by(custom_fields.c.position, custom_fields.c.key)
    )
    return [_definition(row, {}) for row in conn.execute(query)]


def fields_in(
    conn: Connection, scope: Scope, applies_to: str | None = None
) -> list[FieldDefinition]:
    """The fields of the scope's teams (of one kind of record, when given)."""
    query = select(custom_fields).where(scope.where(custom_fields.c.team_id))
    if applies_to is not None:
        query = query.where(custom_fields.c.applies_to == applies_to)
    query = query.order_by(
        custom_fields.c.team_id, custom_fields.c.applies_to, custom_fields.c.position
    )
    teams = team_names(conn)
    return [_definition(row, teams) for row in conn.execute(query)]


def list_fields(
    db: Database, *, scope: Scope, applies_to: str | None = None
) -> list[FieldDefinition]:
    """The fields the scope's teams defined, by team, record and position."""
    with db.read() as conn:
        return fields_in(conn, scope, applies_to)


def fields_for_team(
    db: Database, team: str, applies_to: str, *, scope: Scope
) -> list[FieldDefinition]:
    """The fields a form of `team` shows (none for a team outside the scope)."""
    with db.read() as conn:
        return [f for f in fields_in(conn, scope, applies_to) if f.team == team]


def define_field(
    db: Database, definition: FieldDefinition, actor: str, *, team: str, scope: Scope
) -> FieldDefinition:
    """A new field of a team of the scope; its key is unique for the team and record."""
    check_definition(definition)
    with db.write(actor) as unit:
        team_id = ensure_team(unit, team)
        if not scope.allows(team_id):
            raise ValidationError.of("team", "team.out_of_scope", id=team)
        taken = team_fields(unit.conn, team_id, definition.applies_to)
        if any(field.key == definition.key for field in taken):
            raise ValidationError.of("key", "custom.key_taken", value=definition.key)
        stored = replace(
            definition,
            id=new_id(),
            team_id=team_id,
            team=team,
            position=definition.position or len(taken) + 1,
        )
        unit.conn.execute(
            custom_fields.insert().values(
                id=stored.id,
                team_id=team_id,
                applies_to=stored.applies_to,
                key=stored.key,
                kind=stored.kind,
                labels=dict(stored.labels),
                options=_options_json(stored.options),
                identifying=stored.identifying,
                required=stored.required,
                position=stored.position,
                created_at=utcnow(),
            )
        )
        unit.audit(
            "custom_field.define",
            target_type="custom_field",
            target_id=stored.id,
            detail=_described(stored),
        )
    return stored


def _described(field: FieldDefinition) -> dict[str, Any]:
    """What the audit trail says of a definition: never a value of a record."""
    return {
        "team": field.team_id,
        "applies_to": field.applies_to,
        "key": field.key,
        "kind": field.kind,
        "labels": dict(field.labels),
        "options": [option.value for option in field.options],
        "identifying": field.identifying,
        "required": field.required,
    }


def _field_row(conn: Connection, field_id: str, scope: Scope) -> FieldDefinition:
    row = conn.execute(
        select(custom_fields).where(
            custom_fields.c.id == field_id, scope.where(custom_fields.c.team_id)
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no field {field_id}")
    return _definition(row, team_names(conn))


def change_field(
    db: Database,
    field_id: str,
    actor: str,
    *,
    labels: Mapping[str, str],
    options: tuple[Option, ...],
    required: bool,
    scope: Scope,
) -> FieldDefinition:
    """New labels, options and requiredness; its key, kind and sealing never change (values
    already stored keep their meaning). An option still in use cannot be dropped."""
    with db.write(actor) as unit:
        before = _field_row(unit.conn, field_id, scope)
        after = replace(before, labels=dict(labels), options=options, required=required)
        check_definition(after)
        if before.kind == "choice":
            _keep_used_options(unit.conn, before, after)
        unit.conn.execute(
            custom_fields.update()
            .where(custom_fields.c.id == field_id)
            .values(
                labels=dict(after.labels),
                options=_options_json(after.options),
                required=after.required,
            )
        )
        unit.audit(
            "custom_field.change",
            target_type="custom_field",
            target_id=field_id,
            detail=_described(after),
        )
    return after


def _keep_used_options(conn: Connection, before: FieldDefinition, after: FieldDefinition) -> None:
    kept = {option.value for option in after.options}
    used = set(
        conn.execute(
            select(custom_values.c.value).where(custom_values.c.field_id == before.id).distinct()
        ).scalars()
    )
    dropped = sorted(value for value in used - kept if value)
    if dropped and not before.identifying:
        raise ValidationError.of("options", "custom.bad_options")


def remove_field(db: Database, field_id: str, actor: str, *, scope: Scope) -> None:
    """Remove a field and every value of it."""
    with db.write(actor) as unit:
        field = _field_row(unit.conn, field_id, scope)
        unit.conn.execute(custom_values.delete().where(custom_values.c.field_id == field_id))
        unit.conn.execute(custom_fields.delete().where(custom_fields.c.id == field_id))
        unit.audit(
            "custom_field.remove",
            target_type="custom_field",
            target_id=field_id,
            detail=_described(field),
        )


def _aad_row(field_id: str, record_id: str) -> str:
    return f"{field_id}:{record_id}"


def read_values(
    conn: Connection, keyring: Keyring | None, holder: Holder, *, sealed: bool
) -> Values:
    """The record's values by key; identifying ones only when `sealed` (and a keyring)."""
    fields = {f.id: f for f in team_fields(conn, holder.team_id, holder.applies_to)}
    if not fields:
        return {}
    rows = conn.execute(
        select(custom_values).where(
            custom_values.c.record_id == holder.record_id,
            custom_values.c.field_id.in_(list(fields)),
        )
    )
    key = PersonKey(keyring, holder.wrapped_key, holder.person_id) if keyring else None
    found: Values = {}
    for row in rows:
        field = fields[row.field_id]
        if not field.identifying:
            found[field.key] = row.value
        elif sealed and key is not None and key.available:
            opened = key.open_text(
                row.sealed, "custom_values", "sealed", _aad_row(row.field_id, row.record_id)
            )
            if opened is not None:
                found[field.key] = opened
    return {f.key: found[f.key] for f in fields.values() if f.key in found}


def clear_values_of(
    conn: Connection, fields: Collection[FieldDefinition], record_ids: Collection[str]
) -> dict[str, Values]:
    """The non-identifying values of many records (lists, exports), by record id."""
    by_id = {f.id: f for f in fields if not f.identifying}
    if not by_id or not record_ids:
        return {}
    found: dict[str, Values] = {}
    for chunk in _chunks(list(record_ids), 500):
        rows = conn.execute(
            select(custom_values.c.field_id, custom_values.c.record_id, custom_values.c.value)
            .where(custom_values.c.record_id.in_(chunk))
            .where(custom_values.c.field_id.in_(list(by_id)))
        )
        for row in rows:
            found.setdefault(row.record_id, {})[by_id[row.field_id].key] = row.value
    return found


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def parse_values(
    fields: Iterable[FieldDefinition], given: Mapping[str, object], *, complete: bool
) -> Values | dict[str, str | None]:
    """Typed values checked against the fields; `complete`: every field, required ones too.

    A key no field has is refused; a blank value clears the field (refused when required).
    """
    by_key = {field.key: field for field in fields}
    unknown = sorted(set(given) - set(by_key))
    if unknown:
        raise ValidationError.of(
            "custom",
            "custom.unknown_field",
            value=unknown[0][:60],
            accepted=", ".join(by_key) or "-",
        )
    wanted = by_key.values() if complete else [by_key[key] for key in given]
    return {field.key: field.parse(given.get(field.key)) for field in wanted}


def write_values(
    unit: Unit,
    keyring: Keyring,
    holder: Holder,
    given: Mapping[str, object],
    *,
    complete: bool,
) -> list[str]:
    """Check and store the record's values (`complete`: a new record's whole form); returns
    the keys whose value changed, as `custom.<key>`, for the record's audit entry."""
    fields = team_fields(unit.conn, holder.team_id, holder.applies_to)
    if not fields or (not given and not complete):
        return []
    parsed = parse_values(fields, given, complete=complete)
    before = read_values(unit.conn, keyring, holder, sealed=True)
    key = PersonKey(keyring, holder.wrapped_key, holder.person_id)
    changed = []
    for field in fields:
        if field.key not in parsed or parsed[field.key] == before.get(field.key):
            continue
        _store(unit.conn, key, holder, field, parsed[field.key])
        changed.append(f"custom.{field.key}")
    return changed


def _store(
    conn: Connection, key: PersonKey, holder: Holder, field: FieldDefinition, value: str | None
) -> None:
    where = (custom_values.c.field_id == field.id) & (custom_values.c.record_id == holder.record_id)
    conn.execute(custom_values.delete().where(where))
    if value is None:
        return
    row_id = _aad_row(field.id or "", holder.record_id)
    conn.execute(
        custom_values.insert().values(
            field_id=field.id,
            record_id=holder.record_id,
            person_id=holder.person_id,
            case_id=holder.case_id,
            event_id=holder.event_id,
            value=None if field.identifying else value,
            sealed=key.seal_text(value, "custom_values", "sealed", row_id)
            if field.identifying
            else None,
        )
    )


@dataclass(frozen=True)
class FieldValue:
    """A field of a record with its value (None: blank, or sealed and not opened)."""

    field: FieldDefinition
    value: str | None
    sealed_shut: bool = False


def _visible_holder(conn: Connection, applies_to: str, record_id: str, scope: Scope) -> Holder:
    try:
        holder = holder_of(conn, applies_to, record_id)
    except NoResultFound as error:
        raise NotFoundError(f"no {applies_to} {record_id}") from error
    if not scope.allows(holder.team_id):
        raise NotFoundError(f"no {applies_to} {record_id}")
    return holder


def values_in(
    conn: Connection, keyring: Keyring | None, applies_to: str, record_id: str, scope: Scope
) -> list[FieldValue]:
    """Every field of the record's team with the record's value; identifying values opened
    only with a keyring (the caller audits that read)."""
    holder = _visible_holder(conn, applies_to, record_id, scope)
    fields = team_fields(conn, holder.team_id, applies_to)
    if not fields:
        return []
    found = read_values(conn, keyring, holder, sealed=keyring is not None)
    return [
        FieldValue(f, found.get(f.key), sealed_shut=f.identifying and keyring is None)
        for f in fields
    ]


def record_values(
    db: Database,
    applies_to: str,
    record_id: str,
    *,
    scope: Scope,
    reader: str | None = None,
) -> list[FieldValue]:
    """A record's fields and values; with a `reader`, identifying values are opened too, and
    that read is audited (`custom.read_sealed`) when the team has an identifying field."""
    keyring = db.require_keyring() if reader is not None else None
    with db.read() as conn:
        found = values_in(conn, keyring, applies_to, record_id, scope)
    if reader is not None and any(item.field.identifying for item in found):
        record_read(db, reader, "custom.read_sealed", target_type=applies_to, target_id=record_id)
    return found


def set_values(
    db: Database,
    applies_to: str,
    record_id: str,
    given: Mapping[str, object],
    actor: str,
    *,
    scope: Scope,
) -> list[str]:
    """Change the given values of a record of the scope; one audit entry names the fields
    changed (`<record>.update`, `{"changed": ["custom.<key>", ...]}`), never their values."""
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        holder = _visible_holder(unit.conn, applies_to, record_id, scope)
        changed = write_values(unit, keyring, holder, given, complete=False)
        if changed:
            unit.audit(
                f"{applies_to}.update",
                target_type=applies_to,
                target_id=record_id,
                case_id=holder.case_id,
                detail={"changed": changed},
            )
    return changed


def export_fields(conn: Connection, keyring: Keyring) -> dict[str, list[dict[str, Any]]]:
    """Every team's definitions and every value, opened, for the full export (sorted by id)."""
    definitions = fields_in(conn, Scope.everything())
    by_id = {field.id: field for field in definitions}
    entries = [
        {
            **_described(field),
            "id": field.id,
            "team": field.team,
            "position": field.position,
            "options": _options_json(field.options),
        }
        for field in sorted(definitions, key=lambda f: f.id or "")
    ]
    values = []
    rows = conn.execute(
        select(custom_values, people.c.wrapped_key)
        .join(people, people.c.id == custom_values.c.person_id)
        .order_by(custom_values.c.field_id, custom_values.c.record_id)
    )
    for row in rows:
        field = by_id[row.field_id]
        value = row.value
        if field.identifying:
            key = PersonKey(keyring, row.wrapped_key, row.person_id)
            aad_row = _aad_row(row.field_id, row.record_id)
            value = key.open_text(row.sealed, "custom_values", "sealed", aad_row)
        if value is not None:
            values.append({"field_id": row.field_id, "record_id": row.record_id, "value": value})
    return {"custom_fields": entries, "custom_values": values}


def import_fields(unit: Unit, keyring: Keyring, entries: list[Any], values: list[Any]) -> int:
    """The full import's definitions and values (those not already present, by id); a value
    is checked against its field and sealed again when identifying. Returns how many values
    were stored."""
    for entry in entries:
        if _field_exists(unit.conn, str(entry["id"])):
            continue
        definition = FieldDefinition(
            key=str(entry["key"]),
            applies_to=str(entry["applies_to"]),
            kind=str(entry["kind"]),
            labels={str(k): str(v) for k, v in dict(entry["labels"]).items()},
            options=tuple(Option(str(o["value"]), dict(o["labels"])) for o in entry["options"]),
            identifying=bool(entry["identifying"]),
            required=bool(entry["required"]),
            position=int(entry["position"]),
        )
        check_definition(definition)
        unit.conn.execute(
            custom_fields.insert().values(
                id=str(entry["id"]),
                team_id=ensure_team(unit, str(entry["team"])),
                applies_to=definition.applies_to,
                key=definition.key,
                kind=definition.kind,
                labels=dict(definition.labels),
                options=_options_json(definition.options),
                identifying=definition.identifying,
                required=definition.required,
                position=definition.position,
                created_at=utcnow(),
            )
        )
    stored = 0
    for item in values:
        if _value_exists(unit.conn, str(item["field_id"]), str(item["record_id"])):
            continue
        field = _field_by_id(unit.conn, str(item["field_id"]))
        holder = holder_of(unit.conn, field.applies_to, str(item["record_id"]))
        if holder.team_id != field.team_id:
            raise ValidationError.of(
                "custom", "custom.unknown_field", value=field.key, accepted="-"
            )
        key = PersonKey(keyring, holder.wrapped_key, holder.person_id)
        _store(unit.conn, key, holder, field, replace(field, required=False).parse(item["value"]))
        stored += 1
    return stored


def _value_exists(conn: Connection, field_id: str, record_id: str) -> bool:
    query = select(custom_values.c.field_id).where(
        custom_values.c.field_id == field_id, custom_values.c.record_id == record_id
    )
    return conn.execute(query).first() is not None


def _field_exists(conn: Connection, field_id: str) -> bool:
    query = select(custom_fields.c.id).where(custom_fields.c.id == field_id)
    return conn.execute(query).first() is not None


def _field_by_id(conn: Connection, field_id: str) -> FieldDefinition:
    row = conn.execute(select(custom_fields).where(custom_fields.c.id == field_id)).first()
    if row is None:
        raise KeyError(f"no field {field_id}")
    return _definition(row, {})


@dataclass(frozen=True)
class SheetRow:
    """A spreadsheet row's cells under headers of no built-in field, and its records."""

    file: str
    line: int
    cells: Mapping[str, str]
    person_id: str
    case_id: str
    event_id: str
    # header -> "<record>.<key>" of the team's field chosen for that column; None: by header.
    chosen: Mapping[str, str] | None = None


class CellError(Exception):
    """A spreadsheet cell that does not fit the team's field its column is headed with."""

    def __init__(self, row: SheetRow, header: str, error: ValidationError) -> None:
        super().__init__(str(error))
        self.row, self.header, self.error = row, header, error


def write_sheet_values(
    unit: Unit, keyring: Keyring, team_id: str, rows: Iterable[SheetRow]
) -> None:
    """Store the values of the team's fields a spreadsheet's columns were chosen for
    (`SheetRow.chosen`) or, without a choice, are headed with (by key or by a label in any
    language); a blank cell leaves a value as it is, the first row that gives a person's or a
    case's value wins, and other columns are ignored as before. An identifying field's value
    is sealed with the person's key (`write_values`)."""
    fields = [
        field for applies_to in RECORDS for field in team_fields(unit.conn, team_id, applies_to)
    ]
    headed = {fold_answer(header): field for field in fields for header in field.headers()}
    named = {f"{field.applies_to}.{field.key}": field for field in fields}
    given: dict[tuple[str, str], dict[str, object]] = {}
    for row in rows:
        for header, cell in row.cells.items():
            if row.chosen is None:
                field = headed.get(fold_answer(header))
            else:
                field = named.get(row.chosen.get(header, ""))
            if field is None:
                continue
            try:
                replace(field, required=False).parse(cell)
            except ValidationError as error:
                raise CellError(row, header, error) from None
            record = {"person": row.person_id, "case": row.case_id, "event": row.event_id}
            values = given.setdefault((field.applies_to, record[field.applies_to]), {})
            values.setdefault(field.key, cell)
    for (applies_to, record_id), values in sorted(given.items()):
        holder = holder_of(unit.conn, applies_to, record_id)
        write_values(unit, keyring, holder, values, complete=False)


def event_values_in(
    conn: Connection,
    keyring: Keyring | None,
    case_id: str,
    event_ids: Collection[str],
    scope: Scope,
) -> dict[str, list[FieldValue]]:
    """Each event's fields and values (as `values_in`), read with the case's holder once;
    nothing at all when the case's team defined no event field."""
    case = _visible_holder(conn, "case", case_id, scope)
    fields = team_fields(conn, case.team_id, "event")
    if not fields or not event_ids:
        return {}
    found = {}
    for event_id in event_ids:
        holder = replace(case, applies_to="event", record_id=event_id, event_id=event_id)
        values = read_values(conn, keyring, holder, sealed=keyring is not None)
        found[event_id] = [
            FieldValue(f, values.get(f.key), sealed_shut=f.identifying and keyring is None)
            for f in fields
        ]
    return found
