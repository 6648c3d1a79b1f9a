"""Event triggers: the words that state an event, from each language's `triggers.json`.

Each event type is scanned on its own, so one phrase can state two events ("her appeal
was rejected" is an `appeal` and a `court_decision`). A trigger that lies inside a longer
trigger of a type that `pipeline.json` says absorbs it is dropped ("ordered deported" is
an expulsion order, not a deportation), and so is one inside the name of an authority
("the Appeals Court", "Апелляционный суд", "Apelacioni sud").
"""

from __future__ import annotations

from havenwatch.monitor.extract.lexicon import Lexicon
from havenwatch.monitor.extract.model import Analysis, Trigger
from havenwatch.monitor.extract.registry import Resources, component


@component("triggers")
def find_triggers(analysis: Analysis, resources: Resources) -> None:
    lexicon = resources.lexicon(analysis.language)
    triggers = []
    for start, end in _sentences_with_triggers(analysis, lexicon):
        for event_type in lexicon.section("triggers"):
            patterns = lexicon.patterns(f"triggers.{event_type}")
            for match in patterns.finditer(analysis.matching, start, end):
                span = analysis.span_of(match)
                triggers.append(Trigger(event_type, span.first, span.last, span.sentence))
    absorbs: dict[str, list[str]] = resources.setting("absorbs", {})
    names = [(span.first, span.last) for span in analysis.spans.get("authority", [])]
    analysis.triggers = sorted(
        (
            trigger
            for trigger in triggers
            if not _absorbed(trigger, triggers, absorbs) and not _in_name(trigger, names)
        ),
        key=lambda trigger: (trigger.first, trigger.type),
    )


def _in_name(trigger: Trigger, names: list[tuple[int, int]]) -> bool:
    """The "appeals" of "the appeals court" names a body, it states no appeal."""
    return any(first <= trigger.first and trigger.last <= last for first, last in names)


def _sentences_with_triggers(analysis: Analysis, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Character bounds of the runs of consecutive sentences where some trigger matches.

    One scan with every pattern finds them; the per-type scans then run on those runs
    only. Patterns never cross a sentence break, so no trigger is missed, and adjacent
    sentences are scanned together. The scan itself skips sentences without a word that
    a trigger must contain (see `anchors`).
    """
    patterns = lexicon.patterns("triggers")
    runs: list[tuple[int, int]] = []
    last_sentence = -2
    for start, end in analysis.runs_holding(patterns.anchor):
        for match in patterns.finditer(analysis.matching, start, end):
            sentence = analysis.sentences[analysis.tokens[analysis.token_at(match.start)].sentence]
            if sentence.index == last_sentence:
                continue
            end_of_sentence = analysis.matching_end(sentence.last)
            if runs and sentence.index == last_sentence + 1:
                runs[-1] = (runs[-1][0], end_of_sentence)
            else:
                runs.append((analysis.offsets[sentence.first], end_of_sentence))
            last_sentence = sentence.index
    return runs


def _absorbed(trigger: Trigger, triggers: list[Trigger], absorbs: dict[str, list[str]]) -> bool:
    return any(
        trigger.type in absorbs.get(other.type, [])
        and other.first <= trigger.first
        and trigger.last <= other.last
        and (other.first, other.last) != (trigger.first, trigger.last)
        for other in triggers
    )
