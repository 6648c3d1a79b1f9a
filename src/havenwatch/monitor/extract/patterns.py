"""The lexicon pattern language, compiled to regular expressions over normalised text.

A document is matched as one string: its tokens in matching form (see `normalize`), one
space between tokens of a sentence and a newline between sentences. A pattern is a
sequence of words separated by spaces, with a few operators (documented for lexicon
authors in docs/lexicons.md):

- `*` inside a word: any continuation of the word ("expel*", "протер*"),
- `~` as a word: a gap of up to four words (`~2`: up to two), never across a comma or a
  parenthesis, though an age in parentheses ("Денису Малову (29) да напусти") is one word
  and one between commas after a word ("отказала россиянке Анне Котовой, 58 лет, в
  продлении") is part of it,
- `#` in a word: a number written in digits ("#", "#-year-old"),
- `( | )`, `?` and `[ ]`: regular-expression alternation, optional parts and classes.

Many patterns are compiled into one alternation with a named group per pattern, so a
single scan of the document finds all of them; `label` says which pattern matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from havenwatch.monitor.extract.anchors import Anchor

WORD_CHARS = r"[^ \n]"
GAP = r"(?: (?:[^ \n,;:()]+|\( \d+ \))(?: , \d{1,3}(?: [^ \n,;:()\d]+){0,2} ,)?){0,%d}"
DEFAULT_GAP = 4
GAP_WORD = re.compile(r"~(\d?)")
NUMBER = r"\d+(?:[.,]\d+)*"
PASSTHROUGH = set("()|?[]")
BREAK = r"[ \n]"
KNOWN_LIMIT = 65536
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
    """Labelled patterns scanned together; leftmost, then longest-listed, matches win.

    The combined expression has no capturing groups, so the regular-expression engine can
    reject most alternatives on their first letter; which pattern matched is worked out
    afterwards, for matches only.
    """

    def __init__(
        self, labelled: Sequence[tuple[str, str]], normalize: Callable[[str], str]
    ) -> None:
        ordered = sorted(labelled, key=lambda item: -len(item[1]))
        bodies = [compile_pattern(pattern, normalize) for _, pattern in ordered]
        self.anchor = Anchor.of([normalize(pattern.strip()) for _, pattern in ordered])
        self._labels = [label for label, _ in ordered]
        # One expression per pattern, compiled the first time a match needs its label.
        self._bodies = bodies
        self._each: list[re.Pattern[str] | None] = [None] * len(bodies)
        body = "|".join(bodies) or r"(?!x)x"
        # A match after a word break consumes the space or newline before it: an expression
        # that starts with a character class lets the engine skip to the next break quickly.
        self._after_break = re.compile(f"{BREAK}(?:{body}){CLOSE}")
        self._at_start = re.compile(f"(?:{body}){CLOSE}")
        self._known: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self._labels)

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Match]:
        stop = len(text) if end is None else end
        if start == 0:
            head = self._at_start.match(text, 0, stop)
            if head:
                yield Match(0, head.end(), self._label_at(text, 0, head.end()))
                start = head.end()
        else:
            start -= 1
        for found in self._after_break.finditer(text, start, stop):
            first = found.start() + 1
            yield Match(first, found.end(), self._label_at(text, first, found.end()))

    def first(self, text: str, start: int = 0, end: int | None = None) -> Match | None:
        return next(self.finditer(text, start, end), None)

    def _single(self, index: int) -> re.Pattern[str]:
        single = self._each[index]
        if single is None:
            single = re.compile(f"(?:{self._bodies[index]}){CLOSE}")
            self._each[index] = single
        return single

    def _label_at(self, text: str, first: int, last: int) -> str:
        """The label of the longest-listed pattern that matches exactly `text[first:last]`
        (remembered per matched text: reports repeat their wording)."""
        matched = text[first:last]
        label = self._known.get(matched)
        if label is None:
            label = next(
                (
                    self._labels[index]
                    for index in range(len(self._labels))
                    if self._single(index).fullmatch(matched)
                ),
                self._labels[0],
            )
            if len(self._known) >= KNOWN_LIMIT:
                self._known.clear()
            self._known[matched] = label
        return label
