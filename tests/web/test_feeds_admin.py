"""The feeds page: an administrator subscribes, sees each feed's last outcome, asks for a fetch
now and removes a feed, with plain forms (no JavaScript); bad input is one line on the page."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from havenwatch.monitor.subscriptions import list_feeds
from tests.web.conftest import World, csrf_of


def test_an_administrator_subscribes_fetches_soon_and_removes_a_feed(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    admin = client_as("admin-a")
    form = {"url": "https://outlet.example/rss", "language": "sr", "every": "2h", "team": ""}
    added = admin.post(
        "/admin/feeds", data={**form, "csrf_token": csrf_of(admin)}, follow_redirects=False
    )
    assert added.status_code == 303
    [feed] = list_feeds(world.db)
    assert (feed.url, feed.language, feed.every_minutes) == (form["url"], "sr", 120)
    page = admin.get("/admin/feeds").text
    assert "https://outlet.example/rss" in page and "never" in page
    due = admin.post(
        "/admin/feeds/due",
        data={"feed_id": feed.id, "csrf_token": csrf_of(admin)},
        follow_redirects=False,
    )
    assert due.status_code == 303
    gone = admin.post(
        "/admin/feeds/remove",
        data={"feed_id": feed.id, "csrf_token": csrf_of(admin)},
        follow_redirects=False,
    )
    assert gone.status_code == 303 and list_feeds(world.db) == []


def test_a_bad_address_or_interval_is_one_line_on_the_page(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    admin = client_as("admin-a")
    for url, every in (("file:///etc/passwd", "30m"), ("https://x.example/", "soon")):
        answer = admin.post(
            "/admin/feeds", data={"url": url, "every": every, "csrf_token": csrf_of(admin)}
        )
        assert answer.status_code == 400
        assert "Traceback" not in answer.text
    assert list_feeds(world.db) == []


def test_the_feeds_page_is_translated(world: World, client_as: Callable[[str], TestClient]) -> None:
    admin = client_as("admin-a")
    admin.post(
        "/settings/language",
        data={"locale": "ru", "csrf_token": csrf_of(admin)},
        follow_redirects=False,
    )
    assert "Новостные ленты" in admin.get("/admin/feeds").text
