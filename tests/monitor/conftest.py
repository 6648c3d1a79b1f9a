"""Fixtures of the monitor tests: a real local HTTP server for the feed fetcher."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from tests.monitor.feed_fixtures import serve_feeds
from tests.monitor.local_http import LocalServer, handler_for


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    state = LocalServer(routes={}, port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def served_feeds(local_server: LocalServer) -> LocalServer:
    return serve_feeds(local_server)
