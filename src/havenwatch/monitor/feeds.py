"""RSS 2.0, Atom and JSON Feed documents, parsed safely into news items.

Feeds come from outside: the parser never touches the network, never loads a DTD and never
expands entities (no "billion laughs", no external entity reading local files), and refuses
trees deeper or larger than lxml's defaults. An item's HTML description is reduced to text.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from lxml import etree
from lxml import html as lxml_html

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DUBLIN_CORE_DATE = "{http://purl.org/dc/elements/1.1/}date"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_SNIFF = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S
)
ISO_DATE_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class FeedError(ValueError):
    """The file is not a well-formed RSS or Atom feed."""


@dataclass(frozen=True)
class FeedItem:
    title: str | None
    url: str | None
    published: date | None
    text: str
    outlet: str | None
    language: str | None


def looks_like_feed(head: bytes) -> bool:
    """Whether the first bytes of a file open an RSS, RDF or Atom document."""
    return FEED_SNIFF.match(head) is not None


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )  # fmt: skip


def parse_feed(raw: bytes) -> Iterator[FeedItem]:
    """The items of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in document order."""
    try:
        root = etree.fromstring(raw, parser=safe_parser())
    except etree.XMLSyntaxError as error:
        raise FeedError(f"not well-formed XML ({' '.join(error.msg.split())})") from None
    if root.tag == f"{ATOM}feed":
        yield from _atom_items(root)
    elif root.tag == "rss" or root.tag.endswith("}RDF"):
        yield from _rss_items(root)
    else:
        raise FeedError(f"not an RSS or Atom feed (root element {root.tag!r})")


def parse_any_feed(raw: bytes) -> Iterator[FeedItem]:
    """The items of a feed in any of the formats above: JSON Feed when it is a JSON object."""
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return parse_json_feed(raw)
    return parse_feed(raw)


def parse_json_feed(raw: bytes) -> Iterator[FeedItem]:
    """The items of a JSON Feed (version 1 or 1.1), in document order."""
    try:
        feed = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise FeedError(f"not a JSON Feed ({type(error).__name__})") from None
    if not isinstance(feed, dict) or "jsonfeed.org/version" not in str(feed.get("version")):
        raise FeedError("not a JSON Feed (no jsonfeed.org version)")
    items = feed.get("items")
    if not isinstance(items, list):
        raise FeedError("a JSON Feed without an items list")
    outlet, language = _json_string(feed, "title"), _json_string(feed, "language")
    return (
        FeedItem(
            title=_json_string(item, "title"),
            url=_json_string(item, "url") or _json_string(item, "external_url"),
            published=_iso_date(_json_string(item, "date_published")),
            text=_json_string(item, "content_text")
            or html_to_text(_json_string(item, "content_html") or "")
            or (_json_string(item, "summary") or ""),
            outlet=outlet,
            language=_json_string(item, "language") or language,
        )
        for item in items
        if isinstance(item, dict)
    )


def _json_string(record: dict[str, object], key: str) -> str | None:
    value = record.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _rss_items(root: etree._Element) -> Iterator[FeedItem]:
    channel = _first(root, ("channel", "{http://purl.org/rss/1.0/}channel"))
    outlet = _text(channel, ("title", "{http://purl.org/rss/1.0/}title"))
    language = _text(channel, ("language", "{http://purl.org/dc/elements/1.1/}language"))
    for item in root.iter("item", "{http://purl.org/rss/1.0/}item"):
        body = _text(
            item, (CONTENT_ENCODED, "description", "{http://purl.org/rss/1.0/}description")
        )
        yield FeedItem(
            title=_text(item, ("title", "{http://purl.org/rss/1.0/}title")),
            url=_text(item, ("link", "{http://purl.org/rss/1.0/}link", "guid")),
            published=_rss_date(_text(item, ("pubDate", DUBLIN_CORE_DATE))),
            text=html_to_text(body or ""),
            outlet=outlet,
            language=language,
        )


def _atom_items(root: etree._Element) -> Iterator[FeedItem]:
    outlet = _text(root, (f"{ATOM}title",))
    feed_language = root.get(XML_LANG)
    for entry in root.iter(f"{ATOM}entry"):
        body = _text(entry, (f"{ATOM}content", f"{ATOM}summary"))
        yield FeedItem(
            title=_text(entry, (f"{ATOM}title",)),
            url=_atom_link(entry),
            published=_iso_date(_text(entry, (f"{ATOM}published", f"{ATOM}updated"))),
            text=html_to_text(body or ""),
            outlet=outlet,
            language=entry.get(XML_LANG) or feed_language,
        )


def _atom_link(entry: etree._Element) -> str | None:
    for link in entry.iter(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link.get("href"))
    return None


def _first(parent: etree._Element, tags: tuple[str, ...]) -> etree._Element | None:
    for tag in tags:
        found = parent.find(tag)
        if found is not None:
            return found
    return None


def _text(parent: etree._Element | None, tags: tuple[str, ...]) -> str | None:
    if parent is None:
        return None
    for tag in tags:
        found = parent.find(tag)
        if found is not None and found.text and found.text.strip():
            return str(found.text).strip()
    return None


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment, paragraphs on their own lines."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment.strip()
    for block in tree.iter("p", "br", "div", "li", "h1", "h2", "h3"):
        block.tail = "\n" + (block.tail or "")
    return "\n".join(line.strip() for line in tree.text_content().splitlines() if line.strip())


def _rss_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return _iso_date(value)


def _iso_date(value: str | None) -> date | None:
    match = ISO_DATE_PREFIX.match(value.strip()) if value else None
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
