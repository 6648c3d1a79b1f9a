"""Login, sessions, throttling, CSRF and the second factor, against the real app and database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from havenwatch.security.sessions import IDLE_TIMEOUT, hash_token
from havenwatch.security.throttle import MAX_ACCOUNT_FAILURES
from havenwatch.security.totp import set_admins_must_use_totp
from havenwatch.store.clock import utcnow
from havenwatch.store.schema import sessions, users
from havenwatch.web.deps import SESSION_COOKIE
from tests.web.conftest import PASSWORD, World, csrf_of, login


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
