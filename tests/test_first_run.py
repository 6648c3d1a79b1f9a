"""A newcomer's first run: `init --admin` then `serve` lets that administrator in; `demo` never
touches an instance holding real data; the key file is kept out of version control."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from havenwatch.core.settings import resolve_settings
from havenwatch.operations.instance import open_database
from havenwatch.store.schema import leads, sources

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "a long first-run passphrase"


def havenwatch(
    base: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    options = ["--data-dir", str(base / "data"), "--key-file", str(base / "keys" / "k.key")]
    return subprocess.run(
        [sys.executable, "-m", "havenwatch", *options, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(base: Path) -> Iterator[str]:
    """`havenwatch serve` of the instance in `base`, on a free loopback port, until the block ends."""
    port = free_port()
    options = ["--data-dir", str(base / "data"), "--key-file", str(base / "keys" / "k.key")]
    command = [sys.executable, "-m", "havenwatch", *options, "serve", "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", "1"], stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/login", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_init_with_admin_then_serve_lets_that_administrator_log_in(tmp_path: Path) -> None:
    result = havenwatch(tmp_path, "init", "--admin", "root", "--password-stdin", stdin=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert "Added administrator root" in result.stdout
    with serving(tmp_path) as url:
        response = httpx.post(
            f"{url}/login", data={"username": "root", "password": PASSWORD}, timeout=30
        )
        assert response.status_code == 303
        assert "session" in "".join(response.headers.get_list("set-cookie")).lower()


def test_init_without_admin_says_how_to_add_one(tmp_path: Path) -> None:
    result = havenwatch(tmp_path, "init")
    assert result.returncode == 0, result.stderr
    assert "havenwatch user add" in result.stdout


def test_init_refuses_a_short_administrator_password_in_one_line(tmp_path: Path) -> None:
    result = havenwatch(tmp_path, "init", "--admin", "root", "--password-stdin", stdin="short")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_refuses_an_instance_holding_real_data_and_changes_no_password(
    tmp_path: Path,
) -> None:
    initialised = havenwatch(
        tmp_path, "init", "--admin", "root", "--password-stdin", stdin=PASSWORD
    )
    assert initialised.returncode == 0, initialised.stderr
    added = havenwatch(tmp_path, "person", "add", "--pseudonym", "Heron", "--nationality", "RU")
    assert added.returncode == 0, added.stderr
    refused = havenwatch(tmp_path, "demo", "--no-serve", "--cases", "2")
    assert refused.returncode != 0
    assert "did not create" in refused.stderr and "Traceback" not in refused.stderr
    users = havenwatch(tmp_path, "user", "list", "--format", "json")
    assert [account["username"] for account in json.loads(users.stdout)] == ["root"]


def test_demo_runs_again_on_the_instance_it_created(tmp_path: Path) -> None:
    first = havenwatch(tmp_path, "demo", "--no-serve", "--cases", "3")
    again = havenwatch(tmp_path, "demo", "--no-serve", "--cases", "3")
    assert first.returncode == 0 and again.returncode == 0, again.stderr
    assert "One-time logins" in again.stdout


def test_init_warns_when_the_key_file_would_land_in_a_git_work_tree(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    result = havenwatch(tmp_path, "init")
    assert result.returncode == 0
    assert "inside the git work tree" in result.stderr


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout")
def test_the_default_key_file_and_data_directory_are_ignored_by_git() -> None:
    for path in ("havenwatch-data.key", "havenwatch-data/havenwatch.db", "elsewhere.key"):
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", path], cwd=REPO, check=False, env=os.environ.copy()
        )
        assert ignored.returncode == 0, f"{path} is not ignored"


def test_demo_fills_the_review_queue_from_news_in_three_languages(tmp_path: Path) -> None:
    result = havenwatch(tmp_path, "demo", "--no-serve", "--cases", "2")
    assert result.returncode == 0, result.stderr
    settings = resolve_settings(tmp_path / "data", None, tmp_path / "keys" / "k.key")
    db = open_database(settings)
    try:
        with db.read() as conn:
            languages = set(conn.execute(select(sources.c.language).distinct()).scalars())
            queued = conn.execute(select(func.count()).select_from(leads)).scalar_one()
    finally:
        db.dispose()
    assert {"en", "ru", "sr"} <= languages
    assert queued >= 6
