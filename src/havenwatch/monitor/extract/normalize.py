"""Matching forms of words: lowercase, one script per language, no diacritics.

Lexicon patterns and document tokens go through the same function, so a pattern written
once as "protjeran" matches "протјеран", "protjeran" and "protjeran" typed without
diacritics. Serbian is matched in Latin (Cyrillic is transliterated); Russian stays in
Cyrillic with ё read as е.
"""

from __future__ import annotations

from functools import lru_cache

SERBIAN_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "е": "e", "ж": "z",
    "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "у": "u",
    "ф": "f", "х": "h", "ц": "c", "ч": "c", "џ": "dz", "ш": "s",
}  # fmt: skip
LATIN_FOLDS = {"č": "c", "ć": "c", "š": "s", "ž": "z", "đ": "dj"}
COMMON_FOLDS = {"’": "'", "‘": "'", "ʼ": "'", "–": "-", "—": "-"}

_SERBIAN_TABLE = str.maketrans({**SERBIAN_CYRILLIC_TO_LATIN, **LATIN_FOLDS, **COMMON_FOLDS})
_RUSSIAN_TABLE = str.maketrans({"ё": "е", **COMMON_FOLDS})
_ENGLISH_TABLE = str.maketrans({**LATIN_FOLDS, **COMMON_FOLDS})


@lru_cache(maxsize=262144)
def normalize_word(word: str, language: str) -> str:
    """The form under which `word` is matched in a text of `language`."""
    lowered = word.lower()
    if language == "sr":
        return lowered.translate(_SERBIAN_TABLE)
    if language == "ru":
        return lowered.translate(_RUSSIAN_TABLE)
    return lowered.translate(_ENGLISH_TABLE)


_LATIN_TO_CYRILLIC = {
    "lj": "љ", "nj": "њ", "dž": "џ", "a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ",
    "d": "д", "đ": "ђ", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ј",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с",
    "š": "ш", "t": "т", "u": "у", "v": "в", "z": "з", "ž": "ж",
}  # fmt: skip


def latin_to_serbian_cyrillic(text: str) -> str:
    """Lowercase Serbian Latin spelled in Serbian Cyrillic ("ovoj" -> "овој")."""
    out = []
    position = 0
    while position < len(text):
        pair = text[position : position + 2]
        if pair in _LATIN_TO_CYRILLIC:
            out.append(_LATIN_TO_CYRILLIC[pair])
            position += 2
            continue
        out.append(_LATIN_TO_CYRILLIC.get(text[position], text[position]))
        position += 1
    return "".join(out)
