"""The HTTP fetcher keeps its limits against a real local server: schemes, redirects, size,
time, compression, charsets, conditional GET, and a pause between requests to one host."""

from __future__ import annotations

import pytest
from tests.monitor.local_http import LocalServer, Route

from havenwatch.monitor.fetching import Fetched, Fetcher, FetchError, FetchPolicy, NotModified

QUICK = FetchPolicy(timeout_s=2.0, max_bytes=10_000, max_redirects=3, host_delay_s=0.0)


def fetch(url: str, policy: FetchPolicy = QUICK, **validators: str) -> Fetched | NotModified:
    with Fetcher(policy) as fetcher:
        return fetcher.get(url, **validators)


def test_only_http_and_https_are_fetched() -> None:
    for url in ("file:///etc/passwd", "ftp://example.org/feed", "gopher://x", "javascript:1"):
        with pytest.raises(FetchError, match="only http and https"):
            fetch(url)


def test_a_redirect_to_another_scheme_is_refused(local_server: LocalServer) -> None:
    local_server.routes["/hop"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="only http and https"):
        fetch(local_server.url("/hop"))


def test_a_redirect_loop_stops_after_the_allowed_hops(local_server: LocalServer) -> None:
    local_server.routes["/a"] = Route(status=301, headers={"Location": "/b"})
    local_server.routes["/b"] = Route(status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch(local_server.url("/a"))
    assert len(local_server.requests) == 4


def test_redirects_are_followed_to_the_final_body(local_server: LocalServer) -> None:
    local_server.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    local_server.routes["/new"] = Route(body=b"<rss/>")
    answer = fetch(local_server.url("/old"))
    assert isinstance(answer, Fetched) and answer.body == b"<rss/>"
    assert answer.url.endswith("/new")


def test_an_oversized_body_is_refused(local_server: LocalServer) -> None:
    local_server.routes["/big"] = Route(body=b"x" * 20_000)
    with pytest.raises(FetchError, match="larger than 10,000 bytes"):
        fetch(local_server.url("/big"))


def test_a_gzip_bomb_stops_at_the_size_limit(local_server: LocalServer) -> None:
    local_server.routes["/bomb"] = Route(body=b"\0" * 5_000_000, gzip=True)
    with pytest.raises(FetchError, match="larger than"):
        fetch(local_server.url("/bomb"))


def test_gzip_bodies_are_decoded(local_server: LocalServer) -> None:
    local_server.routes["/feed"] = Route(body=b"<rss>compressed</rss>", gzip=True)
    answer = fetch(local_server.url("/feed"))
    assert isinstance(answer, Fetched) and answer.body == b"<rss>compressed</rss>"


def test_a_slow_server_times_out_with_one_line(local_server: LocalServer) -> None:
    local_server.routes["/slow"] = Route(body=b"late", delay_s=3.0)
    with pytest.raises(FetchError, match="no answer within 1 s"):
        fetch(local_server.url("/slow"), FetchPolicy(timeout_s=1.0, host_delay_s=0))


@pytest.mark.parametrize("status", [404, 500, 503])
def test_error_statuses_name_the_status(local_server: LocalServer, status: int) -> None:
    local_server.routes["/gone"] = Route(status=status, body=b"nope")
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        fetch(local_server.url("/gone"))


def test_an_unchanged_feed_answers_304_to_its_etag(local_server: LocalServer) -> None:
    local_server.routes["/feed"] = Route(body=b"<rss/>", etag='"v1"')
    first = fetch(local_server.url("/feed"))
    assert isinstance(first, Fetched) and first.etag == '"v1"'
    assert isinstance(fetch(local_server.url("/feed"), etag='"v1"'), NotModified)


def test_charsets_come_from_the_header_then_the_page_then_detection(
    local_server: LocalServer,
) -> None:
    text = "Российского активиста выслали из Сербии"
    local_server.routes["/header"] = Route(
        body=text.encode("cp1251"), headers={"Content-Type": "text/html; charset=windows-1251"}
    )
    local_server.routes["/meta"] = Route(
        body=b'<html><head><meta charset="koi8-r"></head><body>' + text.encode("koi8-r")
    )
    local_server.routes["/wrong"] = Route(
        body=text.encode("utf-8"), headers={"Content-Type": "text/html; charset=no-such-charset"}
    )
    for path in ("/header", "/meta", "/wrong"):
        answer = fetch(local_server.url(path))
        assert isinstance(answer, Fetched)
        assert text in answer.text(), path


def test_requests_to_one_host_are_spaced_by_the_politeness_delay(
    local_server: LocalServer,
) -> None:
    local_server.routes["/a"] = Route(body=b"a")
    waits: list[float] = []
    with Fetcher(FetchPolicy(host_delay_s=5.0), sleep=waits.append) as fetcher:
        fetcher.get(local_server.url("/a"))
        fetcher.get(local_server.url("/a"))
    assert len(waits) == 1 and 4.0 < waits[0] <= 5.0


def test_requests_say_who_is_asking(local_server: LocalServer) -> None:
    local_server.routes["/a"] = Route(body=b"a")
    fetch(local_server.url("/a"))
    [(_, headers)] = local_server.requests
    assert headers["User-Agent"].startswith("havenwatch/")
