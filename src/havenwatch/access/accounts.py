"""User accounts: roles, teams, argon2id password hashes and the rule for new passwords."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from havenwatch.access.teams import ensure_team, team_names
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.ids import new_id
from havenwatch.store.database import Database, Unit
from havenwatch.store.schema import AnyRow, users

ROLES = ("admin", "caseworker", "researcher", "viewer")
MIN_PASSWORD_LENGTH = 10
MIN_NAME_IN_PASSWORD = 3
COMMON_PASSWORDS_FILE = "common_passwords.txt"
COMMON_SUFFIX_CHARACTERS = "0123456789!@#$%^&*()-_=+.,;:?~ "
HASHER = PasswordHasher()


@dataclass(frozen=True)
class User:
    id: str
    username: str
    role: str
    team_id: str
    team: str
    locale: str
    active: bool
    has_totp: bool


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class WeakPassword(ValidationError):
    """A new password the rule refuses; `rule` says which part ("length", "common", "name")."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__("password", message)
        self.rule = rule


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords (lower case), shipped in `common_passwords.txt`."""
    text = resources.files(__package__).joinpath(COMMON_PASSWORDS_FILE).read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_common_password(password: str) -> bool:
    """True for a common password, also with digits or punctuation added at its end
    (`password123`, `Sunshine2024!`)."""
    folded = password.casefold().strip()
    stem = folded.rstrip(COMMON_SUFFIX_CHARACTERS)
    return folded in common_passwords() or stem in common_passwords()


def check_new_password(password: str, username: str = "") -> None:
    """Length is the main rule (ASVS 2.1); common passwords and the user's name are refused."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword("length", f"use at least {MIN_PASSWORD_LENGTH} characters")
    name = username.strip().casefold()
    if len(name) >= MIN_NAME_IN_PASSWORD and name in password.casefold():
        raise WeakPassword("name", "it must not contain the user name")
    if is_common_password(password):
        raise WeakPassword("common", "it is one of the most common passwords: choose another")


def user_from_row(row: AnyRow, teams: dict[str, str]) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=row.role,
        team_id=row.team_id,
        team=teams.get(row.team_id, row.team_id),
        locale=row.locale,
        active=row.active,
        has_totp=row.totp_secret is not None,
    )


def insert_user(unit: Unit, username: str, password: str, role: str, team: str) -> str:
    if role not in ROLES:
        raise ValidationError.of("role", "value.unknown", value=role, accepted=", ".join(ROLES))
    if not username.strip():
        raise ValidationError.of("username", "value.empty")
    check_new_password(password, username)
    if unit.conn.execute(select(users.c.id).where(users.c.username == username)).first():
        raise ValidationError.of("username", "username.taken", value=username)
    user_id = new_id()
    unit.conn.execute(
        users.insert().values(
            id=user_id,
            username=username.strip(),
            password_hash=hash_password(password),
            role=role,
            team_id=ensure_team(unit, team),
            locale="en",
            active=True,
            created_at=utcnow(),
        )
    )
    unit.audit("user.create", target_type="user", target_id=user_id, detail={"role": role})
    return user_id


def add_user(db: Database, username: str, password: str, role: str, team: str, actor: str) -> User:
    with db.write(actor) as unit:
        user_id = insert_user(unit, username, password, role, team)
    return get_user(db, user_id)


def get_user(db: Database, user_id: str) -> User:
    with db.read() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
        if row is None:
            raise NotFoundError(f"no user {user_id}")
        return user_from_row(row, team_names(conn))


def list_users(db: Database) -> list[User]:
    with db.read() as conn:
        teams = team_names(conn)
        return [
            user_from_row(row, teams)
            for row in conn.execute(select(users).order_by(users.c.username))
        ]


def mark_visit(db: Database, user_id: str) -> None:
    """At login: the last visit becomes the previous one, for "since your last visit"."""
    with db.write("login") as unit:
        last = unit.conn.execute(select(users.c.last_seen_at).where(users.c.id == user_id)).scalar()
        unit.conn.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(previous_visit_at=last, last_seen_at=utcnow())
        )


def account_for_login(db: Database, username: str) -> AnyRow | None:
    """The account a login names: id, password hash, role, TOTP secret and whether active."""
    query = select(
        users.c.id, users.c.password_hash, users.c.role, users.c.totp_secret, users.c.active
    ).where(users.c.username == username.strip()[:200])
    with db.read() as conn:
        return conn.execute(query).first()


def set_locale(db: Database, user_id: str, locale: str, actor: str) -> None:
    """The user's language for pages, mail and deadlines; audited."""
    with db.write(actor) as unit:
        unit.conn.execute(users.update().where(users.c.id == user_id).values(locale=locale))
        unit.audit("user.locale", target_type="user", target_id=user_id, detail={"locale": locale})


def change_user(
    db: Database, user_id: str, *, role: str, team: str, active: bool, actor: str
) -> str:
    """Change a user's role, team (created when new) and whether active; returns the team id."""
    if role not in ROLES:
        raise ValidationError.of("role", "value.choose", accepted=", ".join(ROLES))
    with db.write(actor) as unit:
        team_id = ensure_team(unit, team)
        unit.conn.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(role=role, team_id=team_id, active=active)
        )
        unit.audit(
            "user.update",
            target_type="user",
            target_id=user_id,
            detail={"role": role, "active": active},
        )
    return team_id
