"""`havenwatch extract` on the command line: output order, errors, exit status."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from havenwatch.cli import cli


def run(*arguments: str, stdin: str | None = None) -> tuple[int, list[str], list[str]]:
    result = CliRunner().invoke(cli, ["extract", *arguments], input=stdin)
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


def test_one_json_object_per_document_in_input_order(tmp_path: Path) -> None:
    first = tmp_path / "first.txt"
    first.write_text("Ivan Sorokin was detained in Belgrade.", encoding="utf-8")
    second = tmp_path / "second.txt"
    second.write_text("Анну Белову выслали из Сербии.", encoding="utf-8")
    code, lines, errors = run(str(first), str(second))
    assert (code, errors) == (0, [])
    results = [json.loads(line) for line in lines]
    assert [r["document"] for r in results] == [str(first), str(second)]
    assert "Анну" in lines[1] or "Анна" in lines[1]


def test_unreadable_inputs_give_one_line_errors_and_exit_1(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Ivan Sorokin was detained in Belgrade.", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02\xff")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    undecodable = tmp_path / "undecodable.txt"
    undecodable.write_bytes(b"caf\xe9 \xff")
    missing = tmp_path / "missing.txt"
    code, lines, errors = run(str(missing), str(binary), str(good), str(empty), str(undecodable))
    assert code == 1
    assert [json.loads(line)["document"] for line in lines] == [str(good)]
    assert len(errors) == 4
    for path, error in zip((missing, binary, empty, undecodable), errors, strict=True):
        assert str(path) in error
        assert "Traceback" not in error


def test_stdin_is_read_with_a_dash() -> None:
    code, lines, _ = run("-", stdin="Published: 2024-03-14\nIvan Sorokin was detained on Tuesday.")
    assert code == 0
    [result] = [json.loads(line) for line in lines]
    assert result["events"][0]["date"] == "2024-03-12"


def test_a_feed_and_a_directory_are_read_like_ingest_reads_them(tmp_path: Path) -> None:
    feed = tmp_path / "wire.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<item><title>One</title><description>Ivan Sorokin was detained in Belgrade."
        "</description></item><item><title>Two</title><description>Anna Belova was "
        "expelled from Serbia.</description></item></channel></rss>",
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text("Oleg Volokhonsky was refused entry.", encoding="utf-8")
    code, lines, errors = run(str(feed), str(reports))
    assert (code, errors) == (0, [])
    assert [json.loads(line)["document"] for line in lines] == [
        f"{feed}#1", f"{feed}#2", str(reports / "a.txt"),
    ]  # fmt: skip
