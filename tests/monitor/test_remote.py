"""`havenwatch ingest URL`: a feed read from the web gives its items with their articles' text,
a page gives itself, and an address that fails is one line, never a traceback."""

from __future__ import annotations

from tests.monitor.ingest_support import count, run_cli
from tests.monitor.local_http import LocalServer

from havenwatch.core.settings import Settings
from havenwatch.monitor.fetching import Fetcher, FetchPolicy
from havenwatch.monitor.news import NewsItem, ReadError
from havenwatch.monitor.reader import read_news, read_url
from havenwatch.store.database import Database
from havenwatch.store.schema import leads

QUICK = FetchPolicy(timeout_s=2.0, max_bytes=200_000, host_delay_s=0.0)


def read(url: str) -> list[NewsItem | ReadError]:
    with Fetcher(QUICK) as fetcher:
        return list(read_url(url, fetcher))


def test_a_feed_address_gives_its_items_with_the_article_text(served_feeds: LocalServer) -> None:
    [item] = read(served_feeds.url("/rss"))
    assert isinstance(item, NewsItem)
    assert "Oleg Volokhonsky" in item.text and item.outlet == "Belgrade Wire"
    assert item.url == served_feeds.url("/a/1")


def test_a_page_address_gives_the_page(served_feeds: LocalServer) -> None:
    [item] = read(served_feeds.url("/a/2"))
    assert isinstance(item, NewsItem) and "Igor Sedov" in item.text
    assert item.title == "Igor Sedov refused entry"


def test_a_failing_address_is_one_line(served_feeds: LocalServer) -> None:
    for path, reason in (("/missing", "HTTP 404"), ("/broken", "not well-formed")):
        [error] = read(served_feeds.url(path))
        assert isinstance(error, ReadError) and reason in error.message
        assert "\n" not in error.message


def test_read_news_fetches_web_addresses_beside_files(served_feeds: LocalServer) -> None:
    items = list(read_news([served_feeds.url("/json"), served_feeds.url("/atom")]))
    assert [type(item) for item in items] == [NewsItem, NewsItem]


def test_ingest_takes_a_feed_address(
    instance_settings: Settings, db: Database, served_feeds: LocalServer
) -> None:
    result = run_cli(instance_settings, "ingest", "--quiet", served_feeds.url("/rss"))
    assert result.returncode == 0, result.stderr
    assert count(db, leads) >= 1
    failed = run_cli(instance_settings, "ingest", "--quiet", served_feeds.url("/fails"))
    assert failed.returncode == 1 and "HTTP 500" in failed.stderr
    assert "Traceback" not in failed.stderr
