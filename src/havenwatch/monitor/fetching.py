"""Fetching feeds and article pages over HTTP, politely and within limits.

Everything fetched comes from outside, so each request is bounded: only `http` and `https`,
a timeout per request, a cap on the decoded body (a gzip bomb stops at the cap too), a
bounded number of redirects followed by hand (each hop checked again), a descriptive
User-Agent, and a delay between two requests to the same host. Conditional GET (`ETag`,
`Last-Modified`) lets an unchanged feed answer 304 without a body. An optional proxy
(`socks5://127.0.0.1:9050` for Tor) hides the monitoring team's address from every outlet.

Every failure is a `FetchError` with a one-line reason; the caller records it and goes on.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from charset_normalizer import from_bytes

from havenwatch import __version__

USER_AGENT = (
    f"havenwatch/{__version__} (news monitor of a human-rights organisation; "
    "reads public reports about expulsions)"
)
META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", re.I)


class FetchError(Exception):
    """A URL could not be fetched; the message is one line naming why."""


@dataclass(frozen=True)
class FetchPolicy:
    """The limits every request keeps."""

    timeout_s: float = 15.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    host_delay_s: float = 1.0
    proxy: str | None = None


@dataclass(frozen=True)
class Fetched:
    """A body that arrived, with the validators for the next conditional GET."""

    url: str
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    def text(self) -> str:
        """The body decoded: the declared charset, then a `<meta>` one, then detection."""
        for charset in (self._declared_charset(), self._meta_charset()):
            if charset:
                try:
                    return self.body.decode(charset)
                except (LookupError, UnicodeDecodeError):
                    continue
        best = from_bytes(self.body).best()
        return str(best) if best is not None else self.body.decode("utf-8", "replace")

    def _declared_charset(self) -> str | None:
        match = re.search(r"charset=\"?([A-Za-z0-9_.:-]+)", self.content_type, re.I)
        return match.group(1) if match else None

    def _meta_charset(self) -> str | None:
        match = META_CHARSET.search(self.body[:4096])
        return match.group(1).decode("ascii") if match else None


@dataclass(frozen=True)
class NotModified:
    """The server said 304: nothing new since the validators we sent."""

    url: str


@dataclass
class Fetcher:
    """One HTTP client for a fetch run, remembering when it last asked each host."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    sleep: Callable[[float], None] = time.sleep
    _last_request: dict[str, float] = field(default_factory=dict)
    _client: httpx.Client | None = None

    def __enter__(self) -> Fetcher:
        self._client = httpx.Client(
            timeout=self.policy.timeout_s,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            proxy=self.policy.proxy,
            trust_env=False,
        )
        return self

    def __exit__(self, *_: object) -> None:
        if self._client is not None:
            self._client.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched | NotModified:
        """GET `url`, following at most `max_redirects` redirects to http(s) URLs."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(self.policy.max_redirects + 1):
            _check_scheme(current)
            outcome = self._one_request(current, headers)
            if isinstance(outcome, str):
                current = urljoin(current, outcome)
                continue
            return outcome
        raise FetchError(f"more than {self.policy.max_redirects} redirects")

    def _one_request(self, url: str, headers: dict[str, str]) -> Fetched | NotModified | str:
        """The response, or the `Location` of a redirect."""
        assert self._client is not None, "use the Fetcher as a context manager"
        self._wait_for_host(url)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return NotModified(url)
                if response.is_redirect:
                    location = str(response.headers.get("location") or "")
                    if not location:
                        raise FetchError(f"HTTP {response.status_code} without a Location")
                    return location
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code}")
                body = self._read_capped(response)
                return Fetched(
                    url=str(response.url),
                    body=body,
                    content_type=response.headers.get("content-type", ""),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except httpx.TimeoutException:
            raise FetchError(f"no answer within {self.policy.timeout_s:g} s") from None
        except httpx.HTTPError as error:
            raise FetchError(_one_line(error) or type(error).__name__) from None

    def _read_capped(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.policy.max_bytes:
            raise FetchError(f"larger than {self.policy.max_bytes:,} bytes")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.policy.max_bytes:
                raise FetchError(f"larger than {self.policy.max_bytes:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        last = self._last_request.get(host)
        if last is not None:
            remaining = self.policy.host_delay_s - (time.monotonic() - last)
            if remaining > 0:
                self.sleep(remaining)
        self._last_request[host] = time.monotonic()


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"only http and https URLs can be fetched, not {parts.scheme or url!r}")


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:200]
