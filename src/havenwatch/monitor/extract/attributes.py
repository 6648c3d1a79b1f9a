"""What an event's fields are read from: places, authorities, grounds and deadlines.

Each component leaves labelled spans on the analysis; `events` picks the ones that belong
to each event. Places are tagged with their role: a destination ("deported to Russia"),
a citizenship ("a citizen of Russia") or a neighbour ("the border with Hungary") never
names the state that took a measure, nor does the state an extradition goes to ("выдачу
России", "izručenje Ruskoj Federaciji"); a destination does for an entry ban ("refused entry
to Serbia"). An origin ("from Russia") is a citizenship right after a person, else the
place a measure was taken in ("deported from Serbia").
"""

from __future__ import annotations

import math
import re
from collections import Counter

from havenwatch.monitor.extract.lexicon import Lexicon
from havenwatch.monitor.extract.model import Analysis, Span
from havenwatch.monitor.extract.registry import Resources, component

LEADING_NUMBER = re.compile(r"(\d+)")
DESTINATION = "destination"
CITIZENSHIP = "citizenship"
ORIGIN = "origin"
LOCATION = "location"
NEIGHBOUR = "neighbour"
DEADLINE_CUE_WINDOW = 6
APPEAL_CUE_WINDOW = 4
HOURS_PER_DAY = 24
# The hand-written places, then every other state and main city (`extract/gazetteer.py`).
PLACE_SECTIONS = ("places.countries", "places.cities", "gazetteer.countries", "gazetteer.cities")
PREPOSITION_WINDOW = 3


@component("places")
def find_places(analysis: Analysis, resources: Resources) -> None:
    """Add `place` spans (value: ISO country code, role) and the document's default country;
    a report that names no host state is about the state of its language's press, where the
    lexicon names one (`places.unnamed_state`: Serbian reports speak of Serbia, even when
    they name the exile's home town), else about the state it names most."""
    lexicon = resources.lexicon(analysis.language)
    spans = [
        _tag_role(analysis, lexicon, analysis.span_of(match))
        for path in PLACE_SECTIONS
        for match in analysis.matches(lexicon.patterns(path))
    ]
    spans += _state_adjectives(analysis, lexicon)
    analysis.spans["place"] = sorted(spans, key=lambda span: span.first)
    hosts = lexicon.section("host_states") or []
    origins = lexicon.section("origin_states") or []
    analysis.default_country = (
        _default_country([span for span in spans if span.value[0] in hosts])
        or _default_country([span for span in spans if _elsewhere(span, origins)])
        or lexicon.section("places.unnamed_state")
        or _default_country(spans)
    )


def _elsewhere(span: Span, origins: list[str]) -> bool:
    """A state named as where things happen that is not a state exiles come from: a report
    about a removal from Thailand or a detention in Cyprus is about that state, whatever
    language it is written in and however often it names Russia."""
    return span.value[1] == LOCATION and span.value[0] not in origins


def _tag_role(analysis: Analysis, lexicon: Lexicon, span: Span) -> Span:
    before = analysis.window(span.first - PREPOSITION_WINDOW, span.first, span.sentence)
    role = LOCATION
    if _ends_with(before, lexicon, "places.neighbour"):
        role = NEIGHBOUR
    elif _ends_with(before, lexicon, "places.recipient_of") and _case_form(
        analysis, lexicon, span, "places.recipient_endings"
    ):
        role = DESTINATION
    elif _ends_with(before, lexicon, "places.destination"):
        role = (
            DESTINATION
            if _case_form(analysis, lexicon, span, "places.destination_endings")
            else LOCATION
        )
    elif _ends_with(before, lexicon, "people.citizen_of"):
        role = CITIZENSHIP
    elif _ends_with(before, lexicon, "people.origin_of"):
        role = ORIGIN
    return Span("place", span.first, span.last, span.sentence, (span.label, role))


def _ends_with(text: str, lexicon: Lexicon, path: str) -> bool:
    return any(match.end == len(text) for match in lexicon.patterns(path).finditer(text))


def _case_form(analysis: Analysis, lexicon: Lexicon, span: Span, path: str) -> bool:
    """Russian and Serbian mark a destination by the accusative ("в Россию", "u Rusiju") and
    the state an extradition goes to by the dative ("выдачу России", not "о выдаче Минск
    направил"); a language with no endings at `path` marks neither."""
    endings = lexicon.section(path)
    if not endings:
        return True
    word = analysis.tokens[span.last - 1].norm
    return any(word.endswith(ending) for ending in endings)


def _state_adjectives(analysis: Analysis, lexicon: Lexicon) -> list[Span]:
    """ "Serbian police", "российские власти": a nationality adjective naming a state, in
    the role its preposition gives it ("handed over to Russian officers" is a destination)."""
    state_nouns = lexicon.words("places.state_nouns")
    spans = []
    matches = [
        match
        for path in ("nationalities", "gazetteer.adjectives")
        for match in analysis.matches(lexicon.patterns(path))
    ]
    for match in matches:
        span = analysis.span_of(match)
        if span.last < len(analysis.tokens) and analysis.tokens[span.last].norm in state_nouns:
            spans.append(_tag_role(analysis, lexicon, span))
    return spans


def _default_country(spans: list[Span]) -> str | None:
    """The state named most often among `spans`, else the state entered.

    Called first with the monitored host states (`common/host_states.json`) only, then with
    the other states named as places where things happen: a report
    about an exile names his home state often, but it is the host state that takes the
    measures. A report that names a host state only as entered ("отказали во въезде в
    Сербию") is about that state.
    """
    counts = Counter(span.value[0] for span in spans if span.value[1] == LOCATION)
    entered = Counter(span.value[0] for span in spans if span.value[1] == DESTINATION)
    counts = counts or entered
    if not counts:
        return None
    best = max(counts.values())
    leaders = sorted(code for code, count in counts.items() if count == best)
    return "RS" if "RS" in leaders else leaders[0]


@component("authorities")
def find_authorities(analysis: Analysis, resources: Resources) -> None:
    _labelled_spans(analysis, resources.lexicon(analysis.language), "authorities", "authority")


@component("grounds")
def find_grounds(analysis: Analysis, resources: Resources) -> None:
    _labelled_spans(analysis, resources.lexicon(analysis.language), "grounds", "grounds")


def _labelled_spans(analysis: Analysis, lexicon: Lexicon, path: str, kind: str) -> None:
    analysis.spans[kind] = [
        analysis.span_of(match, match.label) for match in analysis.matches(lexicon.patterns(path))
    ]


@component("deadlines")
def find_deadlines(analysis: Analysis, resources: Resources) -> None:
    """Add `deadline` spans (value: days) for time limits to leave, not to appeal."""
    lexicon = resources.lexicon(analysis.language)
    numbers = {
        lexicon.normalize(word): value for word, value in lexicon.section("numbers.words").items()
    }
    spans = []
    for match in analysis.matches(lexicon.patterns("deadlines.units")):
        span = analysis.span_of(match)
        amount = _amount(analysis, span, numbers)
        if amount is None or not _is_leave_deadline(analysis, lexicon, span):
            continue
        days = (
            math.ceil(amount / HOURS_PER_DAY)
            if match.label == "hours"
            else amount * int(match.label)
        )
        spans.append(Span("deadline", span.first, span.last, span.sentence, days))
    analysis.spans["deadline"] = spans


def _amount(analysis: Analysis, span: Span, numbers: dict[str, int]) -> int | None:
    inner = LEADING_NUMBER.match(analysis.tokens[span.first].norm)
    if inner:
        return int(inner.group(1))
    if span.first == 0:
        return None
    before = analysis.tokens[span.first - 1].norm
    if before.isdigit():
        return int(before)
    return numbers.get(before)


def _is_leave_deadline(analysis: Analysis, lexicon: Lexicon, span: Span) -> bool:
    near = analysis.window(
        span.first - APPEAL_CUE_WINDOW, span.last + APPEAL_CUE_WINDOW, span.sentence
    )
    if lexicon.patterns("deadlines.appeal_cues").first(near):
        return False
    around = analysis.window(
        span.first - DEADLINE_CUE_WINDOW, span.last + DEADLINE_CUE_WINDOW, span.sentence
    )
    return lexicon.patterns("deadlines.leave_cues").first(around) is not None
