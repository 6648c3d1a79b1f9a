"""The rule for new passwords: length first (ASVS 2.1), then no common password and no user name."""

from __future__ import annotations

import pytest

from havenwatch.access.accounts import (
    MIN_PASSWORD_LENGTH,
    WeakPassword,
    add_user,
    common_passwords,
    list_users,
)
from havenwatch.store.database import Database

REFUSED = [
    ("password123", "common"),
    ("Password2024!", "common"),
    ("qwertyuiop", "common"),
    ("1234567890", "common"),
    ("Sunshine!!!", "common"),
    ("marta-is-here-2024", "name"),
    ("MARTA and her long secret", "name"),
    ("x" * (MIN_PASSWORD_LENGTH - 1), "length"),
]


@pytest.mark.parametrize(("password", "rule"), REFUSED)
def test_a_weak_new_password_is_refused_in_one_line_and_nothing_is_stored(
    db: Database, password: str, rule: str
) -> None:
    with pytest.raises(WeakPassword) as refused:
        add_user(db, "marta", password, "caseworker", "default", "test")
    assert refused.value.rule == rule
    assert "\n" not in str(refused.value) and password not in str(refused.value)
    assert list_users(db) == []


@pytest.mark.parametrize(
    "password", ["correct horse battery", "xk29fj3kd9", "a long enough password"]
)
def test_a_long_uncommon_password_without_the_user_name_is_accepted(
    db: Database, password: str
) -> None:
    assert add_user(db, "marta", password, "caseworker", "default", "test").username == "marta"


def test_the_common_password_list_ships_with_the_package() -> None:
    common = common_passwords()
    assert len(common) == 10_000
    assert {"password", "123456", "qwerty", "password123"} <= common
