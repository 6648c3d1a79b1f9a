"""Page numbers: every paginated page refuses a number out of range with a 400, never a 500."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.core.model import Case
from havenwatch.web.rendering import MAX_PAGE, PAGE_SIZE
from havenwatch.web.routes import PAGE_ROUTERS
from tests.web.conftest import World

HUGE = "99999999999999999999"


def _paginated_pages() -> list[str]:
    return [
        route.path
        for router in PAGE_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        and "GET" in route.methods
        and any(param.name == "page" for param in route.dependant.query_params)
    ]


def test_every_paginated_page_refuses_page_numbers_out_of_range(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    pages = _paginated_pages()
    assert {"/cases", "/people", "/sources", "/leads", "/admin/audit"} <= set(pages)
    client = client_as("admin-a")
    for path in pages:
        for number in (HUGE, str(MAX_PAGE + 1), "0", "-3", "x"):
            response = client.get(path, params={"page": number})
            assert response.status_code == 400, (path, number, response.status_code)
            assert "could not be understood" in response.text
        assert client.get(path, params={"page": str(MAX_PAGE)}).status_code == 200, path


NEXT_LINK = re.compile(r'<a rel="next" href="([^"]+)"')
CASE_LINK = re.compile(r'href="/cases/([0-9a-f]{32})"')


def test_the_case_list_s_next_page_walks_on_from_where_the_first_ended(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    for number in range(PAGE_SIZE + 5):
        case = Case(
            person_id=world.ids["person_a"], country="RS", title=f"Case {number}", team="team-a"
        )
        add_case(world.db, case, "test", scope=Scope.everything())
    client = client_as("caseworker-a")
    first = client.get("/cases", params={"status": "open"}).text
    match = NEXT_LINK.search(first)
    assert match, "no link to the next page"
    link = html.unescape(match.group(1))
    assert "after=o" in link and "page=2" in link and "status=open" in link
    second = client.get(f"/cases{link}").text
    on_first, on_second = set(CASE_LINK.findall(first)), set(CASE_LINK.findall(second))
    assert len(on_first) == PAGE_SIZE and on_second and not on_first & on_second
    assert len(on_first | on_second) == PAGE_SIZE + 6  # and case A of the world
    assert "Page 2 of 2" in second


def test_a_cursor_that_is_not_one_is_refused_with_a_400(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    for after in ("x", "o2024-13-45~abc", "o~" + "a" * 100, "z~abc", "o~a b"):
        response = client.get("/cases", params={"after": after})
        assert response.status_code == 400, after
        assert "could not be understood" in response.text
