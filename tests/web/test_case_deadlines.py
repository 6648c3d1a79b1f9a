"""The case page and the API show what the engine computes, grouped under each decision.

The example is the one a new user tried: a temporary residence terminated, served on 3 March
2025 with 30 days to leave. The appeal does not suspend (ZoS 66(8)), the departure is due on
2 April 2025, and a request to postpone execution (ZUS 23) must be filed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

from havenwatch.access.scope import Scope
from havenwatch.cases.events import add_event
from havenwatch.cases.step_workflow import assign_step, resolve_step
from havenwatch.core.dates import from_day
from havenwatch.core.model import Event
from tests.web.conftest import World, api_headers, user_id_of

ClientAs = Callable[[str], TestClient]
SERVED = date(2025, 3, 3)


def record_revocation(world: World, **extra: object) -> str:
    """The revocation with 30 days to leave, served on 3 March 2025, in case A."""
    event = add_event(
        world.db,
        Event(
            case_id=world.ids["case_a"],
            type="residence_revoked",
            served_on=SERVED,
            date=from_day(SERVED),
            deadline_days=30,
            decision_code="temporary_residence_terminated",
        ),
        "test",
        scope=Scope.everything(),
    )
    return event.id or ""


def record_order_to_leave(world: World) -> str:
    event = add_event(
        world.db,
        Event(
            case_id=world.ids["case_a"],
            type="expulsion_order",
            served_on=SERVED,
            date=from_day(SERVED),
        ),
        "test",
        scope=Scope.everything(),
    )
    return event.id or ""


def _row(page: str, deadline_id: str) -> str:
    anchor = f'id="step-{deadline_id.replace(":", "-")}"'
    start = page.index(anchor)
    return page[start : page.index("</tr>", start)]


def _decision_sections(page: str) -> list[str]:
    return re.findall(r'<section class="decision" id="decision-([0-9a-f]+)"', page)


def test_the_case_page_shows_the_departure_date_and_the_postponement_step(
    world: World, client_as: ClientAs
) -> None:
    event_id = record_revocation(world)
    page = client_as("caseworker-a").get(f"/cases/{world.ids['case_a']}").text
    departure = _row(page, f"{event_id}:departure")
    assert "Apr 2, 2025" in departure
    appeal = _row(page, f"{event_id}:appeal")
    assert "Mar 18, 2025" in appeal and "<td>no</td>" in appeal
    assert "Request to postpone execution" in _row(page, f"{event_id}:postponement_request")
    assert "no fixed deadline" not in departure


def test_the_api_gives_the_departure_date_and_the_postponement_step(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    event_id = record_revocation(world)
    found = (
        app_for()
        .get(
            f"/api/v1/cases/{world.ids['case_a']}/deadlines",
            headers=api_headers(world, "caseworker-a"),
        )
        .json()
    )
    steps = {
        item["remedy"]: item for item in found["deadlines"] if item["decision_event_id"] == event_id
    }
    assert steps["departure"]["due"] == "2025-04-02"
    assert (steps["appeal"]["due"], steps["appeal"]["suspensive"]) == ("2025-03-18", False)
    assert "postponement_request" in steps
    [decision] = [group for group in found["decisions"] if group["event_id"] == event_id]
    assert decision["departure_days"] == 30
    assert decision["decision"] == "temporary_residence_terminated"
    assert set(decision["deadline_ids"]) == {item["deadline_id"] for item in steps.values()}


def test_a_revocation_and_its_order_to_leave_give_one_set_of_steps(
    world: World, client_as: ClientAs, app_for: Callable[[], TestClient]
) -> None:
    revocation = record_revocation(world)
    order = record_order_to_leave(world)
    page = client_as("caseworker-a").get(f"/cases/{world.ids['case_a']}").text
    assert revocation in _decision_sections(page) and order not in _decision_sections(page)
    rows = re.findall(r'<tr id="step-([^"]+)"', page)
    assert len(rows) == len(set(rows))
    assert len([row for row in rows if row.endswith("-postponement_request")]) == 1
    assert page.count("does not suspend it; file now") == 1
    assert f'href="#event-{order}"' in page
    found = (
        app_for()
        .get(
            f"/api/v1/cases/{world.ids['case_a']}/deadlines",
            headers=api_headers(world, "caseworker-a"),
        )
        .json()
    )
    [decision] = [group for group in found["decisions"] if revocation in group["event_ids"]]
    assert decision["event_ids"] == [revocation, order]
    remedies = [
        item["remedy"] for item in found["deadlines"] if item["decision_event_id"] == revocation
    ]
    assert len(remedies) == len(set(remedies)) and "departure" in remedies
    assert not [item for item in found["deadlines"] if item["decision_event_id"] == order]
    messages = [warning["message"] for warning in found["warnings"]]
    assert len(messages) == len(set(messages))


def test_the_api_says_what_was_done_about_a_step_and_who_has_it(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    event_id = record_revocation(world)
    resolve_step(
        world.db,
        world.ids["case_a"],
        f"{event_id}:appeal",
        "user:caseworker-a",
        resolution="done",
        note="posted from Kraljevo branch",
        done_on=date(2025, 3, 10),
        event_id=event_id,
        scope=Scope.everything(),
    )
    lawyer = user_id_of(world, "caseworker-a")
    assign_step(
        world.db,
        world.ids["case_a"],
        f"{event_id}:departure",
        lawyer,
        "test",
        scope=Scope.everything(),
    )
    found = (
        app_for()
        .get(
            f"/api/v1/cases/{world.ids['case_a']}/deadlines",
            headers=api_headers(world, "caseworker-a"),
        )
        .json()
    )
    steps = {item["deadline_id"]: item for item in found["deadlines"]}
    appeal, departure = steps[f"{event_id}:appeal"], steps[f"{event_id}:departure"]
    assert (appeal["resolution"], appeal["resolved_on"], appeal["resolved_event_id"]) == (
        "done",
        "2025-03-10",
        event_id,
    )
    assert departure["assignee"] == "caseworker-a" and departure["resolution"] is None
    assert "Kraljevo" not in str(found)
