"""schemathesis against the JSON API's own OpenAPI document, in process, with real API tokens.

A throwaway instance (SQLite, and PostgreSQL when the tests have one) holds the demo data set, a caseworker or a researcher of its first
team, and a few leads to review. Every operation gets `MAX_EXAMPLES` generated requests (valid
and invalid ones), half of them aimed at records that exist, so lookups get past the 404. No
response may be a server error, and every response must match what the document declares.
`HAVENWATCH_FUZZ_EXAMPLES=500` runs a deeper search locally; CI keeps the default.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.result import Err
from sqlalchemy import select

from havenwatch.access.accounts import add_user
from havenwatch.access.api_tokens import create_token
from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import demo_data, generate
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events, lead_matches, people, sources, teams
from havenwatch.web.app import create_app
from tests.helpers import add_lead, report

MAX_EXAMPLES = int(os.environ.get("HAVENWATCH_FUZZ_EXAMPLES", "25"))
DEMO_CASES = 20
LEADS = 12
PASSWORD = "correct horse battery"
CHECKS = [not_a_server_error, response_schema_conformance]


@dataclass
class FuzzTarget:
    schema: schemathesis.BaseSchema
    headers: dict[str, str]
    known_ids: dict[str, list[str]]


def _team_id(db: Database, team: str) -> str:
    with db.read() as conn:
        return str(conn.execute(select(teams.c.id).where(teams.c.name == team)).scalar_one())


def _add_leads(db: Database, team_id: str, source_id: str) -> None:
    with db.read() as conn:
        person_id = conn.execute(
            select(people.c.id).where(people.c.team_id == team_id).limit(1)
        ).scalar_one()
    for number in range(LEADS):
        add_lead(
            db,
            source_id,
            "An activist was refused entry at Belgrade airport.",
            subject=f"Fuzzed Subject {number}",
            person_id=person_id,
            event_type="entry_ban",
        )


def _known_ids(db: Database, team_id: str) -> dict[str, list[str]]:
    with db.read() as conn:

        def ids(query: Any) -> list[str]:
            return [str(value) for value in conn.execute(query.limit(5)).scalars()]

        return {
            "case_id": ids(select(cases.c.id).where(cases.c.team_id == team_id)),
            "person_id": ids(select(people.c.id).where(people.c.team_id == team_id)),
            "source_id": ids(select(sources.c.id).order_by(sources.c.id)),
            "lead_id": ids(select(lead_matches.c.lead_id).where(lead_matches.c.team_id == team_id)),
            "event_id": ids(
                select(events.c.id)
                .join(cases, cases.c.id == events.c.case_id)
                .where(cases.c.team_id == team_id)
            ),
        }


def _fuzz_target(settings_: Settings, db: Database, role: str) -> FuzzTarget:
    load_files(db, generate(DEMO_CASES), "test")
    team = demo_data()["teams"][0]
    team_id = _team_id(db, team)
    user = add_user(db, f"fuzz-{role}", PASSWORD, role, team, "test")
    token = create_token(db, user.id, "fuzz", "test")
    known = _known_ids(db, team_id)
    _add_leads(db, team_id, known["source_id"][0])
    known = _known_ids(db, team_id)
    app = create_app(settings_, db=db)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    return FuzzTarget(schema, {"Authorization": f"Bearer {token}"}, known)


def _requests(operation: Any, known_ids: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    """Generated requests, valid and not, and as many again with real ids in the path."""
    generated = st.one_of(
        operation.as_strategy(),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    )
    names = [p.name for p in operation.path_parameters]
    if not names or not all(known_ids.get(name) for name in names):
        return generated
    real_paths = st.fixed_dictionaries(
        {name: st.sampled_from(known_ids[name]) for name in names}
    ).flatmap(lambda path: operation.as_strategy(path_parameters=path))
    return st.one_of(generated, real_paths)


def _fuzz(operation: Any, target: FuzzTarget, tried: Counter[str]) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_requests(operation, target.known_ids))
    def run(case: Any) -> None:
        tried[operation.label] += 1
        response = case.call(headers=target.headers)
        case.validate_response(response, checks=CHECKS, headers=target.headers)

    run()


def _fuzz_all(target: FuzzTarget) -> Counter[str]:
    tried: Counter[str] = Counter()
    for result in target.schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        _fuzz(result.ok(), target, tried)
    return tried


@pytest.mark.parametrize("role", ["caseworker", "researcher"])
def test_the_api_never_fails_with_a_server_error(
    role: str,
    instance_settings: Settings,
    db: Database,
    request: pytest.FixtureRequest,
    record_property: Callable[[str, object], None],
) -> None:
    tried = _fuzz_all(_fuzz_target(instance_settings, db, role))
    assert len(tried) >= 25, f"only {len(tried)} operations were fuzzed"
    record_property("fuzz_cases", sum(tried.values()))
    report(
        request,
        f"API fuzz as {role} on {db.engine.dialect.name}: "
        f"{sum(tried.values())} requests over {len(tried)} operations",
    )
