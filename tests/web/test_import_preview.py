"""The import page previews a spreadsheet before saving: its columns mapped to fields (a
choice the user can change, no JavaScript needed) and, row by row, the person (by pseudonym)
and case each row matches or creates; the file waits sealed until it is imported."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from havenwatch.store.schema import events
from tests.cases.sheet_samples import xlsx_of
from tests.web.conftest import CANARY_PSEUDONYM, World, csrf_of

FULL_NAME = "Dragoslava Kvernigradska"
SHEET = xlsx_of(
    [
        ["Pseudonim", "Puno ime", "Zemlja boravka", "Vrsta događaja", "Datum", "Organ"],
        ["Heron Alpha", "", "RS", "Zabrana ulaska", date(2025, 3, 3), "MUP"],
        ["Šljuka", FULL_NAME, "RS", "protjerivanje", date(2025, 4, 1), "BIA"],
        [CANARY_PSEUDONYM, "", "RS", "Zabrana ulaska", date(2025, 5, 5), "BIA"],
    ]
)


def _events(world: World) -> int:
    with world.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def _upload(client: TestClient, name: str, data: bytes) -> str:
    response = client.post(
        "/transfer/import",
        data={"csrf_token": csrf_of(client), "dry_run": "1"},
        files={"file": (name, data, "application/octet-stream")},
    )
    assert response.status_code == 200, response.text[:500]
    return response.text


def _ticket(page: str) -> str:
    match = re.search(r'name="ticket" value="([^"]+)"', page)
    assert match
    return match.group(1)


def _selected(page: str, column: int) -> str:
    select_html = re.search(rf'<select id="column-{column}".*?</select>', page, re.S)
    assert select_html
    chosen = re.search(r'<option value="([^"]*)" selected', select_html.group(0))
    return chosen.group(1) if chosen else ""


def _rows(page: str) -> list[str]:
    table = re.search(r'<table id="preview-rows">.*?</table>', page, re.S)
    assert table
    cells = re.findall(r"<tr><td>.*?</tr>", table.group(0), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]


def test_an_excel_sheet_is_previewed_remapped_and_imported_from_the_kept_file(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client, before = client_as("caseworker-a"), _events(world)
    page = _upload(client, "spisak.xlsx", SHEET)
    assert [_selected(page, n) for n in range(6)] == [
        "person", "full_name", "country", "event_type", "date", "authority",
    ]  # fmt: skip
    assert _rows(page) == [
        "2 Heron Alpha matched RS open case Entry refused or banned",
        "3 Šljuka new RS new case Ordered to leave",
        f"4 {CANARY_PSEUDONYM} new RS new case Entry refused or banned",
    ]
    ticket = _ticket(page)
    kept = list((world.settings.data_dir / "pending-imports").iterdir())
    assert len(kept) == 1 and FULL_NAME.encode() not in kept[0].read_bytes()
    assert b"Heron Alpha" not in kept[0].read_bytes() and _events(world) == before

    chosen = {f"column-{n}": _selected(page, n) for n in range(6)} | {"column-5": ""}
    form = {"csrf_token": csrf_of(client), "ticket": ticket, **chosen}
    again = client.post("/transfer/import/preview", data={**form, "action": "preview"})
    assert again.status_code == 200 and _selected(again.text, 5) == ""
    assert _events(world) == before

    done = client.post("/transfer/import/preview", data={**form, "action": "import"})
    assert done.status_code == 200 and "Import finished" in done.text
    assert _events(world) == before + 3
    assert list(Path(kept[0]).parent.iterdir()) == []
    gone = client.post("/transfer/import/preview", data={**form, "action": "import"})
    assert gone.status_code == 400 and "no longer kept" in gone.text


def test_a_russian_csv_preview_is_in_russian_and_a_wrong_mapping_is_shown_to_fix(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": "ru"})
    sheet = "Псевдоним;Страна пребывания;Тип события;Дата\nHeron Alpha;RS;высылка;2025-06-02\n"
    page = _upload(client, "список.csv", sheet.encode())
    assert _rows(page) == ["2 Heron Alpha найден RS открытое дело Предписано покинуть страну"]
    form = {
        "csrf_token": csrf_of(client),
        "ticket": _ticket(page),
        "column-0": "person",
        "column-1": "country",
        "column-2": "event_type",
        "column-3": "event_type",
        "action": "import",
    }
    wrong = client.post("/transfer/import/preview", data=form)
    assert wrong.status_code == 400
    assert "список.csv: поле event_type выбрано для двух столбцов" in wrong.text
    assert 'value="import"' not in wrong.text and _selected(wrong.text, 3) == "event_type"
    assert _events(world) == 2


def test_another_account_cannot_open_the_kept_file(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    ticket = _ticket(_upload(client_as("caseworker-a"), "spisak.xlsx", SHEET))
    other = client_as("caseworker-b")
    form = {"csrf_token": csrf_of(other), "ticket": ticket, "action": "import"}
    answer = other.post("/transfer/import/preview", data=form)
    assert answer.status_code == 400 and "no longer kept" in answer.text
    assert _events(world) == 2
