"""The administrators' page of the extractor measured on reviewed leads (`/admin/extraction`):
the figures of `eval --reviewed`, in the reader's language, no name; on both backends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fastapi.testclient import TestClient

from havenwatch.access.scope import Scope
from havenwatch.cases.sources import add_source
from havenwatch.core.model import Source
from havenwatch.monitor.leads import Target, get_lead
from havenwatch.monitor.review import accept_reviewed, extracted, reject_leads
from tests.helpers import add_lead
from tests.web.conftest import World, csrf_of

Clients = Callable[[str], TestClient]


def _report_lead(world: World, name: str, event_type: str) -> str:
    source, _ = add_source(
        world.db,
        Source(title=f"Report on {event_type}", text=f"{name}: {event_type}.", language="sr"),
        "test",
        scope=Scope.everything(),
    )
    return add_lead(world.db, source.id or "", f"{name}.", subject=name, event_type=event_type)


def test_the_extraction_page_shows_the_reviewed_figures_to_administrators_only(
    world: World, client_as: Clients
) -> None:
    admin = client_as("admin-a")
    assert "No reviewed leads yet" in admin.get("/admin/extraction").text
    everyone = Scope.everything()
    accepted = _report_lead(world, "Ilji Zelenk", "entry_ban")
    rejected = _report_lead(world, "Mira Kostić", "residence_revoked")
    lead = get_lead(world.db, accepted, scope=everyone)
    kept = replace(extracted(lead), subject_name="Ilija Zelenković")
    target = Target(None, None, "Wren", "team-a", everyone)
    accept_reviewed(world.db, accepted, "web:rev", kept, target=target, scope=everyone)
    reject_leads(world.db, [rejected], "web:rev", "not about an exile", scope=everyone)
    page = admin.get("/admin/extraction")
    assert page.status_code == 200
    assert '<dd id="reviewed-reports">2</dd>' in page.text
    assert '<dd id="subject-corrections">1</dd>' in page.text
    assert '<dd id="irrelevant-events">1</dd>' in page.text
    for name in ("Zelenk", "Mira", "Kosti"):
        assert name not in page.text
    assert client_as("caseworker-a").get("/admin/extraction").status_code == 403
    admin.post("/settings/language", data={"locale": "ru", "csrf_token": csrf_of(admin)})
    assert "Извлечение на проверенных сигналах" in admin.get("/admin/extraction").text
