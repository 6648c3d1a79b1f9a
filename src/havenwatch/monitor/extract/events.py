"""From triggers to events: who each one happened to, and its fields.

The subject of a trigger is, in order of preference: a mention inside the trigger
("refused her entry"), the object right after it ("detained Petrov"), the nearest mention
before it in the sentence (a relative only when nobody else is there), the nearest after
it, and, in a sentence that mentions nobody but lawyers and officials, the person the
previous sentences were about (Russian and Serbian drop subject pronouns: "Uhapšena je u
utorak"; "the lawyer filed an appeal" is the client's appeal). A plural
subject ("activists", "some", "they") makes the trigger a generic statement.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import lru_cache

from havenwatch.monitor.extract.attributes import DESTINATION, LOCATION, ORIGIN
from havenwatch.monitor.extract.countries import choose_country, country_candidates
from havenwatch.monitor.extract.counts import count_spans
from havenwatch.monitor.extract.decisions import (
    DecisionModel,
    candidate_features,
    decide,
    shipped_model,
    trigger_features,
)
from havenwatch.monitor.extract.lexicon import Lexicon
from havenwatch.monitor.extract.model import (
    Analysis,
    Candidate,
    Decision,
    Event,
    Mention,
    Span,
    Trigger,
)
from havenwatch.monitor.extract.negation import (
    clause_end,
    clause_start,
    is_question,
)
from havenwatch.monitor.extract.registry import Resources, component
from havenwatch.monitor.extract.sentences import starts_list_item

GENERIC = "generic"
OBJECT_REACH = 2
FOCUS_REACH = 2
EXCLUDED_ROLES = ("lawyer", "official")
ENTERED = (LOCATION, DESTINATION, ORIGIN)
TAKEN_IN = (LOCATION, ORIGIN)
CONTEXT_REACH = 3
CONTEXT_ROLES = {"entry_ban": (DESTINATION, LOCATION)}
HOME_STATE_TYPES = ("detention", "extradition_request")
Clause = tuple[int, int, int]
REPEATABLE = frozenset({"court_decision", "appeal"})
APPEALED_AGAINST_REACH = 4
REVIEWS = REPEATABLE
MAX_TIMES = 3
DECISIONS = frozenset(
    {
        "residence_revoked",
        "residence_denied",
        "expulsion_order",
        "entry_ban",
        "security_designation",
        "court_decision",
        "asylum_decision",
    }
)
COURT = "court"
APPEALED_OBJECT = "appealed_object"
APPEALABLE = frozenset(
    {"residence_revoked", "residence_denied", "expulsion_order", "entry_ban", "deportation"}
)


@component("events")
def assemble_events(analysis: Analysis, resources: Resources) -> None:
    lexicon = resources.lexicon(analysis.language)
    grounded = set(resources.setting("types_with_grounds", []))
    events = []
    clauses = _trigger_clauses(analysis, lexicon)
    obliques = lexicon.words("people.oblique_prepositions")
    counted = {span.last: span.value for span in count_spans(analysis, lexicon)}
    appealed = _appealed_measures(analysis, lexicon)
    model = _decision_model(resources)
    by_sentence: dict[int, list[Mention]] = {}
    for mention in analysis.mentions:
        by_sentence.setdefault(mention.sentence, []).append(mention)
    for trigger in analysis.triggers:
        if trigger.blocked:
            continue
        if id(trigger) in appealed and _names_another_decision(analysis, trigger):
            trigger.blocked = APPEALED_OBJECT
            continue
        entities = _decided_entities(analysis, lexicon, trigger, obliques, model, by_sentence)
        if not entities:
            trigger.blocked = GENERIC
            continue
        clause = clauses[id(trigger)]
        others = [
            other
            for key, other in clauses.items()
            if other[2] == trigger.sentence and other[:2] != clause[:2] and key != id(trigger)
        ]
        times = _times(analysis, lexicon, trigger, clause, counted)
        if times == 0:
            trigger.blocked = GENERIC
            continue
        for entity in entities:
            event = Event(trigger.type, entity, trigger.sentence, trigger)
            _fill_fields(analysis, lexicon, event, clause, others, trigger.type in grounded)
            _decide_country(event, model)
            if id(trigger) in appealed and event.authority == COURT:
                event.authority = None
            if not _arrival(analysis, event, clause):
                events.append(event)
                events += [
                    replace(event, date=None, occurrence=occurrence)
                    for occurrence in range(1, times)
                ]
    _dates_stated_after(
        analysis, lexicon, [event for event in events if id(event.trigger) not in appealed]
    )
    analysis.events = events


def _appealed_measures(analysis: Analysis, lexicon: Lexicon) -> set[int]:
    """The measures named as what an appeal earlier in their sentence challenges ("sued the
    police over the cancellation of his permit", "žalbu na rešenje o otkazu boravka", "the
    lawsuit of X, 34, against the police decision ordering her to leave"): presupposed, but
    the court of their sentence is the one appealed to, not the one that decided them."""
    against = lexicon.patterns("cues.appealed_against")
    appealed = {
        trigger.sentence: trigger.last
        for trigger in reversed(analysis.triggers)
        if trigger.type == "appeal"
    }
    found = set()
    for trigger in analysis.triggers:
        if (
            trigger.type not in APPEALABLE
            or appealed.get(trigger.sentence, trigger.last) > trigger.first
        ):
            continue
        first = max(appealed[trigger.sentence], trigger.first - APPEALED_AGAINST_REACH)
        window = analysis.window(first, trigger.first, trigger.sentence)
        if window and against.first(window) is not None:
            found.add(id(trigger))
    return found


def _names_another_decision(analysis: Analysis, trigger: Trigger) -> bool:
    """ "žalba na rešenje o otkazu boravka": a noun phrase naming the cancellation names
    one decision; the order to leave that the same words could state is not another."""
    return trigger.type == "expulsion_order" and any(
        other.type in ("residence_revoked", "residence_denied")
        and other.first < trigger.last
        and trigger.first < other.last
        for other in analysis.triggers
    )


def _dates_stated_after(analysis: Analysis, lexicon: Lexicon, events: list[Event]) -> None:
    """ "Полиција му је отказала боравак. Одлука је донета 3. децембра.": a sentence that
    only dates a decision (`cues.decision_dated`) dates the undated decisions of the
    sentence before it (not a measure an appeal there challenges: it came before)."""
    undated = [event for event in events if event.date is None and event.type in DECISIONS]
    following = {event.sentence + 1 for event in undated} - {
        trigger.sentence for trigger in analysis.triggers if not trigger.blocked
    }
    if not following:
        return
    patterns = lexicon.patterns("cues.decision_dated")
    for sentence in sorted(following & set(range(len(analysis.sentences)))):
        dates = [span.value for span in analysis.spans_in("date", sentence) if span.value]
        bounds = analysis.sentences[sentence]
        window = analysis.window(bounds.first, bounds.last, sentence)
        if dates and patterns.first(window) is not None:
            for event in undated:
                if event.sentence == sentence - 1:
                    event.date = str(dates[0])


def _times(
    analysis: Analysis,
    lexicon: Lexicon,
    trigger: Trigger,
    clause: Clause,
    counted: dict[int, tuple[int, str]],
) -> int:
    """How many acts a trigger states: "extended his custody twice", "дважды продлил", "dva
    puta je produžio" (`cues.times`), or a small exact count before its first or last word
    ("two appeals"). A larger or vague count ("more than 150 appeals were filed", "podneto
    više od 150 žalbi") states no act of one person: 0."""
    if trigger.type not in REPEATABLE:
        return 1
    count = counted.get(trigger.first) or counted.get(trigger.last - 1)
    if count is not None:
        value, qualifier = count
        return value if qualifier == "exact" and value <= MAX_TIMES else 0
    window = analysis.window(clause[0], clause[1], trigger.sentence)
    found = lexicon.patterns("cues.times").first(window) if window else None
    return int(found.label) if found else 1


def _trigger_clauses(analysis: Analysis, lexicon: Lexicon) -> dict[int, Clause]:
    """The clause (first token, end, sentence) of every asserted trigger."""
    return {
        id(trigger): _clause(analysis, lexicon, trigger)
        for trigger in analysis.triggers
        if not trigger.blocked
    }


def _clause(analysis: Analysis, lexicon: Lexicon, trigger: Trigger) -> Clause:
    return (
        clause_start(analysis, lexicon, trigger.first),
        clause_end(analysis, lexicon, trigger.last - 1),
        trigger.sentence,
    )


def _decision_model(resources: Resources) -> DecisionModel | None:
    """The model that decides (`pipeline.json`'s `decisions`: "model" or "rules")."""
    if resources.setting("decisions", "rules") != "model":
        return None
    given = resources.setting("decision_model", None)
    return given if isinstance(given, DecisionModel) else shipped_model()


def _decided_entities(
    analysis: Analysis,
    lexicon: Lexicon,
    trigger: Trigger,
    obliques: frozenset[str],
    model: DecisionModel | None,
    by_sentence: dict[int, list[Mention]],
) -> tuple[int, ...]:
    """Whom the trigger's event happened to, or nobody when it states none. The rules'
    choice is recorded with the other candidates (`analysis.decisions`); where a model is
    configured it chooses among them and decides whether there is an event at all."""
    rule = _subject(analysis, trigger, obliques)
    rule_entities = _subject_entities(rule)
    mentions = _candidate_mentions(analysis, trigger, rule, by_sentence)
    if model is not None and rule_entities and mentions == [rule] and trigger.source == "rules":
        return rule_entities  # nothing to choose between
    decision = _decision(analysis, lexicon, trigger, mentions, rule, bool(rule_entities))
    analysis.decisions.append(decision)
    if model is None:
        return rule_entities
    decide(model, decision)
    if not decision.accepted or decision.chosen is None:
        return ()
    return _subject_entities(decision.candidates[decision.chosen].mention)


def _candidate_mentions(
    analysis: Analysis,
    trigger: Trigger,
    rule: Mention | None,
    by_sentence: dict[int, list[Mention]],
) -> list[Mention]:
    """Everyone the trigger's sentence mentions but officials (presidents and ministers
    named in passing: never whom a measure befell), the person the previous sentences were
    about, and the rules' choice."""
    mentions = [
        mention
        for mention in by_sentence.get(trigger.sentence, ())
        if (mention.entity is not None or mention.plural) and mention.role != "official"
    ]
    focus = _focus(analysis, trigger.sentence)
    if focus is not None and all(focus is not mention for mention in mentions):
        mentions.append(focus)
    if rule is not None and all(rule is not mention for mention in mentions):
        mentions.append(rule)
    return mentions


def _decision(
    analysis: Analysis,
    lexicon: Lexicon,
    trigger: Trigger,
    mentions: list[Mention],
    rule: Mention | None,
    emits: bool,
) -> Decision:
    start, end, _ = _clause(analysis, lexicon, trigger)
    before = [
        m.first for m in mentions if m.sentence == trigger.sentence and m.last <= trigger.first
    ]
    after = [
        m.first for m in mentions if m.sentence == trigger.sentence and m.first >= trigger.last
    ]
    nearest = (max(before) if before else None, min(after) if after else None)
    candidates = [
        Candidate(
            mention,
            candidate_features(
                analysis, lexicon, trigger, mention, (start, end), mention is rule, nearest
            ),
            mention is rule,
        )
        for mention in mentions
    ]
    features = trigger_features(analysis, trigger, trigger.blocked, emits)
    return Decision(trigger, trigger.blocked, candidates, features)


def _arrival(analysis: Analysis, event: Event, clause: Clause) -> bool:
    """ "уехал в Сербию", "fled to Serbia": going to the state is no departure from it."""
    if event.type != "departure":
        return False
    return any(
        span.value == (event.country, DESTINATION) and clause[0] <= span.first < clause[1]
        for span in analysis.spans_in("place", event.sentence)
    )


def _subject_entities(subject: Mention | None) -> tuple[int, ...]:
    """Whom the event happened to: the subject, or each member of the group it names."""
    if subject is None:
        return ()
    if subject.members:
        return subject.members
    if subject.plural or subject.entity is None:
        return ()
    return (subject.entity,)


def _fill_fields(
    analysis: Analysis,
    lexicon: Lexicon,
    event: Event,
    clause: Clause,
    others: list[Clause],
    has_grounds: bool,
) -> None:
    trigger = event.trigger
    home = _nationality(analysis, event.entity)
    event.country = _country(analysis, lexicon, trigger, clause, home)
    event.countries = country_candidates(
        analysis, trigger, clause, home, event.country, _host_states(lexicon)
    )
    event.authority = _authority(analysis, lexicon, trigger, clause, others)
    event.grounds = _grounds(analysis, trigger) if has_grounds else None
    event.date = _nearest_text(analysis.spans_in("date", trigger.sentence), trigger)
    if trigger.type == "expulsion_order":
        event.deadline_days = _nearest_number(
            analysis.spans_in("deadline", trigger.sentence), trigger
        )


def _decide_country(event: Event, model: DecisionModel | None) -> None:
    """The country model's choice among the states the report names, where there is one."""
    if model is None or model.country is None or not event.countries:
        return
    scores = {
        code: model.country.probability(features) for code, features in event.countries.items()
    }
    event.country = choose_country(scores, event.country)


def _subject(analysis: Analysis, trigger: Trigger, obliques: frozenset[str]) -> Mention | None:
    mentions = [
        mention
        for mention in analysis.mentions
        if mention.sentence == trigger.sentence and mention.role not in EXCLUDED_ROLES
    ]
    inside = [m for m in mentions if trigger.first <= m.first < trigger.last]
    if inside:
        # "наложила руском активисти Денису Малову да напусти": the name, not the plural-looking
        # description before it (a dative singular reads as a nominative plural)
        return next((m for m in inside if m.kind == "name"), inside[0])
    after = [
        m
        for m in mentions
        if trigger.last <= _start(m) <= trigger.last + OBJECT_REACH
        and not any(token.norm in obliques for token in analysis.tokens[trigger.last : m.first])
    ]
    if after and not _break_between(analysis, trigger.last, after[0].first):
        return after[0]
    before = [
        m for m in mentions if m.last <= trigger.first and not _determiner(analysis, m, mentions)
    ]
    if before:
        direct = [m for m in before if m.role != "relative" and not m.possessive] or before
        return direct[-1]
    following = [m for m in mentions if m.first >= trigger.last]
    if following:
        return following[0]
    return _focus(analysis, trigger.sentence)


def _start(mention: Mention) -> int:
    """Where a mention begins, with a description set right before a name ("deported the
    Russian street artist Lev Tarkhanov": the object stands right after the verb)."""
    return mention.lead if mention.lead >= 0 else mention.first


def _determiner(analysis: Analysis, mention: Mention, mentions: list[Mention]) -> bool:
    """ "his" in "two of his colleagues were banned", "његова" in "његова супруга
    Наталија" speak of whose, not of whom."""
    if mention.kind != "pronoun":
        return False
    described = {
        span.first
        for kind in ("nationality", "person_noun")
        for span in analysis.spans_in(kind, mention.sentence)
    }
    described |= {other.first for other in mentions if other.kind in ("group", "description")}
    return mention.last in described


def _break_between(analysis: Analysis, first: int, last: int) -> bool:
    return any(token.text in ",;:()" for token in analysis.tokens[first:last])


def _focus(analysis: Analysis, sentence: int) -> Mention | None:
    """The person the previous sentences were about; an interviewer's questions in between
    do not count ("Did you appeal? – Yes, the lawyer filed a complaint"), nor does an earlier
    item of a list ("- Panov detained. / - Residence permit revoked.")."""
    previous = [
        index
        for index in range(sentence - 1, _item_start(analysis, sentence) - 1, -1)
        if not is_question(analysis, index)
    ][:FOCUS_REACH]
    earlier = [
        mention
        for mention in analysis.mentions
        if mention.sentence in previous and mention.role not in EXCLUDED_ROLES
    ]
    if not earlier:
        return None
    last = earlier[-1]
    return None if last.plural else last


def _item_start(analysis: Analysis, sentence: int) -> int:
    """The first sentence the focus may reach back to: the list item `sentence` is in."""
    floor = max(sentence - 2 * FOCUS_REACH, 0)
    for index in range(sentence, floor - 1, -1):
        if starts_list_item(analysis, index):
            return index
    return floor


def _country(
    analysis: Analysis, lexicon: Lexicon, trigger: Trigger, clause: Clause, home: str | None
) -> str | None:
    """The state that took the measure: the nearest place in the clause, else the
    document's main state. The subject's own state only detains or requests extradition:
    "asked for asylum, saying he would be prosecuted in Russia" is not Russia's measure."""
    roles = ENTERED if trigger.type == "entry_ban" else TAKEN_IN
    excluded = None if trigger.type in HOME_STATE_TYPES else home
    places = [
        span
        for span in analysis.spans_in("place", trigger.sentence)
        if span.value[1] in roles
        and clause[0] <= span.first < clause[1]
        and span.value[0] != excluded
    ]
    if trigger.type == "extradition_request":
        foreign = [span for span in places if span.value[0] != analysis.default_country]
        if foreign:
            return str(_nearest(foreign, trigger).value[0])
    if places:
        return str(_nearest(places, trigger).value[0])
    if trigger.type in REVIEWS and _set_in(analysis, trigger, clause, roles, home):
        return home
    hosts = _host_states(lexicon) - {home}
    return _context_state(analysis, trigger, hosts) or _main_state(analysis, excluded)


def _set_in(
    analysis: Analysis, trigger: Trigger, clause: Clause, roles: tuple[str, ...], home: str | None
) -> bool:
    """ "обжаловал приговор в суде в Москве": a review set in the subject's own state (a
    criminal case there, which consolidation drops)."""
    return home is not None and any(
        span.value == (home, role) and clause[0] <= span.first < clause[1]
        for span in analysis.spans_in("place", trigger.sentence)
        for role in roles
    )


@lru_cache(maxsize=8)
def _host_states(lexicon: Lexicon) -> frozenset[str]:
    return frozenset(lexicon.section("host_states") or [])


def _context_state(analysis: Analysis, trigger: Trigger, hosts: frozenset[str]) -> str | None:
    """The host state the previous sentences of the paragraph were set in: "In November I
    was stopped at Zvartnots airport. I was held for six hours." An entry ban looks for the
    state entered."""
    roles = CONTEXT_ROLES.get(trigger.type, (LOCATION,))
    for sentence in range(trigger.sentence - 1, max(trigger.sentence - CONTEXT_REACH, 0) - 1, -1):
        if analysis.sentences[sentence].heading or _paragraph_break(analysis, sentence):
            return None
        for role in roles:
            states = [
                span.value[0]
                for span in analysis.spans_in("place", sentence)
                if span.value[1] == role and span.value[0] in hosts
            ]
            if states:
                return str(states[-1])
    return None


def _paragraph_break(analysis: Analysis, sentence: int) -> bool:
    """Whether a blank line follows `sentence`."""
    following = analysis.sentences[sentence + 1].start
    return "\n\n" in analysis.text[analysis.sentences[sentence].end : following]


def _main_state(analysis: Analysis, excluded: str | None) -> str | None:
    if analysis.default_country != excluded or excluded is None:
        return analysis.default_country
    counts = Counter(
        span.value[0]
        for span in analysis.spans.get("place", [])
        if span.value[1] == LOCATION and span.value[0] != excluded
    )
    return counts.most_common(1)[0][0] if counts else None


def _nationality(analysis: Analysis, entity: int) -> str | None:
    return next((item.nationality for item in analysis.entities if item.id == entity), None)


def _own_spans(spans: list[Span], clause: Clause, others: list[Clause]) -> list[Span]:
    """Spans in the trigger's clause; else those of the sentence that do not lie in the
    clause of another trigger ("detained on 18 May; the court dismissed his complaint")."""
    inside = [span for span in spans if clause[0] <= span.first < clause[1]]
    if inside:
        return inside
    return [
        span for span in spans if not any(other[0] <= span.first < other[1] for other in others)
    ]


def _authority(
    analysis: Analysis, lexicon: Lexicon, trigger: Trigger, clause: Clause, others: list[Clause]
) -> str | None:
    spans = _own_spans(analysis.spans_in("authority", trigger.sentence), clause, others)
    if trigger.type == "appeal":
        spans = [
            span
            for span in spans
            if span.first >= trigger.last
            and (span.value == "court" or not _appealed_against(analysis, lexicon, span))
        ]
    return _nearest_text(spans, trigger)


def _appealed_against(analysis: Analysis, lexicon: Lexicon, span: Span) -> bool:
    """An appeal names the body appealed to ("a complaint to the ministry", "жалобу в
    Комиссию", "žalbu Komisiji za azil"), but also the body whose decision it challenges
    ("against the police decision", "на решение полиции", "protiv rešenja MUP-a"): only a
    court is always the former."""
    before = analysis.window(span.first - APPEALED_AGAINST_REACH, span.first, span.sentence)
    return bool(lexicon.patterns("cues.appealed_against").first(before))


def _grounds(analysis: Analysis, trigger: Trigger) -> str | None:
    found = _nearest_text(analysis.spans_in("grounds", trigger.sentence), trigger)
    if found is None and trigger.type == "security_designation":
        return "national_security"
    return found


def _nearest(spans: list[Span], trigger: Trigger) -> Span:
    return min(spans, key=lambda span: _distance(span, trigger))


def _nearest_text(spans: list[Span], trigger: Trigger) -> str | None:
    valued = [span for span in spans if isinstance(span.value, str)]
    return str(_nearest(valued, trigger).value) if valued else None


def _nearest_number(spans: list[Span], trigger: Trigger) -> int | None:
    valued = [span for span in spans if isinstance(span.value, int)]
    return int(_nearest(valued, trigger).value) if valued else None


def _distance(span: Span, trigger: Trigger) -> int:
    if span.last <= trigger.first:
        return trigger.first - span.last
    if span.first >= trigger.last:
        return span.first - trigger.last
    return 0
