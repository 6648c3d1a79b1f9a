"""Synthetic news reports for tests and benchmarks: reproducible, syndicated, misspelled.

`generate_reports(count, seed)` yields report records (the JSON-lines shape `havenwatch
ingest` reads) about invented people: each story states one unambiguous incident, padded
with varied sentences so unrelated stories do not look alike. About a third of the stories
are republished by other outlets with small edits (a byline, a changed word, a dropped
sentence, the name transliterated differently), as wire copy is; a tenth are in Russian.
No real person is named.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

FIRST_NAMES = (
    ("Олег", "Oleg"), ("Анна", "Anna"), ("Дмитрий", "Dmitry"), ("Елена", "Elena"),
    ("Павел", "Pavel"), ("Ирина", "Irina"), ("Сергей", "Sergey"), ("Мария", "Maria"),
    ("Алексей", "Aleksey"), ("Ольга", "Olga"), ("Никита", "Nikita"), ("Татьяна", "Tatyana"),
)  # fmt: skip
SURNAMES = (
    ("Волохонский", ("Volokhonsky", "Volokhonski", "Volochonski")),
    ("Жаворонков", ("Zhavoronkov", "Zavoronkov", "Shavoronkov")),
    ("Чернышёв", ("Chernyshev", "Chernyshov", "Tschernyschow")),
    ("Щукин", ("Shchukin", "Schukin", "Ščukin")),
    ("Хабаров", ("Khabarov", "Habarov", "Chabarow")),
    ("Юдин", ("Yudin", "Judin", "Iudin")),
    ("Ёлкин", ("Yolkin", "Jolkin", "Elkin")),
    ("Цветков", ("Tsvetkov", "Cvetkov", "Zwetkow")),
    ("Рыжов", ("Ryzhov", "Ryzov", "Ryschow")),
    ("Беляев", ("Belyaev", "Beljaev", "Belyayev")),
    ("Соколов", ("Sokolov", "Sokolow", "Sokolof")),
    ("Морозов", ("Morozov", "Morozow", "Morosov")),
)  # fmt: skip
EVENTS_EN = (
    "{name}, a Russian activist, was refused entry at Belgrade airport on {day}.",
    "{name}, a Russian anti-war activist, was ordered to leave Serbia within 30 days on {day}.",
    "On {day}, Serbian police revoked the residence permit of {name}, a Russian activist.",
    "{name}, a Russian journalist, was detained by police in Belgrade on {day}.",
)
EVENT_RU = "{name}, {who}, не {was} в Сербию в аэропорту Белграда {day}."
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря")  # fmt: skip
CITIES = ("Novi Sad", "Belgrade", "Niš", "Subotica", "Kragujevac", "Zrenjanin", "Pančevo")
PADDING = (
    "{pronoun} had lived in {city} since {year} and worked as a {job}.",
    "Friends said {pronoun_lower} organised {count} anti-war events in {city}.",
    "{pronoun} left Russia in {year} after the mobilisation was announced.",
    "A petition in {possessive_lower} support collected {count} signatures in {days} days.",
    "{pronoun_possessive} lawyer said the decision gave no reasons beyond a reference to a report.",
    "The ministry did not answer questions sent by {outlet} on {weekday}.",
    "Rights groups in {city} have counted similar cases since {year}.",
    "{pronoun} had planned to open a {job} studio in {city} with {count} colleagues.",
    "Local media first reported the case on {weekday}, citing {possessive_lower} partner.",
    "{pronoun} said {pronoun_lower} had never been told what the security concerns were.",
    "The decision can be challenged before the administrative court within {days} days.",
    "Supporters gathered outside the {city} police station on {weekday} evening.",
)
JOBS = ("photographer", "programmer", "teacher", "designer", "translator", "musician", "editor")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
OUTLETS = ("Balkan Wire", "Danube Daily", "Vojvodina Voice", "Exile Review", "Sava Post",
           "Morava Times", "Open Serbia", "Novaya Europa", "Free Press Belgrade")  # fmt: skip
EDITS = (("refused entry", "denied entry"), ("activist", "campaigner"), ("said", "stated"),
         ("organised", "held"), ("worked as", "was employed as"))  # fmt: skip
RUSSIAN_SHARE = 0.1
SYNDICATED_SHARE = 0.33


def generate_reports(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """`count` report records, stories and their republished copies, in publication order."""
    rng = random.Random(seed)
    produced = 0
    story = 0
    while produced < count:
        story += 1
        for record in _story(rng, story):
            if produced == count:
                return
            produced += 1
            yield record


def _story(rng: random.Random, number: int) -> list[dict[str, Any]]:
    first_ru, first_en = rng.choice(FIRST_NAMES)
    surname_ru, surname_latin = rng.choice(SURNAMES)
    female = first_en.endswith("a")
    happened = date(2022, 3, 1) + timedelta(days=rng.randrange(1000))
    published = happened + timedelta(days=rng.randrange(3))
    outlet = rng.choice(OUTLETS)
    if rng.random() < RUSSIAN_SHARE:
        surname = surname_ru + ("а" if female and surname_ru.endswith("в") else "")
        day = f"{happened.day} {MONTHS_RU[happened.month - 1]} {happened.year} года"
        who, was = (
            ("российская активистка", "была допущена")
            if female
            else ("российский активист", "был допущен")
        )
        text = EVENT_RU.format(name=f"{first_ru} {surname}", who=who, was=was, day=day)
        return [_record(number, 0, outlet, published, text, "ru")]
    surname = surname_latin[0] + ("a" if female and surname_latin[0].endswith(("v", "w")) else "")
    day = f"{happened.day} {MONTHS_EN[happened.month - 1]} {happened.year}"
    event = rng.choice(EVENTS_EN).format(name=f"{first_en} {surname}", day=day)
    sentences = [event, *_padding(rng, female, outlet)]
    copies = [_record(number, 0, outlet, published, " ".join(sentences), "en")]
    if rng.random() < SYNDICATED_SHARE:
        for copy in range(1, rng.randint(2, 3) + 1):
            other = rng.choice([name for name in OUTLETS if name != outlet])
            edited = _edited(rng, sentences, surname, surname_latin, other)
            later = published + timedelta(days=rng.randrange(2))
            copies.append(_record(number, copy, other, later, edited, "en"))
    return copies


def _padding(rng: random.Random, female: bool, outlet: str) -> list[str]:
    pronoun, possessive = ("She", "Her") if female else ("He", "His")
    values = {
        "pronoun": pronoun,
        "pronoun_lower": pronoun.lower(),
        "pronoun_possessive": possessive,
        "possessive_lower": possessive.lower(),
        "city": rng.choice(CITIES),
        "year": rng.randint(2015, 2023),
        "job": rng.choice(JOBS),
        "count": rng.randint(2, 5000),
        "days": rng.choice((8, 15, 30)),
        "outlet": outlet,
        "weekday": rng.choice(WEEKDAYS),
    }
    chosen = rng.sample(PADDING, rng.randint(4, 7))
    return [sentence.format(**values) for sentence in chosen]


def _edited(
    rng: random.Random, sentences: list[str], surname: str, spellings: tuple[str, ...], outlet: str
) -> str:
    """A republished copy: one word changed, maybe a sentence dropped, a byline, a new spelling."""
    edited = list(sentences)
    if len(edited) > 4 and rng.random() < 0.5:
        del edited[rng.randrange(1, len(edited))]
    text = " ".join(edited)
    old, new = rng.choice(EDITS)
    text = text.replace(old, new, 1)
    variant = rng.choice(spellings)
    text = text.replace(surname, variant + surname[len(spellings[0]) :])
    return f"{text} Reporting by {outlet}."


def _record(
    story: int, copy: int, outlet: str, published: date, text: str, language: str
) -> dict[str, Any]:
    slug = outlet.lower().replace(" ", "-")
    return {
        "id": f"story-{story}-{copy}",
        "title": f"Story {story}",
        "url": f"https://{slug}.example/news/{story}",
        "outlet": outlet,
        "published": published.isoformat(),
        "language": language,
        "text": text,
    }


def write_json_lines(records: Iterable[dict[str, Any]], directory: Path, per_file: int) -> int:
    """Write records as JSON-lines files of `per_file` lines; returns the number written."""
    directory.mkdir(parents=True, exist_ok=True)
    stream = iter(records)
    written = 0
    while chunk := list(islice(stream, per_file)):
        path = directory / f"reports-{written // per_file:05d}.jsonl"
        lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in chunk)
        path.write_text("".join(lines), encoding="utf-8")
        written += len(chunk)
    return written


def write_text_files(records: Iterable[dict[str, Any]], directory: Path) -> int:
    """Write each record as a text file with a `Published:` line; returns the number written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = 0
    for record in records:
        path = directory / f"{record['id']}.txt"
        path.write_text(f"Published: {record['published']}\n{record['text']}\n", encoding="utf-8")
        written += 1
    return written
