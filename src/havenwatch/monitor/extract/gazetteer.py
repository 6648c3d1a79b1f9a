"""The world's states and their main cities as place patterns, drawn from Unicode CLDR.

The hand-written place lexicons (`places.countries`, `places.cities`) know the states that
exiles from Russia, Belarus and Ukraine pass through most, with their case forms written
out. Reports also tell of removals from Thailand, entry bans in Cyprus and detentions in
Dubai: a state the extractor cannot name is a measure it gives to another state, or loses.
This module writes `lexicons/<language>/gazetteer.json` from the territory names and the
time-zone exemplar cities that Babel ships (CLDR), in English, Russian and Serbian (both
scripts), with the case endings Russian and Serbian nouns and adjectives take.

What the hand-written lexicons already match is left out (they know the forms better),
and so are names that are also ordinary words or given names (`gazetteer_exclusions.json`).
`make gazetteer` rewrites the files; a test checks the shipped files are what it writes.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from babel import Locale
from babel.core import get_global

from havenwatch.monitor.extract.lexicon import LANGUAGES, Lexicon, lexicon

LEXICON_ROOT = Path(__file__).resolve().parents[1] / "lexicons"
EXCLUSIONS = Path(__file__).with_name("gazetteer_exclusions.json")
FILE_NAME = "gazetteer.json"
LOCALES = {"en": ("en",), "ru": ("ru",), "sr": ("sr_Latn", "sr")}
NOT_STATES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})
# Countries spread over many time zones have exemplar cities that are villages or share
# names with better-known places elsewhere ("Petersburg", Indiana); their cities are left
# to the hand-written lexicons.
MAX_ZONES = 4
VOWELS = frozenset("aeiouаеёиоуыэюя")


def write_gazetteers(root: Path = LEXICON_ROOT) -> list[Path]:
    """Write every language's gazetteer file; the paths written."""
    written = []
    for language in LANGUAGES:
        path = root / language / FILE_NAME
        path.write_text(gazetteer_json(language), encoding="utf-8")
        written.append(path)
    return written


def gazetteer_json(language: str) -> str:
    """The gazetteer file's text for `language` (sorted, so equal data is equal text)."""
    return json.dumps(gazetteer(language), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def gazetteer(language: str) -> dict[str, dict[str, list[str]]]:
    """Country and city patterns per ISO code that the hand-written lexicon lacks."""
    known = lexicon(language)
    excluded = _exclusions(known)
    territories = _territory_names(language)
    countries: dict[str, list[str]] = {}
    hand_countries = set(known.section("places.countries") or {})
    for code, names in territories.items():
        if code in hand_countries:
            continue
        countries[code] = _patterns(names, language, known, excluded)
    cities = {
        code: _patterns(names, language, known, excluded)
        for code, names in _exemplar_cities(language).items()
    }
    hand_adjectives = set(known.section("nationalities") or {})
    adjectives = {
        code: _adjectives(names, language, known)
        for code, names in territories.items()
        if code not in hand_adjectives
    }
    return {
        "countries": {code: found for code, found in sorted(countries.items()) if found},
        "cities": {code: found for code, found in sorted(cities.items()) if found},
        "adjectives": {code: found for code, found in sorted(adjectives.items()) if found},
    }


def _adjectives(names: Iterable[str], language: str, known: Lexicon) -> list[str]:
    """The state's adjective where Russian and Serbian derive it regularly from a one-word
    name ("Кипр" -> "кипрские власти", "Tajland" -> "tajlandska policija"); it names the
    state only before a word for its authorities (`places.state_nouns`). An irregular
    adjective ("польский") is simply never met; English adjectives are not derived."""
    if language not in ADJECTIVE_RULES:
        return []
    suffix, endings, rules = ADJECTIVE_RULES[language]
    found: set[str] = set()
    for name in names:
        normal = known.normalize(_plain(name))
        if " " in normal or "-" in normal or len(normal) < MIN_ADJECTIVE_STEM:
            continue
        rule = next(((end, adds) for end, adds in rules if normal.endswith(end)), None)
        stems = [normal[: -len(rule[0])] + add for add in rule[1]] if rule else []
        if rule is None and normal[-1] not in VOWELS:
            stems = [normal]
        found.update(f"{stem}{suffix}({endings})" for stem in stems)
    return sorted(found)


def _territory_names(language: str) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for locale in LOCALES[language]:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and code not in NOT_STATES:
                names.setdefault(code, set()).add(name)
    return names


def _exemplar_cities(language: str) -> dict[str, set[str]]:
    zones: dict[str, list[str]] = {}
    for zone, code in get_global("zone_territories").items():
        if code not in NOT_STATES:
            zones.setdefault(code, []).append(zone)
    cities: dict[str, set[str]] = {}
    for code, members in zones.items():
        if len(members) > MAX_ZONES:
            continue
        for zone in members:
            for locale in LOCALES[language]:
                city = _exemplar_city(zone, locale)
                if city and not any(char.isdigit() for char in city):
                    cities.setdefault(code, set()).add(city)
    return cities


def _exemplar_city(zone: str, locale: str) -> str | None:
    """The city CLDR names a time zone after in `locale`; English falls back on the zone's
    own name ("Asia/Ho_Chi_Minh"), other languages have no fallback in their script."""
    city = Locale.parse(locale).time_zones.get(zone, {}).get("city")
    if city is None and locale == "en" and not zone.startswith("Etc/"):
        city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return str(city) if city else None


def _exclusions(known: Lexicon) -> frozenset[str]:
    data: dict[str, Any] = json.loads(EXCLUSIONS.read_text("utf-8"))
    words = [*data.get(known.language, []), *data.get("all", [])]
    given = known.section("first_names") or {}
    words += [name for names in given.values() for name in names]
    return frozenset(known.normalize(word) for word in words)


def _patterns(
    names: Iterable[str], language: str, known: Lexicon, excluded: frozenset[str]
) -> list[str]:
    """Each name in matching form (Serbian Cyrillic read in Latin) with its endings."""
    hand = [known.patterns("places.countries"), known.patterns("places.cities")]
    found = set()
    for name in names:
        plain = _plain(name)
        normal = known.normalize(plain)
        if not plain or normal in excluded:
            continue
        if any(patterns.first(normal) is not None for patterns in hand):
            continue
        found.add(_inflected(normal, language))
    return sorted(found)


def _plain(name: str) -> str:
    """The name as words the pattern language reads: "&" spelled out, no punctuation
    but hyphens inside words."""
    name = name.replace("&", "and").replace("’", "'")
    name = re.sub(r"\([^)]*\)", " ", name)
    name = re.sub(r"[^\w\s'-]", " ", name)
    return " ".join(name.split())


def _inflected(name: str, language: str) -> str:
    words = name.split(" ")
    if language == "en":
        return " ".join(words) + "('s)?"
    inflect = _russian_word if language == "ru" else _serbian_word
    return " ".join(inflect(word) if len(word) > 3 else word for word in words)


def _russian_word(word: str) -> str:
    """A Russian noun or adjective of a place name with its case endings."""
    for ending, forms in RUSSIAN_ENDINGS:
        if word.endswith(ending):
            return f"{word[: -len(ending)]}({forms})"
    if word[-1] in VOWELS:
        return word  # Перу, Того, Сомали: indeclinable
    return f"{word}(а|е|у|ом)?"


def _serbian_word(word: str) -> str:
    """A Serbian noun or adjective of a place name with its case endings; a final "-ar"
    or "-ac" loses its a ("Kipar", "Kipra")."""
    for ending, forms in SERBIAN_ENDINGS:
        if word.endswith(ending):
            return f"{word[: -len(ending)]}({forms})"
    if word[-1] in VOWELS:
        return word
    if len(word) > 4 and word[-2] == "a" and word[-3] not in VOWELS:
        return f"{word[:-2]}a?{word[-1]}(a|u|om|e)?"
    return f"{word}(a|u|om|e)?"


MIN_ADJECTIVE_STEM = 4
ADJECTIVE_RULES = {
    # suffix, endings, and per final letters of the name the stems the adjective may take
    # ("Сирия" -> "сирийский", "Монголия" -> "монгольский", "Япония" -> "японский").
    "ru": (
        "ск",
        "ий|ая|ое|ие|ого|ой|ому|ую|им|ими|их|ом",
        (("ия", ("ий", "ь", "")), ("ь", ("ь",))),
    ),
    "sr": ("sk", "i|a|o|e|og|oj|om|u|ih|im|ima|oga", (("ija", ("ij", "")),)),
}
RUSSIAN_ENDINGS = (
    ("ие", "ие|их|им|ими"),
    ("ые", "ые|ых|ым|ыми"),
    ("ая", "ая|ой|ую"),
    ("ий", "ий|ого|ому|им|ом"),
    ("ый", "ый|ого|ому|ым|ом"),
    ("ия", "ия|ии|ию|ией"),
    ("я", "я|и|е|ю|ей"),
    ("а", "а|ы|и|е|у|ой"),
    ("ы", "ы|ов|ам|ах|ами"),
    ("ь", "ь|и|я|е|ю|ем|ью"),
    ("й", "й|я|е|ю|ем"),
)
SERBIAN_ENDINGS = (
    ("ija", "ija|ije|iji|iju|ijom"),
    ("ska", "ska|ske|skoj|sku|skom"),
    ("a", "a|e|i|u|om|oj"),
    ("i", "i|ih|im|ima|a"),
)


def main() -> None:
    for path in write_gazetteers():
        sys.stdout.write(f"{path}\n")


if __name__ == "__main__":
    main()
