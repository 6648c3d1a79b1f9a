"""Triggers the lexicon does not know, proposed by a model that learned what each event type
sounds like from the labelled reports.

The lexicon's patterns are precise but know only the phrasings someone wrote down: "refused
to extend her residence permit", "остали су без права на боравак" or "annulled the decision
requiring him to leave" state an event in words no pattern covers. For every event type the
decision model (`decision_model.json`) carries a logistic regression over the words of a
sentence (Snowball stems, pairs of neighbouring stems) and what the rules found in it
(authorities, grounds, deadlines, places, dates, counts, speech verbs; a body's name is
its span's label, not its words: "the Appeals Court" states no appeal), never its
triggers: a model that leans on them learns the lexicon back instead of the language. A sentence
with no trigger of a type whose score reaches the model's threshold gets one, placed on the
word that weighs most for that type, so the rest of the pipeline (negation, modality,
subjects, fields) treats it like any other trigger.

A sentence with a trigger of the type, or of a type that absorbs it (`pipeline.json`), is
left to the rules: the model adds what they miss and never competes with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import snowballstemmer

from havenwatch.monitor.extract.decisions import DecisionModel, LinearModel, shipped_model
from havenwatch.monitor.extract.model import Analysis, Features, Span, Trigger
from havenwatch.monitor.extract.registry import Resources, component

LEARNED = "learned"
STEMMERS = {"en": "english", "ru": "russian", "sr": "serbian"}
SPAN_KINDS = ("authority", "grounds", "deadline", "place", "date", "count", "speech")
LABELLED_SPANS = ("authority", "grounds")
MIN_WORD = 2


@component("learned_triggers")
def propose_triggers(analysis: Analysis, resources: Resources) -> None:
    model = _model(resources)
    if model is None or not model.sentence:
        return
    absorbs: dict[str, list[str]] = resources.setting("absorbs", {})
    covered = _covered_types(analysis, absorbs)
    spans = _spans_by_sentence(analysis)
    scorer = model.sentence_scorer
    proposed = []
    for sentence in analysis.sentences:
        if sentence.heading:
            continue
        features = sentence_features(analysis, sentence.index, spans.get(sentence.index, ()))
        for event_type, probability in scorer.above(features, model.sentence_threshold):
            if event_type in covered.get(sentence.index, ()):
                continue
            anchor = _anchor(analysis, sentence.index, model.sentence[event_type])
            if anchor is not None:
                proposed.append(
                    Trigger(
                        event_type,
                        anchor,
                        anchor + 1,
                        sentence.index,
                        source=LEARNED,
                        score=probability,
                    )
                )
    if proposed:
        analysis.triggers = sorted(
            analysis.triggers + proposed, key=lambda trigger: (trigger.first, trigger.type)
        )


def _model(resources: Resources) -> DecisionModel | None:
    """The model that proposes: one given for training (`proposals`, whatever decides),
    else the deciding model."""
    proposals = resources.setting("proposals", None)
    if isinstance(proposals, DecisionModel):
        return proposals
    if resources.setting("decisions", "rules") != "model":
        return None
    given = resources.setting("decision_model", None)
    return given if isinstance(given, DecisionModel) else shipped_model()


def _covered_types(analysis: Analysis, absorbs: dict[str, list[str]]) -> dict[int, set[str]]:
    """Per sentence, the types its rule triggers state or absorb."""
    covered: dict[int, set[str]] = {}
    for trigger in analysis.triggers:
        types = covered.setdefault(trigger.sentence, set())
        types.add(trigger.type)
        types.update(absorbs.get(trigger.type, ()))
    return covered


def sentence_features(
    analysis: Analysis, index: int, spans: Sequence[tuple[str, Span]] | None = None
) -> Features:
    """The words of a sentence and what the rules found in it, as model features; `spans`,
    the sentence's spans when the caller grouped them already."""
    sentence = analysis.sentences[index]
    language = analysis.language or "en"
    if spans is None:
        spans = _spans_by_sentence(analysis).get(index, ())
    names = _name_tokens(spans)
    features: Features = {}
    previous = ""
    for token in analysis.tokens[sentence.first : sentence.last]:
        stem = word_stem(token.norm, language) if token.index not in names else ""
        if not stem:
            previous = ""
            continue
        features[f"w={stem}"] = 1.0
        if previous:
            features[f"b={previous}_{stem}"] = 1.0
        previous = stem
    for kind, span in spans:
        features[f"span={kind}"] = 1.0
        if kind in LABELLED_SPANS:
            features[f"span={kind}:{span.label}"] = 1.0
    return features


def _name_tokens(spans: Sequence[tuple[str, Span]]) -> set[int]:
    """The words of a body's name ("the Appeals Court", "Апелляционный суд"): they name
    the body, which its span's label says, and state nothing."""
    return {
        token
        for kind, span in spans
        if kind == "authority"
        for token in range(span.first, span.last)
    }


def _spans_by_sentence(analysis: Analysis) -> dict[int, list[tuple[str, Span]]]:
    grouped: dict[int, list[tuple[str, Span]]] = {}
    for kind in SPAN_KINDS:
        for span in analysis.spans.get(kind, ()):
            grouped.setdefault(span.sentence, []).append((kind, span))
    return grouped


@lru_cache(maxsize=262144)
def word_stem(word: str, language: str) -> str:
    """The Snowball stem of a matching form; empty for punctuation and numbers."""
    if len(word) < MIN_WORD or not any(character.isalpha() for character in word):
        return ""
    return str(_stemmer(language).stemWord(word))


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(STEMMERS.get(language, "english"))


def _anchor(analysis: Analysis, index: int, weights: LinearModel) -> int | None:
    """The token whose stem weighs most for the type: where the trigger is said to be;
    never a word of a body's name."""
    sentence = analysis.sentences[index]
    language = analysis.language or "en"
    names = _name_tokens(_spans_by_sentence(analysis).get(index, ()))
    best, best_weight = None, 0.0
    for token in analysis.tokens[sentence.first : sentence.last]:
        if token.index in names:
            continue
        stem = word_stem(token.norm, language)
        weight = weights.weights.get(f"w={stem}", 0.0) if stem else 0.0
        if weight > best_weight:
            best, best_weight = token.index, weight
    return best
