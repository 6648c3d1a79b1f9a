"""Tokens, sentences and the matching string.

Tokens are words (with inner hyphens, apostrophes and digit groups: "anti-war",
"Serbia's", "1,500", "05.03.2024") or single punctuation marks. A sentence ends at a line
break, or at . ! ? followed by a capital letter, a digit or a quote, unless the full stop
belongs to an abbreviation or an initial ("E. Koposova"). In hard-wrapped text (e-mails,
plain-text exports folded at a fixed width) a line break where the next word would not have
fitted on the line is a fold, not a break: the sentence goes on ("refused entry at Belgrade
airport on\nTuesday"); a line that ends short of the width (a heading, a byline, a list item,
the end of a paragraph) still ends its sentence. A line of its own that does not
end in a full stop, question or exclamation mark is a heading (a headline, a crosshead):
it restates what the report tells, so it introduces no events of its own.
"""

from __future__ import annotations

import re

from havenwatch.monitor.extract.model import Analysis, Sentence, Token
from havenwatch.monitor.extract.normalize import normalize_word
from havenwatch.monitor.extract.registry import Resources, component

TOKEN = re.compile(r"\w+(?:[-'’]\w+|[.,]\d+)*|\S")
SENTENCE_END = frozenset(".!?…")
SENTENCE_START = re.compile(r"[\w\"«„“'(\[]")
CLOSING_MARKS = frozenset("\"»”“'’)")
FOLD_WIDTH = 120
FOLD_SLACK = 15
FOLD_SHARE = 0.4
TABLE_CELL = re.compile(r"\t| \| ")
LIST_MARKER = re.compile(r"[ \t]*(?:[-*•·▪●►]|\d{1,2}[.)])[ \t]+")


@component("sentences")
def split_sentences(analysis: Analysis, resources: Resources) -> None:
    """Fill `tokens` and `sentences` from the text."""
    abbreviations = resources.lexicon("en").words("abbreviations")
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    first = 0
    text = analysis.text
    previous_end = 0
    previous_text = ""
    append = tokens.append
    folds = folded_line_breaks(text)
    sentence = 0
    for index, found in enumerate(TOKEN.finditer(text)):
        start, end = found.span()
        # Most tokens follow the last with no gap or one space: no line break to weigh.
        gap = start - previous_end
        line_break = gap > 1 or (gap == 1 and text[previous_end] == "\n")
        if (
            index > first
            and (
                previous_text in SENTENCE_END
                or (line_break and _hard_break(text, previous_end, start, folds))
            )
            and _breaks_before(text, tokens, found, abbreviations, folds)
        ):
            sentences.append(_sentence(text, sentence, tokens, first, index))
            sentence += 1
            first = index
        previous_end = end
        previous_text = found.group()
        append(Token(index, previous_text, start, end, sentence))
    if len(tokens) > first:
        sentences.append(_sentence(text, len(sentences), tokens, first, len(tokens)))
    analysis.tokens = tokens
    analysis.sentences = sentences


def _hard_break(text: str, start: int, end: int, folds: frozenset[int]) -> bool:
    """Whether a line break between offsets `start` and `end` is not a fold."""
    position = text.find("\n", start, end)
    while position >= 0:
        if position not in folds:
            return True
        position = text.find("\n", position + 1, end)
    return False


def folded_line_breaks(text: str) -> frozenset[int]:
    """Offsets of the line breaks that only fold a paragraph at the text's width.

    The text counts as folded when most lines followed by another line (`FOLD_SHARE`, and
    at least two) come within `FOLD_SLACK` characters of the widest such line (`FOLD_WIDTH`
    at most); rows of a table never fold. A break is a fold where the next line's first
    word would not have fitted after the line, and the next line opens no list item.
    """
    if "\n" not in text:
        return frozenset()
    lines = text.split("\n")
    widths = [len(line.rstrip()) for line in lines]
    continued = [
        index
        for index in range(len(lines) - 1)
        if widths[index] <= FOLD_WIDTH
        and lines[index + 1].strip()
        and not TABLE_CELL.search(lines[index])
        and widths[index]
    ]
    if not continued:
        return frozenset()
    width = max(widths[index] for index in continued)
    near = sum(1 for index in continued if widths[index] >= width - FOLD_SLACK)
    if near < 2 or near < FOLD_SHARE * len(continued):
        return frozenset()
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    folds = set()
    for index in continued:
        following = lines[index + 1]
        first_word = following.split(maxsplit=1)[0]
        if widths[index] + 1 + len(first_word) > width and not LIST_MARKER.match(following):
            folds.add(offsets[index + 1] - 1)
    return frozenset(folds)


def _breaks_before(
    text: str,
    tokens: list[Token],
    found: re.Match[str],
    abbreviations: frozenset[str],
    folds: frozenset[int],
) -> bool:
    previous = tokens[-1]
    if _hard_break(text, previous.end, found.start(), folds):
        return True
    if previous.text not in SENTENCE_END or not SENTENCE_START.match(found.group()):
        return False
    if not (found.group()[0].isupper() or not found.group()[0].isalpha()):
        return False
    if len(tokens) < 2 or previous.text != ".":
        return True
    before = tokens[-2].text
    return not (len(before) == 1 and before.isupper()) and before.lower() not in abbreviations


def _sentence(text: str, index: int, tokens: list[Token], first: int, last: int) -> Sentence:
    start, end = tokens[first].start, tokens[last - 1].end
    return Sentence(index, first, last, start, end, _is_heading(text, tokens, first, last))


def _is_heading(text: str, tokens: list[Token], first: int, last: int) -> bool:
    """A whole line with no sentence-final mark (closing quotes aside) at its end; an item
    of a list ("- Residence permit revoked") is not one, bulletins often end items bare."""
    line_start = text.rfind("\n", 0, tokens[first].start) + 1
    line_end = text.find("\n", tokens[last - 1].end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start : tokens[first].start]
    if before.strip() or text[tokens[last - 1].end : line_end].strip():
        return False
    final = last - 1
    while final > first and tokens[final].text in CLOSING_MARKS:
        final -= 1
    return tokens[final].text not in SENTENCE_END and not LIST_MARKER.match(text, line_start)


def starts_list_item(analysis: Analysis, sentence: int) -> bool:
    """Whether the sentence opens an item of a bulleted or numbered list ("- ", "• ",
    "2. "): each item of an NGO bulletin is a case of its own. A dash ("— Вы обжаловали?")
    opens a line of dialogue, not an item."""
    start = analysis.sentences[sentence].start
    line_start = analysis.text.rfind("\n", 0, start) + 1
    marker = LIST_MARKER.match(analysis.text, line_start)
    return marker is not None and start <= marker.end()


@component("matching")
def build_matching_string(analysis: Analysis, resources: Resources) -> None:
    """Give each token its matching form and lay them out as one string for the lexicons."""
    language = analysis.language or "en"
    parts: list[str] = []
    offsets: list[int] = []
    position = -1
    previous_sentence = 0
    for token in analysis.tokens:
        norm = token.norm = normalize_word(token.text, language)
        parts.append("\n" if token.sentence != previous_sentence else " ")
        position += 1
        offsets.append(position)
        parts.append(norm)
        position += len(norm)
        previous_sentence = token.sentence
    parts = parts[1:]
    analysis.matching = "".join(parts)
    analysis.offsets = offsets
