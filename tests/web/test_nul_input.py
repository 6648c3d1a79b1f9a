"""A NUL character anywhere in a request is refused cleanly, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from tests.web.conftest import csrf_of


def test_a_nul_in_the_query_is_refused_with_400(client_as: Callable[[str], TestClient]) -> None:
    client = client_as("caseworker-a")
    response = client.get("/cases?country=%00")
    assert response.status_code == 400
    assert "Traceback" not in response.text


def test_a_nul_in_a_form_field_is_refused_with_400(client_as: Callable[[str], TestClient]) -> None:
    client = client_as("caseworker-a")
    token = csrf_of(client)
    response = client.post("/people", data={"csrf_token": token, "pseudonym": "a\x00b"})
    assert response.status_code == 400
