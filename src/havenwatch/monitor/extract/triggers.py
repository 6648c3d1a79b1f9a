"""Event triggers: the words that state an event, from each language's `triggers.json`.

Each event type is scanned on its own, so one phrase can state two events ("her appeal
was rejected" is an `appeal` and a `court_decision`). A trigger that lies inside a longer
trigger of a type that `pipeline.json` says absorbs it is dropped ("ordered deported" is
an expulsion order, not a deportation), and so is one inside the name of an authority
("the Appeals Court", "Апелляционный суд", "Apelacioni sud"). Each type's scan reads only
the sentences that hold a word its patterns need (`Analysis.matches`).
"""

from __future__ import annotations

from havenwatch.monitor.extract.model import Analysis, Trigger
from havenwatch.monitor.extract.registry import Resources, component


@component("triggers")
def find_triggers(analysis: Analysis, resources: Resources) -> None:
    lexicon = resources.lexicon(analysis.language)
    triggers = []
    for event_type in lexicon.section("triggers"):
        for match in analysis.matches(lexicon.patterns(f"triggers.{event_type}")):
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


def _absorbed(trigger: Trigger, triggers: list[Trigger], absorbs: dict[str, list[str]]) -> bool:
    return any(
        trigger.type in absorbs.get(other.type, [])
        and other.first <= trigger.first
        and trigger.last <= other.last
        and (other.first, other.last) != (trigger.first, trigger.last)
        for other in triggers
    )
