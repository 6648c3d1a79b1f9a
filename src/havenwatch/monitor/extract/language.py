"""Which language a report is in: en, ru or sr (Serbian in either script), else None.

The script decides first. Cyrillic text is Serbian when letters only Serbian uses (ј, љ,
њ, ћ, ђ, џ) outweigh those only Russian uses (ы, э, ъ, щ, ё, й), and the stop-word
profiles break ties. Latin text is scored against the English and Serbian stop-word
profiles; Croatian and Bosnian score as Serbian, which the contract treats as `sr`.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from havenwatch.monitor.extract.lexicon import lexicon
from havenwatch.monitor.extract.model import Analysis
from havenwatch.monitor.extract.normalize import normalize_word
from havenwatch.monitor.extract.registry import Resources, component

SERBIAN_CYRILLIC = frozenset("јљњћђџ")
RUSSIAN_ONLY = frozenset("ыэъщёй")
SERBIAN_LATIN = frozenset("čćšžđ")
MINIMUM_STOP_WORDS = 2
SAMPLE = 400
STOP_WORD_LANGUAGES = ("en", "ru", "sr")


@component("language")
def detect_language(analysis: Analysis, resources: Resources) -> None:
    words: list[str] = []
    for token in analysis.tokens:
        if token.text[0].isalpha():
            words.append(token.text.lower())
            if len(words) == SAMPLE:
                break
    analysis.language = language_of(words, resources)


def language_of(words: list[str], resources: Resources) -> str | None:
    """The language of a text given its lowercased words."""
    letters = Counter("".join(words[:SAMPLE]))
    cyrillic = sum(count for letter, count in letters.items() if _is_cyrillic(letter))
    latin = sum(count for letter, count in letters.items() if _is_latin(letter))
    if not cyrillic and not latin:
        return None
    profile = _stop_word_hits(words)
    if cyrillic >= latin:
        serbian = sum(letters[letter] for letter in SERBIAN_CYRILLIC) + profile["sr"]
        russian = sum(letters[letter] for letter in RUSSIAN_ONLY) + profile["ru"]
        return "sr" if serbian > russian else "ru"
    serbian = sum(letters[letter] for letter in SERBIAN_LATIN) + profile["sr"]
    english = profile["en"]
    best = max(english, serbian)
    if best < MINIMUM_STOP_WORDS:
        return None
    return "en" if english >= serbian else "sr"


def _stop_word_hits(words: list[str]) -> Counter[str]:
    """How many of the sampled words are stop words of each language."""
    hits: Counter[str] = Counter()
    for word, count in Counter(words[:SAMPLE]).items():
        for language in _stop_word_languages(word):
            hits[language] += count
    return hits


@lru_cache(maxsize=65536)
def _stop_word_languages(word: str) -> tuple[str, ...]:
    """The languages `word` is a stop word of (cached: reports share most of them)."""
    return tuple(
        language
        for language in STOP_WORD_LANGUAGES
        if normalize_word(word, language) in lexicon(language).words("stopwords")
    )


def _is_cyrillic(letter: str) -> bool:
    return "\u0400" <= letter <= "\u04ff"


def _is_latin(letter: str) -> bool:
    return "a" <= letter <= "z" or letter in SERBIAN_LATIN
