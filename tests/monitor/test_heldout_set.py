"""Consistency of the held-out evaluation set in `tests/monitor/heldout/`.

The set is scored by `havenwatch eval`; these tests only check that the gold data itself
keeps the extraction contract: schema-valid, evidence copied from the text, relevance
consistent with the annotations, a parseable publication line and one gold file per report.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

HELDOUT_DIR = Path(__file__).resolve().parent / "heldout"
SCHEMA_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "extraction.schema.json"
)
GOLD_SUFFIX = ".gold.json"
PUBLISHED = re.compile(r"\APublished: (\d{4}-\d{2}-\d{2})\n")
EXPECTED_PER_PREFIX = {"en-": 12, "ru-": 12, "sr-latn-": 8, "sr-cyrl-": 8}
LANGUAGE_PER_PREFIX = {"en-": "en", "ru-": "ru", "sr-latn-": "sr", "sr-cyrl-": "sr"}

REPORTS = sorted(HELDOUT_DIR.glob("*.txt"))
GOLD_FILES = sorted(HELDOUT_DIR.glob(f"*{GOLD_SUFFIX}"))


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _gold_for(report: Path) -> Path:
    return report.with_name(report.name.removesuffix(".txt") + GOLD_SUFFIX)


def _load_gold(path: Path) -> dict[str, Any]:
    value = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def _prefix(name: str) -> str:
    for prefix in sorted(EXPECTED_PER_PREFIX, key=len, reverse=True):
        if name.startswith(prefix):
            return prefix
    raise AssertionError(f"{name}: unexpected file-name prefix")


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_set_has_the_planned_size_per_language_and_script() -> None:
    counts = dict.fromkeys(EXPECTED_PER_PREFIX, 0)
    for report in REPORTS:
        counts[_prefix(report.name)] += 1
    assert counts == EXPECTED_PER_PREFIX


def test_every_report_has_a_gold_file_and_every_gold_file_a_report() -> None:
    assert REPORTS
    assert [_gold_for(report) for report in REPORTS] == GOLD_FILES


@pytest.mark.parametrize("report", REPORTS, ids=lambda path: path.name)
def test_report_starts_with_a_parseable_published_line(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    match = PUBLISHED.match(text)
    assert match, f"{report.name}: first line must be 'Published: YYYY-MM-DD'"
    date.fromisoformat(match.group(1))
    words = len(text.split("\n", 1)[1].split())
    assert 150 <= words <= 600, f"{report.name}: {words} words"


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda path: path.name)
def test_gold_file_keeps_the_contract(gold_path: Path, validator: Draft202012Validator) -> None:
    gold = _load_gold(gold_path)
    errors = [error.message for error in validator.iter_errors(gold)]
    assert not errors, errors

    report_name = gold_path.name.removesuffix(GOLD_SUFFIX) + ".txt"
    assert gold["document"] == report_name
    assert gold["language"] == LANGUAGE_PER_PREFIX[_prefix(report_name)]
    assert gold["relevant"] == bool(gold["events"] or gold["aggregates"])

    text = _normalise((HELDOUT_DIR / report_name).read_text(encoding="utf-8"))
    for item in [*gold["events"], *gold["aggregates"]]:
        evidence = _normalise(item["evidence"])
        assert evidence, item
        assert evidence in text, f"{report_name}: evidence not in text: {evidence!r}"


def test_set_contains_irrelevant_near_misses() -> None:
    irrelevant = [path for path in GOLD_FILES if not _load_gold(path)["relevant"]]
    assert len(irrelevant) >= 8
