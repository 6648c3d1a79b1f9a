"""Team scope fails closed: every service that reads or decides on team data requires a `Scope`.

The rule, read from the source with `ast`:

- A *service* is a public (no leading underscore), module-level function in `cases/`,
  `monitor/` or `reports/` with a parameter annotated `Database`: it opens its own
  transaction, so it is where a door (`web/`, `commands/`) hands over the caller's scope.
- A service *reads team data* when its module imports a team table from
  `havenwatch.store.schema` (`TEAM_TABLES`), or imports a function of `cases/`, `monitor/`
  or `reports/` that itself takes a scope.
- Such a service must have a parameter named `scope`, annotated `Scope`, without a default:
  forgetting it is a type error, never "every team". `EXCEPTIONS` lists the services that
  need none, each with its reason.
- Anywhere in `src/havenwatch`, a parameter named `scope` that is annotated `Scope` has no
  default, and no function takes the old `team_ids` keyword.

Functions that take a `Connection` or a `Unit` are building blocks running inside a
service's transaction; those that read for a caller take the service's scope along
(`read_case`, `read_timeline`, `people_named`, `search_in`, ...), and the second check keeps
that scope required too.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "havenwatch"
SERVICE_PACKAGES = ("cases", "monitor", "reports")
TEAM_TABLES = frozenset(
    {
        "people",
        "person_name_keys",
        "cases",
        "case_tags",
        "events",
        "event_sources",
        "sources",
        "documents",
        "document_word_keys",
        "leads",
        "lead_matches",
        "lead_sources",
        "search_entries",
        "deadline_steps",
        "deadline_actions",
        "audit_log",
        "custom_fields",
        "custom_values",
    }
)

RELEASES = (
    "the anonymised public release and its schedule: counts over every team at k >= 10, "
    "published by an administrator; no team record leaves it"
)
EXCEPTIONS: dict[str, str] = {
    "reports.publication.publish_release": RELEASES,
    "reports.publication.latest_shortfalls": RELEASES,
    "reports.publication.latest_release": RELEASES,
    "reports.publication.release_version": RELEASES,
    "reports.publication.list_releases": RELEASES,
    "reports.publication.read_schedule": RELEASES,
    "reports.publication.set_schedule": RELEASES,
    "reports.publication.publish_if_due": RELEASES,
    "reports.publication.run_schedule": RELEASES,
    "reports.publication.start_schedule": RELEASES,
    "cases.bulk.load_files": "creates demo and benchmark records in the teams its files name "
    "(the command line's loader); it reads no record that exists",
    "cases.demo_instance.claim_for_demo": "counts whether the instance is empty before the demo "
    "claims it; reveals no record",
    "cases.demo_instance.reset_demo_logins": "resets the demo's own accounts; reads no team record",
    "cases.demo_instance.is_demo_instance": "reads one instance setting",
    "cases.demo_instance.define_demo_fields": "defines the demo's fields for the demo's own "
    "team (the demo command, on the instance it claimed); reads no team record",
    "cases.interchange.export_document": "the whole-instance export (command line, export_full: "
    "administrators, who see every team)",
    "cases.interchange.import_document": "the whole-instance import (command line, import_full: "
    "administrators); it writes with Scope.everything() inside",
    "cases.name_index.rebuild_name_index": "maintenance of the blind name index of every person",
    "cases.document_reindex.index_unread_documents": "maintenance: reads and indexes the words "
    "of every document not yet read (command line, `vault index-words`, `migrate`)",
    "cases.reminders.build_digests": "the system's reminder job: each user's digest lists only "
    "steps of the user's own team (matched by team inside)",
    "cases.reminders.send_reminders": "the system's reminder job, as build_digests",
    "cases.reminders.send_daily": "the system's reminder job, as build_digests",
    "cases.step_workflow.refresh_all_steps": "maintenance: recomputes every case's steps",
    "cases.vault.check_vault": "maintenance: checks every file of the vault against its record",
    "monitor.reviewed.reviewed_examples": "the extractor's evaluation on every decided report "
    "(command line, `eval --reviewed`: an administrator's measurement across teams)",
    "monitor.reviewed.export_reviewed": "writes the same examples out for the command line, "
    "audited; as reviewed_examples",
    "monitor.reviewed.reviewed_evaluation": "the figures of reviewed_examples scored (counts "
    "and rates, no record): `eval --reviewed` and the administrators' page",
    "reports.public.anonymised_export": "the anonymised table over every team, at k >= 5; the "
    "web serves it live only to export_anonymised_live (administrators)",
}


@dataclass(frozen=True)
class Service:
    module: str
    name: str
    line: int
    scope_parameter: ast.arg | None
    scope_default: bool

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"


def _parameters(function: ast.FunctionDef) -> list[tuple[ast.arg, bool]]:
    """Every parameter with whether it has a default."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = [False] * (len(positional) - len(arguments.defaults)) + [True] * len(
        arguments.defaults
    )
    keyword = [default is not None for default in arguments.kw_defaults]
    return [
        *zip(positional, defaults, strict=True),
        *zip(arguments.kwonlyargs, keyword, strict=True),
    ]


def _annotation(parameter: ast.arg) -> str:
    return ast.unparse(parameter.annotation) if parameter.annotation else ""


def _module_name(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield node


def _services(tree: ast.Module, module: str) -> Iterator[Service]:
    for function in _functions(tree):
        parameters = _parameters(function)
        if function.name.startswith("_"):
            continue
        if not any(_annotation(parameter) == "Database" for parameter, _ in parameters):
            continue
        scope = next(((p, d) for p, d in parameters if p.arg == "scope"), None)
        yield Service(
            module,
            function.name,
            function.lineno,
            scope[0] if scope else None,
            scope[1] if scope else False,
        )


def _imports(tree: ast.Module) -> Iterator[tuple[str, str]]:
    """(module, name) of every `from X import name` at module level."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name


def _scoped_functions(trees: dict[str, ast.Module]) -> set[str]:
    """`module.function` of every function, public or not, that takes a `scope: Scope`."""
    found = set()
    for module, tree in trees.items():
        for function in _functions(tree):
            if any(
                p.arg == "scope" and _annotation(p) == "Scope" for p, _ in _parameters(function)
            ):
                found.add(f"{module}.{function.name}")
    return found


def _reads_team_data(tree: ast.Module, scoped: set[str]) -> bool:
    for module, name in _imports(tree):
        if module == "havenwatch.store.schema" and name in TEAM_TABLES:
            return True
        if f"{module.removeprefix('havenwatch.')}.{name}" in scoped:
            return True
    return False


def _trees(root: Path) -> dict[str, ast.Module]:
    return {
        _module_name(path, root): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts
    }


def unscoped_services(root: Path) -> list[str]:
    """Services of `SERVICE_PACKAGES` that read team data without a required `scope: Scope`."""
    trees = _trees(root)
    scoped = _scoped_functions(trees)
    problems = []
    for module, tree in trees.items():
        if module.split(".")[0] not in SERVICE_PACKAGES or not _reads_team_data(tree, scoped):
            continue
        for service in _services(tree, module):
            if service.qualified in EXCEPTIONS:
                continue
            parameter = service.scope_parameter
            if parameter is None or _annotation(parameter) != "Scope" or service.scope_default:
                problems.append(f"{module}:{service.line} {service.name}")
    return problems


def optional_scopes(root: Path) -> list[str]:
    """Functions anywhere whose `scope: Scope` has a default, or that take `team_ids`."""
    problems = []
    for module, tree in _trees(root).items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for parameter, has_default in _parameters(node):  # type: ignore[arg-type]
                if parameter.arg == "team_ids":
                    problems.append(f"{module}:{node.lineno} {node.name} takes team_ids")
                if parameter.arg == "scope" and _annotation(parameter) == "Scope" and has_default:
                    problems.append(f"{module}:{node.lineno} {node.name} defaults its scope")
    return problems


def test_every_service_reading_team_data_requires_a_scope() -> None:
    assert unscoped_services(PACKAGE) == []


def test_no_scope_is_optional_and_no_service_takes_team_ids() -> None:
    assert optional_scopes(PACKAGE) == []


def test_every_exception_names_a_service_that_exists() -> None:
    trees = _trees(PACKAGE)
    services = {s.qualified for module, tree in trees.items() for s in _services(tree, module)}
    assert sorted(set(EXCEPTIONS) - services) == []


PLANTED = '''
"""A service someone forgot to scope."""

from havenwatch.access.scope import Scope
from havenwatch.store.database import Database
from havenwatch.store.schema import cases


def every_case_title(db: Database) -> list[str]:
    with db.read() as conn:
        return [row.title for row in conn.execute(cases.select())]


def titles_maybe_scoped(db: Database, *, scope: Scope = Scope.everything()) -> list[str]:
    return every_case_title(db)


def titles_of(db: Database, *, scope: Scope) -> list[str]:
    return every_case_title(db)
'''

PLANTED_DOWNSTREAM = '''
"""A report that reads team data through a scoped service, without a scope of its own."""

from havenwatch.cases.planted import titles_of
from havenwatch.store.database import Database


def title_count(db: Database) -> int:
    return len(titles_of(db, scope=None))
'''


def _plant(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_rule_catches_a_planted_unscoped_service(tmp_path: Path) -> None:
    _plant(
        tmp_path,
        {"cases/planted.py": PLANTED, "reports/planted_report.py": PLANTED_DOWNSTREAM},
    )
    assert unscoped_services(tmp_path) == [
        "cases.planted:9 every_case_title",
        "cases.planted:14 titles_maybe_scoped",
        "reports.planted_report:8 title_count",
    ]
    assert optional_scopes(tmp_path) == ["cases.planted:14 titles_maybe_scoped defaults its scope"]


def test_the_rule_catches_the_old_team_ids_keyword(tmp_path: Path) -> None:
    _plant(
        tmp_path,
        {
            "monitor/planted.py": """
            def leads_of(db: object, *, team_ids: list[str] | None = None) -> None:
                return None
            """
        },
    )
    assert optional_scopes(tmp_path) == ["monitor.planted:2 leads_of takes team_ids"]
