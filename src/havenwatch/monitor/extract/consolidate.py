"""Apply the annotation conventions that span several triggers.

- Being held at the border or airport and not admitted, and flown back, are part of the
  entry ban: a detention, deportation or departure of someone refused entry, stated in a
  sentence about a border, an airport or a flight back (`cues.border_episode`), is dropped.
- Leaving one's own country (fleeing Russia) is not a `departure` caused by a measure (nor
  is leaving any state outside `host_states`, whose nationality is then unstated), and
  a court of one's own country (a Moscow court remanding a returnee, sentencing an exile in
  absentia) tries a criminal case, not a measure: no `court_decision` or `appeal`.
- An event mentioned several times is one event: same person, same type, compatible dates.
  Custody is continuous: a person's detentions by one state are one detention dated by its
  start, whatever dates its sentences give, unless a later one is said to be another
  (`cues.repeated`: "again", "снова", "ponovo"); so is a state's extradition request. Each
  court ruling on custody (a sentence with a ruling and a `cues.custody` word: remand,
  extension, release) is a ruling of its own unless both give the same date; so is each
  act of a counted statement ("extended twice"), and so are rulings of different kinds (on
  an appeal, extending, releasing, remanding: `cues.ruling_kinds`). A measure named in a
  sentence that appeals against it or rules on it is the measure already reported, whatever
  date the review gives. Appeals to different bodies (a ministry, then a court) are
  different appeals, and the rulings of different bodies, stated in different sentences,
  different rulings.
- Appeals and court rulings alone, in a report that speaks of another kind of lawsuit
  (`cues.other_sense`: damages, defamation) or of another matter and no measure at all (a
  building permit, a tax dispute: `cues.other_matters`, nothing from
  `cues.reviewed_measures`), are not events.
- An event dated after the report ("tomorrow", "next week") has not happened yet.
- A measure against someone the text calls a security threat has national-security grounds.
- A heading only restates the report: its events lend their attributes to the person the
  report names, and are not events of their own.
- An event is about one identifiable person: someone named, or described by age or
  nationality. "A foreigner whose permit is cancelled", "he or she may appeal", "тот, кто не
  выехал" (a law explained, a generic case) describe nobody in particular.
"""

from __future__ import annotations

from havenwatch.monitor.extract.dates import FUTURE_DATE
from havenwatch.monitor.extract.model import Analysis, Entity, Event
from havenwatch.monitor.extract.negation import clause_end, clause_start
from havenwatch.monitor.extract.registry import Resources, component

BORDER_EPISODE = frozenset({"detention", "deportation", "departure"})
REVIEW_ONLY = frozenset({"appeal", "court_decision"})
CONTINUOUS = frozenset({"detention", "extradition_request"})
RULING = "court_decision"
DECISIONS = REVIEW_ONLY | {"asylum_decision"}
RULING_KINDS = ("review", "extension", "release", "remand")
HOME_STATE_EXCLUDED = frozenset({"departure", "appeal", "court_decision"})


@component("consolidate")
def consolidate_events(analysis: Analysis, resources: Resources) -> None:
    grounded = set(resources.setting("types_with_grounds", []))
    _merge_unnamed_into_named(analysis)
    nationality = {entity.id: entity.nationality for entity in analysis.entities}
    banned = {event.entity for event in analysis.events if event.type == "entry_ban"}
    at_border = _border_sentences(analysis, resources) if banned else set()
    repeated = (
        _cue_sentences(analysis, resources, "cues.repeated")
        if _any_twice(analysis.events, CONTINUOUS)
        else set()
    )
    rulings = (
        _custody_rulings(analysis, resources) if _any_twice(analysis.events, {RULING}) else set()
    )
    reviewed = _review_sentences(analysis.events)
    kinds = _ruling_kinds(analysis, resources) if _any_twice(analysis.events, {RULING}) else {}
    identifiable = {entity.id for entity in analysis.entities if _identifiable(entity)}
    hosts = frozenset(resources.lexicon(analysis.language).section("host_states") or [])
    kept: list[Event] = []
    for event in analysis.events:
        if analysis.sentences[event.sentence].heading or event.entity not in identifiable:
            continue
        if event.type in BORDER_EPISODE and event.entity in banned and event.sentence in at_border:
            continue
        if event.type in HOME_STATE_EXCLUDED and _in_home_state(event, nationality):
            continue
        if _leaves_another_state(event, hosts):
            continue
        if _after_publication(analysis, event):
            continue
        duplicate = next(
            (
                other
                for other in kept
                if _same_event(other, event, repeated, rulings, reviewed, kinds)
            ),
            None,
        )
        if duplicate is None:
            kept.append(event)
        else:
            _fill_gaps(duplicate, event)
    if _only_another_kind_of_lawsuit(analysis, resources, kept):
        kept = []
    _appeal_bodies_from_rulings(kept)
    designated = {event.entity for event in kept if event.type == "security_designation"}
    for event in kept:
        if event.grounds is None and event.entity in designated and event.type in grounded:
            event.grounds = "national_security"
    analysis.events = kept


def _appeal_bodies_from_rulings(events: list[Event]) -> None:
    """ "The Administrative Court rejected his lawsuit": a presupposed appeal went to the body
    that decided it in the same sentence."""
    for appeal in events:
        if appeal.type != "appeal" or appeal.authority is not None:
            continue
        ruling = next(
            (
                event
                for event in events
                if event.type in DECISIONS - {"appeal"}
                and (event.entity, event.sentence) == (appeal.entity, appeal.sentence)
                and event.authority is not None
            ),
            None,
        )
        if ruling is not None:
            appeal.authority = ruling.authority


def _leaves_another_state(event: Event, hosts: frozenset[str]) -> bool:
    """ "Все трое уехали из России в 2022 году": leaving a state that hosts no one the
    monitor follows is leaving one's own country, even when the person's nationality is
    not stated."""
    return event.type == "departure" and event.country is not None and event.country not in hosts


def _in_home_state(event: Event, nationality: dict[int, str | None]) -> bool:
    home = nationality.get(event.entity)
    return home is not None and event.country == home


def _after_publication(analysis: Analysis, event: Event) -> bool:
    """An event dated by a word for a time after the report ("Appeal goes in tomorrow",
    "next week the court will hear") has not happened yet."""
    if event.date is None or analysis.published is None:
        return False
    if not any(span.sentence == event.sentence for span in analysis.spans.get(FUTURE_DATE, [])):
        return False
    published = analysis.published.isoformat()[: len(event.date)]
    return event.date > published


def _identifiable(entity: Entity) -> bool:
    return bool(entity.names) or entity.nationality is not None or entity.age is not None


def _only_another_kind_of_lawsuit(
    analysis: Analysis, resources: Resources, events: list[Event]
) -> bool:
    """Appeals and rulings alone, in a report that speaks of another sense of them
    (`cues.other_sense`: damages, defamation), or of another matter (`cues.other_matters`:
    a building permit, a tax dispute) and of no measure they could review
    (`cues.reviewed_measures`: residence, entry, expulsion, asylum, extradition, custody),
    are not about a measure."""
    if not events or any(event.type not in REVIEW_ONLY for event in events):
        return False
    lexicon = resources.lexicon(analysis.language)
    if lexicon.patterns("cues.other_sense").first(analysis.matching) is not None:
        return True
    return (
        lexicon.patterns("cues.other_matters").first(analysis.matching) is not None
        and lexicon.patterns("cues.reviewed_measures").first(analysis.matching) is None
    )


def _border_sentences(analysis: Analysis, resources: Resources) -> set[int]:
    """Sentences that speak of a border, an airport or a flight back."""
    return _cue_sentences(analysis, resources, "cues.border_episode")


def _any_twice(events: list[Event], types: frozenset[str] | set[str]) -> bool:
    """Whether some person has two events of one of `types` (only then can they merge)."""
    seen: set[tuple[str, int]] = set()
    for event in events:
        key = (event.type, event.entity)
        if event.type in types and key in seen:
            return True
        seen.add(key)
    return False


def _custody_rulings(analysis: Analysis, resources: Resources) -> set[int]:
    """Sentences with a court ruling on custody: each is a ruling of its own."""
    rulings = {event.sentence for event in analysis.events if event.type == RULING}
    return rulings & _cue_sentences(analysis, resources, "cues.custody")


def _cue_sentences(analysis: Analysis, resources: Resources, path: str) -> set[int]:
    patterns = resources.lexicon(analysis.language).patterns(path)
    return {
        analysis.tokens[analysis.token_at(match.start)].sentence
        for match in analysis.matches(patterns)
    }


def _merge_unnamed_into_named(analysis: Analysis) -> None:
    """A headline's or lead's "Russian photographer" is the named person the report is about.

    An unnamed person whose event is also stated of a compatible named person is that
    person: their events and attributes move over.
    """
    entities = {entity.id: entity for entity in analysis.entities}
    named_types: dict[int, set[str]] = {}
    for event in analysis.events:
        if entities[event.entity].name:
            named_types.setdefault(event.entity, set()).add(event.type)
    protagonists = [entities[named] for named in named_types] or [
        entity for entity in entities.values() if entity.name
    ]
    for event in analysis.events:
        unnamed = entities[event.entity]
        if unnamed.name:
            continue
        target = next(
            (
                entities[named]
                for named, types in named_types.items()
                if event.type in types and _compatible(unnamed, entities[named])
            ),
            None,
        ) or _only_protagonist(unnamed, protagonists)
        if target is not None:
            _absorb(target, unnamed, analysis.events)


def _only_protagonist(unnamed: Entity, named: list[Entity]) -> Entity | None:
    """ "A Belarusian designer was refused entry ... Kuzmina, 34, said": a lone unnamed
    person in a report about one named person (the one with events, else the one named)
    is that person."""
    candidates = [entity for entity in named if entity.role is None]
    if len(candidates) != 1 or unnamed.role is not None:
        return None
    return candidates[0] if _compatible(unnamed, candidates[0]) else None


def _compatible(first: Entity, second: Entity) -> bool:
    return all(
        left is None or right is None or left == right
        for left, right in (
            (first.gender, second.gender),
            (first.nationality, second.nationality),
            (first.age, second.age),
        )
    )


def _absorb(target: Entity, merged: Entity, events: list[Event]) -> None:
    target.gender = target.gender or merged.gender
    target.nationality = target.nationality or merged.nationality
    target.age = target.age or merged.age
    for event in events:
        if event.entity == merged.id:
            event.entity = target.id


def _review_sentences(events: list[Event]) -> set[tuple[int, int]]:
    """(sentence, person) of appeals and rulings: the measure such a sentence names
    ("sued against the entry ban") is the one already reported, dated by the review."""
    return {(event.sentence, event.entity) for event in events if event.type in REVIEW_ONLY}


def _same_event(
    first: Event,
    second: Event,
    repeated: set[int],
    rulings: set[int],
    reviewed: set[tuple[int, int]],
    kinds: dict[int, str],
) -> bool:
    if (first.type, first.entity, first.country) != (second.type, second.entity, second.country):
        return False
    if first.occurrence != second.occurrence:
        return False
    if first.type in CONTINUOUS:
        return second.sentence not in repeated
    if first.type == RULING and _different_rulings(first, second, kinds):
        return False
    if first.type == RULING and first.sentence != second.sentence and second.sentence in rulings:
        return first.date == second.date or _restated_ruling(first, second, kinds)
    if first.type == "appeal" and None not in (first.authority, second.authority):
        return first.authority == second.authority
    if first.type not in DECISIONS and (second.sentence, second.entity) in reviewed:
        return True
    return _compatible_dates(first.date, second.date)


def _compatible_dates(first: str | None, second: str | None) -> bool:
    """Unknown, equal, or one the vaguer form of the other: "the second deportation ... this
    year" restates "deported on Saturday"."""
    if first is None or second is None:
        return True
    return first.startswith(second) or second.startswith(first)


def _restated_ruling(first: Event, second: Event, kinds: dict[int, str]) -> bool:
    """An undated custody ruling ("the court extended his detention") restates a dated one
    of the same kind ("last week the court extended it by a month")."""
    kind = kinds.get(id(first))
    return None in (first.date, second.date) and kind is not None and kind == kinds.get(id(second))


def _different_rulings(first: Event, second: Event, kinds: dict[int, str]) -> bool:
    """Rulings of different kinds (on an appeal, extending custody, releasing, remanding:
    `cues.ruling_kinds`), or, in different sentences, by different bodies (the ministry
    dismissed the appeal, then the court the lawsuit), are different rulings."""
    kind, other = kinds.get(id(first)), kinds.get(id(second))
    if kind is not None and other is not None and kind != other:
        return True
    return (
        first.sentence != second.sentence
        and None not in (first.authority, second.authority)
        and first.authority != second.authority
    )


def _ruling_kinds(analysis: Analysis, resources: Resources) -> dict[int, str]:
    """The kind of each court ruling, from the words of its clause."""
    lexicon = resources.lexicon(analysis.language)
    patterns = lexicon.patterns("cues.ruling_kinds")
    kinds = {}
    for event in analysis.events:
        if event.type != RULING:
            continue
        trigger = event.trigger
        first = clause_start(analysis, lexicon, trigger.first)
        window = analysis.window(
            first, clause_end(analysis, lexicon, trigger.last - 1), event.sentence
        )
        labels = {match.label for match in patterns.finditer(window)} if window else set()
        kind = next((label for label in RULING_KINDS if label in labels), None)
        if kind is not None:
            kinds[id(event)] = kind
    return kinds


def _fill_gaps(kept: Event, other: Event) -> None:
    kept.authority = kept.authority or other.authority
    kept.grounds = kept.grounds or other.grounds
    kept.date = _earlier(kept.date, other.date) if kept.type in CONTINUOUS else kept.date
    kept.date = _more_precise(kept.date, other.date)
    kept.deadline_days = (
        kept.deadline_days if kept.deadline_days is not None else other.deadline_days
    )


def _more_precise(first: str | None, second: str | None) -> str | None:
    if first is None or (second is not None and second.startswith(first)):
        return second
    return first


def _earlier(first: str | None, second: str | None) -> str | None:
    """The start of a continuous custody: the earlier of two dates (either may be missing)."""
    known = [date for date in (first, second) if date is not None]
    return min(known) if known else None
