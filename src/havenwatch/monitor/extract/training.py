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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from havenwatch.monitor.evaluate import Report, evaluate, subjects_compatible
from havenwatch.monitor.extract.decisions import (
    DecisionModel,
    LinearModel,
    event_features,
)
from havenwatch.monitor.extract.learned_triggers import LEARNED, sentence_features
from havenwatch.monitor.extract.model import Analysis, Decision, Entity, Features, Mention
from havenwatch.monitor.extract.name_forms import nominative
from havenwatch.monitor.extract.pipeline import analyse, extraction
from havenwatch.monitor.news import NewsItem
from havenwatch.monitor.reader import read_news

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
    "devset7",
    "devset8",
    "devset9",
    "devset10",
    "devset12",
)
REGULARISATION = 0.3
THRESHOLD = 0.7
MAX_ITERATIONS = 2000
DIGITS = 6
FOLDS = 5
SENTENCE_REGULARISATION = 3.0
PROPOSAL_THRESHOLD = 0.8
INNER_FOLDS = 5
NO_MODEL = LinearModel({}, 0.0)
SENTENCE_PRUNE = 0.1
SENTENCE_BALANCED = True
MIN_SENTENCE = 15


@dataclass
class LabelledReport:
    """One report of a labelled set: its text and its gold contract object."""

    name: str
    document: NewsItem
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
        for gold, item in zip(golds, read_news(paths), strict=True):
            if not isinstance(item, NewsItem):
                raise ValueError(item.message)
            name = f"{directory.name}__{Path(str(gold['document'])).name}"
            reports.append(LabelledReport(name, item, gold))
    return reports


@dataclass
class ReportExamples:
    """What one labelled report teaches: its triggers' decisions and its sentences."""

    triggers: list[TriggerExample]
    sentences: list[SentenceExample]
    countries: list[tuple[Features, bool]]


@dataclass
class SentenceExample:
    """A sentence's features, the event types whose gold evidence it is, and the types
    whose rule triggers it holds without being their evidence (a restatement or a non-event
    the rules handle: no lesson for the model either way)."""

    features: dict[str, float]
    types: frozenset[str]
    unlabelled: frozenset[str]


def report_examples(report: LabelledReport) -> ReportExamples:
    """Analyse a report with the rules alone and label what they found against its gold."""
    analysis = analyse(
        report.document.text,
        document=report.name,
        published=report.document.published,
        decisions=None,
    )
    return ReportExamples(
        trigger_examples(report, analysis),
        sentence_examples(report, analysis),
        country_examples(report, analysis),
    )


def sentence_examples(report: LabelledReport, analysis: Analysis) -> list[SentenceExample]:
    """Every sentence but headings, labelled with the types its text is gold evidence of."""
    evidence = [
        (str(event["type"]), " ".join(str(event.get("evidence") or "").split()))
        for event in report.gold.get("events") or []
    ]
    examples = []
    for sentence in analysis.sentences:
        if sentence.heading:
            continue
        text = " ".join(analysis.sentence_text(sentence.index).split())
        types = frozenset(
            event_type for event_type, quoted in evidence if quoted and _overlaps(text, quoted)
        )
        found = {t.type for t in analysis.triggers if t.sentence == sentence.index}
        features = sentence_features(analysis, sentence.index)
        examples.append(SentenceExample(features, types, frozenset(found - types)))
    return examples


def _overlaps(sentence: str, evidence: str) -> bool:
    if len(sentence) < MIN_SENTENCE:
        return sentence == evidence
    return sentence in evidence or evidence in sentence


def trigger_examples(report: LabelledReport, analysis: Analysis) -> list[TriggerExample]:
    """The rules' candidates for every trigger of a report, labelled against its gold."""
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


def country_examples(report: LabelledReport, analysis: Analysis) -> list[tuple[Features, bool]]:
    """The states the rules' events chose among, labelled by the country of the gold event
    of the same type and subject (events whose subject has gold events in several states,
    or in a state the report never names, teach nothing)."""
    gold_events = list(report.gold.get("events") or [])
    entities = {entity.id: entity for entity in analysis.entities}
    rows: list[tuple[Features, bool]] = []
    for event in analysis.events:
        if event.occurrence or not event.countries:
            continue
        subject = _subject(analysis, entities[event.entity])
        wanted = {
            gold.get("country")
            for gold in gold_events
            if gold["type"] == event.type and subjects_compatible(gold["subject"], subject)
        }
        if len(wanted) != 1 or not wanted & set(event.countries):
            continue
        rows += [(features, code in wanted) for code, features in event.countries.items()]
    return rows


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


def fit_reports(
    reports: Sequence[LabelledReport], taught: dict[str, ReportExamples]
) -> DecisionModel:
    """The whole decision model from a set of reports: the sentence models, then the subject
    and event models on the lexicon's triggers and on the triggers the sentence models
    propose. Those proposals are cross-fitted: each report's come from sentence models
    trained without it, so the event model learns how far to trust them on unseen text."""
    sentences = [example for report in reports for example in taught[report.name].sentences]
    triggers = [example for report in reports for example in taught[report.name].triggers]
    triggers += learned_trigger_examples(reports, taught)
    countries = [row for report in reports for row in taught[report.name].countries]
    return replace(
        fit(triggers, fit_sentence_models(sentences)), country=_logistic_regression(countries)
    )


def learned_trigger_examples(
    reports: Sequence[LabelledReport], taught: dict[str, ReportExamples]
) -> list[TriggerExample]:
    """The labelled decisions on the triggers sentence models propose, each report's from
    models trained on the other inner folds."""
    examples: list[TriggerExample] = []
    for fold in range(INNER_FOLDS):
        inside = [report for report in reports if _inner_fold(report) != fold]
        sentences = [example for report in inside for example in taught[report.name].sentences]
        proposer = DecisionModel(
            NO_MODEL, NO_MODEL, THRESHOLD, fit_sentence_models(sentences), PROPOSAL_THRESHOLD
        )
        for report in reports:
            if _inner_fold(report) != fold:
                continue
            analysis = analyse(
                report.document.text,
                document=report.name,
                published=report.document.published,
                decisions=None,
                proposals=proposer,
            )
            examples += [
                example
                for example in trigger_examples(report, analysis)
                if example.decision.trigger.source == LEARNED
            ]
    return examples


def _inner_fold(report: LabelledReport) -> int:
    return fold_of(f"inner:{report.name}", INNER_FOLDS)


def fit(
    examples: Sequence[TriggerExample], sentence_models: dict[str, LinearModel] | None = None
) -> DecisionModel:
    """Train the subject model, then the event models on the subjects it chooses: one for
    the lexicon's triggers, one for the sentence models' proposals (their own calibration,
    so trusting proposals never shifts how lexicon triggers are revived)."""
    subject_rows = [
        (candidate.features, label)
        for example in examples
        if any(example.labels)
        for candidate, label in zip(example.decision.candidates, example.labels, strict=True)
    ]
    subject = _logistic_regression(subject_rows)
    event_rows: dict[bool, list[tuple[dict[str, float], bool]]] = {True: [], False: []}
    for example in examples:
        scores = [subject.probability(c.features) for c in example.decision.candidates]
        chosen = max(range(len(scores)), key=scores.__getitem__) if scores else None
        label = chosen is not None and example.labels[chosen]
        best = max(scores) if scores else 0.0
        learned = example.decision.trigger.source == LEARNED
        event_rows[learned].append((event_features(example.decision, chosen, best), label))
    return DecisionModel(
        subject,
        _logistic_regression(event_rows[False]),
        THRESHOLD,
        sentence_models or {},
        PROPOSAL_THRESHOLD,
        _logistic_regression(event_rows[True]) if _both_labels(event_rows[True]) else None,
    )


def _both_labels(rows: Sequence[tuple[dict[str, float], bool]]) -> bool:
    return len({label for _, label in rows}) == 2


def fit_sentence_models(sentences: Sequence[SentenceExample]) -> dict[str, LinearModel]:
    """One logistic regression per event type over the sentences that teach it."""
    models = {}
    for event_type in sorted({t for example in sentences for t in example.types}):
        rows = [
            (example.features, event_type in example.types)
            for example in sentences
            if event_type not in example.unlabelled
        ]
        models[event_type] = _logistic_regression(
            rows, SENTENCE_REGULARISATION, SENTENCE_PRUNE, SENTENCE_BALANCED
        )
    return models


def _logistic_regression(
    rows: Sequence[tuple[dict[str, float], bool]],
    regularisation: float = REGULARISATION,
    prune: float = 0.0,
    balanced: bool = False,
) -> LinearModel:
    # scikit-learn is a development dependency: only training needs it, never extraction.
    # local import: scikit-learn loads only for training, never to extract
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform([features for features, _ in rows])
    labels = [int(label) for _, label in rows]
    classifier = LogisticRegression(
        C=regularisation, max_iter=MAX_ITERATIONS, class_weight="balanced" if balanced else None
    )
    classifier.fit(matrix, labels)
    names = vectorizer.get_feature_names_out()
    weights = {
        str(name): round(float(weight), DIGITS)
        for name, weight in zip(names, classifier.coef_[0], strict=True)
        if abs(round(float(weight), DIGITS)) > prune
    }
    return LinearModel(weights, round(float(classifier.intercept_[0]), DIGITS))


def train(directories: Iterable[Path]) -> DecisionModel:
    """The decision model trained on every report of the labelled sets."""
    reports = labelled_reports(directories)
    return fit_reports(reports, {report.name: report_examples(report) for report in reports})


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
    examples = {report.name: report_examples(report) for report in reports}
    golds, by_model, by_rules = [], [], []
    for fold in range(folds):
        model = fit_reports(
            [report for report in reports if fold_of(report.name, folds) != fold], examples
        )
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
