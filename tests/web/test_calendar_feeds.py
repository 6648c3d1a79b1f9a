"""Calendar feeds open with read-only calendar tokens, one per feed, never with API tokens."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from havenwatch.access.calendar_tokens import (
    create_calendar_token,
    list_calendar_tokens,
    revoke_calendar_token,
)
from tests.web.conftest import World, api_headers, csrf_of, served_expulsion_order, user_id_of

FEED_URL = re.compile(r"<code>(http://testserver(/[^?<]*)\?token=(hwcal_[^<]+))</code>")


def _opens(client: TestClient, path: str, token: str) -> bool:
    answer = client.get(path, params={"token": token}, follow_redirects=False)
    return answer.status_code == 200 and "BEGIN:VCALENDAR" in answer.text


def test_a_personal_api_token_no_longer_opens_a_calendar_feed(
    app_for: Callable[[], TestClient], world: World
) -> None:
    api_token = api_headers(world, "caseworker-a")["authorization"].removeprefix("Bearer ")
    client = app_for()
    assert not _opens(client, "/deadlines.ics", api_token)
    assert not _opens(client, f"/cases/{world.ids['case_a']}/deadlines.ics", api_token)


def test_a_calendar_token_opens_its_own_feed_and_nothing_else(
    app_for: Callable[[], TestClient], world: World
) -> None:
    served_expulsion_order(world)
    user = user_id_of(world, "caseworker-a")
    team_token = create_calendar_token(world.db, user, None, "test")
    case_token = create_calendar_token(world.db, user, world.ids["case_a"], "test")
    client = app_for()
    case_feed = f"/cases/{world.ids['case_a']}/deadlines.ics"
    assert _opens(client, "/deadlines.ics", team_token)
    assert _opens(client, case_feed, case_token)
    assert not _opens(client, case_feed, team_token)
    assert not _opens(client, "/deadlines.ics", case_token)
    for token in (team_token, case_token):
        bearer = {"authorization": f"Bearer {token}"}
        assert client.get("/api/v1/cases", headers=bearer).status_code == 401
        assert (
            client.post("/api/v1/people", headers=bearer, json={"pseudonym": "X"}).status_code
            == 401
        )
        assert (
            client.get("/cases", params={"token": token}, follow_redirects=False).status_code == 303
        )


def test_revoking_one_feed_leaves_the_others_open(
    app_for: Callable[[], TestClient], world: World
) -> None:
    user = user_id_of(world, "caseworker-a")
    first = create_calendar_token(world.db, user, None, "test")
    second = create_calendar_token(world.db, user, None, "test")
    oldest = list_calendar_tokens(world.db, user)[-1]
    revoke_calendar_token(world.db, user, oldest.id, "test")
    client = app_for()
    assert not _opens(client, "/deadlines.ics", first)
    assert _opens(client, "/deadlines.ics", second)


def test_the_settings_page_makes_shows_once_and_revokes_a_team_feed(
    client_as: Callable[[str], TestClient], app_for: Callable[[], TestClient], world: World
) -> None:
    client = client_as("viewer-a")
    page = client.post("/settings/feeds", data={"csrf_token": csrf_of(client)}).text
    match = FEED_URL.search(page)
    assert match, "no feed URL on the page"
    _url, path, token = match.groups()
    assert path == "/deadlines.ics"
    assert _opens(app_for(), path, token)
    assert token not in client.get("/settings").text
    feed_id = list_calendar_tokens(world.db, user_id_of(world, "viewer-a"))[0].id
    client.post(f"/settings/feeds/{feed_id}/revoke", data={"csrf_token": csrf_of(client)})
    assert not _opens(app_for(), path, token)


def test_a_case_page_makes_a_feed_for_its_case_and_only_for_a_case_of_the_team(
    client_as: Callable[[str], TestClient], app_for: Callable[[], TestClient], world: World
) -> None:
    client = client_as("caseworker-a")
    case_page = client.get(f"/cases/{world.ids['case_a']}").text
    assert f'action="/cases/{world.ids["case_a"]}/feeds"' in case_page
    token = csrf_of(client)
    page = client.post(f"/cases/{world.ids['case_a']}/feeds", data={"csrf_token": token}).text
    match = FEED_URL.search(page)
    assert match and match.group(2) == f"/cases/{world.ids['case_a']}/deadlines.ics"
    assert _opens(app_for(), match.group(2), match.group(3))
    foreign = client.post(f"/cases/{world.ids['case_b']}/feeds", data={"csrf_token": token})
    assert foreign.status_code == 404
    assert len(list_calendar_tokens(world.db, user_id_of(world, "caseworker-a"))) == 1
