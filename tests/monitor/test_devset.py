"""Consistency checks for the hand-labelled development set in ``devset/``.

The development set is gold data for tuning the extractor; these tests only
check that the gold files are well-formed and consistent with their texts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest

DEVSET = Path(__file__).resolve().parent / "devset"
SCHEMA_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "extraction.schema.json"
)
PUBLISHED = re.compile(r"^Published: (\d{4}-\d{2}-\d{2})$")
NAME = re.compile(r"^(en|ru|sr-latn|sr-cyrl)-\d{2}-[a-z0-9-]+$")
LANGUAGE = {"en": "en", "ru": "ru", "sr-latn": "sr", "sr-cyrl": "sr"}

TEXTS = sorted(DEVSET.glob("*.txt"))


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _gold(txt: Path) -> dict:
    return json.loads(txt.with_name(txt.stem + ".gold.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"contract schema not found at {SCHEMA_PATH}")
    schema = json.loads(SCHEMA_PATH.read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_devset_is_not_empty() -> None:
    assert len(TEXTS) >= 20


def test_every_gold_has_a_text() -> None:
    for gold in DEVSET.glob("*.gold.json"):
        stem = gold.name.removesuffix(".gold.json")
        assert (DEVSET / f"{stem}.txt").is_file(), gold.name


@pytest.mark.parametrize("txt", TEXTS, ids=lambda p: p.stem)
def test_text_has_gold_and_published_line(txt: Path) -> None:
    assert NAME.match(txt.stem), txt.name
    assert txt.with_name(txt.stem + ".gold.json").is_file(), txt.name
    first = txt.read_text("utf-8").splitlines()[0]
    match = PUBLISHED.match(first)
    assert match, f"{txt.name}: first line {first!r}"
    dt.date.fromisoformat(match.group(1))


@pytest.mark.parametrize("txt", TEXTS, ids=lambda p: p.stem)
def test_gold_validates_against_contract(txt: Path, validator) -> None:
    gold = _gold(txt)
    errors = sorted(validator.iter_errors(gold), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert gold["document"] == txt.name
    prefix = txt.stem.split("-")[0]
    if prefix == "sr":
        prefix = "-".join(txt.stem.split("-")[:2])
    assert gold["language"] == LANGUAGE[prefix]


@pytest.mark.parametrize("txt", TEXTS, ids=lambda p: p.stem)
def test_relevant_matches_content(txt: Path) -> None:
    gold = _gold(txt)
    assert gold["relevant"] == bool(gold["events"] or gold["aggregates"])


@pytest.mark.parametrize("txt", TEXTS, ids=lambda p: p.stem)
def test_evidence_is_in_text(txt: Path) -> None:
    text = _normalise(txt.read_text("utf-8"))
    gold = _gold(txt)
    for item in gold["events"] + gold["aggregates"]:
        assert _normalise(item["evidence"]) in text, item["evidence"]


@pytest.mark.parametrize("txt", TEXTS, ids=lambda p: p.stem)
def test_dates_are_not_after_publication(txt: Path) -> None:
    published = PUBLISHED.match(txt.read_text("utf-8").splitlines()[0]).group(1)
    for event in _gold(txt)["events"]:
        if event["date"] is not None:
            assert event["date"] <= published, event
