"""Hypothesis against the news readers: any file gives documents or one-line `ReadError`s.

Arbitrary bytes, and bytes shaped like a feed, an HTML page or a JSON-lines file, are saved
under every suffix the readers know and read by `read_news` and `parse_feed`. Nothing may raise but `FeedError` from the feed parser, and every error message
is one line. The number of examples tried is printed at the end.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers import report

from havenwatch.monitor.feeds import FeedError, parse_feed
from havenwatch.monitor.news import NewsItem, ReadError
from havenwatch.monitor.reader import read_news

FUZZ = settings(
    max_examples=int(os.environ.get("HAVENWATCH_FUZZ_EXAMPLES", "80")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TRIED: Counter[str] = Counter()
SUFFIXES = [".txt", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".rss", ".atom", ".xml", ""]
MARKUP = st.sampled_from(
    [
        "<rss>",
        "<channel>",
        "<item>",
        "</item>",
        "<title>",
        "<link>",
        "<pubDate>",
        "<feed xmlns='http://www.w3.org/2005/Atom'>",
        "<entry>",
        "<updated>2024-13-45</updated>",
        "<!DOCTYPE x [<!ENTITY a '&#x0;'>]>",
        "<!ENTITY x SYSTEM 'file:///etc/passwd'>",
        "&x;",
        "<html>",
        "<meta property='article:published_time' content='2024-02-30'>",
        "<script type='application/ld+json'>{\"datePublished\": [1]}</script>",
        "<script type='application/ld+json'>" + "[" * 900 + "]" * 900 + "</script>",
        "<script type='application/ld+json'>" + "[" * 5000 + "]" * 5000 + "</script>",
        "<time datetime='yesterday'>",
        "<p>",
        "\x00",
        "\ufeff",
        "Published: 2024-99-99\n",
    ]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)
NEWS_KEYS = ["text", "title", "url", "published", "language", "outlet", "id", "date"]


@pytest.fixture(autouse=True, scope="module")
def _report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    for name, count in sorted(TRIED.items()):
        report(request, f"news reader fuzz {name}: {count} examples")


def _markup() -> st.SearchStrategy[bytes]:
    parts = st.lists(st.one_of(MARKUP, st.text(max_size=20)), max_size=25)
    return parts.map(lambda items: "".join(items).encode("utf-8", errors="replace"))


def _json_lines() -> st.SearchStrategy[bytes]:
    records = st.one_of(
        st.dictionaries(st.sampled_from(NEWS_KEYS), JSON_VALUES, max_size=6), JSON_VALUES
    )
    deep = st.integers(1, 50_000).map(lambda depth: "[" * depth + "]" * depth)
    lines = st.lists(st.one_of(records.map(json.dumps), st.text(max_size=30), deep), max_size=6)
    return lines.map(lambda items: "\n".join(items).encode("utf-8", errors="replace"))


def news_files() -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=800), _markup(), _json_lines())


def _assert_one_line(result: object) -> None:
    assert isinstance(result, (NewsItem, ReadError)), type(result).__name__
    if isinstance(result, ReadError):
        assert result.message and "\n" not in result.message and "Traceback" not in result.message


@FUZZ
@given(data=news_files(), suffix=st.sampled_from(SUFFIXES))
def test_any_news_file_gives_items_or_one_line_errors(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    TRIED["news files"] += 1
    path = tmp_path / f"report{suffix}"
    path.write_bytes(data)
    for result in read_news([str(path)]):
        _assert_one_line(result)


@FUZZ
@given(data=st.one_of(st.binary(max_size=800), _markup()))
def test_the_feed_parser_gives_items_or_a_feed_error(data: bytes) -> None:
    TRIED["feeds"] += 1
    try:
        items = list(parse_feed(data))
    except FeedError as error:
        assert "\n" not in str(error)
    else:
        assert all(isinstance(item.text, str) for item in items)
