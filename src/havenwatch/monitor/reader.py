"""The one news reader: files, directories, stdin and web addresses into `NewsItem`s.

Used by `havenwatch extract`, `havenwatch eval` (labelled reports open with a
`Published: YYYY-MM-DD` line), `havenwatch ingest` and the feed schedule. A directory is walked
in a stable order (hidden entries skipped), taking the files whose suffix names a report; a
file named on the command line is read whatever its suffix. RSS/Atom feeds and JSON lines give
one item per entry or line (JSON lines are streamed); HTML pages are reduced to their main text
under a time limit; plain text keeps its line breaks (hard-wrapped text is the sentence
splitter's business). Text is UTF-8 (a byte-order mark may say UTF-16). An http(s) address is
fetched within the fetcher's size and time limits: a feed gives its items with their
article pages' text, a page gives itself.

Every problem a user can cause (a missing or binary file, an empty report, a malformed JSON
line, a broken feed, a failing address) is a `ReadError` whose one-line message names the file,
line or address, and reading goes on with the other inputs. trafilatura keeps lxml parsers in
module globals and is not thread-safe: read from one thread per process.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from havenwatch.monitor.feeds import (
    FeedError,
    FeedItem,
    looks_like_feed,
    parse_any_feed,
    parse_feed,
)
from havenwatch.monitor.fetching import Fetched, Fetcher, FetchError, FetchPolicy
from havenwatch.monitor.limits import TimeLimitExceeded, time_limit
from havenwatch.monitor.news import NewsItem, ReadError, host_of

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
REPORT_SUFFIXES = FEED_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES | JSON_LINES_SUFFIXES
STDIN = "-"
SNIFF_BYTES = 512
BINARY_SAMPLE = 8192
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
HTML_TIME_LIMIT_S = 30.0
OUTLET_FIELDS = ("outlet", "publisher", "source", "site")
PUBLISHED_LINE = re.compile(r"\A\s*Published:\s*(\d{4}-\d{2}-\d{2})[^\n]*\n?", re.IGNORECASE)
ISO_DATE_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
HTML_SNIFF = re.compile(r"\A\s*(?:<!doctype html|<html|<head|<body)", re.IGNORECASE)
DATE_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@name='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@name='pubdate']/@content",
    "//meta[@name='publishdate']/@content",
    "//meta[@name='date']/@content",
    "//meta[@name='dc.date']/@content",
    "//meta[@name='DC.date.issued']/@content",
    "//time[@itemprop='datePublished']/@datetime",
    "//time[@datetime]/@datetime",
)


def read_news(paths: Iterable[str]) -> Iterator[NewsItem | ReadError]:
    """Every report under the given paths, in order, with one `ReadError` per problem."""
    for path in paths:
        if is_web_address(path):
            with Fetcher(FetchPolicy()) as fetcher:
                yield from read_url(path, fetcher)
        elif path != STDIN and os.path.isdir(path):
            for file_path in report_files(path):
                yield from read_file(file_path)
        else:
            yield from read_file(path)


def report_files(directory: str) -> Iterator[str]:
    """Report files below a directory: its files in name order, then each subdirectory's."""
    for root, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix.lower() in REPORT_SUFFIXES:
                yield os.path.join(root, name)


def read_file(path: str) -> Iterator[NewsItem | ReadError]:
    """The reports in one file (`-` is stdin), told apart by suffix and first bytes."""
    try:
        with _open(path) as handle:
            head = handle.read(BINARY_SAMPLE)
            handle.seek(0)
            yield from _read_opened(path, Path(path).suffix.lower(), head, handle)
    except FileNotFoundError:
        yield ReadError(path, f"{path}: no such file")
    except IsADirectoryError:
        yield ReadError(path, f"{path}: is a directory")
    except OSError as error:
        yield ReadError(path, f"{path}: cannot read ({error.strerror or type(error).__name__})")


def news_from_text(text: str, *, id: str, published: date | None = None) -> NewsItem:
    """A report from plain text; a first line `Published: YYYY-MM-DD` sets the date."""
    match = PUBLISHED_LINE.match(text)
    if match:
        text = text[match.end() :]
        published = published or _iso_date(match.group(1))
    return NewsItem(id=id, text=text.strip("\ufeff\n\r "), published=published)


def news_from_html(id: str, html: str) -> NewsItem:
    """An HTML page reduced to its main text (trafilatura), title and publication date."""
    # local import: trafilatura loads only when an HTML page is read
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    fields: dict[str, Any] = {}
    if isinstance(extracted, dict):
        fields = extracted
    elif extracted is not None:
        fields = extracted.as_dict()
    url = _string(fields.get("url"))
    return NewsItem(
        id=id,
        text=(fields.get("text") or "").strip(),
        title=_string(fields.get("title")),
        url=url,
        outlet=host_of(url),
        published=_html_publication_date(html) or _iso_date(fields.get("date")),
        language=_string(fields.get("language")),
    )


def _open(path: str) -> IO[bytes]:
    if path == STDIN:
        return io.BytesIO(sys.stdin.buffer.read())
    return open(path, "rb")


def _read_opened(
    path: str, suffix: str, head: bytes, handle: IO[bytes]
) -> Iterator[NewsItem | ReadError]:
    if suffix in FEED_SUFFIXES or looks_like_feed(head[:SNIFF_BYTES]):
        yield from _feed_file(path, handle.read())
    elif b"\x00" in head and not head.startswith(UTF16_BOMS):
        yield ReadError(path, f"{path}: binary or undecodable content (expected UTF-8 text)")
    elif suffix in JSON_LINES_SUFFIXES:
        yield from _json_lines(path, head, handle)
    else:
        yield _page(path, suffix, handle.read())


def _page(path: str, suffix: str, raw: bytes) -> NewsItem | ReadError:
    """A text file, or an HTML page (by suffix, or by its opening for other suffixes)."""
    try:
        text = raw.decode("utf-16" if raw.startswith(UTF16_BOMS) else "utf-8-sig")
    except UnicodeDecodeError:
        return ReadError(path, f"{path}: binary or undecodable content (expected UTF-8 text)")
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and HTML_SNIFF.match(text)):
        try:
            with time_limit(HTML_TIME_LIMIT_S):
                return _checked(path, path, news_from_html(path, text))
        except TimeLimitExceeded as error:
            return ReadError(path, f"{path}: {error}")
    return _checked(path, path, news_from_text(text, id=path))


def _checked(path: str, where: str, item: NewsItem) -> NewsItem | ReadError:
    if not item.text.strip():
        return ReadError(path, f"{where}: empty document")
    return item


def _feed_file(path: str, raw: bytes) -> Iterator[NewsItem | ReadError]:
    try:
        items = list(parse_feed(raw))
    except FeedError as error:
        yield ReadError(path, f"{path}: {error}")
        return
    if not items:
        yield ReadError(path, f"{path}: a feed without items")
    for number, item in enumerate(items, 1):
        where = f"{path}#{number}"
        if not item.text.strip():
            yield ReadError(path, f"{where}: feed item without text")
        else:
            yield _feed_news(item, id=where, text=item.text)


def _feed_news(item: FeedItem, *, id: str, text: str, language: str | None = None) -> NewsItem:
    return NewsItem(
        id=id,
        text=text,
        title=item.title,
        url=item.url,
        outlet=item.outlet or host_of(item.url or id),
        published=item.published,
        language=item.language or language,
    )


def _json_lines(path: str, head: bytes, handle: IO[bytes]) -> Iterator[NewsItem | ReadError]:
    """One item per line, streamed: a large file is never held in memory whole."""
    number, seen = 0, False
    try:
        for number, line in enumerate(_text_lines(head, handle), 1):
            if line.strip():
                seen = True
                yield json_line_item(path, f"{path}:{number}", line)
    except UnicodeDecodeError:
        yield ReadError(path, f"{path}:{number + 1}: not UTF-8; the rest of the file is skipped")
        return
    if not seen:
        yield ReadError(path, f"{path}: empty document")


def _text_lines(head: bytes, handle: IO[bytes]) -> Iterator[str]:
    if head.startswith(UTF16_BOMS):
        yield from handle.read().decode("utf-16").splitlines()
        return
    for number, raw in enumerate(handle):
        yield raw.decode("utf-8" if number else "utf-8-sig")


def json_line_item(path: str, where: str, line: str) -> NewsItem | ReadError:
    """The report of one JSON line: an object with a `text` string, its metadata optional."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return ReadError(path, f"{where}: invalid JSON ({error.msg})")
    except RecursionError:
        return ReadError(path, f"{where}: invalid JSON (nested too deeply)")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return ReadError(path, f'{where}: expected an object with a "text" string')
    published = _iso_date(record.get("published") or record.get("date"))
    item = news_from_text(record["text"], id=str(record.get("id") or where), published=published)
    url = _string(record.get("url"))
    outlet = next(filter(None, (_string(record.get(key)) for key in OUTLET_FIELDS)), None)
    return _checked(
        path,
        where,
        replace(
            item,
            title=_string(record.get("title")),
            url=url,
            outlet=outlet or host_of(url),
            language=_string(record.get("language")),
        ),
    )


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
            yield replace(page, url=url, outlet=host_of(url))
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
    """A feed item with its article's text when the page can be read, else the feed's summary."""
    text, title, published = item.text, item.title, item.published
    if item.url:
        page = read_page(fetcher, item.url)
        if page is not None and len(page.text) > len(text):
            text, title = page.text, title or page.title
            published = published or page.published
    if not text.strip():
        return None
    news = _feed_news(item, id=item.url or feed_url, text=text, language=language)
    return replace(news, title=title, published=published)


def read_page(fetcher: Fetcher, url: str, answer: Fetched | None = None) -> NewsItem | None:
    """The page at `url` (fetched unless given) reduced to its main text, or None if unreadable."""
    try:
        if answer is None:
            fetched = fetcher.get(url)
            if not isinstance(fetched, Fetched):
                return None
            answer = fetched
        with time_limit(HTML_TIME_LIMIT_S):
            return news_from_html(url, answer.text())
    except (FetchError, TimeLimitExceeded):
        return None


def _is_feed(body: bytes) -> bool:
    return looks_like_feed(body[:SNIFF_BYTES]) or b"jsonfeed.org/version" in body[:2048]


def _html_publication_date(html: str) -> date | None:
    """The publication date declared in the page's metadata, before any guessing."""
    # local import: lxml's HTML parser loads only when an HTML page is read
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, SyntaxError, etree.ParserError):
        return None
    for xpath in DATE_XPATHS:
        for value in tree.xpath(xpath):
            if published := _iso_date(str(value)):
                return published
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        if published := _json_ld_date(str(script)):
            return published
    return None


def _json_ld_date(script: str) -> date | None:
    try:
        data = json.loads(script)
    except (json.JSONDecodeError, RecursionError):
        return None
    for item in _json_ld_items(data):
        if published := _iso_date(item.get("datePublished")):
            return published
    return None


def _json_ld_items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for element in data:
            yield from _json_ld_items(element)
    elif isinstance(data, dict):
        yield data
        yield from _json_ld_items(data.get("@graph", []))


def _iso_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    match = ISO_DATE_PREFIX.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _string(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
