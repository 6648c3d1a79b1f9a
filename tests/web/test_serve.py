"""`havenwatch serve --workers N`: every worker process builds the app of the same instance."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from havenwatch.cli import cli
from havenwatch.commands.app import export_settings, proxy_options
from havenwatch.core.settings import Settings
from havenwatch.reports.publication import Schedule, latest_release, list_releases, set_schedule
from havenwatch.store.database import Database
from havenwatch.web.app import app_from_environment

INSTANCE_VARIABLES = ("HAVENWATCH_DATA_DIR", "HAVENWATCH_DATABASE_URL", "HAVENWATCH_KEY_FILE")


def test_each_worker_builds_the_app_of_the_instance_serve_was_given(
    sqlite_db: Database, sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in INSTANCE_VARIABLES:
        monkeypatch.setenv(name, "elsewhere")
    export_settings(sqlite_settings)
    app = app_from_environment()
    try:
        assert app.state.settings == sqlite_settings
    finally:
        app.state.db.dispose()


def test_each_worker_creates_files_for_its_owner_only(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    previous = os.umask(0o022)
    export_settings(sqlite_settings)
    app = app_from_environment()
    try:
        assert os.umask(0o022) == 0o077
    finally:
        app.state.db.dispose()
        os.umask(previous)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_publishes_the_anonymised_release_when_the_schedule_says_it_is_due(
    db: Database, instance_settings: Settings
) -> None:
    set_schedule(db, Schedule("monthly", 10), actor="test")
    command = [
        *(sys.executable, "-m", "havenwatch", "--data-dir", str(instance_settings.data_dir)),
        *("--database-url", instance_settings.database_url),
        *("--key-file", str(instance_settings.key_file)),
        *("serve", "--port", str(_free_port()), "--workers", "1"),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while latest_release(db) is None and time.monotonic() < deadline:
            assert server.poll() is None, "serve exited"
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)

    published = latest_release(db)
    assert published is not None and (published.version, published.k) == (1, 10)
    assert [v.version for v in list_releases(db)] == [1], "published once, not once a check"


def test_serve_believes_forwarded_headers_from_nobody_by_default() -> None:
    assert proxy_options(()) == {"proxy_headers": False, "forwarded_allow_ips": ""}


def test_serve_believes_forwarded_headers_only_from_the_proxies_it_is_given() -> None:
    options = proxy_options(("10.0.0.2/32", "192.0.2.0/24"))
    assert options == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.2/32,192.0.2.0/24"}


def test_serve_refuses_a_trusted_proxy_that_is_no_address_in_one_line(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    instance = ["--data-dir", str(sqlite_settings.data_dir)]
    instance += ["--key-file", str(sqlite_settings.key_file)]
    result = CliRunner().invoke(cli, [*instance, "serve", "--trusted-proxy", "proxy.example"])
    assert result.exit_code == 2
    assert "'proxy.example' is not an IP address or network" in result.output
