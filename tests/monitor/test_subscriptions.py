"""Feeds fetched into the review queue: every good feed ingested, every bad one recorded with
its reason, nothing added twice, and one fetcher at a time per feed, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time

import pytest
from tests.monitor.ingest_support import (
    cli_env,
    count,
    havenwatch_command,
    run_cli,
)
from tests.monitor.local_http import LocalServer

from havenwatch.access.scope import Scope
from havenwatch.cases.sources import list_sources
from havenwatch.core.errors import ValidationError
from havenwatch.core.settings import Settings
from havenwatch.monitor.fetching import FetchPolicy
from havenwatch.monitor.subscriptions import (
    add_feed,
    claim_due_feeds,
    fetch_feeds,
    get_feed,
    list_feeds,
    parse_interval,
    remove_feed,
)
from havenwatch.store.database import Database
from havenwatch.store.schema import feed_items, ingest_queue, leads

QUICK = FetchPolicy(timeout_s=2.0, max_bytes=200_000, max_redirects=3, host_delay_s=0.0)
GOOD = ("/rss", "/atom", "/json")
BAD = {
    "/html": "not an RSS or Atom feed",
    "/broken": "not well-formed XML",
    "/huge": "larger than",
    "/slow": "no answer within",
    "/fails": "HTTP 500",
    "/missing": "HTTP 404",
}


def subscribe_all(db: Database, server: LocalServer) -> dict[str, str]:
    return {path: add_feed(db, server.url(path), "test").id for path in (*GOOD, *BAD)}


def test_good_feeds_are_ingested_and_bad_ones_recorded_without_stopping_the_others(
    db: Database, served_feeds: LocalServer
) -> None:
    ids = subscribe_all(db, served_feeds)
    runs = {run.feed.id: run for run in fetch_feeds(db, "test", policy=QUICK)}
    assert set(runs) == set(ids.values())
    for path in GOOD:
        run = runs[ids[path]]
        assert run.error is None and run.new_items == 1, (path, run)
        assert get_feed(db, ids[path]).last_success_at is not None
    for path, reason in BAD.items():
        feed = get_feed(db, ids[path])
        assert feed.last_error is not None and reason in feed.last_error, (path, feed.last_error)
        assert "\n" not in feed.last_error
    assert count(db, ingest_queue) == 3
    assert count(db, leads) >= 3


def test_the_article_page_replaces_the_feed_summary(
    db: Database, served_feeds: LocalServer
) -> None:
    add_feed(db, served_feeds.url("/rss"), "test")
    fetch_feeds(db, "test", policy=QUICK)
    [source] = list_sources(db, scope=Scope.everything())
    assert "Volokhonsky" in source.text and "Short summary" not in source.text
    assert source.title == "Activist refused entry"
    assert source.publisher == "Belgrade Wire" and str(source.published_on) == "2024-05-04"


def test_fetching_again_adds_nothing_and_reads_no_article_twice(
    db: Database, served_feeds: LocalServer
) -> None:
    subscribe_all(db, served_feeds)
    fetch_feeds(db, "test", policy=QUICK)
    queued, seen = count(db, ingest_queue), count(db, feed_items)
    articles = sum(path.startswith("/a/") for path, _ in served_feeds.requests)
    again = fetch_feeds(db, "test", policy=QUICK, force=True)
    assert all(run.new_items == 0 for run in again)
    assert (count(db, ingest_queue), count(db, feed_items)) == (queued, seen)
    assert sum(path.startswith("/a/") for path, _ in served_feeds.requests) == articles


def test_an_unchanged_feed_is_asked_with_its_etag_and_answers_not_modified(
    db: Database, served_feeds: LocalServer
) -> None:
    add_feed(db, served_feeds.url("/rss"), "test")
    fetch_feeds(db, "test", policy=QUICK)
    [run] = fetch_feeds(db, "test", policy=QUICK, force=True)
    assert run.not_modified
    asked = [headers for path, headers in served_feeds.requests if path == "/rss"]
    assert asked[-1].get("If-None-Match") == '"rss-1"'


def test_a_feed_is_not_due_again_before_its_interval(
    db: Database, served_feeds: LocalServer
) -> None:
    add_feed(db, served_feeds.url("/json"), "test", every_minutes=60)
    assert len(fetch_feeds(db, "test", policy=QUICK)) == 1
    assert fetch_feeds(db, "test", policy=QUICK) == []


def test_two_fetchers_never_hold_the_same_feed(db: Database) -> None:
    ids = {add_feed(db, f"https://feeds.example/{n}", "test").id for n in range(12)}
    claims: dict[str, set[str]] = {}

    def claim(owner: str) -> None:
        claims[owner] = {feed.id for feed in claim_due_feeds(db, owner, "test")}

    threads = [threading.Thread(target=claim, args=(f"fetcher-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = claims.values()
    assert first | second == ids and not first & second


def test_feed_addresses_and_intervals_are_checked(db: Database) -> None:
    for url in ("file:///etc/passwd", "ftp://x.example/feed", "not a url"):
        with pytest.raises(ValidationError, match="http:// or https://"):
            add_feed(db, url, "test")
    add_feed(db, "https://x.example/feed", "test")
    with pytest.raises(ValidationError, match="already subscribed"):
        add_feed(db, "https://x.example/feed", "test")
    assert parse_interval("2h") == 120 and parse_interval("1d") == 1440
    for text in ("1m", "soon", "30"):
        with pytest.raises(ValidationError):
            parse_interval(text)


def test_a_removed_feed_is_gone_with_its_seen_items(db: Database) -> None:
    feed = add_feed(db, "https://x.example/feed", "test")
    remove_feed(db, feed.id, "test")
    assert list_feeds(db) == []


def test_feeds_from_the_command_line(
    instance_settings: Settings, db: Database, served_feeds: LocalServer
) -> None:
    added = run_cli(instance_settings, "feeds", "add", served_feeds.url("/rss"), "--every", "2h")
    assert added.returncode == 0, added.stderr
    run_cli(instance_settings, "feeds", "add", served_feeds.url("/fails"))
    fetched = run_cli(instance_settings, "feeds", "fetch", "--once")
    assert fetched.returncode == 1
    assert "1 items, 1 new" in fetched.stdout and "HTTP 500" in fetched.stderr
    listed = json.loads(run_cli(instance_settings, "feeds", "list", "--format", "json").stdout)
    assert {feed["every_minutes"] for feed in listed} == {120, 30}
    refused = run_cli(instance_settings, "feeds", "add", "file:///etc/passwd")
    assert refused.returncode != 0 and len(refused.stderr.strip().splitlines()) == 1


def test_serve_fetches_subscribed_feeds_on_its_own(
    sqlite_settings: Settings, sqlite_db: Database, served_feeds: LocalServer
) -> None:
    feed = add_feed(sqlite_db, served_feeds.url("/json"), "test")
    port = free_port()
    server = subprocess.Popen(
        havenwatch_command("serve", "--port", str(port), "--workers", "1"),
        env=cli_env(sqlite_settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while get_feed(sqlite_db, feed.id).last_success_at is None:
            assert time.monotonic() < deadline, "serve did not fetch the feed within a minute"
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert get_feed(sqlite_db, feed.id).items_ingested == 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
