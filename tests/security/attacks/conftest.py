"""A real havenwatch served over HTTP, for replaying attacks against it.

`served` starts `havenwatch serve --workers 2` as a subprocess on a free loopback port, over
the instance of `instance_settings` (SQLite, and PostgreSQL when HAVENWATCH_TEST_POSTGRES_URL
is set), after filling it with the two-team world of `tests/web/conftest.py` (`build_world`:
users `admin-a`, `caseworker-a`, `viewer-a`, `researcher-a` in team-a, `caseworker-b` in
team-b, all with `PASSWORD`). Attacks talk to it with plain httpx clients:

    def test_x(served: Served) -> None:
        client = served.login("caseworker-a")      # a signed-in client
        assert client.get("/cases").status_code == 200
        anonymous = served.client()                 # no session
        anonymous.post("/login", data={...})

Clients are closed when the test ends. This folder is a package, like `tests/security/`
above it: test modules import helpers as `from tests.security.attacks.conftest import Served`.

`served.login` completes the second factor when the user has one (`served.enrol_totp(name)`
gives a user a TOTP secret and returns it). `served.db` is the instance's database, for
checking what an attack left behind. To start the server with other options, parametrize
`serve_extra_args`: `@pytest.mark.parametrize("serve_extra_args", [("--trusted-proxy",
"127.0.0.1")])`. Loops in attacks stay bounded; nothing leaves the loopback interface.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
from sqlalchemy import select

from havenwatch.access.totp import enrol, new_secret
from havenwatch.core.clock import utcnow
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database
from havenwatch.store.schema import users
from tests.web.conftest import PASSWORD, World, build_world

STARTUP_SECONDS = 60
WORKERS = 2
SRC = Path(__file__).resolve().parents[3] / "src"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@dataclass
class Served:
    """A running server, the world inside it, and ways to talk to it."""

    base_url: str
    world: World
    process: subprocess.Popen[bytes]
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def db(self) -> Database:
        return self.world.db

    def client(self, **options: object) -> httpx.Client:
        """An anonymous client of the served instance (redirects are not followed)."""
        client = httpx.Client(base_url=self.base_url, timeout=30, **options)  # type: ignore[arg-type]
        self.clients.append(client)
        return client

    def user_id(self, username: str) -> str:
        with self.db.read() as conn:
            found = conn.execute(select(users.c.id).where(users.c.username == username))
            return str(found.scalar_one())

    def enrol_totp(self, username: str) -> str:
        """Give a user a second factor; returns its secret."""
        secret = new_secret()
        enrol(self.db, self.db.require_keyring(), self.user_id(username), secret, "test")
        return secret

    def login(
        self, username: str, password: str = PASSWORD, *, totp_secret: str | None = None
    ) -> httpx.Client:
        """A client signed in as `username`, the second factor given when asked for."""
        client = self.client()
        answer = client.post("/login", data={"username": username, "password": password})
        assert answer.status_code == 303, answer.text[:300]
        if answer.headers["location"] == "/login/totp":
            assert totp_secret, f"{username} needs a second factor: pass totp_secret"
            give_totp(client, totp_secret)
        return client


def give_totp(client: httpx.Client, secret: str) -> None:
    """Answer the second-factor form with a valid code (the next step's if this one is used)."""
    token = csrf_token(client.get("/login/totp").text)
    for offset in (0, 30):
        code = pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=offset))
        answer = client.post("/login/totp", data={"code": code, "csrf_token": token})
        if answer.status_code == 303:
            return
    raise AssertionError(f"second factor refused: {answer.status_code}")


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"havenwatch serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("havenwatch serve did not answer in time")


def serve_command(settings: Settings, port: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "havenwatch",
        "--data-dir",
        str(settings.data_dir),
        "--database-url",
        settings.database_url,
        "--key-file",
        str(settings.key_file),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(WORKERS),
        *extra,
    ]


@pytest.fixture
def serve_extra_args() -> tuple[str, ...]:
    """Extra `serve` options; override in a test module to start the server differently."""
    return ()


@pytest.fixture
def served(
    instance_settings: Settings, db: Database, serve_extra_args: tuple[str, ...]
) -> Iterator[Served]:
    """The two-team world served by `havenwatch serve --workers 2` on a free loopback port."""
    world = build_world(instance_settings, db)
    port = free_port()
    path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    process = subprocess.Popen(
        serve_command(instance_settings, port, *serve_extra_args),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    running = Served(f"http://127.0.0.1:{port}", world, process)
    try:
        _wait_until_up(running.base_url, process)
        yield running
    finally:
        for client in running.clients:
            client.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
