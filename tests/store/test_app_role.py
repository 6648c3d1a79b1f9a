"""Least privilege on PostgreSQL: the application runs as a role that owns nothing and can only
append to the audit log, even if it is taken over; the owner sets it up with `db-role grant`."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person, find_people_by_name
from havenwatch.cases.vault import read_document, store_document
from havenwatch.cli import cli
from havenwatch.core.model import Case, Event, Identity, Person
from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.operations.audit_trail import count_entries, list_entries, verify
from havenwatch.operations.backup import create_backup
from havenwatch.operations.instance import initialise, open_database
from havenwatch.operations.purge import purge_people
from havenwatch.store.app_role import AppRoleError, check_app_role, grant_app_role
from havenwatch.store.database import Database, normalise_url
from tests.conftest import NO_POSTGRES, POSTGRES_URL

FORBIDDEN_TO_THE_APP = {
    "UPDATE audit_log SET actor = 'someone else'": "permission denied",
    "DELETE FROM audit_log": "permission denied",
    "TRUNCATE audit_log": "permission denied",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL": "must be owner",
    "DROP TRIGGER audit_log_no_change ON audit_log": "must be owner",
    "DROP TABLE audit_log": "must be owner",
    "UPDATE alembic_version SET version_num = '0001'": "permission denied",
    "CREATE TABLE shadow_log (entry text)": "permission denied",
    "ALTER TABLE cases ADD COLUMN leak text": "must be owner",
    "CREATE SCHEMA shadow": "permission denied",
}


@dataclass
class Deployment:
    """A database owned by a non-superuser owner role, and the name of the app role to use."""

    owner: str
    owner_settings: Settings
    app_role: str
    app_password: str
    admin_url: str

    def app_settings(self) -> Settings:
        url = make_url(self.owner_settings.database_url).set(
            username=self.app_role, password=self.app_password
        )
        return resolve_settings(
            self.owner_settings.data_dir,
            url.render_as_string(hide_password=False),
            self.owner_settings.key_file,
        )

    def as_admin(self, statement: str) -> None:
        """Run `statement` as the test server's administrator (roles are server-wide)."""
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(statement))
        admin.dispose()


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    """An owner role with CREATEROLE (not a superuser) owning a fresh database; all dropped."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    admin_url = normalise_url(POSTGRES_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        allowed = conn.execute(
            text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        ).scalar()
    if not allowed:
        admin.dispose()
        pytest.skip("HAVENWATCH_TEST_POSTGRES_URL's role cannot create roles")
    suffix = secrets.token_hex(5)
    owner, app, name = f"hw_owner_{suffix}", f"hw_app_{suffix}", f"hw_test_{suffix}"
    owner_password = secrets.token_urlsafe(18)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD '{owner_password}'"))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER {owner}'))
    owner_url = (
        make_url(admin_url)
        .set(username=owner, password=owner_password, database=name)
        .render_as_string(hide_password=False)
    )
    settings = resolve_settings(tmp_path / "data", owner_url, tmp_path / "keys" / "data.key")
    try:
        yield Deployment(owner, settings, app, secrets.token_urlsafe(18), admin_url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f"DROP ROLE IF EXISTS {app}"))
            conn.execute(text(f"DROP ROLE IF EXISTS {owner}"))
        admin.dispose()


@pytest.fixture
def owner_db(deployment: Deployment) -> Iterator[Database]:
    database = initialise(deployment.owner_settings)
    yield database
    database.dispose()


@pytest.fixture
def app_db(deployment: Deployment, owner_db: Database) -> Iterator[Database]:
    grant_app_role(
        owner_db, deployment.app_role, actor="cli:admin", password=deployment.app_password
    )
    database = open_database(deployment.app_settings())
    yield database
    database.dispose()


def run_cli(settings: Settings, *args: str, stdin: str | None = None) -> Result:
    options = ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    options += ["--key-file", str(settings.key_file)]
    return CliRunner().invoke(cli, [*options, *args], input=stdin)


@pytest.mark.postgres
def test_the_application_does_its_daily_work_as_the_app_role(
    deployment: Deployment, app_db: Database, tmp_path: Path
) -> None:
    settings = deployment.app_settings()
    person = add_person(
        app_db,
        Person(pseudonym="Heron", identity=Identity(full_name="Oleg Volokhonsky")),
        "cw",
        scope=Scope.everything(),
    )
    assert person.id is not None
    case = add_case(app_db, Case(person_id=person.id, country="RS"), "cw", scope=Scope.everything())
    assert case.id is not None
    add_event(app_db, Event(case_id=case.id, type="entry_ban"), "cw", scope=Scope.everything())
    document = store_document(
        app_db,
        settings,
        case_id=case.id,
        filename="decision.txt",
        data=b"decision\n",
        actor="cw",
        scope=Scope.everything(),
    )
    read_document(app_db, settings, document.id, "cw", scope=Scope.everything())
    assert find_people_by_name(app_db, "Волохонский", scope=Scope.everything()) == [person.id]
    create_backup(app_db, settings, tmp_path / "backup.hwbak", "cli:admin")
    purge_people(app_db, settings, [person.id], "cli:admin")

    actions = [entry.action for entry in list_entries(app_db, limit=1000, scope=Scope.everything())]
    assert {"document.upload", "document.download", "person.purge"} <= set(actions)
    assert verify(app_db).ok


@pytest.mark.postgres
def test_the_app_role_cannot_change_the_audit_log_the_schema_or_its_version(
    app_db: Database,
) -> None:
    with app_db.write("cw") as unit:
        unit.audit("test.change", target_type="case", target_id="c1")
    before = count_entries(app_db, scope=Scope.everything())

    for statement, error in FORBIDDEN_TO_THE_APP.items():
        with pytest.raises(DBAPIError, match=error), app_db.engine.begin() as conn:
            conn.execute(text(statement))

    assert count_entries(app_db, scope=Scope.everything()) == before
    assert verify(app_db).ok


@pytest.mark.postgres
def test_check_finds_rights_added_by_hand_and_grant_takes_them_away_again(
    deployment: Deployment, owner_db: Database, app_db: Database
) -> None:
    assert check_app_role(owner_db, deployment.app_role) == []
    with owner_db.engine.begin() as conn:
        conn.execute(text(f"GRANT UPDATE, DELETE ON audit_log TO {deployment.app_role}"))
        conn.execute(text(f"REVOKE INSERT ON cases FROM {deployment.app_role}"))

    problems = check_app_role(owner_db, deployment.app_role)
    grant_app_role(owner_db, deployment.app_role, actor="cli:admin")

    assert set(problems) == {
        f"role {deployment.app_role} may UPDATE on audit_log",
        f"role {deployment.app_role} may DELETE on audit_log",
        f"role {deployment.app_role} lacks INSERT on cases",
    }
    assert check_app_role(owner_db, deployment.app_role) == []
    with pytest.raises(DBAPIError, match="permission denied"), app_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))


@pytest.mark.postgres
def test_grant_refuses_the_owner_and_any_role_that_inherits_its_rights(
    deployment: Deployment, owner_db: Database
) -> None:
    with pytest.raises(AppRoleError, match="the role this command connects as"):
        grant_app_role(owner_db, deployment.owner, actor="cli:admin")
    deployment.as_admin(f"CREATE ROLE {deployment.app_role} LOGIN")
    deployment.as_admin(f"GRANT {deployment.owner} TO {deployment.app_role}")

    with pytest.raises(AppRoleError, match=f"is a member of {deployment.owner}"):
        grant_app_role(owner_db, deployment.app_role, actor="cli:admin")
    assert any(
        "may UPDATE on audit_log" in p for p in check_app_role(owner_db, deployment.app_role)
    )


@pytest.mark.postgres
def test_grant_refuses_a_role_with_superuser_or_role_creating_powers(
    deployment: Deployment, owner_db: Database
) -> None:
    deployment.as_admin(f"CREATE ROLE {deployment.app_role} LOGIN CREATEROLE")

    with pytest.raises(AppRoleError, match="has CREATEROLE"):
        grant_app_role(owner_db, deployment.app_role, actor="cli:admin")


@pytest.mark.postgres
def test_db_role_commands_grant_and_check_and_are_audited(
    deployment: Deployment, owner_db: Database
) -> None:
    settings = deployment.owner_settings
    granted = run_cli(
        settings,
        "db-role",
        "grant",
        deployment.app_role,
        "--password-stdin",
        stdin=deployment.app_password + "\n",
    )
    checked = run_cli(settings, "db-role", "check", deployment.app_role)
    open_database(deployment.app_settings()).dispose()  # the password set works
    with owner_db.engine.begin() as conn:
        conn.execute(text(f"GRANT TRUNCATE ON audit_log TO {deployment.app_role}"))
    rechecked = run_cli(settings, "db-role", "check", deployment.app_role)

    assert granted.exit_code == 0, granted.output
    assert "created" in granted.stdout and "append-only on audit_log" in granted.stdout
    assert checked.exit_code == 0 and "exactly the application's rights" in checked.stdout
    assert rechecked.exit_code == 1
    assert rechecked.stderr.strip() == f"role {deployment.app_role} may TRUNCATE on audit_log"
    (entry,) = list_entries(owner_db, action="database.app_role_granted", scope=Scope.everything())
    assert entry.target_id == deployment.app_role and entry.actor.startswith("cli:")


def test_db_role_on_sqlite_is_refused_in_one_line(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    result = run_cli(sqlite_settings, "db-role", "grant", "havenwatch_app")

    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "database roles exist only on PostgreSQL" in result.output
