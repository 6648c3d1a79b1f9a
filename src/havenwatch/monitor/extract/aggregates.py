"""Counted statements about several people: "at least a dozen Russian activists ...".

A count (digits, number words, "a dozen", "десяток", "desetak") followed within a few
words by a noun for people ("activists", "россиян", "aktivista") is an aggregate when the
sentence states an incident: an asserted or generic trigger, or a cue such as "similar
issues". Counts of protesters, signatories or entries never qualify, because those nouns
are not in the lexicon's `group_nouns`; ordinals never qualify, because they are not counts;
an exact count of as many people as the text names together ("Three Russians ... Gleb
Rusakov, Vera Khamzina and Ilya Tsvetkov") is an enumeration, not an aggregate. The types
are those stated in the count's clause, else in its sentence.
"""

from __future__ import annotations

from havenwatch.monitor.extract.counts import count_spans
from havenwatch.monitor.extract.events import GENERIC
from havenwatch.monitor.extract.lexicon import Lexicon
from havenwatch.monitor.extract.model import Aggregate, Analysis, Span
from havenwatch.monitor.extract.negation import clause_end, clause_start
from havenwatch.monitor.extract.registry import Resources, component

QUALIFIER_REACH = 3
ROW_SEPARATORS = ("|", ":")
PARTITIVE_LENGTH = 2


@component("aggregates")
def find_aggregates(analysis: Analysis, resources: Resources) -> None:
    lexicon = resources.lexicon(analysis.language)
    generic_types = sorted({t.type for t in analysis.triggers if t.blocked == GENERIC})
    all_types = sorted({t.type for t in analysis.triggers if t.blocked in (None, GENERIC)})
    enumerated = {len(mention.members) for mention in analysis.mentions if mention.kind == "name"}
    aggregates: list[Aggregate] = []
    for count_span in count_spans(analysis, lexicon):
        row = _table_row(analysis, lexicon, count_span)
        if analysis.sentences[count_span.sentence].heading and not row:
            continue
        group = _group_after(analysis, lexicon, count_span)
        if group is None and not row:
            continue
        partitive = _partitive(analysis, lexicon, count_span)
        types = _incident_types(analysis, lexicon, count_span, in_clause=partitive)
        count, qualifier = count_span.value
        if types is None or (qualifier == "exact" and count in enumerated):
            continue
        qualifier = _qualifier(analysis, lexicon, count_span) or qualifier
        if row and not types:
            continue
        aggregate = Aggregate(
            types or generic_types or all_types,
            count,
            qualifier,
            count_span.sentence,
            nationality=_nationality(analysis, count_span, group) if group else None,
            country=analysis.default_country,
        )
        if aggregate.types and not any(_same(aggregate, other) for other in aggregates):
            aggregates.append(aggregate)
    analysis.aggregates = aggregates


def _partitive(analysis: Analysis, lexicon: Lexicon, count: Span) -> bool:
    """ "four of them", "четверо из них", "četvoro od njih": a part of a group counted
    before."""
    window = analysis.window(count.last, count.last + PARTITIVE_LENGTH, count.sentence)
    found = lexicon.patterns("numbers.partitives").first(window)
    return found is not None and found.start == 0


def _table_row(analysis: Analysis, lexicon: Lexicon, count: Span) -> bool:
    """A row of a table or list that counts the people a measure named before it befell:
    "Refused entry at a border or airport | at least 31", "- otkaz boravka: desetak osoba".
    The count ends the line (a people noun aside) after a separator, with no sentence-final
    mark: the measure's label is the row's head, the people its column or noun."""
    sentence = analysis.sentences[count.sentence]
    if not sentence.heading:
        return False
    tokens = analysis.tokens
    head = [token.text for token in tokens[sentence.first : count.first]]
    if not any(mark in head for mark in ROW_SEPARATORS):
        return False
    rest = analysis.window(count.last, sentence.last, count.sentence)
    if not rest:
        return True
    found = lexicon.patterns("numbers.group_nouns").first(rest)
    return found is not None and found.start == 0 and found.end == len(rest)


def _group_after(analysis: Analysis, lexicon: Lexicon, count: Span) -> Span | None:
    reach = int(lexicon.section("numbers.max_gap") or QUALIFIER_REACH)
    end = _gap_end(analysis, lexicon, count, reach)
    window = analysis.window(count.last, end, count.sentence)
    match = lexicon.patterns("numbers.group_nouns").first(window)
    if match is None:
        return None
    return analysis.span_of(match, base=analysis.offsets[count.last])


def _gap_end(analysis: Analysis, lexicon: Lexicon, count: Span, reach: int) -> int:
    """Where the group noun may end: `reach` words after the count, not counting a list of
    nationalities ("two dozen Russian, Ukrainian and Belarusian activists")."""
    listed = lexicon.words("numbers.list_words")
    national = {
        index
        for span in analysis.spans_in("nationality", count.sentence)
        for index in range(span.first, span.last)
    }
    end, counted = count.last, 0
    last = analysis.sentences[count.sentence].last
    while end < last and counted <= reach:
        if end not in national and analysis.tokens[end].norm not in listed:
            counted += 1
        end += 1
    return end


def _incident_types(
    analysis: Analysis, lexicon: Lexicon, count: Span, *, in_clause: bool = False
) -> list[str] | None:
    """Types stated in the count's clause, else its sentence; [] when only a cue says so;
    None when nothing does. A part of a group counted before ("four of them agreed", "более
    десятка из них получили предписание") counts only with a type in its own clause."""
    sentence = count.sentence
    stated = [
        t for t in analysis.triggers if t.sentence == sentence and t.blocked in (None, GENERIC)
    ]
    clause = (
        clause_start(analysis, lexicon, count.first),
        clause_end(analysis, lexicon, count.first),
    )
    near = [t for t in stated if clause[0] <= t.first < clause[1]]
    if in_clause and not near:
        return None
    near = near or stated
    if near:
        return sorted({t.type for t in near})
    text = analysis.window(
        analysis.sentences[sentence].first, analysis.sentences[sentence].last, sentence
    )
    return [] if lexicon.patterns("cues.similar_incidents").first(text) else None


def _qualifier(analysis: Analysis, lexicon: Lexicon, count: Span) -> str | None:
    window = analysis.window(count.first - QUALIFIER_REACH, count.first, count.sentence)
    found = [
        m for m in lexicon.patterns("numbers.qualifiers").finditer(window) if m.end == len(window)
    ]
    return found[-1].label if found else None


def _nationality(analysis: Analysis, count: Span, group: Span) -> str | None:
    for span in analysis.spans_in("nationality", count.sentence):
        if count.last <= span.first < group.last:
            return str(span.value)
    return None


def _same(first: Aggregate, second: Aggregate) -> bool:
    return (first.count, first.qualifier) == (second.count, second.qualifier)
