"""Counts of people: digits ("15", "1,500"), number words ("two", "десетак") and the
lexicon's counting phrases ("a dozen", "более десятка", "desetine").

Found once per document and kept as `count` spans (value: count and qualifier); mentions
use them to tell "десетак активиста" (a group) from "активиста" (one person), aggregates
to find counted statements.
"""

from __future__ import annotations

import re
from functools import lru_cache

from havenwatch.monitor.extract.lexicon import Lexicon
from havenwatch.monitor.extract.model import Analysis, Span

DIGITS = re.compile(r"\d{1,3}(?:[.,  ]\d{3})+|\d+")
MINIMUM_COUNT = 2
COUNT = "count"


def count_spans(analysis: Analysis, lexicon: Lexicon) -> list[Span]:
    """The document's counts, in text order (computed on first use)."""
    found = analysis.spans.get(COUNT)
    if found is None:
        found = _find_counts(analysis, lexicon)
        analysis.spans[COUNT] = found
    return found


def _find_counts(analysis: Analysis, lexicon: Lexicon) -> list[Span]:
    spans = [
        analysis.span_of(match, _count_label(match.label))
        for match in analysis.matches(lexicon.patterns("numbers.counts"))
    ]
    # A date's numbers are no count ("In 2023, 40 Russians...", "On 14 March, 12 ...").
    dated = analysis.spans.get("date", [])
    covered = {index for span in [*spans, *dated] for index in range(span.first, span.last)}
    words = _number_words(lexicon)
    for token in analysis.tokens:
        norm = token.norm
        if norm not in words and not norm[:1].isdigit():
            continue
        value = _number(norm, words)
        if value is not None and value >= MINIMUM_COUNT and token.index not in covered:
            spans.append(
                Span(COUNT, token.index, token.index + 1, token.sentence, (value, "exact"))
            )
    return sorted(spans, key=lambda span: span.first)


@lru_cache(maxsize=8)
def _number_words(lexicon: Lexicon) -> dict[str, int]:
    return {
        lexicon.normalize(word): value
        for word, value in lexicon.section("numbers.words").items()
        if isinstance(value, int)
    }


def _count_label(label: str) -> tuple[int, str]:
    count, _, qualifier = label.partition("/")
    return int(count), qualifier or "exact"


def _number(word: str, words: dict[str, int]) -> int | None:
    if word[:1].isdigit() and DIGITS.fullmatch(word):
        return int(re.sub(r"\D", "", word))
    return words.get(word)
