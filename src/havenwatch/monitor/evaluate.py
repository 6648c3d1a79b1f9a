"""Score extraction results against gold annotations, as the extraction contract says.

"How results are scored" in `shared/spec/extraction.md` is the rule book:

- a produced event matches a gold event of the same `type` and `country` whose subject is
  compatible: the names match (`names_match`), or the gold subject has no name and no
  compared attribute (nationality, age, gender) contradicts; a produced event without a
  name never matches a named gold subject;
- each gold event matches at most one produced event; the pairing is a maximum matching
  per document, so the score does not depend on the order events are listed in;
- precision, recall and F1 are pooled over all documents (overall, per type, per
  language of the gold document); field accuracy is measured on matched pairs;
- aggregates match on `count` and `qualifier` with overlapping `types`, the larger overlap
  preferred;
- `relevant` is scored as a binary classification, and events produced for an irrelevant
  document are false positives like any other (also counted on their own).

Everything here is a pure function over contract objects (dicts); reading gold files and
running the extractor is the job of the `havenwatch eval` command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from havenwatch.core.names import names_match

ContractObject = Mapping[str, Any]

FIELDS = (
    "date",
    "authority",
    "grounds",
    "deadline_days",
    "subject.nationality",
    "subject.age",
)
SUBJECT_ATTRIBUTES = ("nationality", "age", "gender")


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives, with the scores they give."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )

    @property
    def precision(self) -> float:
        produced = self.true_positives + self.false_positives
        if produced == 0:
            return 1.0 if self.false_negatives == 0 else 0.0
        return self.true_positives / produced

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        if expected == 0:
            return 1.0 if self.false_positives == 0 else 0.0
        return self.true_positives / expected

    @property
    def f1(self) -> float:
        precision, recall = self.precision, self.recall
        if precision + recall == 0:
            return 0.0
        return 2 * precision * recall / (precision + recall)

    def to_dict(self) -> dict[str, Any]:
        return {
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class FieldAccuracy:
    """How often a field of a matched event agrees with the gold value."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: FieldAccuracy) -> FieldAccuracy:
        return FieldAccuracy(self.correct + other.correct, self.total + other.total)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        accuracy = self.accuracy
        return {
            "correct": self.correct,
            "total": self.total,
            "accuracy": None if accuracy is None else round(accuracy, 4),
        }


@dataclass(frozen=True)
class RelevanceScores:
    """`relevant` as a binary classification, relevant documents being the positive class."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0

    def __add__(self, other: RelevanceScores) -> RelevanceScores:
        return RelevanceScores(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
            self.true_negatives + other.true_negatives,
        )

    @property
    def accuracy(self) -> float:
        total = self.true_positives + self.false_positives
        total += self.false_negatives + self.true_negatives
        return (self.true_positives + self.true_negatives) / total if total else 1.0

    @property
    def counts(self) -> Counts:
        return Counts(self.true_positives, self.false_positives, self.false_negatives)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.counts.to_dict(),
            "true_negatives": self.true_negatives,
            "accuracy": round(self.accuracy, 4),
        }


@dataclass(frozen=True)
class Mistake:
    """One missed or spurious event or aggregate, or a wrong relevance decision."""

    document: str
    kind: str
    description: str
    evidence: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "document": self.document,
            "kind": self.kind,
            "description": self.description,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class DocumentScore:
    """The outcome for one gold document."""

    document: str
    language: str
    events_by_type: dict[str, Counts]
    fields: dict[str, FieldAccuracy]
    aggregates: Counts
    relevance: RelevanceScores
    false_events_on_irrelevant: int
    mistakes: list[Mistake]
    wrong_subject_events: int = 0

    @property
    def events(self) -> Counts:
        return sum(self.events_by_type.values(), Counts())


@dataclass(frozen=True)
class Report:
    """Scores pooled over all gold documents."""

    documents: int
    events: Counts
    events_by_type: dict[str, Counts]
    events_by_language: dict[str, Counts]
    fields: dict[str, FieldAccuracy]
    aggregates: Counts
    relevance: RelevanceScores
    false_events_on_irrelevant: int
    wrong_subject_events: int = 0
    missing_predictions: list[str] = field(default_factory=list)
    unscored_predictions: list[str] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "events": self.events.to_dict(),
            "events_by_language": _counts_to_dict(self.events_by_language),
            "events_by_type": _counts_to_dict(self.events_by_type),
            "fields": {name: accuracy.to_dict() for name, accuracy in self.fields.items()},
            "aggregates": self.aggregates.to_dict(),
            "relevance": self.relevance.to_dict(),
            "false_events_on_irrelevant": self.false_events_on_irrelevant,
            "wrong_subject_events": self.wrong_subject_events,
            "missing_predictions": list(self.missing_predictions),
            "unscored_predictions": list(self.unscored_predictions),
            "mistakes": [mistake.to_dict() for mistake in self.mistakes],
        }


def _counts_to_dict(counts: Mapping[str, Counts]) -> dict[str, dict[str, Any]]:
    return {key: counts[key].to_dict() for key in sorted(counts)}


# --- Matching -----------------------------------------------------------------------------


def maximum_matching(candidates: Sequence[Sequence[int]]) -> dict[int, int]:
    """A maximum bipartite matching, left index -> right index.

    `candidates[left]` lists the right indices the left item may pair with, preferred first;
    augmenting paths (Kuhn's algorithm) guarantee the largest possible number of pairs.
    """
    right_owner: dict[int, int] = {}

    def assign(left: int, visited: set[int]) -> bool:
        for right in candidates[left]:
            if right in visited:
                continue
            visited.add(right)
            owner = right_owner.get(right)
            if owner is None or assign(owner, visited):
                right_owner[right] = left
                return True
        return False

    for left in range(len(candidates)):
        assign(left, set())
    return {left: right for right, left in right_owner.items()}


def subjects_compatible(gold: ContractObject, produced: ContractObject) -> bool:
    """The contract's subject rule: matching names, or no contradiction for an unnamed gold."""
    gold_name, produced_name = gold.get("name"), produced.get("name")
    if gold_name:
        return bool(produced_name) and names_match(str(gold_name), str(produced_name))
    return not any(
        gold.get(attribute) is not None
        and produced.get(attribute) is not None
        and gold.get(attribute) != produced.get(attribute)
        for attribute in SUBJECT_ATTRIBUTES
    )


def events_match(gold: ContractObject, produced: ContractObject) -> bool:
    """Same type, same country, compatible subject."""
    return (
        gold.get("type") == produced.get("type")
        and gold.get("country") == produced.get("country")
        and subjects_compatible(gold.get("subject") or {}, produced.get("subject") or {})
    )


def aggregates_overlap(gold: ContractObject, produced: ContractObject) -> int:
    """How many types two aggregates share when count and qualifier agree, else 0."""
    if gold.get("count") != produced.get("count"):
        return 0
    if gold.get("qualifier") != produced.get("qualifier"):
        return 0
    return len(set(gold.get("types") or ()) & set(produced.get("types") or ()))


def field_value(event: ContractObject, name: str) -> Any:
    """The value of a scored field; `subject.age` reads inside the subject."""
    value: Any = event
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def fields_agreeing(gold: ContractObject, produced: ContractObject) -> int:
    return sum(field_value(gold, name) == field_value(produced, name) for name in FIELDS)


def match_events(
    gold: Sequence[ContractObject], produced: Sequence[ContractObject]
) -> dict[int, int]:
    """Gold index -> produced index; among compatible pairs, closer field values first."""
    return _match(gold, produced, events_match, fields_agreeing)


def match_aggregates(
    gold: Sequence[ContractObject], produced: Sequence[ContractObject]
) -> dict[int, int]:
    """Gold index -> produced index; a larger overlap of types is preferred."""
    return _match(gold, produced, lambda g, p: aggregates_overlap(g, p) > 0, aggregates_overlap)


def _match(
    gold: Sequence[ContractObject],
    produced: Sequence[ContractObject],
    compatible: Callable[[ContractObject, ContractObject], bool],
    preference: Callable[[ContractObject, ContractObject], int],
) -> dict[int, int]:
    return maximum_matching(
        [_ranked_candidates(wanted, produced, compatible, preference) for wanted in gold]
    )


def _ranked_candidates(
    wanted: ContractObject,
    produced: Sequence[ContractObject],
    compatible: Callable[[ContractObject, ContractObject], bool],
    preference: Callable[[ContractObject, ContractObject], int],
) -> list[int]:
    ranked = [
        (-preference(wanted, item), index)
        for index, item in enumerate(produced)
        if compatible(wanted, item)
    ]
    return [index for _, index in sorted(ranked)]


# --- Scoring one document -----------------------------------------------------------------


def score_document(gold: ContractObject, produced: ContractObject | None) -> DocumentScore:
    """Compare one document's extraction result (None when missing) with its gold."""
    document = document_key(str(gold.get("document", "")))
    produced = produced or {}
    gold_events = list(gold.get("events") or [])
    produced_events = list(produced.get("events") or [])
    pairs = match_events(gold_events, produced_events)
    gold_relevant = bool(gold.get("relevant"))
    return DocumentScore(
        document=document,
        language=str(gold.get("language") or "unknown"),
        events_by_type=_event_counts_by_type(gold_events, produced_events, pairs),
        fields=_field_accuracy(gold_events, produced_events, pairs),
        aggregates=_aggregate_counts(gold, produced),
        relevance=_relevance(gold_relevant, bool(produced.get("relevant"))),
        false_events_on_irrelevant=0 if gold_relevant else len(produced_events),
        mistakes=_mistakes(document, gold, produced, pairs),
        wrong_subject_events=wrong_subject_events(gold_events, produced_events, pairs),
    )


def wrong_subject_events(
    gold: Sequence[ContractObject], produced: Sequence[ContractObject], pairs: Mapping[int, int]
) -> int:
    """Unmatched produced events with the type and country of a gold event of the document:
    the incident given to another person than the one it happened to."""
    kinds = {(event.get("type"), event.get("country")) for event in gold}
    matched = set(pairs.values())
    return sum(
        1
        for index, event in enumerate(produced)
        if index not in matched and (event.get("type"), event.get("country")) in kinds
    )


def _event_counts_by_type(
    gold: Sequence[ContractObject], produced: Sequence[ContractObject], pairs: Mapping[int, int]
) -> dict[str, Counts]:
    counts: dict[str, Counts] = {}

    def add(event_type: str, delta: Counts) -> None:
        counts[event_type] = counts.get(event_type, Counts()) + delta

    for index, event in enumerate(gold):
        matched = index in pairs
        add(str(event.get("type")), Counts(int(matched), 0, int(not matched)))
    matched_produced = set(pairs.values())
    for index, event in enumerate(produced):
        if index not in matched_produced:
            add(str(event.get("type")), Counts(0, 1, 0))
    return counts


def _field_accuracy(
    gold: Sequence[ContractObject], produced: Sequence[ContractObject], pairs: Mapping[int, int]
) -> dict[str, FieldAccuracy]:
    return {
        name: FieldAccuracy(
            correct=sum(
                field_value(gold[g], name) == field_value(produced[p], name)
                for g, p in pairs.items()
            ),
            total=len(pairs),
        )
        for name in FIELDS
    }


def _aggregate_counts(gold: ContractObject, produced: ContractObject) -> Counts:
    gold_aggregates = list(gold.get("aggregates") or [])
    produced_aggregates = list(produced.get("aggregates") or [])
    matched = len(match_aggregates(gold_aggregates, produced_aggregates))
    return Counts(
        true_positives=matched,
        false_positives=len(produced_aggregates) - matched,
        false_negatives=len(gold_aggregates) - matched,
    )


def _relevance(gold_relevant: bool, produced_relevant: bool) -> RelevanceScores:
    return RelevanceScores(
        true_positives=int(gold_relevant and produced_relevant),
        false_positives=int(not gold_relevant and produced_relevant),
        false_negatives=int(gold_relevant and not produced_relevant),
        true_negatives=int(not gold_relevant and not produced_relevant),
    )


def _mistakes(
    document: str, gold: ContractObject, produced: ContractObject, pairs: Mapping[int, int]
) -> list[Mistake]:
    gold_events = list(gold.get("events") or [])
    produced_events = list(produced.get("events") or [])
    matched_produced = set(pairs.values())
    mistakes = [
        Mistake(document, "missed_event", describe_event(event), str(event.get("evidence", "")))
        for index, event in enumerate(gold_events)
        if index not in pairs
    ]
    mistakes += [
        Mistake(document, "spurious_event", describe_event(event), str(event.get("evidence", "")))
        for index, event in enumerate(produced_events)
        if index not in matched_produced
    ]
    mistakes += _aggregate_mistakes(document, gold, produced)
    if bool(gold.get("relevant")) != bool(produced.get("relevant")):
        expected = "relevant" if gold.get("relevant") else "irrelevant"
        mistakes.append(Mistake(document, "relevance", f"should be {expected}"))
    return mistakes


def _aggregate_mistakes(
    document: str, gold: ContractObject, produced: ContractObject
) -> list[Mistake]:
    gold_aggregates = list(gold.get("aggregates") or [])
    produced_aggregates = list(produced.get("aggregates") or [])
    pairs = match_aggregates(gold_aggregates, produced_aggregates)
    matched_produced = set(pairs.values())
    missed = [
        Mistake(document, "missed_aggregate", describe_aggregate(item), str(item["evidence"]))
        for index, item in enumerate(gold_aggregates)
        if index not in pairs
    ]
    spurious = [
        Mistake(document, "spurious_aggregate", describe_aggregate(item), str(item["evidence"]))
        for index, item in enumerate(produced_aggregates)
        if index not in matched_produced
    ]
    return missed + spurious


def describe_event(event: ContractObject) -> str:
    """A one-line summary: type, country and subject."""
    subject = event.get("subject") or {}
    who = subject.get("name") or "/".join(
        str(subject[attribute])
        for attribute in SUBJECT_ATTRIBUTES
        if subject.get(attribute) is not None
    )
    return f"{event.get('type')} {event.get('country')} {who or 'unnamed'}"


def describe_aggregate(aggregate: ContractObject) -> str:
    types = ",".join(aggregate.get("types") or [])
    return f"{aggregate.get('qualifier')} {aggregate.get('count')} [{types}]"


# --- Pooling ------------------------------------------------------------------------------


def document_key(document: str) -> str:
    """Gold and produced results are paired by the document's file name."""
    return document.replace("\\", "/").rsplit("/", 1)[-1]


def evaluate(
    gold_documents: Iterable[ContractObject], produced_documents: Iterable[ContractObject]
) -> Report:
    """Score produced results against gold, pairing documents by file name.

    A gold document with no produced result counts as one that found nothing; a produced
    result with no gold is listed as unscored.
    """
    produced_by_key = {document_key(str(item["document"])): item for item in produced_documents}
    scores: list[DocumentScore] = []
    missing: list[str] = []
    for gold in gold_documents:
        key = document_key(str(gold["document"]))
        if key not in produced_by_key:
            missing.append(key)
        scores.append(score_document(gold, produced_by_key.get(key)))
    scored = {score.document for score in scores}
    unscored = sorted(key for key in produced_by_key if key not in scored)
    return pool(scores, missing, unscored)


def pool(
    scores: Sequence[DocumentScore], missing: Sequence[str] = (), unscored: Sequence[str] = ()
) -> Report:
    """Add up document scores into a report."""
    by_type: dict[str, Counts] = {}
    by_language: dict[str, Counts] = {}
    fields = {name: FieldAccuracy() for name in FIELDS}
    for score in scores:
        for event_type, counts in score.events_by_type.items():
            by_type[event_type] = by_type.get(event_type, Counts()) + counts
        by_language[score.language] = by_language.get(score.language, Counts()) + score.events
        for name, accuracy in score.fields.items():
            fields[name] = fields[name] + accuracy
    return Report(
        documents=len(scores),
        events=sum(by_type.values(), Counts()),
        events_by_type=by_type,
        events_by_language=by_language,
        fields=fields,
        aggregates=sum((score.aggregates for score in scores), Counts()),
        relevance=sum((score.relevance for score in scores), RelevanceScores()),
        false_events_on_irrelevant=sum(score.false_events_on_irrelevant for score in scores),
        wrong_subject_events=sum(score.wrong_subject_events for score in scores),
        missing_predictions=list(missing),
        unscored_predictions=list(unscored),
        mistakes=[mistake for score in scores for mistake in score.mistakes],
    )


# --- Floors -------------------------------------------------------------------------------


def metric_value(report: Mapping[str, Any], path: str) -> float | None:
    """A number in `Report.to_dict()` by dotted path ("events_by_language.ru.f1")."""
    value: Any = report
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return float(value) if isinstance(value, int | float) else None


def floor_failures(report: Report, floors: Mapping[str, float]) -> list[str]:
    """One message per metric below its floor (or absent from the report)."""
    values = report.to_dict()
    failures = []
    for path, floor in sorted(floors.items()):
        value = metric_value(values, path)
        if value is None:
            failures.append(f"{path}: not in the report (floor {floor:.2f})")
        elif value < floor:
            failures.append(f"{path}: {value:.4f} is below the floor {floor:.2f}")
    return failures
