"""Per-language lexicons: JSON data files under `havenwatch/monitor/lexicons/<language>/`.

Each file is one section (`triggers.json` is the section `triggers`); `common/` holds
sections shared by every language. A section maps labels to lists of patterns (the label
is what a match reports: an event type, an authority code, a country code), or holds
plain tables (number words). The format is documented in docs/lexicons.md.
"""

from __future__ import annotations

import json
import re
from functools import cache, partial
from importlib import resources
from typing import Any

from havenwatch.monitor.extract.normalize import normalize_word
from havenwatch.monitor.extract.patterns import PatternSet

LEXICON_PACKAGE = "havenwatch.monitor"
LEXICON_DIRECTORY = "lexicons"
LANGUAGES = ("en", "ru", "sr")
COMMON = "common"
# Sections that spell out names of people and places, not ordinary words.
NAME_SECTIONS = frozenset(
    {
        "first_names",
        "surnames",
        "public_figures",
        "places",
        "gazetteer",
        "host_states",
        "organisations",
        "name_endings",
        "abbreviations",
    }
)
ORDINARY = "<ordinary words>"
LETTERS = re.compile(r"[^\W\d_]{3,}")


class LexiconError(ValueError):
    """A lexicon file is missing a section or holds the wrong shape of data."""


class Lexicon:
    """The data of one language, with its pattern sets compiled on first use."""

    def __init__(self, language: str, sections: dict[str, Any]) -> None:
        self.language = language
        self._sections = sections
        self._patterns: dict[str, PatternSet] = {}
        self._words: dict[str, frozenset[str]] = {}
        self.read: set[str] = set()

    def normalize(self, text: str) -> str:
        return _normalize(self.language, text)

    def section(self, path: str) -> Any:
        """The raw data at a dotted path ("numbers.words"); `{}` when absent. The paths read
        are kept in `read` (the lexicon schema test checks every language has each)."""
        self.read.add(path)
        node: Any = self._sections
        for key in path.split("."):
            if not isinstance(node, dict):
                raise LexiconError(f"lexicon {self.language}: {path} is not a mapping")
            node = node.get(key, {})
        return node

    def has(self, path: str) -> bool:
        """Whether the lexicon states the section at `path` (an empty list counts)."""
        node: Any = self._sections
        for key in path.split("."):
            if not isinstance(node, dict) or key not in node:
                return False
            node = node[key]
        return True

    def patterns(self, path: str) -> PatternSet:
        """All patterns at `path`: a mapping gives its keys as labels, a list its own name."""
        compiled = self._patterns.get(path)
        if compiled is None:
            compiled = PatternSet(self._labelled(path), partial(_normalize, self.language))
            self._patterns[path] = compiled
        return compiled

    def _labelled(self, path: str) -> list[tuple[str, str]]:
        data = self.section(path)
        label = path.rsplit(".", 1)[-1]
        if isinstance(data, list):
            return [(label, str(pattern)) for pattern in data]
        if isinstance(data, dict):
            return [
                (str(key), str(pattern))
                for key, patterns in data.items()
                for pattern in (patterns if isinstance(patterns, list) else [])
            ]
        raise LexiconError(f"lexicon {self.language}: {path} holds no patterns")

    def ordinary_words(self) -> frozenset[str]:
        """Every whole word the language's patterns spell out (in matching form), outside
        the sections of names and places: words of the language, never a person's name
        ("zahtev" of "zahtev za azil", "niko" of a negation cue)."""
        found = self._words.get(ORDINARY)
        if found is None:
            words: set[str] = set()
            for name, data in self._sections.items():
                if name not in NAME_SECTIONS:
                    words.update(_literal_words(data))
            found = frozenset(self.normalize(word) for word in words)
            self._words[ORDINARY] = found
        return found

    def words(self, path: str) -> frozenset[str]:
        """A word list at `path` in matching form."""
        found = self._words.get(path)
        if found is None:
            found = frozenset(self.normalize(str(word)) for word in self.section(path) or [])
            self._words[path] = found
        return found


def _literal_words(data: Any) -> set[str]:
    """The runs of letters in the patterns and word lists of `data` ("zahtev*" and
    "(zahtev|zahteva)" give "zahtev" and "zahteva")."""
    if isinstance(data, str):
        return set(LETTERS.findall(data.lower()))
    if isinstance(data, dict):
        return set().union(*(_literal_words(value) for value in data.values()))
    if isinstance(data, list):
        return set().union(*(_literal_words(value) for value in data))
    return set()


def _normalize(language: str, text: str) -> str:
    return " ".join(normalize_word(word, language) for word in text.split(" "))


@cache
def lexicon(language: str) -> Lexicon:
    """The lexicon of `language` (en, ru or sr), merged with the common sections."""
    if language not in LANGUAGES:
        raise LexiconError(f"no lexicon for language {language!r}")
    sections = dict(_load_directory(COMMON))
    sections.update(_load_directory(language))
    return Lexicon(language, sections)


def _load_directory(name: str) -> dict[str, Any]:
    directory = resources.files(LEXICON_PACKAGE).joinpath(LEXICON_DIRECTORY, name)
    sections: dict[str, Any] = {}
    for entry in sorted(directory.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            sections[entry.name.removesuffix(".json")] = json.loads(entry.read_text("utf-8"))
    return sections
