"""`havenwatch serve --workers N`: every worker process builds the app of the same instance."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from havenwatch.cli import cli
from havenwatch.commands.app import export_settings, proxy_options
from havenwatch.settings import Settings
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
