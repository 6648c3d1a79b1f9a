from __future__ import annotations

from datetime import date
from pathlib import Path

from havenwatch.monitor.news import NewsItem, ReadError
from havenwatch.monitor.reader import read_news

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Balkan Wire</title><language>en</language>
<item><title>Activist refused entry</title><link>https://balkan.example/1</link>
<pubDate>Sat, 04 May 2024 10:00:00 +0200</pubDate>
<description>&lt;p&gt;Oleg Volokhonsky, a Russian activist, was refused entry.&lt;/p&gt;&lt;p&gt;He appealed.&lt;/p&gt;</description>
</item>
<item><title>Empty</title><link>https://balkan.example/2</link></item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ru"><title>Novaya Europa</title>
<entry><title>Отказ во въезде</title><link rel="alternate" href="https://novaya.example/7"/>
<published>2024-05-05T08:00:00Z</published>
<content type="html">Олег Волохонский не был допущен в Сербию.</content></entry>
</feed>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/hostname">
<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<rss><channel><title>Trap</title><item><title>t</title>
<description>before &secret; &b; after</description></item></channel></rss>
"""


def _read(*paths: Path) -> list[NewsItem | ReadError]:
    return list(read_news([str(path) for path in paths]))


def test_an_rss_feed_yields_its_items_with_outlet_url_date_and_language(tmp_path: Path) -> None:
    feed = tmp_path / "wire.rss"
    feed.write_text(RSS, encoding="utf-8")
    first, empty = _read(feed)
    assert isinstance(first, NewsItem)
    assert first.outlet == "Balkan Wire"
    assert first.url == "https://balkan.example/1"
    assert first.published == date(2024, 5, 4)
    assert first.language == "en"
    assert first.text == "Oleg Volokhonsky, a Russian activist, was refused entry.\nHe appealed."
    assert isinstance(empty, ReadError) and "without text" in empty.message


def test_an_atom_feed_is_read_like_rss(tmp_path: Path) -> None:
    feed = tmp_path / "novaya.xml"
    feed.write_text(ATOM, encoding="utf-8")
    (item,) = _read(feed)
    assert isinstance(item, NewsItem)
    assert (item.outlet, item.url, item.published, item.language) == (
        "Novaya Europa", "https://novaya.example/7", date(2024, 5, 5), "ru",
    )  # fmt: skip
    assert item.text.startswith("Олег Волохонский")


def test_a_feed_never_expands_entities_or_reads_local_files(tmp_path: Path) -> None:
    feed = tmp_path / "trap.rss"
    feed.write_text(EXTERNAL_ENTITY, encoding="utf-8")
    (item,) = _read(feed)
    assert isinstance(item, NewsItem)
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    assert not hostname or hostname not in item.text
    assert "aaaaaaaaaa" not in item.text


def test_bad_files_are_one_line_errors_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "broken.xml").write_text("<?xml version='1.0'?><rss><channel><item>", "utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "latin1.jsonl").write_bytes(b'{"text": "caf\xe9"}\n')
    (tmp_path / "good.txt").write_text("Published: 2024-05-04\nA report.\n", "utf-8")
    results = _read(tmp_path)
    errors = [result for result in results if isinstance(result, ReadError)]
    items = [result for result in results if isinstance(result, NewsItem)]
    assert len(errors) == 3
    assert all("\n" not in error.message and str(tmp_path) in error.message for error in errors)
    assert [item.text for item in items] == ["A report."]


def test_a_directory_is_walked_files_first_in_name_order_skipping_hidden_and_others(
    tmp_path: Path,
) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "two.txt").write_text("two", "utf-8")
    (tmp_path / "a.txt").write_text("one", "utf-8")
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", "utf-8")
    (tmp_path / "notes.gold.json").write_text("{}", "utf-8")
    lines = '{"text": "three", "outlet": "Sava Post"}\n\n{"text": "four", "url": "https://www.n1.example/x"}\n'
    (tmp_path / "c.jsonl").write_text(lines, "utf-8")
    items = [item for item in _read(tmp_path) if isinstance(item, NewsItem)]
    assert [item.text for item in items] == ["one", "three", "four", "two"]
    assert [item.outlet for item in items[1:3]] == ["Sava Post", "n1.example"]


def test_an_item_survives_the_queue_payload_round_trip() -> None:
    item = NewsItem("x.txt", "text", "title", "https://a.example", "A", date(2024, 5, 4), "en")
    assert NewsItem.from_payload("x.txt", item.to_payload()) == item
