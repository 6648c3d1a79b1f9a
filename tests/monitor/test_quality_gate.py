"""The quality gate: extraction over the labelled sets may not fall below pinned floors.

Six sets are scored: `corpus` (the development set, with the seed report in
shared/examples), `heldout` (reports by an independent author, kept to show that the
extractor generalises beyond the corpus wording), `devset` (a third author's reports in
other genres: wire briefs, digests, interviews, court reporting, Telegram posts),
`devset2` (reports aimed at the extractor's known weak spots), `devset3` (genres the others
lack: channel posts, tables, case summaries with case numbers, op-eds, look-alike news) and
`devset4` (the boundaries between removal, order, departure and entry ban, asylum
application and decision, appeals and rulings; relative dates, indirectly named authorities). The floors and a digest of each set live in
`quality_floors.json`. A change to a set must update its digest, and lowering a floor is an
explicit, reviewed change to that file.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from havenwatch.commands.evaluate import extract_documents, load_gold_directory
from havenwatch.monitor.evaluate import Report, evaluate, floor_failures
from havenwatch.monitor.extract.training import TRAINING_SETS

MONITOR_TESTS = Path(__file__).resolve().parent
FLOORS_PATH = MONITOR_TESTS / "quality_floors.json"
SEED_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
SET_PATTERNS = ("*.txt", "*.gold.json")
EXTRACTOR = "havenwatch.monitor.extract"
SETS = TRAINING_SETS
REQUIRED_FLOORS = {
    "events.f1",
    "events_by_language.en.f1",
    "events_by_language.ru.f1",
    "events_by_language.sr.f1",
    "aggregates.f1",
    "relevance.accuracy",
}


def set_digest(directory: Path) -> str:
    """SHA-256 over the reports and gold files, by name, so any change to them shows."""
    digest = hashlib.sha256()
    paths = sorted({path for pattern in SET_PATTERNS for path in directory.glob(pattern)})
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def pinned(name: str) -> dict[str, Any]:
    sets: dict[str, Any] = json.loads(FLOORS_PATH.read_text(encoding="utf-8"))["sets"]
    value: dict[str, Any] = sets[name]
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


@pytest.mark.parametrize("name", SETS)
def test_labelled_set_digest_is_pinned(name: str) -> None:
    assert set_digest(MONITOR_TESTS / name) == pinned(name)["sha256"], (
        f"the labelled set tests/monitor/{name} changed: review the change, re-run "
        f"`havenwatch eval tests/monitor/{name} tests/monitor/{name}` and update its sha256 "
        "(and the floors if the scores moved) in tests/monitor/quality_floors.json"
    )


@pytest.mark.parametrize("name", SETS)
def test_floors_cover_every_language_aggregates_and_relevance(name: str) -> None:
    assert set(pinned(name)["floors"]) >= REQUIRED_FLOORS


def extraction_report(name: str) -> Report:
    directory = MONITOR_TESTS / name
    gold = load_gold_directory(directory)
    produced, errors = extract_documents(gold, directory)
    if name == "corpus" and SEED_DIR.is_dir():
        seed_gold = load_gold_directory(SEED_DIR)
        seed_produced, seed_errors = extract_documents(seed_gold, SEED_DIR)
        gold, produced, errors = gold + seed_gold, produced + seed_produced, errors + seed_errors
    assert errors == []
    return evaluate(gold, produced)


@pytest.mark.skipif(not extractor_available(), reason=f"{EXTRACTOR} cannot be imported yet")
@pytest.mark.parametrize("name", SETS)
def test_extraction_stays_above_the_pinned_floors(name: str) -> None:
    failures = floor_failures(extraction_report(name), pinned(name)["floors"])
    assert failures == [], f"extraction quality on {name} fell below its floors:\n" + "\n".join(
        failures
    )


@pytest.mark.skipif(not extractor_available(), reason=f"{EXTRACTOR} cannot be imported yet")
@pytest.mark.parametrize("name", ["heldout", "devset2", "devset3", "devset4"])
def test_no_events_on_irrelevant_reports(name: str) -> None:
    assert extraction_report(name).to_dict()["false_events_on_irrelevant"] == 0
