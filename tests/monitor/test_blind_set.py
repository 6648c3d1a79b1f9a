"""Consistency of the blind evaluation set in `tests/monitor/blind/`.

The blind set was written independently of the extractor, its lexicons and the other
evaluation sets, to check that extractor tuning generalises. These tests do not run the
extractor; they only check that the gold data keeps the extraction contract: schema-valid,
evidence copied from the text, relevance consistent with the annotations, a parseable
publication line and one gold file per report.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

BLIND_DIR = Path(__file__).resolve().parent / "blind"
SCHEMA_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "extraction.schema.json"
)
GOLD_SUFFIX = ".gold.json"
PUBLISHED = re.compile(r"\APublished: (\d{4}-\d{2}-\d{2})\n")
EXPECTED_PER_PREFIX = {"en-": 12, "ru-": 12, "sr-latn-": 6, "sr-cyrl-": 6}
LANGUAGE_PER_PREFIX = {"en-": "en", "ru-": "ru", "sr-latn-": "sr", "sr-cyrl-": "sr"}
CYRILLIC = re.compile(r"[\u0400-\u04ff]")

REPORTS = sorted(BLIND_DIR.glob("*.txt"))
GOLD_FILES = sorted(BLIND_DIR.glob(f"*{GOLD_SUFFIX}"))


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
    assert 120 <= words <= 700, f"{report.name}: {words} words"


@pytest.mark.parametrize("report", REPORTS, ids=lambda path: path.name)
def test_report_is_written_in_the_script_its_name_announces(report: Path) -> None:
    body = report.read_text(encoding="utf-8").split("\n", 1)[1]
    prefix = _prefix(report.name)
    if prefix in ("ru-", "sr-cyrl-"):
        assert CYRILLIC.search(body), f"{report.name}: expected Cyrillic text"
    else:
        assert not CYRILLIC.search(body), f"{report.name}: unexpected Cyrillic text"


@pytest.mark.parametrize("report", REPORTS, ids=lambda path: path.name)
def test_gold_validates_against_the_contract_schema(
    report: Path, validator: Draft202012Validator
) -> None:
    gold = _load_gold(_gold_for(report))
    errors = [error.message for error in validator.iter_errors(gold)]
    assert not errors, f"{report.name}: {errors}"
    assert gold["document"] == report.name
    assert gold["language"] == LANGUAGE_PER_PREFIX[_prefix(report.name)]


@pytest.mark.parametrize("report", REPORTS, ids=lambda path: path.name)
def test_every_evidence_is_copied_from_the_report(report: Path) -> None:
    text = _normalise(report.read_text(encoding="utf-8"))
    gold = _load_gold(_gold_for(report))
    for item in [*gold["events"], *gold["aggregates"]]:
        evidence = _normalise(item["evidence"])
        assert evidence, f"{report.name}: empty evidence"
        assert evidence in text, f"{report.name}: evidence not in text: {evidence[:80]!r}"


@pytest.mark.parametrize("report", REPORTS, ids=lambda path: path.name)
def test_relevance_matches_the_annotations(report: Path) -> None:
    gold = _load_gold(_gold_for(report))
    assert gold["relevant"] == bool(gold["events"] or gold["aggregates"])


def test_set_mixes_relevant_and_irrelevant_reports() -> None:
    relevance = [_load_gold(path)["relevant"] for path in GOLD_FILES]
    assert relevance.count(False) >= 6
    assert relevance.count(True) >= 24
