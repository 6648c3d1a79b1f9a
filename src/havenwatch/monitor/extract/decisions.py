"""Decisions by a model: which candidate mention a trigger's event happened to, and, where
the rules found nobody, whether the trigger states an event of someone all the same.

The rules propose: every trigger the negation rules let through and, for it, every person
mentioned in its sentence, the person the previous sentences were about, and the rules' own
choice of subject. Two logistic regressions, trained on the labelled reports by
`havenwatch train` (`extract/training.py`) and shipped as `decision_model.json`, decide:

- the *subject model* scores each (trigger, mention) pair; the best-scoring mention is the
  subject (a plural group means a generic statement: no event);
- the *sentence models*, one per event type, propose triggers the lexicon lacks
  (`extract/learned_triggers.py`);
- the *learned-event model* decides the proposals, calibrated on cross-fitted ones;
- the *country model* scores every state the report names as the one that took an event's
  measure (`extract/countries.py`); the best one is the event's country;
- the *event model* scores the trigger with its chosen subject. It decides only triggers
  for which the rules found no subject (they would have dropped them as generic): at or
  above `threshold` they become events. A trigger the rules accept stays accepted, and the
  negation, modality and question rules stay hard: on cross-validation, letting the model
  reject or revive those triggers measured worse than the rules (docs/extraction-quality.md).

Features are what the rules already compute: distance and what lies between (commas,
quotes, brackets, a clause boundary, a speech verb: "said in a statement"), the mention's
kind and role, its grammatical case (Russian, pymorphy3), its position (inside, right
after, before the trigger, in an earlier sentence), the rules' own choice. Prediction is a
dot product in plain Python.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from havenwatch.monitor.extract.lexicon import Lexicon
from havenwatch.monitor.extract.model import (
    Analysis,
    Decision,
    Features,
    Mention,
    Span,
    Trigger,
)
from havenwatch.monitor.extract.name_forms import morph

MODEL_FILE = "decision_model.json"
RULES = "rules"
SPEECH = "speech"
RULE_EMITS = "rule_emits"
QUOTES = frozenset('"«»„“”')
BRACKETS = frozenset("()")
SEPARATORS = frozenset(",;:")
DISTANCE_SCALE = 10.0
DISTANCE_CAP = 40
SPEECH_REACH = 3
DISTANCE_BUCKETS = (1, 3, 6, 12)
RUSSIAN_CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct"})


@dataclass(frozen=True)
class LinearModel:
    """A logistic regression: named weights and an intercept."""

    weights: dict[str, float]
    intercept: float

    def probability(self, features: Features) -> float:
        weights = self.weights
        score = self.intercept
        for name, value in features.items():
            weight = weights.get(name)
            if weight is not None:
                score += weight * value
        return 1.0 / (1.0 + math.exp(-max(min(score, 30.0), -30.0)))

    def to_dict(self) -> dict[str, Any]:
        return {"intercept": self.intercept, "weights": dict(sorted(self.weights.items()))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        weights = {str(name): float(value) for name, value in data["weights"].items()}
        return cls(weights, float(data["intercept"]))


@dataclass(frozen=True)
class DecisionModel:
    """The subject, event, sentence, learned-event and country models, with the thresholds
    the event and sentence models decide at."""

    subject: LinearModel
    event: LinearModel
    threshold: float = 0.5
    sentence: dict[str, LinearModel] = field(default_factory=dict)
    sentence_threshold: float = 1.0
    learned: LinearModel | None = None
    country: LinearModel | None = None

    @cached_property
    def sentence_scorer(self) -> SentenceScorer:
        return SentenceScorer.of(self.sentence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject.to_dict(),
            "event": self.event.to_dict(),
            "threshold": self.threshold,
            "sentence": {name: model.to_dict() for name, model in sorted(self.sentence.items())},
            "sentence_threshold": self.sentence_threshold,
            "learned": self.learned.to_dict() if self.learned else None,
            "country": self.country.to_dict() if self.country else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DecisionModel:
        return cls(
            LinearModel.from_dict(data["subject"]),
            LinearModel.from_dict(data["event"]),
            float(data.get("threshold", 0.5)),
            {
                str(name): LinearModel.from_dict(model)
                for name, model in data.get("sentence", {}).items()
            },
            float(data.get("sentence_threshold", 1.0)),
            LinearModel.from_dict(data["learned"]) if data.get("learned") else None,
            LinearModel.from_dict(data["country"]) if data.get("country") else None,
        )


@dataclass(frozen=True)
class SentenceScorer:
    """The sentence models inverted, feature to (type, weight): a sentence is scored for
    every type in one pass over its features instead of one pass per type."""

    types: tuple[str, ...]
    intercepts: tuple[float, ...]
    table: dict[str, tuple[tuple[int, float], ...]]

    @classmethod
    def of(cls, models: dict[str, LinearModel]) -> SentenceScorer:
        types = tuple(sorted(models))
        table: dict[str, list[tuple[int, float]]] = {}
        for index, name in enumerate(types):
            for feature, weight in models[name].weights.items():
                table.setdefault(feature, []).append((index, weight))
        return cls(
            types,
            tuple(models[name].intercept for name in types),
            {feature: tuple(pairs) for feature, pairs in table.items()},
        )

    def above(self, features: Features, threshold: float) -> list[tuple[str, float]]:
        """The types whose probability reaches `threshold`, with it; the others cost no
        exponential (their score is compared with the threshold's log-odds)."""
        scores = list(self.intercepts)
        table = self.table
        for name, value in features.items():
            for index, weight in table.get(name, ()):
                scores[index] += weight * value
        if threshold >= 1.0:
            return []
        cut = math.log(threshold / (1.0 - threshold)) if threshold > 0.0 else -math.inf
        return [
            (self.types[index], 1.0 / (1.0 + math.exp(-min(score, 30.0))))
            for index, score in enumerate(scores)
            if score >= cut
        ]


def shipped_model_path() -> Path:
    """Where the package keeps its model (`havenwatch train` writes it there)."""
    return Path(__file__).with_name(MODEL_FILE)


@cache
def shipped_model() -> DecisionModel | None:
    """The model in the package, or None when none has been trained."""
    path = resources.files("havenwatch.monitor.extract").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    return DecisionModel.from_dict(json.loads(path.read_text("utf-8")))


def decide(model: DecisionModel, decision: Decision) -> None:
    """Choose the subject and accept or reject the trigger, in place. A lexicon trigger the
    rules accept with their choice as the only candidate needs no scoring; a learned one is
    always the event model's to accept."""
    if len(decision.candidates) == 1 and decision.candidates[0].rule and _rule_emits(decision):
        decision.chosen, decision.accepted, decision.scores = 0, True, [1.0]
        return
    decision.scores = [model.subject.probability(c.features) for c in decision.candidates]
    if decision.scores:
        decision.chosen = max(range(len(decision.scores)), key=decision.scores.__getitem__)
    features = event_features(decision, decision.chosen, _best(decision.scores))
    judge = model.event
    if decision.trigger.source != RULES:
        if model.learned is None:
            decision.accepted = False
            return
        judge = model.learned
    decision.probability = judge.probability(features)
    decision.accepted = decision.chosen is not None and (
        decision.probability >= model.threshold or _rule_emits(decision)
    )


def _rule_emits(decision: Decision) -> bool:
    return RULE_EMITS in decision.features and decision.trigger.source == RULES


def _best(scores: list[float]) -> float:
    return max(scores) if scores else 0.0


# --- Features ----------------------------------------------------------------------------


def candidate_features(
    analysis: Analysis,
    lexicon: Lexicon,
    trigger: Trigger,
    mention: Mention,
    clause: tuple[int, int],
    rule: bool,
    nearest: tuple[int | None, int | None],
) -> Features:
    """What tells the mention the trigger happened to from the others."""
    position = _position(trigger, mention)
    kind = mention.kind if not mention.members else "coordination"
    features: Features = {
        "rule": float(rule),
        f"kind={kind}": 1.0,
        f"role={mention.role}": 1.0,
        f"position={position}": 1.0,
        f"position={position}&kind={kind}": 1.0,
        f"position={position}&type={trigger.type}": 1.0,
        f"lang={analysis.language}&position={position}": 1.0,
    }
    flags = {
        "possessive": mention.possessive,
        "plural": mention.plural and not mention.members,
        "speaker": mention.speaker,
        "definite": mention.definite,
        "unresolved": mention.entity is None and not mention.members,
        "named": mention.kind == "name",
        "nearest_before": nearest[0] == mention.first,
        "nearest_after": nearest[1] == mention.first,
    }
    features.update({name: 1.0 for name, on in flags.items() if on})
    if position != "previous":
        features.update(_between(analysis, lexicon, trigger, mention, clause))
    case = _case(analysis, mention)
    if case:
        features[f"case={case}"] = 1.0
        features[f"case={case}&position={position}"] = 1.0
    if _speech_near(analysis, lexicon, mention):
        features["speech_near"] = 1.0
    return features


def _position(trigger: Trigger, mention: Mention) -> str:
    if mention.sentence != trigger.sentence:
        return "previous"
    if trigger.first <= mention.first < trigger.last:
        return "inside"
    return "after" if mention.first >= trigger.last else "before"


def _between(
    analysis: Analysis,
    lexicon: Lexicon,
    trigger: Trigger,
    mention: Mention,
    clause: tuple[int, int],
) -> Features:
    if mention.last <= trigger.first:
        first, last = mention.last, trigger.first
    else:
        first, last = trigger.last, mention.first
    first, last = min(first, last), max(first, last)
    distance = min(last - first, DISTANCE_CAP)
    texts = [token.text for token in analysis.tokens[first:last]]
    features: Features = {"distance": distance / DISTANCE_SCALE}
    bucket = next((b for b in DISTANCE_BUCKETS if distance <= b), DISTANCE_CAP)
    features[f"distance<={bucket}"] = 1.0
    separators = sum(1 for text in texts if text in SEPARATORS)
    if separators:
        features["separators"] = min(separators, 3) / 3
    if any(text in QUOTES for text in texts):
        features["quote_between"] = 1.0
    if any(text in BRACKETS for text in texts):
        features["bracket_between"] = 1.0
    if not clause[0] <= mention.first < clause[1]:
        features["other_clause"] = 1.0
    if any(first <= span.first and span.last <= last for span in _speech(analysis, lexicon)):
        features["speech_between"] = 1.0
    return features


def _speech(analysis: Analysis, lexicon: Lexicon) -> list[Span]:
    """The speech verbs of the text (`cues.speech`), found once."""
    spans = analysis.spans.get(SPEECH)
    if spans is None:
        spans = analysis.spans[SPEECH] = [
            analysis.span_of(match) for match in analysis.matches(lexicon.patterns("cues.speech"))
        ]
    return spans


def _speech_near(analysis: Analysis, lexicon: Lexicon, mention: Mention) -> bool:
    """ "X said", "said X", "по словам X", "rekao je X": the mention is a source."""
    bounds = analysis.sentences[mention.sentence]
    low = max(mention.first - SPEECH_REACH, bounds.first)
    high = min(mention.last + SPEECH_REACH, bounds.last)
    return any(
        (low <= span.first and span.last <= mention.first)
        or (mention.last <= span.first and span.last <= high)
        for span in _speech(analysis, lexicon)
    )


def _case(analysis: Analysis, mention: Mention) -> str | None:
    """The grammatical case of a Russian name's last word (pymorphy3's best reading)."""
    if analysis.language != "ru" or mention.kind != "name":
        return None
    return _russian_case(analysis.tokens[mention.last - 1].text)


@lru_cache(maxsize=65536)
def _russian_case(word: str) -> str | None:
    for parse in morph().parse(word)[:1]:
        case = parse.tag.case
        return str(case) if case in RUSSIAN_CASES else None
    return None


def trigger_features(
    analysis: Analysis, trigger: Trigger, reason: str | None, rule_emits: bool
) -> Features:
    """What tells a trigger that states an event from one that does not."""
    sentence = analysis.sentences[trigger.sentence]
    features: Features = {
        f"type={trigger.type}": 1.0,
        f"lang={analysis.language}": 1.0,
        f"blocked={reason}": 1.0,
        f"blocked={reason}&type={trigger.type}": 1.0,
    }
    if rule_emits:
        features[RULE_EMITS] = 1.0
        features[f"{RULE_EMITS}&type={trigger.type}"] = 1.0
    if sentence.heading:
        features["heading"] = 1.0
    if trigger.source != RULES:
        features["learned"] = 1.0
        features[f"learned&type={trigger.type}"] = 1.0
        features["learned_probability"] = trigger.score
    opening = [t.text for t in analysis.tokens[sentence.first : trigger.first] if t.text in QUOTES]
    if len(opening) % 2:
        features["quoted"] = 1.0
    return features


def event_features(decision: Decision, chosen: int | None, probability: float) -> Features:
    """The trigger's features with those of its chosen subject."""
    features = dict(decision.features)
    if chosen is None:
        features["no_candidate"] = 1.0
        return features
    candidate = decision.candidates[chosen]
    features["subject_probability"] = probability
    features["subject_is_rule"] = float(candidate.rule)
    for name in ("kind=", "role=", "position="):
        for key in candidate.features:
            if key.startswith(name) and "&" not in key:
                features[f"subject_{key}"] = 1.0
    for flag in ("unresolved", "plural", "speaker", "speech_near"):
        if flag in candidate.features:
            features[f"subject_{flag}"] = 1.0
    return features
