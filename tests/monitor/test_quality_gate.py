"""The quality gate: extraction over the labelled corpus may not fall below pinned floors.

The floors and a digest of the corpus live in `quality_floors.json`. A change to the corpus
must update the digest, and lowering a floor is an explicit, reviewed change to that file.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from havenwatch.commands.evaluate import extract_documents, load_gold_directory
from havenwatch.monitor.evaluate import evaluate, floor_failures

MONITOR_TESTS = Path(__file__).resolve().parent
CORPUS_DIR = MONITOR_TESTS / "corpus"
FLOORS_PATH = MONITOR_TESTS / "quality_floors.json"
SEED_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
CORPUS_PATTERNS = ("*.txt", "*.gold.json")
EXTRACTOR = "havenwatch.monitor.extract"


def corpus_digest(directory: Path) -> str:
    """SHA-256 over the reports and gold files, by name, so any change to them shows."""
    digest = hashlib.sha256()
    paths = sorted({path for pattern in CORPUS_PATTERNS for path in directory.glob(pattern)})
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def pinned() -> dict[str, Any]:
    value: dict[str, Any] = json.loads(FLOORS_PATH.read_text(encoding="utf-8"))
    return value


def extractor_available() -> bool:
    """False only while the extractor package does not exist; any other failure surfaces."""
    try:
        importlib.import_module(EXTRACTOR)
    except ModuleNotFoundError as error:
        if error.name != EXTRACTOR:
            raise
        return False
    return True


def test_corpus_digest_is_pinned() -> None:
    assert corpus_digest(CORPUS_DIR) == pinned()["corpus_sha256"], (
        "the labelled corpus changed: review the change, re-run `havenwatch eval "
        "tests/monitor/corpus tests/monitor/corpus` and update corpus_sha256 (and the floors "
        "if the scores moved) in tests/monitor/quality_floors.json"
    )


def test_floors_cover_every_language_aggregates_and_relevance() -> None:
    assert set(pinned()["floors"]) >= {
        "events.f1",
        "events_by_language.en.f1",
        "events_by_language.ru.f1",
        "events_by_language.sr.f1",
        "aggregates.f1",
        "relevance.accuracy",
    }


@pytest.mark.skipif(not extractor_available(), reason=f"{EXTRACTOR} cannot be imported yet")
def test_extraction_stays_above_the_pinned_floors() -> None:
    gold = load_gold_directory(CORPUS_DIR)
    produced, errors = extract_documents(gold, CORPUS_DIR)
    if SEED_DIR.is_dir():
        seed_gold = load_gold_directory(SEED_DIR)
        seed_produced, seed_errors = extract_documents(seed_gold, SEED_DIR)
        gold, produced, errors = gold + seed_gold, produced + seed_produced, errors + seed_errors
    assert errors == []
    report = evaluate(gold, produced)
    failures = floor_failures(report, pinned()["floors"])
    assert failures == [], "extraction quality fell below its floors:\n" + "\n".join(failures)
