"""Word beginnings that every match of a pattern set must contain: a test before a scan.

Scanning a document with hundreds of trigger patterns costs more than any other step of the
extractor, yet most sentences hold no trigger at all. Each lexicon pattern has words that any
match must contain (a pattern word matches one whole token), and most of those words begin
with letters written out ("протер*", "(odbi*|odbij*)"). A sentence none of whose tokens begins
with one of the chosen beginnings cannot hold a match and need not be scanned.

The beginnings are read conservatively: a pattern with an alternation at its top level, or
with no required word that begins with a letter, gives no anchor, and then the whole set is
scanned as before. Results never change, only the work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SPECIAL = frozenset("*#?[]()|~\\")
KNOWN_LIMIT = 65536


@dataclass(frozen=True)
class Anchor:
    """The word beginnings, grouped by length for set lookups."""

    by_length: dict[int, frozenset[str]]
    # Whether a word may match, remembered: reports share most of their words.
    known: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, patterns: Sequence[str]) -> Anchor | None:
        """The anchor of normalised patterns, or None when one of them has none."""
        chosen: set[str] = set()
        for pattern in patterns:
            beginnings = _required_beginnings(pattern)
            if not beginnings:
                return None
            chosen |= beginnings
        lengths: dict[int, set[str]] = {}
        for beginning in chosen:
            lengths.setdefault(len(beginning), set()).add(beginning)
        return cls({length: frozenset(found) for length, found in lengths.items()})

    def words_that_may_match(self, words: Iterable[str]) -> set[str]:
        """Those of `words` (tokens in matching form) that begin with a chosen beginning."""
        known = self.known
        if len(known) > KNOWN_LIMIT:
            known.clear()
        chosen = set()
        for word in words:
            may = known.get(word)
            if may is None:
                may = known[word] = any(
                    word[:length] in found for length, found in self.by_length.items()
                )
            if may:
                chosen.add(word)
        return chosen


def _required_beginnings(pattern: str) -> set[str] | None:
    """The most selective required word of the pattern: the set of ways it can begin."""
    items = _top_level_items(pattern)
    if items is None:
        return None
    best: set[str] | None = None
    for item in items:
        beginnings = _item_beginnings(item)
        if beginnings and (best is None or min(map(len, beginnings)) > min(map(len, best))):
            best = beginnings
    return best


def _top_level_items(pattern: str) -> list[str] | None:
    """The pattern's space-separated items, a parenthesised group kept whole; None when an
    alternation stands at the top level (then no item is required)."""
    items, current, depth = [], "", 0
    for char in pattern:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            return None
        if char == " " and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    return [item for item in [*items, current] if item]


def _item_beginnings(item: str) -> set[str] | None:
    """How a token matching the item's first word may begin; None when it is not sure.

    A leading optional group of whole words ("(the )?extension") is skipped: with or without
    it, the word after it begins a token.
    """
    while item.startswith("("):
        close = _closing_paren(item)
        if close is None:
            return None
        alternatives = _alternatives(item[1:close])
        if item[close + 1 : close + 2] != "?":
            prefixes = {_literal_prefix(alternative.split(" ")[0]) for alternative in alternatives}
            return None if "" in prefixes else prefixes
        if not all(alternative.endswith(" ") for alternative in alternatives):
            return None
        item = item[close + 2 :]
    prefix = _literal_prefix(item)
    return {prefix} if prefix else None


def _alternatives(group: str) -> list[str]:
    """The alternatives of a group's content, split only at its own level."""
    found, current, depth = [], "", 0
    for char in group:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            found.append(current)
            current = ""
        else:
            current += char
    return [*found, current]


def _closing_paren(item: str) -> int | None:
    depth = 0
    for index, char in enumerate(item):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index
    return None


def _literal_prefix(word: str) -> str:
    """The letters a token matching `word` surely begins with ("odbij*" -> "odbij");
    a letter made optional by a following "?" is not sure."""
    prefix = ""
    for index, char in enumerate(word):
        if char in SPECIAL or word[index + 1 : index + 2] == "?":
            return prefix
        prefix += char
    return prefix
