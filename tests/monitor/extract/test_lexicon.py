"""The lexicons' schema: every section the extractor reads exists in every language.

The extractor runs over the labelled reports of every language; each section path any
component read (`Lexicon.read`) must be stated in the English, Russian and Serbian
lexicons alike, as an explicit empty list where a language has nothing to say.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from havenwatch.monitor.extract import extract_text
from havenwatch.monitor.extract.lexicon import LANGUAGES, lexicon
from havenwatch.monitor.news import NewsItem
from havenwatch.monitor.reader import read_news

MONITOR_TESTS = Path(__file__).resolve().parents[1]
SETS = ("corpus", "heldout", "devset", "devset2", "devset3", "devset4")


def sections_read() -> set[str]:
    paths = [str(path) for name in SETS for path in sorted((MONITOR_TESTS / name).glob("*.txt"))]
    for item in read_news(paths):
        assert isinstance(item, NewsItem)
        extract_text(item.text, document=item.id, published=item.published)
    return set().union(*(lexicon(language).read for language in LANGUAGES))


@pytest.fixture(scope="module")
def read() -> set[str]:
    return sections_read()


def test_the_extractor_reads_sections_of_every_kind(read: set[str]) -> None:
    assert {"triggers", "organisations", "cues.speech", "people.roles"} <= read


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_section_read_exists_in_every_language(read: set[str], language: str) -> None:
    missing = sorted(path for path in read if not lexicon(language).has(path))
    assert missing == [], f"lexicon {language} lacks {missing}"
