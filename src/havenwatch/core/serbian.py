"""Serbian in both scripts: Latin text written in Cyrillic, letter for letter.

Serbian's two alphabets map one to one (the Latin digraphs lj, nj and dž are single Cyrillic
letters), so a Latin translation gives the Cyrillic one mechanically. What is not Serbian stays
as it is: placeholders (`%(name)s`, `{name}`), markup and entities, addresses, words with
letters Serbian Latin lacks (q, w, x, y: "havenwatch", "JavaScript"), and the technical
abbreviations listed in `serbian_latin_words.json` (CSV, PDF, API...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources

# Locales whose texts are written mechanically from another locale's: (source, conversion).
DERIVED_LOCALES: dict[str, tuple[str, Callable[[str], str]]] = {}

LETTERS = {
    "lj": "љ", "nj": "њ", "dž": "џ", "a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ",
    "d": "д", "đ": "ђ", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ј", "k": "к",
    "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "š": "ш", "t": "т",
    "u": "у", "v": "в", "z": "з", "ž": "ж",
}  # fmt: skip
DIGRAPH_OR_LETTER = re.compile("lj|nj|dž|[a-zčćđšž]", re.IGNORECASE)
# Pieces of text that are not Serbian words: placeholders, markup, entities, addresses.
UNTOUCHED = re.compile(
    r"%\([^)]*\)[sdifr]|%[sdifr]|\{[^{}]*\}|<[^>]*>|&[#\w]+;|\b\w+://\S+|\S+@\S+\.\w+"
    r"|(?<![\w])/[\w./?=&-]+|\b\d+[A-Za-z]+\b"
)
WORD = re.compile(r"[^\W\d_]+")
FOREIGN_LETTERS = re.compile("[qwxyQWXY]")


@cache
def latin_words() -> frozenset[str]:
    """Words kept in Latin inside Cyrillic text (abbreviations of formats and protocols)."""
    source = resources.files("havenwatch.core").joinpath("serbian_latin_words.json")
    return frozenset(json.loads(source.read_text("utf-8"))["keep_latin"])


def to_cyrillic(text: str) -> str:
    """Serbian Latin text in Serbian Cyrillic, leaving what is not Serbian untouched."""
    pieces, last = [], 0
    for match in UNTOUCHED.finditer(text):
        pieces.append(_words_to_cyrillic(text[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_words_to_cyrillic(text[last:]))
    return "".join(pieces)


def _words_to_cyrillic(text: str) -> str:
    return WORD.sub(lambda match: _word(match.group(0)), text)


def _word(word: str) -> str:
    if word in latin_words() or FOREIGN_LETTERS.search(word):
        return word
    return DIGRAPH_OR_LETTER.sub(_letter, word)


def _letter(match: re.Match[str]) -> str:
    """One letter; "Lj" and "LJ" alike give "Љ", since Cyrillic has no half-capital."""
    latin = match.group(0)
    cyrillic = LETTERS[latin.lower()]
    return cyrillic.upper() if latin[0].isupper() else cyrillic


DERIVED_LOCALES["sr_Cyrl"] = ("sr_Latn", to_cyrillic)
