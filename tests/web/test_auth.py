"""Login, sessions, throttling, CSRF and the second factor, against the real app and database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from havenwatch.access.sessions import IDLE_TIMEOUT, hash_token
from havenwatch.access.throttle import (
    MAX_ACCOUNT_FAILURES,
    MAX_SESSION_CODE_FAILURES,
    MAX_USER_CODE_FAILURES,
)
from havenwatch.access.totp import enrol, new_secret, set_admins_must_use_totp
from havenwatch.core.clock import utcnow
from havenwatch.store.schema import sessions, users
from havenwatch.web.deps import SESSION_COOKIE
from tests.web.conftest import PASSWORD, World, csrf_of, login, user_id_of


def test_pages_redirect_to_login_without_a_session(app_for: Callable[[], TestClient]) -> None:
    response = app_for().get("/cases", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/cases")


def test_login_sets_a_strict_httponly_cookie_and_stores_only_its_hash(
    app_for: Callable[[], TestClient], world: World
) -> None:
    client = app_for()
    response = client.post(
        "/login", data={"username": "caseworker-a", "password": PASSWORD}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    token = client.cookies[SESSION_COOKIE]
    with world.db.read() as conn:
        stored = conn.execute(select(sessions.c.token_hash)).scalars().all()
    assert hash_token(token) in stored and token not in stored


def test_login_issues_a_new_session_id_and_ends_the_old_one(
    app_for: Callable[[], TestClient], world: World
) -> None:
    client = app_for()
    login(client, "caseworker-a")
    first = client.cookies[SESSION_COOKIE]
    login(client, "caseworker-a")
    assert client.cookies[SESSION_COOKIE] != first
    replay = app_for()
    replay.cookies.set(SESSION_COOKIE, first)
    assert replay.get("/cases", follow_redirects=False).status_code == 303


def test_wrong_password_and_unknown_user_get_the_same_answer(
    app_for: Callable[[], TestClient],
) -> None:
    client = app_for()
    wrong = client.post("/login", data={"username": "caseworker-a", "password": "nope nope nope"})
    unknown = client.post("/login", data={"username": "nobody-here", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert (
        "Wrong username or password." in wrong.text
        and "Wrong username or password." in unknown.text
    )


def test_logout_ends_the_session_on_the_server(app_for: Callable[[], TestClient]) -> None:
    client = app_for()
    login(client, "caseworker-a")
    token = client.cookies[SESSION_COOKIE]
    client.post("/logout", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    replay = app_for()
    replay.cookies.set(SESSION_COOKIE, token)
    assert replay.get("/", follow_redirects=False).status_code == 303


def test_idle_session_expires(app_for: Callable[[], TestClient], world: World) -> None:
    client = app_for()
    login(client, "caseworker-a")
    with world.db.write("test") as unit:
        unit.conn.execute(
            update(sessions).values(last_seen_at=utcnow() - IDLE_TIMEOUT - timedelta(seconds=5))
        )
    assert client.get("/", follow_redirects=False).status_code == 303


def test_admin_revocation_ends_a_live_session_at_once(
    app_for: Callable[[], TestClient], client_as: Callable[[str], TestClient], world: World
) -> None:
    victim = client_as("caseworker-a")
    assert victim.get("/cases").status_code == 200
    admin = client_as("admin-a")
    with world.db.read() as conn:
        user_id = conn.execute(
            select(users.c.id).where(users.c.username == "caseworker-a")
        ).scalar()
    admin.post(f"/admin/users/{user_id}/revoke", data={"csrf_token": csrf_of(admin)})
    assert victim.get("/cases", follow_redirects=False).status_code == 303


def test_deactivated_user_loses_access_immediately(
    client_as: Callable[[str], TestClient], world: World
) -> None:
    victim = client_as("viewer-a")
    with world.db.write("test") as unit:
        unit.conn.execute(update(users).where(users.c.username == "viewer-a").values(active=False))
    assert victim.get("/cases", follow_redirects=False).status_code == 303


def test_login_is_throttled_per_account_even_with_the_right_password(
    app_for: Callable[[], TestClient],
) -> None:
    client = app_for()
    for _ in range(MAX_ACCOUNT_FAILURES):
        client.post("/login", data={"username": "viewer-a", "password": "wrong password!"})
    response = client.post("/login", data={"username": "viewer-a", "password": PASSWORD})
    assert response.status_code == 429
    assert client.cookies.get(SESSION_COOKIE) is None


def test_form_without_csrf_token_is_refused_and_changes_nothing(
    client_as: Callable[[str], TestClient], world: World
) -> None:
    client = client_as("caseworker-a")
    response = client.post("/people", data={"pseudonym": "Should Not Exist"})
    assert response.status_code == 403
    assert "Should Not Exist" not in client.get("/people").text


def test_cross_site_post_is_refused_before_the_route(
    client_as: Callable[[str], TestClient],
) -> None:
    client = client_as("caseworker-a")
    token = csrf_of(client)
    response = client.post(
        "/people",
        data={"csrf_token": token, "pseudonym": "Cross Site"},
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 403
    assert "Cross Site" not in client.get("/people").text


def test_totp_is_required_for_admins_when_configured_and_codes_work_once(
    app_for: Callable[[], TestClient], world: World
) -> None:
    set_admins_must_use_totp(world.db, True, "test")
    client = app_for()
    response = client.post(
        "/login", data={"username": "admin-a", "password": PASSWORD}, follow_redirects=False
    )
    assert response.headers["location"] == "/login/totp"
    assert client.get("/cases", follow_redirects=False).headers["location"] == "/login/totp"
    page = client.get("/login/totp").text
    secret = page.split('name="secret" value="')[1].split('"')[0]
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    code = pyotp.TOTP(secret).now()
    done = client.post(
        "/login/totp",
        data={"csrf_token": token, "secret": secret, "code": code},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get("/admin/users").status_code == 200
    second = app_for()
    second.post("/login", data={"username": "admin-a", "password": PASSWORD})
    token = second.get("/login/totp").text.split('name="csrf_token" value="')[1].split('"')[0]
    replay = second.post("/login/totp", data={"csrf_token": token, "code": code})
    assert replay.status_code == 400


def _wrong_code(secret: str) -> str:
    """A six-digit code that is none of the codes valid around now."""
    totp = pyotp.TOTP(secret)
    valid = {totp.at(utcnow() + timedelta(seconds=step * 30)) for step in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222") if code not in valid)


def _pending_login(app_for: Callable[[], TestClient]) -> TestClient:
    """A client past the password of `admin-a` (who has a second factor), at the code form."""
    client = app_for()
    response = client.post(
        "/login", data={"username": "admin-a", "password": PASSWORD}, follow_redirects=False
    )
    assert response.headers["location"] == "/login/totp"
    return client


def _send_code(client: TestClient, code: str) -> int:
    token = csrf_of(client, "/login/totp")
    answer = client.post(
        "/login/totp", data={"csrf_token": token, "code": code}, follow_redirects=False
    )
    return answer.status_code


def _enrolled_admin(world: World) -> str:
    secret = new_secret()
    enrol(world.db, world.db.require_keyring(), user_id_of(world, "admin-a"), secret, "test")
    return secret


def test_wrong_codes_revoke_the_pending_session_and_the_right_code_then_fails(
    app_for: Callable[[], TestClient], world: World
) -> None:
    secret = _enrolled_admin(world)
    client = _pending_login(app_for)
    answers = [_send_code(client, _wrong_code(secret)) for _ in range(MAX_SESSION_CODE_FAILURES)]
    assert answers == [400] * (MAX_SESSION_CODE_FAILURES - 1) + [429]
    with world.db.read() as conn:
        live = conn.execute(
            select(sessions.c.token_hash).where(sessions.c.revoked_at.is_(None))
        ).all()
    assert live == []
    client.cookies.clear()
    assert (
        client.get("/login/totp", follow_redirects=False).headers["location"].startswith("/login")
    )


def test_right_code_after_the_session_was_revoked_for_wrong_codes_is_refused(
    app_for: Callable[[], TestClient], world: World
) -> None:
    secret = _enrolled_admin(world)
    client = _pending_login(app_for)
    cookie = str(client.cookies.get(SESSION_COOKIE))
    token = csrf_of(client, "/login/totp")
    for _ in range(MAX_SESSION_CODE_FAILURES):
        client.cookies.set(SESSION_COOKIE, cookie)
        client.post("/login/totp", data={"csrf_token": token, "code": _wrong_code(secret)})
    client.cookies.set(SESSION_COOKIE, cookie)
    right = client.post(
        "/login/totp",
        data={"csrf_token": token, "code": pyotp.TOTP(secret).now()},
        follow_redirects=False,
    )
    assert right.status_code in (303, 403) and right.headers.get("location") != "/"
    with world.db.read() as conn:
        done = conn.execute(
            select(sessions.c.second_factor_done).where(sessions.c.token_hash == hash_token(cookie))
        ).scalar_one()
    assert done is False
    assert client.get("/cases", follow_redirects=False).headers["location"].startswith("/login")


def test_wrong_codes_count_per_user_across_pending_sessions(
    app_for: Callable[[], TestClient], world: World
) -> None:
    secret = _enrolled_admin(world)
    per_session = MAX_SESSION_CODE_FAILURES - 1
    sent = 0
    while sent + per_session <= MAX_USER_CODE_FAILURES:
        client = _pending_login(app_for)
        for _ in range(per_session):
            assert _send_code(client, _wrong_code(secret)) == 400
        sent += per_session
    client = _pending_login(app_for)
    while sent < MAX_USER_CODE_FAILURES:
        _send_code(client, _wrong_code(secret))
        sent += 1
    client = _pending_login(app_for)
    assert _send_code(client, pyotp.TOTP(secret).now()) == 429
    assert client.get("/cases", follow_redirects=False).headers["location"] == "/login/totp"
