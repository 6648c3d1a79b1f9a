"""A PostgreSQL role for the running application, with the least privilege it needs.

On PostgreSQL the tables belong to an *owner* role, which runs `havenwatch init` and
`havenwatch migrate`. The web workspace and the everyday commands should connect as a
different role that owns nothing. `grant_app_role`, run on the owner's connection, gives that
role exactly:

- CONNECT on the database and USAGE on schema `public`;
- SELECT, INSERT, UPDATE and DELETE on every table, except
- `audit_log` and `published_releases`: SELECT and INSERT only (the log and the published
  releases stay append-only even against someone who has taken over the application and its
  database password), and
- `alembic_version`: SELECT only (the application checks the schema version, never sets it);
- USAGE and SELECT on every sequence (new rows take their ids).

Nothing else: no TRUNCATE, REFERENCES or TRIGGER, no CREATE in the schema or the database, no
ownership, so no ALTER, DROP, or disabling of the audit log's triggers. Rights given by hand
before are revoked first, so running it again (after every `migrate`, which may add tables)
always leaves the same rights. `check_app_role` reads the rights PostgreSQL really gives the
role, including through PUBLIC and role membership, and names each one that is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from havenwatch.core.errors import HavenwatchError
from havenwatch.store import migrate
from havenwatch.store.database import Database

SCHEMA = "public"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
FULL = ("SELECT", "INSERT", "UPDATE", "DELETE")
APPEND_ONLY = ("audit_log", "published_releases")
TABLE_RIGHTS = {
    **{table: ("SELECT", "INSERT") for table in APPEND_ONLY},
    "alembic_version": ("SELECT",),
}
ALL_TABLE_PRIVILEGES = (*FULL, "TRUNCATE", "REFERENCES", "TRIGGER")
SEQUENCE_RIGHTS = ("USAGE", "SELECT")
FORBIDDEN_ATTRIBUTES = {
    "rolsuper": "SUPERUSER",
    "rolcreaterole": "CREATEROLE",
    "rolcreatedb": "CREATEDB",
    "rolreplication": "REPLICATION",
    "rolbypassrls": "BYPASSRLS",
}
POWERFUL_PREDEFINED_ROLES = (
    "pg_write_all_data",
    "pg_read_server_files",
    "pg_write_server_files",
    "pg_execute_server_program",
)


class AppRoleError(HavenwatchError):
    """The application role cannot be set up as asked, or has more rights than it should."""


@dataclass(frozen=True)
class AppRoleReport:
    """What `grant_app_role` did."""

    role: str
    created: bool
    password_set: bool
    read_write_tables: int
    append_only: tuple[str, ...]


def expected_rights(table: str) -> tuple[str, ...]:
    return TABLE_RIGHTS.get(table, FULL)


def _quoted(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise AppRoleError(
            f"{name!r} is not a usable role name (lower-case letters, digits and _, "
            "not starting with a digit, at most 63 characters)"
        )
    return f'"{name}"'


def _require_postgres(db: Database) -> None:
    if not db.is_postgres:
        raise AppRoleError(
            "database roles exist only on PostgreSQL; a SQLite instance is protected by the "
            "file permissions of its data directory"
        )


def _tables(conn: Connection) -> list[str]:
    query = text("SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY 1")
    return list(conn.execute(query, {"schema": SCHEMA}).scalars())


def _sequences(conn: Connection) -> list[str]:
    query = text("SELECT sequencename FROM pg_sequences WHERE schemaname = :schema ORDER BY 1")
    return list(conn.execute(query, {"schema": SCHEMA}).scalars())


def _role_row(conn: Connection, role: str) -> Any:
    columns = ", ".join(FORBIDDEN_ATTRIBUTES)
    query = text(f"SELECT rolname, {columns} FROM pg_roles WHERE rolname = :role")
    return conn.execute(query, {"role": role}).first()


def _table_owners(conn: Connection) -> list[str]:
    query = text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = :schema")
    return list(conn.execute(query, {"schema": SCHEMA}).scalars())


def _identity_problems(conn: Connection, role: str) -> list[str]:
    """Why `role` would have more than table rights, whatever it is granted."""
    row = _role_row(conn, role)
    if row is None:
        return [f"role {role} does not exist"]
    problems = [
        f"role {role} has {keyword} (ALTER ROLE {role} NO{keyword})"
        for column, keyword in FORBIDDEN_ATTRIBUTES.items()
        if getattr(row, column)
    ]
    for owner in _table_owners(conn):
        if owner == role:
            problems.append(f"role {role} owns the tables: use a role that owns nothing")
        elif conn.execute(
            text("SELECT pg_has_role(:role, :owner, 'MEMBER')"), {"role": role, "owner": owner}
        ).scalar():
            problems.append(
                f"role {role} is a member of {owner}, which owns the tables, "
                f"and so has all its rights (REVOKE {owner} FROM {role})"
            )
    for predefined in POWERFUL_PREDEFINED_ROLES:
        if conn.execute(
            text("SELECT pg_has_role(:role, :predefined, 'MEMBER')"),
            {"role": role, "predefined": predefined},
        ).scalar():
            problems.append(f"role {role} is a member of {predefined} (REVOKE it)")
    return problems


def _has(conn: Connection, function: str, role: str, target: str, privilege: str) -> bool:
    query = text(f"SELECT {function}(:role, :target, :privilege)")
    return bool(
        conn.execute(query, {"role": role, "target": target, "privilege": privilege}).scalar()
    )


def _rights_problems(conn: Connection, role: str) -> list[str]:
    problems = []
    for table in _tables(conn):
        wanted = expected_rights(table)
        qualified = f"{SCHEMA}.{table}"
        for privilege in ALL_TABLE_PRIVILEGES:
            held = _has(conn, "has_table_privilege", role, qualified, privilege)
            if held and privilege not in wanted:
                problems.append(f"role {role} may {privilege} on {table}")
            elif not held and privilege in wanted:
                problems.append(f"role {role} lacks {privilege} on {table}")
    for sequence in _sequences(conn):
        for privilege in SEQUENCE_RIGHTS:
            if not _has(conn, "has_sequence_privilege", role, f"{SCHEMA}.{sequence}", privilege):
                problems.append(f"role {role} lacks {privilege} on sequence {sequence}")
    if _has(conn, "has_schema_privilege", role, SCHEMA, "CREATE"):
        problems.append(
            f"role {role} may create objects in schema {SCHEMA} "
            f"(REVOKE CREATE ON SCHEMA {SCHEMA} FROM PUBLIC)"
        )
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    if _has(conn, "has_database_privilege", role, database, "CREATE"):
        problems.append(f"role {role} may create schemas in database {database}")
    if not _has(conn, "has_database_privilege", role, database, "CONNECT"):
        problems.append(f"role {role} may not connect to database {database}")
    return problems


def check_app_role(db: Database, role: str) -> list[str]:
    """Every way in which `role` has more, or less, than the application role should."""
    _require_postgres(db)
    _quoted(role)
    with db.read() as conn:
        problems = _identity_problems(conn, role)
        if problems and problems[0].endswith("does not exist"):
            return problems
        return problems + _rights_problems(conn, role)


def _password_verifier(conn: Connection, role: str, password: str) -> str:
    """A SCRAM verifier made here, so the password itself never reaches the server or its log."""
    raw: Any = conn.connection.driver_connection
    verifier = raw.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    return "'" + bytes(verifier).decode("ascii").replace("'", "''") + "'"


def _create_or_update(conn: Connection, role: str, password: str | None) -> bool:
    """Create `role` if it is missing; set its password if one is given. True if created."""
    quoted = _quoted(role)
    secret = "" if password is None else f" PASSWORD {_password_verifier(conn, role, password)}"
    if _role_row(conn, role) is not None:
        if secret:
            conn.exec_driver_sql(f"ALTER ROLE {quoted}{secret}")
        return False
    conn.exec_driver_sql(
        f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION{secret}"
    )
    return True


def _grant(conn: Connection, role: str) -> list[str]:
    quoted = _quoted(role)
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM {quoted}")
    conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {SCHEMA} FROM {quoted}")
    conn.exec_driver_sql(f"REVOKE CREATE ON SCHEMA {SCHEMA} FROM {quoted}")
    conn.exec_driver_sql(f'REVOKE CREATE ON DATABASE "{database}" FROM {quoted}')
    conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO {quoted}')
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {quoted}")
    tables = _tables(conn)
    for table in tables:
        rights = ", ".join(expected_rights(table))
        conn.exec_driver_sql(f'GRANT {rights} ON TABLE {SCHEMA}."{table}" TO {quoted}')
    rights = ", ".join(SEQUENCE_RIGHTS)
    conn.exec_driver_sql(f"GRANT {rights} ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {quoted}")
    return tables


def grant_app_role(
    db: Database, role: str, *, actor: str, password: str | None = None
) -> AppRoleReport:
    """Create (if needed) and grant the application role, on the owner's connection.

    Everything happens in one transaction, recorded in the audit log; the rights are then read
    back and any problem (for example CREATE on schema public granted to PUBLIC by an old
    PostgreSQL) raises `AppRoleError` naming it and how to fix it.
    """
    _require_postgres(db)
    _quoted(role)
    if not migrate.is_current(db):
        raise AppRoleError("the database schema is out of date (run `havenwatch migrate` first)")
    with db.write(actor) as unit:
        current = unit.conn.execute(text("SELECT current_user")).scalar_one()
        if role == current:
            raise AppRoleError(
                f"{role} is the role this command connects as; the application role must be "
                "another one, that owns nothing"
            )
        created = _create_or_update(unit.conn, role, password)
        problems = _identity_problems(unit.conn, role)
        if problems:
            raise AppRoleError("; ".join(problems))
        tables = _grant(unit.conn, role)
        unit.audit(
            "database.app_role_granted",
            target_type="database_role",
            target_id=role,
            detail={"created": created, "tables": len(tables), "append_only": list(APPEND_ONLY)},
        )
    problems = check_app_role(db, role)
    if problems:
        raise AppRoleError("; ".join(problems))
    read_write = sum(1 for table in tables if expected_rights(table) == FULL)
    return AppRoleReport(role, created, password is not None, read_write, APPEND_ONLY)
