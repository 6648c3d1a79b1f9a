"""Keeping the blind index of names in step with the name-folding rules.

`person_name_keys` holds keyed hashes of folded names (`monitor.names.name_keys`). When the
folding rules improve, the stored hashes no longer match what a search computes, so every
person's keys must be recomputed. The rules are fingerprinted by folding a fixed set of probe
names: any change to them changes the fingerprint, and `havenwatch migrate` rebuilds the index.
So does a change of how keys are made (`INDEX_LAYOUT`): since layout 2 a pseudonym's keys are
hashed in a domain of their own (`people.pseudonym_keys`). What the index lets someone
without the key learn is in docs/security.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache

from sqlalchemy import Connection, select

from havenwatch.cases.people import blind_keys
from havenwatch.core.names import name_keys
from havenwatch.crypto.sealing import PersonKey
from havenwatch.store.database import Database, Unit
from havenwatch.store.instance_values import read_value, write_value
from havenwatch.store.schema import people, person_name_keys

SETTING = "name_index_rules"
INDEX_LAYOUT = "pseudonyms-apart/2"
BATCH = 500
PROBE_NAMES = (
    "Oleg Volokhonsky",
    "Волохонский",
    "Elena Koposova",
    "Елени Копосовој",
    "Вадима Кољцова",
    "Marija Petrović",
    "Đorđe Ćirić",
    "Ahmed Karimi",
    "Jürgen Weiß",
    "Пётр Щукин",
)


@cache
def rules_fingerprint() -> str:
    """A digest of how the current rules fold the probe names."""
    folded = [INDEX_LAYOUT, *(name_keys(name) for name in PROBE_NAMES)]
    return hashlib.sha256(json.dumps(folded, ensure_ascii=False).encode()).hexdigest()[:16]


def index_is_current(conn: Connection) -> bool:
    """True when the stored keys were made by the current rules."""
    return bool(read_value(conn, SETTING) == rules_fingerprint())


def mark_current(unit: Unit) -> None:
    write_value(unit.conn, SETTING, rules_fingerprint())


def rebuild_name_index(db: Database, *, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every person's blind-index keys, batch by batch; returns how many people."""
    keyring = db.require_keyring()
    done, last_id = 0, ""
    while True:
        with db.write("system:name-index") as unit:
            rows = unit.conn.execute(
                select(people.c.id, people.c.pseudonym, people.c.wrapped_key, people.c.identity)
                .where(people.c.id > last_id)
                .order_by(people.c.id)
                .limit(BATCH)
            ).all()
            for row in rows:
                identity = PersonKey(keyring, row.wrapped_key, row.id).open_identity(
                    row.identity, row.id
                )
                keys = blind_keys(keyring, identity, row.pseudonym) if row.wrapped_key else set()
                unit.conn.execute(
                    person_name_keys.delete().where(person_name_keys.c.person_id == row.id)
                )
                if keys:
                    unit.conn.execute(
                        person_name_keys.insert(),
                        [{"person_id": row.id, "name_key": k} for k in keys],
                    )
            if not rows:
                mark_current(unit)
                if done:
                    unit.audit("name_index.rebuild", detail={"people": done})
                return done
        done, last_id = done + len(rows), rows[-1].id
        if progress:
            progress(len(rows))
