"""The floors of the house only point down: no package imports one on its own floor or above.

The floors, from the bottom (docs/architecture.md draws them):

0. `core` (errors, model, dates, vocabulary, names, scripts, clock, ids, settings, CSV cells,
   file modes), `data`, and the package's `__init__` (its version)
1. `legal` (the deadline engine, pure), `crypto` (keys, sealing, padding), `media` (file types,
   metadata cleaning)
2. `store` (schema, the single write path and its audit chain, migrations)
3. `access` (accounts, sessions, tokens, TOTP, throttling, permissions, teams)
4. `cases` (people, cases, events, sources, documents, deadlines)
5. `monitor`, `reports`, `operations` (news, evidence, running an instance), over `cases`
6. `web`, `commands`: thin doors, each calling services below
7. `cli`, then `__main__`

Every import counts, function-local ones included: a local import is still a dependency. The
one exception is a data migration, which runs once and may call the services of its time to
transform rows (`EXEMPT`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "havenwatch"
FLOORS = {
    "core": 0,
    "legal": 1,
    "data": 0,
    "crypto": 1,
    "media": 1,
    "store": 2,
    "access": 3,
    "cases": 4,
    "monitor": 5,
    "reports": 5,
    "operations": 5,
    "web": 6,
    "commands": 6,
    "cli": 7,
    "__main__": 8,
    "__init__": 0,
}


EXEMPT = ("store/migrations/versions/",)


def part_of(module: str) -> str:
    """The top-level part of havenwatch that a dotted module name belongs to."""
    return module.split(".")[1] if module.count(".") else "__init__"


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """(line, havenwatch module) for every import in a source file, however deeply nested."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "havenwatch":
                names = [
                    "havenwatch" if alias.name.startswith("__") else f"havenwatch.{alias.name}"
                    for alias in node.names
                ]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name == "havenwatch" or name.startswith("havenwatch."):
                yield node.lineno, name


def wrong_way_imports(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.as_posix().startswith(EXEMPT):
            continue
        here = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        for line, module in imports_of(path):
            there = part_of(module)
            if there == here:
                continue
            if there not in FLOORS or here not in FLOORS:
                found.append(f"{relative}:{line} {module}: {here!r} or {there!r} has no floor")
            elif FLOORS[there] >= FLOORS[here]:
                found.append(f"{relative}:{line} imports {module} (floor {FLOORS[there]})")
    return found


def test_every_package_has_a_floor() -> None:
    parts = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    parts |= {p.stem for p in PACKAGE.glob("*.py")}
    assert parts <= set(FLOORS), f"give these a floor: {sorted(parts - set(FLOORS))}"


def test_imports_point_only_down() -> None:
    assert wrong_way_imports(PACKAGE) == []


def test_an_import_pointing_up_is_caught(tmp_path: Path) -> None:
    planted = tmp_path / "havenwatch"
    (planted / "core").mkdir(parents=True)
    (planted / "core" / "dates.py").write_text("def f():\n    from havenwatch.cases import x\n")
    (planted / "cases").mkdir()
    (planted / "cases" / "x.py").write_text("from havenwatch.monitor import leads\n")
    assert wrong_way_imports(planted) == [
        "cases/x.py:1 imports havenwatch.monitor (floor 5)",
        "core/dates.py:2 imports havenwatch.cases (floor 4)",
    ]


@pytest.mark.parametrize("door", ["web", "commands"])
def test_no_package_pair_imports_both_ways(door: str) -> None:
    """Doors are never imported by what they open onto."""
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in (door, "cli.py", "__main__.py"):
            continue
        assert all(part_of(m) != door for _, m in imports_of(path)), relative
