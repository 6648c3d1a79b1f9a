"""The labelled corpus is well-formed: schema-valid gold, evidence found in each report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
SPEC_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "spec"
SCHEMA_PATH = SPEC_DIR / "extraction.schema.json"
PUBLISHED_LINE = re.compile(r"\APublished: (\d{4}-\d{2}-\d{2})\n")
LANGUAGE_BY_PREFIX = {"en-": "en", "ru-": "ru", "sr-latn-": "sr", "sr-cyrl-": "sr"}
GOLD_PATHS = sorted(CORPUS_DIR.glob("*.gold.json"))


def load_gold(path: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return value


def report_text(gold_path: Path) -> str:
    return (CORPUS_DIR / str(load_gold(gold_path)["document"])).read_text(encoding="utf-8")


def normalise_whitespace(text: str) -> str:
    return " ".join(text.split())


def prefix_of(path: Path) -> str:
    return next(prefix for prefix in LANGUAGE_BY_PREFIX if path.name.startswith(prefix))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    if not SCHEMA_PATH.exists():
        pytest.skip(f"the extraction schema is not at {SCHEMA_PATH}")
    value: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return value


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


def test_corpus_has_enough_reports_in_every_language_and_script() -> None:
    counts = {prefix: 0 for prefix in LANGUAGE_BY_PREFIX}
    for path in GOLD_PATHS:
        counts[prefix_of(path)] += 1
    assert counts["en-"] >= 20
    assert counts["ru-"] >= 20
    assert counts["sr-latn-"] >= 10
    assert counts["sr-cyrl-"] >= 10


def test_at_least_a_quarter_of_the_reports_are_irrelevant() -> None:
    irrelevant = [path for path in GOLD_PATHS if not load_gold(path)["relevant"]]
    assert len(irrelevant) * 4 >= len(GOLD_PATHS)


def test_every_event_type_occurs(schema: dict[str, Any]) -> None:
    types = {event["type"] for path in GOLD_PATHS for event in load_gold(path)["events"]}
    assert types == set(schema["$defs"]["eventType"]["enum"])


@pytest.mark.parametrize("gold_path", GOLD_PATHS, ids=lambda path: path.name)
def test_gold_validates_against_the_schema(
    gold_path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    errors = [error.message for error in validator.iter_errors(load_gold(gold_path))]
    assert errors == []


@pytest.mark.parametrize("gold_path", GOLD_PATHS, ids=lambda path: path.name)
def test_gold_names_its_report_and_language(gold_path: Path) -> None:
    gold = load_gold(gold_path)
    assert gold["document"] == gold_path.name.removesuffix(".gold.json") + ".txt"
    assert gold["language"] == LANGUAGE_BY_PREFIX[prefix_of(gold_path)]
    assert gold["relevant"] == bool(gold["events"] or gold["aggregates"])
    assert ("-trap-" in gold_path.name) == (not gold["relevant"])


@pytest.mark.parametrize("gold_path", GOLD_PATHS, ids=lambda path: path.name)
def test_report_starts_with_its_publication_date_and_is_news_sized(gold_path: Path) -> None:
    text = report_text(gold_path)
    match = PUBLISHED_LINE.match(text)
    assert match is not None
    assert 120 <= len(text[match.end() :].split()) <= 500


@pytest.mark.parametrize("gold_path", GOLD_PATHS, ids=lambda path: path.name)
def test_every_evidence_is_quoted_from_the_report(gold_path: Path) -> None:
    text = normalise_whitespace(report_text(gold_path))
    gold = load_gold(gold_path)
    for item in gold["events"] + gold["aggregates"]:
        assert normalise_whitespace(item["evidence"]) in text, item["evidence"]


def test_every_report_has_its_gold() -> None:
    reports = {path.name for path in CORPUS_DIR.glob("*.txt")}
    assert reports == {load_gold(path)["document"] for path in GOLD_PATHS}
