"""Loading many generated or imported case files fast: batched inserts, one audit entry a batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from types import SimpleNamespace
from typing import Any, TypeVar

from havenwatch.access.teams import ensure_team
from havenwatch.cases.case_files import case_row
from havenwatch.cases.demo import DemoFile
from havenwatch.cases.events import event_row
from havenwatch.cases.people import person_row
from havenwatch.cases.search import add_entries, search_rows
from havenwatch.cases.sources import content_hash
from havenwatch.cases.step_workflow import step_rows
from havenwatch.core.clock import utcnow
from havenwatch.core.ids import new_id
from havenwatch.core.model import Source
from havenwatch.crypto.keys import Keyring
from havenwatch.store.database import Database, Unit
from havenwatch.store.rows import SOURCE_ROWS
from havenwatch.store.schema import (
    case_tags,
    cases,
    deadline_steps,
    event_sources,
    events,
    people,
    person_name_keys,
    sources,
)

T = TypeVar("T")
BATCH = 1000


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _rows(
    keyring: Keyring, files: list[DemoFile], team_of: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    tables = empty_tables()
    for item in files:
        row, keys = person_row(keyring, item.person, team_of[item.person.team])
        tables["people"].append(row)
        tables["keys"] += [{"person_id": row["id"], "name_key": key} for key in keys]
        item.case.person_id = row["id"]
        tables["cases"].append(
            case_row(keyring, item.case, row["wrapped_key"], team_of[item.case.team])
        )
        tables["tags"] += [
            {"case_id": item.case.id, "tag": tag} for tag in sorted(set(item.case.tags))
        ]
        event_rows = []
        for event in item.events:
            event.case_id = item.case.id or ""
            event_rows.append(event_row(keyring, event, row["wrapped_key"], row["id"]))
        tables["events"] += event_rows
        case = tables["cases"][-1]
        steps, case["next_deadline"] = step_rows(
            item.case.country,
            item.case.id or "",
            case["team_id"],
            [SimpleNamespace(**e) for e in event_rows],
            case_open=case["status"] == "open",
        )
        tables["steps"] += steps
        for source in item.sources:
            tables["sources"].append(source_row(source))
            if item.events:
                tables["links"].append(
                    {"event_id": item.events[0].id, "source_id": source.id, "role": "reported"}
                )
    return tables


Tables = dict[str, list[dict[str, Any]]]
TABLE_NAMES = ("people", "keys", "cases", "tags", "events", "steps", "sources", "links")


def empty_tables() -> Tables:
    """Rows waiting to be inserted, by destination."""
    return {name: [] for name in TABLE_NAMES}


def source_row(source: Source) -> dict[str, Any]:
    """A new source's row; assigns its id and, unless given, its content hash."""
    source.id = source.id or new_id()
    source.content_hash = source.content_hash or content_hash(source)
    source.created_at = source.created_at or utcnow()
    return SOURCE_ROWS.row(source)


def insert_tables(unit: Unit, tables: Tables) -> None:
    """Insert every waiting row with one statement per table, and index them for search."""
    targets = [
        ("people", people),
        ("keys", person_name_keys),
        ("cases", cases),
        ("tags", case_tags),
        ("events", events),
        ("steps", deadline_steps),
        ("sources", sources),
        ("links", event_sources),
    ]
    for name, table in targets:
        if tables[name]:
            unit.conn.execute(table.insert(), tables[name])
    add_entries(unit.conn, search_rows(tables))


def load_files(
    db: Database,
    files: Iterable[DemoFile],
    actor: str,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert the files batch by batch; returns how many were loaded."""
    keyring = db.require_keyring()
    team_of: dict[str, str] = {}
    loaded = 0
    for batch in batched(files, BATCH):
        with db.write(actor) as unit:
            for team in {f.person.team for f in batch} | {f.case.team for f in batch}:
                team_of[team] = team_of.get(team) or ensure_team(unit, team)
            tables = _rows(keyring, batch, team_of)
            insert_tables(unit, tables)
            unit.audit(
                "demo.load",
                detail={"people": len(tables["people"]), "events": len(tables["events"])},
            )
        loaded += len(batch)
        if progress:
            progress(len(batch))
    return loaded
