"""News read from the web: a feed's items with their article pages, or one page.

Used by `havenwatch ingest URL` and by the feed schedule. An article page is reduced to its
main text with trafilatura (one page at a time: it is not thread-safe) under a time limit; a
page that cannot be read leaves the feed's own summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from havenwatch.monitor.documents import ReadError, document_from_html
from havenwatch.monitor.feeds import FeedError, FeedItem, looks_like_feed, parse_any_feed
from havenwatch.monitor.fetching import Fetched, Fetcher, FetchError
from havenwatch.monitor.limits import TimeLimitExceeded, time_limit
from havenwatch.monitor.news import NewsItem, host_of

PAGE_TIME_LIMIT_S = 30.0


@dataclass(frozen=True)
class Page:
    """The main text of a fetched HTML page, with what its metadata said."""

    text: str
    title: str | None
    published: date | None


def is_web_address(path: str) -> bool:
    return urlsplit(path).scheme in ("http", "https")


def read_url(url: str, fetcher: Fetcher) -> Iterator[NewsItem | ReadError]:
    """The items of the feed at `url`, or the page at `url` as one item."""
    try:
        answer = fetcher.get(url)
        assert isinstance(answer, Fetched), "an unconditional GET is never answered 304"
        if _is_feed(answer.body):
            items = list(parse_any_feed(answer.body))
        else:
            page = read_page(fetcher, url, answer)
            if page is None or not page.text.strip():
                yield ReadError(url, f"{url}: no text found on the page")
                return
            yield NewsItem(url, page.text, page.title, url, host_of(url), page.published)
            return
    except (FetchError, FeedError) as error:
        yield ReadError(url, f"{url}: {error}")
        return
    for item in items:
        news = news_item(fetcher, item, feed_url=url)
        if news is not None:
            yield news


def news_item(
    fetcher: Fetcher, item: FeedItem, *, feed_url: str, language: str | None = None
) -> NewsItem | None:
    """The item with its article's text when the page can be read, else the feed's summary."""
    text, title, published = item.text, item.title, item.published
    if item.url:
        page = read_page(fetcher, item.url)
        if page is not None and len(page.text) > len(text):
            text, title = page.text, title or page.title
            published = published or page.published
    if not text.strip():
        return None
    return NewsItem(
        origin=item.url or feed_url,
        text=text,
        title=title,
        url=item.url,
        outlet=item.outlet or host_of(item.url or feed_url),
        published=published,
        language=item.language or language,
    )


def read_page(fetcher: Fetcher, url: str, answer: Fetched | None = None) -> Page | None:
    """The main text of the page at `url` (fetched unless given), or None if unreadable."""
    try:
        if answer is None:
            fetched = fetcher.get(url)
            if not isinstance(fetched, Fetched):
                return None
            answer = fetched
        with time_limit(PAGE_TIME_LIMIT_S):
            document = document_from_html(url, answer.text())
    except (FetchError, TimeLimitExceeded):
        return None
    return Page(document.text, document.title, document.published)


def _is_feed(body: bytes) -> bool:
    return looks_like_feed(body[:512]) or b"jsonfeed.org/version" in body[:2048]
