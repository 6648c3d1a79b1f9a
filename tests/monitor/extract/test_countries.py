"""Which state took a measure: every state a report names is a candidate, described by where
and in which role it is named; the country model chooses, and without one the rules do."""

from __future__ import annotations

from datetime import date

from havenwatch.monitor.extract.countries import choose_country
from havenwatch.monitor.extract.pipeline import analyse
from havenwatch.monitor.extract.training import LabelledReport, country_examples
from havenwatch.monitor.news import NewsItem

PUBLISHED = date(2024, 3, 14)
ANTALYA = (
    "Police in Antalya detained the Russian blogger Anton Lavrentyev on Monday. "
    "On Wednesday he was deported to Tbilisi, Georgia."
)


def test_every_state_the_report_names_is_a_candidate_with_where_it_is_named() -> None:
    analysis = analyse(ANTALYA, document="t", published=PUBLISHED, decisions=None)
    [deportation] = [event for event in analysis.events if event.type == "deportation"]
    assert {"TR", "GE"} <= set(deportation.countries)
    georgia, turkey = deportation.countries["GE"], deportation.countries["TR"]
    assert georgia["in:clause"] == 1.0 and "in:clause" not in turkey
    assert turkey["in:paragraph"] == 1.0 and turkey["last_named_before"] == 1.0
    assert georgia["nearest"] == 1.0
    assert sum(features.get("rule", 0.0) for features in deportation.countries.values()) == 1.0


def test_without_scores_the_rules_choice_stands_and_ties_keep_it() -> None:
    assert choose_country({}, "RS") == "RS"
    assert choose_country({"ME": 0.4, "RS": 0.4}, "RS") == "RS"
    assert choose_country({"ME": 0.7, "RS": 0.4}, "RS") == "ME"
    assert choose_country({"ME": 0.5, "GE": 0.5}, None) == "GE"


def test_training_labels_each_candidate_by_the_gold_events_country() -> None:
    gold = {
        "document": "t.txt",
        "relevant": True,
        "events": [
            {"type": "detention", "subject": {"name": "Anton Lavrentyev"}, "country": "TR"},
            {"type": "deportation", "subject": {"name": "Anton Lavrentyev"}, "country": "TR"},
        ],
    }
    report = LabelledReport("t", NewsItem("t.txt", ANTALYA, published=PUBLISHED), gold)
    analysis = analyse(ANTALYA, document="t", published=PUBLISHED, decisions=None)
    rows = country_examples(report, analysis)
    positives = [features for features, label in rows if label]
    assert len(positives) == 2
    assert all(features.get("in:paragraph") or features.get("in:clause") for features in positives)
    assert any(not label for _, label in rows)
