"""Training and cross-validating the decision model on the labelled reports.

The rules run over every labelled report and record, for each trigger, its candidate
subjects (`analysis.decisions`). A candidate is a positive example when the person it
refers to has a gold event of the trigger's type in that report (the contract's subject
rule: names that match across scripts and case endings, or an unnamed subject that no
attribute contradicts). The subject model learns from the triggers that have a positive
candidate; the event model from every trigger, with the subject its subject model chose
(positive when that subject has such a gold event).

Both are scikit-learn `LogisticRegression`s (lbfgs, L2, fixed `C`): deterministic for the
same examples in the same order, so `havenwatch train` reproduces the shipped
`decision_model.json` exactly. scikit-learn is needed only here; prediction
(`extract/decisions.py`) is plain Python. Cross-validation splits by report: each fold's
reports are extracted by a model trained on the other folds' reports only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from havenwatch.monitor.documents import Document, read_documents
from havenwatch.monitor.evaluate import Report, evaluate, subjects_compatible
from havenwatch.monitor.extract.decisions import (
    DecisionModel,
    LinearModel,
    event_features,
)
from havenwatch.monitor.extract.model import Analysis, Decision, Entity, Mention
from havenwatch.monitor.extract.name_forms import nominative
from havenwatch.monitor.extract.pipeline import analyse, extraction

GOLD_SUFFIX = ".gold.json"
# The labelled sets under tests/monitor the model learns from: every set but the blind one,
# each after its untuned score was recorded (docs/extraction-quality.md).
TRAINING_SETS = (
    "corpus",
    "heldout",
    "devset",
    "devset2",
    "devset3",
    "devset4",
    "devset5",
    "devset6",
)
REGULARISATION = 0.3
THRESHOLD = 0.6
MAX_ITERATIONS = 2000
DIGITS = 6
FOLDS = 5


@dataclass
class LabelledReport:
    """One report of a labelled set: its text and its gold contract object."""

    name: str
    document: Document
    gold: dict[str, Any]


@dataclass
class TriggerExample:
    """One trigger's decision with the labels of its candidates."""

    report: str
    decision: Decision
    labels: list[bool]


def labelled_reports(directories: Iterable[Path]) -> list[LabelledReport]:
    """The reports of the labelled sets, in directory and file-name order."""
    reports: list[LabelledReport] = []
    for directory in directories:
        golds = [
            json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(directory.glob(f"*{GOLD_SUFFIX}"))
        ]
        paths = [str(directory / Path(str(gold["document"])).name) for gold in golds]
        for gold, item in zip(golds, read_documents(paths), strict=True):
            if not isinstance(item, Document):
                raise ValueError(item.message)
            name = f"{directory.name}__{Path(str(gold['document'])).name}"
            reports.append(LabelledReport(name, item, gold))
    return reports


def trigger_examples(report: LabelledReport) -> list[TriggerExample]:
    """The rules' candidates for every trigger of a report, labelled against its gold."""
    analysis = analyse(
        report.document.text,
        document=report.name,
        published=report.document.published,
        decisions=None,
    )
    gold_events = list(report.gold.get("events") or [])
    entities = {entity.id: entity for entity in analysis.entities}
    examples = []
    for decision in analysis.decisions:
        wanted = [
            event["subject"] for event in gold_events if event["type"] == decision.trigger.type
        ]
        labels = [
            _refers_to_gold(analysis, entities, candidate.mention, wanted)
            for candidate in decision.candidates
        ]
        examples.append(TriggerExample(report.name, decision, labels))
    return examples


def _refers_to_gold(
    analysis: Analysis, entities: dict[int, Entity], mention: Mention, wanted: list[Any]
) -> bool:
    ids = mention.members or ((mention.entity,) if mention.entity is not None else ())
    for entity_id in ids:
        subject = _subject(analysis, entities[entity_id])
        if any(subjects_compatible(gold, subject) for gold in wanted):
            return True
    return False


def _subject(analysis: Analysis, entity: Entity) -> dict[str, Any]:
    name = entity.name
    return {
        "name": nominative(name, analysis.language, entity.gender) if name else None,
        "nationality": entity.nationality,
        "age": entity.age,
        "gender": entity.gender,
    }


# --- Fitting -----------------------------------------------------------------------------


def fit(examples: Sequence[TriggerExample]) -> DecisionModel:
    """Train the subject model, then the event model on the subjects it chooses."""
    subject_rows = [
        (candidate.features, label)
        for example in examples
        if any(example.labels)
        for candidate, label in zip(example.decision.candidates, example.labels, strict=True)
    ]
    subject = _logistic_regression(subject_rows)
    event_rows = []
    for example in examples:
        scores = [subject.probability(c.features) for c in example.decision.candidates]
        chosen = max(range(len(scores)), key=scores.__getitem__) if scores else None
        label = chosen is not None and example.labels[chosen]
        best = max(scores) if scores else 0.0
        event_rows.append((event_features(example.decision, chosen, best), label))
    return DecisionModel(subject, _logistic_regression(event_rows), THRESHOLD)


def _logistic_regression(rows: Sequence[tuple[dict[str, float], bool]]) -> LinearModel:
    # scikit-learn is a development dependency: only training needs it, never extraction.
    # local import: scikit-learn loads only for training, never to extract
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform([features for features, _ in rows])
    labels = [int(label) for _, label in rows]
    classifier = LogisticRegression(C=REGULARISATION, max_iter=MAX_ITERATIONS)
    classifier.fit(matrix, labels)
    names = vectorizer.get_feature_names_out()
    weights = {
        str(name): round(float(weight), DIGITS)
        for name, weight in zip(names, classifier.coef_[0], strict=True)
        if round(float(weight), DIGITS) != 0.0
    }
    return LinearModel(weights, round(float(classifier.intercept_[0]), DIGITS))


def train(directories: Iterable[Path]) -> DecisionModel:
    """The decision model trained on every report of the labelled sets."""
    examples = [
        example for report in labelled_reports(directories) for example in trigger_examples(report)
    ]
    return fit(examples)


def model_json(model: DecisionModel) -> str:
    """The model file's text: sorted keys, fixed precision, so equal models are equal text."""
    return json.dumps(model.to_dict(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --- Cross-validation --------------------------------------------------------------------


def fold_of(name: str, folds: int) -> int:
    """A report's fold, from a digest of its name (stable whatever the set's order)."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % folds


@dataclass(frozen=True)
class CrossValidation:
    """The model's pooled held-out scores beside the rules' on the same reports."""

    model: Report
    rules: Report


def cross_validate(directories: Iterable[Path], folds: int = FOLDS) -> CrossValidation:
    """k-fold by report: each report is extracted by a model that never saw it."""
    reports = labelled_reports(directories)
    examples = {report.name: trigger_examples(report) for report in reports}
    golds, by_model, by_rules = [], [], []
    for fold in range(folds):
        training = [
            example
            for report in reports
            if fold_of(report.name, folds) != fold
            for example in examples[report.name]
        ]
        model = fit(training)
        for report in reports:
            if fold_of(report.name, folds) != fold:
                continue
            golds.append({**report.gold, "document": report.name})
            by_model.append(_extract(report, model))
            by_rules.append(_extract(report, None))
    return CrossValidation(evaluate(golds, by_model), evaluate(golds, by_rules))


def _extract(report: LabelledReport, model: DecisionModel | None) -> dict[str, Any]:
    analysis = analyse(
        report.document.text,
        document=report.name,
        published=report.document.published,
        decisions=model,
    )
    return extraction(analysis).to_contract()
