"""One news report, whatever it was read from: a file, stdin, a feed item, a fetched page.

`NewsItem` is the one record of a report: `havenwatch extract` and `havenwatch eval` extract
from it, the ingest queue seals it, the feed schedule makes it from feed items. The reader that
makes it is `havenwatch.monitor.reader`; an input it cannot read is a `ReadError` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from havenwatch.core.ids import content_digest


@dataclass(frozen=True)
class NewsItem:
    """One report: its public text and metadata; `published` anchors relative dates.

    `id` says where it was read (`path`, `path:line`, `path#item`, an address) unless a JSON
    line gives its own; it is the `document` of the extraction result.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: date | None = None
    language: str | None = None

    @property
    def content_hash(self) -> str:
        """The same digest `havenwatch.cases.sources` stores, so a report is kept once."""
        return content_digest(self.text, self.url, self.title)

    def to_payload(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "title": self.title,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "language": self.language,
        }

    @classmethod
    def from_payload(cls, id: str, payload: dict[str, Any]) -> NewsItem:
        published = payload.get("published")
        return cls(
            id=id,
            text=str(payload.get("text") or ""),
            title=payload.get("title"),
            url=payload.get("url"),
            outlet=payload.get("outlet"),
            published=date.fromisoformat(published) if published else None,
            language=payload.get("language"),
        )


@dataclass(frozen=True)
class ReadError:
    """An input that could not be read; `message` is one line and names the file or address."""

    source: str
    message: str


def host_of(url: str | None) -> str | None:
    """The outlet an address names, without `www.`."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
