"""Cross-script, transliteration-tolerant keys for personal names.

The same activist appears as "Volokhonsky" in an English report, "Волохонского" in a
Russian one, "Volohonskom" in a Serbian one and "Wolochonski" in a German one. These
functions reduce every spelling to one Latin *skeleton* so that such variants compare
equal, without any dictionary or model:

- Cyrillic (Russian, Serbian, Ukrainian, Belarusian letters) is transliterated;
- diacritics are removed and Latin digraphs are reduced (kh/ch/h, zh/ž, sh/š/sch, ts/c);
- sounds that transliteration systems spell differently are merged (х/ч/ц, ж/з, ш/щ/с,
  ђ/д), and so are the glides of ya/ja/ia, yu/ju/iu, ye/je/e, ё/е, -y/-iy/-ij;
- doubled letters are collapsed.

The skeleton is a matching key, not a spelling: "Волохонский" gives "voloconski". Keys
are deliberately coarse (a few unrelated names share one), which suits their uses: the
scorer, linking news to known people, and a keyed blind index over encrypted names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Cyrillic is first written the way a transliteration would spell it, so that the Latin
# rules below treat both scripts alike (ё is е: Russian texts rarely mark it).
CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "ђ": "d", "е": "e",
    "ё": "e", "є": "je", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "ji", "й": "j",
    "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "у": "u", "ў": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "џ": "dzh", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "ju", "я": "ja",
}  # fmt: skip

LATIN_LETTERS_WITHOUT_DECOMPOSITION = {
    "đ": "d", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i",
}  # fmt: skip

# Applied in order: longer spellings first, so "shch" is not read as "sh" + "ch".
LATIN_SPELLINGS = (
    ("schtsch", "s"), ("shch", "s"), ("tsch", "c"), ("sch", "s"), ("tch", "c"), ("tc", "c"),
    ("sc", "s"), ("sz", "s"), ("dj", "d"), ("cz", "c"), ("zh", "z"), ("sh", "s"),
    ("kh", "c"), ("ch", "c"), ("ph", "f"), ("ck", "k"), ("ts", "c"), ("tz", "c"),
    ("h", "c"), ("x", "ks"), ("w", "v"), ("q", "k"), ("y", "i"), ("j", "i"), ("ou", "u"),
)  # fmt: skip

VOWELS = "aeiou"
GLIDE_BEFORE_VOWEL = re.compile(rf"i+(?=[{VOWELS}])")
# "yo"/"io" after a consonant is how ё is transliterated (Pyotr, Fyodor, Artyom): read as е.
YO_AFTER_CONSONANT = re.compile(rf"(?<=[^{VOWELS}])io")
REPEATED_LETTER = re.compile(r"(.)\1+")
NOT_A_LETTER = re.compile(r"[^a-z]+")

# Case and gender endings of Russian and Serbian names, as they look in a skeleton
# ("-ой" and "-ој" are both "oi", "-ых" is "ic", Serbian "-ог" is "og"), longest first.
SLAVIC_NAME_ENDINGS = (
    "ogo", "ego", "omu", "emu", "ami",
    "oi", "ei", "im", "om", "em", "ea", "eu", "og", "eg",
    "a", "e", "i", "o", "u",
)  # fmt: skip
SHORTEST_STEM = 2


def fold_name(name: str) -> str:
    """The skeleton of a name: lowercase Latin letters, one space between tokens.

    Idempotent, and the same for a name's Cyrillic and Latin spellings.
    """
    return _fold(name)


@lru_cache(maxsize=65536)
def _fold(name: str) -> str:
    text = unicodedata.normalize("NFC", name).lower()
    # ё and й carry their marks as separate letters; transliterate them before stripping.
    text = "".join(CYRILLIC_TO_LATIN.get(letter, letter) for letter in text)
    text = "".join(LATIN_LETTERS_WITHOUT_DECOMPOSITION.get(letter, letter) for letter in text)
    text = _strip_diacritics(text)
    text = NOT_A_LETTER.sub(" ", text)
    return " ".join(_fold_token(token) for token in text.split())


def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(letter for letter in decomposed if not unicodedata.combining(letter))


def _fold_token(token: str) -> str:
    """Reduce one token until no rule applies any more, which makes folding idempotent."""
    while (folded := _fold_token_once(token)) != token:
        token = folded
    return token


def _fold_token_once(token: str) -> str:
    for spelling, sound in LATIN_SPELLINGS:
        token = token.replace(spelling, sound)
    token = REPEATED_LETTER.sub(r"\1", token)
    token = YO_AFTER_CONSONANT.sub("e", token)
    token = GLIDE_BEFORE_VOWEL.sub("", token)
    return REPEATED_LETTER.sub(r"\1", token)


@lru_cache(maxsize=65536)
def strip_name_ending(token: str) -> str:
    """A folded name token without its Slavic case or gender ending ("koposovoi" -> "koposov").

    Endings are stripped until none is left, so that every case form of a name reaches the
    same stem: "vadim" and its genitive "vadima" both give "vad".
    """
    while (stripped := _strip_one_ending(token)) != token:
        token = stripped
    return token


def _strip_one_ending(token: str) -> str:
    for ending in SLAVIC_NAME_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= SHORTEST_STEM:
            return token[: -len(ending)]
    return token


def name_stems(name: str) -> list[str]:
    """One stem per token of the name, in the order written."""
    return [strip_name_ending(token) for token in fold_name(name).split()]


def name_keys(name: str) -> list[str]:
    """Keys under which a name can be found: the full name first, then each token's stem.

    The full-name key lists the stems in alphabetical order, so that "Koposova Elena" and
    "Елена Копосова" share it. A name without letters has no keys.
    """
    stems = name_stems(name)
    if not stems:
        return []
    full_name = " ".join(sorted(stems))
    return [full_name, *dict.fromkeys(stem for stem in stems if stem != full_name)]


def names_match(first: str, second: str) -> bool:
    """Whether two spellings can name the same person, as the extraction contract scores it.

    Case, diacritics, script, transliteration and Slavic case endings are ignored, and one
    name may be a part of the other ("Koposova" matches "Elena Koposova"). An initial
    ("E. Koposova") matches a token with that first letter, but at least one whole token
    must match, unless both are the same initials ("A. K." is "А. К.": a report that
    withholds a name still names the same person each time).
    """
    first_stems, second_stems = name_stems(first), name_stems(second)
    if first_stems and first_stems == second_stems:
        return True
    if len(first_stems) > len(second_stems):
        first_stems, second_stems = second_stems, first_stems
    if _tokens_embed(first_stems, second_stems):
        return True
    return len(first_stems) == len(second_stems) and _tokens_embed(second_stems, first_stems)


def _tokens_embed(shorter: list[str], longer: list[str]) -> bool:
    """Each token of `shorter` matches its own token of `longer`; one pair is whole tokens."""
    available = list(longer)
    whole_token_matched = False
    for stem in sorted(shorter, key=len, reverse=True):
        partner = next((other for other in available if _stems_match(stem, other)), None)
        if partner is None:
            return False
        available.remove(partner)
        whole_token_matched = whole_token_matched or min(len(stem), len(partner)) > 1
    return whole_token_matched


def _stems_match(stem: str, other: str) -> bool:
    if len(stem) == 1 or len(other) == 1:
        return stem[0] == other[0]
    return stem == other
