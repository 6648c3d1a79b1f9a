"""Page numbers: every paginated page refuses a number out of range with a 400, never a 500."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from havenwatch.web.rendering import MAX_PAGE
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
