"""The login flow: attempts reserved before the password check, addresses slowed not locked."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from havenwatch.access.throttle import (
    ADDRESS_FREE_FAILURES,
    MAX_ACCOUNT_FAILURES,
    address_delay,
)
from havenwatch.store.schema import audit_log
from havenwatch.web.login_flow import LoginResult, Outcome, check_password, reserve_login
from tests.web.conftest import PASSWORD, World

CONCURRENT_GUESSES = 40


def _failed_checks(world: World) -> int:
    """Password checks that ran and failed: each leaves one `login.failed` audit entry."""
    with world.db.read() as conn:
        query = select(func.count()).where(audit_log.c.action == "login.failed")
        return int(conn.execute(query).scalar_one())


def _guess(world: World, password: str) -> LoginResult:
    gate = reserve_login(world.db, world.db.require_keyring(), "viewer-a", "192.0.2.7")
    return check_password(world.db, gate, "viewer-a", password)


def test_concurrent_wrong_passwords_run_at_most_the_limit_of_password_checks(
    world: World,
) -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(lambda i: _guess(world, f"wrong guess {i}"), range(CONCURRENT_GUESSES))
        )
    outcomes = [result.outcome for result in results]
    assert outcomes.count(Outcome.REFUSED) == MAX_ACCOUNT_FAILURES
    assert outcomes.count(Outcome.THROTTLED) == CONCURRENT_GUESSES - MAX_ACCOUNT_FAILURES
    assert _failed_checks(world) == MAX_ACCOUNT_FAILURES


def test_a_success_clears_the_account_so_its_owner_is_not_locked_by_old_failures(
    world: World,
) -> None:
    for i in range(MAX_ACCOUNT_FAILURES - 1):
        assert _guess(world, f"wrong guess {i}").outcome is Outcome.REFUSED
    assert _guess(world, PASSWORD).outcome is Outcome.ACCEPTED
    for i in range(MAX_ACCOUNT_FAILURES - 1):
        assert _guess(world, f"wrong again {i}").outcome is Outcome.REFUSED
    assert _guess(world, PASSWORD).outcome is Outcome.ACCEPTED


def test_many_failures_from_one_address_slow_it_but_the_right_password_still_works(
    app_for: Callable[[], TestClient],
) -> None:
    client = app_for()
    for i in range(ADDRESS_FREE_FAILURES + 1):
        answer = client.post("/login", data={"username": f"nobody-{i}", "password": "x" * 12})
        assert answer.status_code == 400
    started = time.monotonic()
    answer = client.post(
        "/login", data={"username": "caseworker-a", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert time.monotonic() - started >= address_delay(ADDRESS_FREE_FAILURES + 2)
