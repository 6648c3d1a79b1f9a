"""A function-local import says why it is not at the top of its module.

Imports belong at the top of the module, where the floors test and a reader see them. An
import inside a function is allowed only with a one-line reason just above it (for the
block of imports it opens): `# local import: <reason>`, e.g. a heavy library that only one
command needs. Data migrations are exempt: they run once, each in its own moment.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "havenwatch"
MARK = "# local import:"
EXEMPT = ("store/migrations/",)


def _local_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found.append(node)
    return found


def _reason_above(lines: list[str], line: int) -> str | None:
    """The comment above the block of import lines that `line` (1-based) belongs to."""
    index = line - 2
    while index >= 0 and lines[index].strip().startswith(("import ", "from ")):
        index -= 1
    above = lines[index].strip() if index >= 0 else ""
    return above if above.startswith(MARK) and len(above) > len(MARK) + 3 else None


def unexplained_local_imports(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        where = path.relative_to(root).as_posix()
        if where.startswith(EXEMPT):
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in _local_imports(ast.parse(text)):
            if _reason_above(lines, node.lineno) is None:
                found.append(f"{where}:{node.lineno} {lines[node.lineno - 1].strip()}")
    return found


def test_every_function_local_import_gives_its_reason() -> None:
    assert unexplained_local_imports(PACKAGE) == []


def test_the_check_finds_a_local_import_without_a_reason(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(
        "def heavy():\n"
        "    # local import: numpy loads only here\n"
        "    import numpy\n"
        "    from numpy import linalg\n"
        "    return numpy, linalg\n\n\n"
        "def plain():\n"
        "    from os import path\n"
        "    return path\n",
        encoding="utf-8",
    )
    assert unexplained_local_imports(tmp_path) == ["mod.py:9 from os import path"]
