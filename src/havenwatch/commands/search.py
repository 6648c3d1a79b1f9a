"""`havenwatch search`: the workspace's search box, on the command line."""

from __future__ import annotations

from typing import Any

import click

from havenwatch.access.scope import Scope
from havenwatch.cases.finder import SearchRights, search_everything
from havenwatch.commands.common import FORMAT_OPTION, open_db, print_json, print_table

# The command line holds the data key and sees every team, like an administrator.
EVERYTHING = SearchRights.everything()


@click.command()
@click.argument("query")
@FORMAT_OPTION
@click.pass_context
def search(ctx: click.Context, query: str, output_format: str) -> None:
    """Find people (by pseudonym or real name), cases, events, sources and documents (by a word
    inside) matching QUERY.

    People found by their real name are listed by pseudonym only.
    """
    found = search_everything(
        open_db(ctx), Scope.everything(), query.strip()[:200], rights=EVERYTHING
    )
    rows = [
        *(("person", r.id, r.pseudonym, r.nationality or "") for r in found["people"]),
        *(("case", r.id, r.title or "", f"{r.country} {r.status}") for r in found["cases"]),
        *(("event", r.id, r.type, f"{r.date_text or ''} {r.title or ''}") for r in found["events"]),
        *(("source", r.id, r.title or "", r.publisher or "") for r in found["sources"]),
        *(("document", r.id, r.filename, r.case_title or "") for r in found["documents"]),
    ]
    if output_format == "json":
        print_json([_hit(row) for row in rows])
    else:
        print_table(["kind", "id", "name", "details"], rows)


def _hit(row: tuple[str, str, str, str]) -> dict[str, Any]:
    kind, record_id, name, details = row
    return {"kind": kind, "id": record_id, "name": name, "details": details.strip()}


COMMANDS = [search]
