"""Negation and modality: triggers stated as not having happened, or as only possible.

"was not detained", "fears deportation", "could face an entry ban", "will appeal",
"не выслали", "može biti proteran" are not events. A cue counts when it stands in the
same clause before the trigger: a few words back for negation, a little further for
modality, past a short aside ("can, in serious cases, order"); a few cues deny a noun after
it ("запроса о выдаче пока не поступало",
`cues.negation_after`). Cue words that are part of a date ("in May 2024") or of a name
("u Nišu" read as "nisu") are not cues.
A sentence with a word of another sense of the triggers ("red card", "67th minute",
`cues.other_sense`) states no incident at all. A denial ("denied reports that",
"опровергли", "demantovao", `cues.denial`) denies every trigger after it in its sentence,
up to a contrasting word ("but", "но", "ali"). An arrest in absentia ("заочно арестовал",
`cues.in_absentia`) held nobody: detentions and custody rulings in its clause are dropped.
A question ("Was he told to leave?", "Вы обжаловали?") asks, it does not state.
"""

from __future__ import annotations

from functools import lru_cache

from havenwatch.monitor.extract.lexicon import Lexicon
from havenwatch.monitor.extract.model import Analysis, Trigger
from havenwatch.monitor.extract.registry import Resources, component

NEGATED = "negated"
MODAL = "modal"
OTHER_SENSE = "other_sense"
IN_ABSENTIA = "in_absentia"
QUESTION = "question"
CLOSERS = frozenset("\"'»”“)")
INSERTION_LENGTH = 5
NOT_AN_ACT_REACH = 4


@component("negation")
def mark_negation_and_modality(analysis: Analysis, resources: Resources) -> None:
    lexicon = resources.lexicon(analysis.language)
    negation_reach = int(resources.setting("negation_reach", 3))
    modality_reach = int(resources.setting("modality_reach", 8))
    dated = {
        index for span in analysis.spans.get("date", []) for index in range(span.first, span.last)
    }
    other_sense = _sentences_matching(analysis, lexicon, "cues.other_sense")
    absentia_types = frozenset(resources.setting("in_absentia_types", []))
    for trigger in analysis.triggers:
        if trigger.sentence in other_sense:
            trigger.blocked = OTHER_SENSE
            continue
        if is_question(analysis, trigger.sentence):
            trigger.blocked = QUESTION
            continue
        if _denied(analysis, lexicon, trigger):
            trigger.blocked = NEGATED
            continue
        if _not_an_act(analysis, lexicon, trigger):
            trigger.blocked = NEGATED
            continue
        if trigger.type in absentia_types and _in_absentia(analysis, lexicon, trigger):
            trigger.blocked = IN_ABSENTIA
            continue
        start = clause_start(analysis, lexicon, trigger.first)
        if _cue_before(
            analysis,
            lexicon,
            "cues.negation",
            trigger,
            max(start, trigger.first - negation_reach),
            dated,
        ) or _negated_after(analysis, lexicon, trigger, negation_reach):
            trigger.blocked = NEGATED
        elif _cue_before(
            analysis,
            lexicon,
            "cues.modality",
            trigger,
            max(_before_insertion(analysis, lexicon, start), trigger.first - modality_reach),
            dated,
        ):
            trigger.blocked = MODAL


def _sentences_matching(analysis: Analysis, lexicon: Lexicon, path: str) -> set[int]:
    """The sentences with a trigger where a pattern of `path` matches."""
    patterns = lexicon.patterns(path)
    found = set()
    for index in {trigger.sentence for trigger in analysis.triggers}:
        bounds = analysis.sentences[index]
        if patterns.first(analysis.window(bounds.first, bounds.last, index)) is not None:
            found.add(index)
    return found


def _denied(analysis: Analysis, lexicon: Lexicon, trigger: Trigger) -> bool:
    """A denial earlier in the sentence, with no contrasting word between it and the trigger."""
    first = analysis.sentences[trigger.sentence].first
    window = analysis.window(first, trigger.first, trigger.sentence)
    if not window:
        return False
    denials = list(lexicon.patterns("cues.denial").finditer(window))
    if not denials:
        return False
    contrasts = lexicon.words("cues.contrasts")
    after = analysis.token_at(analysis.offsets[first] + denials[-1].end)
    return not any(token.norm in contrasts for token in analysis.tokens[after : trigger.first])


def _not_an_act(analysis: Analysis, lexicon: Lexicon, trigger: Trigger) -> bool:
    """A trigger noun that names a thing or a stopped act, not one carried out: "deportation
    centre", "centar za deportaciju", "halted the deportation", "должны были депортировать"
    (`cues.not_an_act_before` / `cues.not_an_act_after`, per event type, right next to it)."""
    if trigger.type not in _not_an_act_types(lexicon):
        return False
    bounds = analysis.sentences[trigger.sentence]
    before = analysis.window(
        max(bounds.first, trigger.first - NOT_AN_ACT_REACH), trigger.first, trigger.sentence
    )
    after = analysis.window(
        trigger.last, min(bounds.last, trigger.last + NOT_AN_ACT_REACH), trigger.sentence
    )
    return any(
        match.label == trigger.type and match.end == len(before)
        for match in lexicon.patterns("cues.not_an_act_before").finditer(before)
    ) or any(
        match.label == trigger.type and match.start == 0
        for match in lexicon.patterns("cues.not_an_act_after").finditer(after)
    )


@lru_cache(maxsize=8)
def _not_an_act_types(lexicon: Lexicon) -> frozenset[str]:
    return frozenset(lexicon.section("cues.not_an_act_before")) | frozenset(
        lexicon.section("cues.not_an_act_after")
    )


def _in_absentia(analysis: Analysis, lexicon: Lexicon, trigger: Trigger) -> bool:
    start = clause_start(analysis, lexicon, trigger.first)
    end = clause_end(analysis, lexicon, trigger.last - 1)
    window = analysis.window(start, end, trigger.sentence)
    return bool(window) and lexicon.patterns("cues.in_absentia").first(window) is not None


def _negated_after(analysis: Analysis, lexicon: Lexicon, trigger: Trigger, reach: int) -> bool:
    """ "запроса о выдаче пока не поступало": a noun denied by what follows it."""
    end = min(clause_end(analysis, lexicon, trigger.last - 1), trigger.last + reach + 3)
    window = analysis.window(trigger.last, end, trigger.sentence)
    return bool(window) and lexicon.patterns("cues.negation_after").first(window) is not None


def _before_insertion(analysis: Analysis, lexicon: Lexicon, start: int) -> int:
    """Where a modal's reach begins when a short aside stands between it and the trigger:
    "courts can, in more serious cases, order a removal", "да ће ме, ако ме изруче,
    ухапсити": the clause before the aside."""
    if start < 2 or analysis.tokens[start - 1].text != ",":
        return start
    aside = clause_start(analysis, lexicon, start - 2)
    first = analysis.sentences[analysis.tokens[start].sentence].first
    if aside <= first or start - 1 - aside > INSERTION_LENGTH:
        return start
    if analysis.tokens[aside - 1].text != ",":
        return start
    return clause_start(analysis, lexicon, aside - 2) if aside >= 2 else start


def clause_start(analysis: Analysis, lexicon: Lexicon, index: int) -> int:
    """The first token of the clause that holds token `index`."""
    breaks = lexicon.words("cues.clause_breaks")
    first = analysis.sentences[analysis.tokens[index].sentence].first
    for position in range(index - 1, first - 1, -1):
        if analysis.tokens[position].norm in breaks:
            return position + 1
    return first


def clause_end(analysis: Analysis, lexicon: Lexicon, index: int) -> int:
    """One past the last token of the clause that holds token `index`."""
    breaks = lexicon.words("cues.clause_breaks")
    last = analysis.sentences[analysis.tokens[index].sentence].last
    for position in range(index + 1, last):
        if analysis.tokens[position].norm in breaks:
            return position
    return last


def _cue_before(
    analysis: Analysis,
    lexicon: Lexicon,
    path: str,
    trigger: Trigger,
    first: int,
    dated: set[int],
) -> bool:
    window = analysis.window(first, trigger.first, trigger.sentence)
    if not window:
        return False
    base = analysis.offsets[first]
    for match in lexicon.patterns(path).finditer(window):
        index = analysis.token_at(base + match.start)
        if index not in dated and not _proper_name(analysis, index):
            return True
    return False


def _proper_name(analysis: Analysis, index: int) -> bool:
    """A capitalised word inside a sentence is a name that only looks like a cue once
    diacritics are dropped: "u Nišu" is not "nisu" (are not)."""
    text = analysis.tokens[index].text
    if not text[:1].isupper() or text.isupper():
        return False
    first = analysis.sentences[analysis.tokens[index].sentence].first
    return any(token.text[:1].isalnum() for token in analysis.tokens[first:index])


def is_question(analysis: Analysis, sentence: int) -> bool:
    """Whether the sentence ends with a question mark (closing quotes aside)."""
    bounds = analysis.sentences[sentence]
    for index in range(bounds.last - 1, bounds.first - 1, -1):
        text = analysis.tokens[index].text
        if text not in CLOSERS:
            return text == "?"
    return False
