"""Scoring exactly as the extraction contract's "How results are scored" says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from havenwatch.commands.evaluate import eval_command
from havenwatch.monitor.evaluate import (
    Counts,
    evaluate,
    floor_failures,
    maximum_matching,
    score_document,
)

CORPUS_GOLD = Path(__file__).resolve().parent / "corpus" / "en-02-thirty-days-to-leave.gold.json"


def subject(
    name: str | None = None,
    nationality: str | None = None,
    age: int | None = None,
    gender: str | None = None,
) -> dict[str, Any]:
    return {"name": name, "nationality": nationality, "age": age, "gender": gender}


def event(
    event_type: str, who: dict[str, Any], country: str | None = "RS", **fields: Any
) -> dict[str, Any]:
    return {
        "type": event_type,
        "subject": who,
        "country": country,
        "authority": fields.get("authority"),
        "grounds": fields.get("grounds"),
        "date": fields.get("date"),
        "deadline_days": fields.get("deadline_days"),
        "evidence": fields.get("evidence", "text"),
    }


def aggregate(types: list[str], count: int, qualifier: str = "exact") -> dict[str, Any]:
    return {
        "types": types,
        "count": count,
        "qualifier": qualifier,
        "nationality": None,
        "country": "RS",
        "evidence": "text",
    }


def document(
    name: str,
    events: list[dict[str, Any]] | None = None,
    aggregates: list[dict[str, Any]] | None = None,
    language: str = "en",
    relevant: bool | None = None,
) -> dict[str, Any]:
    events, aggregates = events or [], aggregates or []
    return {
        "document": name,
        "language": language,
        "relevant": bool(events or aggregates) if relevant is None else relevant,
        "events": events,
        "aggregates": aggregates,
    }


def test_gold_scored_against_itself_is_perfect() -> None:
    gold = json.loads(CORPUS_GOLD.read_text(encoding="utf-8"))
    report = evaluate([gold], [gold])
    assert report.events.f1 == 1.0
    assert report.aggregates.f1 == 1.0
    assert report.relevance.accuracy == 1.0
    assert all(accuracy.accuracy == 1.0 for accuracy in report.fields.values())


def test_names_match_across_scripts_and_cases() -> None:
    gold = document("a.txt", [event("entry_ban", subject("Elena Koposova"))])
    produced = document("a.txt", [event("entry_ban", subject("Елени Копосовој"))])
    assert score_document(gold, produced).events == Counts(1, 0, 0)


def test_type_and_country_must_agree() -> None:
    gold = document("a.txt", [event("entry_ban", subject("Koposova"))])
    wrong_type = document("a.txt", [event("deportation", subject("Koposova"))])
    wrong_country = document("a.txt", [event("entry_ban", subject("Koposova"), country="GE")])
    assert score_document(gold, wrong_type).events == Counts(0, 1, 1)
    assert score_document(gold, wrong_country).events == Counts(0, 1, 1)


def test_unnamed_gold_matches_when_no_attribute_contradicts() -> None:
    gold = document("a.txt", [event("appeal", subject(None, "RU", 54, "female"))])
    vaguer = document("a.txt", [event("appeal", subject("Anna", "RU", None, None))])
    contradicting = document("a.txt", [event("appeal", subject(None, "RU", 45, "female"))])
    assert score_document(gold, vaguer).events == Counts(1, 0, 0)
    assert score_document(gold, contradicting).events == Counts(0, 1, 1)


def test_unnamed_production_never_matches_a_named_gold_subject() -> None:
    gold = document("a.txt", [event("appeal", subject("Koposova", "RU"))])
    produced = document("a.txt", [event("appeal", subject(None, "RU"))])
    assert score_document(gold, produced).events == Counts(0, 1, 1)


def test_false_events_with_a_gold_events_type_and_country_count_as_wrong_subject() -> None:
    gold = document(
        "a.txt", [event("entry_ban", subject("Orlov")), event("appeal", subject("Orlov"))]
    )
    produced = document(
        "a.txt",
        [
            event("entry_ban", subject("Orlov")),
            event("entry_ban", subject("Petrova")),
            event("entry_ban", subject("Tosic"), country="GE"),
            event("detention", subject("Tosic")),
            event("appeal", subject("Milan Tosic")),
        ],
    )
    assert score_document(gold, produced).wrong_subject_events == 2
    assert evaluate([gold], [produced]).to_dict()["wrong_subject_events"] == 2


def test_each_gold_event_matches_one_produced_event() -> None:
    gold = document("a.txt", [event("detention", subject("Koposova"))])
    produced = document("a.txt", [event("detention", subject("Koposova"))] * 2)
    assert score_document(gold, produced).events == Counts(1, 1, 0)


def test_matching_is_maximal_rather_than_greedy() -> None:
    anyone = event("entry_ban", subject(None, "RU"))
    the_woman = event("entry_ban", subject(None, "RU", 54, "female"))
    woman_found = event("entry_ban", subject(None, "RU", 54, "female"))
    man_found = event("entry_ban", subject(None, "RU", 30, "male"))
    gold = document("a.txt", [anyone, the_woman])
    assert score_document(gold, document("a.txt", [woman_found, man_found])).events == Counts(
        2, 0, 0
    )


def test_maximum_matching_reassigns_along_augmenting_paths() -> None:
    assert maximum_matching([[0, 1], [0]]) == {0: 1, 1: 0}
    assert maximum_matching([[0], [0]]) == {0: 0}
    assert maximum_matching([]) == {}


def test_field_accuracy_is_measured_on_matched_pairs() -> None:
    gold = document(
        "a.txt",
        [
            event("expulsion_order", subject("Koposova", "RU"), date="2024-01", deadline_days=30),
            event("appeal", subject("Koposova", "RU")),
        ],
    )
    produced = document(
        "a.txt",
        [event("expulsion_order", subject("Koposova", None), date="2024-01", deadline_days=15)],
    )
    report = evaluate([gold], [produced])
    assert report.fields["date"].accuracy == 1.0
    assert report.fields["deadline_days"].accuracy == 0.0
    assert report.fields["subject.nationality"].accuracy == 0.0
    assert report.fields["authority"].total == 1


def test_scores_per_type_and_per_language() -> None:
    english = document("en.txt", [event("entry_ban", subject("Koposova"))])
    russian = document("ru.txt", [event("deportation", subject("Ivanov"))], language="ru")
    report = evaluate([english, russian], [english, document("ru.txt")])
    assert report.events == Counts(1, 0, 1)
    assert report.events_by_language["en"].f1 == 1.0
    assert report.events_by_language["ru"].recall == 0.0
    assert report.events_by_type["deportation"] == Counts(0, 0, 1)


def test_aggregates_match_on_count_qualifier_and_overlapping_types() -> None:
    gold = document(
        "a.txt",
        aggregates=[
            aggregate(["entry_ban", "residence_revoked"], 12, "at_least"),
            aggregate(["entry_ban"], 12, "at_least"),
        ],
    )
    produced = document(
        "a.txt",
        aggregates=[
            aggregate(["entry_ban"], 12, "at_least"),
            aggregate(["residence_revoked", "entry_ban"], 12, "at_least"),
            aggregate(["entry_ban"], 12, "about"),
            aggregate(["deportation"], 12, "at_least"),
        ],
    )
    assert score_document(gold, produced).aggregates == Counts(2, 2, 0)


def test_relevance_and_false_events_on_irrelevant_documents() -> None:
    irrelevant = document("trap.txt")
    relevant = document("real.txt", [event("entry_ban", subject("Koposova"))])
    fooled = document("trap.txt", [event("deportation", subject("Ivanov"))])
    report = evaluate([irrelevant, relevant], [fooled, document("real.txt")])
    assert report.relevance.false_positives == 1
    assert report.relevance.false_negatives == 1
    assert report.relevance.accuracy == 0.0
    assert report.false_events_on_irrelevant == 1
    assert report.events == Counts(0, 1, 1)


def test_a_missing_result_counts_as_finding_nothing() -> None:
    gold = document("a.txt", [event("entry_ban", subject("Koposova"))])
    report = evaluate([gold], [document("other.txt")])
    assert report.events == Counts(0, 0, 1)
    assert report.missing_predictions == ["a.txt"]
    assert report.unscored_predictions == ["other.txt"]


def test_documents_are_paired_by_file_name() -> None:
    gold = document("a.txt", [event("entry_ban", subject("Koposova"))])
    produced = document("/tmp/reports/a.txt", [event("entry_ban", subject("Koposova"))])
    assert evaluate([gold], [produced]).events == Counts(1, 0, 0)


def test_empty_counts_are_perfect_and_pure_misses_are_zero() -> None:
    assert Counts().f1 == 1.0
    assert Counts(0, 0, 3).f1 == 0.0
    assert Counts(0, 2, 0).precision == 0.0


def test_floor_failures_name_each_metric_below_its_floor() -> None:
    gold = document("a.txt", [event("entry_ban", subject("Koposova"))], language="ru")
    report = evaluate([gold], [document("a.txt")])
    failures = floor_failures(
        report,
        {"events.f1": 0.5, "relevance.accuracy": 0.0, "events_by_language.sr.f1": 0.5},
    )
    assert len(failures) == 2
    assert failures[0].startswith("events.f1: 0.0000 is below")
    assert "not in the report" in failures[1]


def write_gold(directory: Path, gold: dict[str, Any]) -> None:
    name = gold["document"].removesuffix(".txt")
    (directory / f"{name}.gold.json").write_text(json.dumps(gold), encoding="utf-8")


def test_eval_command_scores_a_jsonl_file(tmp_path: Path) -> None:
    gold = document("a.txt", [event("entry_ban", subject("Koposova"))])
    write_gold(tmp_path, gold)
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    result = CliRunner().invoke(eval_command, [str(tmp_path), str(predictions), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["events"]["f1"] == 1.0
    table = CliRunner().invoke(eval_command, [str(tmp_path), str(predictions), "--mistakes"])
    assert table.exit_code == 0
    assert "Events by type" in table.output


def test_eval_command_fails_below_a_floor(tmp_path: Path) -> None:
    write_gold(tmp_path, document("a.txt", [event("entry_ban", subject("Koposova"))]))
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(json.dumps(document("a.txt")) + "\n", encoding="utf-8")
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"floors": {"events.f1": 0.5}}), encoding="utf-8")
    result = CliRunner().invoke(
        eval_command, [str(tmp_path), str(predictions), "--floors", str(floors)]
    )
    assert result.exit_code == 1
    assert "events.f1" in result.stderr


def test_eval_command_reports_a_gold_directory_without_gold(tmp_path: Path) -> None:
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text("", encoding="utf-8")
    result = CliRunner().invoke(eval_command, [str(tmp_path), str(predictions)])
    assert result.exit_code == 1
    assert "no .gold.json files" in result.stderr
