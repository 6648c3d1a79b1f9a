"""The decision model: trained reproducibly from the labelled sets, shipped as JSON weights,
choosing the person an event happened to among the candidates the rules propose."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from havenwatch.commands.evaluate import eval_command
from havenwatch.core.vocabulary import vocabulary
from havenwatch.monitor.extract import extract_text
from havenwatch.monitor.extract.decisions import (
    DecisionModel,
    LinearModel,
    shipped_model,
    shipped_model_path,
)
from havenwatch.monitor.extract.learned_triggers import LEARNED
from havenwatch.monitor.extract.pipeline import analyse
from havenwatch.monitor.extract.training import TRAINING_SETS, model_json, train

MONITOR_TESTS = Path(__file__).resolve().parents[1]
PUBLISHED = date(2024, 3, 14)


def named(text: str) -> set[tuple[str, str | None]]:
    found = extract_text(text, document="t", published=PUBLISHED).events
    return {(event.type, event.subject.name) for event in found}


def test_training_on_the_labelled_sets_reproduces_the_shipped_model() -> None:
    retrained = model_json(train([MONITOR_TESTS / name for name in TRAINING_SETS]))
    assert retrained == shipped_model_path().read_text(encoding="utf-8"), (
        "the shipped decision model is stale: run `havenwatch train` (or `make model`)"
    )


def test_the_model_is_plain_json_weights() -> None:
    data = json.loads(shipped_model_path().read_text(encoding="utf-8"))
    assert set(data) == {
        "subject",
        "event",
        "threshold",
        "sentence",
        "sentence_threshold",
        "learned",
        "country",
    }
    parts = [
        data["subject"],
        data["event"],
        data["learned"],
        data["country"],
        *data["sentence"].values(),
    ]
    for part in parts:
        assert isinstance(part["intercept"], float)
        assert all(isinstance(weight, float) for weight in part["weights"].values())
    assert set(data["sentence"]) <= set(vocabulary().event_types)
    assert DecisionModel.from_dict(data) == shipped_model()


def test_every_trigger_records_its_candidates_and_the_rules_choice() -> None:
    analysis = analyse(
        "Lawyer Milan Tosic said in a statement that the police had revoked the residence "
        "permit of Russian activist Ivan Petrov.",
        document="t",
        published=PUBLISHED,
    )
    [decision] = analysis.decisions
    names = [candidate.mention.text for candidate in decision.candidates]
    assert "Ivan Petrov" in names and "Milan Tosic" in names
    assert [c.mention.text for c in decision.candidates if c.rule] == ["Ivan Petrov"]
    assert decision.accepted and decision.chosen is not None
    assert decision.candidates[decision.chosen].mention.text == "Ivan Petrov"


def test_a_lawyer_speaking_in_a_statement_does_not_take_the_clients_event() -> None:
    assert named(
        "Lawyer Milan Tosic said in a statement that the police had revoked the residence "
        "permit of Russian activist Ivan Petrov."
    ) == {("residence_revoked", "Ivan Petrov")}


def test_a_wife_named_after_her_husbands_appeal_does_not_take_his_events() -> None:
    found = named(
        "Orlov's appeal was rejected on Monday. His wife Marina Orlova, 34, said she would "
        "stay in Belgrade."
    )
    assert found and all(name == "Orlov" for _, name in found)


def test_cross_validation_prints_held_out_scores_beside_the_rules() -> None:
    result = CliRunner().invoke(
        eval_command, ["--cross-validate", "--format", "json", str(MONITOR_TESTS / "devset3")]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert set(scores) == {"model", "rules"}
    assert scores["model"]["documents"] == scores["rules"]["documents"] > 0
    assert set(scores["model"]["events_by_language"]) == {"en", "ru", "sr"}
    assert scores["model"]["events"]["f1"] > 0.5


def test_the_extractor_returns_typed_events_and_the_contract_only_on_request() -> None:
    result = extract_text(
        "Serbian police revoked the residence permit of Russian activist Ivan Petrov, 34, on Monday.",
        document="t",
        published=PUBLISHED,
    )
    [event] = result.events
    assert (event.type, event.subject.name, event.subject.age) == (
        "residence_revoked",
        "Ivan Petrov",
        34,
    )
    assert result.relevant and result.aggregates == ()
    contract = result.to_contract()
    assert contract["relevant"] is True
    assert contract["events"][0]["subject"]["nationality"] == "RU"


def proposing(weights: dict[str, float]) -> DecisionModel:
    """A model whose only sentence model (entry bans) knows the given stems."""
    shipped = shipped_model()
    assert shipped is not None
    return replace(
        shipped,
        sentence={"entry_ban": LinearModel(weights, -2.0)},
        sentence_threshold=0.8,
    )


def test_a_sentence_the_lexicon_misses_gets_a_trigger_on_the_word_that_weighs_most() -> None:
    model = proposing({"w=blacklist": 3.0, "w=border": 1.0})
    analysis = analyse(
        "At the border Serbia blacklisted the Russian poet Ivan Petrov for five years.",
        document="t",
        published=PUBLISHED,
        decisions=model,
    )
    [learned] = [trigger for trigger in analysis.triggers if trigger.source == LEARNED]
    assert learned.type == "entry_ban"
    assert analysis.tokens[learned.first].text == "blacklisted"
    assert learned.score >= 0.8


def test_a_sentence_with_a_lexicon_trigger_of_the_type_is_left_to_the_rules() -> None:
    model = proposing({"w=refus": 3.0, "w=entri": 3.0})
    analysis = analyse(
        "Serbia refused entry to the Russian poet Ivan Petrov at Belgrade airport.",
        document="t",
        published=PUBLISHED,
        decisions=model,
    )
    assert [t.type for t in analysis.triggers if t.source == LEARNED] == []
    assert "entry_ban" in {t.type for t in analysis.triggers}


def test_the_rules_alone_propose_nothing_learned() -> None:
    analysis = analyse(
        "At the border Serbia blacklisted the Russian poet Ivan Petrov for five years.",
        document="t",
        published=PUBLISHED,
        decisions=None,
    )
    assert all(trigger.source != LEARNED for trigger in analysis.triggers)
