"""Named people spoken of together: "Gleb Rusakov, Vera Khamzina and Ilya Tsvetkov",
"Егор Сапрыкин и его сестра Полина", and the words that refer back to them.

A coordination is two or more names in one sentence with only commas, coordinating words
("and", "и", "i") and descriptions or possessives ("his sister") between them. An event
stated of one member of a coordination is stated of each ("X and Y were detained"). A
plural mention that refers to a group ("the couple", "both of them", "they", "их",
"njih dvoje") refers to the most recent coordination a few sentences back, so its events
are events of each member; in a lead that speaks of a couple before naming them, to the
coordination of the next sentences; without one it stays a generic statement. A
plural description set off right after a coordination ("X and Y, Russian citizens,")
describes its members.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

from havenwatch.core.names import names_match
from havenwatch.monitor.extract.lexicon import Lexicon
from havenwatch.monitor.extract.model import Analysis, Entity, Mention, Token
from havenwatch.monitor.extract.name_forms import morph
from havenwatch.monitor.extract.registry import Resources, component

GROUP_REACH = 5
FORWARD_REACH = 2
NAMED_GAP = 1
NATIONALITY_REACH = 2
NOT_SUBJECTS = ("lawyer", "official")
OCCUPATION_WORDS = 2
APPOSITION_MARKS = frozenset({",", "(", "—", "–", "-"})
FEMININE_SURNAMES = ("ova", "eva", "ina", "ова", "ева", "ина", "ёва")
MASCULINE_SURNAMES = ("ov", "ev", "in", "ов", "ев", "ин", "ёв")
PLURAL_ENDINGS = ("ыми", "ых", "ым", "ы")
PLURAL_SURNAMES = tuple(
    stem + ending for stem in ("ов", "ев", "ин", "ёв", "ын") for ending in PLURAL_ENDINGS
)


@component("groups")
def find_groups(analysis: Analysis, resources: Resources) -> None:
    lexicon = resources.lexicon(analysis.language)
    coordinations = _coordinations(analysis, lexicon)
    for members in coordinations:
        for mention in members:
            mention.members = tuple(_entities(members))
        _share_surnames(analysis, lexicon, members)
    if not coordinations:
        return
    references = _reference_tokens(analysis, lexicon)
    _add_reference_mentions(analysis, lexicon)
    _add_family_mentions(analysis, lexicon, coordinations)
    referring = {mention.sentence for mention in analysis.mentions if mention.first in references}
    for mention in analysis.mentions:
        if mention.plural and (mention.kind == "pronoun" or mention.first in references):
            mention.members = _recent_group(coordinations, mention)
            if not mention.members:
                mention.members = _named_after(coordinations, mention)
            if not mention.members and mention.sentence in referring:
                mention.members = _following_group(coordinations, mention)
        elif mention.plural and not mention.members:
            mention.members = _apposed_group(analysis, coordinations, mention) or _named_after(
                coordinations, mention
            )
        if mention.members:
            _pass_nationality(analysis, mention)


def _share_surnames(analysis: Analysis, lexicon: Lexicon, members: list[Mention]) -> None:
    """ "Sergej i Olga Lapin", "Igor and Maria Kazantsev": a lone first name joined by a
    coordinator to a full name bears its surname, in the form of its own gender."""
    coordinators = lexicon.words("people.coordinators")
    entities = {entity.id: entity for entity in analysis.entities}
    for lone, full in pairwise(members):
        between = analysis.tokens[lone.last : full.first]
        if lone.last - lone.first != 1 or full.last - full.first < 2 or lone.entity is None:
            continue
        if len(between) != 1 or between[0].norm not in coordinators:
            continue
        entity = entities.get(lone.entity)
        other = entities.get(full.entity) if full.entity is not None else None
        if entity is None or any(len(name.split()) > 1 for name in entity.names):
            continue
        written = analysis.tokens[full.last - 1].text
        if other is not None and other.names and written.endswith(PLURAL_SURNAMES):
            other.names.insert(0, _singular(full.text, written, other.gender))
            written = _singular(written, written, "male")
        surname = _surname_for(written, other, entity)
        entity.names.insert(0, f"{analysis.tokens[lone.first].text} {surname}")


def _singular(name: str, surname: str, gender: str | None) -> str:
    """ "Ирину Сорокиных" -> "Ирину Сорокина", "Сорокиных" -> "Сорокин": a Russian family
    surname in the plural, in the form of one member."""
    for ending in PLURAL_ENDINGS:
        if surname.endswith(ending):
            single = surname[: -len(ending)] + ("а" if gender == "female" else "")
            return name[: len(name) - len(surname)] + single
    return name


def _surname_for(surname: str, bearer: Entity | None, entity: Entity) -> str:
    """Slavic surnames in -ov/-ev/-in take -a for a woman and lose it for a man."""
    giver = bearer.gender if bearer else None
    if giver == "female" and entity.gender == "male" and surname.endswith(FEMININE_SURNAMES):
        return surname[:-1]
    if giver == "male" and entity.gender == "female" and surname.endswith(MASCULINE_SURNAMES):
        return surname + ("a" if surname[-1].isascii() else "а")
    return surname


def _pass_nationality(analysis: Analysis, mention: Mention) -> None:
    """ "a Russian couple", "dvoje ruskih državljana, X i Y": the group's nationality is
    each member's."""
    nationality = mention.nationality or next(
        (
            str(span.value)
            for span in analysis.spans_in("nationality", mention.sentence)
            if mention.first - NATIONALITY_REACH <= span.first <= mention.first
        ),
        None,
    )
    if nationality is None:
        return
    for entity in analysis.entities:
        if entity.id in mention.members and entity.nationality is None:
            entity.nationality = nationality


def _add_family_mentions(
    analysis: Analysis, lexicon: Lexicon, coordinations: list[list[Mention]]
) -> None:
    """A surname in the plural ("the Mironchiks", "Казанцевых", "Petrovići") names the
    family of a coordination one of whose members bears it."""
    taken = {index for mention in analysis.mentions for index in range(mention.first, mention.last)}
    endings = sorted(lexicon.words("people.family_endings"), key=len, reverse=True)
    added = []
    for token in analysis.tokens:
        if token.index in taken or not token.text[:1].isupper():
            continue
        members = _family_of(token.norm, endings, coordinations, analysis, token.sentence)
        if members:
            mention = Mention("group", token.index, token.index + 1, token.sentence, plural=True)
            mention.members = members
            added.append(mention)
    if added:
        analysis.mentions = sorted(
            analysis.mentions + added, key=lambda mention: (mention.first, mention.last)
        )


def _family_of(
    word: str,
    endings: list[str],
    coordinations: list[list[Mention]],
    analysis: Analysis,
    sentence: int,
) -> tuple[int, ...]:
    stems = _family_stems(word, endings)
    earlier = [members for members in coordinations if members[0].sentence <= sentence]
    for members in reversed(earlier):
        surnames = [analysis.tokens[m.last - 1].norm for m in members if m.last - m.first > 1]
        for surname in surnames:
            forms = _family_stems(surname, endings) | {surname}
            if stems & forms or any(names_match(stem, surname) for stem in stems):
                return tuple(_entities(members))
    return ()


def _family_stems(word: str, endings: list[str]) -> set[str]:
    """A surname in the plural without its ending ("sorokinovima", "сорокиных" ->
    "sorokin", "сорокин")."""
    return {
        word[: -len(ending)]
        for ending in endings
        if word.endswith(ending) and len(word) - len(ending) > 2
    }


def _apposed_group(
    analysis: Analysis, coordinations: list[list[Mention]], mention: Mention
) -> tuple[int, ...]:
    """A plural description set off right after or before a coordination describes its
    members: "Igor and Maria Kazantsev, Russian citizens, sued", "privela dvoje ruskih
    državljana, Darju Kovaljovu i Arsenija Bibikova"."""
    for members in coordinations:
        first, last = members[0], members[-1]
        if last.sentence != mention.sentence:
            continue
        if last.last <= mention.first:
            between = analysis.tokens[last.last : mention.first]
        elif mention.last <= first.first:
            between = analysis.tokens[mention.last : first.first]
        else:
            continue
        national = {
            index
            for span in analysis.spans_in("nationality", mention.sentence)
            for index in range(span.first, span.last)
        }
        if between and all(
            token.text in APPOSITION_MARKS or token.index in national for token in between
        ):
            return tuple(_entities(members))
    return ()


def _add_reference_mentions(analysis: Analysis, lexicon: Lexicon) -> None:
    """A group reference that is no people word of its own ("супругов", "обоих", "oboje")
    is a plural mention too."""
    taken = {index for mention in analysis.mentions for index in range(mention.first, mention.last)}
    added = []
    for match in analysis.matches(lexicon.patterns("people.group_references")):
        span = analysis.span_of(match)
        if not taken.intersection(range(span.first, span.last)):
            sentence = analysis.tokens[span.first].sentence
            added.append(Mention("group", span.first, span.last, sentence, plural=True))
    if added:
        analysis.mentions = sorted(
            analysis.mentions + added, key=lambda mention: (mention.first, mention.last)
        )


def _coordinations(analysis: Analysis, lexicon: Lexicon) -> list[list[Mention]]:
    found: list[list[Mention]] = []
    current: list[Mention] = []
    for mention in analysis.mentions:
        if not _member(analysis, lexicon, mention):
            continue
        if current and _joined(analysis, lexicon, current[-1], mention):
            current.append(mention)
            continue
        if len(set(_entities(current))) > 1:
            found.append(current)
        current = [mention]
    if len(set(_entities(current))) > 1:
        found.append(current)
    return found


def _member(analysis: Analysis, lexicon: Lexicon, mention: Mention) -> bool:
    """A named person who is no lawyer or official, or a pronoun standing for one person
    right before a coordinator ("her and her son Oleg", "его и его жену Софью", "nju i
    njenog sina Olega"): a possessive ("his wife") is never followed by one."""
    if mention.entity is None or mention.role in NOT_SUBJECTS:
        return False
    if mention.kind == "name":
        return True
    if mention.kind != "pronoun" or mention.plural or mention.last >= len(analysis.tokens):
        return False
    return analysis.tokens[mention.last].norm in lexicon.words("people.coordinators")


def _joined(analysis: Analysis, lexicon: Lexicon, previous: Mention, mention: Mention) -> bool:
    """Only commas, coordinators and words of other mentions ("his sister") in between."""
    if previous.sentence != mention.sentence or previous.entity == mention.entity:
        return False
    between = analysis.tokens[previous.last : mention.first]
    joining = _coordinator_tokens(between, lexicon.words("people.coordinators"))
    if not any(token.text == "," or token.index in joining for token in between):
        return False
    covered = _descriptive_tokens(analysis, mention.sentence)
    covered |= _occupation_tokens(analysis, lexicon, between, mention, joining)
    return all(
        token.text in ",()" or token.index in joining or token.index in covered for token in between
    )


def _occupation_tokens(
    analysis: Analysis,
    lexicon: Lexicon,
    between: list[Token],
    mention: Mention,
    joining: set[int],
) -> set[int]:
    """Up to two words right after a comma or coordinator and right before the next name
    that look like a description of it ("camerawoman Polina Rudneva", "оператору Тимофею
    Краснову", "сниматељу Петру Јанчуку"), though no person noun of the lexicon: an
    occupation the lexicon lacks still leaves the list whole."""
    endings = lexicon.words("people.description_endings")
    described = _descriptive_tokens(analysis, mention.sentence)
    articles = lexicon.words("people.articles.definite") | lexicon.words(
        "people.articles.indefinite"
    )
    tail: list[Token] = []
    for token in reversed(between):
        if token.text == "," or token.index in joining:
            break
        tail.append(token)
    words = [token for token in tail if token.index not in described and token.norm not in articles]
    name = analysis.tokens[mention.first].norm
    if len(words) <= OCCUPATION_WORDS and all(
        _describes(analysis.language or "", token, name, endings) for token in words
    ):
        return {token.index for token in tail}
    return set()


def _describes(language: str, token: Token, name: str, endings: frozenset[str]) -> bool:
    """Russian: an animate noun (pymorphy3); Serbian: a case ending shared with the name
    ("novinaru Ivanu"); English: an agent ending ("camerawoman", "director")."""
    word = token.norm
    if not token.text.isalpha() or token.text != token.text.lower():
        return False
    if language == "ru":
        word = token.text
        return _russian_animate_noun(word)
    if language == "sr":
        return len(word) > 3 and word[-1:] == name[-1:] and word[-1:] in endings
    return any(word.endswith(ending) for ending in endings)


@lru_cache(maxsize=8192)
def _russian_animate_noun(word: str) -> bool:
    parses = morph().parse(word)[:2]
    return any({"NOUN", "anim"} <= parse.tag.grammemes for parse in parses)


def _coordinator_tokens(tokens: list[Token], coordinators: frozenset[str]) -> set[int]:
    """Tokens that make up a coordinator, one word ("and", "и") or several ("as well as",
    "а также", "kao i")."""
    phrases = sorted((phrase.split() for phrase in coordinators), key=len, reverse=True)
    found: set[int] = set()
    for start in range(len(tokens)):
        words = [token.norm for token in tokens[start:]]
        for phrase in phrases:
            if words[: len(phrase)] == phrase:
                found.update(token.index for token in tokens[start : start + len(phrase)])
                break
    return found


def _descriptive_tokens(analysis: Analysis, sentence: int) -> set[int]:
    """Words that describe a member: "his wife", "44", "Russian activist"."""
    spans = [
        (span.first, span.last)
        for kind in ("person_noun", "nationality", "age")
        for span in analysis.spans_in(kind, sentence)
    ]
    spans += [
        (other.first, other.last)
        for other in analysis.mentions
        if other.sentence == sentence and other.kind in ("pronoun", "description")
    ]
    bounds = analysis.sentences[sentence]
    numbers = [
        (index, index + 1)
        for index in range(bounds.first, bounds.last)
        if analysis.tokens[index].text.isdigit()
    ]
    return {index for first, last in spans + numbers for index in range(first, last)}


def _entities(members: list[Mention]) -> list[int]:
    ordered: list[int] = []
    for mention in members:
        if mention.entity is not None and mention.entity not in ordered:
            ordered.append(mention.entity)
    return ordered


def _reference_tokens(analysis: Analysis, lexicon: Lexicon) -> set[int]:
    patterns = lexicon.patterns("people.group_references")
    return {
        index
        for match in analysis.matches(patterns)
        for index in range(analysis.span_of(match).first, analysis.span_of(match).last)
    }


def _named_after(coordinations: list[list[Mention]], mention: Mention) -> tuple[int, ...]:
    """ "Супруги Ирина и Павел Зуевы", "the couple Lev and Alisa Markin", "bračni par Jurij i
    Marina Denisov": a plural description right before the names it describes."""
    for members in coordinations:
        first = members[0]
        if first.sentence == mention.sentence and 0 <= first.first - mention.last <= NAMED_GAP:
            return tuple(_entities(members))
    return ()


def _following_group(coordinations: list[list[Mention]], mention: Mention) -> tuple[int, ...]:
    """ "A Russian couple ... have left Montenegro after police ordered them to leave.
    Yulia Karpenko, 35, and her husband Denis, 38, ...": a lead that speaks of a couple
    before naming them refers to the names that follow in the next sentences."""
    later = [
        members
        for members in coordinations
        if mention.sentence < members[0].sentence <= mention.sentence + FORWARD_REACH
    ]
    return tuple(_entities(later[0])) if later else ()


def _recent_group(coordinations: list[list[Mention]], mention: Mention) -> tuple[int, ...]:
    earlier = [
        members
        for members in coordinations
        if mention.sentence - GROUP_REACH <= members[0].sentence <= mention.sentence
        and members[0].first < mention.first
    ]
    return tuple(_entities(earlier[-1])) if earlier else ()
