"""Real local servers for network tests: an SMTP server (aiosmtpd) and an HTTP receiver.

The SMTP server is aiosmtpd's, on a free loopback port, so `smtplib` talks to it exactly as
to a mail relay; the receiver is the standard library's HTTP server.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class Inbox:
    mails: list[Mail] = field(default_factory=list)


class _Collector:
    """aiosmtpd's handler: keeps every message it is given."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        data = content if isinstance(content, bytes) else str(content).encode()
        self.inbox.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), data))
        return "250 OK: queued"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    """A running SMTP server on a free local port, and what it received."""
    inbox = Inbox()
    controller = Controller(_Collector(inbox), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@contextmanager
def http_receiver() -> Iterator[tuple[str, list[Received]]]:
    """A running HTTP server that keeps every POST it gets and answers 204."""
    received: list[Received] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            received.append(Received(dict(self.headers.items()), self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()
