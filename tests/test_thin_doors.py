"""The doors are thin: `web/` and `commands/` parse, call a service and render, never query.

A door that imports SQLAlchemy or calls `.execute(` writes its own query, where the team
scope and the audit trail are easy to forget. Queries belong to the service that owns the
records (`cases/`, `monitor/`, `reports/`, `access/`, `operations/`).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "havenwatch"
DOORS = ("web", "commands")


def queries_in_doors(root: Path) -> list[str]:
    """`door/module.py:line what` for each SQLAlchemy import or `.execute(` call in a door."""
    found = []
    for door in DOORS:
        for path in sorted((root / door).rglob("*.py")):
            where = path.relative_to(root).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules = [node.module or ""]
                else:
                    modules = []
                for module in modules:
                    if module == "sqlalchemy" or module.startswith("sqlalchemy."):
                        found.append(f"{where}:{node.lineno} imports {module}")
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "execute"
                ):
                    found.append(f"{where}:{node.lineno} calls .execute(")
    return found


def test_web_and_commands_neither_import_sqlalchemy_nor_execute() -> None:
    assert queries_in_doors(PACKAGE) == []


def test_the_check_finds_a_query_planted_in_a_door(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "commands").mkdir()
    (tmp_path / "web" / "page.py").write_text(
        "from sqlalchemy import select\n\n"
        "def rows(db):\n"
        "    with db.read() as conn:\n"
        "        return conn.execute(select(1)).all()\n",
        encoding="utf-8",
    )
    (tmp_path / "commands" / "tool.py").write_text(
        "def run(unit):\n    import sqlalchemy.sql\n    unit.conn.execute('DELETE FROM cases')\n",
        encoding="utf-8",
    )
    assert queries_in_doors(tmp_path) == [
        "web/page.py:1 imports sqlalchemy",
        "web/page.py:5 calls .execute(",
        "commands/tool.py:2 imports sqlalchemy.sql",
        "commands/tool.py:3 calls .execute(",
    ]
