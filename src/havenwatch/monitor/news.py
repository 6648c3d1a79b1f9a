"""One news item, whatever it was read from: a file, a feed, a fetched page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from havenwatch.cases.sources import content_hash
from havenwatch.core.model import Source
from havenwatch.monitor.documents import Document


@dataclass(frozen=True)
class NewsItem:
    """One report as it travels through the ingest queue: public text and its metadata."""

    origin: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: date | None = None
    language: str | None = None

    @property
    def content_hash(self) -> str:
        """The same digest `havenwatch.cases.sources` stores, so a report is kept once."""
        return content_hash(Source(url=self.url, title=self.title, text=self.text))

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
    def from_payload(cls, origin: str, payload: dict[str, Any]) -> NewsItem:
        published = payload.get("published")
        return cls(
            origin=origin,
            text=str(payload.get("text") or ""),
            title=payload.get("title"),
            url=payload.get("url"),
            outlet=payload.get("outlet"),
            published=date.fromisoformat(published) if published else None,
            language=payload.get("language"),
        )

    def as_document(self) -> Document:
        """The extractor's view of the item."""
        return Document(
            id=self.origin,
            text=self.text,
            published=self.published,
            title=self.title,
            url=self.url,
            language_hint=self.language,
        )


def host_of(url: str | None) -> str | None:
    """The outlet an address names, without `www.`."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
