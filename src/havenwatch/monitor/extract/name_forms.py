"""Personal names: gender from first names and surnames, and the nominative form.

Russian names are put in the nominative with pymorphy3 (one `MorphAnalyzer` per
process: creating it is slow and grows memory); Serbian ones with the case endings in
the common lexicon, guided by gender ("Eleni Koposovoj" -> "Elena Koposova").
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from havenwatch.core.names import fold_name, strip_name_ending
from havenwatch.monitor.extract.lexicon import lexicon
from havenwatch.monitor.extract.normalize import latin_to_serbian_cyrillic

FEMALE = "female"
MALE = "male"


@cache
def morph() -> Any:
    # local import: pymorphy3 loads its dictionaries only when a Russian form is asked for
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@cache
def _first_names() -> dict[str, str]:
    names = lexicon("en").section("first_names")
    genders: dict[str, str] = {}
    for gender in (MALE, FEMALE):
        for name in names.get(gender, []):
            genders[fold_name(name)] = gender
    return genders


@cache
def _first_name_stems() -> dict[str, str]:
    return {strip_name_ending(folded): gender for folded, gender in _first_names().items()}


@lru_cache(maxsize=65536)
def is_inflected_first_name(word: str, language: str | None) -> bool:
    """ "Антона", "Льва", "Olega": a case form of a first name, not its nominative."""
    if language == "ru":
        names = [parse for parse in morph().parse(word) if "Name" in parse.tag]
        return bool(names) and all(parse.tag.case != "nomn" for parse in names)
    folded = fold_name(word)
    if folded in _first_names():
        return False
    return strip_name_ending(folded) in _first_names()


def is_listed_first_name(word: str) -> bool:
    """A first name of the lexicon exactly as listed, in no other case form."""
    return fold_name(word) in _first_names()


@lru_cache(maxsize=65536)
def is_first_name(word: str) -> bool:
    folded = fold_name(word)
    if folded in _first_names():
        return True
    stem = strip_name_ending(folded)
    return stem in _first_name_stems() or stem in _first_names()


def name_gender(name: str, language: str | None) -> str | None:
    """The gender a name implies: its first name, else its surname's ending."""
    tokens = name.split()
    if not tokens:
        return None
    if language == "ru":
        gender = _russian_gender(tokens[0])
        if gender:
            return gender
    folded = fold_name(tokens[0])
    gender = _first_names().get(folded) or _first_name_stems().get(strip_name_ending(folded))
    if gender and len(tokens) > 1:
        return gender
    return surname_gender(tokens[-1]) or gender


@lru_cache(maxsize=65536)
def surname_gender(word: str) -> str | None:
    endings = lexicon("en").section("surnames")
    lowered = word.lower()
    for gender, key in ((FEMALE, "female_endings"), (MALE, "male_endings")):
        if any(lowered.endswith(ending) for ending in endings.get(key, [])):
            return gender
    return None


@lru_cache(maxsize=65536)
def has_surname_ending(word: str) -> bool:
    endings = lexicon("en").section("surnames").get("other_endings", [])
    lowered = word.lower()
    return any(lowered.endswith(ending) for ending in endings)


RUSSIAN_MALE_SURNAME_ENDINGS = (
    "ского",
    "цкого",
    "скому",
    "цкому",
    "ский",
    "цкий",
    "овым",
    "евым",
    "иным",
)
RUSSIAN_FEMALE_SURNAME_ENDINGS = ("ская", "цкая", "скую", "цкую", "овой", "евой", "иной")


@lru_cache(maxsize=4096)
def russian_surname_gender(word: str) -> str | None:
    """The gender of a Russian surname standing alone when every reading agrees: pymorphy3's
    surname readings, else an ending only one gender has ("Зарецкого" male, "Котовой"
    female); "Орлова" (his genitive, her nominative) has none."""
    genders = {parse.tag.gender for parse in morph().parse(word) if "Surn" in parse.tag}
    if len(genders) == 1 and genders <= {"masc", "femn"}:
        return MALE if genders == {"masc"} else FEMALE
    if genders:
        return None
    lowered = word.lower()
    if lowered.endswith(RUSSIAN_MALE_SURNAME_ENDINGS):
        return MALE
    if lowered.endswith(RUSSIAN_FEMALE_SURNAME_ENDINGS):
        return FEMALE
    return None


@lru_cache(maxsize=4096)
def _russian_gender(word: str) -> str | None:
    for parse in morph().parse(word):
        if "Name" in parse.tag and parse.tag.gender in ("masc", "femn"):
            return MALE if parse.tag.gender == "masc" else FEMALE
    return None


def nominative(name: str, language: str | None, gender: str | None) -> str:
    """The name in the nominative case, as the contract reports it."""
    if language == "ru":
        return " ".join(_russian_nominative(token, gender) for token in name.split())
    if language == "sr":
        return " ".join(_serbian_nominative(token, gender) for token in name.split())
    return name


@lru_cache(maxsize=4096)
def _russian_nominative(word: str, gender: str | None) -> str:
    """One person's name is singular: "Пастухов" is a surname, not "of the shepherds"."""
    if not any("а" <= letter.lower() <= "я" for letter in word):
        return word
    wanted = {"femn": FEMALE, "masc": MALE}
    candidates = [
        parse
        for parse in morph().parse(word)
        if parse.tag.POS == "NOUN"
        and parse.tag.number != "plur"
        and ("Name" in parse.tag or "Surn" in parse.tag or "anim" in parse.tag)
    ]
    if gender:
        candidates.sort(key=lambda parse: wanted.get(str(parse.tag.gender)) != gender)
    for parse in candidates:
        inflected = parse.inflect({"nomn", "sing"})
        if inflected is not None:
            return _same_case(word, inflected.word)
    return word


def _serbian_nominative(word: str, gender: str | None) -> str:
    """Serbian case endings replaced by the nominative ones, in the word's own script. A
    first name is checked against the lexicon: "Павла" is "Павел" (the vowel that the
    other cases drop comes back), not "Павл"."""
    if fold_name(word) in _first_names():
        return word
    cyrillic = any("\u0400" <= letter <= "\u04ff" for letter in word)
    for ending, replacement in _serbian_endings(gender or "unknown", cyrillic):
        if word.lower().endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: len(word) - len(ending)]
            return _known_first_name(stem + replacement, cyrillic)
    return word


def _known_first_name(word: str, cyrillic: bool) -> str:
    """`word`, or the same word with a dropped vowel ("Павл" -> "Павел", "Petr" -> "Petar")
    restored when only that is a first name. A Serbian nominative never ends in a consonant
    and "r" ("Petru" is "Petar", "Александру" "Александар"), so there the restored form
    wins even over the Russian spelling of the name."""
    if len(word) < 3:
        return word
    if word[-1].lower() in "rр" and word[-2].lower() not in "aeiouаеиоу":
        restored = word[:-1] + ("а" if cyrillic else "a") + word[-1]
        if fold_name(restored) in _first_names():
            return restored
    if fold_name(word) in _first_names():
        return word
    for vowel in "ea" if not cyrillic else "еа":
        restored = word[:-1] + vowel + word[-1]
        if fold_name(restored) in _first_names():
            return restored
    return word


@cache
def _serbian_endings(gender: str, cyrillic: bool) -> tuple[tuple[str, str], ...]:
    rules = lexicon("sr").section("name_endings").get(gender, [])
    spell = latin_to_serbian_cyrillic if cyrillic else str
    return tuple((spell(ending), spell(replacement)) for ending, replacement in rules)


def _same_case(original: str, inflected: str) -> str:
    if original.isupper():
        return inflected.upper()
    return inflected[:1].upper() + inflected[1:] if original[:1].isupper() else inflected
