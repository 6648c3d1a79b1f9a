"""The lexicon pattern language, compiled to regular expressions over normalised text.

A document is matched as one string: its tokens in matching form (see `normalize`), one
space between tokens of a sentence and a newline between sentences. A pattern is a
sequence of words separated by spaces, with a few operators (documented for lexicon
authors in docs/lexicons.md):

- `*` inside a word: any continuation of the word ("expel*", "протер*"),
- `~` as a word: a gap of up to four words (`~2`: up to two), never across a comma,
- `#` in a word: a number written in digits ("#", "#-year-old"),
- `( | )`, `?` and `[ ]`: regular-expression alternation, optional parts and classes.

Many patterns are compiled into one alternation with a named group per pattern, so a
single scan of the document finds all of them; `label` says which pattern matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

WORD_CHARS = r"[^ \n]"
GAP = r"(?: [^ \n,;:()]+){0,%d}"
DEFAULT_GAP = 4
GAP_WORD = re.compile(r"~(\d?)")
NUMBER = r"\d+(?:[.,]\d+)*"
PASSTHROUGH = set("()|?[]")
OPEN = r"(?<![^ \n])"
CLOSE = r"(?![^ \n])"


def compile_pattern(pattern: str, normalize: Callable[[str], str]) -> str:
    """The regular expression (without boundaries) for one lexicon pattern."""
    regex = ""
    for index, word in enumerate(normalize(pattern.strip()).split()):
        gap = GAP_WORD.fullmatch(word)
        if gap:
            regex += GAP % int(gap.group(1) or DEFAULT_GAP)
            continue
        if index:
            regex += " "
        regex += _word_regex(word)
    return regex


def _word_regex(word: str) -> str:
    if word == "#":
        return NUMBER
    out = []
    for char in word:
        if char == "#":
            out.append(r"\d+")
        elif char == "*":
            out.append(WORD_CHARS + "*")
        elif char == "(":
            out.append("(?:")
        elif char in PASSTHROUGH:
            out.append(char)
        else:
            out.append(re.escape(char))
    return "".join(out)


@dataclass(frozen=True)
class Match:
    """One occurrence of a pattern: character span in the matching string and its label."""

    start: int
    end: int
    label: str


class PatternSet:
    """Labelled patterns scanned together; leftmost, then longest-listed, matches win."""

    def __init__(
        self, labelled: Sequence[tuple[str, str]], normalize: Callable[[str], str]
    ) -> None:
        self._labels: list[str] = []
        alternatives = []
        ordered = sorted(labelled, key=lambda item: -len(item[1]))
        for index, (label, pattern) in enumerate(ordered):
            self._labels.append(label)
            alternatives.append(f"(?P<p{index}>{compile_pattern(pattern, normalize)})")
        body = "|".join(alternatives) or r"(?!x)x"
        self._regex = re.compile(f"{OPEN}(?:{body}){CLOSE}")

    def __bool__(self) -> bool:
        return bool(self._labels)

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Match]:
        stop = len(text) if end is None else end
        for found in self._regex.finditer(text, start, stop):
            group = found.lastgroup or "p0"
            yield Match(found.start(), found.end(), self._labels[int(group[1:])])

    def first(self, text: str, start: int = 0, end: int | None = None) -> Match | None:
        return next(self.finditer(text, start, end), None)
