"""The demo instance: claimed once, on an empty data directory, and never on real data.

`havenwatch demo` resets the passwords of five accounts, `admin` included, each time it runs.
On an instance holding real people that would hand an administrator's account to whoever can
run the command, so the demo claims only an instance with no people and no accounts, marks it
as a demo in `instance_settings`, and refuses every other one.
"""

from __future__ import annotations

import json
import secrets
from importlib import resources

from sqlalchemy import func, select

from havenwatch.access.accounts import hash_password, insert_user
from havenwatch.access.scope import Scope
from havenwatch.cases.custom_fields import define_field, list_fields
from havenwatch.core.custom_fields import FieldDefinition
from havenwatch.core.errors import HavenwatchError
from havenwatch.store.database import Database, Unit
from havenwatch.store.instance_values import read_value, write_value
from havenwatch.store.schema import people, users

DEMO_MARK = "demo_instance"
DEMO_ACCOUNTS = (
    ("admin", "admin"),
    ("caseworker", "caseworker"),
    ("lawyer", "caseworker"),
    ("researcher", "researcher"),
    ("observer", "viewer"),
)


class NotADemoInstance(HavenwatchError):
    """The instance holds data that `havenwatch demo` did not create."""


def claim_for_demo(db: Database) -> bool:
    """Mark an empty instance as a demo; True when it is new and the demo data must be loaded.

    An instance the demo created before is accepted again (False); any other instance that
    holds people or accounts raises `NotADemoInstance`, before anything is changed.
    """
    with db.write("demo") as unit:
        if read_value(unit.conn, DEMO_MARK):
            return False
        held = unit.conn.execute(select(func.count()).select_from(people)).scalar_one()
        held += unit.conn.execute(select(func.count()).select_from(users)).scalar_one()
        if held:
            raise NotADemoInstance(
                "this instance holds people or accounts that the demo did not create; "
                "run the demo in another data directory (--data-dir)"
            )
        write_value(unit.conn, DEMO_MARK, True)
        unit.audit("instance.demo_claimed", target_type="instance", target_id=DEMO_MARK)
    return True


def reset_demo_logins(db: Database, team: str) -> list[tuple[str, str]]:
    """Fresh one-time passwords for the demo accounts, creating any that are missing."""
    if not is_demo_instance(db):
        raise NotADemoInstance("only a demo instance has demo accounts to reset")
    logins = []
    with db.write("demo") as unit:
        for username, role in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            _set_password(unit, username, password, role, team)
            logins.append((username, password))
    return logins


def is_demo_instance(db: Database) -> bool:
    with db.read() as conn:
        return bool(read_value(conn, DEMO_MARK))


def _set_password(unit: Unit, username: str, password: str, role: str, team: str) -> None:
    existing = unit.conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
    if existing is None:
        insert_user(unit, username, password, role, team)
        return
    unit.conn.execute(
        users.update()
        .where(users.c.id == existing)
        .values(password_hash=hash_password(password), active=True)
    )
    unit.audit("user.password_reset", target_type="user", target_id=existing)


def define_demo_fields(db: Database, team: str) -> list[str]:
    """The fields the demo's team records (`data/demo_fields.json`), those not yet defined;
    returns their keys. The demo acts for its own instance, every team in scope."""
    source = resources.files("havenwatch.data").joinpath("demo_fields.json")
    wanted = json.loads(source.read_text("utf-8"))["fields"]
    scope = Scope.everything()
    have = {(f.team, f.applies_to, f.key) for f in list_fields(db, scope=scope)}
    defined = []
    for entry in wanted:
        if (team, entry["applies_to"], entry["key"]) in have:
            continue
        definition = FieldDefinition(
            key=entry["key"],
            applies_to=entry["applies_to"],
            kind=entry["kind"],
            labels=entry["labels"],
            identifying=entry["identifying"],
        )
        define_field(db, definition, "demo", team=team, scope=scope)
        defined.append(definition.key)
    return defined
