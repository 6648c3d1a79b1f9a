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

from havenwatch.access.scope import Scope
from havenwatch.cases.custom_fields import define_field
from havenwatch.core.custom_fields import FieldDefinition
from havenwatch.store.schema import custom_fields, custom_values, events
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


DECISION = "03-26-1187/25 sheet canary"


def _define_fields(world: World) -> None:
    for definition in (
        FieldDefinition("occupation", "person", "text",
                        {"en": "Occupation", "ru": "Профессия", "sr_Latn": "Zanimanje"}),
        FieldDefinition("decision_number", "case", "text",
                        {"en": "Decision number", "ru": "Номер решения", "sr_Latn": "Broj rešenja"},
                        identifying=True),
        FieldDefinition("days_given", "event", "number", {"en": "Days given", "sr_Latn": "Dato dana"}),
    ):  # fmt: skip
        define_field(world.db, definition, "test", team="team-a", scope=Scope.everything())


def _options(page: str, column: int) -> list[str]:
    select_html = re.search(rf'<select id="column-{column}".*?</select>', page, re.S)
    assert select_html
    return re.findall(r'<option value="([^"]*)"', select_html.group(0))


def test_the_preview_offers_the_teams_fields_as_columns_and_imports_them_sealed_when_identifying(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _define_fields(world)
    sheet = xlsx_of([
        ["Pseudonim", "Zemlja boravka", "Vrsta događaja", "Posao", "Rešenje br.", "Dato dana"],
        ["Šljuka", "RS", "Zabrana ulaska", "novinar", DECISION, 30],
    ])  # fmt: skip
    client, before = client_as("caseworker-a"), _events(world)
    page = _upload(client, "spisak.xlsx", sheet)
    offered = {"custom.person.occupation", "custom.case.decision_number", "custom.event.days_given"}
    assert offered <= set(_options(page, 3)) and "Fields of the team" in page
    assert [_selected(page, n) for n in range(6)] == [
        "person", "country", "event_type", "", "", "custom.event.days_given",
    ]  # fmt: skip
    assert "Broj rešenja" not in client_as("caseworker-b").get("/transfer").text
    chosen = {f"column-{n}": _selected(page, n) for n in range(6)} | {
        "column-3": "custom.person.occupation",
        "column-4": "custom.case.decision_number",
        "column-5": "",
    }
    form = {"csrf_token": csrf_of(client), "ticket": _ticket(page), **chosen}
    again = client.post("/transfer/import/preview", data={**form, "action": "preview"})
    assert _selected(again.text, 4) == "custom.case.decision_number"
    with world.db.read() as conn:
        assert conn.execute(select(custom_values)).all() == []
    done = client.post("/transfer/import/preview", data={**form, "action": "import"})
    assert done.status_code == 200 and "Import finished" in done.text
    assert _events(world) == before + 1
    with world.db.read() as conn:
        stored = conn.execute(
            select(custom_fields.c.key, custom_values.c.value, custom_values.c.sealed).join(
                custom_fields, custom_fields.c.id == custom_values.c.field_id
            )
        ).all()
    by_key = {row.key: row for row in stored}
    assert set(by_key) == {"occupation", "decision_number"}  # "Dato dana" was left out
    assert by_key["occupation"].value == "novinar" and by_key["occupation"].sealed is None
    sealed = by_key["decision_number"]
    assert sealed.value is None and DECISION.encode() not in bytes(sealed.sealed)


def test_a_value_that_does_not_fit_the_chosen_field_is_named_by_file_row_and_column(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _define_fields(world)
    sheet = xlsx_of([
        ["Pseudonim", "Zemlja boravka", "Vrsta događaja", "Kolona X"],
        ["Šljuka", "RS", "Zabrana ulaska", "mnogo"],
    ])  # fmt: skip
    client = client_as("caseworker-a")
    page = _upload(client, "rokovi.xlsx", sheet)
    form = {
        "csrf_token": csrf_of(client),
        "ticket": _ticket(page),
        **{f"column-{n}": _selected(page, n) for n in range(3)},
        "column-3": "custom.event.days_given",
    }
    refused = client.post("/transfer/import/preview", data={**form, "action": "import"})
    assert refused.status_code == 400
    assert "rokovi.xlsx, row 2, column Kolona X:" in refused.text
    with world.db.read() as conn:
        assert conn.execute(select(custom_values)).all() == []
