"""Reading reports: plain text, HTML, JSON lines, and every way an input can be unreadable."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from havenwatch.monitor.news import NewsItem, ReadError
from havenwatch.monitor.reader import news_from_text, read_news


def read_one(path: Path) -> NewsItem | ReadError:
    return next(read_news([str(path)]))


def test_published_line_sets_the_date_and_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Published: 2024-03-14\nAn activist was detained.\n", encoding="utf-8")
    document = read_one(path)
    assert isinstance(document, NewsItem)
    assert document.published == date(2024, 3, 14)
    assert document.text == "An activist was detained."


def test_text_without_published_line_has_no_date() -> None:
    document = news_from_text("Nothing happened today.", id="x")
    assert document.published is None
    assert document.text == "Nothing happened today."


def test_html_main_text_and_metadata_date(tmp_path: Path) -> None:
    paragraph = "Ivan Sorokin was refused entry at the airport in Belgrade on Tuesday. " * 5
    html = (
        "<html><head><title>Report</title>"
        '<meta property="article:published_time" content="2024-05-02T10:00:00+02:00">'
        "</head><body><nav>Home | About | Donate</nav>"
        f"<article><h1>Refused at the border</h1><p>{paragraph}</p></article>"
        "<footer>Copyright notice</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    document = read_one(path)
    assert isinstance(document, NewsItem)
    assert document.published == date(2024, 5, 2)
    assert "refused entry" in document.text
    assert "Donate" not in document.text


def test_html_date_from_json_ld(tmp_path: Path) -> None:
    paragraph = "Police detained a Russian musician in Novi Sad after a concert. " * 5
    script = json.dumps({"@type": "NewsArticle", "datePublished": "2023-11-20"})
    html = (
        f'<html><head><script type="application/ld+json">{script}</script></head>'
        f"<body><article><p>{paragraph}</p></article></body></html>"
    )
    path = tmp_path / "page.htm"
    path.write_text(html, encoding="utf-8")
    document = read_one(path)
    assert isinstance(document, NewsItem)
    assert document.published == date(2023, 11, 20)


def test_json_lines_give_one_document_per_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        {"id": "a", "text": "First report.", "published": "2024-01-02"},
        {"id": "b", "text": "Second report."},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    documents = list(read_news([str(path)]))
    assert [d.id for d in documents if isinstance(d, NewsItem)] == ["a", "b"]
    first = documents[0]
    assert isinstance(first, NewsItem)
    assert first.published == date(2024, 1, 2)


def test_malformed_json_line_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text('{"id": "a", "text": "ok"}\n{broken\n', encoding="utf-8")
    results = list(read_news([str(path)]))
    assert isinstance(results[0], NewsItem)
    error = results[1]
    assert isinstance(error, ReadError)
    assert f"{path}:2" in error.message


def test_unreadable_inputs_are_one_line_errors_naming_the_file(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    undecodable = tmp_path / "latin1.txt"
    undecodable.write_bytes("Beograd, \u010detvrtak".encode("cp1250") + b"\xe9\xff")
    missing = tmp_path / "missing.txt"
    for path in (binary, empty, undecodable, missing):
        result = read_one(path)
        assert isinstance(result, ReadError)
        assert str(path) in result.message
        assert "\n" not in result.message


def test_json_lines_in_utf16_are_read_and_take_date_and_outlet_fields(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    line = {"text": "Отказ во въезде.", "date": "2024-05-06T08:00:00Z", "publisher": "Sava Post"}
    path.write_bytes(json.dumps(line, ensure_ascii=False).encode("utf-16"))
    (item,) = read_news([str(path)])
    assert isinstance(item, NewsItem)
    assert (item.id, item.text, item.published, item.outlet) == (
        f"{path}:1", "Отказ во въезде.", date(2024, 5, 6), "Sava Post",
    )  # fmt: skip


def test_json_lines_after_an_undecodable_line_are_skipped_with_one_error(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b'{"text": "first"}\n{"text": "caf\xe9"}\n{"text": "third"}\n')
    first, error = read_news([str(path)])
    assert isinstance(first, NewsItem) and first.text == "first"
    assert isinstance(error, ReadError)
    assert error.message == f"{path}:2: not UTF-8; the rest of the file is skipped"


def test_an_empty_json_lines_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text("\n \n", encoding="utf-8")
    (error,) = read_news([str(path)])
    assert isinstance(error, ReadError) and error.message == f"{path}: empty document"
