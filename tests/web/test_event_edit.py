"""The event's edit page: its form shows every field the event holds, so saving it keeps them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from lxml import html

from havenwatch.access.scope import Scope
from havenwatch.cases.events import add_event, list_events
from havenwatch.core.dates import from_day
from havenwatch.core.model import Event
from tests.web.conftest import World


def _form_values(page: str, action: str) -> dict[str, str]:
    """What the browser would send for the form of `action` as the page shows it."""
    (form,) = [form for form in html.fromstring(page).forms if form.action == action]
    return {name: value or "" for name, value in form.form_values()}


def test_saving_the_edit_form_unchanged_keeps_every_field_of_the_event(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    stored = add_event(
        world.db,
        Event(
            case_id=world.ids["case_a"],
            type="expulsion_order",
            date=from_day(date(2026, 10, 1)),
            served_on=date(2026, 10, 3),
            authority="interior_ministry",
            grounds="public_order",
            deadline_days=15,
            outcome="pending",
            service="ordinary_post",
            origin_state_link="suspected",
            notes="handed over at the police station",
        ),
        "test",
        scope=Scope.everything(),
    )
    client = client_as("caseworker-a")
    path = f"/cases/{world.ids['case_a']}/events/{stored.id}"
    sent = _form_values(client.get(f"{path}/edit").text, path)
    assert sent["service"] == "ordinary_post"
    saved = client.post(path, data=sent, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:500]
    (after,) = [
        event
        for event in list_events(
            world.db, world.ids["case_a"], scope=Scope.everything(), with_notes=True, actor="test"
        )
        if event.id == stored.id
    ]
    assert after == stored
