"""The extractor's output honours the contract: the seed report, the schema, the evidence."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from havenwatch.monitor.extract import extract_document, extract_text
from havenwatch.monitor.news import NewsItem
from havenwatch.monitor.reader import read_news

REPO = Path(__file__).parents[2]
SHARED = REPO / ".." / "shared"
SCHEMA_PATH = SHARED / "spec" / "extraction.schema.json"
PACKAGE_SCHEMA = REPO / "src" / "havenwatch" / "monitor" / "extraction.schema.json"
SEED = SHARED / "examples" / "seed-report.txt"
CORPUS = Path(__file__).parent / "corpus"
needs_shared = pytest.mark.skipif(not SCHEMA_PATH.exists(), reason="../shared is not checked out")

SAMPLE_TEXTS = [
    "Ivan Sorokin, 34, was refused entry at Belgrade airport on Tuesday.",
    "Полиция задержала активистку Анну Белову в Белграде. Ей дали 15 дней, чтобы покинуть Сербию.",
    "Ruskinja Marija Petrova je proterana iz Srbije. Ona je uložila žalbu Upravnom sudu.",
    "Руски активиста Павел Иванов је ухапшен у уторак у Београду.",
    "The weather in Belgrade was sunny all week.",
]


def schema() -> dict[str, Any]:
    path = SCHEMA_PATH if SCHEMA_PATH.exists() else PACKAGE_SCHEMA
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def corpus_documents() -> list[NewsItem]:
    paths = sorted(str(p) for p in CORPUS.glob("*") if not p.name.endswith(".gold.json"))
    return [item for item in read_news(paths) if isinstance(item, NewsItem)]


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@needs_shared
def test_seed_report_matches_gold_exactly() -> None:
    gold = json.loads(SEED.with_suffix(".gold.json").read_text(encoding="utf-8"))
    result = extract_text(
        SEED.read_text(encoding="utf-8"), document="seed-report.txt"
    ).to_contract()

    def summary(event: dict[str, Any]) -> tuple[Any, ...]:
        subject = event["subject"]
        return (event["type"], event["country"], event["grounds"], tuple(subject.values()))

    assert result["language"] == "en"
    assert result["relevant"] is True
    assert sorted(map(summary, result["events"])) == sorted(map(summary, gold["events"]))
    [aggregate] = result["aggregates"]
    [expected] = gold["aggregates"]
    assert (aggregate["count"], aggregate["qualifier"]) == (
        expected["count"],
        expected["qualifier"],
    )
    assert set(expected["types"]) <= set(aggregate["types"])
    assert (aggregate["nationality"], aggregate["country"]) == ("RU", "RS")


@needs_shared
def test_package_schema_is_the_shared_contract() -> None:
    assert json.loads(PACKAGE_SCHEMA.read_text("utf-8")) == schema()


@pytest.mark.parametrize("text", SAMPLE_TEXTS)
def test_output_validates_against_the_schema(text: str) -> None:
    jsonschema.validate(extract_text(text, document="sample").to_contract(), schema())


def test_every_corpus_output_validates_and_quotes_its_document() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    for document in corpus_documents():
        result = extract_document(document).to_contract()
        validator.validate(result)
        text = normalise_space(document.text)
        for item in result["events"] + result["aggregates"]:
            assert normalise_space(item["evidence"]) in text, document.id


def test_relevant_exactly_when_something_was_found() -> None:
    for text in SAMPLE_TEXTS:
        result = extract_text(text, document="sample").to_contract()
        assert result["relevant"] == bool(result["events"] or result["aggregates"])


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The activist was detained by the police in Belgrade.", "en"),
        ("Активиста задержали в аэропорту и не пустили в страну.", "ru"),
        ("Активиста је задржана на аеродрому и није јој дозвољен улазак.", "sr"),
        ("Aktivistkinja je zadržana na aerodromu i nije joj dozvoljen ulazak.", "sr"),
        ("Aktivistica je zadržana u zračnoj luci i nije joj dopušten ulazak.", "sr"),
    ],
)
def test_language_is_detected_by_script_and_stop_words(text: str, language: str) -> None:
    assert extract_text(text, document="x").language == language
