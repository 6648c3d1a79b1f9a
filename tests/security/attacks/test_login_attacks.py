"""Attacks on signing in and on feed URLs, replayed against a served instance (issue 12, items
1, 3, 4 and the calendar token of 11).

Each replays what the attacker did, with bounded loops on the loopback interface, and pins
what must now happen instead.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyotp
import pytest
from sqlalchemy import func, select

from havenwatch.access.throttle import (
    MAX_ACCOUNT_FAILURES,
    MAX_SESSION_CODE_FAILURES,
    MAX_USER_CODE_FAILURES,
    subjects,
)
from havenwatch.core.clock import utcnow
from havenwatch.store.schema import audit_log, login_counters
from tests.security.attacks.conftest import Served, csrf_token
from tests.web.conftest import PASSWORD

GUESSED_CODES = 30
CONCURRENT_GUESSES = 40
LOOPBACK_FAILURES = 25


def test_a_served_instance_lets_each_role_sign_in(served: Served) -> None:
    for name in ("admin-a", "caseworker-a", "viewer-a", "researcher-a", "caseworker-b"):
        assert served.login(name).get("/").status_code == 200


def _wrong_code(secret: str) -> str:
    valid = {pyotp.TOTP(secret).at(utcnow().timestamp() + step * 30) for step in range(-2, 3)}
    return next(code for code in ("000000", "111111", "222222") if code not in valid)


def test_guessing_the_second_factor_ends_the_pending_session(served: Served) -> None:
    """Attack 1: 300 wrong codes on one pending session, then the right one, logged in."""
    secret = served.enrol_totp("admin-a")
    client = served.client()
    client.post("/login", data={"username": "admin-a", "password": PASSWORD})
    cookies = dict(client.cookies)
    token = csrf_token(client.get("/login/totp").text)
    answers = []
    for _ in range(GUESSED_CODES):
        client.cookies.update(cookies)
        guess = client.post("/login/totp", data={"code": _wrong_code(secret), "csrf_token": token})
        answers.append(guess.status_code)
    assert answers.count(400) == MAX_SESSION_CODE_FAILURES - 1
    assert 400 not in answers[MAX_SESSION_CODE_FAILURES - 1 :]
    client.cookies.update(cookies)
    right = client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert right.headers.get("location") != "/"
    assert client.get("/cases").headers["location"].startswith("/login")


def test_guessing_the_second_factor_over_new_sessions_locks_the_codes_of_the_user(
    served: Served,
) -> None:
    """Attack 1, going on: the password again for each new pending session."""
    secret = served.enrol_totp("admin-a")
    sent = 0
    while sent < MAX_USER_CODE_FAILURES:
        client = served.client()
        client.post("/login", data={"username": "admin-a", "password": PASSWORD})
        token = csrf_token(client.get("/login/totp").text)
        for _ in range(min(MAX_SESSION_CODE_FAILURES - 1, MAX_USER_CODE_FAILURES - sent)):
            client.post("/login/totp", data={"code": _wrong_code(secret), "csrf_token": token})
            sent += 1
    client = served.client()
    client.post("/login", data={"username": "admin-a", "password": PASSWORD})
    token = csrf_token(client.get("/login/totp").text)
    right = client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert right.status_code == 429
    assert client.get("/cases").headers["location"] == "/login/totp"


def _failed_password_checks(served: Served) -> int:
    with served.db.read() as conn:
        query = select(func.count()).where(audit_log.c.action == "login.failed")
        return int(conn.execute(query).scalar_one())


def test_concurrent_wrong_passwords_get_no_more_checks_than_the_limit(served: Served) -> None:
    """Attack 3: 40 concurrent wrong passwords for one account got 27 real password checks."""

    def guess(number: int) -> int:
        client = served.client()
        data = {"username": "viewer-a", "password": f"wrong password {number}"}
        return client.post("/login", data=data).status_code

    with ThreadPoolExecutor(CONCURRENT_GUESSES) as pool:
        answers = list(pool.map(guess, range(CONCURRENT_GUESSES)))
    assert _failed_password_checks(served) <= MAX_ACCOUNT_FAILURES
    assert answers.count(400) <= MAX_ACCOUNT_FAILURES
    assert answers.count(429) >= CONCURRENT_GUESSES - MAX_ACCOUNT_FAILURES
    right = served.client().post("/login", data={"username": "viewer-a", "password": PASSWORD})
    assert right.status_code == 429


def _address_rank(served: Served, address: str) -> int:
    subject = subjects(served.db.require_keyring(), "", address).address
    with served.db.read() as conn:
        found = conn.execute(
            select(login_counters.c.failures).where(login_counters.c.subject == subject)
        ).scalar()
    return int(found or 0)


def _fail_from_forged_addresses(served: Served) -> None:
    client = served.client()
    for number in range(LOOPBACK_FAILURES):
        answer = client.post(
            "/login",
            data={"username": f"nobody-{number}", "password": "wrong password"},
            headers={"x-forwarded-for": f"203.0.113.{number + 1}"},
        )
        assert answer.status_code == 400


def test_forwarded_for_from_loopback_neither_picks_the_address_nor_locks_everyone_out(
    served: Served,
) -> None:
    """Attack 4: X-Forwarded-For was believed from loopback, escaping the address limit, and
    21 failures from 127.0.0.1 locked every user of an onion service out."""
    _fail_from_forged_addresses(served)
    assert _address_rank(served, "127.0.0.1") == LOOPBACK_FAILURES
    assert _address_rank(served, "203.0.113.1") == 0
    assert served.login("caseworker-a").get("/").status_code == 200


@pytest.mark.parametrize("serve_extra_args", [("--trusted-proxy", "127.0.0.1")])
def test_forwarded_for_is_believed_from_a_configured_proxy(served: Served) -> None:
    _fail_from_forged_addresses(served)
    assert _address_rank(served, "203.0.113.1") == 1
    assert _address_rank(served, "127.0.0.1") == 0


FEED_URL = re.compile(r"<code>http://[^/<]+(/[^?<]*\?token=hwcal_[^<]+)</code>")


def _is_calendar(answer: httpx.Response) -> bool:
    return answer.status_code == 200 and "BEGIN:VCALENDAR" in answer.text


def test_a_calendar_url_carries_a_read_only_token_of_its_own(served: Served) -> None:
    """Attack 11: calendar URLs carried the API token, which can create people."""
    client = served.login("caseworker-a")
    settings = client.get("/settings").text
    made = client.post(
        "/settings/tokens", data={"name": "phone", "csrf_token": csrf_token(settings)}
    )
    api_token = re.search(r"<code>(hw_[^<]+)</code>", made.text)
    assert api_token
    outsider = served.client()
    assert not _is_calendar(outsider.get("/deadlines.ics", params={"token": api_token[1]}))
    page = client.post("/settings/feeds", data={"csrf_token": csrf_token(made.text)}).text
    feed = FEED_URL.search(page)
    assert feed, "the settings page shows no calendar link"
    feed_path = feed[1].replace("&amp;", "&")
    assert _is_calendar(outsider.get(feed_path))
    calendar_token = feed_path.split("token=")[1]
    bearer = {"authorization": f"Bearer {calendar_token}"}
    created = outsider.post("/api/v1/people", headers=bearer, json={"pseudonym": "Planted"})
    assert created.status_code == 401
    feed_id = re.search(r'action="/settings/feeds/([0-9a-f]+)/revoke"', page)
    assert feed_id
    client.post(f"/settings/feeds/{feed_id[1]}/revoke", data={"csrf_token": csrf_token(page)})
    assert not _is_calendar(outsider.get(feed_path))
