"""What `havenwatch ingest` reads: files and directories of reports, turned into news items.

A directory is walked recursively in a stable order (hidden entries skipped), taking the
files whose suffix names a report format; a file named on the command line is read whatever
its suffix. Feeds (RSS/Atom) and JSON lines yield one item per entry or line and are streamed;
HTML pages and plain text go through `havenwatch.monitor.documents`. Every problem is a
`ReadError` with one line naming the file, and the walk goes on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from havenwatch.monitor.documents import (
    HTML_SUFFIXES,
    JSON_LINES_SUFFIXES,
    ReadError,
    document_from_text,
    read_documents,
)
from havenwatch.monitor.feeds import FeedError, looks_like_feed, parse_feed
from havenwatch.monitor.fetching import Fetcher, FetchPolicy
from havenwatch.monitor.limits import TimeLimitExceeded, time_limit
from havenwatch.monitor.news import NewsItem, host_of
from havenwatch.monitor.remote import is_web_address, read_url

FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
REPORT_SUFFIXES = FEED_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES | JSON_LINES_SUFFIXES
SNIFF_BYTES = 512
BINARY_SAMPLE = 8192
HTML_TIME_LIMIT_S = 30.0
OUTLET_FIELDS = ("outlet", "publisher", "source", "site")


def read_inputs(paths: Iterable[str]) -> Iterator[NewsItem | ReadError]:
    """Every news item under the given paths, in order, with one `ReadError` per problem.

    A path that is an http(s) address is fetched: a feed gives its items (each article page
    read), a page gives itself.
    """
    for path in paths:
        if is_web_address(path):
            with Fetcher(FetchPolicy()) as fetcher:
                yield from read_url(path, fetcher)
        elif os.path.isdir(path):
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
    suffix = Path(path).suffix.lower()
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        yield ReadError(path, f"{path}: cannot read ({error.strerror or type(error).__name__})")
        return
    if suffix in FEED_SUFFIXES or looks_like_feed(head):
        yield from read_feed(path)
    elif suffix in JSON_LINES_SUFFIXES:
        yield from read_json_lines(path)
    else:
        yield from _read_page(path, suffix)


def read_feed(path: str) -> Iterator[NewsItem | ReadError]:
    try:
        items = list(parse_feed(Path(path).read_bytes()))
    except (FeedError, OSError) as error:
        yield ReadError(path, f"{path}: {error}")
        return
    if not items:
        yield ReadError(path, f"{path}: a feed without items")
    for number, item in enumerate(items, 1):
        where = f"{path}#{number}"
        if not item.text.strip():
            yield ReadError(path, f"{where}: feed item without text")
            continue
        yield NewsItem(
            origin=where,
            text=item.text,
            title=item.title,
            url=item.url,
            outlet=item.outlet or host_of(item.url),
            published=item.published,
            language=item.language,
        )


def read_json_lines(path: str) -> Iterator[NewsItem | ReadError]:
    """One item per line, streamed: a large file is never held in memory whole."""
    try:
        with open(path, "rb") as handle:
            if b"\x00" in handle.read(BINARY_SAMPLE):
                yield ReadError(path, f"{path}: binary content (expected UTF-8 JSON lines)")
                return
            handle.seek(0)
            yield from _json_line_items(path, handle)
    except OSError as error:
        yield ReadError(path, f"{path}: cannot read ({error.strerror or type(error).__name__})")


def _json_line_items(path: str, handle: Iterable[bytes]) -> Iterator[NewsItem | ReadError]:
    for number, raw in enumerate(handle, 1):
        where = f"{path}:{number}"
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield ReadError(path, f"{where}: not UTF-8; the rest of the file is skipped")
            return
        if line.strip():
            yield json_line_item(where, line)


def json_line_item(where: str, line: str) -> NewsItem | ReadError:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return ReadError(where, f"{where}: invalid JSON ({error.msg})")
    except RecursionError:
        return ReadError(where, f"{where}: invalid JSON (nested too deeply)")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return ReadError(where, f'{where}: expected an object with a "text" string')
    document = document_from_text(record["text"], id=where, published=_iso(record))
    if not document.text.strip():
        return ReadError(where, f"{where}: empty document")
    url = _string(record.get("url"))
    outlet = next((_string(record.get(key)) for key in OUTLET_FIELDS if record.get(key)), None)
    return NewsItem(
        origin=str(record.get("id") or where),
        text=document.text,
        title=_string(record.get("title")),
        url=url,
        outlet=outlet or host_of(url),
        published=document.published,
        language=_string(record.get("language")),
    )


def _read_page(path: str, suffix: str) -> Iterator[NewsItem | ReadError]:
    """An HTML page or a text file, read by `havenwatch.monitor.documents`."""
    limit = HTML_TIME_LIMIT_S if suffix in HTML_SUFFIXES or suffix not in TEXT_SUFFIXES else 0
    try:
        with time_limit(limit):
            results = list(read_documents([path]))
    except TimeLimitExceeded as error:
        yield ReadError(path, f"{path}: {error}")
        return
    for result in results:
        if isinstance(result, ReadError):
            yield result
        else:
            yield NewsItem(
                origin=path,
                text=result.text,
                title=result.title,
                url=result.url,
                outlet=host_of(result.url),
                published=result.published,
                language=result.language_hint,
            )


def _iso(record: dict[str, Any]) -> date | None:
    value = record.get("published") or record.get("date")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _string(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
