"""Which state took a measure: the rules propose every state the report names, a model
trained on the labelled reports decides.

The rules' choice (`events._country`: the nearest place in the trigger's clause, else the
state the paragraph is set in, else the report's main state) is right for most events, but
its order of preference is written by hand and breaks where reports differ from it: a
deportation "to Tbilisi" from Antalya, a residence permit cancelled "in Bar" in a
Serbian-language interview, an arrest on landing back in Moscow. Each state the report names
becomes a candidate, described by where it is named relative to the trigger (its clause, its
sentence, the paragraph before, the headline, the rest of the report), in which role (the
place where something happens, the state entered, a destination, the state of origin or
citizenship), whether it is the subject's own state, a monitored host state or the report's
main state, and whether the rules chose it. The country model (`DecisionModel.country`)
scores the candidates; the best one is the event's country. Without a model the rules'
choice stands.
"""

from __future__ import annotations

from collections import Counter

from havenwatch.monitor.extract.model import Analysis, Features, Span, Trigger

CONTEXT_REACH = 3
NEAR = 3
Clause = tuple[int, int, int]


def country_candidates(
    analysis: Analysis,
    trigger: Trigger,
    clause: Clause,
    home: str | None,
    rule_choice: str | None,
    hosts: frozenset[str],
) -> dict[str, Features]:
    """Every state the report names (and the rules' choice), with its features."""
    places = analysis.spans.get("place", [])
    located = Counter(str(span.value[0]) for span in places)
    total = sum(located.values()) or 1
    codes = sorted(set(located) | {code for code in (rule_choice,) if code})
    candidates = {}
    for code in codes:
        features: Features = {}
        for span in places:
            if span.value[0] == code:
                scope = _scope(analysis, span, trigger, clause)
                if scope:
                    _mark(features, trigger.type, scope, str(span.value[1]), span, trigger)
        _describe_state(features, trigger.type, code, home, rule_choice, hosts, analysis)
        features["share"] = located[code] / total
        features["first_named"] = float(bool(places) and places[0].value[0] == code)
        candidates[code] = features
    _mark_nearest(candidates, analysis, trigger, places)
    return candidates


def choose_country(scores: dict[str, float], rule_choice: str | None) -> str | None:
    """The best-scoring candidate; ties keep the rules' choice, then the first code."""
    if not scores:
        return rule_choice
    best = max(scores.values())
    if rule_choice in scores and scores[rule_choice] >= best:
        return rule_choice
    return min(code for code, score in scores.items() if score >= best)


def _scope(analysis: Analysis, span: Span, trigger: Trigger, clause: Clause) -> str | None:
    """Where a place is named relative to the trigger."""
    if span.sentence == trigger.sentence:
        return "clause" if clause[0] <= span.first < clause[1] else "sentence"
    if analysis.sentences[span.sentence].heading:
        return "headline"
    if trigger.sentence - CONTEXT_REACH <= span.sentence < trigger.sentence:
        if _same_paragraph(analysis, span.sentence, trigger.sentence):
            return "paragraph"
        return "before"
    if span.sentence == trigger.sentence + 1:
        return "next"
    return None


def _same_paragraph(analysis: Analysis, first: int, last: int) -> bool:
    start, end = analysis.sentences[first].end, analysis.sentences[last].start
    return "\n\n" not in analysis.text[start:end]


def _mark(
    features: Features, event_type: str, scope: str, role: str, span: Span, trigger: Trigger
) -> None:
    for name in (f"{scope}:{role}", f"{event_type}:{scope}:{role}", f"in:{scope}"):
        features[name] = 1.0
    if scope in ("clause", "sentence"):
        side = "before" if span.last <= trigger.first else "after"
        features[f"{scope}:{role}:{side}"] = 1.0
        if side == "after" and span.first - trigger.last <= NEAR:
            features[f"right_after:{role}"] = 1.0
            features[f"{event_type}:right_after:{role}"] = 1.0


def _describe_state(
    features: Features,
    event_type: str,
    code: str,
    home: str | None,
    rule_choice: str | None,
    hosts: frozenset[str],
    analysis: Analysis,
) -> None:
    flags = {
        "home": code == home,
        "host": code in hosts,
        "main": code == analysis.default_country,
        "rule": code == rule_choice,
    }
    for name, value in flags.items():
        if value:
            features[name] = 1.0
            features[f"{event_type}:{name}"] = 1.0
            features[f"{analysis.language}:{name}"] = 1.0


def _mark_nearest(
    candidates: dict[str, Features], analysis: Analysis, trigger: Trigger, places: list[Span]
) -> None:
    """The state named nearest the trigger in its sentence, and the last one named before
    the trigger's sentence (the setting a narrative carries on in)."""
    inside = [span for span in places if span.sentence == trigger.sentence]
    if inside:
        nearest = min(inside, key=lambda span: _distance(span, trigger))
        candidates[str(nearest.value[0])]["nearest"] = 1.0
    earlier = [span for span in places if span.sentence < trigger.sentence]
    if earlier:
        candidates[str(earlier[-1].value[0])]["last_named_before"] = 1.0


def _distance(span: Span, trigger: Trigger) -> int:
    if span.last <= trigger.first:
        return trigger.first - span.last
    return max(span.first - trigger.last, 0)
