"""Mentions of people: names, descriptions, pronouns and plural groups.

A name is a run of capitalised words that no lexicon claims (places, dates, authorities,
nationalities, organisation words) with a first name or a surname's ending in it, or,
for names of any origin, a person noun before it or an age after it ("activist John
Smith", "Ahmed Karimi, 41,"). Quoted titles and single words after a locative
preposition ("from Rostov") are not names, nor are organisations and outlets in any
case form (`organisations`: "the Kremlin", "Радија Слободна Европа", "MUP-a");
presidents and ministers named in passing (`public_figures`) are officials, never
subjects. A description is a person noun with what stands before it ("a 54-year-old
Russian woman", "54-летняя россиянка"); when it stands next to a name ("Russian
activist Elena Koposova", "Koposova, 54,") it describes that name. Plural groups
("activists", "some", "они") are mentions too: an event whose nearest subject is a
group is a generic statement, not an event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from havenwatch.core.names import fold_name, strip_name_ending
from havenwatch.monitor.extract.attributes import CITIZENSHIP, ORIGIN
from havenwatch.monitor.extract.counts import count_spans
from havenwatch.monitor.extract.lexicon import LANGUAGES, Lexicon, lexicon
from havenwatch.monitor.extract.model import Analysis, Mention, Span, Token
from havenwatch.monitor.extract.name_forms import (
    has_surname_ending,
    is_first_name,
    is_inflected_first_name,
    is_listed_first_name,
    morph,
    surname_gender,
)
from havenwatch.monitor.extract.normalize import normalize_word
from havenwatch.monitor.extract.patterns import PatternSet
from havenwatch.monitor.extract.registry import Resources, component

POSSESSIVE = re.compile(r"['’]s$")
MAX_NAME_TOKENS = 4
DESCRIPTION_REACH = 4
ORIGIN_REACH = 1
APPOSITION_GAP = 5
ROLE_REACH = 3
ORGANISATION_REACH = 2
APPOSITION_AGE = re.compile(r"\d{1,2}")
AGE_CLOSERS = frozenset(",);:")
NAME_LIKE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
OPENING_QUOTES = frozenset("\"«„“'")
CLOSING_QUOTES = frozenset("\"»”“'")
FIRST_PERSON = "first_person"
FIRST_PERSON_PLURAL = "first_person_plural"
NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
CLAIMING_SPANS = ("place", "date", "authority", "nationality", "person_noun", "organisation")


@component("mentions")
def find_mentions(analysis: Analysis, resources: Resources) -> None:
    lexicon = resources.lexicon(analysis.language)
    _find_attribute_spans(analysis, lexicon)
    names = _names(analysis, lexicon)
    descriptions = _descriptions(analysis, lexicon, names)
    pronouns = _pronouns(analysis, lexicon)
    mentions = names + descriptions + pronouns + _groups(analysis, lexicon)
    for mention in mentions:
        if mention.kind != "group" and mention.role is None:
            mention.role = _role_before(analysis, lexicon, mention)
    _public_figures(names, lexicon)
    _clients_of_roles(names)
    _professions(analysis, descriptions)
    analysis.mentions = sorted(mentions, key=lambda mention: (mention.first, mention.last))


def _groups(analysis: Analysis, lexicon: Lexicon) -> list[Mention]:
    """Plural people words, except inside the name of a body or facility ("the shelter for
    foreigners", "управление по делам иностранцев", `people.institutions`) and after a
    singular modifier (`people.singular_modifiers`: "ruskog aktiviste" is one activist's,
    "ruske aktiviste" several activists)."""
    named = {
        index
        for span in analysis.spans.get("authority", [])
        + _spans(analysis, lexicon, "people.institutions")
        for index in range(span.first, span.last)
    }
    singular = lexicon.patterns("people.singular_modifiers")
    return [
        Mention("group", span.first, span.last, span.sentence, plural=True)
        for span in _spans(analysis, lexicon, "people.group_nouns")
        if span.first not in named and not _after_singular_modifier(analysis, singular, span)
    ]


def _after_singular_modifier(analysis: Analysis, singular: PatternSet, span: Span) -> bool:
    before = analysis.window(span.first - 1, span.first, span.sentence)
    match = singular.first(before) if before else None
    return match is not None and match.start == 0 and match.end == len(before)


def _find_attribute_spans(analysis: Analysis, lexicon: Lexicon) -> None:
    analysis.spans["nationality"] = _spans(analysis, lexicon, "nationalities")
    analysis.spans["organisation"] = _spans(analysis, lexicon, "organisations")
    claimed = {
        index
        for kind in ("grounds", "authority")
        for span in analysis.spans.get(kind, [])
        for index in range(span.first, span.last)
    }
    analysis.spans["person_noun"] = [
        span
        for span in _spans(analysis, lexicon, "people.person_nouns")
        if span.first not in claimed
    ]
    analysis.spans["age"] = [
        Span("age", span.first, span.last, span.sentence, _first_number(analysis, span))
        for span in _spans(analysis, lexicon, "people.ages")
    ]


def _spans(analysis: Analysis, lexicon: Lexicon, path: str) -> list[Span]:
    return [
        analysis.span_of(match, match.label) for match in analysis.matches(lexicon.patterns(path))
    ]


def _first_number(analysis: Analysis, span: Span) -> int | None:
    for token in analysis.tokens[span.first : span.last]:
        found = re.search(r"\d+", token.text)
        if found:
            return int(found.group())
    return None


def _names(analysis: Analysis, lexicon: Lexicon) -> list[Mention]:
    claimed = {
        index
        for kind in CLAIMING_SPANS
        for span in analysis.spans.get(kind, [])
        for index in range(span.first, span.last)
    }
    blockers = lexicon.words("people.name_blockers") | lexicon.words("stopwords")
    context = NameContext(
        introduced=frozenset(span.last for span in analysis.spans["person_noun"]),
        person_nouns=frozenset(span.first for span in analysis.spans["person_noun"]),
        place_prepositions=lexicon.words("people.place_prepositions"),
        family_endings=lexicon.words("people.family_endings"),
        organisations=lexicon.words("people.organisation_nouns"),
        known=set(),
        surnames=set(),
    )
    mentions: list[Mention] = []
    run: list[Token] = []
    for token in analysis.tokens:
        if run and (token.sentence != run[-1].sentence or len(run) == MAX_NAME_TOKENS):
            mentions.extend(_accept_run(analysis, run, context))
            run = []
        if run and token.text == "." and _initial(analysis, run[-1]):
            continue  # the full stop of an initial: "A. K.", "Denis V.", "Анна К."
        if _name_like(token, claimed, blockers) or (
            len(token.text) == 1 and _initial(analysis, token) and token.index not in claimed
        ):
            run.append(token)
            if POSSESSIVE.search(token.text):
                mentions.extend(_accept_run(analysis, run, context))
                run = []
        elif run:
            mentions.extend(_accept_run(analysis, run, context))
            run = []
    mentions.extend(_accept_run(analysis, run, context))
    return mentions


def _name_like(token: Token, claimed: set[int], blockers: frozenset[str]) -> bool:
    text = token.text
    if token.index in claimed or not text[0].isupper() or not NAME_LIKE.fullmatch(text):
        return False
    if len(text) > 1 and text.isupper():
        return False
    return POSSESSIVE.sub("", token.norm) not in blockers


@dataclass(frozen=True)
class NameContext:
    """What tells a run of capitalised words apart as a person's name."""

    introduced: frozenset[int]
    person_nouns: frozenset[int]
    place_prepositions: frozenset[str]
    family_endings: frozenset[str]
    organisations: frozenset[str]
    known: set[str]
    surnames: set[str]


def _accept_run(analysis: Analysis, run: list[Token], context: NameContext) -> list[Mention]:
    if not run:
        return []
    sentence_start = analysis.sentences[run[0].sentence].first
    if (
        run[0].index == sentence_start
        and not _name_anchor(run[0].text, analysis.language)
        and not _described(analysis, run, context)
        and not _known(run[0].text, context)
    ):
        run = run[1:]
    run = _without_place_before(analysis, run, context)
    if (
        not run
        or _quoted(analysis, run)
        or _place_after_preposition(analysis, run, context)
        or _organisation(analysis, run, context)
    ):
        return []
    for position in range(1, len(run)):
        following = run[position + 1].text if position + 1 < len(run) else None
        if _starts_another_name(run[position - 1].text, run[position].text, following):
            before, after = run[:position], run[position:]
            return _accept_run(analysis, before, context) + _accept_run(analysis, after, context)
    if all(_initial(analysis, token) for token in run):
        if not _initials_described(analysis, run, context):
            return []
    elif (
        not any(_name_anchor(token.text, analysis.language) for token in run)
        and not _described(analysis, run, context)
        and not _known_alone(analysis, run, context)
    ):
        return []
    if len(run) > 1 and not _initial(analysis, run[-1]):
        context.known.add(_stem(run[-1].text))
        context.surnames.add(fold_name(POSSESSIVE.sub("", run[-1].text)))
    text = " ".join(
        token.text + "." if _initial(analysis, token) else POSSESSIVE.sub("", token.text)
        for token in run
    )
    end = _name_end(analysis, run)
    mention = Mention("name", run[0].index, end, run[0].sentence, text=text)
    mention.possessive = bool(POSSESSIVE.search(run[-1].text))
    return [mention]


def _initial(analysis: Analysis, token: Token) -> bool:
    """A capital letter followed by a full stop: an initial ("E. Koposova"), or the
    initials a report gives for a name it withholds ("A. K.", "Ринат Г.")."""
    following = token.index + 1
    return (
        len(token.text) == 1
        and token.text.isupper()
        and following < len(analysis.tokens)
        and analysis.tokens[following].text == "."
    )


def _name_end(analysis: Analysis, run: list[Token]) -> int:
    """Where the name ends: after the full stop of a final initial."""
    return run[-1].index + (2 if _initial(analysis, run[-1]) else 1)


def _initials_described(analysis: Analysis, run: list[Token], context: NameContext) -> bool:
    """Initials alone ("A. K.") name a person only where the report says who: a word for
    a person right before ("activist A. K."), an age or a description set off after
    ("A. K., 34,", "A. K., a Russian journalist"). Two initials at least, written apart:
    "U.S." is no one."""
    if len(run) < 2 or any(
        analysis.tokens[token.index + 1].end == analysis.tokens[token.index + 2].start
        for token in run[:-1]
    ):
        return False
    if run[0].index in context.introduced:
        return True
    end = _name_end(analysis, run)
    after = analysis.tokens[end : end + DESCRIPTION_REACH]
    if not after or after[0].text not in ",(":
        return False
    return _age_within(analysis, after[1:]) or any(
        token.index in context.person_nouns for token in after[1:]
    )


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return strip_name_ending(fold_name(POSSESSIVE.sub("", word)))


def _known(word: str, context: NameContext) -> bool:
    """ "Seitkali's lawyer": the surname of someone named in full before, alone."""
    return bool(context.known) and _stem(word) in context.known


def _known_alone(analysis: Analysis, run: list[Token], context: NameContext) -> bool:
    """A surname named in full before, standing alone; not one set after an age in
    brackets ("Алину (30) Ким"), which ends the name before it, nor the family's plural."""
    if not any(_known(token.text, context) for token in run) or _family(run, context):
        return False
    return run[0].index == 0 or analysis.tokens[run[0].index - 1].text != ")"


def _family(run: list[Token], context: NameContext) -> bool:
    """ "Волкови", "the Mironchiks": a surname named before, in the plural, is the family."""
    folded = fold_name(run[-1].text)
    return len(run) == 1 and any(
        folded.endswith(ending) and folded[: -len(ending)] in context.surnames
        for ending in context.family_endings
    )


def _without_place_before(
    analysis: Analysis, run: list[Token], context: NameContext
) -> list[Token]:
    """ "из Казани Алсу Гарипова", "из Новосибирска Тимура Валијева": after a locative
    preposition, the words before a first name, or before the last two words when the last
    is shaped like a surname, are the place the person comes from."""
    if len(run) < 3 or run[0].index == 0:
        return run
    if analysis.tokens[run[0].index - 1].norm not in context.place_prepositions:
        return run
    if is_first_name(run[0].text):
        return run
    starts = [position for position, token in enumerate(run) if is_first_name(token.text)]
    if starts:
        return run[starts[0] :]
    return run[-2:] if _surname_shaped(run[-1].text) else run


def _organisation(analysis: Analysis, run: list[Token], context: NameContext) -> bool:
    """ "the group Exile Aid", "портал Балкан", "udruženje Otvoreni grad": capitalised
    words right after the word for an organisation name it (a word between may describe
    it: "the Belgrade-based group Exile Aid")."""
    first = analysis.sentences[run[0].sentence].first
    before = analysis.tokens[max(run[0].index - ORGANISATION_REACH, first) : run[0].index]
    return any(token.norm in context.organisations for token in before) and not any(
        is_listed_first_name(token.text) for token in run
    )


def _quoted(analysis: Analysis, run: list[Token]) -> bool:
    """ "the „Konstantin Veliki” airport": a quoted title is not a person."""
    first, last = run[0].index, run[-1].index
    if first == 0 or last + 1 >= len(analysis.tokens):
        return False
    return (
        analysis.tokens[first - 1].text in OPENING_QUOTES
        and analysis.tokens[last + 1].text in CLOSING_QUOTES
    )


def _place_after_preposition(analysis: Analysis, run: list[Token], context: NameContext) -> bool:
    """ "from Rostov", "в Гродно", "in Padinska Skela": capitalised words with no first name
    after a locative preposition are a place."""
    if run[0].index == 0 or any(is_first_name(token.text) for token in run):
        return False
    return analysis.tokens[run[0].index - 1].norm in context.place_prepositions


def _described(analysis: Analysis, run: list[Token], context: NameContext) -> bool:
    """A name of any origin, told apart by what surrounds it: "activist John Smith",
    "Ahmed Karimi, 41,", "Ahmed Karimi (41)", "Ahmed Karimi, a 41-year-old engineer"."""
    if len(run) < 2:
        return False
    if run[0].index in context.introduced:
        return True
    after = analysis.tokens[run[-1].index + 1 : run[-1].index + 4]
    texts = [token.text for token in after]
    if len(texts) == 3 and texts[0] in ",(" and texts[2] in ",)" and texts[1].isdigit():
        return True
    return bool(texts) and texts[0] == "," and _age_within(analysis, after[1:])


def _age_within(analysis: Analysis, tokens: list[Token]) -> bool:
    """ "Tobias Hartmann, a 58-year-old German citizen": an age description follows."""
    starts = {span.first for span in analysis.spans.get("age", [])}
    return any(token.index in starts for token in tokens)


def _starts_another_name(previous: str, word: str, following: str | None) -> bool:
    """ "адвокат Ершовой Петар Йович", "адвокат Лаптевой Бранко Маркович": after a
    surname, a first name, or any word followed by another surname, starts a new name."""
    if not _surname_shaped(previous) or is_first_name(previous):
        return False
    if is_first_name(word):
        return True
    return following is not None and _surname_shaped(following) and not _surname_shaped(word)


def _surname_shaped(word: str) -> bool:
    return surname_gender(word) is not None or has_surname_ending(word)


@lru_cache(maxsize=65536)
def _name_anchor(word: str, language: str | None) -> bool:
    """A first name from the lexicon, or a word shaped like a surname ("-ova", "-ić") that
    is no ordinary word of the language: neither in pymorphy3's Russian dictionary as one
    ("Коротко", "Часов") nor spelled out in the lexicon's patterns ("Zahtev")."""
    bare = POSSESSIVE.sub("", word)
    if is_first_name(bare):
        return True
    if surname_gender(bare) is None and not has_surname_ending(bare):
        return False
    if language == "ru" and _ordinary_russian(bare):
        return False
    known = lexicon(language if language in LANGUAGES else "en").ordinary_words()
    return normalize_word(bare, language or "en") not in known


def _ordinary_russian(word: str) -> bool:
    """A word pymorphy3's dictionary knows, none of whose readings is a name or a place."""
    analyzer = morph()
    lowered = word.lower()
    if not analyzer.word_is_known(lowered):
        return False
    return not any(NAME_TAGS & parse.tag.grammemes for parse in analyzer.parse(word))


def _descriptions(analysis: Analysis, lexicon: Lexicon, names: list[Mention]) -> list[Mention]:
    name_by_end = {name.last: name for name in names}
    name_by_start = {name.first: name for name in names}
    indefinite = lexicon.words("people.articles.indefinite")
    definite = lexicon.words("people.articles.definite")
    copulas = lexicon.words("people.copulas")
    counted = _counted_tokens(analysis, lexicon)
    mentions = []
    apposed: list[tuple[Mention, Mention]] = []
    organisations = lexicon.words("people.organisation_nouns")
    for noun in analysis.spans["person_noun"]:
        if _in_organisation_name(analysis, noun, organisations):
            continue
        mention = _description(analysis, noun, indefinite, definite)
        if mention.first - 1 in counted:
            mentions.append(
                Mention(
                    "group",
                    mention.first,
                    mention.last,
                    mention.sentence,
                    plural=True,
                    nationality=mention.nationality,
                )
            )
            continue
        target = _apposed_name(analysis, mention, name_by_start, name_by_end)
        target = target or _predicated_name(analysis, mention, names, copulas)
        if target is not None:
            _describe(target, mention)
            apposed.append((mention, target))
            if mention.last == target.first:
                target.lead = mention.first
        else:
            mentions.append(mention)
    _ages_after_names(analysis, names)
    _citizenships(analysis, [(mention, mention) for mention in names + mentions] + apposed)
    return mentions


def _in_organisation_name(analysis: Analysis, noun: Span, organisations: frozenset[str]) -> bool:
    """ "the group Exile Aid": a capitalised person noun inside an organisation's name."""
    token = analysis.tokens[noun.first]
    if not token.text[:1].isupper() or noun.first == analysis.sentences[noun.sentence].first:
        return False
    first = max(noun.first - ORGANISATION_REACH, analysis.sentences[noun.sentence].first)
    return any(other.norm in organisations for other in analysis.tokens[first : noun.first])


def _counted_tokens(analysis: Analysis, lexicon: Lexicon) -> set[int]:
    """Last tokens of counts ("десетак", "two", "12"): a person noun after one is plural."""
    return {span.last - 1 for span in count_spans(analysis, lexicon)}


def _description(
    analysis: Analysis, noun: Span, indefinite: frozenset[str], definite: frozenset[str]
) -> Mention:
    gender = noun.value if noun.value in ("female", "male") else None
    mention = Mention("description", noun.first, noun.last, noun.sentence, gender=gender)
    lowest = max(noun.first - DESCRIPTION_REACH, analysis.sentences[noun.sentence].first)
    states = {span.first for span in analysis.spans_in("place", noun.sentence)}
    for nationality in analysis.spans_in("nationality", noun.sentence):
        if nationality.first in states and nationality.first != noun.first:
            continue
        if lowest <= nationality.first < noun.first or nationality.first == noun.first:
            mention.nationality = mention.nationality or nationality.value
            mention.first = min(mention.first, nationality.first)
    for age in analysis.spans_in("age", noun.sentence):
        if lowest <= age.first < noun.first:
            mention.age = age.value
            mention.first = min(mention.first, age.first)
    article = analysis.tokens[mention.first - 1].norm if mention.first else ""
    if article in indefinite or article in definite:
        mention.first -= 1
    mention.definite = article not in indefinite
    return mention


def _apposed_name(
    analysis: Analysis,
    mention: Mention,
    name_by_start: dict[int, Mention],
    name_by_end: dict[int, Mention],
) -> Mention | None:
    """ "Russian activist Elena Koposova", "Koposova, a Russian citizen",
    "Koposova, 54, a Russian citizen", "Koposova (54), Russian citizen"."""
    if mention.last in name_by_start:
        return name_by_start[mention.last]
    for gap in range(1, APPOSITION_GAP + 1):
        name = name_by_end.get(mention.first - gap)
        if name and _only_age_between(analysis, name.last, mention.first):
            return name
    return None


def _only_age_between(analysis: Analysis, first: int, last: int) -> bool:
    between = [token.text for token in analysis.tokens[first:last]]
    if not between or between[0] not in ",(":
        return False
    return all(text in ",()" or APPOSITION_AGE.fullmatch(text) for text in between)


def _predicated_name(
    analysis: Analysis, mention: Mention, names: list[Mention], copulas: frozenset[str]
) -> Mention | None:
    """ "Kuzmina is a Russian designer": the description says who the subject is."""
    if not mention.first or analysis.tokens[mention.first - 1].norm not in copulas:
        return None
    before = [n for n in names if n.sentence == mention.sentence and n.last < mention.first]
    return before[-1] if before else None


def _describe(target: Mention, description: Mention) -> None:
    target.gender = target.gender or description.gender
    target.nationality = target.nationality or description.nationality
    target.age = target.age or description.age


def _ages_after_names(analysis: Analysis, names: list[Mention]) -> None:
    """ "Ivan Petrov, 34, ...", "Ivan Petrov (34)", "Pavel Orlov, 41:" and "Павел Орлов,
    41 год," give his age."""
    tokens = analysis.tokens
    ages = {span.first: span.value for span in analysis.spans["age"]}
    for name in names:
        index = name.last
        if index + 1 >= len(tokens) or tokens[index].text not in ",(":
            continue
        age = ages.get(index + 1)
        if age is None and _bare_age_at(tokens, index + 1):
            age = int(tokens[index + 1].text)
        name.age = name.age or age


def _bare_age_at(tokens: list[Token], index: int) -> bool:
    if not APPOSITION_AGE.fullmatch(tokens[index].text):
        return False
    return index + 1 == len(tokens) or tokens[index + 1].text in AGE_CLOSERS


def _citizenships(analysis: Analysis, mentions: list[tuple[Mention, Mention]]) -> None:
    """ "a citizen of Russia", "гражданка России": the nearest mention before gets it;
    "an activist from Russia", "a sound engineer from Perm" only right after the mention
    ("deported from Serbia" is not). A description set beside a name ("Volgin, a sound
    engineer from Perm") passes it to the name. Pairs are (mention, who it describes)."""
    for place in analysis.spans.get("place", []):
        if place.value[1] not in (CITIZENSHIP, ORIGIN):
            continue
        reach = DESCRIPTION_REACH if place.value[1] == CITIZENSHIP else ORIGIN_REACH
        before = [
            pair
            for pair in mentions
            if pair[0].sentence == place.sentence and 0 <= place.first - pair[0].last <= reach
        ]
        if before:
            nearest = max(before, key=lambda pair: pair[0].last)[1]
            nearest.nationality = nearest.nationality or place.value[0]


def _pronouns(analysis: Analysis, lexicon: Lexicon) -> list[Mention]:
    return [
        Mention(
            "pronoun",
            span.first,
            span.last,
            span.sentence,
            plural=span.value in ("plural", FIRST_PERSON_PLURAL),
            gender=span.value if span.value in ("female", "male") else None,
            speaker=span.value == FIRST_PERSON,
            first_plural=span.value == FIRST_PERSON_PLURAL,
        )
        for span in _spans(analysis, lexicon, "people.pronouns")
    ]


def _professions(analysis: Analysis, descriptions: list[Mention]) -> None:
    """ "a Russian human rights lawyer was barred from entering": a lawyer or official of
    another state than the one the report is set in is a person in their own right, not
    someone's counsel or the authorities speaking."""
    for mention in descriptions:
        if (
            mention.role in ("lawyer", "official")
            and mention.nationality is not None
            and mention.nationality != analysis.default_country
        ):
            mention.role = None


def _public_figures(names: list[Mention], lexicon: Lexicon) -> None:
    """Presidents and ministers named in passing ("Lukashenko", "Вучић") are officials; a
    name that gives another first name beside the surname ("Евгений Лавров") is someone
    else (`public_figures` lists "First Surname"; an entry of a surname alone blocks it
    whatever the first name)."""
    figures = _folded_figures(lexicon)
    for name in names:
        words = fold_name(name.text).split()
        if any(_is_public_figure(word, words, figures) for word in words):
            name.role = "official"


def _is_public_figure(surname: str, words: list[str], figures: dict[str, frozenset[str]]) -> bool:
    first_names = figures.get(surname)
    if first_names is None:
        return False
    others = [strip_name_ending(word) for word in words if word != surname]
    return not first_names or not others or any(word in first_names for word in others)


@lru_cache(maxsize=8)
def _folded_figures(lexicon: Lexicon) -> dict[str, frozenset[str]]:
    """Folded surname -> stems of the figure's first names (empty: any first name)."""
    first_names: dict[str, set[str]] = {}
    for entry in lexicon.section("public_figures") or []:
        *given, surname = fold_name(str(entry)).split()
        stems = first_names.setdefault(surname, set())
        stems.update(strip_name_ending(word) for word in given)
    return {surname: frozenset(stems) for surname, stems in first_names.items()}


def _clients_of_roles(names: list[Mention]) -> None:
    """ "адвокат Ершовой Петар Йович": the name right after the role word is the client."""
    by_start = {name.first: name for name in names}
    for name in names:
        following = by_start.get(name.last)
        if following is not None and following.role == name.role:
            name.role = None


def _role_before(analysis: Analysis, lexicon: Lexicon, mention: Mention) -> str | None:
    """The role word just before a mention, unless the mention is whose role it is: "the
    lawyer of Anton Serov", "адвокат Антона Серова", "advokat Antona Serova"."""
    window = analysis.window(mention.first - ROLE_REACH, mention.last, mention.sentence)
    roles = [match for match in lexicon.patterns("people.roles").finditer(window)]
    if not roles or _client_of_role(analysis, lexicon, mention):
        return None
    if _set_off_from_role(window[roles[-1].end :], mention.text):
        return None
    return roles[-1].label


def _set_off_from_role(between: str, name: str) -> bool:
    """ "По словам защитника, 34-летнему Аксенову вручили": a comma and other words between
    the role word and the mention close the role's phrase (an apposition, "his lawyer,
    Dragan Milic", has only the name after its comma)."""
    _, comma, after = between.rpartition(" , ")
    if not comma:
        return False
    rest = after.split(" ")
    return len(rest) > len(name.split()) and not any(mark in rest for mark in ("(", "-", "—"))


def _client_of_role(analysis: Analysis, lexicon: Lexicon, mention: Mention) -> bool:
    if mention.kind != "name" or mention.first == 0:
        return False
    if analysis.tokens[mention.first - 1].norm in lexicon.words("people.client_markers"):
        return True
    language = analysis.language
    return language in ("ru", "sr") and is_inflected_first_name(mention.text.split()[0], language)
