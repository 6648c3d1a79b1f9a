"""Feeds, articles and broken answers for the local HTTP server of the feed tests."""

from __future__ import annotations

import json

from tests.monitor.ingest_support import REFUSED_AT_AIRPORT
from tests.monitor.local_http import LocalServer, Route

ARTICLE = "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"


def article(name: str) -> bytes:
    paragraphs = "".join(f"<p>{p}.</p>" for p in REFUSED_AT_AIRPORT.format(name=name).split(". "))
    return ARTICLE.format(title=f"{name} refused entry", body=paragraphs).encode()


def rss(server: LocalServer) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
    <title>Belgrade Wire</title><language>en</language>
    <item><title>Activist refused entry</title><link>{server.url("/a/1")}</link>
    <pubDate>Sat, 04 May 2024 09:00:00 GMT</pubDate><description>Short summary.</description></item>
    </channel></rss>""".encode()


def atom(server: LocalServer) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Novi Sad Daily</title>
    <entry><title>Another refusal</title><link href="{server.url("/a/2")}"/>
    <published>2024-05-05T10:00:00Z</published><summary>Summary only.</summary></entry></feed>""".encode()


def json_feed(server: LocalServer) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Channel digest",
            "items": [
                {
                    "id": "3",
                    "url": server.url("/a/3-missing"),
                    "content_text": REFUSED_AT_AIRPORT.format(name="Pavel Zimin"),
                    "date_published": "2024-05-06T08:00:00Z",
                }
            ],
        }
    ).encode()


def serve_feeds(local_server: LocalServer) -> LocalServer:
    """Good and bad feeds, and the articles they link to."""
    routes = local_server.routes
    routes["/rss"] = Route(body=rss(local_server), etag='"rss-1"')
    routes["/atom"] = Route(body=atom(local_server), gzip=True)
    routes["/json"] = Route(body=json_feed(local_server))
    routes["/a/1"] = Route(body=article("Oleg Volokhonsky"))
    routes["/a/2"] = Route(body=article("Igor Sedov"))
    routes["/html"] = Route(body=b"<html><body>Not a feed at all</body></html>")
    routes["/broken"] = Route(body=b"<rss><channel><item>")
    routes["/huge"] = Route(body=b"<rss>" + b" " * 300_000 + b"</rss>")
    routes["/slow"] = Route(body=rss(local_server), delay_s=3.0)
    routes["/fails"] = Route(status=500)
    return local_server
